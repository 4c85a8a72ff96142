"""The build's inputs: the document files of the source folder by key, read with care (one document's
trouble is its own), and the fingerprints that say what changed since the previous build: each document's
sources (`key_fingerprint`) and the tool (`tool_fingerprint`: code, shapes, ontology, authorities, …)."""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..config import Settings, dump_files
from ..errors import InputError
from ..parse import SIDECAR
from ..validate.shapes import PROFILE
from ..vocab import LANGUAGES as LANGS
from .entries import Packed

TOOL_INPUTS = ("shapes_dir", "ontology_dir", "crosswalks_dir", "templates_dir", "authorities_dir")  # besides the code


def documents(folder: Path) -> list[Path]:
    """The document files of the source folder (``<key>/<lang>.txt`` or ``<key>/<lang>.pdf``), in a
    stable order; where a version has both, its text file is read (the PDF's text layer, extracted)."""
    if not folder.is_dir():
        raise InputError(str(folder), "no documents folder")
    found = []
    for key in sorted(p.name for p in folder.iterdir() if p.is_dir()):
        chosen = versions(os.listdir(folder / key))
        found += [folder / key / chosen[lang] for lang in sorted(chosen)]
    return found


def versions(names) -> dict[str, str]:
    """Of the file names in a document's folder, the one read for each language version: ``<lang>.txt``,
    else ``<lang>.pdf``."""
    chosen: dict[str, str] = {}
    for suffix in ("txt", "pdf"):  # text first: it wins over a PDF of the same version
        for name in sorted(names):
            stem, dot, ext = name.rpartition(".")
            if dot and ext == suffix and stem in LANGS:
                chosen.setdefault(stem, name)
    return chosen


# -- the tool's fingerprint -----------------------------------------------------------------------------

