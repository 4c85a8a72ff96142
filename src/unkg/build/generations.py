"""Where a build is written, and how it takes the place of the previous one (docs/internals.md, "Generations").

``build`` is a symbolic link to one of two sibling folders, ``.build.a`` and ``.build.b``: the build in use
and its spare. A build writes into the spare, then points ``build`` at it by replacing the link
(``rename(2)``: atomic), so until that moment ``build/`` is the previous build, whole, whatever happens to
the process. The two folders hold the same document files as hard links (a shared file is never modified
in place, only replaced; a folder's own dataset files are written over), so bringing the spare up to date
with the build in use costs the documents that changed between them, not the corpus.

A folder's ``.unkg-complete`` marker holds its generation (the count of builds that wrote it) and says its
document files are exactly those its ``manifest.json`` lists; a build removes it before touching the
folder and writes it last, so a folder left without one (a build killed while writing it) is made again
from the build in use, never trusted. Each manifest lists the documents whose files changed since the
generation before it, with the files they had there: a spare one generation behind is brought up to date
from that list alone.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson

from .entries import Entries

MARKER = ".unkg-complete"
MANIFEST = "manifest.json"
STATE = ".unkg-state.json"  # the build's own bookkeeping, beside the manifest (see `split`)
PRIVATE = ("generation", "changed", "store_updates")  # of a manifest's top-level keys, the bookkeeping's
PRIVATE_PER_DOCUMENT = ("stat", "dir")  # of a document's entry, the bookkeeping's (time stamps of its sources)


class Generations:
    def __init__(self, target: Path):
        self.target = target
        self.slots = (target.parent / f".{target.name}.a", target.parent / f".{target.name}.b")

    def active(self) -> Path | None:
        """The folder in use: where `build` points (or `build` itself, a folder of an earlier layout)."""
        t = self.target
        if t.is_symlink():
            dest = t.parent / os.readlink(t)
            return dest if dest.is_dir() else None
        return t if t.is_dir() else None

    def spare(self) -> Path:
        active = self.active()
        return self.slots[1] if active is not None and active.name == self.slots[0].name else self.slots[0]

    def other(self, folder: Path) -> Path:
        return self.slots[1] if folder.name == self.slots[0].name else self.slots[0]

    @staticmethod
    def generation(folder: Path) -> int | None:
        """The generation of a complete folder (None: not complete)."""
        try:
            return int((folder / MARKER).read_text())
        except (OSError, ValueError):
            return None

    @staticmethod
    def begin(folder: Path) -> None:
        """`folder` is about to change: not to be trusted until `finish`."""
        (folder / MARKER).unlink(missing_ok=True)

    @staticmethod
    def finish(folder: Path, generation: int) -> None:
        (folder / MARKER).write_text(f"{generation}\n")

    def switch(self, folder: Path) -> None:
        """Point `build` at `folder` (complete), atomically."""
        link = self.target.parent / f".{self.target.name}.link-{os.getpid()}"
        link.unlink(missing_ok=True)
        os.symlink(folder.name, link)
        if self.target.is_symlink() or not self.target.exists():
            os.replace(link, self.target)
            return
        if _exchange(link, self.target):  # `build` is a folder of an earlier layout: swapped, then removed
            shutil.rmtree(link)
        else:
            old = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
            os.replace(self.target, old)
            os.replace(link, self.target)
            shutil.rmtree(old)


def split(manifest: dict) -> tuple[dict, dict]:
    """A build's record as what it publishes (``manifest.json``: the same bytes for the same input, whatever
    the history, timing or worker count) and its own bookkeeping (``.unkg-state.json``: the folder's
    generation, what changed since the one before, the store's incremental changes, and the time stamps
    of the sources read, which depend on when and in what order builds ran): the top-level values of
    each (without the documents', see `split_entry`)."""
    public = {k: v for k, v in manifest.items() if k not in PRIVATE and k != "documents"}
    private = {k: manifest[k] for k in PRIVATE if k in manifest}
    return public, private


def split_entry(entry: dict) -> tuple[dict, dict]:
    """A document's entry as what the manifest publishes of it and its bookkeeping (its sources' stamps)."""
    return ({k: v for k, v in entry.items() if k not in PRIVATE_PER_DOCUMENT},
            {k: entry[k] for k in PRIVATE_PER_DOCUMENT if k in entry})


def write_manifest(folder: Path, manifest: dict) -> None:
    """`manifest` as the folder's manifest and bookkeeping (`split`), each a new file (never written into
    one a hard link shares), written as they go, one document at a time: the same bytes as the whole
    manifest dumped by orjson with sorted keys, without holding tens of megabytes of it at once.
    ``manifest["documents"]`` is a mapping key -> entry (a dict, or `Entries`)."""
    public, private = split(manifest)
    documents = manifest.get("documents", {})
    with _Streamed(folder / STATE, private, "sources") as state, \
            _Streamed(folder / MANIFEST, public, "documents") as published:
        for key in sorted(documents):
            mine, bookkeeping = split_entry(documents[key])
            published.add(key, mine)
            state.add(key, bookkeeping)


class _Streamed:
    """A new JSON file: the object `top` (keys sorted, compact, as orjson writes it) with the mapping under
    `name` written one item at a time by `add`, in the order given (sorted, by the caller), and a newline."""

    HOLE = b"\x00"  # (a byte orjson never writes: control characters in strings are escaped)

    def __init__(self, path: Path, top: dict, name: str):
        self.path = path
        head = orjson.dumps({**top, name: orjson.Fragment(self.HOLE)}, option=orjson.OPT_SORT_KEYS)
        self.before, self.after = head.split(self.HOLE)
        self.first = True

    def __enter__(self) -> "_Streamed":
        self.path.unlink(missing_ok=True)
        self.fh = open(self.path, "xb", buffering=1 << 20)
        self.fh.write(self.before + b"{")
        return self

    def add(self, key: str, value) -> None:
        self.fh.write((b"" if self.first else b",") + orjson.dumps(key) + b":"
                      + orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        self.first = False

    def __exit__(self, kind, *_) -> None:
        try:
            if kind is None:
                self.fh.write(b"}" + self.after + b"\n")
        finally:
            self.fh.close()


def read_manifest(folder: Path | None) -> dict:
    """The manifest of `folder` with its bookkeeping merged in (`split`), its documents as `Entries`; {} if
    either file is missing or bad. The documents are read one at a time (`_documents`): parsed whole, those
    of 100,000 documents would take most of a gigabyte for a moment."""
    if folder is None:
        return {}
    try:
        data = (folder / MANIFEST).read_bytes()
        private = orjson.loads((folder / STATE).read_bytes())
    except (OSError, ValueError):
        return {}
    sources = private.pop("sources", {})
    try:
        manifest = _documents(data, sources)
    except ValueError:
        manifest = None
    if manifest is None:  # not as `write_manifest` writes it (written by hand?): parsed whole
        try:
            manifest = orjson.loads(data)
        except ValueError:
            return {}
        documents, entries = manifest.get("documents", {}), Entries()
        for key in list(documents):  # each dict freed as it is stored small
            entry = documents.pop(key)
            entry.update(sources.get(key, {}))
            entries[key] = entry
        manifest["documents"] = entries
    manifest.update(private)
    return manifest


def _documents(data: bytes, sources: dict[str, dict]) -> dict | None:
    """A manifest as `write_manifest` writes it (its documents first, in key order, compact), read one
    document at a time, its bookkeeping (`sources`: key -> time stamps) merged in; None if it is not laid
    out so. A document's entry ends where the next key's begins (``,"<key>":{``, which cannot be inside a
    string, where quotes are escaped); each entry must parse as an object, or the manifest is read whole."""
    head = b'{"documents":{'
    keys = sorted(sources)
    if not keys or not data.startswith(head):
        return None
    entries, pos = Entries(), len(head)
    for i, key in enumerate(keys):
        label = orjson.dumps(key) + b":"
        if not data.startswith(label, pos):
            return None
        start = pos + len(label)
        if i + 1 == len(keys):  # the last: what follows it is the rest of the manifest (small)
            rest = data[start:].decode("utf-8")
            entry, n = json.JSONDecoder().raw_decode(rest)
            after = rest[n:]  # the documents' closing brace, then the other top-level values
            if after.startswith("},"):
                top = orjson.loads("{" + after[2:])
            elif after.rstrip() == "}}":
                top = {}
            else:
                return None
        else:
            end = data.find(b"," + orjson.dumps(keys[i + 1]) + b":{", start)
            if end < 0:
                return None
            entry, pos = orjson.loads(data[start:end]), end + 1
        if not isinstance(entry, dict):
            return None
        entry.update(sources[key])
        entries[key] = entry
    if not isinstance(top, dict) or "documents" in top:
        return None
    return {**top, "documents": entries}


class Discard:
    """Folders removed by a thread of their own, each renamed out of the way first (at once): unlinking
    tens of thousands of files is seconds of the kernel's work that need not hold the build up. What a
    killed build left to remove is removed by the next one (`stale`); `join` waits for all of it."""

    def __init__(self, target: Path):
        self.parent = target.parent
        self.name = target.name
        self.prefix = f".{target.name}.trash-{os.getpid()}-"
        self.pattern = f".{target.name}.trash-*"
        self.threads: list[threading.Thread] = []

    def __call__(self, folder: Path) -> None:
        if not folder.is_dir() or folder.is_symlink():
            return
        trash = self.parent / f"{self.prefix}{len(self.threads)}"
        os.replace(folder, trash)
        self._remove(trash)

    def stale(self) -> None:
        """What an interrupted build left beside the target: folders (trash, staging, old) removed like
        any other, its temporary link unlinked."""
        for p in self.parent.glob(self.pattern):
            self._remove(p)
        for kind in ("staging", "old"):
            for p in self.parent.glob(f".{self.name}.{kind}-*"):
                self(p)
        for p in self.parent.glob(f".{self.name}.link-*"):
            p.unlink(missing_ok=True)

    def _remove(self, folder: Path) -> None:
        t = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, daemon=True)
        t.start()
        self.threads.append(t)

    def join(self) -> None:
        for t in self.threads:
            t.join()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def link(src: str, dst: str) -> None:
    """The file `src` as `dst` too, a hard link (or a copy where links are not possible)."""
    try:
        os.link(src, dst)
    except FileExistsError:
        os.unlink(dst)
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def sync(spare: Path, source: Path, manifest: dict, discard: Discard | None = None) -> None:
    """Make the document files of `spare` those of `source` (whose manifest is `manifest`). A spare one
    generation behind has the files of the documents the manifest lists as changed removed and linked
    again; a spare of the same generation is left as it is; any other is made again from nothing (the old
    one given to `discard` if there is one). The spare's manifest becomes `source`'s."""
    generation = manifest.get("generation", 0)
    mine = Generations.generation(spare)
    changed = manifest.get("changed")
    if mine == generation:
        return
    if spare.is_dir():
        Generations.begin(spare)
    if mine is None or mine != generation - 1 or changed is None:
        if discard is not None:
            discard(spare)
        elif spare.exists():
            shutil.rmtree(spare)
        spare.mkdir(parents=True, exist_ok=True)
        old: dict[str, list[str]] = {}
        keys = sorted(manifest.get("documents", {}))
    else:
        old = changed
        keys = sorted(changed)
    for entry in list(spare.iterdir()):  # what the build in use does not have (a tool's leftovers) goes
        if entry.name not in (MARKER, STATE) and not (source / entry.name).exists():
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    new = manifest.get("documents", {})
    by_folder: dict[str, list[str]] = {}  # the files to link, by folder
    to, src = os.fspath(spare), os.fspath(source)  # strings: tens of thousands of paths
    for key in keys:
        for rel in old.get(key, []):
            try:
                os.unlink(f"{to}/{rel}")
            except FileNotFoundError:
                pass
        for rel in new.get(key, {}).get("files", []):
            by_folder.setdefault(rel.rpartition("/")[0], []).append(rel)
    for parent in by_folder:
        os.makedirs(f"{to}/{parent}", exist_ok=True)
    _link_all(src, to, by_folder)
    link(f"{src}/{MANIFEST}", f"{to}/{MANIFEST}")
    link(f"{src}/{STATE}", f"{to}/{STATE}")
    Generations.finish(spare, generation)


LINKS_APART = 5000  # links worth two threads (a build's document files: a dozen per document)


def _link_all(src: str, to: str, by_folder: dict[str, list[str]]) -> None:
    """Each file of `by_folder` (folder -> paths relative to `src`) linked into `to`; many of them in two threads,
    each its own folders: a link is the kernel's work (the GIL released), and a folder takes one at a time."""
    def run(rels: list[str]) -> None:
        for rel in rels:
            link(f"{src}/{rel}", f"{to}/{rel}")

    if sum(map(len, by_folder.values())) < LINKS_APART:
        for rels in by_folder.values():
            run(rels)
        return
    halves: tuple[list[str], list[str]] = ([], [])
    for parent in sorted(by_folder, key=lambda f: -len(by_folder[f])):  # the largest folders first, each to the
        min(halves, key=len).extend(by_folder[parent])                    # half with fewer files so far
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(run, half) for half in halves]:
            done.result()  # (an error in either raised here)


def leftovers(target: Path) -> list[Path]:
    """Everything a build of `target` makes beside the project's sources, for ``unkg clean``: the link and
    its two folders, and what a build, a switch, a discard or the store's upkeep leaves while it works (or
    when killed): staging folders, old links, trash, the store's compacted copy and its lock."""
    parent, name = target.parent, target.name
    found = [p for p in (target, *Generations(target).slots) if p.is_symlink() or p.exists()]
    for kind in ("staging", "old", "link", "trash", "store"):
        found += sorted(parent.glob(f".{name}.{kind}-*"))
    return found
