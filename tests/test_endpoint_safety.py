"""`unkg serve` and `unkg query` against hostile or odd requests (issue 15): no request ever leaves the
server (SERVICE is refused), a query past the time limit has its worker process killed, a cap on running
queries (503 with Retry-After), a size limit (413), a 4xx with a message for every malformed request and
never a traceback, the production server (waitress) with a checked port, a new build served without a
restart. Every server here listens on 127.0.0.1 only; every wait is bounded and polls."""

from __future__ import annotations

import dataclasses
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from werkzeug.test import Client

from unkg.build import build
from unkg.config import load_settings
from unkg.serve import App, make_server
from unkg.serve.sparql import calls_service

from conftest import ROOT, make_project, process_gone, wait_until

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # hours on any of these datasets
CASES = Path(__file__).parent / "cases"


def _env() -> dict:
    """The environment of a child process: no proxy (a request to 127.0.0.1 must go to 127.0.0.1)."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = "*"
    return env


def _unkg(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "unkg", *args], cwd=cwd, capture_output=True, text=True,
                          env={**_env(), **(env or {})}, timeout=timeout)


class Listener:
    """A TCP socket listening on 127.0.0.1 (a free port): a request sent to it is a connection waiting."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]

    def connected(self) -> bool:
        """Whether a connection is waiting (the kernel completes a connection before accept())."""
        self.sock.setblocking(False)
        try:
            conn, _ = self.sock.accept()
        except BlockingIOError:
            return False
        conn.close()
        return True

    def close(self):
        self.sock.close()


class Served:
    """The app behind the production server (waitress), in a thread, on 127.0.0.1 and a free port."""

    def __init__(self, settings):
        self.server = make_server(settings, "127.0.0.1", 0)
        self.app = self.server.application
        self.port = self.server.effective_port
        self.closing = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.server.run()
        except OSError:  # its socket closed under its loop by close()
            if not self.closing:
                raise

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def close(self):
        self.closing = True
        self.server.close()
        self.thread.join(30)
        self.app.close()


@pytest.fixture(scope="module")
def settings(exchange_project):
    return load_settings(exchange_project, env={})


@pytest.fixture(scope="module")
def served(settings):
    srv = Served(settings)
    yield srv
    srv.close()


# -- 1. SERVICE: no request leaves the server ----------------------------------------------------------------
@pytest.mark.parametrize("query,service", [
    ("SELECT * WHERE { SERVICE <http://x.example/sparql> { ?s ?p ?o } }", True),
    ("select * where { service <http://x.example/sparql> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { SeRvIcE SILENT <http://x.example/sparql> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { BIND(<http://x.example/> AS ?e) SERVICE ?e { ?s ?p ?o } }", True),
    ("ASK { { ?s ?p ?o } UNION { OPTIONAL { SERVICE <http://x.example/> { ?s ?p ?o } } } }", True),
    ('SELECT * WHERE { ?s ?p "SERVICE <http://x.example/> { }" }', False),
    ("SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x.example/> { ?s ?p ?o }", False),
    ("PREFIX service: <http://x.example/> SELECT ?service WHERE { ?service service:p ?o }", False),
    ("SELECT * WHERE { ?s <http://x.example/SERVICE> ?o }", False),
    # a query rdflib's parser does not read (RDF-star): its tokens are read instead
    ("SELECT * WHERE { << ?s ?p ?o >> ?q ?r . SERVICE <http://x.example/> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { << ?s ?p ?o >> ?q 'SERVICE' }", False),
])
def test_service_is_found_in_the_parsed_query(query, service):
    assert calls_service(query) is service


@pytest.mark.parametrize("form", ["get", "post-form", "post-direct"])
@pytest.mark.parametrize("keyword", ["SERVICE", "service", "SERVICE SILENT"])
def test_the_endpoint_refuses_service_and_sends_nothing(served, form, keyword):
    listener = Listener()
    try:
        query = f"SELECT * WHERE {{ {keyword} <http://127.0.0.1:{listener.port}/x> {{ ?x ?p ?o }} }}"
        if form == "get":
            status, _, body = served.request("GET", "/sparql?query=" + quote(query))
        elif form == "post-form":
            status, _, body = served.request("POST", "/sparql", urlencode({"query": query}).encode(),
                                             {"Content-Type": "application/x-www-form-urlencoded"})
        else:
            status, _, body = served.request("POST", "/sparql", query.encode(),
                                             {"Content-Type": "application/sparql-query"})
        assert status == 400 and b"SERVICE" in body, (status, body)
        assert not listener.connected()  # the answer came after the worker was done with the query
    finally:
        listener.close()


