"""The embedded store: ``build/store``, an Oxigraph database of the published dataset with its named
graphs (written by ``build._store``), and SPARQL queries against it.

Queries see the union of all named graphs as their default graph (so a user needs no ``GRAPH`` clause);
``GRAPH ?g { … }`` still reaches each document's graph."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError

STAMP = "dataset.sha256"  # beside the store's files: the dataset it was loaded from

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}


def identity(tool: str, documents: dict[str, dict]) -> str:
    """The stamp of a store holding the dataset of a build by `tool` of `documents` (key -> its manifest
    entry, whose ``input`` is the fingerprint of its sources)."""
    h = hashlib.sha256(tool.encode())
    for key in sorted(documents):
        h.update(f"{key}\0{documents[key]['input']}\n".encode())
    return h.hexdigest()


def open_store(folder: Path) -> ox.Store:
    if not (folder / STAMP).is_file():
        raise InputError(str(folder), "no store here: run `unkg build` first")
    return ox.Store.read_only(str(folder))


def run_query(store: ox.Store, sparql: str, source: str = "<query>"):
    """Run a SPARQL query; a syntax error is an InputError giving the line and column."""
    try:
        return store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as exc:
        message = str(exc)
        line = None
        if message.startswith("error at ") and ":" in message[9:]:
            try:
                line = int(message[9:].split(":", 1)[0])
            except ValueError:
                line = None
        raise InputError(source, f"not valid SPARQL: {message}", line) from None


def render(result, fmt: str) -> str:
    """A query result as text: a table for people (``table``), or a standard format — SPARQL results
    JSON, XML, CSV or TSV for SELECT and ASK, Turtle or N-Triples for CONSTRUCT and DESCRIBE."""
    if isinstance(result, ox.QueryTriples):
        if fmt == "table":
            fmt = "turtle"
        if fmt not in GRAPH_FORMATS:
            raise InputError("--format", "a CONSTRUCT or DESCRIBE result is a graph: use one of "
                             f"{sorted(GRAPH_FORMATS)}")
        triples = sorted(result, key=str)
        return ox.serialize(triples, format=GRAPH_FORMATS[fmt]).decode("utf-8")
    if fmt in RESULT_FORMATS:
        return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    if fmt != "table":
        raise InputError("--format", "a SELECT or ASK result is a table: use table or one of "
                         f"{sorted(RESULT_FORMATS)}")
    if isinstance(result, ox.QueryBoolean):
        return ("yes" if bool(result) else "no") + "\n"
    names = [v.value for v in result.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in result]
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def pad(cell: str, width: int) -> str:  # by display width: a CJK character takes two columns
        return cell + " " * (width - _width(cell))

    out = ["  ".join(pad(n, w) for n, w in zip(names, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _width(s: str) -> int:
    from ..text import display_width

    return display_width(s, cjk=True)


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return term.value