def tool_fingerprint(settings: Settings, reference: bool) -> str:
    """What every document's outputs depend on besides its own source: the code, the shapes, ontology,
    crosswalks, templates and authority data, the base, and the validator."""
    h = hashlib.sha256(f"{__version__}\n{settings.base}\n{reference}\n{dump_files(settings)}\n".encode())
    code = Path(__file__).parents[1]
    roots = [(code, sorted(p for p in code.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".js")
                           and code / "defaults" not in p.parents))]  # the defaults: below, if in effect
    for folder in [getattr(settings, name) for name in TOOL_INPUTS]:  # the project's own, or the defaults
        roots.append((folder, sorted(p for p in folder.rglob("*") if p.is_file()
                                     and not p.name.endswith(PROFILE))))  # (profiles: `unkg validate`'s)
    for root, files in roots:  # paths relative to their folder: a project moved elsewhere is the same
        h.update(f"{root.name}/\n".encode())
        for p in files:
            h.update(str(p.relative_to(root)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def key_fingerprint(folder: str, names: list[str]) -> str:
    """What one document's outputs depend on of its own: its versions' bytes (the files `names` of `folder`)
    and its sidecar. (Paths as strings: the build fingerprints every folder before its workers start.)"""
    h = hashlib.sha256()
    for name in sorted(names):
        h.update(name.encode() + b"\0" + hashlib.sha256(_read(f"{folder}/{name}")).digest())
    if names and os.path.isfile(sidecar := f"{folder}/{SIDECAR}"):
        h.update(SIDECAR.encode() + b"\0" + hashlib.sha256(_read(sidecar)).digest())
    return h.hexdigest()


def _read(path: str) -> bytes:
    with open(path, "rb", buffering=0) as fh:
        return fh.readall()


class Versions(Sequence):
    """The paths of a document's versions (``<folder>/<key>/<name>``), made as they are read: as Path objects,
    100,000 documents' tasks take 45 MB, which the main process holds and every worker it forks counts again."""

    __slots__ = ("folder", "key", "names")

    def __init__(self, folder: Path, key: str, names: list[str]):
        self.folder, self.key, self.names = folder, key, names

    def __getitem__(self, i: int) -> Path:
        return self.folder / self.key / self.names[i]

    def __len__(self) -> int:
        return len(self.names)

    def strings(self) -> list[str]:
        """The paths as strings (what a worker is sent), without making Path objects on the way."""
        folder = os.fspath(self.folder)
        return [os.path.join(folder, self.key, name) for name in self.names]


RACY_NS = 100_000_000  # a time stamp this close to when it was read may miss a change made right after


@dataclass
class Sources:
    """What the scan of the source folder found: the readable version files of each document by key
    (`versions`), each key's input (fingerprint, and the time stamps that let the next scan skip reading it
    again), the versions refused before any work (a file the file system cannot give, one over the size
    limit: key -> [(name, reason)]), and what was passed over, each a warning for the user."""

    by_key: dict[str, list[str]] = field(default_factory=dict)
    inputs: Packed = field(default_factory=Packed)  # (as JSON: the workers are forked with it)
    refused: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def scan(folder: Path, old_docs: dict[str, dict], max_bytes: int | None = None) -> Sources:
    """The document files of the source folder by key (`versions`), and each key's input: its fingerprint,
    with the modification time of its folder and the size and modification time of its files. Where those
    are the previous build's, its folder is not listed again and its files not read again (as make and git
    do); a time stamp read less than `RACY_NS` after it was set is not recorded, since a change in the same
    tick of the clock would not show. One document's trouble is its own: a version the file system cannot
    give (a folder or a dangling link named ``en.txt``, a link loop, a file that cannot be read) or larger
    than `max_bytes` is refused by name; an entry that is not a document or a version is named as passed
    over."""
    if not folder.is_dir():
        raise InputError(str(folder), "no documents folder")
    found = Sources()
    now = time.time_ns()
    keys = []
    with os.scandir(folder) as it:
        for e in it:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir and not _utf8(e.name):
                found.notices.append(f"{printable(e.name)}: passed over: the folder's name is not UTF-8")
            elif is_dir:
                keys.append(e.name)
            elif not e.name.startswith("."):
                found.notices.append(f"{printable(e.name)}: passed over: not a document folder "
                                     f"({_what(e)}; expected a folder <key>/ holding <lang>.txt or <lang>.pdf)")
    keys.sort()
    top = os.fspath(folder)
    stat_of = os.stat
    for key in keys:
        where = f"{top}/{key}"
        old = old_docs.get(key) or {}
        try:
            mtime = stat_of(where).st_mtime_ns
            old_stat = old.get("stat")
            if old_stat and old.get("dir") == mtime:  # the same names: are the files the same?
                stat = [[n, st.st_size, st.st_mtime_ns] for n, _, _ in old_stat for st in (stat_of(f"{where}/{n}"),)]
                if stat == old_stat:
                    found.by_key[key] = old["versions"]
                    found.inputs[key] = {"input": old["input"], "stat": old_stat, "dir": mtime,
                                         "versions": old["versions"]}
                    continue
            names = os.listdir(where)
        except OSError as exc:  # the folder went, or cannot be listed: looked at as it is now
            if not os.path.isdir(where):
                continue
            found.refused[key] = [(key, f"cannot read the folder: {exc.strerror}")]
            found.inputs[key] = {"input": _refused_input(found.refused[key]), "stat": None, "dir": None,
                                 "versions": []}
            found.by_key[key] = []
            continue
        chosen = versions(names)
        used = set(chosen.values()) | {SIDECAR}
        for name in sorted(names):
            if name not in used and not name.startswith("."):
                lang = name.rpartition(".")[0]
                why = (f"{chosen[lang]} is read instead" if lang in chosen
                       else f"expected <lang>.txt or <lang>.pdf ({' '.join(LANGS)}) or document.toml")
                found.notices.append(f"{printable(key)}/{printable(name)}: passed over: {why}")
        if not chosen:
            found.notices.append(f"{printable(key)}: passed over: no <lang>.txt or <lang>.pdf in the folder")
            continue
        readable, problems, stat = [], [], []
        for lang in sorted(chosen):
            name = chosen[lang]
            try:
                st = os.stat(f"{where}/{name}")
                if not _is_file(st):
                    raise IsADirectoryError(21, "not a file (a folder or a device)")
                if max_bytes is not None and st.st_size > max_bytes:
                    problems.append((f"{key}/{lang}", f"{name}: too large: {st.st_size / 1e6:.1f} MB, more than "
                                     f"the {max_bytes / 1e6:g} MB of the setting max_document_mb"))
                    continue
                os.close(os.open(f"{where}/{name}", os.O_RDONLY | os.O_CLOEXEC))  # (readable: read in a worker)
            except OSError as exc:
                problems.append((f"{key}/{lang}", f"{name}: cannot read: {exc.strerror}"))
                continue
            readable.append(name)
            stat.append([name, st.st_size, st.st_mtime_ns])
        files = readable + ([SIDECAR] if SIDECAR in names else [])
        try:
            if SIDECAR in names:
                st = os.stat(f"{where}/{SIDECAR}")
                stat.append([SIDECAR, st.st_size, st.st_mtime_ns])
            stat.sort()
            same = not problems and old.get("stat") == stat and old.get("input")
            fingerprint = old["input"] if same else key_fingerprint(where, readable)
        except OSError as exc:
            problems = [(f"{key}/{lang}", f"cannot read: {exc.strerror}") for lang in sorted(chosen)]
            readable, fingerprint = [], ""
        if problems:  # the refusals are part of the input: the document is read again when they change
            found.refused[key] = problems
            fingerprint = _refused_input(problems, fingerprint)
        fresh = not problems and all(m < now - RACY_NS for _, _, m in stat) and len(stat) == len(files)
        found.by_key[key] = readable
        found.inputs[key] = {"input": fingerprint, "stat": stat if fresh else None,
                             "dir": mtime if fresh and mtime < now - RACY_NS else None, "versions": readable}
    return found


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # (bytes that are not UTF-8, decoded by Python as lone surrogates)
        return False
    return True


def _is_file(st: os.stat_result) -> bool:
    import stat as st_mod

    return st_mod.S_ISREG(st.st_mode)


def _what(entry: os.DirEntry) -> str:
    try:
        if entry.is_symlink() and not os.path.exists(entry.path):
            return "a link to nothing, or a loop"
    except OSError:
        return "cannot be read"
    return "a file"


def _refused_input(problems: list[tuple[str, str]], fingerprint: str = "") -> str:
    h = hashlib.sha256(fingerprint.encode())
    for name, reason in problems:
        h.update(f"{name}\0{reason}\n".encode())
    return "refused:" + h.hexdigest()


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(name: str) -> str:
    """A name from the file system as it may be printed on one line: control characters (a newline in a
    folder name would forge a line of the build's output) written as escapes."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)
