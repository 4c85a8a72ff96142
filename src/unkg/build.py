"""The main job: every document under ``source/documents/<key>/<lang>.txt`` through the pipeline into
``build/``: parse, map to RDF, validate with SHACL, publish.

What ``build/`` holds (see README "Outputs"): per document its facts card, Turtle, JSON-LD and SHACL report,
its MARC 21, Dublin Core and Akoma Ntoso; the whole dataset as N-Quads and (by the ``dumps`` setting) Turtle,
JSON-LD, TriG, N-Triples; the JSON-LD context and the ontology; the embedded store (``store/``). A document
that cannot be read, or whose graph does not conform to the shapes, is refused: named, with its report, and
nothing of it is published.

How it scales (README "Speed"): documents are grouped by key (the language versions of one document) and
processed in parallel worker processes, each loading the authority data and compiling the shapes once
(``fastshacl``; ``reference=True`` validates with pySHACL instead). A worker writes its document's files and
sends back its parts of the dataset files, which the main process appends in key order while a thread
bulk-loads the N-Quads into the store: nothing corpus-sized is held in memory. A key whose sources, and the
tool (shapes, ontology, authorities, crosswalks, templates, code, settings), have not changed since the
previous build is not processed again (``manifest.json``): its files are already in the spare folder the
build writes into (``generations``), its parts of the dataset files are copied by byte range. A worker that
dies on a document is replaced; that document is refused with the reason, the others go on. ``build`` is
switched to the new folder only at the end, atomically, so a failed or killed build leaves the previous
``build/`` as it was.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import orjson
import pyoxigraph as ox
from rdflib import Graph

from . import __version__, authority, publish, upkeep
from .config import Settings, dump_files
from .errors import InputError
from .exchange import Exchange, datestamp, oai_entry, oai_index, set_names
from .exchange.dataset import description
from .facts import card, dumps
from .generations import Discard, Generations, read_manifest, sync, write_manifest
from .mapping import authority_graph, map_document
from .model import Document
from .parse import SIDECAR, parse_file
from .store import STAMP, identity
from .validate import Report, Result, load_shapes, ordered, results_turtle, validate_graph

LANGS = ("ar", "zh", "en", "fr", "ru", "es")
TOOL_INPUTS = ("shapes_dir", "ontology_dir", "crosswalks_dir", "templates_dir", "authorities_dir")  # besides the code


@dataclass
class Refusal:
    name: str
    reason: str


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: int = 0
    violations: int = 0
    triples: int = 0
    store_reloaded: bool = False
    processed: list[str] = field(default_factory=list)  # keys processed (not reused from the previous build)
    notices: list[str] = field(default_factory=list)  # what the build passed over in the sources, for the user
    results: list[tuple[str, Result]] = field(default_factory=list)  # (document, result) of this build's work


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


def violations_text(results) -> str:
    problems = "; ".join(f"{r.message} ({r.focus})" for r in results if r.severity == "Violation")
    return f"does not conform to the shapes: {problems}"


def report_turtle(report: Report) -> bytes:
    """The SHACL report as Turtle (the same bytes for the same results)."""
    return results_turtle(report.results)


def report_text(results, name: str) -> str:
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms, tuple(results), Graph()).text(name)


# -- the tool's fingerprint -----------------------------------------------------------------------------

def tool_fingerprint(settings: Settings, reference: bool) -> str:
    """What every document's outputs depend on besides its own source: the code, the shapes, ontology,
    crosswalks, templates and authority data, the base, and the validator."""
    h = hashlib.sha256(f"{__version__}\n{settings.base}\n{reference}\n{dump_files(settings)}\n".encode())
    code = Path(__file__).parent
    roots = [(code, sorted(p for p in code.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".js")
                           and code / "defaults" not in p.parents))]  # the defaults: below, if in effect
    for folder in [getattr(settings, name) for name in TOOL_INPUTS]:  # the project's own, or the defaults
        roots.append((folder, sorted(p for p in folder.rglob("*") if p.is_file())))
    for root, files in roots:  # paths relative to their folder: a project moved elsewhere is the same
        h.update(f"{root.name}/\n".encode())
        for p in files:
            h.update(str(p.relative_to(root)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def key_fingerprint(paths: list[Path]) -> str:
    """What one document's outputs depend on of its own: its versions' bytes and its sidecar."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    sidecar = paths[0].parent / SIDECAR if paths else None
    if sidecar is not None and sidecar.is_file():
        h.update(SIDECAR.encode() + b"\0" + hashlib.sha256(sidecar.read_bytes()).digest())
    return h.hexdigest()


