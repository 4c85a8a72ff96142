"""The command line and the build, as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from unkg.config import SETTINGS_HELP
from unkg.facts import card
from unkg.parse import parse_file

from conftest import ROOT, SEED, SEED_KEY, make_project, run_unkg


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's inputs in a fresh folder."""
    return make_project(tmp_path)


def test_facts_prints_the_card(auth):
    result = run_unkg("facts", str(SEED))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == card(parse_file(SEED, auth))


def test_version():
    result = run_unkg("--version")
    assert result.returncode == 0 and result.stdout.startswith("unkg, version ")


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_facts_and_is_byte_identical(project):
    """Two builds in two processes with different hash seeds write the same bytes, every file."""
    first = run_unkg("build", cwd=project, env={"PYTHONHASHSEED": "1"})
    assert first.returncode == 0, first.stderr
    out = project / "build" / "facts" / f"{SEED_KEY}.zh.json"
    assert json.loads(out.read_bytes())["date"] == "2025-05-28"
    before = _files(project / "build")
    second = run_unkg("build", cwd=project, env={"PYTHONHASHSEED": "2"})
    assert second.returncode == 0
    after = _files(project / "build")
    assert before.keys() == after.keys() and len(before) >= 10
    assert [str(k) for k in before if before[k] != after[k]] == []
    assert "1 document(s) built (1 reused from the previous build), 0 refused" in second.stdout


def test_build_refuses_a_bad_document_and_keeps_the_rest(project):
    assert run_unkg("build", cwd=project).returncode == 0
    good = project / "build" / "facts" / f"{SEED_KEY}.zh.json"
    before = good.read_bytes()
    bad = project / "source" / "documents" / "broken" / "zh.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    result = run_unkg("build", cwd=project)
    assert result.returncode == 1
    assert "broken/zh.txt" in result.stderr and "empty file" in result.stderr
    assert good.read_bytes() == before
    assert not (project / "build" / "facts" / "broken.zh.json").exists()
    assert not [p for p in good.parent.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_broken_authority_file_names_file_and_line(project):
    (project / "source" / "authorities" / "states.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<state/x> skos:prefLabel \"X\"@en\n",
        encoding="utf-8")
    result = run_unkg("build", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "states.ttl" in result.stderr and "not valid Turtle" in result.stderr


def test_bad_base_setting_is_a_clear_error(project):
    result = run_unkg("build", cwd=project, env={"UNKG_BASE": "ftp://example.org/x"})
    assert result.returncode == 2 and "not an absolute http(s) IRI" in result.stderr


def test_unknown_dump_format_is_a_clear_error(project):
    result = run_unkg("build", cwd=project, env={"UNKG_DUMPS": "nq rdfxml"})
    assert result.returncode == 2 and "'rdfxml'" in result.stderr and "nq ttl jsonld trig nt" in result.stderr


def test_the_dataset_files_are_those_the_dumps_setting_asks_for(project):
    assert run_unkg("build", cwd=project).returncode == 0  # by default N-Quads, Turtle, JSON-LD
    assert sorted(p.name for p in (project / "build").glob("dataset.*")) == ["dataset.jsonld", "dataset.nq",
                                                                             "dataset.ttl"]
    assert run_unkg("build", cwd=project, env={"UNKG_DUMPS": "trig"}).returncode == 0  # N-Quads always
    assert sorted(p.name for p in (project / "build").glob("dataset.*")) == ["dataset.nq", "dataset.trig"]


def test_unknown_setting_is_a_clear_error(project):
    with open(project / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write('colour = "blue"\n')
    result = run_unkg("build", cwd=project)
    assert result.returncode == 2 and "unknown setting" in result.stderr and "colour" in result.stderr


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in SETTINGS_HELP:
        if name != "project":
            assert f"| `{name}` |" in readme, name


def test_make_help_lists_the_targets():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    import subprocess

    result = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True)
    for target in ("all", "install", "build", "test", "clean"):
        assert f"  {target} " in result.stdout, target


def test_progress_on_larger_builds_and_a_summary(project):
    cases = sorted(p for p in (ROOT / "tests" / "cases").iterdir() if p.name.startswith("zh-"))
    for case in cases + sorted(p for p in (ROOT / "tests" / "cases").iterdir() if p.name.startswith("en-"))[:2]:
        target = project / "source" / "documents" / case.name
        target.mkdir()
        shutil.copy(case / "input.txt", target / ("zh.txt" if case.name.startswith("zh-") else "en.txt"))
        if (case / "document.toml").exists():
            shutil.copy(case / "document.toml", target / "document.toml")
    result = run_unkg("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "building" in result.stderr  # the progress bar (its label, where stderr is not a terminal)
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("6 document(s) built (0 reused from the previous build), 0 refused, ")
    assert summary.endswith(" s")
    assert "triples" in summary and "warning(s)" in summary and "violation(s)" in summary
