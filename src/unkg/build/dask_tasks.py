"""The Dask engine's side on the workers (`engine_dask` is the build's): the plugin that gives each worker
the build's data and settings, the task that turns one shipped document into its `Outcome`, and the watchdog
that holds each document to ``document_timeout``. Imported by the workers from the installed unkg: every
worker needs the same unkg as the build (the plugin checks it)."""

from __future__ import annotations

import ctypes
import dataclasses
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from ..config import Settings
from ..parse import SIDECAR
from ..pipeline import Outcome, Pipeline
from .inputs import TOOL_INPUTS, tool_fingerprint
from .workers import Overdue, safe_process

# where each folder of the data in effect goes in a worker's copy of the project (settings.source: "source")
LAYOUT = {"authorities_dir": "source/authorities", "shapes_dir": "shapes", "ontology_dir": "ontology",
          "templates_dir": "templates", "crosswalks_dir": "crosswalks"}
assert set(LAYOUT) == set(TOOL_INPUTS)
GRACE = 5.0  # seconds a document past its time has to stop before its worker is killed (native code)


def overdue_reason(limit: float) -> str:
    return f"stopped: it took more than {limit:g} s (setting document_timeout)"  # (the local pool's words)


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # (the module is imported only for --engine dask, but stays importable without Dask)
    WorkerPlugin = object


class Unkg(WorkerPlugin):
    """The build's data and settings, unpacked into each worker's folder (workers that join later, or
    replace one that died, get it too); the pipeline is loaded by each thread when it needs it."""

    idempotent = False

    def __init__(self, name: str, data: dict, settings: Settings, reference: bool, tool: str):
        self.name, self.data, self.settings, self.reference, self.tool = name, data, settings, reference, tool

    def setup(self, worker) -> None:
        from .. import __version__

        root = Path(worker.local_directory) / self.name
        for attr, files in self.data.items():
            for rel, content in files.items():
                (root / LAYOUT[attr] / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / LAYOUT[attr] / rel).write_bytes(content)
        (root / "work").mkdir(parents=True, exist_ok=True)
        settings = dataclasses.replace(self.settings, project=root, source="source")
        problem = None
        if tool_fingerprint(settings, self.reference) != self.tool:
            problem = (f"the worker at {worker.address} runs another unkg than the build's (unkg {__version__}, "
                       "its code differs); install the same unkg on every worker")
        _STATE[self.name] = _State(root, settings, self.reference, problem, worker)
        _Watchdog.start()

    def teardown(self, worker) -> None:
        state = _STATE.pop(self.name, None)
        if state is not None:
            shutil.rmtree(state.root, ignore_errors=True)


@dataclasses.dataclass
class _State:
    root: Path
    settings: Settings
    reference: bool
    problem: str | None
    worker: object
    pipelines: dict = dataclasses.field(default_factory=dict)  # thread id -> its Pipeline


_STATE: dict[str, _State] = {}


def process(name: str, docs: list, prefix: str) -> list[Outcome]:
    """The task: the outcomes of documents (key, the names of its versions, its files as `shipped`), their
    files' bytes in them. Each document is written into a folder of the worker's, with its files'
    modification times (the OAI-PMH datestamp is the newest); what a refusal says of their path is said of
    the build's (`prefix`: its documents folder)."""
    state = _STATE.get(name)
    if state is None:
        raise RuntimeError(f"this worker has not loaded the build's data (plugin {name} missing)")
    if state.problem:
        raise RuntimeError(state.problem)
    return [_document(state, name, key, names, files, prefix) for key, names, files in docs]


def _document(state: _State, name: str, key: str, names: list[str], files: list, prefix: str) -> Outcome:
    me = threading.get_ident()
    if me not in state.pipelines:
        state.pipelines[me] = Pipeline(state.settings, state.reference)
    work = Path(tempfile.mkdtemp(dir=state.root / "work"))
    try:
        folder = work / key
        folder.mkdir()
        for fname, kind, content, mtime in files:
            path = folder / fname
            if kind == "file":
                path.write_bytes(content)
                os.utime(path, ns=(mtime, mtime))
            elif kind == "link":
                os.symlink(content, path)
            else:
                path.mkdir()
        paths = [folder / n for n in names]
        limit = state.settings.document_timeout
        timed = _Watchdog.timed(limit, f"{name}-overdue", key, state.worker)
        try:
            with timed:
                outcome = safe_process(state.pipelines[me], key, paths)
        except Overdue:
            outcome = Outcome.nothing(key, [(f"{key}/{p.stem}", overdue_reason(limit)) for p in paths])
        if timed.entry[1] is not None:  # stopped anywhere: what its pipeline held may be half changed
            del state.pipelines[me]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mine, theirs = f"{work}/", f"{prefix}/"
    outcome.refused = [(n, reason.replace(mine, theirs)) for n, reason in outcome.refused]
    return outcome


class _Watchdog:
    """One thread per worker process: a document past its time is stopped by an exception raised in its
    thread (as the serial build's alarm does); one still running `GRACE` seconds later (in native code) is
    reported to the scheduler and its worker killed (as the local pool does)."""

    lock = threading.Lock()
    running: dict[int, list] = {}  # thread id -> [deadline, stopped at, topic, key, worker]
    thread: threading.Thread | None = None
    classes: dict[float, type] = {}

    @classmethod
    def start(cls) -> None:
        with cls.lock:
            if cls.thread is None:
                cls.thread = threading.Thread(target=cls.watch, name="unkg-watchdog", daemon=True)
                cls.thread.start()

    @classmethod
    def timed(cls, limit: float, topic: str, key: str, worker) -> _Timed:
        if limit not in cls.classes:
            cls.classes[limit] = type("Overdue", (Overdue,), {"__str__": lambda self: overdue_reason(limit)})
        return _Timed(cls, [time.monotonic() + limit, None, topic, key, worker], cls.classes[limit])

    @classmethod
    def watch(cls) -> None:
        while True:
            time.sleep(0.05)
            now, kill = time.monotonic(), None
            with cls.lock:
                for tid, entry in cls.running.items():
                    if entry[1] is None and now > entry[0]:
                        entry[1] = now
                        _raise_in(tid, entry[5])
                    elif entry[1] is not None and now > entry[1] + GRACE:
                        kill = entry
            if kill is not None:
                kill[4].log_event(kill[2], kill[3])
                time.sleep(1.0)  # (the event reaches the scheduler before the worker's end does)
                os.kill(os.getpid(), signal.SIGKILL)


class _Timed:
    """A document's time, watched while the block runs; leaving it, a stop not yet delivered is undone."""

    def __init__(self, watchdog, entry: list, overdue: type):
        self.watchdog, self.entry = watchdog, entry + [overdue]

    def __enter__(self):
        with self.watchdog.lock:
            self.watchdog.running[threading.get_ident()] = self.entry

    def __exit__(self, *_):
        while True:
            try:
                with self.watchdog.lock:
                    self.watchdog.running.pop(threading.get_ident(), None)
                    if self.entry[1] is not None:
                        _raise_in(threading.get_ident(), None)
                return False
            except Overdue:  # (the stop, raised as the block ended: the block's outcome stands; raised once)
                continue


def _raise_in(thread: int, exc: type | None) -> None:
    """Raise `exc` in `thread` when it next runs Python code (None: withdraw one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc) if exc else None)