# -- the work of one document (all its language versions), in a worker ---------------------------------

class Worker:
    """What a worker process loads once: authorities, compiled shapes, context, crosswalks."""

    def __init__(self, settings: Settings, reference: bool):
        self.settings = settings
        self.reference = reference
        self.auth = authority.load(settings.authorities_dir, settings.base)
        self.auth_graph = authority_graph(self.auth, settings.base)
        self.shapes = load_shapes(settings.shapes_dir, settings.base)
        self.context = publish.load_context(settings.ontology_dir / "context.jsonld")
        self.jsonld = publish.JsonLd(self.context)
        self.dumps = dump_files(settings) + ("catalogue.marc.xml",)
        self.exchange = Exchange.load(settings.crosswalks_dir, settings.templates_dir, self.auth, settings.base)
        self.validator = None
        if not reference:
            from .fastshacl import Unsupported, Validator

            try:
                self.validator = Validator(self.shapes, self.auth_graph)
            except Unsupported as exc:
                raise InputError(str(settings.shapes_dir), f"{exc}; validate with pySHACL instead "
                                 "(unkg build --reference)") from None

    def validate(self, graph: Graph, quads: list | None = None) -> list[Result]:
        """The SHACL results of a document's graph (with the authority data); `quads`, its quads as
        Oxigraph terms if the caller has them."""
        if self.validator is None:
            return list(validate_graph(graph + self.auth_graph, self.shapes).results)
        return ordered(self.validator.validate(graph, quads) + self.validator.authority_results())

    def process(self, key: str, paths: list[Path]) -> dict:
        """Every version of one document: its files (path -> bytes), its parts of the dataset files (file
        name -> bytes), and what the build reports."""
        files: dict[str, bytes] = {}
        parts: dict[str, list[bytes]] = {name: [] for name in self.dumps}
        out = {"key": key, "files": files, "parts": {}, "graphs": [], "quads": 0, "built": [], "refused": [],
               "warnings": 0, "violations": 0, "results": [], "oai": None, "sets": {}}
        accepted: list[tuple[Document, Path]] = []
        claimed: list[tuple[str, str]] = []  # (version, its graph's IRI)
        for path in sorted(paths, key=lambda p: p.stem):
            name = f"{key}/{path.stem}"
            try:
                doc = parse_file(path, self.auth)
            except InputError as exc:
                out["refused"].append((name, str(exc)))
                continue
            graph = map_document(doc, self.auth, self.settings.base)
            other = next((n for n, g in claimed if g == str(graph.identifier)), None)
            if other is not None:
                out["refused"].append((name, f"its IRI <{graph.identifier}> is already that of {other} (two files "
                                             "of the folder hold the same language version)"))
                continue
            claimed.append((name, str(graph.identifier)))
            quads = publish.quads([graph])
            results = self.validate(graph, quads)
            stem = f"{key}.{path.stem}"
            files[f"reports/{stem}.ttl"] = results_turtle(results)
            files[f"reports/{stem}.txt"] = report_text(results, name).encode("utf-8")
            out["warnings"] += sum(r.severity == "Warning" for r in results) + len(doc.warnings)
            out["violations"] += sum(r.severity == "Violation" for r in results)
            out["results"] += [(name, r) for r in results]
            if any(r.severity == "Violation" for r in results):
                out["refused"].append((name, violations_text(results)))
                continue
            files[f"facts/{stem}.json"] = dumps(card(doc)).encode("utf-8")
            files[f"documents/{stem}.ttl"] = publish.turtle(publish.triples_of(quads))
            files[f"documents/{stem}.jsonld"], line = self.jsonld.named_graph_and_line(graph)
            nquads = publish.nquads(quads)
            parts["dataset.nq"].append(nquads)
            if "dataset.nt" in parts:
                parts["dataset.nt"].append(ntriples_of(nquads))
            if "dataset.trig" in parts:
                parts["dataset.trig"].append(publish.trig(quads))
            if "dataset.ttl" in parts:
                parts["dataset.ttl"].append(files[f"documents/{stem}.ttl"])
            if "dataset.jsonld" in parts:
                parts["dataset.jsonld"].append(b",\n" + line)
            out["graphs"].append(str(graph.identifier))
            out["quads"] += len(quads)
            accepted.append((doc, path))
            out["built"].append(name)
        if accepted:
            rec, exchange_files = self.exchange.files([d for d, _ in accepted])
            files.update(exchange_files)
            parts["catalogue.marc.xml"].append(marc_part(exchange_files[f"marc/{key}.xml"]))
            out["oai"] = oai_entry(rec, datestamp([p for _, p in accepted]),
                                   sorted(filter(None, (self.auth.language_iri(d.language.value)
                                                        for d, _ in accepted))))
            out["sets"] = set_names(rec)
        out["parts"] = {name: b"".join(chunks) for name, chunks in parts.items()}  # in self.dumps
        return out


