"""What a store holds of a project, graph by graph, in one SPARQL query that any SPARQL 1.1 server answers:
for each named graph under the project's base, its number of triples and a digest of its content.

The digest of a graph is two sums, over its triples, of numbers read from the SHA-256 of the triple's text
(its subject, predicate and object with their kind, language and datatype): a sum does not depend on the
order the server returns triples in, and the same query run on the build's own store gives the same rows
for a graph with the same content. A graph that differs in one triple differs in both sums but by a chance
of one in 2^56. Blank nodes all read as one ``_:`` (they have no name across stores): graphs that differ
only in how their blank nodes are linked read as equal (unkg's graphs have none)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

HEX_DIGITS = 7  # hex digits read per sum: 16^7 · triples stays far below 2^63 for any graph

# a term's text: a literal with its language and datatype, an IRI, or "_:" for a blank node
_TERM = ('IF(isLiteral({v}), CONCAT("\\"", STR({v}), "\\"@", LANG({v}), "^^", STR(DATATYPE({v}))), '
         'IF(isIRI({v}), CONCAT("<", STR({v}), ">"), "_:"))')


def _hex_number(var: str, start: int) -> str:
    """SPARQL for the integer the hex digits start..start+HEX_DIGITS-1 (1-based) of `var` spell."""
    return "(" + " + ".join(
        f'STRLEN(STRBEFORE("0123456789abcdef", SUBSTR({var}, {start + i}, 1))) * {16 ** (HEX_DIGITS - 1 - i)}'
        for i in range(HEX_DIGITS)) + ")"


def digest_query(base: str | None) -> str:
    """The query: one row per named graph (``?g ?n ?a ?b``); only the graphs whose IRI starts with
    `base` followed by ``/`` when `base` is given."""
    where = f'FILTER(STRSTARTS(STR(?g), "{base.rstrip("/")}/"))' if base else ""
    text = " ".join(["CONCAT(", _TERM.format(v="?s"), ', " ", ', _TERM.format(v="?p"), ', " ", ',
                     _TERM.format(v="?o"), ")"])
    return (f"SELECT ?g (COUNT(*) AS ?n) (SUM({_hex_number('?h', 1)}) AS ?a) "
            f"(SUM({_hex_number('?h', 1 + HEX_DIGITS)}) AS ?b)\n"
            f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {where} BIND(SHA256({text}) AS ?h) }}\nGROUP BY ?g")


def graphs_query(base: str) -> str:
    """The project's named graphs (``?g``), empty ones included."""
    return f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "{base.rstrip("/")}/")) }}'


@dataclass(frozen=True)
class GraphDigest:
    triples: int
    a: int
    b: int


def read_rows(solutions) -> dict[str, GraphDigest]:
    """The digests from the query's solutions (pyoxigraph solutions, from a store or parsed results)."""
    out = {}
    for row in solutions:
        graph = row["g"]
        if not isinstance(graph, ox.NamedNode):
            continue
        out[graph.value] = GraphDigest(int(row["n"].value), int(row["a"].value), int(row["b"].value))
    return out


def store_digests(store: ox.Store) -> dict[str, GraphDigest]:
    """Every named graph of an Oxigraph store (the build's), with its digest."""
    return read_rows(store.query(digest_query(None)))
