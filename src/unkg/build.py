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
from .exchange import Exchange, datestamp, oai_entry, oai_index, set_names
from .exchange.dataset import description
from .exchange.marc import marc_record, marcxml
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


def check(doc: Document, auth, base: str, shapes, auth_graph: Graph) -> tuple[Graph, Report]:
    """A parsed document's graph and its SHACL report (read with the authority data)."""
    graph = map_document(doc, auth, base)
    return graph, validate_graph(graph + auth_graph, shapes)


def nonconformity(report: Report) -> str:
    problems = "; ".join(f"{r.message} ({r.focus})" for r in report.results if r.severity == "Violation")
    return f"does not conform to the shapes: {problems}"


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
    exchange = Exchange.load(settings.project, auth, settings.base)
    result = BuildReport()
    publish.clean_stale(settings.build_dir)
    out = publish.Output(settings.build_dir)
    try:
        accepted: list[Graph] = []
        versions: dict[str, list[tuple[Document, Path]]] = {}
        for path in documents(settings.documents_dir):
            name = f"{path.parent.name}/{path.stem}"
            if progress is not None:
                progress(name)
            try:
                doc = parse_file(path, auth)
            except InputError as exc:
                result.refused.append(Refusal(name, str(exc)))
                continue
            graph, report = check(doc, auth, settings.base, shapes, auth_graph)
            stem = f"{path.parent.name}.{path.stem}"
            out.write(f"reports/{stem}.ttl", report_turtle(report))
            out.write(f"reports/{stem}.txt", report.text(name))
            result.warnings += report.count("Warning") + len(doc.warnings)
            result.violations += report.count("Violation")
            if not report.conforms:
                result.refused.append(Refusal(name, nonconformity(report)))
                continue
            _publish_document(out, doc, graph, stem, context)
            accepted.append(graph)
            versions.setdefault(path.parent.name, []).append((doc, path))
            result.built.append(name)
        _publish_exchange(out, exchange, versions)
        everything = [auth_graph] + accepted
        result.triples = _publish_dataset(out, everything, context)
        out.write("context.jsonld", (settings.project / "ontology" / "context.jsonld").read_bytes())
        out.write("ontology.ttl", (settings.project / "ontology" / "unkg.ttl").read_bytes())
        described = description(settings.project / "templates", settings.base, settings.base, result.triples,
                                out.path("oai.json"))
        out.write("catalog.ttl", publish.turtle(described))
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


def _publish_exchange(out: publish.Output, exchange: Exchange, versions: dict[str, list[tuple[Document, Path]]]) \
        -> None:
    """MARC 21, Dublin Core and Akoma Ntoso for every document with an accepted version, the MARCXML
    collection of them all, and the index the OAI-PMH server reads."""
    records, entries, sets = [], [], {}
    for key in sorted(versions):
        docs = [d for d, _ in versions[key]]
        rec, files = exchange.files(docs)
        for rel, data in files.items():
            out.write(rel, data)
        records.append(marc_record(rec, exchange.marc))
        entries.append(oai_entry(rec, datestamp([p for _, p in versions[key]]),
                                 sorted(filter(None, (exchange.auth.language_iri(d.language.value) for d in docs)))))
        sets.update(set_names(rec))
    out.write("catalogue.marc.xml", marcxml(records))
    out.write("oai.json", oai_index(entries, sets))


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
