"""Loading a new store from N-Quads in bulk, beside other work."""

from __future__ import annotations

import queue
import shutil
import threading
from pathlib import Path

import pyoxigraph as ox


class StoreLoader:
    """A new store, filled by Oxigraph's bulk loader from the N-Quads it is given: spooled to files of about
    `CHUNK` bytes beside the store while the build's workers run, then, from `release` (or `close`), loaded
    by `LOADS` threads, each taking the next file and removing it once loaded (the loader releases the GIL,
    so the loads run beside each other and beside the end of the build's other work).

    Why files of that size (docs/performance.md, "The store's bulk load"): each bulk load adds a file to
    every index of the store, and the store's engine (RocksDB) then merges it into the index, rewriting the
    whole index (the keys are hashes: every load overlaps all that is there). Fewer, larger loads cost less
    the larger the store; but the loader holds a load's quads in memory (about 1 KB each), so a load is
    bounded: two loads of 32 MB at once hold what one of 64 MB held. The spool keeps the N-Quads waiting for
    a load out of the process's memory.

    Why two at once: one of Oxigraph's loads runs on about one CPU (it reads a file of this size as one
    batch), so the store was loaded on one CPU while the build had two; two loads at once take the same CPU
    in about two thirds of the time. The store holds the same statements whatever order the loads end in.

    Why only from `release` (the build's: once its workers are done): loads one after the other cost about
    half what the same loads spread over the build cost (the engine's merges then each take several loads'
    files), and they take no CPU from the workers."""

    CHUNK = 32 << 20  # bytes of N-Quads per bulk load (about 110,000 quads; the loader's memory about 130 MB)
    LOADS = 2  # loads at once

    def __init__(self, folder: Path):
        self.store = ox.Store(str(folder))
        self.go = threading.Event()  # set by release() or close()
        self.spool = folder.parent / f".{folder.name}-spool"  # (inside the build's folder: gone with it)
        shutil.rmtree(self.spool, ignore_errors=True)
        self.spool.mkdir(parents=True)
        self.queue: queue.Queue[Path | None] = queue.Queue()  # full spool files, in order
        self.file = None
        self.path: Path | None = None
        self.size = 0
        self.files = 0
        self.error: BaseException | None = None
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(self.LOADS)]
        for thread in self.threads:
            thread.start()

    def release(self) -> None:
        """Start loading what is spooled, and each file as it is full from now on."""
        self.go.set()

    def _run(self) -> None:
        self.go.wait()
        while (path := self.queue.get()) is not None:
            try:
                if self.error is None:
                    self._load(path)
            except BaseException as exc:  # raised again by finish()
                if self.error is None:
                    self.error = exc
            finally:
                path.unlink(missing_ok=True)
        self.queue.put(None)  # (the end, for the other threads too)

    def _load(self, path: Path) -> None:
        # (lenient: without checking each IRI and language tag again: they are Oxigraph terms' own N-Quads,
        # checked when each term was made; about an eighth less CPU for the load)
        self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)

    def add(self, nquads: bytes) -> None:
        """Whole lines of N-Quads (a document's): loaded with those before them once `CHUNK` bytes wait."""
        if not nquads:
            return
        if self.file is None:
            self.files += 1
            self.path = self.spool / f"{self.files:06d}.nq"
            self.file = open(self.path, "xb")
        self.file.write(nquads)
        self.size += len(nquads)
        if self.size >= self.CHUNK:
            self._send()

    def _send(self) -> None:
        if self.file is not None:
            self.file.close()
            self.queue.put(self.path)
        self.file, self.path, self.size = None, None, 0

    def close(self) -> None:
        """Load what waits, and end the loading threads (also after an error: the spool is removed)."""
        try:
            self._send()
        finally:
            self.queue.put(None)
            self.go.set()
            for thread in self.threads:
                thread.join()
            shutil.rmtree(self.spool, ignore_errors=True)

    def finish(self) -> ox.Store:
        self.close()
        if self.error is not None:
            raise self.error
        store, self.store = self.store, None
        return store
