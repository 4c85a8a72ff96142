"""The main job: every document under ``source/documents/<key>/<lang>.txt`` through the pipeline into
``build/``: parse, map to RDF, validate with SHACL, publish.

What ``build/`` holds (see README "Outputs"): per document its facts card, Turtle, JSON-LD, N-Quads and SHACL
report, its MARC 21, Dublin Core and Akoma Ntoso; the whole dataset as Turtle, TriG, N-Triples, N-Quads and
JSON-LD; the JSON-LD context and the ontology; the embedded store (``store/``). A document that cannot be read,
or whose graph does not conform to the shapes, is refused: named, with its report, and nothing of it is
published.

How it scales (README "Speed"): documents are grouped by key (the language versions of one document) and
processed in parallel worker processes, each loading the authority data and compiling the shapes once
(``fastshacl``; ``reference=True`` validates with pySHACL instead). Results stream to disk as they come;
nothing corpus-sized is held in memory: the dataset files are assembled from the per-document N-Quads and
written from the store by Oxigraph. A key whose sources, and the tool (shapes, ontology, authorities,
crosswalks, templates, code), have not changed since the previous build is not processed again: its files
are linked from the previous build (``manifest.json`` records what each key produced). A worker that dies on a
document is replaced; that document is refused with the reason, the others go on. The folder is replaced
whole at the end, so a failed or killed build leaves the previous ``build/`` as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from . import __version__, authority, publish
from .config import Settings
from .errors import InputError
from .exchange import Exchange, datestamp, oai_entry, oai_index, set_names
from .exchange.dataset import description
from .facts import card, dumps
from .mapping import authority_graph, map_document
from .model import Document
from .parse import parse_file
from .validate import Report, Result, load_shapes, ordered, results_turtle, validate_graph

LANGS = ("ar", "zh", "en", "fr", "ru", "es")
MANIFEST = "manifest.json"
TOOL_INPUTS = ("shapes", "ontology", "crosswalks", "templates")  # besides the authorities and the code


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
    results: list[tuple[str, Result]] = field(default_factory=list)  # (document, result) of this build's work


def documents(folder: Path) -> list[Path]:
    """The document files of the source folder (``<key>/<lang>.txt`` or ``<key>/<lang>.pdf``), in a
    stable order; where a version has both, its text file is read (the PDF's text layer, extracted)."""
    if not folder.is_dir():
        raise InputError(str(folder), "no documents folder")
    found: dict[tuple[str, str], Path] = {}
    for suffix in (".txt", ".pdf"):  # text first: it wins over a PDF of the same version
        for p in sorted(folder.glob(f"*/*{suffix}")):
            if p.stem in LANGS:
                found.setdefault((p.parent.name, p.stem), p)
    return [found[k] for k in sorted(found)]


def violations_text(results) -> str:
    problems = "; ".join(f"{r.message} ({r.focus})" for r in results if r.severity == "Violation")
    return f"does not conform to the shapes: {problems}"


def report_turtle(report: Report) -> bytes:
    """The SHACL report as Turtle (the same bytes for the same results)."""
    return results_turtle(report.results)


def report_text(results, name: str) -> str:
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms, tuple(results), Graph()).text(name)


# -- the tool's fingerprint -----------------------------------------------------------------------------

