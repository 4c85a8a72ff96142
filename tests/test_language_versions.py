"""Six language versions of one document (the same symbols): their facts cards agree field by field,
and the graph has one Work with one Expression per language, not six Works."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF

from unkg.build import build
from unkg.config import load_settings
from unkg.facts import card
from unkg.parse import parse_file
from unkg.rdf.read import read_rdf

from conftest import default, make_project

CASES = Path(__file__).parent / "cases"
VERSIONS = {lang: CASES / f"{lang}-full-masthead" / "input.txt" for lang in ("ar", "zh", "en", "fr", "ru", "es")}
ZH, EN = VERSIONS["zh"], VERSIONS["en"]
IN_ITS_LANGUAGE = ("title", "warnings", "language")  # FACTS.md: kept as written, in each language


def _neutral(c: dict) -> dict:
    c = copy.deepcopy({k: v for k, v in c.items() if k not in IN_ITS_LANGUAGE})
    c["sender"] = {k: v for k, v in c["sender"].items() if k != "name"}
    for organ in c["organs"]:
        for item in organ.get("agenda_items", []):
            item.pop("title")
    for annex in c["annexes"]:
        annex.pop("title")
    return c


def test_cards_of_the_six_versions_agree(auth):
    cards = {lang: card(parse_file(path, auth)) for lang, path in VERSIONS.items()}
    assert {lang: c["language"] for lang, c in cards.items()} == {lang: lang for lang in VERSIONS}
    reference = _neutral(cards["en"])
    for lang, c in cards.items():
        assert _neutral(c) == reference, lang
    assert len({c["title"] for c in cards.values()}) == 6


def test_one_work_with_one_expression_per_language(tmp_path):
    make_project(tmp_path, documents=False)
    doc = tmp_path / "source" / "documents" / "A-79-900"
    doc.mkdir(parents=True)
    for lang, path in VERSIONS.items():
        shutil.copy(path, doc / f"{lang}.txt")
    settings = load_settings(tmp_path, env={})
    report = build(settings)
    assert report.built == [f"A-79-900/{lang}" for lang in sorted(VERSIONS)] and not report.refused
    graph = read_rdf(settings.build_dir / "dataset.nq")
    works = set(graph.subjects(RDF.type, URIRef("https://w3id.org/un/ontology/undo/OfficialLetter")))
    assert len(works) == 1
    (work,) = works
    assert str(work).endswith("/akn/un/doc/officialLetter/unga-unsc/2025-05-30/A-79-900_S-2025-400")
    versions = set(graph.objects(work, URIRef("https://w3id.org/akn/ontology/allot/hasRealization")))
    languages = {str(graph.value(v, DCTERMS.language)).rsplit("/", 1)[-1] for v in versions}
    assert languages == {"ARA", "ZHO", "ENG", "FRA", "RUS", "SPA"}
    titles = {graph.value(v, DCTERMS.title).language for v in versions}
    assert titles == set(VERSIONS)
    assert {str(v).rsplit("/", 1)[-1] for v in versions} == {
        f"{code}@2025-05-30" for code in ("ara", "zho", "eng", "fra", "rus", "spa")}


def test_facts_from_the_graph_of_both_versions(tmp_path, auth):
    """With both versions in one graph, each version's card still comes back whole from the graph."""
    from unkg.graphfacts import card_from_graph, load_queries, versions

    test_one_work_with_one_expression_per_language(tmp_path)
    graph = read_rdf(tmp_path / "build" / "dataset.nq")
    queries = load_queries(default("queries"))
    got = {c["language"]: c for c in (card_from_graph(graph, v, queries) for v in versions(graph))}
    for path in VERSIONS.values():
        expected = card(parse_file(path, auth))
        del expected["warnings"]
        assert got[expected["language"]] == expected
