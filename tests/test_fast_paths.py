"""The build's shortcuts give what the straightforward way gives: a document's triples held without an rdflib
graph (read in the graph's order), Turtle from sorted quads without sorting again, facts cards by orjson, the
validator and JSON-LD fed a list of triples instead of the graph. Each compares the two ways on generated
values, the awkward ones included (literals one the beginning of another, blank node labels one the
beginning of another, control characters, every language tag form)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

from unkg.config import load_settings
from unkg.facts import dumps
from unkg.parse import parse_file
from unkg.pipeline import Pipeline
from unkg.rdf import write
from unkg.rdf.triples import Triples

XSD = "http://www.w3.org/2001/XMLSchema#"
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "documents" / "000_5b684ff4652c0d37" / "zh.txt"

IRIS = st.sampled_from([URIRef(f"https://example.org/{x}") for x in ("a", "ab", "a/b", "b", "é", "a#1")])
LEXICAL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
LITERALS = st.one_of(
    LEXICAL.map(Literal),
    st.tuples(LEXICAL, st.sampled_from(["en", "en-GB", "zh-Hans", "fr", "de"])).map(lambda t: Literal(t[0], lang=t[1])),
    st.tuples(st.integers(-50, 50), st.sampled_from([XSD + "integer", XSD + "string"])).map(
        lambda t: Literal(str(t[0]), datatype=t[1])),
)
BLANKS = st.sampled_from([BNode(x) for x in ("b", "b1", "b12", "c")])
TRIPLES = st.lists(st.tuples(st.one_of(IRIS, BLANKS), IRIS, st.one_of(IRIS, LITERALS, BLANKS)), max_size=25)


@hsettings(max_examples=400, derandomize=True, deadline=None)
@given(TRIPLES)
def test_triples_are_read_in_the_order_an_rdflib_graph_gives_them(items):
    """Added in any order, duplicates included: the same distinct triples, in rdflib's own order."""
    held = Triples(URIRef("https://example.org/g"))
    graph = Graph(store=SimpleMemory(), identifier=held.identifier)
    for t in items:
        held.add(t)
        graph.add(t)
    assert list(held) == list(graph)
    assert list(held.graph()) == list(graph)
    assert held.graph().identifier == graph.identifier


@hsettings(max_examples=400, derandomize=True, deadline=None)
@given(TRIPLES)
def test_a_graphs_sorted_quads_give_its_sorted_triples_without_sorting_again(items):
    """`graph_triples` (the quads' own order) equals `triples_of` (distinct, sorted by their N-Triples)."""
    distinct = list(dict.fromkeys(items))
    quads = write.graph_quads("https://example.org/g", distinct)
    assert quads == write.quads([_graph(distinct)])
    assert write.graph_triples(quads) == write.triples_of(quads)
    assert write.turtle(write.graph_triples(quads)) == write.turtle(write.triples_of(quads))


def _graph(items) -> Graph:
    g = Graph(identifier=URIRef("https://example.org/g"))
    for t in items:
        g.add(t)
    return g


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**15, 10**15), LEXICAL),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(LEXICAL, inner, max_size=4)),
    max_leaves=20)


@hsettings(max_examples=1000, derandomize=True, deadline=None)
@given(st.dictionaries(LEXICAL, JSON, max_size=6))
def test_facts_cards_are_written_as_json_dumps_writes_them(card):
    """orjson's two-space indent gives json.dumps(indent=2, ensure_ascii=False)'s bytes, key order kept."""
    assert dumps(card) == json.dumps(card, ensure_ascii=False, indent=2) + "\n"


def test_json_ld_and_validation_read_a_list_of_triples_as_they_read_the_graph(seed_pipeline):
    """The seed's graph: JSON-LD and the validation results from its triples in a list are those from the
    rdflib graph itself."""
    pipeline, doc = seed_pipeline
    from unkg.mapping import map_document, map_triples

    graph = map_document(doc, pipeline.auth, pipeline.settings.base)
    held = map_triples(doc, pipeline.auth, pipeline.settings.base)
    items = list(held)
    assert items == list(graph)
    assert pipeline.jsonld.named_graph_and_line(held, items) == pipeline.jsonld.named_graph_and_line(graph)
    quads = write.graph_quads(held.identifier, items)
    assert pipeline.validate(held, quads, items) == pipeline.validate(graph)
    assert any(r.severity == "Warning" for r in pipeline.validate(graph))  # (the seed has warnings to compare)


@pytest.fixture(scope="module")
def seed_pipeline():
    pipeline = Pipeline(load_settings(ROOT, env={}))
    return pipeline, parse_file(SEED, pipeline.auth)


def test_json_ld_of_held_triples_with_a_blank_node_goes_through_rdflibs_converter(seed_pipeline):
    """A graph the plans do not handle (a blank node) is converted by rdflib's converter: from the triple
    holder as from the rdflib graph, the same bytes."""
    pipeline, _ = seed_pipeline
    held = Triples(URIRef("https://example.org/g"))
    person = BNode("p1")
    for t in ((URIRef("https://example.org/letter"), URIRef("https://schema.org/author"), person),
              (person, URIRef("https://schema.org/name"), Literal("Ada", lang="en"))):
        held.add(t)
    graph = held.graph()
    got = pipeline.jsonld.named_graph_and_line(held, list(held))
    assert got == pipeline.jsonld.named_graph_and_line(graph)
    assert b'"Ada"' in got[0]
