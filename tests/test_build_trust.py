"""A user's own collection builds every time (issue 15): whatever changed between builds, the result is the
bytes a build from nothing gives; one odd file, one document too large or too slow, or two folders holding
the same document cost only that document; a full disk or a second build at the same time is one line and
exit 2 with the previous build intact; a killed build leaves no worker behind."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from unkg import pipeline
from unkg.build.run import _lock
from unkg.build import build
from unkg.config import load_settings

from conftest import ROOT, SEED_KEY, make_project, process_gone, run_unkg, wait_until

sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402

# the store's database files are Oxigraph's; its bookkeeping (generations, the time stamps of the sources)
# is the build's own; everything else, manifest.json included, is the same bytes for the same input
BOOKKEEPING = ("store", ".unkg-complete", ".unkg-state.json")


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] not in BOOKKEEPING}


def from_nothing(project: Path, tmp_path: Path, name: str) -> dict[str, str]:
    """The output of a build from nothing of `project`'s sources, in a copy of it."""
    fresh = tmp_path / name
    shutil.copytree(project, fresh, symlinks=True, ignore=shutil.ignore_patterns("build", ".build*"))
    build(load_settings(fresh, env={}), jobs=1)
    return tree(fresh / "build")


def generated(tmp_path: Path, count: int, seed: int) -> Path:
    out = tmp_path / f"generated-{seed}-{count}"
    generate(out, count, seed=seed, defects=0)
    return out / "documents"


def _sign(folder: Path, number: int) -> None:
    """Change who signs the document in `folder` (its only version: English or Chinese)."""
    path = next(folder.glob("*.txt"))
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if path.stem == "en":
        line = next(x for x in lines if x.startswith("(Signed) "))
        name = f"(Signed) Edited Signer {number}"
    else:
        line = next(x for x in lines if x.endswith("(签名)"))
        name = "甲乙丙丁戊己庚辛壬癸"[number % 10] + "·" + "甲乙丙丁戊己庚辛壬癸"[number // 10 % 10] + "(签名)"
    path.write_text(text.replace(line, name), encoding="utf-8")


@pytest.fixture()
def seed_project(tmp_path) -> Path:
    (tmp_path / "project").mkdir()
    return make_project(tmp_path / "project")


def test_documents_added_to_a_one_document_build(seed_project, tmp_path):
    """`make`, then two documents added: the build that crashed with KeyError on the seed's key."""
    settings = load_settings(seed_project, env={})
    assert build(settings, jobs=2).built == [f"{SEED_KEY}/zh"]
    docs = settings.documents_dir
    for folder in sorted(generated(tmp_path, 2, seed=5).iterdir()):
        shutil.copytree(folder, docs / folder.name)
    report = build(settings, jobs=2)
    assert len(report.built) == 3 and not report.refused
    assert tree(settings.build_dir) == from_nothing(seed_project, tmp_path, "fresh")


def test_most_of_a_collection_changed_while_some_stayed(tmp_path):
    """30 documents; then 20 of them edited (more than half: the path that builds from nothing while a
    previous build exists), then 3 (incremental); each time the bytes of a build from nothing."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", documents=False)
    shutil.copytree(generated(tmp_path, 30, seed=7), project / "source" / "documents")
    settings = load_settings(project, env={})
    assert len(build(settings, jobs=2).built) == 30
    folders = sorted(settings.documents_dir.iterdir())
    for i, folder in enumerate(folders[:20]):
        _sign(folder, i)
    report = build(settings, jobs=2)
    assert sorted(report.processed) == sorted(f.name for f in folders) and len(report.built) == 30
    assert tree(settings.build_dir) == from_nothing(project, tmp_path, "fresh-most")
    for i, folder in enumerate(folders[25:28]):
        _sign(folder, 50 + i)
    report = build(settings, jobs=2)
    assert sorted(report.processed) == [f.name for f in folders[25:28]]
    assert tree(settings.build_dir) == from_nothing(project, tmp_path, "fresh-few")


def test_documents_removed_and_renamed(tmp_path):
    """Folders removed and renamed, a few (incremental) and then most (from nothing)."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", documents=False)
    shutil.copytree(generated(tmp_path, 12, seed=9), project / "source" / "documents")
    settings = load_settings(project, env={})
    build(settings, jobs=2)
    docs = settings.documents_dir
    folders = sorted(docs.iterdir())
    shutil.rmtree(folders[0])
    os.rename(folders[5], docs / "zz-renamed")
    report = build(settings, jobs=2)
    assert report.processed == ["zz-renamed"] and len(report.built) == 11
    assert tree(settings.build_dir) == from_nothing(project, tmp_path, "fresh-few")
    for folder in sorted(docs.iterdir())[:8]:
        os.rename(folder, docs / f"aa-{folder.name}")
    shutil.rmtree(sorted(docs.iterdir())[-1])
    report = build(settings, jobs=2)
    assert len(report.built) == 10
    assert tree(settings.build_dir) == from_nothing(project, tmp_path, "fresh-most")


