"""The build at scale (issue 7): parallel workers give the same bytes as one process; an unchanged document is
not processed again; a killed build leaves the previous build intact; a worker that dies on one document
costs only that document."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from unkg import pipeline
from unkg.build import dumps as dumps_module
from unkg.build import workers
from unkg.build import build
from unkg.config import load_settings

from conftest import ROOT, make_project

sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402


# the store's database files are Oxigraph's; the rest of what a build leaves is its output, the same bytes for
# the same input (manifest.json included), but its bookkeeping: generations and its sources' time stamps
BOOKKEEPING = ("store", ".unkg-complete", ".unkg-state.json")


def tree(folder: Path, skip: tuple[str, ...] = BOOKKEEPING) -> dict[str, str]:
    """Every file under `folder` (but those of `skip`) with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] not in skip}


@pytest.fixture()
def corpus(tmp_path) -> Path:
    (tmp_path / "project").mkdir()
    folder = make_project(tmp_path / "project", documents=False)
    generate(tmp_path / "generated", 24, seed=2, defects=0)
    os.replace(tmp_path / "generated" / "documents", folder / "source" / "documents")
    return folder


def test_parallel_and_serial_builds_are_byte_identical(corpus, tmp_path):
    settings = load_settings(corpus, env={})
    serial = build(settings, jobs=1)
    first = tree(settings.build_dir)
    (tmp_path / "serial").mkdir()
    for built in [settings.build_dir, *corpus.glob(".build.*")]:  # the next build starts from nothing
        os.rename(built, tmp_path / "serial" / built.name)
    parallel = build(settings, jobs=3)
    assert serial.built == parallel.built and len(serial.built) == 24
    assert tree(settings.build_dir) == first


def test_only_the_changed_document_is_processed_again(corpus):
    settings = load_settings(corpus, env={})
    assert len(build(settings, jobs=2).processed) == 24
    before = tree(settings.build_dir)
    again = build(settings, jobs=2)
    assert again.processed == [] and tree(settings.build_dir) == before  # nothing changed, nothing redone
    changed = sorted((corpus / "source" / "documents").glob("*/en.txt"))[0]
    other = sorted(f for f in before if f.startswith("documents/") and changed.parent.name not in f)[0]
    inode = os.stat(settings.build_dir / other).st_ino
    text = changed.read_text(encoding="utf-8")
    signed = next(line for line in text.splitlines() if line.startswith("(Signed) "))
    changed.write_text(text.replace(signed, "(Signed) Quentin Zephyrine"), encoding="utf-8")
    third = build(settings, jobs=2)
    assert third.processed == [changed.parent.name]
    after = tree(settings.build_dir)
    differ = {f for f in after if after[f] != before.get(f)}
    key = changed.parent.name
    assert any(f.startswith(f"documents/{key}.") for f in differ)
    assert not any(("/syn-" in f and f"/{key}." not in f) for f in differ)  # no other document's files
    # the unchanged documents' files are the previous build's, linked (the same inode), not rewritten
    assert os.stat(settings.build_dir / other).st_ino == inode
    assert "Quentin Zephyrine" in (settings.build_dir / "dataset.nq").read_text(encoding="utf-8")
    # the store, updated rather than reloaded, holds exactly the dataset
    import pyoxigraph as ox

    store = ox.Store.read_only(str(settings.build_dir / "store"))
    held = {str(q) for q in store.quads_for_pattern(None, None, None, None)}
    assert held == {str(q) for q in ox.parse(path=str(settings.build_dir / "dataset.nq"),
                                             format=ox.RdfFormat.N_QUADS)}
    assert third.store_reloaded


def test_a_change_of_shapes_processes_everything_again(corpus):
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    shapes = corpus / "shapes" / "text.shacl.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert len(build(settings, jobs=2).processed) == 24


