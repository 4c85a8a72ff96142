"""RDF terms between rdflib (the graph model the mapping builds) and Oxigraph (which parses, serialises,
validates and stores): the one place a term crosses from one library to the other."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


_NAMED: dict[str, tuple[ox.NamedNode, str]] = {}  # IRIs already made Oxigraph terms (the same few recur in every graph)
_NAMED_KEPT = 20_000
# Literals already made Oxigraph terms, by the rdflib literal's identity: the mapping makes a recurring literal
# once (`string`, `literal`), so four in five are one seen before, and rdflib's hash and equality of a literal
# are Python code. Each entry holds its literal, so no other object can take its id while the entry is kept.
_LITERALS_OX: dict[int, tuple[Literal, tuple[ox.Literal, str]]] = {}


def ox_term(term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as an Oxigraph term."""
    return ox_pair(term)[0]


def ox_pair(term) -> tuple[ox.NamedNode | ox.Literal | ox.BlankNode, str]:
    """An rdflib term as an Oxigraph term, and that term's N-Triples form (its ``str``: what quads are sorted
    by), both made once while the term recurs."""
    kind = type(term)  # (exact types first: rdflib's terms are ABCs, whose failing isinstance is Python code)
    if kind is URIRef or kind is not Literal and isinstance(term, URIRef):
        iri = str(term)  # (a plain str: rdflib's hash and equality are Python code)
        pair = _NAMED.get(iri)
        if pair is None:
            node = ox.NamedNode(iri)
            pair = (node, str(node))
            if len(_NAMED) < _NAMED_KEPT:
                _NAMED[iri] = pair
        return pair
    if kind is Literal or isinstance(term, Literal):
        known = _LITERALS_OX.get(id(term))
        if known is not None and known[0] is term:
            return known[1]
        language = term.language
        if language:
            node = ox.Literal(str(term), language=language)
        elif term.datatype:
            node = ox.Literal(str(term), datatype=ox_term(term.datatype))
        else:
            node = ox.Literal(str(term))
        if len(_LITERALS_OX) >= _NAMED_KEPT:
            _LITERALS_OX.clear()
        pair = (node, str(node))
        _LITERALS_OX[id(term)] = (term, pair)
        return pair
    if isinstance(term, BNode):
        node = ox.BlankNode(str(term))
        return node, str(node)
    raise TypeError(f"not an RDF term: {term!r}")


_LITERALS: dict[tuple, Literal] = {}  # (value's type, value, datatype's IRI) -> its literal
_STRINGS: dict[tuple, Literal] = {}  # (string, language) -> its literal
_LITERALS_KEPT = 20_000  # (each emptied when full: the same recur, offsets, positions, quotes' contexts, labels)


_NODES: dict[str, URIRef] = {}  # IRI -> its node


def resource(iri: str) -> URIRef:
    """``URIRef(iri)`` for an IRI that recurs from document to document (an authority entity's, a class), made
    once while it does: rdflib checks the characters of each IRI it is given, in Python."""
    term = _NODES.get(iri)
    if term is None:
        if len(_NODES) >= _LITERALS_KEPT:
            _NODES.clear()
        term = _NODES[iri] = URIRef(iri)
    return term


def string(value: str, lang: str | None = None) -> Literal:
    """``Literal(value, lang=lang)`` for a string, made once while it recurs (`literal`), and without rdflib's
    normalising (a string is its own lexical form; finding that out tries a cast type after type)."""
    key = (value, lang)
    term = _STRINGS.get(key)
    if term is None:
        if len(_STRINGS) >= _LITERALS_KEPT:
            _STRINGS.clear()
        term = _STRINGS[key] = Literal(value, lang=lang, normalize=False)
    return term


def literal(value, datatype=None) -> Literal:
    """``Literal(value, datatype=datatype)`` for a value that recurs (a number, a boolean, a date, a kind),
    made once: rdflib casts a Python value to its lexical form and a lexical form to its value by trying
    type after type, several microseconds a literal. Keyed by the value's type too (``True == 1``)."""
    key = (type(value), value, datatype and str(datatype))
    term = _LITERALS.get(key)
    if term is None:
        if len(_LITERALS) >= _LITERALS_KEPT:
            _LITERALS.clear()
        term = _LITERALS[key] = Literal(value, datatype=datatype)
    return term


def rdflib_term(term):
    """An Oxigraph term as an rdflib term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string; rdflib
            return Literal(term.value)  # matches them only when both are written the same way
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return BNode(term.value)
