"""Writing the graphs out: Turtle, TriG, N-Triples and N-Quads through Oxigraph, JSON-LD compacted with
the project's context through rdflib's converter.

Determinism: triples and quads are sorted before they are written, JSON keys are sorted, and nothing
carries a wall-clock time, so the same input gives byte-identical files. No JSON-LD context is ever
fetched: every JSON-LD file is compacted with the project's context given inline, and PyLD (which reads
JSON-LD elsewhere) runs with a document loader that refuses every URL."""

from __future__ import annotations

import json
from operator import itemgetter
from pathlib import Path
from typing import Iterable

import orjson
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ..vocab import PREFIXES
from .jsonld_plans import _Plans, canonical
from .terms import ox_pair, ox_term, rdflib_term

PREFIX_MAP = {k: str(v) for k, v in PREFIXES.items()}


def load_context(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))



def quads(graphs: Iterable[Graph]) -> list[ox.Quad]:
    """The quads of named graphs, sorted (the order every writer uses)."""
    graphs = list(graphs)
    if len(graphs) == 1:  # a graph's triples are distinct already
        return graph_quads(graphs[0].identifier, graphs[0])
    out = {
        ox.Quad(ox_term(s), ox_term(p), ox_term(o), ox.NamedNode(str(g.identifier)))
        for g in graphs
        for s, p, o in g
    }
    return sorted(out, key=str)


def triples(graphs: Iterable[Graph]) -> list[ox.Triple]:
    """The union of graphs as sorted, distinct triples."""
    return sorted({ox.Triple(ox_term(s), ox_term(p), ox_term(o)) for g in graphs for s, p, o in g}, key=str)


def graph_quads(name, items: Iterable[tuple]) -> list[ox.Quad]:
    """The quads of one graph named `name`, its distinct triples `items` (rdflib terms), sorted as their
    N-Quads lines (``str`` of a quad: its terms' forms, from `ox_pair`, with a space between)."""
    graph = ox.NamedNode(str(name))
    tail = " " + str(graph)
    keyed = []
    subject = None
    for s, p, o in items:
        if s is not subject:  # (a subject's triples come together: it is made an Oxigraph term once for them)
            subject = s
            ox_s, text = ox_pair(s)
            head = text + " "
        ox_p, p_text = ox_pair(p)
        ox_o, o_text = ox_pair(o)
        keyed.append((head + p_text + " " + o_text + tail, ox.Quad(ox_s, ox_p, ox_o, graph)))
    keyed.sort(key=itemgetter(0))
    return [q for _, q in keyed]


def triples_of(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The distinct triples of quads, sorted."""
    return sorted({q.triple for q in quads}, key=str)


def graph_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The triples of one graph's sorted quads (`graph_quads`), sorted: `triples_of` without sorting again.
    A quad is written as its triple, a space and the same graph name, so two quads compare as their triples
    do where they differ before the name; where one triple is the beginning of the other, the longer one's
    next character still belongs to its object (a literal's language or datatype, a blank node's longer
    label: ``@``, ``^``, ``-``, a letter or digit), never a space or a character below it (N-Triples escapes
    control characters), so the shorter comes first both ways."""
    return [q.triple for q in quads]


def turtle(items: list[ox.Triple]) -> bytes:
    return ox.serialize(items, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_MAP)


def trig(items: list[ox.Quad]) -> bytes:
    return ox.serialize(items, format=ox.RdfFormat.TRIG, prefixes=PREFIX_MAP)


def ntriples(items: list[ox.Triple]) -> bytes:
    return ox.serialize(items, format=ox.RdfFormat.N_TRIPLES)


def nquads(items: list[ox.Quad]) -> bytes:
    return ox.serialize(items, format=ox.RdfFormat.N_QUADS)


def jsonld(items: list[ox.Triple] | list[ox.Quad], context: dict) -> bytes:
    """JSON-LD compacted with `context` (embedded in the file): one named graph per graph name of the quads,
    or the default graph for triples. See `JsonLd`."""

    graphs: dict[str, Graph] = {}  # graph name ("" for the default graph) -> its triples
    for item in items:
        name = item.graph_name.value if isinstance(item, ox.Quad) and isinstance(item.graph_name, ox.NamedNode) \
            else ""
        if name not in graphs:
            graphs[name] = Graph(identifier=URIRef(name)) if name else Graph()
        graphs[name].add(tuple(rdflib_term(t) for t in (item.subject, item.predicate, item.object)))
    return JsonLd(context).graphs(graphs.get(""), [graphs[n] for n in sorted(graphs) if n])


class JsonLd:
    """JSON-LD compacted with the project's context (embedded in each file, never fetched) by rdflib's
    converter from RDF (several times faster than PyLD's compaction); the context is prepared once. JSON-LD
    arrays are sets here (the context declares no lists), so they are sorted and the keys too: the same
    graph gives the same bytes. Written by orjson (indented, UTF-8)."""

    def __init__(self, context: dict):
        from rdflib.plugins.shared.jsonld.context import Context

        self.inner = context.get("@context", context)
        self.context = Context(self.inner)
        self._plans: _Plans | None = None

    def _nodes(self, graph: Graph, items: list | None = None) -> list:
        """The graph's node objects, as rdflib's converter gives them (`_Plans`: its choices worked out
        once per predicate and kind of value; a graph with lists or blank nodes goes through the converter),
        in their canonical form (`canonical`); `items`, the graph's triples in a list where the caller has
        them."""
        if self._plans is None:
            self._plans = _Plans(self.context)
        nodes = self._plans.nodes(graph if items is None else items)
        if nodes is None:
            from rdflib.plugins.serializers.jsonld import Converter

            if not isinstance(graph, Graph):  # (the mapping's triple holder: the converter reads a graph)
                graph = graph.graph()
            nodes = canonical(Converter(self.context, use_native_types=False, use_rdf_type=False).from_graph(graph))
        return nodes

    def _dump(self, data) -> bytes:
        return orjson.dumps(canonical(data), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"

    def named_graph_and_line(self, graph: Graph, items: list | None = None) -> tuple[bytes, bytes]:
        """`named_graph`, and the same named graph as a node object of a ``@graph`` array on one line,
        without the context (for the dataset file, whose single context is the same); `items`, its triples
        in a list where the caller has them."""
        obj = {"@id": self.context.shrink_iri(str(graph.identifier)), "@graph": self._nodes(graph, items)}
        whole = orjson.dumps({"@context": self.inner, **obj}, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        return whole + b"\n", orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)

    def named_graph(self, graph: Graph) -> bytes:
        """One named graph (`graph.identifier`): ``{"@context", "@id", "@graph"}``."""
        return self.named_graph_and_line(graph)[0]

    def graphs(self, default: Graph | None, named: list[Graph]) -> bytes:
        """A default graph and named graphs: ``{"@context", "@graph": [nodes…, {"@id", "@graph"}…]}``; one
        named graph alone is ``{"@context", "@id", "@graph"}``, one node alone ``{"@context", "@id", …}``."""
        if default is None and len(named) == 1:
            return self.named_graph(named[0])
        entries = self._nodes(default) if default is not None else []
        entries += [{"@id": self.context.shrink_iri(str(g.identifier)), "@graph": self._nodes(g)} for g in named]
        if len(entries) == 1 and not named:
            return self._dump({"@context": self.inner, **entries[0]})
        return self._dump({"@context": self.inner, "@graph": entries})