def test_a_killed_build_leaves_the_previous_build_intact(corpus):
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    before = tree(settings.build_dir, skip=())
    shapes = corpus / "shapes" / "text.shacl.ttl"  # everything must be redone: a long build to kill
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "unkg", "build"], cwd=corpus, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    staging = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:  # wait until it is writing its staging folder
        found = list(corpus.glob(".build.staging-*/documents/*"))
        if len(found) >= 8:
            staging = found
            break
        time.sleep(0.05)
    assert staging, "the build finished or never started writing before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree(settings.build_dir, skip=()) == before
    report = build(settings, jobs=2)  # the next build cleans up and succeeds
    assert len(report.built) == 24 and not list(corpus.glob(".build.staging-*"))


def test_a_worker_that_dies_costs_only_its_document(corpus, monkeypatch):
    victim = sorted(p.name for p in (corpus / "source" / "documents").iterdir())[5]
    real = pipeline.Pipeline.process

    def dying(self, key, paths):
        if key == victim:
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a native library would
        return real(self, key, paths)

    monkeypatch.setattr(pipeline.Pipeline, "process", dying)
    report = build(load_settings(corpus, env={}), jobs=2)
    assert [r.name for r in report.refused] == [f"{victim}/{lang}" for lang in ("en", "zh")
                                                if (corpus / "source" / "documents" / victim / f"{lang}.txt").exists()]
    assert "died" in report.refused[0].reason and "signal 9" in report.refused[0].reason
    assert len(report.built) == 23


def test_an_exception_on_one_document_costs_only_that_document(corpus, monkeypatch):
    victim = sorted(p.name for p in (corpus / "source" / "documents").iterdir())[3]
    real = pipeline.Pipeline.process

    def failing(self, key, paths):
        if key == victim:
            raise RuntimeError("boom")
        return real(self, key, paths)

    monkeypatch.setattr(pipeline.Pipeline, "process", failing)
    report = build(load_settings(corpus, env={}), jobs=1)
    assert len(report.refused) == 1 and "internal error: RuntimeError: boom" in report.refused[0].reason
    assert len(report.built) == 23


def test_a_worker_that_dies_while_writing_leaves_nothing_of_its_document(corpus, monkeypatch):
    victim = sorted(p.name for p in (corpus / "source" / "documents").iterdir())[7]
    real = workers.FileWriter.write

    def dying(self, outcome):
        if outcome.key == victim:  # one file written whole, one half, then the process is gone
            first, second = sorted(outcome.files)[:2]
            real(self, dataclasses.replace(outcome, files={first: outcome.files[first]}))
            (self.folder / second).write_bytes(outcome.files[second][:10])
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, outcome)

    monkeypatch.setattr(workers.FileWriter, "write", dying)
    settings = load_settings(corpus, env={})
    report = build(settings, jobs=2)
    assert {r.name.split("/")[0] for r in report.refused} == {victim}
    left = [p for p in settings.build_dir.rglob(f"{victim}.*")]
    assert left == []
    assert len(report.built) == 23


def _edit(corpus: Path, index: int, name: str) -> str:
    """Change the signatory of the index-th English document; its key."""
    path = sorted((corpus / "source" / "documents").glob("*/en.txt"))[index]
    text = path.read_text(encoding="utf-8")
    signed = next(line for line in text.splitlines() if line.startswith("(Signed) "))
    path.write_text(text.replace(signed, f"(Signed) {name}"), encoding="utf-8")
    return path.parent.name


def _documents(build_dir: Path) -> dict:
    """The manifest's record of each document, but where its sources' time stamps are."""
    documents = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]
    return {key: {k: v for k, v in entry.items() if k not in ("stat", "dir")} for key, entry in documents.items()}


