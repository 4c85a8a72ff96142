"""Loaded by each Dask worker of the Dask build's tests (dask config ``distributed.worker.preload``): makes
documents misbehave in the worker, as ``UNKG_TEST_MISBEHAVE`` (``key=mode,key=mode``) says: ``die`` (the worker
process is killed, as a crash in a native library would), ``die-once`` (only the first time, anywhere: a
worker lost mid-build; ``UNKG_TEST_MARK`` is the file that says it happened), ``spin`` (Python code that never
ends) or ``hang`` (a call into C that never returns); with ``UNKG_TEST_OTHER_UNKG``, the worker's unkg is not
the build's."""

from __future__ import annotations

import os
import signal
import time

from unkg import pipeline
from unkg.build import dask_tasks

MODES = dict(pair.split("=") for pair in os.environ.get("UNKG_TEST_MISBEHAVE", "").split(",") if pair)
real = getattr(pipeline.Pipeline.process, "real", pipeline.Pipeline.process)  # (a worker may load this twice)
dask_tasks.GRACE = 1.0  # (the hang test's worker is killed a second after the document's time)


def process(self, key, paths):
    mode = MODES.get(key)
    if mode:
        if mode == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        elif mode == "die-once":
            try:
                os.close(os.open(os.environ["UNKG_TEST_MARK"], os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return real(self, key, paths)
            os.kill(os.getpid(), signal.SIGKILL)
        elif mode == "spin":
            while True:
                pass
        elif mode == "hang":
            time.sleep(3600)
    return real(self, key, paths)


if MODES:
    process.real = real
    pipeline.Pipeline.process = process
if os.environ.get("UNKG_TEST_OTHER_UNKG"):  # a worker whose unkg is not the build's
    dask_tasks.tool_fingerprint = lambda settings, reference: "another unkg"
