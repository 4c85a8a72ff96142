"""Loading a new store in bulk from the N-Quads file a build writes, beside other work."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import pyoxigraph as ox


class StoreLoader:
    """A new store, filled by Oxigraph's bulk loader from a file of N-Quads as it is written (the build's
    ``dataset.nq``): the writer tells how far the file holds whole lines (`reached`), and every `CHUNK` bytes
    of them make one load. From `release` (or `close`) on, `LOADS` threads load them, each taking the next
    byte range and reading it from the file (the loader releases the GIL, so the loads run beside each other
    and beside the end of the build's other work).

    Why loads of that size (docs/performance.md, "The store's bulk load"): each bulk load adds a file to
    every index of the store, and the store's engine (RocksDB) then merges it into the index, rewriting the
    whole index (the keys are hashes: every load overlaps all that is there). Fewer, larger loads cost less
    the larger the store; but the loader holds a load's quads in memory (about 1 KB each), so a load is
    bounded: two loads of 32 MB at once hold what one of 64 MB held. The N-Quads waiting for a load are the
    file's, on disk, not the process's.

    Why two at once: one of Oxigraph's loads runs on about one CPU (it reads a range of this size as one
    batch), so the store was loaded on one CPU while the build had two; two loads at once take the same CPU
    in about two thirds of the time. The store holds the same statements whatever order the loads end in.

    Why only from `release` (the build's: once its workers are done): loads one after the other cost about
    half what the same loads spread over the build cost (the engine's merges then each take several loads'
    files), and they take no CPU from the workers. The writer must have flushed the file by then: a load
    reads the file, not the writer's buffer."""

    CHUNK = 32 << 20  # bytes of N-Quads per bulk load (about 110,000 quads; the loader's memory about 130 MB)
    LOADS = 2  # loads at once

    def __init__(self, folder: Path, source: Path):
        self.store = ox.Store(str(folder))
        self.source = source  # the N-Quads file being written
        self.go = threading.Event()  # set by release() or close()
        self.queue: queue.Queue[tuple[int, int] | None] = queue.Queue()  # byte ranges of the file, in order
        self.start = 0  # where the next range begins
        self.end = 0  # how far the file holds whole lines
        self.error: BaseException | None = None
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(self.LOADS)]
        for thread in self.threads:
            thread.start()

    def reached(self, end: int) -> None:
        """The file holds whole lines of N-Quads up to byte `end` (written, flushed or not): loaded with those
        before them once `CHUNK` bytes wait."""
        self.end = end
        if end - self.start >= self.CHUNK:
            self._send()

    def _send(self) -> None:
        if self.end > self.start:
            self.queue.put((self.start, self.end))
        self.start = self.end

    def release(self) -> None:
        """Start loading what waits, and each range as it is full from now on (the file flushed so far)."""
        self.go.set()

    def _run(self) -> None:
        self.go.wait()
        fd = None
        try:
            while (span := self.queue.get()) is not None:
                try:
                    if self.error is None:
                        if fd is None:
                            fd = os.open(self.source, os.O_RDONLY | os.O_CLOEXEC)
                        self._load(_Range(fd, *span))
                except BaseException as exc:  # raised again by finish()
                    if self.error is None:
                        self.error = exc
        finally:
            if fd is not None:
                os.close(fd)
            self.queue.put(None)  # (the end, for the other threads too)

    def _load(self, data: _Range) -> None:
        # (lenient: without checking each IRI and language tag again: they are Oxigraph terms' own N-Quads,
        # checked when each term was made; about an eighth less CPU for the load)
        self.store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS, lenient=True)

    def close(self) -> None:
        """Load what waits, and end the loading threads (also after an error)."""
        try:
            self._send()
        finally:
            self.queue.put(None)
            self.go.set()
            for thread in self.threads:
                thread.join()

    def finish(self) -> ox.Store:
        self.close()
        if self.error is not None:
            raise self.error
        store, self.store = self.store, None
        return store


class _Range:
    """Bytes `start` to `end` of an open file, read as a file is (what the bulk loader reads from), each read
    at its own offset: two loads read one file at once."""

    def __init__(self, fd: int, start: int, end: int):
        self.fd, self.pos, self.end = fd, start, end

    def read(self, size: int = -1) -> bytes:
        left = self.end - self.pos
        size = left if size is None or size < 0 else min(size, left)
        if size <= 0:
            return b""
        data = os.pread(self.fd, size, self.pos)
        if not data:
            raise OSError(f"the N-Quads file ends before byte {self.end}")
        self.pos += len(data)
        return data