def test_incremental_builds_equal_a_build_from_nothing(corpus, tmp_path):
    """Builds alternate between the two folders; after each, the output is the bytes a build from nothing
    gives (the store aside: its database files are Oxigraph's), and the spare is ready for the next."""
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    for round, (index, name) in enumerate([(0, "Quentin Zephyrine"), (3, "Ada Lovelace"), (0, "Grace Hopper")]):
        key = _edit(corpus, index, name)
        report = build(settings, jobs=2)
        assert report.processed == [key]
        fresh = tmp_path / f"fresh-{round}"
        shutil.copytree(corpus, fresh, symlinks=True, ignore=shutil.ignore_patterns("build", ".build*"))
        build(load_settings(fresh, env={}), jobs=1)
        assert tree(settings.build_dir, skip=BOOKKEEPING) == tree(fresh / "build", skip=BOOKKEEPING)
        assert _documents(settings.build_dir) == _documents(fresh / "build")
        spare = settings.build_dir.parent / ({".build.a": ".build.b", ".build.b": ".build.a"}
                                             [os.readlink(settings.build_dir)])
        assert (spare / ".unkg-complete").is_file()
        assert {k: v for k, v in tree(spare).items() if k.split("/")[0] in ("documents", "facts", "reports")} \
            == {k: v for k, v in tree(settings.build_dir).items() if k.split("/")[0] in ("documents", "facts",
                                                                                          "reports")}


def test_a_dataset_file_written_over_a_longer_one_is_cut_to_its_length(corpus, tmp_path):
    """An incremental build writes the spare's dataset files where they are (no blocks freed and taken
    again); when the new file is shorter (a document removed), nothing of the old one remains past its end."""
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    _edit(corpus, 1, "Quentin Zephyrine")
    build(settings, jobs=2)  # the other folder; the first keeps its dataset files of the first build
    first = settings.build_dir.parent / {".build.a": ".build.b", ".build.b": ".build.a"}[
        os.readlink(settings.build_dir)]
    old_size = (first / "dataset.nq").stat().st_size
    inode = (first / "dataset.nq").stat().st_ino
    gone = sorted((corpus / "source" / "documents").iterdir())[2]
    shutil.rmtree(gone)
    report = build(settings, jobs=2)
    assert os.readlink(settings.build_dir) == first.name
    assert (first / "dataset.nq").stat().st_ino == inode  # written where it was
    assert (first / "dataset.nq").stat().st_size < old_size
    fresh = tmp_path / "fresh"
    shutil.copytree(corpus, fresh, symlinks=True, ignore=shutil.ignore_patterns("build", ".build*"))
    build(load_settings(fresh, env={}), jobs=1)
    for name in ("dataset.nq", "dataset.ttl", "dataset.jsonld", "catalogue.marc.xml"):
        assert (settings.build_dir / name).read_bytes() == (fresh / "build" / name).read_bytes(), name
    assert not any(n.startswith(gone.name + "/") for n in report.built)


