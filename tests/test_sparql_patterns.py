"""The quads a set of SPARQL queries can match (`unkg.sparql_patterns`), and the search rows read from a
store holding only those quads of each document: the same rows as from a store holding every quad."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from unkg.pipeline import Pipeline
from unkg.rdf import write
from unkg.searchdoc import Indexer
from unkg.sparql_patterns import Patterns, required

EX = "http://example.org/"
HEAD = f"PREFIX ex: <{EX}>\n"
CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if (p / "input.txt").is_file())


def quad(p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + p), o, ox.NamedNode(EX + "g"))


def test_a_quad_matches_by_its_predicate_and_the_object_iri_a_pattern_names():
    read = Patterns([HEAD + "SELECT ?x WHERE { ?x ex:p ?y . ?x a ex:Letter }"])
    assert read.matches(quad("p", ox.Literal("anything")))
    assert read.matches(quad("p", ox.NamedNode(EX + "other")))
    assert not read.matches(quad("q", ox.Literal("x")))
    rdf_type = ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                       ox.NamedNode(EX + "Letter"), ox.NamedNode(EX + "g"))
    assert read.matches(rdf_type)
    assert not read.matches(ox.Quad(rdf_type.subject, rdf_type.predicate, ox.NamedNode(EX + "Annex"),
                                    rdf_type.graph_name))


def test_every_kind_of_group_is_read():
    query = HEAD + """SELECT ?x WHERE {
      { ?x ex:a ?y } UNION { ?x ex:b ?y }
      OPTIONAL { ?x ex:c ?z }
      GRAPH ?g { ?x ex:d ?w }
      { SELECT ?x WHERE { ?x ex:e ?v } }
      FILTER EXISTS { ?x ex:f ?u ; ex:m ?q, ?p . ?q a ex:Letter }
      FILTER NOT EXISTS { ?x ex:g ?t }
      MINUS { ?x ex:h ?s }
      ?x ex:i/(ex:j|^ex:k) ?r
    }"""
    read = Patterns([query])
    assert not read.everything
    for p in "abcdefghijkm":  # (ex:k read backwards)
        assert read.matches(quad(p, ox.Literal("1"))), p
    assert not read.matches(quad("l", ox.Literal("1")))
    assert (ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(EX + "Letter")) in read.objects


def test_predicates_read_without_a_query_are_kept():
    read = Patterns([HEAD + "SELECT ?x WHERE { ?x ex:a ?y }"], (ox.NamedNode(EX + "label"),))
    assert read.matches(quad("label", ox.Literal("x")))
    assert not read.matches(quad("name", ox.Literal("x")))


@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { ?x ?p ?y }",  # any predicate
    "SELECT ?x WHERE { ?x ex:a* ?y }",  # a path of any length
    "SELECT ?x WHERE { ?x !ex:a ?y }",
    "SELECT ?x WHERE { ?x ex:a ?y",  # not read: nothing narrowed
])
def test_what_cannot_be_narrowed_keeps_every_quad(query):
    read = Patterns([HEAD + "SELECT ?x WHERE { ?x ex:z ?y }", HEAD + query])
    assert read.everything
    assert read.matches(quad("anything", ox.Literal("x")))


@pytest.fixture(scope="module")
def pipeline(settings):
    return Pipeline(settings)


@pytest.fixture(scope="module")
def everything(pipeline, settings):
    """An indexer whose store holds every quad (the authority data's and each document's)."""
    return Indexer(write.quads([pipeline.auth_graph]), settings.base, narrow=False)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_search_row_from_the_quads_the_queries_read_is_the_row_from_every_quad(case, pipeline, everything):
    checked = pipeline.check(case / "input.txt")
    versions = [(str(checked.graph.identifier), checked.doc.language.value, checked.doc.source.raw,
                 write.quads([checked.graph]))]
    indexer = pipeline.indexer()
    assert len(indexer.read.select(versions[0][3])) < len(versions[0][3])  # some quads left out
    assert len(indexer.authority_quads) < len(everything.authority_quads)
    assert indexer.row(versions) == everything.row(versions)


@pytest.mark.parametrize("where, needed", [
    ("?x ex:p ?y . ?x ex:q ?z", {"p", "q"}),  # a pattern's predicates
    ("?x ex:p ?y OPTIONAL { ?x ex:q ?z }", {"p"}),  # not what is optional
    ("?x ex:p ?y MINUS { ?x ex:q ?z }", {"p"}),  # nor what is taken away
    ("?x ex:p ?y FILTER NOT EXISTS { ?x ex:q ?z }", {"p"}),  # nor what must be absent
    ("{ ?x ex:p ?y . ?x ex:r ?z } UNION { ?x ex:q ?y . ?x ex:r ?z }", {"r"}),  # what both branches need
    ("?x ex:p* ?y . ?x ex:q/ex:r ?z", set()),  # paths: p* matches without a statement
    ("?x ?p ?y", set()),  # a variable predicate
    ("GRAPH ?g { ?x ex:p ?y } BIND (1 AS ?n)", {"p"}),
])
def test_the_predicates_every_solution_needs(where, needed):
    assert required(f"{HEAD}SELECT * WHERE {{ {where} }}") == {EX + p for p in needed}


@pytest.mark.parametrize("query", [
    "SELECT (COUNT(?x) AS ?n) WHERE { ?x ex:p ?y }",  # one solution (0) with no statement at all
    "ASK { ?x ex:p ?y }",
    "SELECT ?x WHERE { VALUES ?x { ex:a } }",
    "not a query",
])
def test_nothing_is_required_where_it_is_not_known(query):
    assert required(HEAD + query) == frozenset()


@pytest.mark.parametrize("where", [
    "?x ex:q ?z OPTIONAL { ?x ex:p ?y } ?x ex:r ?w",
    "{ ?x ex:p ?y . ?x ex:r ?z } UNION { ?x ex:q ?y . ?x ex:r ?z } FILTER NOT EXISTS { ?x ex:t ?u }",
    "?x ex:q ?z MINUS { ?x ex:t ?u } ?x ex:p* ?w",
])
def test_what_is_required_is_what_oxigraph_finds_nothing_without(where):
    """On a store where the query has a solution, Oxigraph finds none once every statement of a predicate
    `required` names is taken away, and still finds one without a predicate it does not name."""
    query = f"{HEAD}SELECT ?x WHERE {{ {where} }}"
    quads = [quad(p, ox.Literal("x")) for p in ("p", "q", "r")]  # (none of ex:t: NOT EXISTS and MINUS hold)
    needed = required(query)
    for without in ("p", "q", "r"):
        store = ox.Store()
        store.extend([q for q in quads if q.predicate.value != EX + without])
        found = list(store.query(query, use_default_graph_as_union=True))
        assert (found == []) == (EX + without in needed), (where, without)
