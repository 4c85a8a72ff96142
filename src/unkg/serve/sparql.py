"""SPARQL queries of ``unkg serve`` run in worker processes, so that a query can really be stopped.

A :class:`Pool` keeps at most ``size`` worker processes, each with the store open read-only
(``pyoxigraph.Store.read_only``). A query takes an idle worker (or starts one); when ``size`` queries are
already running it is refused at once (:class:`Busy`, a 503 with ``Retry-After``). A query that runs past
the time limit has its worker killed (its CPU stops there) and the next query starts a new one. When the
build changes, :meth:`Pool.reopen` points the pool at the new store: idle workers are stopped, busy ones
finish their query and are then stopped.

:func:`calls_service` tells whether a query uses ``SERVICE`` (a request the server itself would send
elsewhere), from the query parsed by rdflib's SPARQL parser; ``unkg query`` asks it too.

A worker is this module run as ``python -m unkg.serve.sparql``: it imports neither werkzeug nor the rest of
the server (``serve/__init__.py`` imports nothing until asked), so a worker starts quickly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from dataclasses import dataclass

# the media types a query's results are served in, by Accept (SELECT and ASK; CONSTRUCT and DESCRIBE), with the
# name of Oxigraph's format for each (names: this module is imported before pyoxigraph in a worker)
RESULT_TYPES = {"application/sparql-results+json": "JSON", "application/sparql-results+xml": "XML",
                "text/csv": "CSV", "text/tab-separated-values": "TSV"}
GRAPH_TYPES = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/rdf+xml": "RDF_XML"}
# the ``format`` parameter (a download link, a client that cannot set Accept): it names the result type and
# overrides Accept; empty is the same as absent
FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
           "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ntriples": "application/n-triples",
           "rdfxml": "application/rdf+xml"}
STARTUP_LIMIT = 120.0  # seconds a new worker may take to start and open the store (a busy machine)
DEPTH_LIMIT = 128  # deepest nesting of braces and brackets a query may have (the parsers recurse)


class Busy(Exception):
    """Every worker is busy: the query is refused at once."""


class TimedOut(Exception):
    """The query ran past the time limit; its worker was killed."""


class WorkerDied(Exception):
    """The worker running the query ended without an answer (killed from outside, out of memory, a crash)."""


@dataclass
class Outcome:
    status: int  # 200, or the 4xx/503 the query earned
    body: bytes
    content_type: str


# -- SERVICE ------------------------------------------------------------------------------------------------
_LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''  # long strings
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''  # strings
    r'|<[^<>"{}|^`\\\s]*>'  # IRIs
    r'|#[^\n\r]*'  # comments
    r'|[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+'  # variables
    r'|[\w\u00b7\u0300-\u036f\u203f-\u2040.-]*:[\w\u00b7\u0300-\u036f\u203f-\u2040.:%-]*'  # prefixed names
    r'|(?P<word>[A-Za-z_]\w*)',
    re.DOTALL,
)


def calls_service(query: str) -> bool:
    """Whether `query` has a SERVICE pattern. The query is parsed with rdflib's SPARQL parser and the parse
    tree searched; a query rdflib cannot parse (SPARQL Oxigraph accepts and rdflib does not, or nesting too
    deep for it) is read token by token instead, strings, IRIs, comments, variables and prefixed names set
    aside, and any bare word SERVICE (in any case) counts."""
    try:
        from rdflib.plugins.sparql.parser import parseQuery
        from rdflib.plugins.sparql.parserutils import CompValue

        tree = parseQuery(query)
    except Exception:  # noqa: BLE001 - pyparsing's errors, RecursionError: read the tokens instead
        return any(m.group("word") and m.group("word").upper() == "SERVICE" for m in _LEXEMES.finditer(query))
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif hasattr(node, "asList"):  # pyparsing's ParseResults
            stack.extend(list(node))
    return False


def nesting(query: str) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` in `query`, strings, IRIs and comments set aside."""
    depth = deepest = 0
    for m in _tokens(query):
        if m in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif m in "})]":
            depth -= 1
    return deepest


