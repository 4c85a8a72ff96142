"""Archival exchange (issue 6): MARCXML, Akoma Ntoso and the dataset description, each checked against the
official schema or shapes from ../shared/validators, and read back with the MARC library / lxml to give the
facts the documents' hand-checked cards (tests/cases/*/expected.json) hold."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pymarc
import pytest
from lxml import etree
from rdflib import Graph, URIRef

from unkg.errors import InputError
from unkg.exchange.crosswalk import Crosswalk

from conftest import DOCUMENTS, ROOT, SEED_KEY, default, load_json, make_project, run_unkg, shared_path

CASES = Path(__file__).parent / "cases"
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
MARC_LANGUAGE = {"ar": "ara", "zh": "chi", "en": "eng", "fr": "fre", "ru": "rus", "es": "spa"}  # MARC code list
LEAD = ("en", "fr", "es", "ru", "ar", "zh")  # crosswalks/record.toml: the title's language, by preference


def expected_cards() -> dict[str, dict[str, dict]]:
    cards = {key: {lang: load_json(CASES / case / "expected.json") for lang, case in langs.items()}
             for key, langs in DOCUMENTS.items()}
    cards[SEED_KEY] = {"zh": load_json(shared_path("corpus", "zh", f"{SEED_KEY}.facts.json"))}
    return cards


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shared_path("validators", "xsd", name))))


def lead(cards: dict[str, dict]) -> dict:
    return cards[min(cards, key=LEAD.index)]


# -- schemas ----------------------------------------------------------------------------------------------

def test_every_marcxml_file_is_valid_against_marc21slim(project):
    xsd = schema("MARC21slim.xsd")
    files = sorted((project / "build" / "marc").glob("*.xml")) + [project / "build" / "catalogue.marc.xml"]
    assert len(files) == len(DOCUMENTS) + 2
    for f in files:
        assert xsd.validate(etree.parse(str(f))), (f.name, xsd.error_log)


def test_every_akn_file_is_valid_against_akomantoso30(project):
    xsd = schema("akomantoso30.xsd")
    files = sorted((project / "build" / "akn").glob("*.xml"))
    assert len(files) == sum(len(v) for v in DOCUMENTS.values()) + 1
    for f in files:
        assert xsd.validate(etree.parse(str(f))), (f.name, xsd.error_log)


def test_a_broken_akn_file_is_caught_by_the_schema(project):
    """The schema check can fail: an AKN letter without its mainBody is invalid."""
    tree = etree.parse(str(project / "build" / "akn" / f"{SEED_KEY}.zh.xml"))
    body = tree.find(f".//{AKN}mainBody")
    body.getparent().remove(body)
    assert not schema("akomantoso30.xsd").validate(tree)


def test_the_dataset_description_conforms_to_dcat_ap(project):
    from pyshacl import validate

    folder = shared_path("validators", "dcat-ap-3.0.1")
    shapes = Graph().parse(folder / "shapes.ttl").parse(folder / "range.ttl")
    data = Graph().parse(project / "build" / "catalog.ttl")
    conforms, _, text = validate(data, shacl_graph=shapes)
    assert conforms, text
    languages = {str(o) for o in data.objects(None, URIRef("http://purl.org/dc/terms/language"))}
    assert languages == {f"http://publications.europa.eu/resource/authority/language/{c}"
                         for c in ("ARA", "ZHO", "ENG", "FRA", "RUS", "SPA")}


# -- MARC read back ----------------------------------------------------------------------------------------

def marc(project: Path, key: str) -> pymarc.Record:
    records = pymarc.parse_xml_to_array(str(project / "build" / "marc" / f"{key}.xml"))
    assert len(records) == 1
    return records[0]


def values(rec: pymarc.Record, tag: str, code: str, indicator1: str | None = None) -> list[str]:
    return [v for f in rec.get_fields(tag) if indicator1 is None or f.indicator1 == indicator1
            for v in f.get_subfields(code)]


@pytest.fixture(scope="module")
def project(exchange_project) -> Path:
    return exchange_project


@pytest.mark.parametrize("key", [SEED_KEY, *DOCUMENTS])
def test_marc_read_back_gives_the_facts(project, key):
    cards = expected_cards()[key]
    first = lead(cards)
    rec = marc(project, key)
    symbols = sorted({s for c in cards.values() for s in c["symbols"]})
    assert sorted(values(rec, "191", "a")) == symbols
    for f in rec.get_fields("191"):
        assert f["b"] == f["a"].split("/")[0] + "/" and f["a"].split("/")[1] == f["c"]
    assert values(rec, "269", "a") == [first["date"]]
    assert values(rec, "245", "a") == [first["title"]]
    assert sorted(values(rec, "246", "a")) == sorted(c["title"] for c in cards.values() if c is not first)
    assert sorted(values(rec, "041", "a")) == sorted(MARC_LANGUAGE[lang] for lang in cards)
    assert values(rec, "710", "a", "1") == [first["sender"]["state"]]
    organs = values(rec, "710", "a", "2")
    assert [re.sub(r" \(.*", "", o).removeprefix("UN. ") for o in organs] == [o["organ"] for o in first["organs"]]
    for heading, organ in zip(organs, first["organs"]):
        if "session" in organ:  # the nth session opened in 1945 + n (1st: 1946)
            n = organ["session"]
            assert heading.endswith(f"sess. : {1945 + n}-{1946 + n})")
    numbers = [i["number"] for o in first["organs"] for i in o.get("agenda_items", [])]
    assert values(rec, "991", "b") == numbers
    assert values(rec, "505", "t") == [a["title"] for a in first["annexes"]]
    assert values(rec, "089", "b") == (["B18"] if first["kind"] in ("letter", "note verbale", "identical letters")
                                      else [])
    links = values(rec, "856", "u")
    assert links == ([f"https://undocs.org/{lang}/{first['symbols'][0]}" for lang in sorted(cards, key=LEAD.index)]
                     if first["symbols"] else [])


def test_the_seed_record_leaves_out_what_the_text_does_not_give(project):
    rec = marc(project, SEED_KEY)
    assert rec.get_fields("191") == [] and rec.get_fields("856") == [] and rec.get_fields("246") == []
    assert values(rec, "991", "a") == ["A/79/251"] * 7  # the agenda of the 79th session (authority data)
    assert values(rec, "710", "a", "2") == ["UN. General Assembly (79th sess. : 2024-2025)", "UN. Security Council"]


def test_the_exchange_guide_shows_the_seeds_record_in_breaker_form(project):
    guide = (ROOT / "docs" / "exchange.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- seed.mrk -->\n```\n(.*?)```", guide, re.S)
    assert block, "docs/exchange.md has no seed.mrk block"
    assert block.group(1) == (project / "build" / "marc" / f"{SEED_KEY}.mrk").read_text(encoding="utf-8")


# -- AKN read back -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("key,lang", [(SEED_KEY, "zh")] + [(k, lg) for k, v in DOCUMENTS.items() for lg in v])
def test_akn_read_back_gives_the_facts(project, key, lang):
    card = expected_cards()[key][lang]
    root = etree.parse(str(project / "build" / "akn" / f"{key}.{lang}.xml")).getroot()
    doc = root.find(f"{AKN}doc")
    assert doc.get("name") == "officialLetter"
    work = doc.find(f"{AKN}meta/{AKN}identification/{AKN}FRBRWork")
    assert [a.get("value") for a in work.findall(f"{AKN}FRBRalias")] == card["symbols"]
    assert work.find(f"{AKN}FRBRdate").get("date") == card["date"]
    refs = {r.get("eId"): r for r in doc.find(f"{AKN}meta/{AKN}references")}
    author = work.find(f"{AKN}FRBRauthor").get("href").lstrip("#")
    assert refs[author].get("showAs") == card["sender"]["state"]
    preface = doc.find(f"{AKN}preface")
    assert preface.findtext(f".//{AKN}docTitle") == card["title"]
    organs = [refs[o.get("refersTo").lstrip("#")].get("showAs") for o in preface.iter(f"{AKN}organization")]
    assert organs == [o["organ"] for o in card["organs"]]
    assert [c.text for c in preface.iter(f"{AKN}concept")] == \
        [i["number"] for o in card["organs"] for i in o.get("agenda_items", [])]
    signature = doc.find(f"{AKN}conclusions//{AKN}signature")
    if card["sender"]["name"] is None:  # a note verbale: no one signs
        assert signature is None or signature.find(f"{AKN}person") is None
    else:
        person = signature.find(f"{AKN}person")  # a name the authority data knows is a reference
        text = person.text if person is not None else "".join(signature.itertext())
        assert text.startswith(card["sender"]["name"])
    annexes = doc.findall(f"{AKN}attachments/{AKN}attachment/{AKN}doc")
    assert [a.findtext(f".//{AKN}docTitle") for a in annexes] == [a["title"] for a in card["annexes"]]
    assert root.find(f".//{AKN}FRBRExpression/{AKN}FRBRlanguage").get("language") == \
        {"ar": "ara", "zh": "zho", "en": "eng", "fr": "fra", "ru": "rus", "es": "spa"}[lang]


def test_the_seeds_annexes_keep_their_paragraphs_and_closing_lines(project):
    root = etree.parse(str(project / "build" / "akn" / f"{SEED_KEY}.zh.xml")).getroot()
    first, second = root.findall(f".//{AKN}attachment/{AKN}doc")
    assert first.findtext(f"{AKN}conclusions/{AKN}p") == "阿塞拜疆共和国总统"  # the seed's annex I ends so
    assert first.findtext(f"{AKN}mainBody/{AKN}p").startswith("我衷心欢迎你们参加")
    assert len(second.findall(f"{AKN}mainBody/{AKN}p")) > 1


# -- the crosswalk files and exports ------------------------------------------------------------------------

@pytest.mark.parametrize("edit,message", [
    (('"{date}"', '"{datum}"'), "unknown fact 'datum'"),
    (('tag = "269"', 'tag = "26x"'), "'26x' is not a MARC tag"),
    (('indicators = "10"', 'indicators = "1"'), "indicators must be two characters"),
    (('each = "agenda"', 'each = "agendas"'), "'each' names 'agendas'"),
])
def test_a_bad_crosswalk_is_refused_at_load(tmp_path, edit, message):
    text = (default("crosswalks") / "marc21.toml").read_text(encoding="utf-8")
    assert edit[0] in text
    broken = tmp_path / "marc21.toml"
    broken.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        Crosswalk.load(broken)
    assert message in str(err.value) and str(broken) in str(err.value)


def test_a_build_with_a_bad_crosswalk_exits_2_and_keeps_the_previous_build(tmp_path):
    folder = make_project(tmp_path, documents=False)
    shutil.copytree(ROOT / "source" / "documents" / SEED_KEY, folder / "source" / "documents" / SEED_KEY)
    assert run_unkg("build", cwd=folder).returncode == 0
    before = (folder / "build" / "marc" / f"{SEED_KEY}.mrk").read_bytes()
    cw = folder / "crosswalks" / "oai_dc.toml"
    cw.write_text(cw.read_text(encoding="utf-8").replace('element = "creator"', 'element = "author"'),
                  encoding="utf-8")
    result = run_unkg("build", cwd=folder)
    assert result.returncode == 2
    assert "oai_dc.toml" in result.stderr and "'author' is not a Dublin Core element" in result.stderr
    assert "Traceback" not in result.stderr
    assert (folder / "build" / "marc" / f"{SEED_KEY}.mrk").read_bytes() == before


def test_export_refuses_a_document_that_fails_validation(tmp_path):
    folder = make_project(tmp_path, documents=False)
    shutil.copytree(ROOT / "source" / "documents" / SEED_KEY, folder / "source" / "documents" / SEED_KEY)
    # a stricter shape: every letter must carry a symbol; the seed's text gives none
    (folder / "shapes" / "strict.shacl.ttl").write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<urn:x:symbol> a sh:NodeShape ; sh:targetClass <https://w3id.org/un/ontology/undo/OfficialLetter> ;
    sh:property [ sh:path dcterms:identifier ; sh:minCount 1 ; sh:message "a letter needs a symbol" ] .
""", encoding="utf-8")
    out = tmp_path / "out.xml"
    result = run_unkg("export", "marc", SEED_KEY, "--output", str(out), cwd=folder)
    assert result.returncode == 2, result.stderr
    assert f"{SEED_KEY}/zh.txt" in result.stderr and "a letter needs a symbol" in result.stderr
    assert not out.exists()


def test_export_writes_what_the_build_writes(project):
    result = run_unkg("export", "mrk", SEED_KEY, cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (project / "build" / "marc" / f"{SEED_KEY}.mrk").read_text(encoding="utf-8")
    akn = run_unkg("export", "akn", "A-79-900", "--lang", "fr", cwd=project)
    assert akn.stdout == (project / "build" / "akn" / "A-79-900.fr.xml").read_text(encoding="utf-8")
    missing = run_unkg("export", "akn", "nv-en", "--lang", "zh", cwd=project)
    assert missing.returncode == 2 and "no 'zh' version" in missing.stderr


def test_export_mrc_is_the_builds_records_one_after_another(project):
    import pymarc

    out = project / "all.mrc"
    result = run_unkg("export", "mrc", "-o", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    built = sorted((project / "build" / "marc").glob("*.mrc"))
    assert len(built) > 1  # several records, so the file's order and joins are tested
    assert out.read_bytes() == b"".join(p.read_bytes() for p in built)  # keys in order, as the build names them
    records = list(pymarc.MARCReader(out.read_bytes(), to_unicode=True))
    assert [r["245"]["a"] for r in records] == [next(pymarc.MARCReader(p.read_bytes()))["245"]["a"] for p in built]
