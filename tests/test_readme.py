"""The README cannot drift: every command it shows is run here, in the order it shows them.

The README's fenced blocks are of four kinds: ``sh`` (commands, one a line, run as shown), ``console``
(``$ command`` followed by its exact output), ``toml`` (a `document.toml` or a `[tool.unkg]` table, each
checked by loading it) and ``text`` (pictures, not run). They run in a copy of the checkout's project — its
`pyproject.toml` and the seed under `source/documents/` — in a temporary folder, never in the repository, with
the `unkg` of the interpreter running the tests first on PATH. What the reader brings is supplied:
`letter.txt`, "the text of a letter" of the quick start, is a real-looking English letter (the parser case
`en-full-masthead`), so the quick start's "add your own documents" step runs for real, and the test checks
that the new document is in the query result and on the site.

Lines the test does not run (`NOT_RUN`): `make` builds the repository's own `build/`, which tests never touch
(and `make test` is what runs this test); activating `.venv` is what putting the interpreter's folder first on
PATH does. `unkg serve` is started in the background on a free port (the `port` setting, `UNKG_PORT`), the
README's `127.0.0.1:8000` in later lines pointing there, and stopped at the end; `unkg push`'s
`127.0.0.1:7878` is a real Oxigraph server (the PyPI package `oxigraph`) started on a free port.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from dataclasses import fields
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT, SEED

README = ROOT / "README.md"
LETTER = ROOT / "tests" / "cases" / "en-full-masthead" / "input.txt"  # the reader's `letter.txt`
BIN = Path(sys.executable).parent
NOT_RUN = {"make", ". .venv/bin/activate"}  # see the module's docstring
SERVE_PORT, PUSH_PORT = "127.0.0.1:8000", "127.0.0.1:7878"  # as the README writes them
FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def blocks() -> list[tuple[str, str]]:
    return FENCE.findall(README.read_text(encoding="utf-8"))


def commands(body: str) -> list[str]:
    """The command lines of an ``sh`` block."""
    return [line.strip() for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def argv(line: str) -> list[str]:
    return shlex.split(line, comments=True)


def need(tool: str, why: str) -> str:
    """The path of `tool`; without it the test skips (fails under CI)."""
    path = shutil.which(tool, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed ({why})")
        pytest.skip(f"{tool} is not installed ({why})")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, accept: str = "text/html") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


def wait_for(url: str, proc: subprocess.Popen, what: str) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            out = proc.stderr.read() if proc.stderr else ""
            pytest.fail(f"{what} ended with exit code {proc.returncode}: {out}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{what} did not answer at {url} within a minute")


def stop(proc: subprocess.Popen) -> None:
    """End a process this test started, and its process group (its worker processes)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


# -- what each command must print ---------------------------------------------------------------------------

def check_build(args, result, project):
    out = result.stdout + result.stderr
    assert re.search(r"\b[1-9]\d* document\(s\) built\b.*\b0 refused\b", out), out


def check_facts(args, result, project):
    card = json.loads(result.stdout)
    assert card["title"] and card["date"] and card["sender"], card


def check_query(args, result, project):
    fmt = args[args.index("--format") + 1] if "--format" in args else "table"
    if fmt == "json":
        assert json.loads(result.stdout)["results"]["bindings"], result.stdout
    elif fmt in ("csv", "tsv"):
        assert len(result.stdout.strip().splitlines()) >= 2, result.stdout  # a header and a row
    else:
        m = re.search(r"^\((\d+) rows?\)$", result.stdout, re.M)
        assert m and int(m.group(1)) >= 1, result.stdout


def check_validate(args, result, project):
    assert "conforms" in result.stdout and "does not conform" not in result.stdout, result.stdout


def check_export(args, result, project):
    out = next((args[i + 1] for i, a in enumerate(args) if a in ("-o", "--output")), None)
    text = (project / out).read_text(encoding="utf-8") if out else result.stdout
    marks = {"mrk": "=LDR", "marc": "<record", "dc": "<oai_dc:dc", "akn": "<akomaNtoso"}
    assert marks[args[2]] in text, text[:500]


def check_push(args, result, project):
    assert re.search(r"pushed [1-9]\d* graph", result.stdout), result.stdout


def check_clean(args, result, project):
    assert not (project / "build").exists() and not list(project.glob(".build*")), sorted(project.iterdir())
    assert (project / "source" / "documents").is_dir()


def check_shell(args, result, project):
    pass  # mkdir, cp: the exit code says it


def check_curl(args, result, project):
    lines = result.stdout.strip().splitlines()
    assert lines[0].strip() == "letter,date" and len(lines) >= 2, result.stdout


