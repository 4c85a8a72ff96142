"""The RDF writers' shortcuts give what the plain way gives: Oxigraph literals remembered by the rdflib literal's
identity (the same term as made afresh, never another literal's, the memo bounded), and JSON-LD's canonical
form (lists sorted) without copying the dicts that hold no list or dict; a graph's quads sorted by their terms'
remembered forms as by the quads' own."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pyoxigraph as ox
from hypothesis import given, settings as hsettings, strategies as st
from rdflib import BNode, Literal, URIRef

from unkg.rdf import terms, write
from unkg.rdf.jsonld_plans import canonical as _canonical

XSD = "http://www.w3.org/2001/XMLSchema#"
LEXICAL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
LITERALS = st.one_of(
    LEXICAL.map(Literal),
    st.tuples(LEXICAL, st.sampled_from(["en", "en-GB", "zh-Hans", "fr"])).map(lambda t: Literal(t[0], lang=t[1])),
    st.tuples(st.integers(-50, 50), st.sampled_from([XSD + "integer", XSD + "string", XSD + "decimal"])).map(
        lambda t: Literal(str(t[0]), datatype=t[1])),
)


def _plain(term: Literal) -> ox.Literal:
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


@hsettings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(LITERALS, max_size=10))
def test_a_literal_is_the_oxigraph_term_made_afresh_the_first_time_and_after(items):
    items = items + items  # (each seen twice: the second time from the memo)
    assert [terms.ox_term(t) for t in items] == [_plain(t) for t in items]


def test_a_remembered_literal_is_never_another_literal_that_has_its_id():
    """An entry whose literal is not the one asked about (its id taken by a new object) is not used."""
    first, second = Literal("one", lang="en"), Literal("two", datatype=URIRef(XSD + "token"))
    terms._LITERALS_OX[id(second)] = (first, terms.ox_pair(first))
    assert terms.ox_term(second) == ox.Literal("two", datatype=ox.NamedNode(XSD + "token"))
    assert terms._LITERALS_OX[id(second)][0] is second


def test_the_literal_memo_is_bounded():
    kept = [Literal(str(n)) for n in range(terms._NAMED_KEPT + 10)]
    for t in kept:
        assert terms.ox_term(t) == ox.Literal(str(t))
    assert len(terms._LITERALS_OX) <= terms._NAMED_KEPT


HOSTILE = st.text(alphabet=st.sampled_from('a zé中"\\\n\r\t\x00\x01\x08\x0c\x1f\x7f\u2028<>@^_#'), max_size=5)
NODES = st.sampled_from([URIRef("http://e.org/a"), URIRef("http://e.org/a/b"), URIRef("http://e.org/ab"),
                         URIRef("http://e.org/%C3%A9"), URIRef("http://e.org/é"), BNode("b1"), BNode("b10")])
OBJECTS = st.one_of(NODES, LITERALS, HOSTILE.map(Literal), HOSTILE.map(lambda v: Literal(v, lang="en")),
                    HOSTILE.map(lambda v: Literal(v, datatype=URIRef(XSD + "token"))))


@hsettings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.tuples(NODES, NODES.filter(lambda n: isinstance(n, URIRef)), OBJECTS), max_size=12))
def test_a_graphs_quads_are_sorted_as_their_own_n_quads_forms(items):
    items = list(dict.fromkeys(items))  # (a graph's triples are distinct)
    for name in ("http://e.org/g", "http://e.org/a"):
        plain = sorted((ox.Quad(*map(terms.ox_term, t), ox.NamedNode(name)) for t in items), key=str)
        made = write.graph_quads(URIRef(name), items)
        assert made == plain and [str(q) for q in made] == [str(q) for q in plain]
    assert all(terms.ox_pair(t)[1] == str(terms.ox_term(t)) for triple in items for t in triple)


def _canonical_plainly(value):
    """The canonical form as first written: every dict and list copied."""
    if isinstance(value, dict):
        return {k: _canonical_plainly(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_plainly(v) for v in value]
        if len(items) < 2:
            return items
        if all(isinstance(v, str) for v in items):
            return sorted(items)
        ids = [v.get("@id") if isinstance(v, dict) else None for v in items]
        if all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):
            return [v for _, v in sorted(zip(ids, items), key=lambda pair: pair[0])]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


KEYS = st.sampled_from(["@id", "@value", "@type", "@language", "name", "x"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), LEXICAL, LEXICAL.map(Literal))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(KEYS, inner, max_size=4)), max_leaves=25)


@hsettings(max_examples=1000, derandomize=True, deadline=None)
@given(JSON)
def test_the_canonical_form_is_the_plain_ones(value):
    before = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    assert orjson.dumps(_canonical(value), option=orjson.OPT_SORT_KEYS) == \
        orjson.dumps(_canonical_plainly(value), option=orjson.OPT_SORT_KEYS)
    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == before  # (the value itself left as it was)


def test_a_graph_with_a_list_or_rdf_nil_is_left_to_rdflibs_converter():
    """Whatever the object of an rdf:first (a literal, an IRI) and wherever rdf:nil is an object, the plans
    give nothing and the converter writes the graph."""
    from rdflib import Graph
    from rdflib.namespace import RDF
    from rdflib.plugins.serializers.jsonld import Converter
    from rdflib.plugins.shared.jsonld.context import Context

    from unkg.rdf.jsonld_plans import _Plans

    context = Context({"ex": "https://example.org/", "name": "https://example.org/name"})
    plans = _Plans(context)
    ex = "https://example.org/"
    doc, items = URIRef(ex + "doc"), URIRef(ex + "items")
    plain = [(doc, URIRef(ex + "name"), Literal("A letter", lang="en")), (doc, items, URIRef(ex + "x"))]
    assert plans.nodes(plain) is not None
    for first in (Literal("a"), Literal("1", datatype=URIRef(XSD + "integer")), URIRef(ex + "y")):
        for listed in ([(doc, items, URIRef(ex + "list")), (URIRef(ex + "list"), RDF.first, first),
                        (URIRef(ex + "list"), RDF.rest, RDF.nil)],
                       [(URIRef(ex + "list"), RDF.first, first)] + plain,
                       plain + [(doc, items, URIRef(str(RDF.nil)))]):
            assert plans.nodes(listed) is None
            assert plans.nodes(plain) is not None  # (what was remembered of the list changes nothing else)
            graph = Graph()
            for t in listed:
                graph.add(t)
            assert Converter(context, use_native_types=False, use_rdf_type=False).from_graph(graph)


def _project_context():
    from rdflib.plugins.shared.jsonld.context import Context

    path = Path(__file__).resolve().parent.parent / "src" / "unkg" / "defaults" / "ontology" / "context.jsonld"
    return Context(json.loads(path.read_text(encoding="utf-8"))["@context"])


CONTEXT = _project_context()
_TERM_IRIS = sorted({t.id for t in CONTEXT.terms.values() if t.id and t.id.startswith("http")})
SUBJECTS = st.sampled_from([URIRef(f"https://w3id.org/unkg/id/{x}") for x in ("a", "b", "a/1", "c#x")])
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREDICATES = st.sampled_from([URIRef(i) for i in _TERM_IRIS[:40]] + [URIRef("https://example.org/other"), RDF_TYPE])
OBJECTS = st.one_of(SUBJECTS, LITERALS, st.booleans().map(Literal), st.integers(-3, 3).map(Literal),
                    st.sampled_from([URIRef(i) for i in _TERM_IRIS[:10]]))


@hsettings(max_examples=500, derandomize=True, deadline=None)
@given(st.lists(st.tuples(SUBJECTS, PREDICATES, OBJECTS), max_size=20))
def test_the_plans_node_objects_come_in_canonical_form(items):
    """The plans sort their lists and nodes where they make them: putting their nodes in canonical form (what
    the writer did to them before) changes nothing."""
    from unkg.rdf.jsonld_plans import _Plans

    items = list(dict.fromkeys(items))
    nodes = _Plans(CONTEXT).nodes(items)
    assert nodes is not None
    again = _canonical(nodes)
    assert orjson.dumps(nodes, option=orjson.OPT_SORT_KEYS) == orjson.dumps(again, option=orjson.OPT_SORT_KEYS)


def test_a_remembered_resource_is_the_uriref_and_the_memo_is_bounded():
    iri = "https://w3id.org/unkg/id/state/example"
    first = terms.resource(iri)
    assert type(first) is URIRef and first == URIRef(iri) and terms.resource(iri) is first
    for n in range(terms._LITERALS_KEPT + 10):
        assert terms.resource(f"{iri}/{n}") == URIRef(f"{iri}/{n}")
    assert len(terms._NODES) <= terms._LITERALS_KEPT