def test_odd_files_each_cost_only_themselves(seed_project, tmp_path):
    """A folder named en.txt, a link to nothing, a link loop, a file too large: each refused by name with
    the reason; files and folders that are not documents named as passed over; the seed is published."""
    docs = seed_project / "source" / "documents"
    (docs / "a-folder-as-text" / "en.txt").mkdir(parents=True)
    (docs / "b-dangling").mkdir()
    os.symlink(tmp_path / "nowhere.txt", docs / "b-dangling" / "en.txt")
    (docs / "c-loop").mkdir()
    os.symlink("ru.txt", docs / "c-loop" / "ru.txt")
    (docs / "d-large").mkdir()
    (docs / "d-large" / "en.txt").write_text("x" * 3_000_000, encoding="utf-8")
    (docs / SEED_KEY / "notes.docx").write_bytes(b"PK\x03\x04")
    (docs / "README.txt").write_text("notes", encoding="utf-8")
    (docs / "e-empty-folder").mkdir()
    with open(seed_project / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write("max_document_mb = 2\n")
    result = run_unkg("build", "-j", "2", cwd=seed_project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith(f"published {SEED_KEY}/zh\n")
    refused = {line.removeprefix("unkg: refused ").split(": ")[0]: line
               for line in result.stderr.splitlines() if line.startswith("unkg: refused ")}
    assert sorted(refused) == ["a-folder-as-text/en", "b-dangling/en", "c-loop/ru", "d-large/en"]
    assert "en.txt: cannot read: " in refused["a-folder-as-text/en"]
    assert "No such file or directory" in refused["b-dangling/en"]
    assert "Too many levels of symbolic links" in refused["c-loop/ru"]
    assert "too large: 3.0 MB, more than the 2 MB of the setting max_document_mb" in refused["d-large/en"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("unkg: warning: ")]
    assert f"unkg: warning: {SEED_KEY}/notes.docx: passed over: expected <lang>.txt or <lang>.pdf " \
           "(ar zh en fr ru es) or document.toml" in warnings
    assert any(w.startswith("unkg: warning: README.txt: passed over: not a document folder") for w in warnings)
    assert any(w.startswith("unkg: warning: e-empty-folder: passed over: no <lang>.txt") for w in warnings)
    # the refusals stand while nothing changes, and go when the files are mended
    again = run_unkg("build", "-j", "2", cwd=seed_project)
    assert again.returncode == 1 and "1 document(s) built (5 reused from the previous build), 4 refused" \
        in again.stdout, again.stdout
    (docs / "b-dangling" / "en.txt").unlink()
    shutil.copy(generated(tmp_path, 2, seed=3) / "syn-000001" / "en.txt", docs / "b-dangling" / "en.txt")
    mended = run_unkg("build", "-j", "2", cwd=seed_project)
    assert "published b-dangling/en\n" in mended.stdout and "b-dangling" not in mended.stderr


def test_a_document_over_the_time_limit_is_stopped_and_refused(tmp_path, monkeypatch):
    """In a worker (killed) and in the build's own process (an alarm): the slow document is refused by
    name, the others are published. The limit is given only to the documents changed since a first build
    (the slow one, and one other in the workers' round): each normal document has ample time even on a
    loaded machine (it takes a fraction of a second), while the slow one would take 600 s."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", documents=False)
    docs = project / "source" / "documents"
    shutil.copytree(generated(tmp_path, 6, seed=11), docs)
    keys = sorted(p.name for p in docs.iterdir())
    slow, other = keys[1], keys[4]
    assert len(build(load_settings(project, env={}), jobs=2).built) == 6
    real = pipeline.Pipeline.process

    def process(self, key, paths):
        if key == slow:
            time.sleep(600)
        return real(self, key, paths)

    monkeypatch.setattr(pipeline.Pipeline, "process", process)
    settings = load_settings(project, env={"UNKG_DOCUMENT_TIMEOUT": "10"})
    lang = next((docs / slow).glob("*.txt")).stem
    for jobs, changed in ((2, [slow, other]), (1, [slow])):  # two tasks: workers; one: the build's process
        for key in changed:
            path = next((docs / key).glob("*.txt"))
            path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        report = build(settings, jobs=jobs)
        assert sorted(report.processed) == changed
        assert [r.name for r in report.refused] == [f"{slow}/{lang}"]
        assert report.refused[0].reason == "stopped: it took more than 10 s (setting document_timeout)"
        assert len(report.built) == 5


def test_two_folders_holding_the_same_document(tmp_path):
    """Same symbol and language in two folders: the first in key order is published, the other refused
    naming it; it is published once the first is gone; a copy added later refuses a document built
    before; every step gives the bytes of a build from nothing."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", documents=False)
    docs = project / "source" / "documents"
    source = sorted(generated(tmp_path, 4, seed=13).iterdir())
    shutil.copytree(source[0], docs / "a-first")
    shutil.copytree(source[1], docs / "c-other")
    shutil.copytree(source[2], docs / "d-third")
    shutil.copytree(source[3], docs / "e-fourth")
    shutil.copytree(source[0], docs / "b-copy")
    settings = load_settings(project, env={})
    report = build(settings, jobs=2)
    assert [r.name.split("/")[0] for r in report.refused] == ["b-copy"]
    assert "already that of the document in folder a-first" in report.refused[0].reason
    assert tree(settings.build_dir) == from_nothing(project, tmp_path, "fresh-1")
    shutil.rmtree(docs / "a-first")
    report = build(settings, jobs=2)  # incremental: one gone, the copy read again
    assert not report.refused and "b-copy" in report.processed
    assert tree(settings.build_dir) == from_nothing(project, tmp_path, "fresh-2")
    shutil.copytree(source[0], docs / "a-copy")  # sorts before b-copy, built and reused so far
    report = build(settings, jobs=2)
    assert report.processed == ["a-copy"]
    assert [r.name.split("/")[0] for r in report.refused] == ["b-copy"]
    assert "already that of the document in folder a-copy" in report.refused[0].reason
    assert tree(settings.build_dir) == from_nothing(project, tmp_path, "fresh-3")
    import pyoxigraph as ox  # the store holds the dataset: the refused document's graph is gone from it

    store = ox.Store.read_only(str(settings.build_dir / "store"))
    assert len(store) == (settings.build_dir / "dataset.nq").read_bytes().count(b"\n")


def test_a_second_build_at_the_same_time_is_refused(seed_project):
    settings = load_settings(seed_project, env={})
    build(settings)
    before = tree(settings.build_dir)
    lock = _lock(settings.build_dir)  # a build running
    try:
        result = run_unkg("build", cwd=seed_project)
    finally:
        lock.close()
    assert result.returncode == 2
    assert result.stderr == f"unkg: error: {settings.build_dir}: another build of this project is running; " \
                            "wait for it to end\n"
    assert tree(settings.build_dir) == before
    assert run_unkg("build", cwd=seed_project).returncode == 0  # the lock went with its holder


SLOW_BUILD = """
import sys, time
from unkg.pipeline import Pipeline
real = Pipeline.process
def slow(self, key, paths):
    time.sleep(600)
    return real(self, key, paths)
Pipeline.process = slow
from unkg.cli import main
sys.argv = ["unkg", "build", "-j", "2"]
main()
"""


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_outlives_a_killed_build(tmp_path, sig):
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", documents=False)
    shutil.copytree(generated(tmp_path, 6, seed=17), project / "source" / "documents")
    proc = subprocess.Popen([sys.executable, "-c", SLOW_BUILD], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: len(_children(proc.pid)) >= 2, 60), "the build's two workers started"
        workers = _children(proc.pid)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
        assert wait_until(lambda: all(process_gone(w) for w in workers), 60), "every worker ended with the build"
    finally:
        proc.kill()
        proc.wait()
    assert not (project / "build").exists()  # nothing was published
    assert not list(project.glob(".build.staging-*")) or sig == signal.SIGKILL
    if sig == signal.SIGTERM:
        assert proc.returncode == 2
        assert stderr.splitlines()[-1] == f"unkg: error: {project / 'build'}: interrupted; build/ is as the " \
                                          "previous build left it"
        assert "Traceback" not in stderr and "Exception ignored" not in stderr


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True).returncode == 0


