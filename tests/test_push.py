"""`unkg push`: the dataset into a real Oxigraph server (the PyPI package `oxigraph`, on 127.0.0.1, a
free port), where a query gives the same answers as the embedded store; pushing again changes nothing;
a server that is down or refuses gives a clear error naming the URL, exit 2."""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import default, make_project, run_unkg


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("push"))
    assert run_unkg("build", cwd=project).returncode == 0
    return project


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    assert exe, "the oxigraph server (PyPI package oxigraph) is not installed"
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/query?query={quote('ASK {}')}", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the oxigraph server did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def _server_rows(base: str, query: str) -> list[dict]:
    request = urllib.request.Request(f"{base}/query?query={quote(query)}&union-default-graph",
                                     headers={"Accept": "text/csv"})
    return list(csv.DictReader(io.StringIO(urllib.request.urlopen(request, timeout=30).read().decode("utf-8"))))


def _count(base: str) -> int:
    rows = _server_rows(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"])


def test_push_then_the_server_answers_like_the_store(project, oxigraph):
    result = run_unkg("push", f"{oxigraph}/store", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "pushed 2 graph(s)" in result.stdout  # the seed's graph and the authority graph
    for name in ("who-signed", "annexes", "mentions-of-organisation"):
        query = (default("queries") / f"{name}.rq").read_text(encoding="utf-8")
        local = run_unkg("query", f"queries/{name}.rq", "--format", "csv", cwd=project).stdout
        assert _server_rows(oxigraph, query) == list(csv.DictReader(io.StringIO(local))), name


def test_pushing_again_changes_nothing(project, oxigraph):
    run_unkg("push", f"{oxigraph}/store", cwd=project)
    before = _count(oxigraph)
    assert run_unkg("push", f"{oxigraph}/store", cwd=project).returncode == 0
    assert _count(oxigraph) == before > 1000


def test_a_server_that_refuses_names_url_and_status(project, oxigraph):
    result = run_unkg("push", f"{oxigraph}/no-such-endpoint", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{oxigraph}/no-such-endpoint" in result.stderr and "HTTP 4" in result.stderr


def test_a_server_that_is_down(project):
    url = f"http://127.0.0.1:{_free_port()}/store"
    result = run_unkg("push", url, cwd=project)
    assert result.returncode == 2 and url in result.stderr and "cannot reach" in result.stderr
