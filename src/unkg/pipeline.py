"""The one path a document takes: its language versions parsed, mapped to RDF, validated with SHACL and
rendered into the files ``build/`` publishes. ``unkg build`` runs it in its workers, ``unkg export`` and the
benchmarks call it directly; nothing else turns a source into outputs.

`Pipeline` holds what is loaded once per process (authority data, compiled shapes, the JSON-LD context, the
crosswalks); `Pipeline.process` gives one document's `Outcome`. A version whose graph violates the shapes is
refused (its report is kept, nothing else of it); a version that cannot be read is refused with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from . import authority
from .rdf import write
from .rdf.triples import Triples
from .config import Settings, dump_files
from .errors import InputError
from .exchange import Exchange, datestamp, oai_entry, set_names
from .facts import card, dumps
from .mapping import Minter, authority_graph, map_document, map_triples
from .mapping_citations import network_entry
from .model import Document
from .parse import parse_file
from .searchdoc import Indexer
from .validate import Report, Result, Unsupported, Validator, load_shapes, ordered, results_turtle, validate_graph

CATALOGUE = "catalogue.marc.xml"  # the MARCXML collection of every document, streamed as the dataset files are


@dataclass
class Outcome:
    """What one document (all its language versions) gives: its files (path relative to ``build/`` ->
    bytes), its parts of the dataset files (file name -> bytes), the IRIs of its graphs and their quad count,
    the versions built and those refused (name, reason), the validation results, and its OAI-PMH entry and
    sets. A document of which nothing could be built has only refusals (`Outcome.nothing`)."""

    key: str
    files: dict[str, bytes] = field(default_factory=dict)
    parts: dict[str, bytes] = field(default_factory=dict)
    graphs: list[str] = field(default_factory=list)
    quads: int = 0
    built: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    warnings: int = 0
    violations: int = 0
    results: list[tuple[str, Result]] = field(default_factory=list)
    oai: dict | None = None
    sets: dict[str, str] = field(default_factory=dict)
    cites: dict | None = None  # what the citation network keeps of it (mapping_citations.network_entry)

    @classmethod
    def nothing(cls, key: str, refused: list[tuple[str, str]]) -> Outcome:
        """A document of which nothing could be built, and why (each version's name and reason)."""
        return cls(key, refused=refused)

    def entry(self) -> dict:
        """What the build's manifest keeps of it (its files by path only)."""
        return {"files": sorted(self.files), "graphs": self.graphs, "quads": self.quads, "built": self.built,
                "refused": self.refused, "warnings": self.warnings, "violations": self.violations,
                "oai": self.oai, "sets": self.sets, "cites": self.cites}


@dataclass
class Checked:
    """One language version parsed, mapped and validated."""

    doc: Document
    graph: Graph
    quads: list
    results: list[Result]

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)


