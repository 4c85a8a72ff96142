"""The Dask engine (issue 20): `unkg build --engine dask` on a LocalCluster of two worker processes gives the
bytes of the local build; a document that kills its worker, or runs past ``document_timeout``, costs only
itself; a worker lost once costs nothing; without Dask, or with a scheduler that cannot be reached, one line
and exit 2. Misbehaving documents are made so in the workers by a preload module (`dask_preload.py`)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")

import dask  # noqa: E402

from unkg.build import build  # noqa: E402
from unkg.build.dask_tasks import overdue_reason  # noqa: E402
from unkg.build.engine_dask import DIED, INSTALL  # noqa: E402
from unkg.config import load_settings  # noqa: E402
from unkg.errors import InputError  # noqa: E402

from conftest import ROOT, make_project, run_unkg  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402

PRELOAD = Path(__file__).with_name("dask_preload.py")
# the store's database files are Oxigraph's; the build's bookkeeping (generation, the sources' time stamps) its own
BOOKKEEPING = ("store", ".unkg-complete", ".unkg-state.json")


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] not in BOOKKEEPING}


def project(tmp_path: Path, count: int, odd: bool = False) -> Path:
    """A project of `count` generated documents; with `odd`, some with defects, and documents the build
    refuses in every way a worker can (a binary file, a corrupt PDF beside a good text, a link to another's file, a
    sidecar, a sidecar that is a link to nothing)."""
    (tmp_path / "project").mkdir()
    folder = make_project(tmp_path / "project", documents=False)
    generate(tmp_path / "generated", count, seed=11, defects=0.1 if odd else 0)
    docs = folder / "source" / "documents"
    os.replace(tmp_path / "generated" / "documents", docs)
    if odd:
        first = sorted(docs.iterdir())[0]
        (docs / "zz-binary").mkdir()
        (docs / "zz-binary" / "en.txt").write_bytes(b"\0\1 not text")
        (docs / "zz-pdf").mkdir()
        shutil.copy(next(first.glob("*.txt")), docs / "zz-pdf" / "en.txt")
        (docs / "zz-pdf" / "fr.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
        (docs / "zz-link").mkdir()
        os.symlink(next(first.glob("*.txt")), docs / "zz-link" / "en.txt")
        (docs / "zz-sidecar").mkdir()
        shutil.copy(next(first.glob("*.txt")), docs / "zz-sidecar" / "en.txt")
        (docs / "zz-sidecar" / "document.toml").write_text('symbols = ["A/79/999"]\n', encoding="utf-8")
        (docs / "zz-dangling").mkdir()
        shutil.copy(next(first.glob("*.txt")), docs / "zz-dangling" / "en.txt")
        os.symlink("nowhere.toml", docs / "zz-dangling" / "document.toml")
    return folder


def set_aside(folder: Path, where: Path) -> None:
    """The project's builds moved out of the way: the next build is one from nothing, in the same folder."""
    where.mkdir()
    for built in [folder / "build", *folder.glob(".build.*")]:
        os.rename(built, where / built.name)


def dask_settings(folder: Path, **changes):
    return dataclasses.replace(load_settings(folder, env={}), engine="dask", **changes)


@pytest.fixture()
def misbehaving(monkeypatch, tmp_path):
    """Makes documents misbehave in the Dask workers started meanwhile: `misbehaving({key: mode})`."""
    def arm(modes: dict[str, str]) -> None:
        monkeypatch.setenv("UNKG_TEST_MISBEHAVE", ",".join(f"{k}={m}" for k, m in modes.items()))
        monkeypatch.setenv("UNKG_TEST_MARK", str(tmp_path / "died-once"))

    with dask.config.set({"distributed.worker.preload": [str(PRELOAD)]}):
        yield arm


def test_the_dask_build_gives_the_local_builds_bytes(tmp_path):
    folder = project(tmp_path, 30, odd=True)
    settings = load_settings(folder, env={})
    local = build(settings, jobs=2)
    expected = tree(settings.build_dir)
    set_aside(folder, tmp_path / "local")
    report = build(dask_settings(folder), jobs=2)
    assert report.built == local.built and report.refused == local.refused
    assert len(report.built) >= 25 and {r.name.split("/")[0] for r in report.refused} >= {"zz-binary", "zz-dangling"}
    assert any(str(settings.documents_dir) in r.reason for r in report.refused)  # the build's paths, not a worker's
    assert tree(settings.build_dir) == expected


