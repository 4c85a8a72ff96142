"""The build's Dask engine (``unkg build --engine dask``): the documents that changed, as tasks (a few
consecutive documents each) on a Dask cluster (dask.distributed: a `LocalCluster` of worker processes on this machine by default, or the cluster of
a scheduler's address). Only the per-document work moves: the outcomes come back here, in any order, and the
build writes their files and merges their parts of the dataset files in key order as it does for its own
workers, so both engines give the same bytes.

What a worker needs reaches it through the scheduler, never a shared disk: the data the pipeline loads (the
shapes, ontology, templates, crosswalks and authority data in effect) and the settings, as a worker plugin
that unpacks them into the worker's own folder and checks that the worker's unkg is this one (the tool's
fingerprint: code and data); and each document's files (bytes, modification time) in its task. A worker
loads the pipeline once per thread.

Failures cost what they cost the local pool: a document that raises is refused (`safe_process`); one past
``document_timeout`` is stopped in its thread and refused, and its worker killed if it does not stop (native
code); a task whose worker dies is taken again by Dask, and the documents of one Dask gives up on
(``KilledWorker``) are run again, each alone, at the end: only a document that kills its worker when it runs
by itself is refused."""

from __future__ import annotations

import gc
import logging
import os
import stat
import time
import uuid
import warnings
from pathlib import Path
from typing import Callable

from ..config import Settings
from ..errors import InputError
from ..parse import SIDECAR
from ..pipeline import Outcome
from .dask_tasks import LAYOUT, Unkg, overdue_reason, process
from .workers import STOP, FileWriter

INSTALL = "pip install 'unkg[dask]'"
CHUNK = 8  # documents a task holds at most
DIED = "the worker processing it died (each Dask worker that ran it, the last time alone)"


def check_installed() -> None:
    """An InputError unless dask.distributed can be imported (before the build does any work)."""
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise InputError("--engine dask", f"Dask is not installed ({exc}); install it with {INSTALL}") from None


# -- the build's side ------------------------------------------------------------------------------------

def run_dask(settings: Settings, reference: bool, tool: str, tasks: list[tuple[str, list[Path]]],
             jobs: int | None, handle: Callable[[Outcome], None], folder: Path) -> None:
    """Run `tasks` (key, paths of its versions) on the Dask cluster of ``settings.scheduler`` (a
    LocalCluster of `jobs` worker processes when it is empty), calling `handle` with each outcome, its files
    written under `folder`, as it arrives."""
    check_installed()
    enabled = gc.isenabled()
    gc.enable()  # (the build runs without the cycle collector; the client's event loop makes cycles)
    try:
        with _connect(settings, jobs) as client:
            name = f"unkg-{tool[:12]}-{uuid.uuid4().hex[:8]}"  # one per build: builds may share a cluster
            data = {attr: _files(getattr(settings, attr)) for attr in LAYOUT}
            try:
                client.register_plugin(Unkg(name, data, settings, reference, tool), name=name)
            except Exception as exc:
                raise InputError(_where(settings), f"a Dask worker cannot load unkg: {type(exc).__name__}: "
                                 f"{exc}; every worker needs unkg installed (the same version)") from None
            try:
                _Run(client, name, settings, handle, FileWriter(folder)).run(tasks)
            finally:
                try:
                    client.unregister_worker_plugin(name)
                except Exception:  # (a scheduler already gone: nothing is left to tidy there)
                    pass
    finally:
        if not enabled:
            gc.disable()


def _where(settings: Settings) -> str:
    return f"--scheduler {settings.scheduler}" if settings.scheduler else "--engine dask"


