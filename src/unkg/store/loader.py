"""Loading a new store from N-Quads in bulk, beside other work."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox


class StoreLoader:
    """A new store, filled by Oxigraph's bulk loader in a thread of its own (it releases the GIL, so it
    runs beside the main process's waiting for workers) from N-Quads given in chunks of bounded size."""

    CHUNK = 32 << 20  # bytes of N-Quads per bulk load: bounded memory, few large loads

    def __init__(self, folder: Path):
        import queue

        self.store = ox.Store(str(folder))
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.buffer: list[bytes] = []
        self.size = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
                except BaseException as exc:  # raised again by finish()
                    self.error = exc

    def add(self, nquads: bytes) -> None:
        self.buffer.append(nquads)
        self.size += len(nquads)
        if self.size >= self.CHUNK:
            self._send()

    def _send(self) -> None:
        if self.buffer:
            self.queue.put(b"".join(self.buffer))
        self.buffer, self.size = [], 0

    def close(self) -> None:
        self._send()
        self.queue.put(None)
        self.thread.join()

    def finish(self) -> ox.Store:
        self.close()
        if self.error is not None:
            raise self.error
        store, self.store = self.store, None
        return store