CHECKS = {
    ("unkg", "build"): check_build,
    ("unkg", "facts"): check_facts,
    ("unkg", "query"): check_query,
    ("unkg", "validate"): check_validate,
    ("unkg", "export"): check_export,
    ("unkg", "push"): check_push,
    ("unkg", "clean"): check_clean,
    ("mkdir",): check_shell,
    ("cp",): check_shell,
    ("curl",): check_curl,
}


def check_for(args: list[str]):
    for key in (tuple(args[:2]), tuple(args[:1])):
        if key in CHECKS:
            return CHECKS[key]
    pytest.fail(f"the README shows {' '.join(args)!r}, which this test has no check for: add one to CHECKS")


# -- the run ------------------------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the checkout's project (settings and the seed), with the reader's letter beside it."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copytree(SEED.parent, project / "source" / "documents" / SEED.parent.name)  # the seed only
    shutil.copy(LETTER, project / "letter.txt")
    return project


@pytest.fixture
def env() -> dict[str, str]:
    assert (BIN / "unkg").exists(), f"no unkg beside {sys.executable}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNKG_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


class Run:
    """The README's commands, run one after the other in `project`."""

    def __init__(self, project: Path, env: dict[str, str], added: tuple[str, str]):
        self.project, self.env, self.added = project, env, added
        self.server: subprocess.Popen | None = None
        self.oxigraph: subprocess.Popen | None = None
        self.serve_url: str | None = None
        self.push_url: str | None = None
        self.ran: list[str] = []

    def line(self, line: str) -> subprocess.CompletedProcess | None:
        args = argv(line)
        if " ".join(args) in NOT_RUN or args[:1] == ["make"]:
            return None
        if args[:2] == ["unkg", "serve"]:
            self.serve(line)
            return None
        if SERVE_PORT in line:
            assert self.serve_url, f"{line!r} comes before `unkg serve` in the README"
            line = line.replace(f"http://{SERVE_PORT}", self.serve_url)
        if PUSH_PORT in line:
            line = line.replace(f"http://{PUSH_PORT}", self.start_oxigraph())
        if args[0] == "curl":
            need("curl", "the README's SPARQL example uses it")
        result = subprocess.run(["bash", "-c", line], cwd=self.project, env=self.env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, f"{line!r} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        check_for(args)(args, result, self.project)
        self.ran.append(line)
        return result

    def serve(self, line: str) -> None:
        assert self.server is None, "the README starts unkg serve twice"
        port = free_port()
        self.serve_url = f"http://127.0.0.1:{port}"
        self.server = subprocess.Popen(["bash", "-c", f"exec {line}"], cwd=self.project,
                                       env={**self.env, "UNKG_PORT": str(port)}, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, start_new_session=True)
        wait_for(f"{self.serve_url}/", self.server, line)
        site_shows_the_added_document(self, *self.added)
        self.ran.append(line)

    def start_oxigraph(self) -> str:
        if self.push_url is None:
            exe = need("oxigraph", "the PyPI package oxigraph: the Graph Store `unkg push` loads into")
            port = free_port()
            store = self.project.parent / "oxigraph"
            self.oxigraph = subprocess.Popen([exe, "serve", "--location", str(store), "--bind",
                                              f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                             stderr=subprocess.PIPE, text=True, start_new_session=True)
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/query?query={quote('ASK {}')}", self.oxigraph, "the oxigraph server")
            self.push_url = base
        return self.push_url

    def close(self) -> None:
        for proc in (self.server, self.oxigraph):
            if proc is not None:
                stop(proc)


def added_document() -> tuple[str, str]:
    """The key and language of the quick start's "add your own documents" step."""
    for kind, body in blocks():
        for line in commands(body) if kind == "sh" else []:
            m = re.fullmatch(r"cp letter\.txt source/documents/([^/\s]+)/(\w\w)\.txt", line)
            if m:
                return m.group(1), m.group(2)
    pytest.fail("the README shows no `cp letter.txt source/documents/<key>/<lang>.txt` step")


def test_every_command_the_readme_shows_runs(project, env):
    run = Run(project, env, added_document())
    try:
        for kind, body in blocks():
            if kind == "sh":
                for line in commands(body):
                    run.line(line)
            elif kind == "console":
                for command, expected in console(body):
                    result = run.line(command)
                    assert result is not None, command
                    assert result.stdout.splitlines() == expected, (
                        f"{command!r} printed\n{result.stdout}\nthe README shows\n" + "\n".join(expected))
    finally:
        run.close()
    assert run.server is not None, "the README does not run unkg serve"
    assert any(line.startswith("unkg query") for line in run.ran)


def console(body: str) -> list[tuple[str, list[str]]]:
    """The ``$ command`` lines of a ``console`` block, each with the output the README shows."""
    pairs: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:].strip(), []))
        else:
            assert pairs, f"output before a command in a console block: {line!r}"
            pairs[-1][1].append(line)
    return pairs