def test_a_killed_incremental_build_leaves_the_build_in_use_intact(corpus):
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    before = tree(settings.build_dir, skip=())
    in_use = os.readlink(settings.build_dir)
    spare = settings.build_dir.parent / {".build.a": ".build.b", ".build.b": ".build.a"}[in_use]
    for i in range(10):  # fewer than half: an incremental build, long enough to be killed
        _edit(corpus, i, f"Person Number{'x' * i}")
    proc = subprocess.Popen([sys.executable, "-m", "unkg", "build", "--jobs", "1"], cwd=corpus,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and (spare / ".unkg-complete").exists():
        time.sleep(0.005)
    time.sleep(0.1)  # into its work on the spare
    assert proc.poll() is None, "the build finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert os.readlink(settings.build_dir) == in_use
    assert tree(settings.build_dir, skip=()) == before
    assert not (spare / ".unkg-complete").exists()  # the half-written spare is not trusted…
    report = build(settings, jobs=2)  # …but made again
    assert len(report.processed) == 10 and len(report.built) == 24


def test_a_version_added_to_a_document_folder_is_noticed(corpus):
    """The folder of a document is listed again only when its modification time changed: adding a file
    changes it."""
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    time.sleep(0.2)  # older than the racy margin: the next build trusts the recorded time stamps
    assert build(settings, jobs=2).processed == []
    folders = sorted((corpus / "source" / "documents").iterdir())
    target = next(f for f in folders if not (f / "zh.txt").exists())
    donor = next(f for f in folders if (f / "zh.txt").exists())
    shutil.copy(donor / "zh.txt", target / "zh.txt")
    report = build(settings, jobs=2)
    assert report.processed == [target.name]
    assert f"{target.name}/zh" in report.built + [r.name for r in report.refused]


def test_what_a_tool_left_in_a_build_does_not_come_back_with_its_folder(corpus):
    """The spare folder is the build before the previous one: a folder another tool wrote into it (the
    browser check's screenshots, say) must not reappear when it is in use again."""
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    (settings.build_dir / "browser").mkdir()
    (settings.build_dir / "browser" / "shot.png").write_bytes(b"png")
    for round in range(2):  # the folder with the screenshots becomes the spare, then the build in use
        _edit(corpus, round, f"Someone Else{'x' * round}")
        build(settings, jobs=2)
    assert not (settings.build_dir / "browser").exists()


def test_a_build_folder_of_the_earlier_layout_is_replaced(corpus):
    """Before generations, `build` was a plain folder: the first build puts the link in its place."""
    settings = load_settings(corpus, env={})
    settings.build_dir.mkdir()
    (settings.build_dir / "old.txt").write_text("from an earlier build", encoding="utf-8")
    build(settings, jobs=2)
    assert settings.build_dir.is_symlink() and (settings.build_dir / "dataset.nq").is_file()
    assert not (settings.build_dir / "old.txt").exists()
    assert sorted(p.name for p in corpus.iterdir() if p.name.startswith(".build")) == [".build.a", ".build.b"]


def test_a_build_after_the_link_was_removed_by_hand_trusts_no_old_folder(corpus, tmp_path):
    """Both folders may hold a build of the same generation number when `build` was removed by hand; the
    next builds must not take the old one for a copy of the new."""
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    settings.build_dir.unlink()  # the link only: .build.a and .build.b stay
    _edit(corpus, 0, "Changed While Unlinked")
    build(settings, jobs=2)
    _edit(corpus, 1, "Changed After")
    assert len(build(settings, jobs=2).processed) == 1  # incremental, into the older folder
    fresh = tmp_path / "fresh"
    shutil.copytree(corpus, fresh, symlinks=True, ignore=shutil.ignore_patterns("build", ".build*"))
    build(load_settings(fresh, env={}), jobs=1)
    assert tree(settings.build_dir, skip=BOOKKEEPING) == tree(fresh / "build", skip=BOOKKEEPING)


def _store_quads(build_dir: Path) -> list[str]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(build_dir / "store"))
    return sorted(str(q) for q in store.quads_for_pattern(None, None, None, None))


def _dataset_quads(build_dir: Path) -> list[str]:
    import pyoxigraph as ox

    return sorted(str(q) for q in ox.parse((build_dir / "dataset.nq").read_bytes(), format=ox.RdfFormat.N_QUADS))


def _with_a_compacted_copy(corpus: Path):
    """A build, an incremental one, and the upkeep's copy of its store: the settings and the copy."""
    from unkg.store import upkeep

    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    _edit(corpus, 0, "Quentin Zephyrine")
    build(settings, jobs=2)
    assert upkeep.compact(settings.build_dir, settings.build_dir.resolve() / "store",
                          settings.build_dir / "manifest.json")
    return settings, upkeep.compacted(settings.build_dir)


