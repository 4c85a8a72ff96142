"""The build's store loader: N-Quads given a document at a time are spooled to files and bulk-loaded file by
file; the store holds exactly what was given, in as many loads as the spool's size asks, and the spool is
gone once the loader ends, whether the loads succeeded or not."""

from __future__ import annotations

import threading
import time
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
    """Counts the bulk loads (each one spool file)."""

    def __init__(self, *args, **kwargs):
        self.loads = 0
        self.lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def _load(self, path: Path) -> None:
        with self.lock:
            self.loads += 1
        super()._load(path)


class Meeting(Counting):
    """Its first loads wait for each other: they can end only if `LOADS` of them run at once."""

    def __init__(self, *args, **kwargs):
        self.meeting = threading.Barrier(StoreLoader.LOADS, timeout=60)
        self.entered = 0
        super().__init__(*args, **kwargs)

    def _load(self, path: Path) -> None:
        with self.lock:
            self.entered += 1
            first = self.entered <= self.LOADS
        if first:
            self.meeting.wait()  # (broken, an error raised by finish(), if the others never come)
        super()._load(path)


def test_quads_loaded_in_chunks_and_spool_removed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(StoreLoader, "CHUNK", 4096)
    docs = [document(n) for n in range(200)]
    loader = Counting(tmp_path / "store")
    spool = tmp_path / ".store-spool"
    assert spool.is_dir()
    for data in docs:
        loader.add(data)
    loader.add(b"")  # a document with nothing built adds nothing
    store = loader.finish()
    expected = set(ox.parse(b"".join(docs), format=ox.RdfFormat.N_QUADS))
    assert set(store) == expected and len(store) == 200 * 6
    size = sum(map(len, docs))
    # a load of every file of at least CHUNK bytes (documents whole), and one of what was left
    assert size // 4096 - 1 <= loader.loads <= size // 4096 + 1 and loader.loads > 1
    assert not spool.exists()


def test_one_small_load(tmp_path: Path) -> None:
    loader = Counting(tmp_path / "store")
    loader.add(document(1))
    loader.add(document(2))
    store = loader.finish()
    assert len(store) == 12 and loader.loads == 1
    assert not (tmp_path / ".store-spool").exists()


def test_bad_quads_raise_at_finish_and_spool_removed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(StoreLoader, "CHUNK", 256)
    loader = StoreLoader(tmp_path / "store")
    loader.add(document(1))
    loader.add(b"<https://example.org/s> <https://example.org/p> not-a-term <https://example.org/g> .\n")
    loader.add(document(2))
    with pytest.raises(SyntaxError):
        loader.finish()
    assert not (tmp_path / ".store-spool").exists()
    loader.close()  # closing again (the build's clean-up after a failure) does no harm


def test_leftover_spool_of_a_killed_build_replaced(tmp_path: Path) -> None:
    spool = tmp_path / ".store-spool"
    spool.mkdir()
    (spool / "000001.nq").write_bytes(b"<https://example.org/s> <https://example.org/p> <https://example.org/o> "
                                      b"<https://example.org/old> .\n")
    loader = StoreLoader(tmp_path / "store")
    loader.add(document(3))
    store = loader.finish()
    assert {q.graph_name.value for q in store} == {"https://example.org/doc/3"}


def test_held_loader_loads_nothing_until_released(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(StoreLoader, "CHUNK", 2048)
    docs = [document(n) for n in range(60)]
    loader = Counting(tmp_path / "store")
    for data in docs:
        loader.add(data)
    spool = tmp_path / ".store-spool"
    assert loader.loads == 0 and len(loader.store) == 0  # held: the full files wait on disk
    waiting = loader.queue.qsize()
    assert waiting >= sum(map(len, docs)) // 2048 - 1
    assert len(list(spool.iterdir())) == waiting + (loader.file is not None)  # and the one being filled
    loader.release()
    store = loader.finish()
    assert len(store) == 60 * 6 and loader.loads > 1
    assert not spool.exists()


def test_held_loader_closed_without_release(tmp_path: Path, monkeypatch) -> None:
    """A build that fails before its workers are done closes its loader: it ends, spool removed."""
    monkeypatch.setattr(StoreLoader, "CHUNK", 2048)
    loader = StoreLoader(tmp_path / "store")
    for n in range(20):
        loader.add(document(n))
    loader.close()
    assert not any(t.is_alive() for t in loader.threads) and not (tmp_path / ".store-spool").exists()


def test_loads_run_at_once(tmp_path: Path, monkeypatch) -> None:
    """The spooled files are loaded by `LOADS` threads at once (the store's load on two CPUs, not one),
    and the store holds every statement whatever order they end in."""
    assert StoreLoader.LOADS == 2
    monkeypatch.setattr(StoreLoader, "CHUNK", 2048)
    docs = [document(n) for n in range(60)]
    loader = Meeting(tmp_path / "store")
    for data in docs:
        loader.add(data)
    loader.release()
    store = loader.finish()  # (a BrokenBarrierError here: the first loads did not run at once)
    assert set(store) == set(ox.parse(b"".join(docs), format=ox.RdfFormat.N_QUADS))
    assert loader.loads > 2 and not any(t.is_alive() for t in loader.threads)