def _tokens(query: str):
    """The brackets of `query` outside strings, IRIs and comments."""
    position = 0
    for m in _LEXEMES.finditer(query):
        yield from (c for c in query[position:m.start()] if c in "{}()[]")
        position = m.end()
    yield from (c for c in query[position:] if c in "{}()[]")


def asked_format(values: list[str]) -> tuple[str | None, str | None] | None:
    """The result types (for a table, for a graph) the ``format`` parameter's `values` ask for; None when
    it asks for none (absent or empty). ValueError for a name not in :data:`FORMATS`, or several names."""
    names = {v for v in values if v}
    if not names:
        return None
    if len(names) > 1 or not names <= FORMATS.keys():
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {', '.join(sorted(names))}")
    media = FORMATS[names.pop()]
    return (media, None) if media in RESULT_TYPES else (None, media)


SERVICE_REFUSED = ("the query calls a remote endpoint (SERVICE): this endpoint does not send requests "
                   "elsewhere; run the query against that endpoint instead")


# -- the worker process -------------------------------------------------------------------------------------
def _work(store_path: str, jobs: Connection, answers: Connection) -> None:  # pragma: no cover - in the worker
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    calls_service("ASK {}")  # loads rdflib's parser now, not within a query's time
    answers.send("ready")
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            outcome = _answer(ox, store, **job)
        except Exception as exc:  # noqa: BLE001 - a query the store cannot answer is the client's doing
            outcome = Outcome(400, f"the query cannot be answered: {exc}".encode(), "text/plain")
        answers.send((outcome.status, outcome.body, outcome.content_type))  # plain values: this is __main__


def _answer(ox, store, query: str, base: str | None, default_graph: list[str] | None,
            named_graphs: list[str] | None, limit: int, solutions_type: str | None,
            graph_type: str | None) -> Outcome:
    if nesting(query) > DEPTH_LIMIT:
        return Outcome(400, f"the query nests braces or brackets deeper than {DEPTH_LIMIT}".encode(), "text/plain")
    if calls_service(query):
        return Outcome(400, SERVICE_REFUSED.encode(), "text/plain")
    result_formats = {media: getattr(ox.QueryResultsFormat, name) for media, name in RESULT_TYPES.items()}
    graph_formats = {media: getattr(ox.RdfFormat, name) for media, name in GRAPH_TYPES.items()}

    def run():
        try:
            if default_graph is None and named_graphs is None:
                return store.query(query, base_iri=base, use_default_graph_as_union=True)
            return store.query(query, base_iri=base,
                               default_graph=[ox.NamedNode(g) for g in default_graph or []] or None,
                               named_graphs=[ox.NamedNode(g) for g in named_graphs or []] or None)
        except SyntaxError as exc:  # the message leads with the line and column (syntax.py)
            from unkg.serve.syntax import located  # absolute: in a worker this module is __main__

            raise _Refusal(400, located(query, str(exc))) from None

    try:
        result = run()
        if isinstance(result, ox.QueryTriples):
            if graph_type is None:
                raise _Refusal(406, "the result is a graph: accept one of " + ", ".join(graph_formats))
            triples = []
            for t in result:
                triples.append(t)
                if len(triples) > limit:
                    raise _Refusal(503, f"the result is larger than the limit ({limit} triples)")
            return Outcome(200, ox.serialize(sorted(triples, key=str), format=graph_formats[graph_type]),
                           graph_type)
        if solutions_type is None:
            raise _Refusal(406, "the result is a table: accept one of " + ", ".join(result_formats))
        if isinstance(result, ox.QuerySolutions):
            count = sum(1 for _ in zip(result, range(limit + 1)))
            if count > limit:
                raise _Refusal(503, f"the result is larger than the limit ({limit} results)")
            result = run()  # a result can be written once: run it again to write it
        return Outcome(200, result.serialize(format=result_formats[solutions_type]), solutions_type)
    except _Refusal as exc:
        return Outcome(exc.status, exc.message.encode(), "text/plain")