def tool_fingerprint(settings: Settings, reference: bool) -> str:
    """What every document's outputs depend on besides its own source: the code, the shapes, ontology,
    crosswalks, templates and authority data, the base, and the validator."""
    h = hashlib.sha256(f"{__version__}\n{settings.base}\n{reference}\n".encode())
    code = Path(__file__).parent
    files = sorted(p for p in code.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".js"))
    for folder in TOOL_INPUTS:
        files += sorted(p for p in (settings.project / folder).rglob("*") if p.is_file())
    files += sorted(p for p in settings.authorities_dir.rglob("*") if p.is_file())
    for p in files:
        h.update(str(p.relative_to(p.anchor)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def key_fingerprint(paths: list[Path]) -> str:
    """What one document's outputs depend on of its own: its versions' bytes and its sidecar."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    sidecar = paths[0].parent / "document.toml" if paths else None
    if sidecar is not None and sidecar.is_file():
        h.update(b"document.toml\0" + hashlib.sha256(sidecar.read_bytes()).digest())
    return h.hexdigest()


# -- the work of one document (all its language versions), in a worker ---------------------------------

class Worker:
    """What a worker process loads once: authorities, compiled shapes, context, crosswalks."""

    def __init__(self, settings: Settings, reference: bool):
        self.settings = settings
        self.reference = reference
        self.auth = authority.load(settings.authorities_dir, settings.base)
        self.auth_graph = authority_graph(self.auth, settings.base)
        self.shapes = load_shapes(settings.project / "shapes", settings.base)
        self.context = publish.load_context(settings.project / "ontology" / "context.jsonld")
        self.jsonld = publish.JsonLd(self.context)
        self.exchange = Exchange.load(settings.project, self.auth, settings.base)
        self.validator = None
        if not reference:
            from .fastshacl import Unsupported, Validator

            try:
                self.validator = Validator(self.shapes, self.auth_graph)
            except Unsupported as exc:
                raise InputError(str(settings.project / "shapes"), f"{exc}; validate with pySHACL instead "
                                 "(unkg build --reference)") from None

    def validate(self, graph: Graph, quads: list | None = None) -> list[Result]:
        """The SHACL results of a document's graph (with the authority data); `quads`, its quads as
        Oxigraph terms if the caller has them."""
        if self.validator is None:
            return list(validate_graph(graph + self.auth_graph, self.shapes).results)
        return ordered(self.validator.validate(graph, quads) + self.validator.authority_results())

    def process(self, key: str, paths: list[Path]) -> dict:
        """Every version of one document: its files (path -> bytes) and what the build reports."""
        files: dict[str, bytes] = {}
        out = {"key": key, "files": files, "built": [], "refused": [], "warnings": 0, "violations": 0,
               "results": [], "oai": None, "sets": {}}
        accepted: list[tuple[Document, Path]] = []
        for path in paths:
            name = f"{key}/{path.stem}"
            try:
                doc = parse_file(path, self.auth)
            except InputError as exc:
                out["refused"].append((name, str(exc)))
                continue
            graph = map_document(doc, self.auth, self.settings.base)
            quads = publish.quads([graph])
            results = self.validate(graph, quads)
            stem = f"{key}.{path.stem}"
            files[f"reports/{stem}.ttl"] = results_turtle(results)
            files[f"reports/{stem}.txt"] = report_text(results, name).encode("utf-8")
            out["warnings"] += sum(r.severity == "Warning" for r in results) + len(doc.warnings)
            out["violations"] += sum(r.severity == "Violation" for r in results)
            out["results"] += [(name, r) for r in results]
            if any(r.severity == "Violation" for r in results):
                out["refused"].append((name, violations_text(results)))
                continue
            files[f"facts/{stem}.json"] = dumps(card(doc)).encode("utf-8")
            files[f"documents/{stem}.ttl"] = publish.turtle(publish.triples_of(quads))
            files[f"documents/{stem}.jsonld"] = self.jsonld.named_graph(graph)
            files[f"documents/{stem}.nq"] = publish.nquads(quads)
            files[f"documents/{stem}.trig"] = publish.trig(quads)
            accepted.append((doc, path))
            out["built"].append(name)
        if accepted:
            rec, exchange_files = self.exchange.files([d for d, _ in accepted])
            files.update(exchange_files)
            out["oai"] = oai_entry(rec, datestamp([p for _, p in accepted]),
                                   sorted(filter(None, (self.auth.language_iri(d.language.value)
                                                        for d, _ in accepted))))
            out["sets"] = set_names(rec)
        return out


_WORKER: Worker | None = None


def _worker_main(conn, settings: Settings, reference: bool, staging: str) -> None:
    """A worker process: receives (key, paths), writes the document's files into the staging folder and
    sends back what the build reports; None ends it."""
    global _WORKER
    _WORKER = Worker(settings, reference)
    writer = FileWriter(Path(staging))
    conn.send(("ready", None))
    while True:
        task = conn.recv()
        if task is None:
            return
        key, paths = task
        payload = _safe_process(key, [Path(p) for p in paths])
        conn.send(("writing", sorted(payload["files"])))  # removed by the build if this worker dies now
        conn.send(("done", writer.write(payload)))


class FileWriter:
    """Writes a document's files (its payload's ``files``: path -> bytes) under a folder, and leaves in the
    payload only their paths."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: set[str] = set()

    def write(self, payload: dict) -> dict:
        for rel, data in payload["files"].items():
            parent = rel.rpartition("/")[0]
            if parent not in self.made:
                (self.folder / parent).mkdir(parents=True, exist_ok=True)
                self.made.add(parent)
            with open(self.folder / rel, "wb") as fh:
                fh.write(data)
        return {**payload, "files": sorted(payload["files"])}


def _safe_process(key: str, paths: list[Path]) -> dict:
    try:
        return process_key(key, paths)
    except Exception as exc:  # a bug on one document must not stop the others: reported as its refusal
        return {"key": key, "files": {}, "built": [], "refused": [(f"{key}/{p.stem}",
                f"internal error: {type(exc).__name__}: {exc}") for p in paths], "warnings": 0,
                "violations": 0, "results": [], "oai": None, "sets": {}}


def process_key(key: str, paths: list[Path]) -> dict:
    """One document in this worker (a module function, so a test can replace it)."""
    assert _WORKER is not None
    return _WORKER.process(key, paths)


def _run_workers(settings: Settings, reference: bool, tasks: list[tuple[str, list[Path]]], jobs: int,
                 handle: Callable[[dict], None], staging: Path) -> None:
    """Run `tasks` on `jobs` worker processes, calling `handle` with each result as it arrives; a worker
    that dies takes only its current document with it (reported as refused) and is replaced."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    ctx = mp.get_context("fork")
    pending = list(reversed(tasks))
    workers: dict = {}  # conn -> [process, current task or None, the files it is writing]

    def start() -> None:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child, settings, reference, str(staging)), daemon=True)
        proc.start()
        child.close()
        workers[parent] = [proc, None, []]

    def assign(conn) -> None:
        workers[conn][2] = []
        if pending:
            task = pending.pop()
            workers[conn][1] = task
            conn.send((task[0], [str(p) for p in task[1]]))
        else:
            workers[conn][1] = None
            conn.send(None)

    for _ in range(max(1, min(jobs, len(tasks)))):
        start()
    try:
        while workers:
            ready = wait(list(workers) + [w[0].sentinel for w in workers.values()])
            for item in ready:
                conn = item if item in workers else next((c for c, w in workers.items() if w[0].sentinel == item),
                                                        None)
                if conn is None or conn not in workers:
                    continue
                proc, task, writing = workers[conn]
                try:
                    message = conn.recv() if conn.poll() else None
                except (EOFError, OSError):
                    message = None
                if message is not None:
                    kind, payload = message
                    if kind == "writing":
                        workers[conn][2] = payload
                        continue
                    if kind == "done":
                        handle(payload)
                    assign(conn)
                    continue
                if proc.is_alive():
                    continue
                proc.join()
                del workers[conn]
                for rel in writing:  # what it may have half written
                    (staging / rel).unlink(missing_ok=True)
                if task is not None:  # it died on this document
                    how = (f"signal {-proc.exitcode}" if proc.exitcode and proc.exitcode < 0
                           else f"exit code {proc.exitcode}")
                    handle({"key": task[0], "files": {}, "built": [], "warnings": 0, "violations": 0,
                            "results": [], "oai": None, "sets": {},
                            "refused": [(f"{task[0]}/{p.stem}", f"the worker processing it died ({how})")
                                        for p in task[1]]})
                if pending:
                    start()
    finally:
        for proc, _ in list(workers.values()):
            proc.kill()
            proc.join()


# -- the build -----------------------------------------------------------------------------------------

def build(settings: Settings, progress: Callable[[str], None] | None = None, reference: bool = False,
          jobs: int | None = None) -> BuildReport:
    """Build every document; `progress(name)` is called as each language version is done."""
    # everything a worker loads is checked here first: a bad input stops the build before any work
    main = Worker(settings, reference)
    tool = tool_fingerprint(settings, reference)
    by_key: dict[str, list[Path]] = {}
    for path in documents(settings.documents_dir):
        by_key.setdefault(path.parent.name, []).append(path)
    fingerprints = {key: key_fingerprint(paths) for key, paths in by_key.items()}
    previous = _previous_manifest(settings.build_dir, tool)
    reuse = {key for key in by_key if previous.get(key, {}).get("input") == fingerprints[key]}
    tasks = [(key, by_key[key]) for key in sorted(by_key) if key not in reuse]

    result = BuildReport(processed=[k for k, _ in tasks])
    publish.clean_stale(settings.build_dir)
    out = publish.Output(settings.build_dir)
    entries: dict[str, dict] = {}

    def record(payload: dict, files: list[str]) -> None:
        key = payload["key"]
        entries[key] = {"input": fingerprints[key], "files": sorted(files), "built": payload["built"],
                        "refused": payload["refused"], "warnings": payload["warnings"],
                        "violations": payload["violations"], "oai": payload["oai"], "sets": payload["sets"]}
        if progress is not None:
            for name in payload["built"] + [n for n, _ in payload["refused"]]:
                progress(name)

    def handle(payload: dict) -> None:  # its files are written (by the worker)
        result.results += payload["results"]
        record(payload, payload["files"])

    try:
        gone = [k for k in previous if k not in by_key]
        store = StoreWriter(out, settings.build_dir, previous, [k for k, _ in tasks], gone, len(by_key))
        for key in sorted(reuse):
            old = previous[key]
            for rel in old["files"]:
                _link(settings.build_dir / rel, out.path(rel))
            record({"key": key, **old}, old["files"])
        if tasks:
            workers = jobs or os.cpu_count() or 1
            if workers == 1 or len(tasks) == 1:
                global _WORKER
                saved, _WORKER = _WORKER, main
                writer = FileWriter(out.staging)
                try:
                    for key, paths in tasks:
                        handle(writer.write(_safe_process(key, paths)))
                finally:
                    _WORKER = saved
            else:
                _run_workers(settings, reference, tasks, workers, handle, out.staging)
        for key in sorted(entries):
            e = entries[key]
            result.built += e["built"]
            result.refused += [Refusal(n, r) for n, r in e["refused"]]
            result.warnings += e["warnings"]
            result.violations += e["violations"]
        result.built.sort()
        result.refused.sort(key=lambda r: r.name)
        result.triples = _publish_dataset(out, settings, main, entries)
        result.store_reloaded = store.finish(out.path("dataset.nq"), [
            out.path(rel) for key, _ in tasks for rel in entries[key]["files"] if rel.endswith(".nq")])
        out.write(MANIFEST, json.dumps({"tool": tool, "documents": entries}, ensure_ascii=False, indent=1,
                                       sort_keys=True) + "\n")
        out.commit()
    except BaseException:
        out.abort()
        raise
    return result


def _graphs_of(nq: Path) -> list[str]:
    """The graph names in one of our N-Quads files (each line ends ``<graph> .``)."""
    names = set()
    with open(nq, encoding="utf-8") as fh:
        for line in fh:
            names.add(line.rstrip()[:-1].rstrip().rsplit("<", 1)[1][:-1])
    return sorted(names)


class StoreWriter:
    """The build's store, decided before any work, filled at the end: the previous store's files linked
    (the dataset is unchanged), a checkpoint of the previous store with the changed documents' graphs
    replaced (most documents reused), or a new store bulk-loaded from the dataset's N-Quads by Oxigraph."""

    def __init__(self, out: publish.Output, build_dir: Path, previous: dict, changed: list[str], gone: list[str],
                 total: int):
        from .store import STAMP

        self.out = out
        self.folder = out.path("store")
        old = build_dir / "store"
        usable = bool(previous) and old.is_dir() and (old / STAMP).is_file()
        self.store = None
        self.reloaded = bool(changed or gone)
        if usable and not changed and not gone:
            self.mode = "link"
            for f in sorted(old.rglob("*")):
                if f.is_file():
                    _link(f, out.path(f"store/{f.relative_to(old)}"))
            return
        if usable and len(changed) + len(gone) < total / 2:
            self.mode = "update"
            ox.Store.read_only(str(old)).backup(str(self.folder))
            self.store = ox.Store(str(self.folder))
            for key in changed + gone:
                for rel in previous.get(key, {}).get("files", []):
                    if rel.endswith(".nq") and (build_dir / rel).is_file():
                        for graph in _graphs_of(build_dir / rel):
                            self.store.remove_graph(ox.NamedNode(graph))
            return
        self.mode = "load"

    def finish(self, dataset_nq: Path, changed_nq: list[Path]) -> bool:
        """Fill and close the store (it then holds `dataset_nq`; `changed_nq`, the N-Quads of the
        documents processed by this build); True when its content changed."""
        from .store import STAMP

        if self.mode == "link":
            return self.reloaded
        if self.mode == "load":
            self.store = ox.Store(str(self.folder))
            self.store.bulk_load(path=str(dataset_nq), format=ox.RdfFormat.N_QUADS)
        else:
            assert self.store is not None
            for nq in changed_nq:
                self.store.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        self.store.flush()
        self.store = None
        digest = hashlib.sha256()
        with open(dataset_nq, "rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
        (self.folder / STAMP).write_text(digest.hexdigest())
        return self.reloaded


def _previous_manifest(build_dir: Path, tool: str) -> dict:
    try:
        data = json.loads((build_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("tool") != tool:
        return {}
    docs = data.get("documents", {})
    # a key is reused only if every file it produced is still there
    return {k: v for k, v in docs.items() if all((build_dir / rel).is_file() for rel in v.get("files", []))}


def _link(src: Path, dst: Path) -> None:
    """The previous build's file in the new one: a hard link (files are never modified in place), or a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _publish_dataset(out: publish.Output, settings: Settings, main: Worker, entries: dict[str, dict]) -> int:
    """The dataset files, streamed from the authority graph's and every accepted version's own files in key
    order (nothing corpus-sized in memory): N-Quads, TriG and Turtle are concatenations of the documents'
    (Turtle and TriG allow a prefix declaration before each part); N-Triples is the N-Quads without their
    graph; JSON-LD is an array of the documents' compacted JSON-LD, each with its context and named graph.
    Turtle and N-Triples are the union of the graphs, a triple two graphs share written twice (RDF graphs
    are sets). Then the MARCXML collection, the OAI-PMH index and the dataset description."""
    auth_quads = publish.quads([main.auth_graph])
    heads = {".nq": publish.nquads(auth_quads), ".trig": publish.trig(auth_quads),
             ".ttl": publish.turtle(publish.triples([main.auth_graph])),
             ".jsonld": main.jsonld.named_graph(main.auth_graph)}
    parts = [rel for key in sorted(entries) for rel in entries[key]["files"] if rel.startswith("documents/")]
    count = heads[".nq"].count(b"\n")
    for suffix, name in ((".nq", "dataset.nq"), (".trig", "dataset.trig"), (".ttl", "dataset.ttl")):
        with open(out.path(name), "wb") as fh:
            fh.write(heads[suffix])
            for rel in parts:
                if rel.endswith(suffix):
                    data = out.path(rel).read_bytes()
                    fh.write(data)
                    if suffix == ".nq":
                        count += data.count(b"\n")
    with open(out.path("dataset.nq"), "rb") as src, open(out.path("dataset.nt"), "wb") as fh:
        while block := src.read(1 << 22):  # "<s> <p> <o> <g> ." -> "<s> <p> <o> ." (our N-Quads: the graph is last)
            block += src.readline()  # whole lines
            fh.write(_GRAPH_LABEL.sub(b" .\n", block))
    with open(out.path("dataset.jsonld"), "wb") as fh:
        fh.write(b"[\n" + heads[".jsonld"].rstrip())
        for rel in parts:
            if rel.endswith(".jsonld"):
                fh.write(b",\n" + out.path(rel).read_bytes().rstrip())
        fh.write(b"\n]\n")
    _collect_marc(out, entries)
    records = [e["oai"] for e in entries.values() if e["oai"]]
    sets: dict[str, str] = {}
    for e in entries.values():
        sets.update(e["sets"])
    out.write("oai.json", oai_index(records, sets))
    out.write("context.jsonld", (settings.project / "ontology" / "context.jsonld").read_bytes())
    out.write("ontology.ttl", (settings.project / "ontology" / "unkg.ttl").read_bytes())
    described = description(settings.project / "templates", settings.base, settings.base, count, out.path("oai.json"))
    out.write("catalog.ttl", publish.turtle(described))
    return count


_GRAPH_LABEL = re.compile(rb" <[^<>\s]*> \.\n")  # the graph IRI ending an N-Quads line (IRIs have no space)


def _collect_marc(out: publish.Output, entries: dict[str, dict]) -> None:
    """catalogue.marc.xml: every document's MARC record in one collection, streamed (each document's file is
    a collection of one record, written by us: its record is the text between the collection's tags)."""
    from .exchange.marc import MARC_NS

    with open(out.path("catalogue.marc.xml"), "wb") as fh:
        fh.write(f"<?xml version='1.0' encoding='UTF-8'?>\n<collection xmlns=\"{MARC_NS}\">\n".encode())
        for key in sorted(entries):
            rel = f"marc/{key}.xml"
            if rel in entries[key]["files"]:
                data = out.path(rel).read_bytes()
                start = data.index(b"<record")
                end = data.rindex(b"</collection>")
                fh.write(b"  " + data[start:end].rstrip() + b"\n")
        fh.write(b"</collection>\n")