class Pipeline:
    """What a process loads once: authorities, compiled shapes, context, crosswalks."""

    def __init__(self, settings: Settings, reference: bool = False):
        self.settings = settings
        self.reference = reference
        self.auth = authority.load(settings.authorities_dir, settings.base)
        self.auth_graph = authority_graph(self.auth, settings.base)
        self.shapes = load_shapes(settings.shapes_dir, settings.base)
        self.context = write.load_context(settings.ontology_dir / "context.jsonld")
        self.jsonld = write.JsonLd(self.context)
        self.dumps = dump_files(settings) + (CATALOGUE,)
        self.exchange = Exchange.load(settings.crosswalks_dir, settings.templates_dir, self.auth, settings.base)
        self.validator = None
        self._indexer: Indexer | None = None  # the search rows' reader, made on first use
        if not reference:
            try:
                self.validator = Validator(self.shapes, self.auth_graph)
            except Unsupported as exc:
                raise InputError(str(settings.shapes_dir), f"{exc}; validate with pySHACL instead "
                                 "(unkg build --reference)") from None

    def validate(self, graph: Graph | Triples, quads: list | None = None, items: list | None = None) -> list[Result]:
        """The SHACL results of a document's graph (with the authority data); `quads`, its quads as
        Oxigraph terms, and `items`, its triples in a list, if the caller has them."""
        if self.validator is None:
            if isinstance(graph, Triples):
                graph = graph.graph()
            return list(validate_graph(graph + self.auth_graph, self.shapes).results)
        return ordered(self.validator.validate(graph, quads, items) + self.validator.authority_results())

    def indexer(self) -> Indexer:
        if self._indexer is None:
            self._indexer = Indexer(write.quads([self.auth_graph]), self.settings.base)
        return self._indexer

    def check(self, path: Path) -> Checked:
        """One language version's source parsed, mapped and validated (an InputError if it is not
        readable)."""
        doc = parse_file(path, self.auth)
        graph = map_document(doc, self.auth, self.settings.base)
        items = list(graph)
        quads = write.graph_quads(graph.identifier, items)
        return Checked(doc, graph, quads, self.validate(graph, quads, items))

    def process(self, key: str, paths: list[Path]) -> Outcome:
        """Every version of one document: its files, its parts of the dataset files, and what the build
        reports."""
        out = Outcome(key)
        files = out.files
        parts: dict[str, list[bytes]] = {name: [] for name in self.dumps}
        accepted: list[tuple[Document, Path]] = []
        claimed: dict[str, str] = {}  # its graph's IRI -> the version that has it
        searched: list[tuple[str, str, str, list]] = []  # what the search reads of each version built
        for path in sorted(paths, key=lambda p: p.stem):
            name = f"{key}/{path.stem}"
            try:
                doc = parse_file(path, self.auth)
            except InputError as exc:
                out.refused.append((name, str(exc)))
                continue
            graph = map_triples(doc, self.auth, self.settings.base)
            iri = str(graph.identifier)
            if iri in claimed:
                out.refused.append((name, f"its IRI <{iri}> is already that of {claimed[iri]} (two files "
                                          "of the folder hold the same language version)"))
                continue
            claimed[iri] = name
            items = list(graph)  # (read once: every step below reads them)
            quads = write.graph_quads(graph.identifier, items)
            results = self.validate(graph, quads, items)  # (pySHACL, with --reference, makes an rdflib graph)
            stem = f"{key}.{path.stem}"
            files[f"reports/{stem}.ttl"] = results_turtle(results)
            files[f"reports/{stem}.txt"] = report_text(results, name).encode("utf-8")
            out.warnings += sum(r.severity == "Warning" for r in results) + len(doc.warnings)
            out.violations += sum(r.severity == "Violation" for r in results)
            out.results += [(name, r) for r in results]
            if any(r.severity == "Violation" for r in results):
                out.refused.append((name, violations_text(results)))
                continue
            files[f"facts/{stem}.json"] = dumps(card(doc)).encode("utf-8")
            files[f"documents/{stem}.ttl"] = write.turtle(write.graph_triples(quads))
            files[f"documents/{stem}.jsonld"], line = self.jsonld.named_graph_and_line(graph, items)
            nquads = write.nquads(quads)
            parts["dataset.nq"].append(nquads)
            if "dataset.nt" in parts:
                parts["dataset.nt"].append(ntriples_of(nquads))
            if "dataset.trig" in parts:
                parts["dataset.trig"].append(write.trig(quads))
            if "dataset.ttl" in parts:
                parts["dataset.ttl"].append(files[f"documents/{stem}.ttl"])
            if "dataset.jsonld" in parts:
                parts["dataset.jsonld"].append(b",\n" + line)
            out.graphs.append(iri)
            out.quads += len(quads)
            accepted.append((doc, path))
            searched.append((iri, doc.language.value, doc.source.raw, quads))
            out.built.append(name)
        if accepted:
            rec, exchange_files = self.exchange.files([d for d, _ in accepted])
            files.update(exchange_files)
            parts[CATALOGUE].append(marc_part(exchange_files[f"marc/{key}.xml"]))
            out.oai = oai_entry(rec, datestamp([p for _, p in accepted]),
                                sorted(filter(None, (self.auth.language_iri(d.language.value) for d, _ in accepted))))
            out.sets = set_names(rec)
            out.cites = network_entry([d for d, _ in accepted], Minter(self.settings.base, self.auth))
            files[f"search/{key}.json"] = self.indexer().row(searched)
        out.parts = {name: b"".join(chunks) for name, chunks in parts.items()}  # in self.dumps
        return out


def violations_text(results) -> str:
    problems = "; ".join(f"{r.message} ({r.focus})" for r in results if r.severity == "Violation")
    return f"does not conform to the shapes: {problems}"


_UNREAD = Graph()  # the report's graph, which its text does not read (an empty graph costs 4 us to make)


def report_text(results, name: str) -> str:
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms, tuple(results), _UNREAD).text(name)


_GRAPH_LABEL = re.compile(rb" <[^<>\s]*> \.\n")  # the graph IRI ending an N-Quads line (IRIs have no space)


def ntriples_of(nquads: bytes) -> bytes:
    """Our own N-Quads (every quad in a named graph, the graph last) as N-Triples."""
    return _GRAPH_LABEL.sub(b" .\n", nquads)


def marc_part(collection: bytes) -> bytes:
    """The record of a MARCXML collection of one record (written by us), as a line of the catalogue."""
    start = collection.index(b"<record")
    end = collection.rindex(b"</collection>")
    return b"  " + collection[start:end].rstrip() + b"\n"