class _Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


# -- the pool -----------------------------------------------------------------------------------------------
class _Worker:
    """A worker process (``python -m unkg.serve.sparql STORE JOBS ANSWERS``): a new interpreter, never a fork
    of the threaded server, and no re-import of the server's main module."""

    def __init__(self, store_path: str, generation: int):
        jobs_r, jobs_w = os.pipe()
        answers_r, answers_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "unkg.serve.sparql", store_path, str(jobs_r), str(answers_w)],
                pass_fds=(jobs_r, answers_w), stdin=subprocess.DEVNULL, close_fds=True)
        except OSError:
            for fd in (jobs_r, jobs_w, answers_r, answers_w):
                os.close(fd)
            raise WorkerDied() from None
        os.close(jobs_r)
        os.close(answers_w)
        self.jobs = Connection(jobs_w, readable=False)
        self.answers = Connection(answers_r, writable=False)
        self.generation = generation
        try:
            ready = self.answers.poll(STARTUP_LIMIT) and self.answers.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise WorkerDied()

    @property
    def pid(self) -> int:
        return self.process.pid

    def ask(self, job: dict, timeout: float) -> Outcome | None:
        """The worker's answer to `job`, or None when it has not answered within `timeout` seconds."""
        self.jobs.send(job)
        if not self.answers.poll(timeout):
            return None
        return Outcome(*self.answers.recv())

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self._close()

    def stop(self) -> None:
        try:
            self.jobs.send(None)
        except OSError:
            pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._close()

    def _close(self) -> None:
        for conn in (self.jobs, self.answers):
            if not conn.closed:
                conn.close()


class Pool:
    """At most `size` query workers on the store at `store_path`."""

    def __init__(self, store_path: str, size: int):
        self.size = max(1, size)
        self.store_path = store_path
        self.generation = 0
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy = 0
        self._running: set[int] = set()
        self.killed: list[int] = []  # pids of the workers stopped at the time limit (for the tests)

    @property
    def busy(self) -> int:
        return self._busy

    def pids(self) -> list[int]:
        """The idle workers' process ids."""
        with self._lock:
            return [w.pid for w in self._idle]

    def running(self) -> list[int]:
        """The process ids of the workers running a query."""
        with self._lock:
            return sorted(self._running)

    def run(self, job: dict, timeout: float) -> Outcome:
        with self._lock:
            if self._busy >= self.size:
                raise Busy()
            self._busy += 1
            worker = self._idle.pop() if self._idle else None
            generation, path = self.generation, self.store_path
        keep, pid = False, None
        try:
            if worker is None:
                worker = _Worker(path, generation)
            pid = worker.pid
            with self._lock:
                self._running.add(pid)
            try:
                outcome = worker.ask(job, timeout)
            except (EOFError, OSError):  # the worker died (killed from outside, out of memory, a crash)
                worker.kill()
                worker = None
                raise WorkerDied() from None
            if outcome is None:
                self.killed.append(worker.pid)
                worker.kill()  # SIGKILL: the query's CPU stops here
                worker = None
                raise TimedOut()
            keep = True
            return outcome
        finally:
            with self._lock:
                self._busy -= 1
                self._running.discard(pid)
                if worker is not None and keep and worker.generation == self.generation:
                    self._idle.append(worker)
                    worker = None
            if worker is not None:
                worker.stop()

    def reopen(self, store_path: str) -> None:
        """Serve the store at `store_path` from now on: idle workers stop, busy ones after their query."""
        with self._lock:
            self.store_path = store_path
            self.generation += 1
            idle, self._idle = self._idle, []
        for w in idle:
            w.stop()

    def close(self) -> None:
        self.reopen(self.store_path)


if __name__ == "__main__":  # a worker: python -m unkg.serve.sparql STORE JOBS-FD ANSWERS-FD
    _work(sys.argv[1], Connection(int(sys.argv[2]), writable=False), Connection(int(sys.argv[3]), readable=False))
