"""Upkeep of the store between builds: a compacted copy, made in the background, for the next build to start from.

An incremental build makes its store as a checkpoint of the store in use with the changed documents' graphs
replaced. Each such change leaves RocksDB a small new table in its first level; once about twenty have
piled up, RocksDB stops writes until it has merged them into the rest of the store, which rewrites most of
it (seconds at ten thousand documents, and more as the corpus grows). So, once a store has taken
`UPKEEP_AFTER` incremental changes, the build starts a detached process (`start`) that writes a compacted
copy of it beside the build (``.build.store-compacted``, holding the same stamp), and the next incremental
build starts from that copy instead of a checkpoint (`take`) if it is still the store in use's. A build
never waits for the upkeep: a copy not finished in time, or of a store since replaced, is left or removed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from .store import STAMP

UPKEEP_AFTER = 8  # incremental changes a store takes before a compacted copy of it is made


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


def start(target: Path, store: Path) -> None:
    """Compact a copy of `store` (the store in use of the build `target`) in a detached process."""
    subprocess.Popen([sys.executable, "-m", "unkg.upkeep", os.fspath(target), os.fspath(store)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, close_fds=True)


def compact(target: Path, store: Path) -> bool:
    """Write a compacted copy of `store` as `compacted(target)`; False if another upkeep holds the lock or
    the store changed meanwhile."""
    lock = _lock(target)
    if lock is None:
        return False
    work = target.parent / f".{target.name}.store-compacting-{os.getpid()}"
    try:
        stamp = (store / STAMP).read_text()
        shutil.rmtree(work, ignore_errors=True)
        ox.Store.read_only(os.fspath(store)).backup(os.fspath(work))
        if (store / STAMP).read_text() != stamp:  # replaced while it was copied
            return False
        db = ox.Store(os.fspath(work))
        db.optimize()
        db.flush()
        del db
        (work / STAMP).write_text(stamp)
        done = compacted(target)
        shutil.rmtree(done, ignore_errors=True)
        os.rename(work, done)
        return True
    except OSError:
        return False
    finally:
        shutil.rmtree(work, ignore_errors=True)
        lock.close()


def take(target: Path, store: Path, into: Path) -> bool:
    """Move the compacted copy to `into` if it holds what `store` holds (same stamp); a copy of another
    store is removed. False (nothing moved) if there is none, or an upkeep is writing it."""
    done = compacted(target)
    if not done.is_dir():
        return False
    lock = _lock(target)
    if lock is None:
        return False
    try:
        try:
            same = (done / STAMP).read_text() == (store / STAMP).read_text()
        except OSError:
            same = False
        if not same:
            shutil.rmtree(done, ignore_errors=True)
            return False
        os.rename(done, into)
        return True
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
    compact(Path(sys.argv[1]), Path(sys.argv[2]))
