"""The main job: every document under ``source/documents/<key>/<lang>.txt`` through the pipeline into
``build/``: parse, map to RDF, validate with SHACL, publish.

What ``build/`` holds (see README "Outputs"): per document its facts card, Turtle, JSON-LD and SHACL
report; the whole dataset as Turtle, TriG, N-Triples, N-Quads and JSON-LD; the JSON-LD context and the
ontology; the embedded store (``store/``, reloaded only when the
dataset changed). A document that cannot be read, or whose graph does not conform to the shapes, is refused:
named, with its report, and nothing of it is published. The folder is replaced whole at the end, so a
failed or interrupted build leaves the previous ``build/`` as it was."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from . import authority, publish
from .config import Settings
from .errors import InputError
from .facts import card, dumps
from .mapping import authority_graph, map_document
from .model import Document
from .parse import parse_file
from .store import build_store
from .validate import Report, load_shapes, validate_graph

LANGS = ("ar", "zh", "en", "fr", "ru", "es")


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


def report_turtle(report: Report) -> bytes:
    """The SHACL report graph with canonical blank-node labels, so rebuilds are byte-identical."""
    canonical = to_canonical_graph(report.graph)
    g = Graph()
    for s, p, o in canonical:
        g.add((s, p, o))
    return publish.turtle(publish.triples([g]))


def build(settings: Settings, progress: Callable[[str], None] | None = None) -> BuildReport:
    """Build every document; `progress(name)` is called as each one is done."""
    auth = authority.load(settings.authorities_dir, settings.base)
    shapes = load_shapes(settings.project / "shapes", settings.base)
    context = publish.load_context(settings.project / "ontology" / "context.jsonld")
    auth_graph = authority_graph(auth, settings.base)
    result = BuildReport()
    publish.clean_stale(settings.build_dir)
    out = publish.Output(settings.build_dir)
    try:
        accepted: list[Graph] = []
        for path in documents(settings.documents_dir):
            name = f"{path.parent.name}/{path.stem}"
            if progress is not None:
                progress(name)
            try:
                doc = parse_file(path, auth)
            except InputError as exc:
                result.refused.append(Refusal(name, str(exc)))
                continue
            graph = map_document(doc, auth, settings.base)
            report = validate_graph(graph + auth_graph, shapes)
            stem = f"{path.parent.name}.{path.stem}"
            out.write(f"reports/{stem}.ttl", report_turtle(report))
            out.write(f"reports/{stem}.txt", report.text(name))
            result.warnings += report.count("Warning") + len(doc.warnings)
            result.violations += report.count("Violation")
            if not report.conforms:
                problems = "; ".join(f"{r.message} ({r.focus})" for r in report.results
                                     if r.severity == "Violation")
                result.refused.append(Refusal(name, f"does not conform to the shapes: {problems}"))
                continue
            _publish_document(out, doc, graph, stem, context)
            accepted.append(graph)
            result.built.append(name)
        everything = [auth_graph] + accepted
        result.triples = _publish_dataset(out, everything, context)
        out.write("context.jsonld", (settings.project / "ontology" / "context.jsonld").read_bytes())
        out.write("ontology.ttl", (settings.project / "ontology" / "unkg.ttl").read_bytes())
        previous = settings.build_dir / "store"
        result.store_reloaded = build_store(out.path("dataset.nq"), out.path("store"),
                                            previous if previous.is_dir() else None)
        out.commit()
    except BaseException:
        out.abort()
        raise
    return result


def _publish_document(out: publish.Output, doc: Document, graph: Graph, stem: str, context: dict) -> None:
    items = publish.triples([graph])
    out.write(f"facts/{stem}.json", dumps(card(doc)))
    out.write(f"documents/{stem}.ttl", publish.turtle(items))
    out.write(f"documents/{stem}.jsonld", publish.jsonld(items, context))


def _publish_dataset(out: publish.Output, graphs: list[Graph], context: dict) -> int:
    quads = publish.quads(graphs)
    union = publish.triples(graphs)
    out.write("dataset.nq", publish.nquads(quads))
    out.write("dataset.trig", publish.trig(quads))
    out.write("dataset.nt", publish.ntriples(union))
    out.write("dataset.ttl", publish.turtle(union))
    out.write("dataset.jsonld", publish.jsonld(quads, context))
    return len(quads)


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