def test_a_service_word_in_a_string_is_not_refused(served):
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) } # SERVICE'
    status, _, body = served.request("GET", "/sparql?query=" + quote(query))
    assert status == 200 and b"SERVICE <http://127.0.0.1:9/>" in body


def test_the_command_line_refuses_service_unless_federate(exchange_project):
    listener = Listener()
    try:
        query = f"SELECT * WHERE {{ service <http://127.0.0.1:{listener.port}/x> {{ ?x ?p ?o }} }}"
        done = _unkg("query", query, cwd=exchange_project)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("unkg: error:") and "SERVICE" in lines[0], done.stderr
        assert "--federate" in lines[0] and not listener.connected()
        # the control: with --federate the query does reach the listener (so the check above could fail)
        child = subprocess.Popen([sys.executable, "-m", "unkg", "query", "--federate", query], cwd=exchange_project,
                                 env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            listener.sock.setblocking(True)
            listener.sock.settimeout(120)
            conn, _ = listener.sock.accept()
            conn.close()  # no answer: the query fails
            _, err = child.communicate(timeout=120)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == 2 and err.startswith("unkg: error:") and "Traceback" not in err, err
    finally:
        listener.close()


# -- 2. time limit, cap, size -------------------------------------------------------------------------------
def test_a_query_past_the_time_limit_has_its_worker_killed(settings):
    srv = Served(dataclasses.replace(settings, query_timeout=2.0, query_workers=1))
    try:
        assert srv.request("GET", "/sparql?query=" + quote("ASK {}"))[0] == 200
        [pid] = srv.app.queries.pids()
        status, _, body = srv.request("GET", "/sparql?query=" + quote(SLOW))
        assert status == 503 and b"time limit" in body
        assert pid in srv.app.queries.killed
        assert wait_until(lambda: process_gone(pid)), f"worker {pid} still runs"
        assert srv.request("GET", "/sparql?query=" + quote("ASK {}"))[0] == 200  # a new worker
        assert srv.app.queries.pids() and pid not in srv.app.queries.pids()
    finally:
        srv.close()


def test_beyond_the_cap_a_query_is_refused_at_once_with_retry_after(settings):
    srv = Served(dataclasses.replace(settings, query_timeout=600.0, query_workers=1))
    answers = []
    slow = threading.Thread(target=lambda: answers.append(srv.request("GET", "/sparql?query=" + quote(SLOW))))
    try:
        slow.start()
        assert wait_until(lambda: srv.app.queries.running(), 60), "the slow query never started"
        [pid] = srv.app.queries.running()
        status, headers, body = srv.request("GET", "/sparql?query=" + quote("ASK {}"))
        assert status == 503 and b"busy" in body and int(headers["Retry-After"]) > 0
        # pages are not queries: they are served meanwhile
        assert srv.request("GET", "/oai?verb=Identify")[0] == 200
        os.kill(pid, signal.SIGKILL)  # ends the slow query without waiting for its time limit
        slow.join(120)
        assert answers and answers[0][0] == 503  # its worker ended without an answer
        assert srv.request("GET", "/sparql?query=" + quote("ASK {}"))[0] == 200
    finally:
        if slow.is_alive():
            for p in srv.app.queries.running():
                os.kill(p, signal.SIGKILL)
            slow.join(120)
        srv.close()


def test_requests_larger_than_the_limit_get_413(settings):
    srv = Served(dataclasses.replace(settings, request_limit=10_000))
    try:
        padding = "#" + "x" * 20_000 + "\nASK {}"
        status, _, body = srv.request("POST", "/sparql", padding.encode(), {"Content-Type": "application/sparql-query"})
        assert status == 413, body
        status, _, body = srv.request("GET", "/sparql?query=" + quote(padding))
        assert status == 413 and b"limit" in body
        status, _, body = srv.request("GET", "/query?run=1&query=" + quote(padding))  # the query page too
        assert status == 413 and b"limit" in body
        assert srv.request("GET", "/sparql?query=" + quote("#" + "x" * 100 + "\nASK {}"))[0] == 200
    finally:
        srv.close()


def test_a_body_without_content_length_is_limited_too(settings):
    app = App(dataclasses.replace(settings, request_limit=1000))
    try:
        response = Client(app).post("/sparql", input_stream=None, data=b"#" + b"x" * 5000 + b"\nASK {}",
                                    content_type="application/sparql-query")
        assert response.status_code == 413
    finally:
        app.close()


# -- 3. malformed requests: a 4xx with a message, never a 500 ------------------------------------------------
def _sparql(query: str, **extra) -> str:
    return "/sparql?" + urlencode({"query": query, **extra})


@pytest.mark.parametrize("method,path,body,headers,status", [
    ("GET", _sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"), None, {}, 400),
    ("GET", _sparql("SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"), None, {}, 400),
    ("GET", _sparql("SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?p"), None, {}, 400),  # ?s unbound by the grouping
    ("GET", _sparql("SELECT (?nowhere AS ?x) ?x WHERE { }"), None, {}, 400),
    ("GET", _sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999"), None, {}, 400),
    ("GET", _sparql("SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": "not an IRI"}), None, {}, 400),
    ("GET", _sparql("SELECT * WHERE { ?s ?p ?o }", **{"named-graph-uri": "http://[::1"}), None, {}, 400),
    ("GET", _sparql("SELECT * WHERE { ?s ?p ?o }"), None, {"Accept": "image/png"}, 406),
    ("GET", _sparql("SELECT * WHERE { ?s ?p ?o }"), None, {"Accept": "text/turtle"}, 406),
    ("GET", _sparql("CONSTRUCT WHERE { ?s ?p ?o }"), None, {"Accept": "text/csv"}, 406),
    ("GET", _sparql("SELECT * WHERE " + "{" * 3000 + "}" * 3000), None, {}, 400),  # the parsers recurse
    ("GET", _sparql("ASK { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"), None, {}, 400),
    ("GET", _sparql("SELECT * WHERE { <rel> ?p ?o }"), None, {"Host": "[not-a-host"}, 200),
    ("GET", "/sparql?query=%FF%FE", None, {}, 400),
    ("GET", "/sparql?query=", None, {}, 400),
    ("GET", "/sparql", None, {}, 400),
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400),
    ("GET", "/sparql?update=CLEAR%20ALL", None, {}, 400),
    ("PUT", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query"}, 405),
    ("DELETE", "/sparql", None, {}, 405),
    ("PATCH", "/sparql", b"ASK {}", {}, 405),
    ("OPTIONS", "/sparql", None, {}, 405),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query; charset=latin-1"}, 415),
    ("POST", "/sparql", b"\xff\xfeASK {}", {"Content-Type": "application/sparql-query"}, 400),
    ("POST", "/sparql", b"query=%FF", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
    ("POST", "/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}, 403),
    ("GET", "/akn/%00%FF", None, {"Accept": "text/turtle"}, 404),
    ("GET", "/id/" + "x" * 3000, None, {}, 404),
    ("GET", "/data/../pyproject.toml", None, {}, 404),
])
def test_malformed_requests_get_a_4xx_with_a_message(served, method, path, body, headers, status):
    got, _, data = served.request(method, path, body, headers)
    assert got == status, (got, data[:300])
    assert b"Traceback" not in data and b'File "' not in data
    if status != 200 and method != "HEAD":
        assert data.strip(), "no message"


def test_file_iris_read_no_file(served):
    query = "SELECT * FROM <file:///etc/passwd> FROM NAMED <file:///etc/hostname> WHERE { ?s ?p ?o }"
    status, _, body = served.request("GET", _sparql(query))
    assert status == 200 and b"root:" not in body and b"/bin/" not in body  # no line of the file
    status, _, body = served.request("GET", _sparql("ASK { ?s ?p ?o }", **{"default-graph-uri": "file:///etc/passwd"}))
    assert status == 200 and b"false" in body


def test_an_unexpected_error_is_a_500_without_a_traceback(settings, monkeypatch):
    app = App(settings)
    try:
        def broken(*args, **kwargs):
            raise RuntimeError("secret internals at /some/path")

        monkeypatch.setattr(app.pages, "letters", broken)
        monkeypatch.setattr(app.search, "results", broken)  # `/` from the search index, when the build has one
        response = Client(app).get("/")
        assert response.status_code == 500
        assert b"secret" not in response.data and b"Traceback" not in response.data and b"internal error" in response.data
    finally:
        app.close()


# -- 4. the production server and its port ------------------------------------------------------------------
def test_serve_runs_waitress_and_answers(exchange_project):
    import waitress.server

    with socket.socket() as s:  # a free port for the command line (it cannot be told port 0)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    child = subprocess.Popen([sys.executable, "-m", "unkg", "serve", "--port", str(port)], cwd=exchange_project,
                             env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def answers() -> bool:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/sparql?query=" + quote("ASK {}"))
                response = conn.getresponse()
                ok = response.status == 200 and b"true" in response.read()
                conn.close()
                return ok
            except OSError:
                return False

        assert wait_until(answers, 90), "unkg serve did not answer"
    finally:
        child.terminate()
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    server = make_server(load_settings(exchange_project, env={}), "127.0.0.1", 0)
    try:
        assert isinstance(server, waitress.server.BaseWSGIServer)
    finally:
        server.close()
        server.application.close()


@pytest.mark.parametrize("args,env", [(["--port", "80000"], {}), (["--port", "0"], {}), (["--port", "-1"], {}),
                                      (["--port", "http"], {}), ([], {"UNKG_PORT": "80000"})])
def test_a_port_out_of_range_is_a_usage_error(exchange_project, args, env):
    done = _unkg("serve", *args, cwd=exchange_project, env=env, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "port" in done.stderr.lower()


# -- 5. a new build is served without a restart -------------------------------------------------------------
def test_a_new_build_is_served_without_a_restart(tmp_path):
    project = make_project(tmp_path)
    settings = load_settings(project, env={})
    assert build(settings).built
    srv = Served(settings)
    count = "SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE { ?l <https://schema.org/dateSent> ?d }"

    def letters() -> bytes:
        status, _, body = srv.request("GET", _sparql(count), headers={"Accept": "text/csv"})
        assert status == 200, body
        return body.splitlines()[1]

    try:
        assert letters() == b"1"
        targets = [os.readlink(settings.build_dir)]
        for n, case in enumerate(("en-note-verbale-annex", "fr-note-verbale-annex"), start=2):
            folder = project / "source" / "documents" / f"new-{n}"
            folder.mkdir()
            shutil.copy(CASES / case / "input.txt", folder / f"{case[:2]}.txt")
            report = build(settings)
            assert not report.refused, report.refused
            targets.append(os.readlink(settings.build_dir))
            assert letters() == str(n).encode()  # the query workers read the new store
            status, _, page = srv.request("GET", "/")  # and so do the pages
            assert status == 200 and page.count(b'href="/akn/') >= n
        assert targets[0] == targets[2] != targets[1]  # the second rebuild went back to the first folder
    finally:
        srv.close()


# -- 6. the command line's files ----------------------------------------------------------------------------
def test_query_of_a_missing_file_says_so(exchange_project):
    done = _unkg("query", "nosuch.rq", cwd=exchange_project)
    assert done.returncode == 2
    assert "no such" in done.stderr and "not valid SPARQL" not in done.stderr, done.stderr


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_exported_files_are_readable_as_the_umask_allows(exchange_project, tmp_path, umask, mode):
    out = tmp_path / "out" / "catalogue.mrk"
    done = subprocess.run([sys.executable, "-m", "unkg", "export", "mrk", "-o", str(out)], cwd=exchange_project,
                          capture_output=True, text=True, env=_env(), timeout=300,
                          preexec_fn=lambda: os.umask(umask))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o777 == mode
