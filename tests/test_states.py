"""States no longer Members (with their dates and successors), former names of continuing Members, and
the forms States' names take in running text (Russian cases, Arabic ل, French and Spanish articles)."""

from __future__ import annotations

import importlib.util
import tomllib
from datetime import date

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from conftest import ROOT

SCHEMA = "https://schema.org/"
ID = "https://w3id.org/unkg/id/"


def _script():
    spec = importlib.util.spec_from_file_location("state_name_forms", ROOT / "scripts" / "state_name_forms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _state(auth, text, lang):
    found = auth.find(text, lang, "state")
    assert len(found) == 1, (text, found)
    return found[0][2].iri


def _memberships(auth, iri):
    g = auth.graph
    out = []
    for m in g.subjects(ORG.member, URIRef(iri)):
        if (m, RDF.type, ORG.Membership) in g:
            start = g.value(m, URIRef(SCHEMA + "startDate"))
            end = g.value(m, URIRef(SCHEMA + "endDate"))
            out.append((str(g.value(m, RDFS.label)), start and start.toPython(), end and end.toPython()))
    return out


# (text as 1980s letters write it, language, State, name the membership is listed under, start, end)
FORMER = [
    ("Permanent Representative of the Union of Soviet Socialist Republics to the United Nations", "en",
     "state/ussr", "Union of Soviet Socialist Republics", date(1945, 10, 24), date(1991, 12, 24)),
    ("Représentant permanent de l’Union des Républiques socialistes soviétiques", "fr",
     "state/ussr", "Union of Soviet Socialist Republics", date(1945, 10, 24), date(1991, 12, 24)),
    ("Постоянный представитель Союза Советских Социалистических Республик при Организации Объединенных Наций",
     "ru", "state/ussr", "Union of Soviet Socialist Republics", date(1945, 10, 24), date(1991, 12, 24)),
    ("Permanent Mission of the German Democratic Republic to the United Nations", "en",
     "state/german-democratic-republic", "German Democratic Republic", date(1973, 9, 18), date(1990, 10, 3)),
    ("Mission permanente de la République démocratique allemande", "fr",
     "state/german-democratic-republic", "German Democratic Republic", date(1973, 9, 18), date(1990, 10, 3)),
    ("Постоянное представительство Германской Демократической Республики при Организации Объединенных Наций",
     "ru", "state/german-democratic-republic", "German Democratic Republic", date(1973, 9, 18), date(1990, 10, 3)),
    ("Représentant permanent de la Yougoslavie auprès de l’Organisation des Nations Unies", "fr",
     "state/yugoslavia", "Yugoslavia", date(1945, 10, 24), None),
    ("Permanent Representative of Yugoslavia", "en", "state/yugoslavia", "Yugoslavia", date(1945, 10, 24), None),
    ("Постоянного представителя Социалистической Федеративной Республики Югославии", "ru",
     "state/yugoslavia", "Yugoslavia", date(1945, 10, 24), None),
    ("Permanent Representative of the Federal Republic of Yugoslavia", "en",
     "state/federal-republic-of-yugoslavia", "Federal Republic of Yugoslavia", date(2000, 11, 1), date(2003, 2, 4)),
    ("Représentant permanent de la Serbie-et-Monténégro", "fr",
     "state/federal-republic-of-yugoslavia", "Serbia and Montenegro", date(2003, 2, 4), date(2006, 6, 3)),
    ("Permanent Representative of Czechoslovakia", "en", "state/czechoslovakia", "Czechoslovakia",
     date(1945, 10, 24), date(1992, 12, 31)),
    ("Représentant permanent de la Tchécoslovaquie", "fr", "state/czechoslovakia", "Czechoslovakia",
     date(1945, 10, 24), date(1992, 12, 31)),
    ("Постоянного представителя Чехословакии", "ru", "state/czechoslovakia", "Czechoslovakia",
     date(1945, 10, 24), date(1992, 12, 31)),
    ("Permanent Representative of Democratic Yemen", "en", "state/democratic-yemen", "Democratic Yemen",
     date(1967, 12, 14), date(1990, 5, 22)),
    ("Représentant permanent de la République arabe du Yémen", "fr", "state/yemen-arab-republic", "Yemen",
     date(1947, 9, 30), date(1990, 5, 22)),
    ("Permanent Representative of Tanganyika", "en", "state/tanganyika", "Tanganyika",
     date(1961, 12, 14), date(1964, 4, 26)),
    ("Постоянного представителя Занзибара", "ru", "state/zanzibar", "Zanzibar", date(1963, 12, 16), date(1964, 4, 26)),
    # former names of continuing Members resolve to the Member, the name dated by its membership period
    ("Permanent Representative of the Byelorussian Soviet Socialist Republic", "en", "state/belarus",
     "Byelorussian Soviet Socialist Republic", date(1945, 10, 24), date(1991, 9, 19)),
    ("Постоянного представителя Белорусской ССР", "ru", "state/belarus",
     "Byelorussian Soviet Socialist Republic", date(1945, 10, 24), date(1991, 9, 19)),
    ("Représentant permanent de la République socialiste soviétique d’Ukraine", "fr", "state/ukraine",
     "Ukrainian Soviet Socialist Republic", date(1945, 10, 24), None),
    ("Permanent Representative of the Federal Republic of Germany", "en", "state/germany",
     "Federal Republic of Germany", date(1973, 9, 18), date(1990, 10, 3)),
    ("Постоянного представителя Федеративной Республики Германия", "ru", "state/germany",
     "Federal Republic of Germany", date(1973, 9, 18), date(1990, 10, 3)),
    ("Représentant permanent du Zaïre", "fr", "state/democratic-republic-of-the-congo", "Zaire",
     date(1971, 10, 27), date(1997, 5, 17)),
    ("Permanent Representative of Zaire", "en", "state/democratic-republic-of-the-congo", "Zaire",
     date(1971, 10, 27), date(1997, 5, 17)),
    ("Постоянного представителя Заира", "ru", "state/democratic-republic-of-the-congo", "Zaire",
     date(1971, 10, 27), date(1997, 5, 17)),
    ("Permanent Representative of the United Arab Republic", "en", "state/egypt", "United Arab Republic",
     date(1958, 2, 21), date(1971, 9, 2)),
    ("Permanent Representative of Burma", "en", "state/myanmar", "Burma", date(1948, 4, 19), None),
    ("Représentant permanent du Swaziland", "fr", "state/eswatini", "Swaziland", date(1968, 9, 24), None),
    ("Permanent Representative of the United Republic of Tanganyika and Zanzibar", "en",
     "state/united-republic-of-tanzania", "United Republic of Tanganyika and Zanzibar",
     date(1964, 4, 26), date(1964, 11, 1)),
]


@pytest.mark.parametrize("text, lang, state, listed, start, end", FORMER)
def test_former_states_and_names_resolve_with_their_dates(auth, text, lang, state, listed, start, end):
    assert _state(auth, text, lang) == ID + state
    assert (listed, start, end) in _memberships(auth, ID + state)


def test_democratic_kampuchea_is_cambodia(auth):
    for text, lang in [("Permanent Representative of Democratic Kampuchea", "en"),
                       ("Représentant permanent du Kampuchea démocratique", "fr"),
                       ("Постоянного представителя Демократической Кампучии", "ru")]:
        assert _state(auth, text, lang) == ID + "state/cambodia"


def test_every_former_state_has_six_languages_or_says_why(auth):
    g = auth.graph
    former = {s for s in g.subjects(DCTERMS.isReplacedBy, None)}
    assert len(former) == 9
    for s in former:
        langs = {lit.language for lit in g.objects(s, SKOS.prefLabel)}
        assert {"en", "fr", "es", "ru", "zh"} <= langs, s
        assert _memberships(auth, str(s)), s
        assert g.value(s, SKOS.scopeNote) is not None


def test_succession_links_both_ways(auth):
    g = auth.graph
    pairs = set(g.subject_objects(DCTERMS.isReplacedBy))
    assert pairs and {(b, a) for a, b in g.subject_objects(DCTERMS.replaces)} == pairs
    successors = {str(o)[len(ID):] for o in g.objects(URIRef(ID + "state/yugoslavia"), DCTERMS.isReplacedBy)}
    assert successors == {"state/bosnia-and-herzegovina", "state/croatia", "state/slovenia",
                          "state/north-macedonia", "state/federal-republic-of-yugoslavia"}
    assert (URIRef(ID + "state/ussr"), DCTERMS.isReplacedBy, URIRef(ID + "state/russian-federation")) in g


def test_membership_dates_are_consistent(auth):
    g = auth.graph
    un = URIRef(ID + "organization/united-nations")
    memberships = list(g.subjects(RDF.type, ORG.Membership))
    assert len(memberships) == 19
    for m in memberships:
        assert g.value(m, ORG.organization) == un
        assert (g.value(m, ORG.member), RDF.type, URIRef(SCHEMA + "Country")) in g
        start, end = g.value(m, URIRef(SCHEMA + "startDate")), g.value(m, URIRef(SCHEMA + "endDate"))
        assert start is not None, m
        assert start.datatype.endswith("#date") and (end is None or end.datatype.endswith("#date"))
        assert end is None or start.toPython() < end.toPython(), m


# Russian: "Постоянный представитель …", "Постоянного представителя …", "Правительству …", "с …", "в …"
RUSSIAN = [
    ("Исламской Республики Иран", "Исламской Республике Иран", "Исламской Республикой Иран", "iran"),
    ("Российской Федерации", "Российской Федерации", "Российской Федерацией", "russian-federation"),
    ("Соединенных Штатов Америки", "Соединенным Штатам Америки", "Соединенными Штатами Америки", "united-states"),
    ("Соединенного Королевства Великобритании и Северной Ирландии",
     "Соединенному Королевству Великобритании и Северной Ирландии",
     "Соединенным Королевством Великобритании и Северной Ирландии", "united-kingdom"),
    ("Франции", "Франции", "Францией", "france"),
    ("Китая", "Китаю", "Китаем", "china"),
    ("Азербайджана", "Азербайджану", "Азербайджаном", "azerbaijan"),
    ("Армении", "Армении", "Арменией", "armenia"),
    ("Израиля", "Израилю", "Израилем", "israel"),
    ("Палестины", "Палестине", "Палестиной", "palestine"),
    ("Германии", "Германии", "Германией", "germany"),
    ("Беларуси", "Беларуси", "Беларусью", "belarus"),
    ("Украины", "Украине", "Украиной", "ukraine"),
    ("Египта", "Египту", "Египтом", "egypt"),
    ("Польши", "Польше", "Польшей", "poland"),
    ("Кубы", "Кубе", "Кубой", "cuba"),
    ("Мексики", "Мексике", "Мексикой", "mexico"),
    ("Сирийской Арабской Республики", "Сирийской Арабской Республике", "Сирийской Арабской Республикой",
     "syrian-arab-republic"),
    ("Корейской Народно-Демократической Республики", "Корейской Народно-Демократической Республике",
     "Корейской Народно-Демократической Республикой", "democratic-peoples-republic-of-korea"),
    ("Республики Корея", "Республике Корея", "Республикой Корея", "republic-of-korea"),
    ("Объединенных Арабских Эмиратов", "Объединенным Арабским Эмиратам", "Объединенными Арабскими Эмиратами",
     "united-arab-emirates"),
    ("Боснии и Герцеговины", "Боснии и Герцеговине", "Боснией и Герцеговиной", "bosnia-and-herzegovina"),
    ("Южной Африки", "Южной Африке", "Южной Африкой", "south-africa"),
    ("Демократической Республики Конго", "Демократической Республике Конго", "Демократической Республикой Конго",
     "democratic-republic-of-the-congo"),
    ("Саудовской Аравии", "Саудовской Аравии", "Саудовской Аравией", "saudi-arabia"),
    ("Шри-Ланки", "Шри-Ланке", "Шри-Ланкой", "sri-lanka"),
    ("Японии", "Японии", "Японией", "japan"),
    ("Вьетнама", "Вьетнаму", "Вьетнамом", "viet-nam"),
]


@pytest.mark.parametrize("genitive, dative, instrumental, state", RUSSIAN)
def test_russian_case_forms_of_states_resolve(auth, genitive, dative, instrumental, state):
    for text in (f"Постоянный представитель {genitive} при Организации Объединенных Наций",
                 f"Постоянное представительство {genitive} при Организации Объединенных Наций",
                 f"препровождаю Правительству {dative} письмо",
                 f"в связи с {instrumental}."):
        assert _state(auth, text, "ru") == ID + "state/" + state, text


def test_russian_nominative_and_genitive_resolve_alike(auth):
    assert _state(auth, "Постоянный представитель Исламская Республика Иран", "ru") == \
        _state(auth, "Постоянного представителя Исламской Республики Иран", "ru") == ID + "state/iran"


def test_near_misses_are_not_states(auth):
    for text in ("иранская сторона", "Иранский народ", "российский", "французская делегация",
                 "китайский язык", "Постоянного представителя Республики при Организации",
                 "Объединенной Арабской", "Германская марка"):
        assert auth.find(text, "ru", "state") == [], text
    assert auth.find("Permanent Representative of the Soviet Socialist Republics", "en", "state") == []
    assert auth.find("the German Democratic movement", "en", "state") == []


def test_arabic_with_and_without_the_article(auth):
    for text, state in [("الممثل الدائم للاتحاد الروسي لدى الأمم المتحدة", "russian-federation"),
                        ("وفد الاتحاد الروسي", "russian-federation"),
                        ("الممثل الدائم للمملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية", "united-kingdom"),
                        ("حكومة المملكة المتحدة", "united-kingdom"),
                        ("الممثل الدائم لجمهورية إيران الإسلامية", "iran"),
                        ("بعثة الجمهورية الديمقراطية الألمانية", "german-democratic-republic"),
                        ("الممثل الدائم لاتحاد الجمهوريات الاشتراكية السوفياتية", "ussr"),
                        ("الممثل الدائم لفرنسا", "france")]:
        assert _state(auth, text, "ar") == ID + "state/" + state, text


def test_french_and_spanish_with_articles(auth):
    for text, lang, state in [
        ("Représentant permanent de la République islamique d’Iran", "fr", "iran"),
        ("Représentant permanent de la République islamique d'Iran", "fr", "iran"),
        ("la République islamique d’Iran", "fr", "iran"),
        ("Mission permanente du Royaume-Uni de Grande-Bretagne et d’Irlande du Nord", "fr", "united-kingdom"),
        ("Représentant permanent des États-Unis d’Amérique", "fr", "united-states"),
        ("de la République fédérale d’Allemagne", "fr", "germany"),
        ("Representante Permanente del Reino Unido de Gran Bretaña e Irlanda del Norte", "es", "united-kingdom"),
        ("Representante Permanente de la República Islámica del Irán", "es", "iran"),
        ("Representante Permanente de la Unión de Repúblicas Socialistas Soviéticas", "es", "ussr"),
        ("Misión Permanente de la República Democrática Alemana", "es", "german-democratic-republic"),
        ("Representante Permanente del Zaire", "es", "democratic-republic-of-the-congo"),
    ]:
        assert _state(auth, text, lang) == ID + "state/" + state, text


def test_chinese_names_of_former_states(auth):
    for text, state in [("苏维埃社会主义共和国联盟常驻联合国代表", "ussr"), ("德意志民主共和国常驻代表团", "german-democratic-republic"),
                        ("南斯拉夫常驻联合国代表", "yugoslavia"), ("扎伊尔常驻联合国代表", "democratic-republic-of-the-congo")]:
        assert _state(auth, text, "zh") == ID + "state/" + state, text


def test_generated_forms_are_up_to_date():
    """states-forms.ttl is what scripts/state_name_forms.py writes from today's names and rules."""
    script = _script()
    assert script.OUTPUT.read_text(encoding="utf-8") == script.generate()


def test_declension_rules():
    script = _script()
    table = tomllib.loads((ROOT / "src" / "unkg" / "data" / "russian-declension.toml").read_text(encoding="utf-8"))
    assert script.decline("Чили", table) == []
    assert script.decline("Иран (Исламская Республика)", table) == []
    assert script.decline("Чешская и Словацкая Федеративная Республика", table)[0] == \
        "Чешской и Словацкой Федеративной Республики"
    assert script.decline("Сербия и Черногория", table)[0] == "Сербии и Черногории"
    assert script.decline("Демократический Йемен", table)[0] == "Демократического Йемена"
    assert script.decline("Соломоновы Острова", table)[0] == "Соломоновых Островов"


def test_hidden_forms_are_never_displayed(auth):
    """A case form is a label to match, not a name: the names a State is shown under stay nominative."""
    iran = ID + "state/iran"
    assert "Исламской Республики Иран" in auth.forms[iran]["ru"]
    assert "Исламской Республики Иран" not in auth.labels[iran]["ru"]
    assert not any(Literal(f, lang="ru") in set(auth.graph.objects(URIRef(iran), SKOS.prefLabel))
                   for f in auth.forms[iran]["ru"])


def _sender_state(auth, title_date: str, year: str) -> tuple[str | None, list[str]]:
    from unkg.parse import parse_text

    text = (f"UNITED\nNATIONS\n\nSecurity Council\n\nDistr.\nGENERAL\n\nS/{year}/100\n\nORIGINAL: ENGLISH\n\n"
            f"Letter{title_date} from the Permanent Representative of Yemen to the United Nations addressed "
            "to the President of the Security Council\n\n I have the honour to inform you that my Government "
            "supports the efforts of the Secretary-General.\n\n(Signed) Ahmed Ali AL-HADDAD\n"
            "Permanent Representative\n")
    doc = parse_text(text, auth)
    state = doc.sender.state.value.iri if doc.sender and doc.sender.state else None
    return state, [w.message for w in doc.warnings]


def test_a_name_a_former_state_sat_under_is_read_as_of_the_documents_date(auth):
    """'Yemen' was the Yemen Arab Republic's name in the United Nations until 22 May 1990 and is today's
    Member's: a letter dated before then is from the former, after it from the present Member, and one
    without a date keeps the present Member with a warning naming the other."""
    assert _sender_state(auth, " dated 11 March 1985", "1985")[0] == ID + "state/yemen-arab-republic"
    assert _sender_state(auth, " dated 21 May 1990", "1990")[0] == ID + "state/yemen-arab-republic"
    assert _sender_state(auth, " dated 22 May 1990", "1990")[0] == ID + "state/yemen"
    from unkg.model import Fact, Span
    from unkg.parse.context import Context
    from unkg.parse.dated import states_as_of
    from unkg.text import normalise

    yemen = auth.entities[ID + "state/yemen"]
    ctx = Context("letter.txt", normalise("Yemen"), auth, "en")  # a document that gives no date
    parts = states_as_of(ctx, {"states": (Fact(yemen, Span(0, 5, 3, 3), "Yemen"),)})
    assert parts["states"][0].value == yemen
    warnings = [w.message for w in ctx.warnings]
    assert any("line 3" in w and "no date" in w and "Yemen Arab Republic" in w and "22 May 1990" in w
               for w in warnings), warnings


def test_only_a_name_now_a_present_members_is_read_by_date(auth):
    """Democratic Yemen's name is not today's Member's: it is never what 'Yemen' means, whatever the date;
    and the present Member with a former name of its own (Germany, once Federal Republic of Germany) is
    unaffected."""
    assert set(auth.earlier) == {ID + "state/yemen"}
    assert [former.iri for _, _, former in auth.earlier[ID + "state/yemen"]] == [ID + "state/yemen-arab-republic"]
