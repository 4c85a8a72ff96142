"""Upkeep of the store between builds: a compacted copy, made in the background, for a later build to start from.

An incremental build makes its store as a checkpoint of the store in use with the changed documents' graphs
replaced. Each such change leaves RocksDB a small new table in its first level; once about twenty have
piled up, RocksDB stops writes until it has merged them into the rest of the store, which rewrites most of
it (seconds at ten thousand documents, and more as the corpus grows). So, once a store has taken
`UPKEEP_AFTER` incremental changes, the build starts a detached process (`start`, like ``git gc --auto``)
that writes a compacted copy of it beside the build (``.build.store-compacted``), with the documents (input
fingerprint and graphs) it holds. The next incremental build starts from that copy instead of a checkpoint
(`take`), replacing the graphs of every document whose input differs from the copy's, however many builds
ago it was made. A build never waits for the upkeep: a copy not finished yet is left for a later build.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pyoxigraph as ox

from . import STAMP, identity

UPKEEP_AFTER = 8  # incremental changes a store takes before a compacted copy of it is made
HOLDS = "documents.json"  # in the copy: the tool and, per document, its input and graphs


def compacted(target: Path) -> Path:
    return target.parent / f".{target.name}.store-compacted"


def _lock(target: Path):
    """The upkeep's lock (released when the file is closed, or its process ends), or None if held."""
    fh = open(target.parent / f".{target.name}.store-upkeep.lock", "a+b")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    return fh


def due(target: Path, updates: int) -> bool:
    """Whether a store that has taken `updates` incremental changes needs a compacted copy made (none is
    waiting to be taken)."""
    return updates >= UPKEEP_AFTER and not compacted(target).exists()


def start(target: Path, store: Path, manifest: Path) -> None:
    """Compact a copy of `store` (the store in use of the build `target`, described by `manifest`) in a
    detached process."""
    subprocess.Popen([sys.executable, "-m", "unkg.store.upkeep", os.fspath(target), os.fspath(store),
                      os.fspath(manifest)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, close_fds=True)


def compact(target: Path, store: Path, manifest_file: Path) -> bool:
    """Write a compacted copy of `store` as `compacted(target)`, with what its build's `manifest_file` says
    it holds; False if another upkeep holds the lock, or the store and the manifest are not of the same
    build (one is being replaced)."""
    lock = _lock(target)
    if lock is None:
        return False
    work = target.parent / f".{target.name}.store-compacting-{os.getpid()}"
    try:
        if compacted(target).exists():  # one made meanwhile, not taken yet: enough
            return False
        manifest = orjson.loads(manifest_file.read_bytes())
        documents = manifest["documents"]
        stamp = identity(manifest["tool"], documents)
        if (store / STAMP).read_text() != stamp:
            return False
        shutil.rmtree(work, ignore_errors=True)
        ox.Store.read_only(os.fspath(store)).backup(os.fspath(work))
        if (store / STAMP).read_text() != stamp:  # replaced while it was copied
            return False
        db = ox.Store(os.fspath(work))
        db.optimize()
        db.flush()
        del db
        (work / STAMP).write_text(stamp)
        holds = {key: {"input": d["input"], "graphs": d.get("graphs", [])} for key, d in documents.items()}
        (work / HOLDS).write_bytes(orjson.dumps({"tool": manifest["tool"], "documents": holds}))
        os.rename(work, compacted(target))  # (none there: checked under the lock, which `take` holds too)
        return True
    except (OSError, ValueError, KeyError):
        return False
    finally:
        shutil.rmtree(work, ignore_errors=True)
        lock.close()


def take(target: Path, into: Path, tool: str) -> dict | None:
    """Move the compacted copy to `into` and give the documents it holds (key -> input, graphs); None if
    there is none, an upkeep is writing it, or it was made by another tool (then it is removed)."""
    done = compacted(target)
    if not done.is_dir():
        return None
    lock = _lock(target)
    if lock is None:
        return None
    try:
        try:
            holds = orjson.loads((done / HOLDS).read_bytes())
        except (OSError, ValueError):
            holds = {}
        if holds.get("tool") != tool:
            shutil.rmtree(done, ignore_errors=True)
            return None
        (done / HOLDS).unlink()
        os.rename(done, into)
        return holds["documents"]
    finally:
        lock.close()


def stale(target: Path) -> None:
    """Remove what an upkeep killed while it worked left (unless one is working now)."""
    left = list(target.parent.glob(f".{target.name}.store-compacting-*"))
    if not left:
        return
    lock = _lock(target)
    if lock is None:
        return
    try:
        for p in left:
            shutil.rmtree(p, ignore_errors=True)
    finally:
        lock.close()


if __name__ == "__main__":  # the detached process
    compact(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
