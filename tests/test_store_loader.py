"""The build's store loader: N-Quads read from the file being written (the build's dataset.nq), bulk-loaded
range by range once released; the store holds exactly what the file holds, in as many loads as its size
asks, loaded two at a time, and nothing is written beside the store."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from unkg.store.loader import StoreLoader


def document(n: int) -> bytes:
    """A document's N-Quads: its graph with a few statements, one a literal with a quote and a newline."""
    g = f"<https://example.org/doc/{n}>"
    lines = [f'<https://example.org/doc/{n}#letter> <https://example.org/p/{k}> "v{n}.{k} \\"q\\"\\n" {g} .\n'
             for k in range(5)]
    lines.append(f"<https://example.org/doc/{n}#letter> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                 f"<https://example.org/Letter> {g} .\n")
    return "".join(lines).encode()


class Counting(StoreLoader):
    """Counts the bulk loads (each one byte range)."""

    def __init__(self, *args, **kwargs):
        self.loads = 0
        self.lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def _load(self, data) -> None:
        with self.lock:
            self.loads += 1
        super()._load(data)


class Meeting(Counting):
    """Its first loads wait for each other: they can end only if `LOADS` of them run at once."""

    def __init__(self, *args, **kwargs):
        self.meeting = threading.Barrier(StoreLoader.LOADS, timeout=60)
        self.entered = 0
        super().__init__(*args, **kwargs)

    def _load(self, data) -> None:
        with self.lock:
            self.entered += 1
            first = self.entered <= self.LOADS
        if first:
            self.meeting.wait()  # (broken, an error raised by finish(), if the others never come)
        super()._load(data)


def written(loader: StoreLoader, path: Path, docs: list[bytes]):
    """`docs` written to `path` one after the other as a build writes dataset.nq (buffered), the loader told
    how far the file goes after each; the file, flushed (what the build does before `release`)."""
    fh = open(path, "wb")
    pos = 0
    for data in docs:
        fh.write(data)
        pos += len(data)
        loader.reached(pos)
    fh.flush()
    return fh


def test_quads_loaded_in_ranges_and_nothing_beside_the_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(StoreLoader, "CHUNK", 4096)
    docs = [document(n) for n in range(200)] + [b""]  # (a document with nothing built adds nothing)
    loader = Counting(tmp_path / "store", tmp_path / "dataset.nq")
    with written(loader, tmp_path / "dataset.nq", docs):
        loader.release()
        store = loader.finish()
    expected = set(ox.parse(b"".join(docs), format=ox.RdfFormat.N_QUADS))
    assert set(store) == expected and len(store) == 200 * 6
    size = sum(map(len, docs))
    # a load of every range of at least CHUNK bytes (documents whole), and one of what was left
    assert size // 4096 - 1 <= loader.loads <= size // 4096 + 1 and loader.loads > 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset.nq", "store"]


def test_one_small_load(tmp_path: Path) -> None:
    loader = Counting(tmp_path / "store", tmp_path / "dataset.nq")
    with written(loader, tmp_path / "dataset.nq", [document(1), document(2)]):
        store = loader.finish()
    assert len(store) == 12 and loader.loads == 1


def test_bad_quads_raise_at_finish(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(StoreLoader, "CHUNK", 256)
    loader = StoreLoader(tmp_path / "store", tmp_path / "dataset.nq")
    bad = b"<https://example.org/s> <https://example.org/p> not-a-term <https://example.org/g> .\n"
    with written(loader, tmp_path / "dataset.nq", [document(1), bad, document(2)]):
        with pytest.raises(SyntaxError):
            loader.finish()
    loader.close()  # closing again (the build's clean-up after a failure) does no harm


def test_a_file_shorter_than_told_raises_at_finish(tmp_path: Path) -> None:
    """A range the file does not hold (it was not flushed, or cut) is an error, not a smaller store."""
    loader = StoreLoader(tmp_path / "store", tmp_path / "dataset.nq")
    with written(loader, tmp_path / "dataset.nq", [document(1)]):
        loader.reached(len(document(1)) * 2)
        with pytest.raises(OSError, match="ends before byte"):
            loader.finish()


def test_held_loader_loads_nothing_until_released(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(StoreLoader, "CHUNK", 2048)
    docs = [document(n) for n in range(60)]
    loader = Counting(tmp_path / "store", tmp_path / "dataset.nq")
    with written(loader, tmp_path / "dataset.nq", docs):
        assert loader.loads == 0 and len(loader.store) == 0  # held: the full ranges wait
        assert loader.queue.qsize() >= sum(map(len, docs)) // 2048 - 1
        loader.release()
        store = loader.finish()
    assert len(store) == 60 * 6 and loader.loads > 1


def test_held_loader_closed_without_release(tmp_path: Path, monkeypatch) -> None:
    """A build that fails before its workers are done closes its loader: it ends."""
    monkeypatch.setattr(StoreLoader, "CHUNK", 2048)
    loader = StoreLoader(tmp_path / "store", tmp_path / "dataset.nq")
    with written(loader, tmp_path / "dataset.nq", [document(n) for n in range(20)]):
        loader.close()
    assert not any(t.is_alive() for t in loader.threads)


def test_loads_run_at_once(tmp_path: Path, monkeypatch) -> None:
    """The ranges are loaded by `LOADS` threads at once (the store's load on two CPUs, not one), and the
    store holds every statement whatever order they end in."""
    assert StoreLoader.LOADS == 2
    monkeypatch.setattr(StoreLoader, "CHUNK", 2048)
    docs = [document(n) for n in range(60)]
    loader = Meeting(tmp_path / "store", tmp_path / "dataset.nq")
    with written(loader, tmp_path / "dataset.nq", docs):
        loader.release()
        store = loader.finish()  # (a BrokenBarrierError here: the first loads did not run at once)
    assert set(store) == set(ox.parse(b"".join(docs), format=ox.RdfFormat.N_QUADS))
    assert loader.loads > 2 and not any(t.is_alive() for t in loader.threads)
