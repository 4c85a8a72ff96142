"""`unkg push`: against a real Oxigraph server (the PyPI package `oxigraph`, on a loopback port the server
chose), the server ends up holding exactly the build's graphs, quad for quad: after a first push, after a
push that changes nothing, after a graph on the server was altered, after a document was removed (its graph
goes), by the Oxigraph bulk protocol and by the plain Graph Store Protocol; a graph outside the project's
base is never touched. A server that fails for a while is retried; one that is down or refuses gives a clear
error naming the URL, exit 2."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conftest import ROOT, WsgiServer, default, make_project, run_unkg, wait_until

BASE = "https://w3id.org/unkg/"
OTHER = "<http://example.org/other-data>"  # a graph of someone else's on the same server


def _listening_port(pid: int) -> int | None:
    """The TCP port process `pid` listens on, from /proc (its socket inodes in /proc/net/tcp)."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = str(fd.readlink()) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
            return int(fields[1].rsplit(":", 1)[1], 16)
    return None


class Oxigraph:
    """An `oxigraph serve` on 127.0.0.1, a port of its choosing, a database in a folder of its own."""

    def __init__(self, folder: Path):
        exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
        assert exe, "the oxigraph server (PyPI package oxigraph) is not installed"
        self.proc = subprocess.Popen([exe, "serve", "--location", str(folder), "--bind", "127.0.0.1:0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = []
        if not wait_until(lambda: bool(port.append(_listening_port(self.proc.pid)) or port[-1]), 30):
            self.close()
            pytest.fail("the oxigraph server did not start listening")
        self.url = f"http://127.0.0.1:{port[-1]}"
        assert wait_until(self._ready, 30), "the oxigraph server does not answer"

    def _ready(self) -> bool:
        try:
            self.rows("ASK {}")
            return True
        except OSError:
            return False

    def rows(self, query: str, union: bool = False) -> list[dict]:
        url = f"{self.url}/query?query={quote(query)}" + ("&union-default-graph" if union else "")
        request = urllib.request.Request(url, headers={"Accept": "text/csv"})
        text = urllib.request.urlopen(request, timeout=60).read().decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))

    def update(self, update: str) -> None:
        request = urllib.request.Request(f"{self.url}/update", data=update.encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        urllib.request.urlopen(request, timeout=60).read()

    def quads(self) -> set[ox.Quad]:
        request = urllib.request.Request(f"{self.url}/store", headers={"Accept": "application/n-quads"})
        body = urllib.request.urlopen(request, timeout=60).read()
        return set(ox.parse(body, format=ox.RdfFormat.N_QUADS))

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    s = Oxigraph(tmp_path / "oxigraph")
    yield s
    s.close()


def _project_quads(quads: set[ox.Quad]) -> set[ox.Quad]:
    return {q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(BASE)}


def _build_quads(project: Path) -> set[ox.Quad]:
    quads = set(ox.parse(path=str(project / "build" / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    assert quads and quads == _project_quads(quads)  # every graph of the build is under the base
    return quads


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The seed and a note verbale: two documents, three graphs (the authority graph with them)."""
    folder = make_project(tmp_path_factory.mktemp("push"))
    (folder / "source" / "documents" / "nv-en").mkdir()
    shutil.copy(ROOT / "tests" / "cases" / "en-note-verbale-annex" / "input.txt",
                folder / "source" / "documents" / "nv-en" / "en.txt")
    assert run_unkg("build", cwd=folder).returncode == 0
    return folder


def _push(project: Path, url: str, *options: str) -> subprocess.CompletedProcess:
    result = run_unkg("push", url, *options, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_push_makes_the_server_hold_the_build(project, server):
    server.update(f"INSERT DATA {{ GRAPH {OTHER} {{ <http://example.org/s> <http://example.org/p> 1 }} }}")
    other = server.quads()
    result = _push(project, f"{server.url}/store")
    assert "pushed 3 graph(s)" in result.stdout
    assert "(oxigraph): 3 new, 0 replaced, 0 removed, 0 unchanged" in result.stdout
    assert server.quads() == _build_quads(project) | other  # quad for quad, someone else's graph kept
    for name in ("who-signed", "annexes"):  # and a query gives the embedded store's answers
        query = (default("queries") / f"{name}.rq").read_text(encoding="utf-8")
        local = run_unkg("query", f"queries/{name}.rq", "--format", "csv", cwd=project).stdout
        assert server.rows(query, union=True) == list(csv.DictReader(io.StringIO(local))), name


def test_pushing_again_sends_nothing_and_changes_nothing(project, server):
    _push(project, server.url)  # the server's root works as well as its /store
    before = server.quads()
    result = _push(project, f"{server.url}/store")
    assert "pushed 0 graph(s)" in result.stdout
    assert ": 0 new, 0 replaced, 0 removed, 3 unchanged; 0 quads sent" in result.stdout
    assert server.quads() == before == _build_quads(project)


def _options(protocol: str, server) -> tuple[str, ...]:
    return ("--protocol", protocol) + (("--query-url", f"{server.url}/query") if protocol == "gsp" else ())


@pytest.mark.parametrize("protocol", ["oxigraph", "gsp"])
@pytest.mark.parametrize("alteration", ["a triple missing", "a triple too many", "a triple changed"])
def test_an_altered_graph_is_replaced_and_only_it(project, server, alteration, protocol):
    _push(project, f"{server.url}/store", *_options(protocol, server))
    graph = next(q.graph_name for q in _build_quads(project) if "/akn/" in q.graph_name.value)
    victim = next(q for q in _build_quads(project) if q.graph_name == graph)
    delete = f"DELETE DATA {{ GRAPH {graph} {{ {victim.triple} }} }}"
    insert = f"INSERT DATA {{ GRAPH {graph} {{ <{BASE}x> <{BASE}y> 'stale' }} }}"
    server.update({"a triple missing": delete, "a triple too many": insert,
                   "a triple changed": f"{delete} ; {insert}"}[alteration])
    assert server.quads() != _build_quads(project)
    result = _push(project, f"{server.url}/store", "--batch", "1", *_options(protocol, server))
    assert "pushed 1 graph(s)" in result.stdout
    assert f"({protocol}): 0 new, 1 replaced, 0 removed, 2 unchanged" in result.stdout
    assert server.quads() == _build_quads(project)


def _copy_project(project: Path, folder: Path) -> Path:
    shutil.copytree(project, folder, symlinks=True)
    return folder


@pytest.mark.parametrize("protocol", ["oxigraph", "gsp"])
def test_a_removed_document_loses_its_graph(project, server, tmp_path, protocol):
    copy = _copy_project(project, tmp_path / "copy")
    options = _options(protocol, server)
    server.update(f"INSERT DATA {{ GRAPH {OTHER} {{ <http://example.org/s> <http://example.org/p> 1 }} }}")
    other = server.quads()
    result = _push(copy, f"{server.url}/store", *options)
    assert f"({protocol}): 3 new" in result.stdout
    assert server.quads() == _build_quads(copy) | other
    gone = {q.graph_name for q in _build_quads(copy)}
    shutil.rmtree(copy / "source" / "documents" / "nv-en")
    assert run_unkg("build", cwd=copy).returncode == 0
    gone -= {q.graph_name for q in _build_quads(copy)}
    assert len(gone) == 1
    result = _push(copy, f"{server.url}/store", *options)
    assert "pushed 0 graph(s)" in result.stdout and ": 0 new, 0 replaced, 1 removed, 2 unchanged" in result.stdout
    assert server.quads() == _build_quads(copy) | other  # its graph gone, someone else's still there
    assert not {q for q in server.quads() if q.graph_name in gone}


def test_gsp_without_a_query_endpoint_puts_every_graph_and_says_what_it_cannot_do(project, server):
    result = _push(project, f"{server.url}/store", "--protocol", "gsp")
    assert "(gsp): 3 new" in result.stdout and "were not removed" in result.stderr
    result = _push(project, f"{server.url}/store", "--protocol", "gsp")  # put whole again: same state
    assert server.quads() == _build_quads(project)


class FlakyStore:
    """A Graph Store endpoint that answers 503 to the first `failures` requests, then accepts every PUT
    (and records it), and does not say it is Oxigraph."""

    def __init__(self, failures: int):
        self.failures = failures
        self.requests: list[tuple[str, str]] = []
        self.put: dict[str, bytes] = {}

    def __call__(self, environ, start_response):
        from werkzeug.wrappers import Request, Response

        request = Request(environ)
        self.requests.append((request.method, request.args.get("graph", "")))
        body = request.get_data()
        if len(self.requests) <= self.failures:
            response = Response("the store is busy, try later", status=503)
        else:
            if request.method == "PUT":
                self.put[request.args["graph"]] = body
            response = Response(status=204)
        response.headers["Server"] = "FlakyStore/1"
        return response(environ, start_response)


def test_a_failing_server_is_tried_again(project):
    app = FlakyStore(failures=2)
    fake = WsgiServer(app)
    try:
        result = _push(project, f"http://127.0.0.1:{fake.port}/data", "--retries", "2")
    finally:
        fake.close()
    assert "(gsp): 3 new" in result.stdout  # auto: not Oxigraph, so the plain protocol
    assert app.requests[:3] == [("HEAD", "")] * 3  # twice refused, the third try answered
    graphs = {q.graph_name.value for q in _build_quads(project)}
    assert set(app.put) == graphs and len(app.requests) == 3 + len(graphs)
    for graph, body in app.put.items():  # each graph whole, as N-Triples
        sent = {q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
        assert sent == {q.triple for q in _build_quads(project) if q.graph_name.value == graph}


def test_a_server_failing_past_the_retries_names_url_status_and_message(project):
    app = FlakyStore(failures=1000)
    fake = WsgiServer(app)
    url = f"http://127.0.0.1:{fake.port}/data"
    try:
        result = run_unkg("push", url, "--retries", "1", "--protocol", "gsp", cwd=project)  # PUT, no HEAD
    finally:
        fake.close()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert url in result.stderr and "HTTP 503" in result.stderr and "the store is busy" in result.stderr
    assert len(app.requests) == 2  # the first try and one more


def test_a_server_that_refuses_names_url_and_status(project, server):
    result = run_unkg("push", f"{server.url}/no-such-endpoint", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{server.url}/no-such-endpoint" in result.stderr and "HTTP 404" in result.stderr


def test_a_server_that_is_down(project, server):
    url = f"{server.url}/store"
    server.close()  # the port was the server's: nothing listens there now
    result = run_unkg("push", url, "--retries", "1", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert url in result.stderr and "cannot reach" in result.stderr


def test_no_build(tmp_path):
    result = run_unkg("push", "http://127.0.0.1:9/store", cwd=make_project(tmp_path))
    assert result.returncode == 2 and "run `unkg build` first" in result.stderr


def test_a_url_that_is_not_http(project):
    result = run_unkg("push", "ftp://example.org/store", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ftp://example.org/store" in result.stderr and "http(s) URL" in result.stderr
