"""The curated authority data: complete labels, unambiguous names, only confirmed ids, and no label or
id of it typed into Python code."""

from __future__ import annotations

import ast
import re
from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL

from conftest import ROOT, default, shared_path

NAME_GROUPS = [
    ("state", "organization", "person", "place", "instrument", "designation"),
    ("function", "post"),
    ("organ",),
    ("rank",),
]


def test_every_entity_has_an_english_label(auth):
    """English (the canonical label) always; the other languages where verified."""
    assert len(auth.entities) > 200
    for iri, ent in auth.entities.items():
        assert iri.startswith("https://w3id.org/unkg/id/"), iri
        assert ent.label != iri, f"{iri} has no English label"


def test_every_entity_the_seed_names_has_a_chinese_label(auth, settings):
    from unkg.parse import parse_file

    from conftest import SEED

    doc = parse_file(SEED, auth)
    named = {m.entity.iri for m in doc.mentions if m.entity}
    named |= {o.organ.value.iri for o in doc.organs} | {r.value.iri for r in doc.recipients}
    assert len(named) > 15
    for iri in named:
        assert auth.labels[iri].get("zh"), iri


def test_all_member_states(auth):
    """193 Member States and the two observer States, and the States no longer Members (states-former.ttl:
    those replaced by others)."""
    former = {str(s) for s in auth.graph.subjects(DCTERMS.isReplacedBy, None)}
    current = [e for e in auth.of_kind("state") if e.iri not in former]
    assert len(current) == 195 and len(former) == 9


def test_names_are_whole_words_where_words_are_spaced(auth):
    found = {e.label for _, _, e in auth.find("A woman from Romania and Somalia met Mali's envoy.", "en", "state")}
    assert found == {"Romania", "Somalia", "Mali"}
    # Arabic attaches prepositions in front of a name; Chinese has no spaces at all
    assert [e.label for *_, e in auth.find("الممثل الدائم لأذربيجان لدى", "ar", "state")] == ["Azerbaijan"]
    assert [e.label for *_, e in auth.find("阿塞拜疆常驻联合国代表", "zh", "state")] == ["Azerbaijan"]
    # Russian inflects a name's ending (genitive Азербайджана)
    assert [e.label for *_, e in auth.find("представителя Азербайджана при", "ru", "state")] == ["Azerbaijan"]


def test_agencies_named_after_the_un_are_not_the_un(auth):
    """An organisation whose official name in a language begins with the United Nations' name in it
    (UNESCO in French, Spanish, Russian and Arabic) is found under its whole name, not read as the United
    Nations followed by words; the United Nations alone is still the United Nations."""
    from unkg.parse.mentions import MENTION_KINDS
    from unkg.text import normalise

    kinds = ("organ", *MENTION_KINDS)

    def found(text: str, lang: str) -> list[str]:
        plain = normalise(text).lines[0].text
        return [ent.label for *_, ent in auth.find(plain, lang, *kinds)]

    unesco = "United Nations Educational, Scientific and Cultural Organization"
    assert found("l’Organisation des Nations Unies pour l’éducation, la science et la culture (UNESCO)",
                 "fr") == [unesco, unesco]
    assert found("la Organización de las Naciones Unidas para la Educación, la Ciencia y la Cultura "
                 "(UNESCO)", "es") == [unesco, unesco]
    assert found("Организация Объединенных Наций по вопросам образования, науки и культуры (ЮНЕСКО)",
                 "ru") == [unesco, unesco]
    assert found("منظمة الأمم المتحدة للتربية والعلم والثقافة (اليونسكو)", "ar") == [unesco, unesco]
    assert found("l’Organisation des Nations Unies", "fr") == ["United Nations"]
    assert found("la Organización de Cooperación Islámica", "es") == ["Organisation of Islamic Cooperation"]


def test_no_name_means_two_things(auth):
    for kinds in NAME_GROUPS:
        seen = defaultdict(set)
        for ent in auth.of_kind(*kinds):
            for by_lang in (auth.labels[ent.iri], auth.forms.get(ent.iri, {})):  # case forms included
                for lang, names in by_lang.items():
                    for name in names:
                        seen[(lang, name.casefold())].add(ent.iri)
        clashes = {k: v for k, v in seen.items() if len(v) > 1}
        assert not clashes, clashes


def test_agenda_scheme_of_ga_79(auth):
    organ = next(e for e in auth.of_kind("organ") if e.label == "General Assembly")
    items = auth.agenda_items(organ, 79)
    assert sorted(items, key=int) == ["32", "60", "61", "69", "71", "84", "132"]
    assert all({"en", "zh"} <= set(entry.titles) for entry in items.values())


def _authority_graph() -> Graph:
    graph = Graph()
    for path in sorted((default("authorities")).rglob("*.ttl")):
        graph.parse(path, publicID="https://w3id.org/unkg/id/")
    return graph


def test_only_confirmed_wikidata_ids():
    domain = shared_path("design", "DOMAIN.md").read_text(encoding="utf-8")
    confirmed = set(re.findall(r"\bQ\d+\b", domain))
    used = {
        str(o).rsplit("/", 1)[-1]
        for o in _authority_graph().objects(None, OWL.sameAs)
        if isinstance(o, URIRef) and str(o).startswith("http://www.wikidata.org/entity/")
    }
    assert used and used <= confirmed, used - confirmed


def _string_literals():
    """Every string constant in the package's code, docstrings excepted."""
    for path in sorted((ROOT / "src" / "unkg").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    docstrings.add(id(body[0].value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield path.name, node.value


def test_no_python_literal_holds_an_authority_label_or_id(auth):
    literals = list(_string_literals())
    assert literals
    names = {n for langs in auth.labels.values() for ns in langs.values() for n in ns if len(n) >= 2}
    ids = {str(o) for o in _authority_graph().objects(None, OWL.sameAs)}
    ids |= {m for i in ids for m in re.findall(r"Q\d+", i)}
    offenders = [(f, lit, n) for f, lit in literals for n in names | ids if n in lit]
    assert not offenders, offenders
