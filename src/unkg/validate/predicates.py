"""Which statements a SPARQL query can read: the predicates of its triple patterns, when every one is an
IRI, each with the IRIs its objects must be where every pattern of that predicate names its object (as
``?x a unkg:AgendaItem`` does). The fast validator loads a document's statements into Oxigraph for the
shapes' SPARQL; a statement that matches none of a query's patterns cannot change its results, so only
those that may match need loading (loading the whole graph was a fifth of a document's validation; its
rdf:type statements, half of what was loaded after). A pattern whose predicate is a variable or a path, or a
part of the query not recognised here (a named graph, a service), makes it None: everything loaded."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

_OPAQUE = {"GraphGraphPattern", "ServiceGraphPattern", "Graph", "Service"}


class _Any(Exception):
    """The query may read statements of any predicate."""


def reads(query: str) -> frozenset[tuple[str, str | None]] | None:
    """The statements `query` (compiled: a ``%s`` for its VALUES) may read, as (predicate IRI, object IRI or
    None: any object) pairs, or None (any statement)."""
    try:
        algebra = prepareQuery(query % "").algebra
        found: set[tuple[str, str | None]] = set()
        _walk(algebra, found)
    except _Any:
        return None
    return frozenset(found)


def _walk(node, found: set) -> None:
    if isinstance(node, CompValue):
        if node.name in _OPAQUE:
            raise _Any
        if node.name == "BGP":  # (s, p, o) tuples
            for triple in node["triples"]:
                _pattern(triple[1], triple[2], found)
        elif node.name == "TriplesBlock":  # untranslated (in EXISTS): flat lists s, p, o, s, p, o …
            for triples in node["triples"]:
                if len(triples) % 3:
                    raise _Any
                for i in range(1, len(triples), 3):
                    _pattern(triples[i], triples[i + 1], found)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            _walk(value, found)


def _pattern(predicate, obj, found: set) -> None:
    if not isinstance(predicate, URIRef):
        raise _Any
    # (an object named by a literal may match literals written otherwise: any object, as for a variable)
    found.add((str(predicate), str(obj) if isinstance(obj, URIRef) else None))