def site_shows_the_added_document(run: Run, key: str, lang: str) -> None:
    """The document added in the quick start is in the query result, on the site's index and on its page
    (checked as soon as the README starts `unkg serve`)."""
    card = json.loads((run.project / "build" / "facts" / f"{key}.{lang}.json").read_text(encoding="utf-8"))
    result = subprocess.run(["unkg", "query", "letters", "--format", "csv"], cwd=run.project, env=run.env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if card["title"] in line]
    assert rows, f"{card['title']!r} is not in `unkg query letters`:\n{result.stdout}"
    work = rows[0].split(",")[0]
    status, index = fetch(f"{run.serve_url}/")
    assert status == 200 and card["title"] in index, index
    path = work.removeprefix("https://w3id.org/unkg")
    assert f'href="{path}"' in index, f"the index does not link {path}"
    status, page = fetch(f"{run.serve_url}{path}")
    assert status == 200 and card["title"] in page and card["sender"]["name"] in page, page[:2000]


# -- the blocks that are not commands, and the reference sections ---------------------------------------------

def test_every_block_is_of_a_kind_this_test_knows():
    kinds = [kind for kind, _ in blocks()]
    assert kinds and set(kinds) <= {"sh", "console", "toml", "text"}, kinds
    assert "sh" in kinds and "console" in kinds


def test_the_readmes_document_toml_is_read(tmp_path, env):
    sidecars = [tomllib.loads(body) for kind, body in blocks() if kind == "toml" and "[tool.unkg]" not in body]
    assert sidecars, "the README shows no document.toml"
    for i, sidecar in enumerate(sidecars):
        folder = tmp_path / f"doc{i}"
        folder.mkdir()
        shutil.copy(ROOT / "source" / "documents" / "000_5b684ff4652c0d37" / "zh.txt", folder / "zh.txt")
        (folder / "document.toml").write_text(
            next(body for kind, body in blocks() if kind == "toml" and tomllib.loads(body) == sidecar),
            encoding="utf-8")
        result = subprocess.run(["unkg", "facts", str(folder / "zh.txt")], env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        card = json.loads(result.stdout)
        if "symbols" in sidecar:
            assert card["symbols"] == sidecar["symbols"]
        if "original_language" in sidecar:
            assert card["original_language"] == sidecar["original_language"]
        if "issued" in sidecar:
            assert card["issued"] == sidecar["issued"].isoformat()


def test_the_readmes_settings_table_and_example_are_the_codes(tmp_path):
    from unkg.config import Settings, load_settings

    readme = README.read_text(encoding="utf-8")
    for f in fields(Settings):
        if f.name == "project":
            continue
        m = re.search(rf"^\| `{f.name}` \| `([^`]*)` \|", readme, re.M)
        assert m, f"the README's settings table has no row for {f.name}"
        assert m.group(1) == str(f.default), f"{f.name}: the README says {m.group(1)!r}, the code {f.default!r}"
    examples = [body for kind, body in blocks() if kind == "toml" and "[tool.unkg]" in body]
    assert examples, "the README shows no [tool.unkg] example"
    for body in examples:
        (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
        settings = load_settings(tmp_path, env={})
        for k, v in tomllib.loads(body)["tool"]["unkg"].items():
            assert getattr(settings, k) == v, k


def help_text(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(["unkg", *args, "--help"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_command_and_option_is_in_the_readme(env):
    readme = README.read_text(encoding="utf-8")
    main = help_text(env=env)
    names = re.findall(r"^  ([a-z][a-z-]*)  ", main.split("Commands:", 1)[1], re.M)
    assert names, main
    for option in re.findall(r"(--[a-z][a-z-]*)", main.split("Commands:", 1)[0]):
        assert option == "--help" or re.search(rf"(?<![\w-]){option}\b", readme), option
    for name in names:
        heading = re.search(rf"^### `unkg {name}\b.*$", readme, re.M)
        assert heading, f"the README has no section `### unkg {name}`"
        section = readme[heading.end():].split("\n### ", 1)[0].split("\n## ", 1)[0]
        for option in re.findall(r"(?:^|\s)(-[a-z]|--[a-z][a-z-]*)\b", help_text(name, env=env).split("Options:")[1]):
            assert option == "--help" or f"`{option}" in section, f"unkg {name} {option} is not in its README section"
