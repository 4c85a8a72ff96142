"""Which of the project's graphs an Oxigraph server holds otherwise than the build, found from its N-Quads.

The server's whole store is read once as N-Quads (``GET /store``: Oxigraph writes it fast, as a stream)
and each line is compared with the lines of ``dataset.nq`` by a 64-bit hash, sets against sets: the
per-line work is done in C, the hashes of a 10,000-document build take tens of megabytes, and the lines
themselves are never kept. Only the lines found on one side alone are parsed, to learn their graph: a graph
with such a line differs (or is new, or gone). Lines of graphs outside the project's base are passed over.

Both files are written by Oxigraph, one quad per line in the same canonical form; a server whose version
writes a term otherwise makes its graphs read as different, so they are loaded again: slower, never wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from urllib3.exceptions import HTTPError as TransportError

from ..errors import InputError
from .remote import Remote

CHUNK = 16 << 20
_LAST_IRI = re.compile(r"<([^<>]*)>\s*\.\s*$")


def _lines(chunks: Iterable[bytes]) -> Iterator[list[bytes]]:
    """Lists of whole lines (without their line ends) from a stream of byte chunks."""
    rest = b""
    for chunk in chunks:
        chunk = rest + chunk
        cut = chunk.rfind(b"\n") + 1
        rest = chunk[cut:]
        if cut:
            yield [line for line in chunk[: cut - 1].split(b"\n") if line]
    if rest.strip():
        yield [rest]


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        yield from iter(lambda: fh.read(CHUNK), b"")


def _graphs_of(lines: list[bytes], prefix: str) -> set[str]:
    """The named graphs under `prefix` that N-Quads `lines` are in (a line that does not parse, RDF 1.2 of
    someone else's say, is read by its last term)."""
    if not lines:
        return set()
    try:
        return {q.graph_name.value for q in ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_QUADS)
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(prefix)}
    except SyntaxError:
        if len(lines) > 1:
            return set().union(*(_graphs_of([line], prefix) for line in lines))
        last = _LAST_IRI.search(lines[0].decode("utf-8", "replace"))
        return {last.group(1)} if last and last.group(1).startswith(prefix) else set()


def differing_graphs(remote: Remote, store_url: str, dataset: Path, base: str) -> set[str]:
    """The graphs under `base` whose quads on the server (its whole store at `store_url`) and in
    `dataset` differ: changed, new or gone."""
    prefix = base.rstrip("/") + "/"
    build: set[int] = set()
    for lines in _lines(_file_chunks(dataset)):
        build.update(map(hash, lines))
    unmatched = set(build)  # the build's lines the server does not have, once the server is read
    found: set[str] = set()
    response = remote.request("GET", store_url, "reading the server's quads", preload=False,
                              headers={"Accept": "application/n-quads"})
    try:
        for lines in _lines(response.stream(CHUNK)):
            hashes = set(map(hash, lines))
            unmatched -= hashes
            extra = hashes - build
            if extra:  # lines the build lacks: a changed or gone graph of the project, or other data
                found |= _graphs_of([line for line in lines if hash(line) in extra], prefix)
    except (TransportError, OSError) as exc:
        raise InputError(store_url, f"the connection broke while reading the server's quads: {exc}") from None
    finally:
        response.release_conn()
    if unmatched:  # lines the server lacks: a changed or new graph
        for lines in _lines(_file_chunks(dataset)):
            missing = [line for line in lines if hash(line) in unmatched]
            found |= _graphs_of(missing, prefix)
    return found
