"""Reading RDF files for validation and round trips: Turtle, TriG, N-Triples, N-Quads through Oxigraph
(whose errors give line and column), JSON-LD through PyLD with a document loader that refuses the network.
Named graphs are merged into one rdflib graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ..errors import InputError
from .terms import rdflib_term

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
}


def read_quads(path: Path) -> list[ox.Quad]:
    """The quads of an RDF file, or an InputError naming the file and the line."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    if suffix in (".jsonld", ".json"):
        return _jsonld_quads(path, data)
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise InputError(str(path), f"unknown RDF format {suffix!r}; expected one of "
                         + ", ".join(sorted([*FORMATS, ".jsonld"])))
    try:
        return list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        line = None
        m = re.search(r"(?:line |at )(\d+)", str(exc))
        if m:
            line = int(m.group(1))
        raise InputError(str(path), f"not valid {fmt.name}: {exc}", line) from None


def no_network(url: str, options=None):
    """PyLD document loader: remote documents are never fetched."""
    raise InputError(url, "remote JSON-LD documents are never fetched (offline by design)")


def _jsonld_quads(path: Path, data: bytes) -> list[ox.Quad]:
    from pyld import jsonld as pyld

    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(str(path), f"not valid JSON: {exc}", line) from None
    try:
        nquads = pyld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": no_network})
    except InputError:
        raise
    except Exception as exc:  # pyld's JsonLdError and its causes
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, InputError):
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, InputError):
            raise InputError(str(path), f"refers to a remote JSON-LD document ({cause.file}): "
                             "remote contexts are never fetched; embed the context") from None
        raise InputError(str(path), f"not valid JSON-LD: {str(exc).splitlines()[0]}") from None
    return list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def read_rdf(path: Path) -> Graph:
    """An RDF file as one rdflib graph (named graphs merged)."""
    g = Graph()
    for q in read_quads(path):
        g.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    return g


def parse_turtle_files(files, public_id=None, transform=None) -> Graph:
    """Turtle files into one rdflib graph, parsed by Oxigraph (several times faster than rdflib's parser);
    a file that does not parse is an InputError naming it and the line. `public_id(path)` gives the base
    for relative IRIs, `transform(text)` rewrites the text first. The files' prefixes are bound in the
    graph as they would be by rdflib."""
    graph = Graph()
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = (transform(text) if transform else text).encode("utf-8")
        base = public_id(path) if public_id else path.resolve().as_uri()
        try:
            parser = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base)
            triples = list(parser)
        except SyntaxError as exc:
            m = re.search(r"(?:line |at )(\d+)", str(exc))
            raise InputError(str(path), f"not valid Turtle: {exc}", int(m.group(1)) if m else None) from None
        for prefix, iri in parser.prefixes.items():
            graph.bind(prefix, iri, override=False)
        scoped: dict[str, object] = {}  # blank node labels are the file's own, as rdflib's parser has them

        def term(t, scoped=scoped):
            if isinstance(t, ox.BlankNode):
                return scoped.setdefault(t.value, BNode())
            return rdflib_term(t)

        for t in triples:
            graph.add((term(t.subject), term(t.predicate), term(t.object)))
    return graph
