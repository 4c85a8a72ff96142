"""Which quads a set of SPARQL queries can match: the triple patterns of their graph patterns (every group,
OPTIONAL, UNION, GRAPH, sub-select and EXISTS), read once with rdflib's SPARQL parser.

A quad can match a pattern only if it has the pattern's predicate and, when the pattern names one, its
object IRI. A store given only such quads answers those queries as the store with every quad does: the
search rows (`searchdoc`) put into their store a document's quads some query reads (a quarter of them), not
all. What cannot be narrowed that way keeps every quad: a pattern whose predicate is a variable, a path of
any length (of length zero, it matches any node) or a negated property set. A literal object is not
compared (its datatype and language are the parser's business): the pattern's predicate alone decides; a
path's steps are read as patterns with any object."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue


class Patterns:
    """The quads some of `queries` (full SPARQL queries, prefixes declared) can match, and those of
    `predicates` (with any object: what the caller reads without a query, labels and names)."""

    def __init__(self, queries: Iterable[str], predicates: Iterable[ox.NamedNode] = ()):
        self.everything = False  # a pattern that any quad may match
        self.any_object: set[ox.NamedNode] = set(predicates)
        self.objects: set[tuple[ox.NamedNode, ox.NamedNode]] = set()  # (predicate, object IRI)
        for query in queries:
            try:
                algebra = prepareQuery(query).algebra
            except Exception:  # noqa: BLE001 - a query rdflib does not read (Oxigraph may): nothing narrowed
                self.everything = True
                continue
            self._walk(algebra)

    def with_predicates(self, predicates: Iterable[ox.NamedNode]) -> Patterns:
        """These patterns and those of `predicates` with any object."""
        patterns = Patterns([])
        patterns.everything, patterns.objects = self.everything, set(self.objects)
        patterns.any_object = self.any_object | set(predicates)
        return patterns

    def matches(self, quad: ox.Quad) -> bool:
        if self.everything:
            return True
        predicate = quad.predicate
        return predicate in self.any_object or (predicate, quad.object) in self.objects

    def select(self, quads: list[ox.Quad]) -> list[ox.Quad]:
        """The quads of `quads` that match (`matches`, in one loop; a quad's object is read only when its
        predicate is one of `objects`: reading a term from Oxigraph copies it, a text's literal too)."""
        if self.everything:
            return quads
        any_object, objects = self.any_object, self.objects
        with_object = {p for p, _ in objects}
        return [q for q in quads
                if (p := q.predicate) in any_object or (p in with_object and (p, q.object) in objects)]

    def _walk(self, node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "BGP":  # translated: (s, p, o) tuples
                for triple in node.triples:
                    self._add(triple)
            elif node.name == "TriplesBlock":  # as parsed (an EXISTS' pattern): s, p, o, s, p, o... per list
                for terms in node.triples:
                    for i in range(0, len(terms) - 2, 3):
                        self._add(terms[i:i + 3])
            for value in node.values():
                self._walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                self._walk(value)

    def _add(self, triple: Sequence) -> None:
        _, predicate, obj = triple
        if isinstance(predicate, URIRef):
            if isinstance(obj, URIRef):
                self.objects.add((ox.NamedNode(str(predicate)), ox.NamedNode(str(obj))))
            else:
                self.any_object.add(ox.NamedNode(str(predicate)))
        elif isinstance(predicate, (SequencePath, AlternativePath, InvPath)):  # each step, with any object
            for step in predicate.args if hasattr(predicate, "args") else (predicate.arg,):
                self._add((None, step, None))
        else:  # a variable, a path of any length (zero: any node), a negated property set
            self.everything = True


# the parts of a query's algebra whose solutions are each a solution of their pattern `p`
_THROUGH = {"SelectQuery", "Project", "Distinct", "Reduced", "Filter", "Extend", "ToMultiSet", "OrderBy", "Slice",
            "Graph"}


def required(query: str) -> frozenset[str]:
    """The predicate IRIs of which every solution of `query` (a SELECT) matches a statement: a store with no
    statement of one of them gives no solution, so the query need not be run there. Empty when not known (a
    query rdflib does not read, an aggregate, anything but a SELECT)."""
    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 - a query rdflib does not read (Oxigraph may): nothing known
        return frozenset()
    return frozenset(_required(algebra)) if algebra.name == "SelectQuery" else frozenset()


def _required(node: object) -> set[str]:
    if not isinstance(node, CompValue):  # (VALUES' rows)
        return set()
    name = node.name
    if name == "BGP":
        return {str(p) for _, p, _ in node.triples if isinstance(p, URIRef)}
    if name in _THROUGH:
        return _required(node.p)
    if name == "Join":
        return _required(node.p1) | _required(node.p2)
    if name in ("LeftJoin", "Minus"):  # (what the left side requires)
        return _required(node.p1)
    if name == "Union":  # what both branches require
        return _required(node.p1) & _required(node.p2)
    return set()  # anything else (an aggregate, VALUES, a service...): nothing known
