"""Shared test fixtures.

`../shared` (the reference documents, vocabularies and validators) is read, never copied: tests that
need it skip cleanly when it is absent, except under CI (the CI environment variable), where its
absence is a failure."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from unkg import authority
from unkg.config import DEFAULT_FOLDERS, DEFAULTS, load_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_KEY = "000_5b684ff4652c0d37"
SEED = ROOT / "source" / "documents" / SEED_KEY / "zh.txt"


def default(name: str) -> Path:
    """The package's default folder `name` (authorities, shapes, ontology, templates, crosswalks, queries)."""
    assert name in DEFAULT_FOLDERS, name
    return DEFAULTS / name


def make_project(folder: Path, documents: bool = True) -> Path:
    """A project in `folder`, to build there: the settings, a copy of the default shapes, ontology,
    queries, templates, crosswalks and authority data as the project's own folders (tests edit them), and,
    unless `documents` is false, the seed document."""
    import shutil

    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    for name in ("shapes", "ontology", "queries", "templates", "crosswalks"):
        shutil.copytree(default(name), folder / name)
    shutil.copytree(default("authorities"), folder / "source" / "authorities")
    if documents:  # the seed only: a user's own documents in the checkout's source/ are not the tests'
        shutil.copytree(SEED.parent, folder / "source" / "documents" / SEED_KEY)
    return folder


def plain_find(auth, text: str, lang: str, kinds) -> list:
    """`Authorities.find` the plain way, for the tests of its shortcuts: the names' pattern run afresh, each
    match looked up by its fold (one that is no name passed over, as `find` does)."""
    body, flags, table = auth._finder(lang, frozenset(kinds))
    if body is None:
        return []
    pattern = re.compile(body, flags) if isinstance(body, str) else body
    found = ((m, table.get(auth._key(m.group(0), lang))) for m in pattern.finditer(text))
    return [(m.start(), m.end(), ent) for m, ent in found if ent is not None]


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test when it is absent (fails under CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing under CI")
        pytest.skip(f"{path} is absent (../shared is not on this machine)")
    return path


@pytest.fixture(scope="session")
def settings():
    return load_settings(ROOT, env={})


@pytest.fixture(scope="session")
def auth(settings):
    return authority.load(settings.authorities_dir, settings.base)


def run_unkg(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command line as a user runs it, in a separate process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "unkg", *args], cwd=cwd, capture_output=True, text=True, env=full_env,
        timeout=120,
    )


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def compare_card(got: dict, expected: dict) -> list[str]:
    """Differences between a card and an expected card, field by field, skipping `warnings`, the
    fields listed in `_unscored` and the keys starting with `_`; `_warnings` must each appear."""
    problems = []
    skip = set(expected.get("_unscored", [])) | {"warnings"}
    for key, value in expected.items():
        if key.startswith("_") or key in skip:
            continue
        if got.get(key) != value:
            problems.append(f"{key}:\n  got      {got.get(key)!r}\n  expected {value!r}")
    for want in expected.get("_warnings", []):
        if not any(want in w for w in got.get("warnings", [])):
            problems.append(f"no warning contains {want!r}; warnings: {got.get('warnings')}")
    return problems


def pytest_addoption(parser):
    parser.addoption("--update-snapshots", action="store_true", default=False,
                     help="rewrite the graph snapshots under tests/snapshots/ from the current output")


@pytest.fixture
def update_snapshots(request) -> bool:
    return request.config.getoption("--update-snapshots")


class WsgiServer:
    """A WSGI application served in this process on a free loopback port, for HTTP tests."""

    def __init__(self, app):
        import threading

        from werkzeug.serving import make_server

        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        self.last_headers = dict(response.getheaders())
        conn.close()
        return response.status, response.getheader("Content-Type") or "", data

    def close(self):
        self.httpd.shutdown()


# the documents of the exchange project (MARC, AKN, OAI-PMH tests): folder -> {language: test case}
DOCUMENTS = {
    "A-79-900": {lang: f"{lang}-full-masthead" for lang in ("ar", "zh", "en", "fr", "ru", "es")},
    "nv-en": {"en": "en-note-verbale-annex"},
    "nv-fr": {"fr": "fr-note-verbale-annex"},
    "identical-en": {"en": "en-identical-letters-annexes"},
    "identical-ar": {"ar": "ar-identical-letters-annexes"},
}


@pytest.fixture(scope="session")
def exchange_project(tmp_path_factory) -> Path:
    """A built project of six documents (one in six languages), the seed among them."""
    import shutil

    from unkg.build import build

    cases = Path(__file__).parent / "cases"
    folder = make_project(tmp_path_factory.mktemp("exchange"), documents=False)
    docs = folder / "source" / "documents"
    shutil.copytree(ROOT / "source" / "documents" / SEED_KEY, docs / SEED_KEY)
    for key, langs in DOCUMENTS.items():
        (docs / key).mkdir(parents=True)
        for lang, case in langs.items():
            shutil.copy(cases / case / "input.txt", docs / key / f"{lang}.txt")
    report = build(load_settings(folder, env={}))
    assert not report.refused, report.refused
    return folder


def process_gone(pid: int) -> bool:
    """Has the process `pid` ended (gone, or a zombie that runs no more)? Linux /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(") ", 1)[1].startswith(("Z", "X"))
    except FileNotFoundError:
        return True


def wait_until(condition, limit: float = 20.0) -> bool:
    """Poll `condition` until it holds or `limit` seconds have passed; whether it holds (no test asserts a
    speed: the limit is far beyond what the awaited event takes)."""
    import time

    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


_DROPPED = re.compile(r"not read from line \d+, where the text appears to stop: (?P<names>.+)$")
_FIELD_OF = {"annex": "annexes", "agenda": "organs"}  # a dropped value's first word -> its card field


def excused_fields(warnings) -> set[str]:
    """The card fields whose value the parser says it dropped or doubts, by its warnings (each a string):
    "not read from line N, where the text appears to stop: sender name, annex I date" excuses `sender`
    and `annexes`; "… (sender doubtful)" excuses `sender`. Any other warning excuses nothing."""
    fields: set[str] = set()
    for w in warnings:
        m = _DROPPED.search(w)
        if m:
            for name in m.group("names").split(", "):
                first = name.split(" ")[0]
                fields.add(_FIELD_OF.get(first, first))
        if "(sender doubtful)" in w:
            fields.add("sender")
    return fields
