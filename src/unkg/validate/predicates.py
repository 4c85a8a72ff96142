"""Which statements a SPARQL query can read: the predicates of its triple patterns, when every one is an
IRI. The fast validator loads a document's statements into Oxigraph for the shapes' SPARQL; a query that
names its predicates can only match statements with those predicates, so only they need loading (loading
the whole graph was a fifth of a document's validation). A pattern whose predicate is a variable or a path,
or a part of the query not recognised here (a named graph, a service), makes it None: everything loaded."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

_OPAQUE = {"GraphGraphPattern", "ServiceGraphPattern", "Graph", "Service"}


class _Any(Exception):
    """The query may read statements of any predicate."""


def predicates(query: str) -> frozenset[str] | None:
    """The predicate IRIs `query` (compiled: a ``%s`` for its VALUES) reads, or None (any)."""
    try:
        algebra = prepareQuery(query % "").algebra
        found: set[str] = set()
        _walk(algebra, found)
    except _Any:
        return None
    return frozenset(found)


def _walk(node, found: set[str]) -> None:
    if isinstance(node, CompValue):
        if node.name in _OPAQUE:
            raise _Any
        if node.name == "BGP":  # (s, p, o) tuples
            for triple in node["triples"]:
                _predicate(triple[1], found)
        elif node.name == "TriplesBlock":  # untranslated (in EXISTS): flat lists s, p, o, s, p, o …
            for triples in node["triples"]:
                if len(triples) % 3:
                    raise _Any
                for i in range(1, len(triples), 3):
                    _predicate(triples[i], found)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            _walk(value, found)


def _predicate(term, found: set[str]) -> None:
    if not isinstance(term, URIRef):
        raise _Any
    found.add(str(term))