class _connect:
    """A client of the scheduler at ``settings.scheduler``, or of a LocalCluster made for the build (worker
    processes on this machine, listening on the loopback only, no dashboard, quiet), closed on exit."""

    def __init__(self, settings: Settings, jobs: int | None):
        self.settings, self.jobs = settings, jobs
        self.cluster = self.client = None

    def __enter__(self):
        from distributed.utils import silence_logging_cmgr

        self.quiet = silence_logging_cmgr(logging.CRITICAL)  # (what goes wrong is said by the build, once)
        self.quiet.__enter__()
        try:
            return self._open()
        except BaseException:
            self.__exit__()
            raise

    def _open(self):
        import dask
        from distributed import Client, LocalCluster

        address = self.settings.scheduler
        if not address:
            # no retry of a task whose worker died (its documents are run again alone, below): a document
            # that kills its worker costs two workers, not 3 + 1 and 3 + 1
            try:
                with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                    self.cluster = LocalCluster(n_workers=self.jobs or os.cpu_count() or 1, threads_per_worker=1,
                                                processes=True, host="127.0.0.1", dashboard_address=None,
                                                # (its HTTP server, health and metrics only: any free port)
                                                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                                silence_logs=logging.CRITICAL)
                self.client = Client(self.cluster, direct_to_workers=True)  # (outcomes not via the scheduler)
            except Exception as exc:
                raise InputError("--engine dask", f"cannot start a Dask cluster on this machine: "
                                 f"{type(exc).__name__}: {exc}") from None
            return self.client
        timeout = dask.config.get("distributed.comm.timeouts.connect")
        try:
            self.client = Client(address, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"--scheduler {address}", f"cannot reach the Dask scheduler within {timeout} "
                             f"({type(exc).__name__}: {exc}); build/ is as the previous build left it") from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except Exception as exc:
            self.client.close()
            raise InputError(f"--scheduler {address}", f"the Dask scheduler has no worker ({exc}); "
                             "build/ is as the previous build left it") from None
        return self.client

    def __exit__(self, *_):
        for part in (self.client, self.cluster):
            if part is not None:
                try:
                    part.close()
                except Exception:
                    pass
        self.quiet.__exit__(None, None, None)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (path relative to it -> bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def shipped(folder: Path, names: list[str]) -> list[tuple[str, str, object, int]]:
    """A document's files as its task carries them: (name, kind, content, modification time in ns), kind
    "file" (its bytes), "link" (a link to nothing: its target) or "dir"; its versions in order, then its
    sidecar if there is one. A file that went since the build listed it is left out (it is then missing for
    the worker as it would be for the local build)."""
    out = []
    for name in names + [SIDECAR]:
        path = folder / name
        if name == SIDECAR and not os.path.lexists(path):
            continue
        try:
            st = os.stat(path)
            if stat.S_ISDIR(st.st_mode):
                out.append((name, "dir", None, 0))
            else:
                out.append((name, "file", path.read_bytes(), st.st_mtime_ns))
        except FileNotFoundError:
            if os.path.islink(path):
                out.append((name, "link", os.readlink(path), 0))
        except OSError:
            pass
    return out


class _Run:
    """The documents through the cluster, in chunks of consecutive keys (a task costs the scheduler about as
    much as a document costs a worker): a window of chunks in flight, in key order, so outcomes come near it
    and little waits to be merged; then, one at a time, the documents of chunks whose workers died."""

    def __init__(self, client, name: str, settings: Settings, handle: Callable[[Outcome], None],
                 writer: FileWriter):
        self.client, self.name, self.settings, self.handle, self.writer = client, name, settings, handle, writer
        self.prefix = os.fspath(settings.documents_dir)
        self.alone: list[tuple[str, list[Path]]] = []  # documents of tasks Dask gave up on, to run alone

    def run(self, tasks: list[tuple[str, list[Path]]]) -> None:
        try:
            self._run(tasks)
        except _Lost as lost:  # (the scheduler gone, work cancelled: the cluster's trouble, not a document's)
            exc = lost.__cause__
            said = " ".join(str(exc).split()).split(" Futures: [")[0][:300]  # (not the list of tasks)
            raise InputError(_where(self.settings), f"the Dask cluster failed: {type(exc).__name__}: {said}; "
                             "build/ is as the previous build left it") from None

    def _run(self, tasks: list[tuple[str, list[Path]]]) -> None:
        with _lost():
            threads = max(1, sum(self.client.nthreads().values()))
        size = max(1, min(CHUNK, len(tasks) // (4 * threads)))  # (a few chunks per thread at least)
        pending = [tasks[i:i + size] for i in range(0, len(tasks), size)][::-1]
        flying: dict = {}
        checked = time.monotonic()
        while pending or flying:
            if time.monotonic() - checked > 2:  # (a cluster may grow or shrink meanwhile)
                with _lost():
                    threads, checked = max(1, sum(self.client.nthreads().values())), time.monotonic()
            while pending and len(flying) < 2 * threads + 2:
                chunk = pending.pop()
                flying[self.submit(chunk, "")] = chunk
            self.collect(flying, self.wait(list(flying)), last=False)
        for task in sorted(self.alone):  # now nothing else runs: a worker that dies, dies of this document
            future = self.submit([task], "-alone")
            while not self.wait([future]):
                pass
            self.collect({future: [task]}, [future], last=True)

    def submit(self, chunk: list[tuple[str, list[Path]]], suffix: str):
        docs = [(key, [p.name for p in paths], shipped(self.settings.documents_dir / key, [p.name for p in paths]))
                for key, paths in chunk]
        with warnings.catch_warnings(), _lost():  # (a large document is no news to us)
            warnings.simplefilter("ignore")
            return self.client.submit(process, self.name, docs, self.prefix, pure=False,
                                      key=f"{self.name}-{uuid.uuid4().hex}{suffix}")

    def wait(self, futures: list) -> list:
        from distributed import wait

        if STOP.is_set():
            raise KeyboardInterrupt
        try:
            with _lost():
                return list(wait(futures, timeout=0.5, return_when="FIRST_COMPLETED").done)
        except _Lost as lost:
            if isinstance(lost.__cause__, TimeoutError):
                return []
            raise

    def collect(self, flying: dict, done: list, last: bool) -> None:
        from distributed import KilledWorker

        done = sorted(done, key=lambda f: flying[f][0][0])
        finished = [f for f in done if f.status == "finished"]
        with _lost():
            outcomes = dict(zip(finished, self.client.gather(finished))) if finished else {}
        for future in done:
            chunk = flying.pop(future)
            if future in outcomes:
                for outcome in outcomes[future]:
                    self.handle(self.writer.write(outcome))
                continue
            with _lost():
                exc = future.exception() if future.status == "error" else None
            if not isinstance(exc, KilledWorker):
                raise InputError(_where(self.settings), f"a Dask worker failed: {type(exc).__name__}: {exc}; "
                                 "build/ is as the previous build left it" if exc is not None else
                                 f"the Dask scheduler dropped the work ({future.status}); build/ is as the "
                                 "previous build left it")
            with _lost():  # the documents its watchdog reported past their time before it killed its worker
                overdue = {msg for _, msg in self.client.get_events(f"{self.name}-overdue")}
            for key, paths in chunk:
                if key in overdue:
                    self.refuse(key, paths, overdue_reason(self.settings.document_timeout))
                elif last:
                    self.refuse(key, paths, DIED)
                else:
                    self.alone.append((key, paths))

    def refuse(self, key: str, paths: list[Path], reason: str) -> None:
        self.handle(Outcome.nothing(key, [(f"{key}/{p.stem}", reason) for p in paths]))


class _Lost(Exception):
    """A call to the cluster failed (its cause): the build cannot go on."""


class _lost:
    """Turns what a call to the cluster raises into `_Lost` (never a KeyboardInterrupt or an InputError)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is not None and isinstance(exc, Exception) and not isinstance(exc, InputError):
            raise _Lost() from exc
        return False