_WORKER: Worker | None = None


def _worker_main(conn, settings: Settings, reference: bool, staging: str) -> None:
    """A worker process: receives (key, paths), writes the document's files into the staging folder and
    sends back what the build reports; None ends it."""
    global _WORKER
    die_with_parent()
    if _LOCK_FD >= 0:  # the build's lock stays the build's: a worker outliving it by a moment must not hold it
        os.close(_LOCK_FD)
    gc.enable()  # (the build's main process runs without the cycle collector; documents make cycles)
    _WORKER = Worker(settings, reference)
    writer = FileWriter(Path(staging))
    conn.send(("ready", None))
    while True:
        task = conn.recv()
        if task is None:
            return
        key, paths = task
        payload = _safe_process(key, [Path(p) for p in paths])
        conn.send(("writing", sorted(payload["files"])))  # removed by the build if this worker dies now
        try:
            written = writer.write(payload)
        except OSError as exc:  # a full disk, say: the build's trouble, not the document's; it ends the build
            conn.send(("failed", (exc.errno, exc.strerror, exc.filename)))
            return
        conn.send(("done", written))


def die_with_parent() -> None:
    """This process (a worker) is killed by the kernel when the build that started it ends, however it
    ends (SIGKILL included); without it, a killed build's workers would wait for work forever."""
    import signal

    parent = os.getppid()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (not the build's handler, inherited by the fork)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the build ended before that took effect
        os._exit(1)


class FileWriter:
    """Writes a document's files (its payload's ``files``: path -> bytes) under a folder, each as a new file
    (one of the same name is unlinked first: it may be a hard link shared with the build in use), and
    leaves in the payload only their paths."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: set[str] = set()

    def write(self, payload: dict) -> dict:
        for rel, data in payload["files"].items():
            parent = rel.rpartition("/")[0]
            if parent not in self.made:
                (self.folder / parent).mkdir(parents=True, exist_ok=True)
                self.made.add(parent)
            new_file(self.folder / rel, data)
        return {**payload, "files": sorted(payload["files"])}


def new_file(path: Path, data: bytes) -> None:
    """Write `data` as a new file at `path` (never into the file already there, which may be shared)."""
    try:
        fh = open(path, "xb")
    except FileExistsError:
        path.unlink()
        fh = open(path, "xb")
    with fh:
        fh.write(data)


STOP = threading.Event()  # set by a signal that ends the build (the command line's SIGTERM)
FORKING = threading.Event()  # set while a worker is forked: an exception raised then would be lost (fork hooks)


class Overdue(Exception):
    """A document stopped for its time (the serial build's alarm)."""


def _safe_process(key: str, paths: list[Path], limit: float | None = None) -> dict:
    """`process_key`, whatever happens: an error is the document's refusal. With `limit` (seconds; the main
    thread of the main process only), a document that takes longer is stopped by an alarm and refused."""
    import signal

    def alarm(*_) -> None:
        raise Overdue(f"stopped: it took more than {limit:g} s (setting document_timeout)")


    timed = limit is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if timed:
        before = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return process_key(key, paths)
    except Overdue as exc:
        return nothing_of(key, [(f"{key}/{p.stem}", str(exc)) for p in paths])
    except Exception as exc:  # a bug on one document must not stop the others: reported as its refusal
        return nothing_of(key, [(f"{key}/{p.stem}", f"internal error: {type(exc).__name__}: {exc}")
                                for p in paths])
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, before)


def nothing_of(key: str, refused: list[tuple[str, str]]) -> dict:
    """The payload of a document of which nothing could be built."""
    return {"key": key, "files": {}, "parts": {}, "graphs": [], "quads": 0, "built": [], "refused": refused,
            "warnings": 0, "violations": 0, "results": [], "oai": None, "sets": {}}


def process_key(key: str, paths: list[Path]) -> dict:
    """One document in this worker (a module function, so a test can replace it)."""
    assert _WORKER is not None
    return _WORKER.process(key, paths)


def _run_workers(settings: Settings, reference: bool, tasks: list[tuple[str, list[Path]]], jobs: int,
                 handle: Callable[[dict], None], staging: Path) -> None:
    """Run `tasks` on `jobs` worker processes, calling `handle` with each result as it arrives; a worker
    that dies takes only its current document with it (reported as refused) and is replaced, and so does
    one that spends more than the `document_timeout` setting on a document (it is killed)."""
    import multiprocessing as mp
    import selectors

    ctx = mp.get_context("fork")
    ready_of = selectors.DefaultSelector()  # each worker's pipe and exit, registered once (not per wait)
    pending = list(reversed(tasks))
    # conn -> [process, its tasks sent and not done (the first is the one it is on), the files it is writing,
    #          when it began its current task (None: still loading), whether it was stopped for its time,
    #          whether it was told to end]
    workers: dict = {}
    limit = settings.document_timeout
    ahead = 2  # tasks a worker holds: the next one is there when it finishes, not a round trip later

    def start() -> None:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child, settings, reference, str(staging)), daemon=True)
        FORKING.set()
        try:
            proc.start()
        finally:
            FORKING.clear()
        child.close()
        workers[parent] = [proc, [], [], None, False, False]
        ready_of.register(parent, selectors.EVENT_READ, parent)
        ready_of.register(proc.sentinel, selectors.EVENT_READ, parent)
        fill(parent)

    def fill(conn) -> None:
        worker = workers[conn]
        held = worker[1]
        try:
            while pending and len(held) < ahead:
                task = pending.pop()
                held.append(task)
                conn.send((task[0], [str(p) for p in task[1]]))
            if not pending and not held and not worker[5]:  # told to end once: it may be gone by a second time
                worker[5] = True
                conn.send(None)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it has ended: its exit is noticed below, and what it held goes to another worker

    for _ in range(max(1, min(jobs, len(tasks)))):
        start()
    try:
        while workers:
            now = time.monotonic()
            for w in workers.values():  # a worker past its time on a document is stopped (and replaced below)
                if w[1] and w[3] is not None and not w[4] and now - w[3] > limit:
                    w[0].kill()
                    w[4] = True
            if STOP.is_set():  # (in case the signal's exception fell where Python drops it: a fork hook)
                raise KeyboardInterrupt
            waits = [w[3] + limit - now for w in workers.values() if w[1] and w[3] is not None and not w[4]]
            for selected, _ in ready_of.select(min([1.0] + [max(0.0, w) + 0.01 for w in waits])):
                conn = selected.data
                if conn not in workers:
                    continue
                proc, held, writing, _, overdue, _ = workers[conn]
                try:  # its pipe is readable, or it ended: what it sent before comes first
                    message = conn.recv() if selected.fileobj is conn or conn.poll() else None
                except (EOFError, OSError):
                    message = None
                    proc.join(5)  # it closed its pipe: it is ending
                if message is not None:
                    kind, payload = message
                    if kind == "writing":
                        workers[conn][2] = payload
                        continue
                    if kind == "failed":
                        raise OSError(*payload)
                    workers[conn][3] = time.monotonic()  # ready, or done: its next document begins
                    if kind == "done":
                        held.pop(0)
                        workers[conn][2] = []
                        handle(payload)
                    fill(conn)
                    continue
                if proc.is_alive():
                    continue
                proc.join()
                ready_of.unregister(conn)
                ready_of.unregister(proc.sentinel)
                conn.close()
                del workers[conn]
                for rel in writing:  # what it may have half written
                    (staging / rel).unlink(missing_ok=True)
                if held:  # it died on the first; the others go to another worker
                    task = held.pop(0)
                    pending.extend(reversed(held))
                    how = (f"signal {-proc.exitcode}" if proc.exitcode and proc.exitcode < 0
                           else f"exit code {proc.exitcode}")
                    why = (f"stopped: it took more than {limit:g} s (setting document_timeout)" if overdue
                           else f"the worker processing it died ({how})")
                    handle(nothing_of(task[0], [(f"{task[0]}/{p.stem}", why) for p in task[1]]))
                if pending:
                    start()
    finally:
        for proc, *_ in list(workers.values()):
            proc.kill()
            proc.join()
        ready_of.close()


