"""The main job: every document under ``source/documents/<key>/<lang>.txt`` through the pipeline into
``build/``: parse, map to RDF, validate with SHACL, publish (`build`). This module is the orchestration only;
the work of one document is `pipeline.Pipeline.process`.

What ``build/`` holds: per document its facts card, Turtle, JSON-LD and SHACL report, its MARC 21, Dublin
Core and Akoma Ntoso; the whole dataset as N-Quads and (by the ``dumps`` setting) Turtle, JSON-LD, TriG,
N-Triples; the JSON-LD context and the ontology; the embedded store (``store/``). A document that cannot be
read, or whose graph does not conform to the shapes, is refused: named, with its report, and nothing of it
is published.

How it scales: documents are grouped by key (the language versions of one document) and processed in
parallel worker processes (`workers`). A worker writes its document's files and sends back its parts of the
dataset files, which the main process appends in key order (`dumps`) while a thread bulk-loads the N-Quads
into the store: nothing corpus-sized is held in memory. A key whose sources, and the tool, have not changed
since the previous build (`inputs`: fingerprints) is not processed again: its files are already in the spare
folder the build writes into (`generations`), its parts of the dataset files are copied by byte range.
``build`` is switched to the new folder only at the end, atomically, so a failed or killed build leaves the
previous ``build/`` as it was.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Callable

from ..rdf import write
from ..config import Settings
from ..errors import InputError
from ..exchange.dataset import description
from ..pipeline import Outcome, Pipeline
from ..store import STAMP, upkeep
from ..store.loader import StoreLoader
from ..validate import Result
from .citations import write_network
from .dumps import Dumps, heads
from .entries import Entries
from .finish import Summary, summary, write_oai
from .generations import MANIFEST, Discard, Generations, read_manifest, sync, write_manifest
from .inputs import Sources, Versions, printable, scan, tool_fingerprint
from .search import write_index
from .stores import make_store
from .workers import STOP, new_file, run_serial, run_workers


@dataclass
class Refusal:
    name: str
    reason: str


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: int = 0
    violations: int = 0
    triples: int = 0
    store_reloaded: bool = False
    processed: list[str] = field(default_factory=list)  # keys processed (not reused from the previous build)
    notices: list[str] = field(default_factory=list)  # what the build passed over in the sources, for the user
    results: list[tuple[str, Result]] = field(default_factory=list)  # (document, result) of this build's work


# -- the build -----------------------------------------------------------------------------------------

def build(settings: Settings, progress: Callable[[str], None] | None = None, reference: bool = False,
          jobs: int | None = None, started: Callable[[int], None] | None = None) -> BuildReport:
    """Build every document; `started(count)` is called with the number of language versions once the
    sources are read, `progress(name)` as each of them is done."""
    # the bookkeeping here makes hundreds of thousands of small objects and no cycles that matter: without
    # the cycle collector, reading a manifest of 10,000 documents takes half the time (workers collect)
    enabled = gc.isenabled()
    lock = _lock(settings.build_dir)
    gc.disable()
    try:
        return _Build(settings, progress, reference, jobs, lock.fd).run(started)
    finally:
        if enabled:
            gc.enable()
        lock.close()


def _lock(target: Path) -> _Held:
    """The build's lock: the folder that holds `target`, locked (released when its process ends, however it
    ends; no file is left behind). A second build of the same project started meanwhile is an InputError,
    and the first goes on undisturbed."""
    import fcntl

    try:
        fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(str(target.parent), f"cannot open the project folder: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise InputError(str(target), "another build of this project is running; wait for it to end") from None
    return _Held(fd)


class _Held:
    """A held lock: `close` releases it. Its file descriptor is closed in the workers the build forks."""

    def __init__(self, fd: int):
        self.fd = fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class _Build:
    """One build: what it found, what it reuses from the build in use, the folder it writes into, and the
    documents' outcomes merged in key order as they arrive (`handle`, `advance`)."""

    def __init__(self, settings: Settings, progress: Callable[[str], None] | None, reference: bool,
                 jobs: int | None, lock_fd: int):
        self.settings = settings
        self.progress = progress
        self.reference = reference
        self.jobs = jobs
        self.lock_fd = lock_fd
        # everything a worker loads is checked here first: a bad input stops the build before any work
        self.main = Pipeline(settings, reference)
        if settings.engine == "dask":  # (Dask installed, before any work)
            from .engine_dask import check_installed
            check_installed()
        self.tool = tool_fingerprint(settings, reference)
        self.gens = Generations(settings.build_dir)
        self.discard = Discard(settings.build_dir)  # folders removed beside the work, joined before returning
        self.results: list = []
        self.loader: StoreLoader | None = None
        self.dumps: Dumps | None = None
        self.arrived: dict[str, Outcome] = {}
        self.cursor = 0
        self.owners: dict[str, str] = {}  # graph IRI -> the key whose document has it (the first in key order)
        self.changes: dict[str, list[str]] | None = None  # what changed since the previous generation (None: all)

    def run(self, started: Callable[[int], None] | None) -> BuildReport:
        settings, gens, discard = self.settings, self.gens, self.discard
        discard.stale()  # what an interrupted build left
        upkeep.stale(settings.build_dir)
        active = gens.active()
        previous = read_manifest(active)
        # each build a generation of its own, above any a folder already has (a link removed by hand)
        generation = 1 + max([previous.get("generation", 0)] + [Generations.generation(s) or 0 for s in gens.slots])
        if previous.get("tool") != self.tool or not (active / "store" / STAMP).is_file():
            previous = {}
        old_docs: Mapping[str, dict] = previous.get("documents", {})
        self.found = found = scan(settings.documents_dir, old_docs, settings.max_document_bytes)
        self.by_key, self.inputs = by_key, inputs = found.by_key, found.inputs
        if started is not None:
            started(sum(len(paths) for paths in by_key.values()) + sum(map(len, found.refused.values())))
        # each previous entry read once: its document changed, or is reused (its entry taken as it is where
        # the time stamps of its sources are the same too)
        reused = old_docs.sibling() if isinstance(old_docs, Entries) else Entries()
        changed, names = [], []
        for key in sorted(by_key):
            old, mine = old_docs.get(key), inputs[key]
            if old is None or old.get("input") != mine["input"]:
                changed.append(key)
                continue
            if all(old.get(k) == v for k, v in mine.items()):
                reused.take(key, old_docs)
            else:
                reused[key] = {**old, **mine}
            names += old["built"] + [n for n, _ in old["refused"]]
        gone = sorted(k for k in old_docs if k not in by_key)
        if previous and not changed and not gone:  # nothing to do: the build in use is this build
            discard.join()
            report = _report(summary(old_docs), [], [], found)
            report.triples = previous.get("triples", 0)
            self._progress(names)
            return report
        incremental = bool(previous) and len(changed) + len(gone) <= len(by_key) / 2
        assert active is not None or not incremental
        if not incremental:  # a build from nothing: every document is processed, none copied from the build in use
            changed = sorted(by_key)
            reused, names = Entries(), []
        self.folder = folder = self._folder(active, previous, changed, gone) if incremental else self._staging()
        # the entries: the reused documents', the others' made as they come (`advance`); as dicts, 7 KiB each
        self.entries = reused
        for key in reused:
            del inputs[key]
        self._progress(names)
        del names
        try:
            if incremental:  # the authority graph's parts too are the build in use's
                head = {"sizes": previous["heads"], "quads": previous["head_quads"]}
                self.dumps = Dumps(folder, self.main.dumps, None, active, previous)
            else:
                parts = heads(self.main)
                head = {"sizes": {name: len(data) for name, data in parts.items()},
                        "quads": parts["dataset.nq"].count(b"\n")}
                self.dumps = Dumps(folder, self.main.dumps, parts, None)
                # from dataset.nq as it is written, loaded once the workers are done (store/loader.py says why)
                self.loader = StoreLoader(folder / "store", folder / "dataset.nq")
                self.loader.reached(self.dumps.pos["dataset.nq"])
            self.order = sorted(by_key)
            self.advance()
            self._process(changed)
            assert self.cursor == len(self.order), "every document's parts are written"
            self.dumps.start_closing()  # (the files flushed first: the store's loads read dataset.nq)
            if self.loader is not None:
                self.loader.release()  # (beside the end of the build's other work, below)
            seen = _finish(folder, settings, self.entries, head["quads"])
            count = head["quads"] + seen.quads
            manifest = {"tool": self.tool, "generation": generation, "changed": self.changes, "triples": count,
                        "heads": head["sizes"], "head_quads": head["quads"], "documents": self.entries}
            make_store(settings.build_dir, folder, active if incremental else None, previous, manifest,
                       self.loader, changed, self.dumps, seen.inputs)
            write_manifest(folder, manifest)
            self.dumps.finish_closing()
            Generations.finish(folder, generation)
            if not incremental:  # the staging folder becomes the spare, then the build in use
                spare = gens.spare()
                discard(spare)  # (a folder there only if another build made it meanwhile)
                os.replace(folder, spare)
                folder = spare
            if STOP.is_set():  # a build told to end is not published, whenever it was told
                raise KeyboardInterrupt
            gens.switch(folder)
        except BaseException:
            if self.dumps is not None and self.dumps.closer is not None:
                self.dumps.closer.join()
            if self.loader is not None:
                self.loader.close()
            if not incremental:
                shutil.rmtree(folder, ignore_errors=True)
            discard.join()
            raise
        # the previous build is now the spare: its document files made this build's (links), ready for the next
        # incremental build; done after the switch, so it is never in the way of this one (if it fails, the
        # spare stays incomplete and the next build makes it again)
        try:
            sync(gens.other(folder), folder, manifest, discard)
        except OSError:
            pass
        if upkeep.due(settings.build_dir, manifest["store_updates"]):
            upkeep.start(settings.build_dir, folder / "store", folder / MANIFEST)
        discard.join()
        report = _report(seen, changed, self.results, found)
        report.triples = count
        report.store_reloaded = True
        return report

    def _folder(self, active: Path, previous: dict, changed: list[str], gone: list[str]) -> Path:
        """The spare, made the build in use's, without the files of the documents that changed or went."""
        folder = self.gens.spare()
        sync(folder, active, previous)  # the spare's document files made the active build's
        Generations.begin(folder)
        old_docs = previous.get("documents", {})
        self.changes = {key: old_docs.get(key, {}).get("files", []) for key in changed + gone}
        for files in self.changes.values():
            for rel in files:
                (folder / rel).unlink(missing_ok=True)
        return folder

    def _staging(self) -> Path:
        """A new folder beside ``build`` for a build from nothing."""
        settings = self.settings
        self.discard(self.gens.spare())  # made again from the new build: removed while the documents are processed
        folder = Path(tempfile.mkdtemp(prefix=f".{settings.build_dir.name}.staging-", dir=settings.build_dir.parent))
        umask = os.umask(0)
        os.umask(umask)
        folder.chmod(0o777 & ~umask)  # as any folder the user makes (mkdtemp's are private)
        return folder

    def _progress(self, names: list[str]) -> None:
        if self.progress is not None:
            for name in names:
                self.progress(name)

    def _process(self, changed: list[str]) -> None:
        """The documents that changed, in workers (or here, for one task or one job)."""
        settings, by_key = self.settings, self.by_key
        for key in changed:
            if not by_key[key]:  # nothing readable: refused without a worker
                self.handle(Outcome.nothing(key, []))
        tasks = [(key, Versions(settings.documents_dir, key, by_key[key])) for key in changed if by_key[key]]
        if not tasks:
            return
        workers = self.jobs or os.cpu_count() or 1
        if settings.engine == "dask":  # tasks on a Dask cluster, the outcomes handled here as the workers' are
            from .engine_dask import run_dask
            run_dask(settings, self.reference, self.tool, tasks, self.jobs, self.handle, self.folder)
        elif workers == 1 or len(tasks) == 1:
            run_serial(self.main, tasks, settings.document_timeout, self.handle, self.folder)
        else:
            run_workers(settings, self.reference, tasks, workers, self.handle, self.folder, self.lock_fd,
                        self.main)

    def claim(self, key: str, graphs: list[str]) -> tuple[str, str] | None:
        """The document of `key` takes its graphs' IRIs, unless one is another's: (its key, the IRI)."""
        for graph in graphs:
            if graph in self.owners:
                return self.owners[graph], graph
        for graph in graphs:
            self.owners[graph] = key
        return None

    def collide(self, key: str, clash: tuple[str, str], entry: dict) -> None:
        """`key`'s document (its `entry`) has the IRI of a document before it in key order: refused whole,
        nothing of it kept. Its input is marked, so the next build reads it again (the other may be gone by
        then)."""
        for rel in entry["files"]:
            (self.folder / rel).unlink(missing_ok=True)
        if self.changes is not None and key not in self.changes:  # a reused document's files change too
            self.changes[key] = entry["files"]
        owner, graph = clash
        reason = (f"its IRI <{graph}> is already that of the document in folder {printable(owner)} (two "
                  "folders hold the same document: the same symbol and language); remove one, or correct "
                  "the symbols or language of one")
        names = sorted([f"{key}/{v.rpartition('.')[0]}" for v in self.by_key[key]]
                       + [n for n, _ in self.found.refused.get(key, [])])
        self.entries[key] = {"versions": entry["versions"], "input": "collides:" + entry["input"], "stat": None,
                             "dir": None, **Outcome.nothing(key, [[n, reason] for n in names]).entry(),
                             "parts": self.dumps.write(key, {})}

    def advance(self) -> None:
        """The dataset files are written in key order, whatever order the outcomes come in."""
        order, entries, arrived, dumps = self.order, self.entries, self.arrived, self.dumps
        old_index = dumps.old_index
        while self.cursor < len(order):
            key = order[self.cursor]
            if key in entries and key not in arrived:  # reused, with the neighbours reused after it
                entry = entries[key]
                clash = self.claim(key, entry.get("graphs", []))
                if clash is not None:
                    self.collide(key, clash, entry)
                    self.cursor += 1
                    continue
                end = self.cursor + 1
                while (end < len(order) and order[end] in entries and order[end] not in arrived
                       and old_index[order[end]] == old_index[order[end - 1]] + 1
                       and self.claim(order[end], entries[order[end]].get("graphs", [])) is None):
                    end += 1
                dumps.reuse(key, order[end - 1])
                self.cursor = end
                continue
            elif key in arrived:
                outcome = arrived.pop(key)
                entry = {**self.inputs.pop(key), **outcome.entry()}
                clash = self.claim(key, outcome.graphs)
                if clash is not None:
                    self.collide(key, clash, entry)
                    self.cursor += 1
                    continue
                entry["parts"] = dumps.write(key, outcome.parts)
                entries[key] = entry
                if self.loader is not None:
                    self.loader.reached(dumps.pos["dataset.nq"])
            else:
                return
            self.cursor += 1

    def handle(self, outcome: Outcome) -> None:
        """A document's outcome, as it arrives from its worker."""
        key = outcome.key
        if key in self.found.refused:  # its versions refused before any work
            outcome.refused = sorted(outcome.refused + self.found.refused[key])
        self.results.extend(outcome.results)
        self.arrived[key] = outcome  # its entry made when its turn comes (`advance`)
        self._progress(outcome.built + [n for n, _ in outcome.refused])
        self.advance()