def test_a_document_that_kills_its_worker_costs_only_itself(tmp_path, misbehaving):
    """16 documents: tasks of two; the victim's partner in its task is run again alone, and built."""
    folder = project(tmp_path, 16)
    victim = sorted(p.name for p in (folder / "source" / "documents").iterdir())[3]
    misbehaving({victim: "die"})
    report = build(dask_settings(folder), jobs=2)
    versions = sorted(p.stem for p in (folder / "source" / "documents" / victim).glob("*.txt"))
    assert [(r.name, r.reason) for r in report.refused] == [(f"{victim}/{v}", DIED) for v in versions]
    assert len(report.built) == 15
    assert not list((folder / "build").glob(f"*/{victim}.*"))


def test_a_worker_lost_once_costs_nothing(tmp_path, misbehaving):
    """A worker dies once on a document (a machine lost mid-build), on a cluster the build is given by
    address: Dask runs the document again elsewhere and the build is the local build's, byte for byte."""
    from distributed import LocalCluster

    folder = project(tmp_path, 8)
    settings = load_settings(folder, env={})
    build(settings, jobs=2)
    expected = tree(settings.build_dir)
    set_aside(folder, tmp_path / "local")
    misbehaving({sorted(p.name for p in settings.documents_dir.iterdir())[2]: "die-once"})
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      silence_logs=50) as cluster:
        report = build(dask_settings(folder, scheduler=cluster.scheduler_address))
    assert not report.refused, report.refused
    assert (tmp_path / "died-once").exists(), "no worker died: the test tested nothing"
    assert tree(settings.build_dir) == expected


def test_a_document_past_its_time_costs_only_itself(tmp_path, misbehaving):
    """Python code that runs on is stopped in its thread; a call into C that never returns, by killing its
    worker once the grace has passed. Either way the document is refused for its time, and only it."""
    folder = project(tmp_path, 16)
    keys = sorted(p.name for p in (folder / "source" / "documents").iterdir())
    misbehaving({keys[1]: "spin", keys[4]: "hang"})
    report = build(dask_settings(folder, document_timeout=2.0), jobs=2)
    assert {r.name.split("/")[0] for r in report.refused} == {keys[1], keys[4]}
    assert {r.reason for r in report.refused} == {overdue_reason(2.0)}
    assert len(report.built) == 14


def test_a_worker_with_another_unkg_stops_the_build(tmp_path, misbehaving, monkeypatch):
    """The same input gives the same bytes only if every worker runs the build's unkg: one that does not
    (another version, edited code) stops the build before anything is published."""
    folder = project(tmp_path, 2)
    monkeypatch.setenv("UNKG_TEST_OTHER_UNKG", "1")
    with pytest.raises(InputError, match="runs another unkg than the build's"):
        build(dask_settings(folder), jobs=1)
    assert not (folder / "build").exists() and not list(folder.glob(".build*"))


def test_without_dask_the_build_says_how_to_install_it(tmp_path, monkeypatch):
    (tmp_path / "project").mkdir()
    folder = make_project(tmp_path / "project")
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    with pytest.raises(InputError, match=r"pip install 'unkg\[dask\]'"):
        build(dask_settings(folder))
    assert not (folder / "build").exists()
    fake = tmp_path / "no-dask"
    (fake / "distributed").mkdir(parents=True)
    (fake / "distributed" / "__init__.py").write_text('raise ImportError("No module named \'distributed\'")\n')
    result = run_unkg("build", "--engine", "dask", cwd=folder,
                      env={"PYTHONPATH": os.pathsep.join([str(fake), os.environ.get("PYTHONPATH", "")])})
    assert result.returncode == 2 and INSTALL in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "project").mkdir()
    folder = make_project(tmp_path / "project")
    with socket.socket() as s:  # a port nothing listens on (bound, then released)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_unkg("build", "--scheduler", f"tcp://127.0.0.1:{port}", cwd=folder,
                      env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"--scheduler tcp://127.0.0.1:{port}: cannot reach the Dask scheduler within 2s" in result.stderr
    assert not (folder / "build").exists()


@pytest.mark.parametrize("args, says", [
    (["--engine", "local", "--scheduler", "tcp://127.0.0.1:1"], "goes with --engine dask"),
    (["--scheduler", "tcp://127.0.0.1:1", "--jobs", "2"], "has its own workers"),
    (["--engine", "spark"], "spark"),
])
def test_engine_options_that_do_not_go_together(tmp_path, args, says):
    (tmp_path / "project").mkdir()
    result = run_unkg("build", *args, cwd=make_project(tmp_path / "project"))
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_the_engine_setting(tmp_path):
    (tmp_path / "project").mkdir()
    folder = make_project(tmp_path / "project")
    result = run_unkg("build", cwd=folder, env={"UNKG_ENGINE": "spark"})
    assert result.returncode == 2 and "setting 'engine'" in result.stderr
    assert load_settings(folder, env={"UNKG_ENGINE": "dask"}).engine == "dask"