# -- the build -----------------------------------------------------------------------------------------

def build(settings: Settings, progress: Callable[[str], None] | None = None, reference: bool = False,
          jobs: int | None = None, started: Callable[[int], None] | None = None) -> BuildReport:
    """Build every document; `started(count)` is called with the number of language versions once the
    sources are read, `progress(name)` as each of them is done."""
    # the bookkeeping here makes hundreds of thousands of small objects and no cycles that matter: without
    # the cycle collector, reading a manifest of 10,000 documents takes half the time (workers collect)
    enabled = gc.isenabled()
    lock = _lock(settings.build_dir)
    gc.disable()
    try:
        return _build(settings, progress, reference, jobs, started)
    finally:
        if enabled:
            gc.enable()
        lock.close()


def _lock(target: Path):
    """The build's lock: the folder that holds `target`, locked (released when its process ends, however it
    ends; no file is left behind). A second build of the same project started meanwhile is an InputError,
    and the first goes on undisturbed."""
    import fcntl

    try:
        fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(str(target.parent), f"cannot open the project folder: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise InputError(str(target), "another build of this project is running; wait for it to end") from None
    global _LOCK_FD
    _LOCK_FD = fd
    return _Held(fd)


_LOCK_FD = -1  # the build's lock (its file descriptor), closed by the workers it forks


class _Held:
    """A held lock: `close` releases it."""

    def __init__(self, fd: int):
        self.fd = fd

    def close(self) -> None:
        global _LOCK_FD
        if self.fd >= 0:
            os.close(self.fd)
            if _LOCK_FD == self.fd:
                _LOCK_FD = -1
            self.fd = -1


def _build(settings: Settings, progress: Callable[[str], None] | None, reference: bool, jobs: int | None,
           started: Callable[[int], None] | None) -> BuildReport:
    # everything a worker loads is checked here first: a bad input stops the build before any work
    main = Worker(settings, reference)
    tool = tool_fingerprint(settings, reference)
    gens = Generations(settings.build_dir)
    discard = Discard(settings.build_dir)  # folders removed beside the work, joined before returning
    discard.stale()  # what an interrupted build left
    upkeep.stale(settings.build_dir)
    active = gens.active()
    previous = read_manifest(active)
    # each build a generation of its own, above any a folder already has (a link removed by hand)
    generation = 1 + max([previous.get("generation", 0)] + [Generations.generation(s) or 0 for s in gens.slots])
    if previous.get("tool") != tool or not (active / "store" / STAMP).is_file():
        previous = {}
    old_docs: dict[str, dict] = previous.get("documents", {})
    found = scan(settings.documents_dir, old_docs, settings.max_document_bytes)
    by_key, inputs = found.by_key, found.inputs
    if started is not None:
        started(sum(len(paths) for paths in by_key.values()) + sum(map(len, found.refused.values())))
    changed = [key for key in sorted(by_key) if old_docs.get(key, {}).get("input") != inputs[key]["input"]]
    gone = sorted(k for k in old_docs if k not in by_key)
    if previous and not changed and not gone:  # nothing to do: the build in use is this build
        discard.join()
        report = _report(old_docs, [], [])
        report.triples = previous.get("triples", 0)
        report.notices = found.notices
        if progress is not None:
            for name in _names(old_docs):
                progress(name)
        return report
    incremental = bool(previous) and len(changed) + len(gone) <= len(by_key) / 2
    assert active is not None or not incremental
    if not incremental:  # a build from nothing: every document is processed, none copied from the build in use
        changed = sorted(by_key)

    changes: dict[str, list[str]] | None = None  # what changed since the previous generation (None: all)
    if incremental:
        folder = gens.spare()
        sync(folder, active, previous)  # the spare's document files made the active build's
        Generations.begin(folder)
        changes = {key: old_docs.get(key, {}).get("files", []) for key in changed + gone}
        for files in changes.values():
            for rel in files:
                (folder / rel).unlink(missing_ok=True)
    else:
        discard(gens.spare())  # made again from the new build: removed while the documents are processed
        folder = Path(tempfile.mkdtemp(prefix=f".{settings.build_dir.name}.staging-", dir=settings.build_dir.parent))
        umask = os.umask(0)
        os.umask(umask)
        folder.chmod(0o777 & ~umask)  # as any folder the user makes (mkdtemp's are private)
    entries = {key: {**old_docs[key], **inputs[key]} for key in by_key if key not in changed}
    if progress is not None:
        for name in _names(entries):
            progress(name)
    results: list = []
    loader = None
    dumps: Dumps | None = None
    try:
        if incremental:  # the authority graph's parts too are the build in use's
            heads = {"sizes": previous["heads"], "quads": previous["head_quads"]}
            dumps = Dumps(folder, main.dumps, None, active, previous)
        else:
            parts = _heads(main)
            heads = {"sizes": {name: len(data) for name, data in parts.items()},
                     "quads": parts["dataset.nq"].count(b"\n")}
            dumps = Dumps(folder, main.dumps, parts, None)
            loader = StoreLoader(folder / "store")  # loaded as the documents come, beside the workers
            loader.add(parts["dataset.nq"])
        order = sorted(by_key)
        arrived: dict[str, dict] = {}
        cursor = 0
        owners: dict[str, str] = {}  # graph IRI -> the key whose document has it (the first in key order)

        old_index = dumps.old_index

        def claim(key: str, graphs: list[str]) -> tuple[str, str] | None:
            """The document of `key` takes its graphs' IRIs, unless one is another's: (its key, the IRI)."""
            for graph in graphs:
                if graph in owners:
                    return owners[graph], graph
            for graph in graphs:
                owners[graph] = key
            return None

        def collide(key: str, clash: tuple[str, str]) -> None:
            """`key`'s document has the IRI of a document before it in key order: refused whole, nothing of it
            kept. Its input is marked, so the next build reads it again (the other may be gone by then)."""
            for rel in entries[key]["files"]:
                (folder / rel).unlink(missing_ok=True)
            if changes is not None and key not in changes:  # a reused document's files change too
                changes[key] = entries[key]["files"]
            owner, graph = clash
            reason = (f"its IRI <{graph}> is already that of the document in folder {printable(owner)} (two "
                      "folders hold the same document: the same symbol and language); remove one, or correct "
                      "the symbols or language of one")
            names = sorted([f"{key}/{v.rpartition('.')[0]}" for v in by_key[key]]
                           + [n for n, _ in found.refused.get(key, [])])
            entries[key] = {**inputs[key], "input": "collides:" + inputs[key]["input"], "stat": None, "dir": None,
                            "files": [], "graphs": [], "quads": 0, "built": [],
                            "refused": [[n, reason] for n in names], "warnings": 0, "violations": 0,
                            "oai": None, "sets": {}}
            entries[key]["parts"] = dumps.write(key, {})

        def advance() -> None:  # the dataset files are written in key order, whatever order results come in
            nonlocal cursor
            while cursor < len(order):
                key = order[cursor]
                if key in entries and key not in arrived:  # reused, with the neighbours reused after it
                    clash = claim(key, entries[key].get("graphs", []))
                    if clash is not None:
                        collide(key, clash)
                        cursor += 1
                        continue
                    end = cursor + 1
                    while (end < len(order) and order[end] in entries and order[end] not in arrived
                           and old_index[order[end]] == old_index[order[end - 1]] + 1
                           and claim(order[end], entries[order[end]].get("graphs", [])) is None):
                        end += 1
                    dumps.reuse(key, order[end - 1])
                    cursor = end
                    continue
                elif key in arrived:
                    payload = arrived.pop(key)
                    clash = claim(key, payload["graphs"])
                    if clash is not None:
                        collide(key, clash)
                        cursor += 1
                        continue
                    entries[key]["parts"] = dumps.write(key, payload["parts"])
                    if loader is not None:
                        loader.add(payload["parts"].get("dataset.nq", b""))
                else:
                    return
                cursor += 1

        def handle(payload: dict) -> None:
            key = payload["key"]
            if key in found.refused:  # its versions refused before any work
                payload["refused"] = sorted(payload["refused"] + found.refused[key])
            results.extend(payload["results"])
            entries[key] = {**inputs[key], "files": sorted(payload["files"]), "graphs": payload["graphs"],
                            "quads": payload["quads"], "built": payload["built"], "refused": payload["refused"],
                            "warnings": payload["warnings"], "violations": payload["violations"],
                            "oai": payload["oai"], "sets": payload["sets"]}
            arrived[key] = payload
            if progress is not None:
                for name in payload["built"] + [n for n, _ in payload["refused"]]:
                    progress(name)
            advance()

        advance()
        for key in changed:
            if not by_key[key]:  # nothing readable: refused without a worker
                handle(nothing_of(key, []))
        tasks = [(key, [settings.documents_dir / key / name for name in by_key[key]]) for key in changed
                 if by_key[key]]
        if tasks:
            workers = jobs or os.cpu_count() or 1
            if workers == 1 or len(tasks) == 1:
                global _WORKER
                saved, _WORKER = _WORKER, main
                writer = FileWriter(folder)
                gc.enable()
                try:
                    for key, paths in tasks:
                        if STOP.is_set():
                            raise KeyboardInterrupt
                        handle(writer.write(_safe_process(key, paths, settings.document_timeout)))
                finally:
                    _WORKER = saved
                    gc.disable()
            else:
                _run_workers(settings, reference, tasks, workers, handle, folder)
        assert cursor == len(order), "every document's parts are written"
        dumps.start_closing()
        count = heads["quads"] + sum(e.get("quads", 0) for e in entries.values())
        _finish(folder, settings, entries, count)
        manifest = {"tool": tool, "generation": generation, "changed": changes, "triples": count,
                    "heads": heads["sizes"], "head_quads": heads["quads"], "documents": entries}
        _store(settings.build_dir, folder, active if incremental else None, previous, manifest, loader,
               changed, dumps)
        write_manifest(folder, manifest, new_file)
        dumps.finish_closing()
        Generations.finish(folder, generation)
        if not incremental:  # the staging folder becomes the spare, then the build in use
            spare = gens.spare()
            discard(spare)  # (a folder there only if another build made it meanwhile)
            os.replace(folder, spare)
            folder = spare
        if STOP.is_set():  # a build told to end is not published, whenever it was told
            raise KeyboardInterrupt
        gens.switch(folder)
    except BaseException:
        if dumps is not None and dumps.closer is not None:
            dumps.closer.join()
        if loader is not None:
            loader.close()
        if not incremental:
            shutil.rmtree(folder, ignore_errors=True)
        discard.join()
        raise
    # the previous build is now the spare: its document files made this build's (links), ready for the next
    # incremental build; done after the switch, so it is never in the way of this one (if it fails, the
    # spare stays incomplete and the next build makes it again)
    try:
        sync(gens.other(folder), folder, manifest, discard)
    except OSError:
        pass
    if upkeep.due(settings.build_dir, manifest["store_updates"]):
        upkeep.start(settings.build_dir, folder / "store")
    discard.join()
    report = _report(entries, changed, results)
    report.triples = count
    report.notices = found.notices
    report.store_reloaded = True
    return report


RACY_NS = 100_000_000  # a time stamp this close to when it was read may miss a change made right after


@dataclass
class Sources:
    """What the scan of the source folder found: the readable version files of each document by key
    (`versions`), each key's input (fingerprint, and the time stamps that let the next scan skip reading it
    again), the versions refused before any work (a file the file system cannot give, one over the size
    limit: key -> [(name, reason)]), and what was passed over, each a warning for the user."""

    by_key: dict[str, list[str]] = field(default_factory=dict)
    inputs: dict[str, dict] = field(default_factory=dict)
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
                with open(f"{where}/{name}", "rb"):  # (readable: it is read in a worker)
                    pass
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
            fingerprint = old["input"] if same else key_fingerprint([folder / key / n for n in readable])
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


def _names(entries: dict[str, dict]) -> list[str]:
    return [n for key in sorted(entries) for n in entries[key]["built"] + [r for r, _ in entries[key]["refused"]]]


def _report(entries: dict[str, dict], processed: list[str], results: list) -> BuildReport:
    report = BuildReport(processed=list(processed), results=results)
    for key in sorted(entries):
        e = entries[key]
        report.built += e["built"]
        report.refused += [Refusal(n, r) for n, r in e["refused"]]
        report.warnings += e["warnings"]
        report.violations += e["violations"]
    report.built.sort()
    report.refused.sort(key=lambda r: r.name)
    return report


_GRAPH_LABEL = re.compile(rb" <[^<>\s]*> \.\n")  # the graph IRI ending an N-Quads line (IRIs have no space)


def ntriples_of(nquads: bytes) -> bytes:
    """Our own N-Quads (every quad in a named graph, the graph last) as N-Triples."""
    return _GRAPH_LABEL.sub(b" .\n", nquads)


def marc_part(collection: bytes) -> bytes:
    """The record of a MARCXML collection of one record (written by us), as a line of the catalogue."""
    start = collection.index(b"<record")
    end = collection.rindex(b"</collection>")
    return b"  " + collection[start:end].rstrip() + b"\n"


def _heads(main: Worker) -> dict[str, bytes]:
    """What the dataset files begin with: the authority graph (and the collection's opening tag)."""
    from .exchange.marc import MARC_NS

    quads = publish.quads([main.auth_graph])
    nq = publish.nquads(quads)
    heads = {"dataset.nq": nq, "dataset.nt": ntriples_of(nq), "dataset.trig": publish.trig(quads),
             "dataset.ttl": publish.turtle(publish.triples_of(quads)),
             "dataset.jsonld": b'{"@context": ' + orjson.dumps(main.jsonld.inner, option=orjson.OPT_SORT_KEYS)
             + b',\n"@graph": [\n' + main.jsonld.named_graph_and_line(main.auth_graph)[1],
             "catalogue.marc.xml": f"<?xml version='1.0' encoding='UTF-8'?>\n<collection xmlns=\"{MARC_NS}\">\n"
             .encode()}
    return {name: heads[name] for name in main.dumps}


TAILS = {"dataset.jsonld": b"\n]}\n", "catalogue.marc.xml": b"</collection>\n"}


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
        self.old_start: dict[str, list[int]] = {}  # file -> where each of the previous documents' parts begins
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


def _rewrite(path: Path):
    """`path` opened to be written from its start: a file of this folder's own is overwritten where it is
    (freeing hundreds of megabytes only to take them again costs the file system more than the writing,
    more still where it trims freed blocks), any other (a hard link, say) replaced by a new file."""
    try:
        fh = open(path, "r+b")
    except FileNotFoundError:
        return open(path, "xb")
    if os.fstat(fh.fileno()).st_nlink == 1:
        return fh
    fh.close()
    path.unlink()
    return open(path, "xb")


def offsets(manifest: dict, keys: list[str]) -> dict[str, list[int]]:
    """Where each document's part begins in each dataset file of the build of `manifest` (its documents
    `keys`, sorted), with where the file's tail begins last."""
    from itertools import accumulate

    parts = [manifest["documents"][k]["parts"] for k in keys]
    return {name: list(accumulate([p.get(name, 0) for p in parts], initial=head))
            for name, head in manifest["heads"].items()}


def _finish(folder: Path, settings: Settings, entries: dict[str, dict], count: int) -> None:
    """The OAI-PMH index, the JSON-LD context, the ontology and the dataset description (`count` quads)."""
    records = [e["oai"] for e in entries.values() if e["oai"]]
    sets: dict[str, str] = {}
    for e in entries.values():
        sets.update(e["sets"])
    new_file(folder / "oai.json", oai_index(records, sets))
    new_file(folder / "context.jsonld", (settings.ontology_dir / "context.jsonld").read_bytes())
    new_file(folder / "ontology.ttl", (settings.ontology_dir / "unkg.ttl").read_bytes())
    described = description(settings.templates_dir, settings.base, settings.base, count, None, records)
    new_file(folder / "catalog.ttl", publish.turtle(described))


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


def _store(target: Path, folder: Path, active: Path | None, previous: dict, manifest: dict,
           loader: StoreLoader | None, written: list[str], dumps: Dumps) -> None:
    """The store: loaded as the documents came (`loader`), or (incremental) a store of an earlier build with
    the graphs of the documents whose input differs replaced by their parts of the new dataset.nq. That
    store is the compacted copy the upkeep made (of the build in use, or one before it) if there is one,
    else a checkpoint of the build in use's. Its stamp names the dataset it holds (`store.identity`); the
    manifest counts the incremental changes it has taken since it was loaded or compacted. The parts of
    the documents `written` by this build are in dataset.nq already; those of reused documents (a copy made
    builds ago needs them) only once `dumps` has finished copying them."""
    store_dir = folder / "store"
    if loader is not None:
        store = loader.finish()
        manifest["store_updates"] = 0
    else:
        assert active is not None
        if store_dir.exists():
            shutil.rmtree(store_dir)
        base = upkeep.take(target, store_dir, manifest["tool"])  # its documents: key -> input, graphs
        if base is not None:
            manifest["store_updates"] = 1
        else:
            ox.Store.read_only(str(active / "store")).backup(str(store_dir))
            base = previous.get("documents", {})
            manifest["store_updates"] = previous.get("store_updates", 0) + 1
        docs = manifest["documents"]
        redo = sorted(key for key in base.keys() | docs.keys()
                      if base.get(key, {}).get("input") != docs.get(key, {}).get("input"))
        store = ox.Store(str(store_dir))
        for key in redo:
            for graph in base.get(key, {}).get("graphs", []):
                store.remove_graph(ox.NamedNode(graph))
        fresh = set(written)
        if any(key in docs and key not in fresh for key in redo):
            dumps.finish_closing()
        keys = sorted(docs)
        starts = offsets(manifest, keys)["dataset.nq"]
        index = {key: i for i, key in enumerate(keys)}
        with open(folder / "dataset.nq", "rb") as nq:
            for key in redo:
                length = docs.get(key, {}).get("parts", {}).get("dataset.nq", 0)
                if length:
                    nq.seek(starts[index[key]])
                    store.load(nq.read(length), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    (store_dir / STAMP).write_text(identity(manifest["tool"], manifest["documents"]))
