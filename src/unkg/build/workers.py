"""The build's worker processes: each loads the pipeline once and processes the documents it is sent,
writing their files into the folder the build writes into and sending back the rest of their `Outcome`.
A worker that dies, or spends more than the ``document_timeout`` setting on a document, takes only that
document with it (refused with the reason) and is replaced; workers die with the build, however it ends.
`run_serial` is the same work in the build's own process, stopped by an alarm."""

from __future__ import annotations

import dataclasses
import gc
import os
import threading
import time
from pathlib import Path
from typing import Callable

from ..config import Settings
from ..pipeline import Outcome, Pipeline
from .inputs import Versions

def _worker_main(conn, settings: Settings, reference: bool, staging: str, lock_fd: int,
                 pipeline: Pipeline | None = None) -> None:
    """A worker process: receives (key, paths), writes the document's files into the staging folder and
    sends back what the build reports; None ends it. `pipeline`: the build's own, loaded already (a forked
    worker has it as it was; otherwise the worker loads its own)."""
    die_with_parent()
    if lock_fd >= 0:  # the build's lock stays the build's: a worker outliving it by a moment must not hold it
        os.close(lock_fd)
    # (the build's main process runs without the cycle collector; documents make cycles.) What the worker has
    # from the build is never collected: the collector neither scans it nor touches its pages
    gc.freeze()
    gc.enable()
    if pipeline is None:
        pipeline = Pipeline(settings, reference)
    writer = FileWriter(Path(staging))
    conn.send(("ready", None))
    while True:
        task = conn.recv()
        if task is None:
            return
        key, paths = task
        outcome = safe_process(pipeline, key, [Path(p) for p in paths])
        conn.send(("writing", sorted(outcome.files)))  # removed by the build if this worker dies now
        try:
            written = writer.write(outcome)
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
    """Writes a document's files (its outcome's ``files``: path -> bytes) under a folder, each as a new file
    (one of the same name is unlinked first: it may be a hard link shared with the build in use), and
    gives the outcome without their bytes (what is sent back to the build)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.root = os.fspath(folder)  # (paths as strings: a dozen files per document)
        self.made: set[str] = set()

    def write(self, outcome: Outcome) -> Outcome:
        for rel, data in outcome.files.items():
            parent = rel.rpartition("/")[0]
            if parent not in self.made:
                (self.folder / parent).mkdir(parents=True, exist_ok=True)
                self.made.add(parent)
            new_file(f"{self.root}/{rel}", data)
        return dataclasses.replace(outcome, files=dict.fromkeys(sorted(outcome.files), b""))


_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def new_file(path: Path | str, data: bytes) -> None:
    """Write `data` as a new file at `path` (never into the file already there, which may be shared). (The
    file's descriptor alone, not a Python file object: a build writes a dozen files per document.)"""
    try:
        fd = os.open(path, _NEW, 0o666)
    except FileExistsError:
        os.unlink(path)
        fd = os.open(path, _NEW, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


STOP = threading.Event()  # set by a signal that ends the build (the command line's SIGTERM)
FORKING = threading.Event()  # set while a worker is forked: an exception raised then would be lost (fork hooks)


class Overdue(Exception):
    """A document stopped for its time (the serial build's alarm)."""


def safe_process(pipeline: Pipeline, key: str, paths: list[Path], limit: float | None = None) -> Outcome:
    """`pipeline.process`, whatever happens: an error is the document's refusal. With `limit` (seconds; the
    main thread of the main process only), a document that takes longer is stopped by an alarm and refused."""
    import signal

    def alarm(*_) -> None:
        raise Overdue(f"stopped: it took more than {limit:g} s (setting document_timeout)")


    timed = limit is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if timed:
        before = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return pipeline.process(key, paths)
    except Overdue as exc:
        return Outcome.nothing(key, [(f"{key}/{p.stem}", str(exc)) for p in paths])
    except Exception as exc:  # a bug on one document must not stop the others: reported as its refusal
        return Outcome.nothing(key, [(f"{key}/{p.stem}", f"internal error: {type(exc).__name__}: {exc}")
                                     for p in paths])
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, before)


def run_workers(settings: Settings, reference: bool, tasks: list[tuple[str, list[Path]]], jobs: int,
                handle: Callable[[Outcome], None], staging: Path, lock_fd: int = -1,
                pipeline: Pipeline | None = None) -> None:
    """Run `tasks` on `jobs` worker processes, calling `handle` with each result as it arrives; a worker
    that dies takes only its current document with it (reported as refused) and is replaced, and so does
    one that spends more than the `document_timeout` setting on a document (it is killed). `pipeline`: the
    build's, which the forked workers use as it is instead of loading the data and shapes again."""
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
        proc = ctx.Process(target=_worker_main, args=(child, settings, reference, str(staging), lock_fd, pipeline),
                           daemon=True)
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
                conn.send((task[0], _strings(task[1])))
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
                    handle(Outcome.nothing(task[0], [(f"{task[0]}/{p.stem}", why) for p in task[1]]))
                if pending:
                    start()
    finally:
        for proc, *_ in list(workers.values()):
            proc.kill()
            proc.join()
        ready_of.close()


def _strings(paths) -> list[str]:
    return paths.strings() if isinstance(paths, Versions) else [os.fspath(p) for p in paths]


def run_serial(pipeline: Pipeline, tasks: list[tuple[str, list[Path]]], limit: float,
               handle: Callable[[Outcome], None], folder: Path) -> None:
    """The work of `run_workers` in this process (one worker's worth, or one task): each document stopped
    by an alarm after `limit` seconds."""
    writer = FileWriter(folder)
    gc.enable()
    try:
        for key, paths in tasks:
            if STOP.is_set():
                raise KeyboardInterrupt
            handle(writer.write(safe_process(pipeline, key, paths, limit)))
    finally:
        gc.disable()