def test_a_full_disk_is_one_line_and_the_previous_build_stays(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "6m"):
        if os.environ.get("CI"):
            pytest.fail("CI runs as root on Linux: a tmpfs can be mounted")
        pytest.skip("a small tmpfs cannot be mounted here (needs root)")
    try:
        project = make_project(disk)
        assert run_unkg("build", cwd=project).returncode == 0
        before = tree(project / "build")
        for folder in sorted(generated(tmp_path, 200, seed=19).iterdir()):
            shutil.copytree(folder, project / "source" / "documents" / folder.name)
        result = run_unkg("build", cwd=project)
        assert result.returncode == 2
        lines = [line for line in result.stderr.splitlines() if line != "building"]  # (the progress bar's label)
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("unkg: error: ") and "No space left on device" in lines[0]
        assert lines[0].endswith("build/ is as the previous build left it")
        assert tree(project / "build") == before
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_facts_of_a_folder_named_like_a_text_is_one_line(tmp_path):
    (tmp_path / "en.txt").mkdir()
    result = run_unkg("facts", str(tmp_path / "en.txt"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"unkg: error: {tmp_path / 'en.txt'}: cannot read: a folder; expected a UTF-8 text file\n"


def test_two_files_of_a_folder_read_as_the_same_language(tmp_path):
    """An English text saved as en.txt and again as fr.txt: the text's language wins, so both are the
    English version; the second is refused naming the first, the first is published."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", documents=False)
    english = generated(tmp_path, 2, seed=21) / "syn-000001" / "en.txt"
    folder = project / "source" / "documents" / "letter"
    folder.mkdir(parents=True)
    shutil.copy(english, folder / "en.txt")
    shutil.copy(english, folder / "fr.txt")
    report = build(load_settings(project, env={}), jobs=1)
    assert report.built == ["letter/en"]
    assert [r.name for r in report.refused] == ["letter/fr"]
    assert report.refused[0].reason.endswith("is already that of letter/en (two files of the folder hold the same "
                                             "language version)")


def test_clean_removes_what_the_build_made_and_nothing_else(seed_project):
    """`unkg clean` (what `make clean` runs) removes build/, its two folders and what an interrupted build
    or upkeep left beside them, named by the build itself; the sources and other dot-folders stay."""
    assert run_unkg("build", cwd=seed_project).returncode == 0
    assert run_unkg("build", cwd=seed_project).returncode == 0  # both folders made
    left = [seed_project / ".build.staging-x1", seed_project / ".build.trash-99-x", seed_project / ".build.store-compacted"]
    for p in left:
        p.mkdir()
        (p / "f").write_text("x")
    (seed_project / ".build.old-7").symlink_to(".build.a")
    keep = [seed_project / ".builder", seed_project / ".git-like", seed_project / "buildings"]
    for p in keep:
        p.mkdir()
    sources = tree(seed_project / "source")
    result = run_unkg("clean", cwd=seed_project)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in seed_project.iterdir())
    assert not [n for n in names if n == "build" or n.startswith(".build.")], names
    assert all(p.is_dir() for p in keep)
    assert tree(seed_project / "source") == sources
    assert f"removed {seed_project / 'build'}" in result.stdout.splitlines()
    assert run_unkg("clean", cwd=seed_project).stdout == ""  # nothing left to remove
