"""The dataset files (N-Quads, and the Turtle, JSON-LD, TriG and N-Triples the ``dumps`` setting asks for)
and the MARCXML catalogue, streamed in key order as the documents' outcomes arrive (see `Dumps`)."""

from __future__ import annotations

import os
import threading
from array import array
from itertools import accumulate
from pathlib import Path

import orjson

from ..rdf import write
from ..pipeline import CATALOGUE, Pipeline, ntriples_of

def heads(main: Pipeline) -> dict[str, bytes]:
    """What the dataset files begin with: the authority graph (and the collection's opening tag)."""
    from ..exchange.marc import MARC_NS

    quads = write.quads([main.auth_graph])
    nq = write.nquads(quads)
    heads = {"dataset.nq": nq, "dataset.nt": ntriples_of(nq), "dataset.trig": write.trig(quads),
             "dataset.ttl": write.turtle(write.triples_of(quads)),
             "dataset.jsonld": b'{"@context": ' + orjson.dumps(main.jsonld.inner, option=orjson.OPT_SORT_KEYS)
             + b',\n"@graph": [\n' + main.jsonld.named_graph_and_line(main.auth_graph)[1],
             CATALOGUE: f"<?xml version='1.0' encoding='UTF-8'?>\n<collection xmlns=\"{MARC_NS}\">\n"
             .encode()}
    return {name: heads[name] for name in main.dumps}


TAILS = {"dataset.jsonld": b"\n]}\n", CATALOGUE: b"</collection>\n"}


class Dumps:
    """The dataset files (N-Quads, and those of Turtle, JSON-LD, TriG, N-Triples the `dumps` setting asks
    for) and the MARCXML catalogue, streamed in key order: the authority graph first, then each document's
    part, written as it comes from its worker or, for documents not processed again, copied from the build
    in use by the kernel, a run of neighbouring documents at once. The manifest keeps each document's part
    lengths; where a part begins follows from the order (`offsets`). Turtle and TriG allow a prefix
    declaration before each part; JSON-LD is one object with our context and a ``@graph`` of named graphs,
    one line each; Turtle and N-Triples are the union of the graphs (a triple two graphs share written
    twice: RDF graphs are sets)."""

    def __init__(self, folder: Path, names: tuple[str, ...], heads: dict[str, bytes] | None,
                 previous: Path | None = None, old: dict | None = None):
        """`heads`: what each file begins with; or, with `previous` and its manifest `old`, the first bytes
        of `previous`'s files and its documents' parts."""
        self.names = names
        self.out = {}
        self.pos = {}
        self.src = {name: open(previous / name, "rb") for name in self.names} if previous is not None else {}
        self.pending: dict[str, list[int]] = {}  # file -> [offset, length] in the previous file, not yet copied
        self.closer = None  # the thread closing the files (start_closing)
        self.old_keys: list[str] = []
        self.old_index: dict[str, int] = {}
        self.old_start: dict[str, array] = {}  # file -> where each of the previous documents' parts begins
        if old is not None:
            self.old_keys = sorted(old["documents"])
            self.old_index = {key: i for i, key in enumerate(self.old_keys)}
            self.old_start = offsets(old, self.old_keys)
        for name in self.names:
            self.out[name] = _rewrite(folder / name)
            if heads is not None:
                self.out[name].write(heads[name])
                self.pos[name] = len(heads[name])
            else:
                assert old is not None
                self.pending[name] = [0, old["heads"][name]]
                self.pos[name] = old["heads"][name]

    def write(self, key: str, parts: dict[str, bytes]) -> dict[str, int]:
        """Append a document's parts; their lengths."""
        sizes = {}
        for name in self.names:
            self._copy(name)
            data = parts.get(name, b"")
            self.out[name].write(data)
            sizes[name] = len(data)
            self.pos[name] += len(data)
        return sizes

    def reuse(self, first: str, last: str) -> None:
        """Copy the parts of the previous build's documents `first` … `last` (neighbours there)."""
        i, j = self.old_index[first], self.old_index[last] + 1
        for name in self.names:
            start, end = self.old_start[name][i], self.old_start[name][j]
            pending = self.pending.get(name)
            if pending is not None and pending[0] + pending[1] == start:
                pending[1] += end - start
            else:
                self._copy(name)
                self.pending[name] = [start, end - start]
            self.pos[name] += end - start

    def _copy(self, name: str) -> None:
        pending = self.pending.pop(name, None)
        if not pending or not pending[1]:
            return
        out, src = self.out[name], self.src[name]
        out.flush()
        start, length = pending
        while length:
            try:
                n = os.copy_file_range(src.fileno(), out.fileno(), length, start)
            except (AttributeError, OSError):
                src.seek(start)
                n = out.write(src.read(min(length, 1 << 24)))
                out.flush()
            if n <= 0:
                raise OSError(f"{src.name}: shorter than the manifest says")
            start += n
            length -= n

    def start_closing(self) -> None:
        """`close` in a thread of its own: the kernel copies what is left (most of an incremental build's
        bytes) while the build goes on; what was written before is readable at once. `finish_closing` waits."""

        for fh in self.out.values():
            fh.flush()
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.close()
            except BaseException as exc:  # raised again by finish_closing
                self.error = exc

        self.closer = threading.Thread(target=run, daemon=True)
        self.closer.start()

    def finish_closing(self) -> None:
        self.closer.join()
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        for name in self.names:
            self._copy(name)
            self.out[name].write(TAILS.get(name, b""))
            self.out[name].truncate()  # what a longer file of an earlier build had beyond this one
            self.out[name].close()
        for fh in self.src.values():
            fh.close()


BUFFER = 1 << 20  # bytes written at once (a document's parts are tens of kilobytes: a write every few dozen)


def _rewrite(path: Path):
    """`path` opened to be written from its start: a file of this folder's own is overwritten where it is
    (freeing hundreds of megabytes only to take them again costs the file system more than the writing,
    more still where it trims freed blocks), any other (a hard link, say) replaced by a new file."""
    try:
        fh = open(path, "r+b", buffering=BUFFER)
    except FileNotFoundError:
        return open(path, "xb", buffering=BUFFER)
    if os.fstat(fh.fileno()).st_nlink == 1:
        return fh
    fh.close()
    path.unlink()
    return open(path, "xb", buffering=BUFFER)


def offsets(manifest: dict, keys: list[str]) -> dict[str, array]:
    """Where each document's part begins in each dataset file of the build of `manifest` (its documents
    `keys`, sorted), with where the file's tail begins last (arrays of 8-byte integers: 100,000 documents'
    offsets as Python lists would be tens of megabytes)."""
    documents, names = manifest["documents"], list(manifest["heads"])
    lengths = {name: array("q") for name in names}
    for key in keys:  # (each entry read once)
        parts = documents[key]["parts"]
        for name in names:
            lengths[name].append(parts.get(name, 0))
    return {name: array("q", accumulate(lengths[name], initial=manifest["heads"][name])) for name in names}