def test_an_incremental_build_starts_from_the_compacted_copy_of_the_store_in_use(corpus):
    """The upkeep's compacted copy of the store in use replaces the checkpoint the next incremental build
    would start from; the store that build gives holds its dataset, and counts one change again."""
    settings, copy = _with_a_compacted_copy(corpus)
    manifest = json.loads((settings.build_dir / ".unkg-state.json").read_text())
    assert manifest["store_updates"] == 1
    in_use = settings.build_dir.resolve() / "store"
    assert (copy / "dataset.sha256").read_text() == (in_use / "dataset.sha256").read_text()
    key = _edit(corpus, 3, "Ada Lovelace")
    report = build(settings, jobs=2)
    assert report.processed == [key]
    assert not copy.exists()  # taken
    manifest = json.loads((settings.build_dir / ".unkg-state.json").read_text())
    assert manifest["store_updates"] == 1  # the copy's, not 2
    quads = _store_quads(settings.build_dir)
    assert quads == _dataset_quads(settings.build_dir)
    assert any('"Ada Lovelace"' in q for q in quads)


def test_a_compacted_copy_made_builds_ago_is_brought_up_to_date(corpus, tmp_path, monkeypatch):
    """Builds may come faster than the upkeep: a copy made before the last builds is taken all the same,
    with the graphs of every document changed since (or removed) replaced, their parts read from the new
    dataset.nq once they are there (the kernel copies reused parts while the build goes on: slowed here)."""
    settings, copy = _with_a_compacted_copy(corpus)
    os.rename(copy, tmp_path / "held")  # not there for the next two builds
    _edit(corpus, 1, "Ada Lovelace")
    build(settings, jobs=2)
    shutil.rmtree(sorted((corpus / "source" / "documents").iterdir())[5])
    _edit(corpus, 3, "Grace Hopper")
    build(settings, jobs=2)
    os.rename(tmp_path / "held", copy)
    close = dumps_module.Dumps.close
    monkeypatch.setattr(dumps_module.Dumps, "close", lambda self: (time.sleep(0.5), close(self)))
    key = _edit(corpus, 0, "Emmy Noether")  # before the others: their parts are copied after it
    report = build(settings, jobs=2)
    assert report.processed == [key]
    assert not copy.exists()  # taken
    manifest = json.loads((settings.build_dir / ".unkg-state.json").read_text())
    assert manifest["store_updates"] == 1
    quads = _store_quads(settings.build_dir)
    assert quads == _dataset_quads(settings.build_dir)
    assert not any("Quentin Zephyrine" in q for q in quads)
    assert all(any(name in q for q in quads) for name in ("Emmy Noether", "Ada Lovelace", "Grace Hopper"))


def test_a_compacted_copy_made_by_another_tool_is_not_used(corpus):
    from unkg.store import upkeep

    settings, copy = _with_a_compacted_copy(corpus)
    holds = json.loads((copy / upkeep.HOLDS).read_text())
    (copy / upkeep.HOLDS).write_text(json.dumps({**holds, "tool": "another tool"}))
    _edit(corpus, 2, "Grace Hopper")
    build(settings, jobs=2)
    assert not copy.exists()  # removed, not taken
    manifest = json.loads((settings.build_dir / ".unkg-state.json").read_text())
    assert manifest["store_updates"] == 2
    assert _store_quads(settings.build_dir) == _dataset_quads(settings.build_dir)


def test_the_upkeep_starts_once_a_store_has_taken_enough_changes(corpus, monkeypatch):
    from unkg.store import upkeep

    started: list[tuple[Path, Path]] = []
    monkeypatch.setattr(upkeep, "UPKEEP_AFTER", 2)
    monkeypatch.setattr(upkeep, "start", lambda target, store, manifest: started.append((target, store)))
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    _edit(corpus, 0, "Quentin Zephyrine")
    build(settings, jobs=2)
    assert started == []
    _edit(corpus, 1, "Ada Lovelace")
    build(settings, jobs=2)
    assert started == [(settings.build_dir, settings.build_dir.resolve() / "store")]