def _report(seen: Summary, processed: list[str], results: list, found: Sources) -> BuildReport:
    report = BuildReport(processed=list(processed), results=results, notices=found.notices,
                         built=sorted(seen.built), refused=[Refusal(n, r) for n, r in seen.refused],
                         warnings=seen.warnings, violations=seen.violations)
    report.refused.sort(key=lambda r: r.name)
    return report


def _finish(folder: Path, settings: Settings, entries: Entries, head_quads: int) -> Summary:
    """The OAI-PMH index, the JSON-LD context, the ontology, the dataset description and the citation
    network; what the entries add up to (`summary`). Each reads the entries one at a time (a build of
    100,000 documents cannot hold them all as dicts)."""
    seen = summary(entries)
    write_oai(folder / "oai.json", entries, seen)
    new_file(folder / "context.jsonld", (settings.ontology_dir / "context.jsonld").read_bytes())
    new_file(folder / "ontology.ttl", (settings.ontology_dir / "unkg.ttl").read_bytes())
    described = description(settings.templates_dir, settings.base, settings.base, head_quads + seen.quads, None,
                            seen.records())
    new_file(folder / "catalog.ttl", write.turtle(described))
    write_network(folder, entries, new_file)  # the citation network (citations.graphml, .csv, codebook)
    write_index(folder, entries, seen.searchable)  # build/search.sqlite: the search on `/` (build/search.py)
    return seen