def test_the_detached_upkeep_writes_the_compacted_copy(corpus):
    """`start` runs `python -m unkg.store.upkeep` on its own; the copy appears once it is done."""
    from unkg.store import upkeep

    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    in_use = settings.build_dir.resolve() / "store"
    upkeep.start(settings.build_dir, in_use, in_use.parent / "manifest.json")
    copy = upkeep.compacted(settings.build_dir)
    deadline = time.monotonic() + 120
    while not (copy / "dataset.sha256").is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (copy / "dataset.sha256").read_text() == (in_use / "dataset.sha256").read_text()
    assert not list(corpus.glob(".build.store-compacting-*"))


def test_what_a_killed_upkeep_left_is_removed_by_the_next_build(corpus):
    settings = load_settings(corpus, env={})
    build(settings, jobs=2)
    left = corpus / ".build.store-compacting-4242"
    left.mkdir()
    (left / "000001.sst").write_bytes(b"half a table")
    _edit(corpus, 0, "Quentin Zephyrine")
    build(settings, jobs=2)
    assert not left.exists()


def test_no_upkeep_starts_while_a_compacted_copy_waits_to_be_taken(tmp_path):
    from unkg.store import upkeep

    target = tmp_path / "build"
    assert not upkeep.due(target, upkeep.UPKEEP_AFTER - 1)
    assert upkeep.due(target, upkeep.UPKEEP_AFTER)
    upkeep.compacted(target).mkdir()
    assert not upkeep.due(target, upkeep.UPKEEP_AFTER)


def test_the_paths_a_worker_is_sent_are_those_of_the_versions():
    """A worker is sent its task's paths as strings made without Path objects (`Versions.strings`): the same
    strings as the Path objects' own, whatever the folder (relative, the root, with spaces or accents)."""
    from unkg.build.inputs import Versions

    for folder in (Path("/tmp/source/documents"), Path("documents"), Path("/"), Path("/tmp/my source/é")):
        versions = Versions(folder, "A-79-1 (part)", ["en.txt", "fr.pdf", "zh.txt"])
        assert workers._strings(versions) == [str(p) for p in versions] == [str(folder / "A-79-1 (part)" / n)
                                                                            for n in versions.names]
    assert workers._strings([Path("a/b.txt")]) == ["a/b.txt"]


@pytest.mark.parametrize("apart", [0, 10**9])
def test_the_spare_is_made_of_links_in_two_threads_or_one(tmp_path, monkeypatch, apart):
    """`sync` makes a spare of hard links to the build's document files, in two threads when there are many
    (`LINKS_APART`, set here so that either way is taken), and an error in either thread is the sync's."""
    from unkg.build import generations

    monkeypatch.setattr(generations, "LINKS_APART", apart)
    source, spare = tmp_path / "source", tmp_path / "spare"
    documents = {}
    for n in range(30):
        files = [f"{folder}/doc-{n}.{ext}" for folder, ext in (("facts", "json"), ("documents", "ttl"),
                                                                 ("marc", "xml"), ("reports", "txt"))]
        documents[f"doc-{n}"] = {"files": files}
        for rel in files:
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            (source / rel).write_text(rel)
    for name in (generations.MANIFEST, generations.STATE):
        (source / name).write_text("{}")
    manifest = {"generation": 3, "changed": None, "documents": documents}
    generations.sync(spare, source, manifest)
    linked = sorted(str(p.relative_to(spare)) for p in spare.rglob("*.*") if p.parent != spare)
    assert linked == sorted(rel for entry in documents.values() for rel in entry["files"])
    assert all(os.path.samefile(spare / rel, source / rel) for rel in linked)
    assert generations.Generations.generation(spare) == 3
    (source / "marc/doc-7.xml").unlink()  # a file the manifest lists and the build does not have
    with pytest.raises(FileNotFoundError):
        generations.sync(tmp_path / "other", source, manifest)
