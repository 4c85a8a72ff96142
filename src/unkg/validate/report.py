"""What a validation gives, whichever validator ran: results (``Result``), a report (``Report``) and its
text, the order reports list results in, and the report as Turtle (``results_turtle``)."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from ..rdf.write import PREFIX_MAP
from ..vocab import SH as sh

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    constraint: str  # the constraint component
    source: str | None = None  # the SPARQL constraint that fired, for SPARQL-based constraints
    message_zh: str | None = None


@dataclass(frozen=True)
class Report:
    conforms: bool  # no violation (warnings allowed)
    results: tuple[Result, ...]
    graph: Graph  # the SHACL validation report

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def text(self, name: str = "") -> str:
        """A readable report: results grouped by severity, each with focus node, path, value and message."""
        head = f"{name}: " if name else ""
        verdict = "conforms" if self.conforms else "does NOT conform"
        lines = [f"{head}{verdict} ({self.count('Violation')} violation(s), {self.count('Warning')} "
                 f"warning(s), {self.count('Info')} info)"]
        for severity in ("Violation", "Warning", "Info"):
            group = [r for r in self.results if r.severity == severity]
            if group:
                lines.append(f"{severity}s:")
            for r in group:
                lines.append(f"  - {r.message}")
                if r.message_zh:
                    lines.append(f"    {r.message_zh}")
                lines.append(f"      focus: {r.focus}")
                if r.path:
                    lines.append(f"      path:  {r.path}")
                if r.value:
                    lines.append(f"      value: {r.value}")
                lines.append(f"      shape: {r.source or r.shape}")
        return "\n".join(lines) + "\n"


def term_text(node) -> str | None:
    """A term as a result shows it: an IRI as itself, a literal or blank node in N-Triples form."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    return node.n3()


def ordered(results) -> list[Result]:
    """Results in the order reports list them: by severity, then focus node, path, value and shape."""
    return sorted(results, key=lambda x: (["Violation", "Warning", "Info"].index(x.severity), x.focus, x.path or "",
                                          x.value or "", x.source or x.shape, x.message))


def _nt(term: str | None) -> str | None:
    """A result's term (an IRI, or a literal or blank node in N-Triples form) in N-Triples form."""
    if term is None:
        return None
    if term.startswith(('"', "_:")):
        return term
    return f"<{term}>"


def results_turtle(results: list[Result] | tuple[Result, ...]) -> bytes:
    """The SHACL validation report of `results` as Turtle, the same whichever validator produced them:
    one ``sh:ValidationReport`` with a ``sh:ValidationResult`` per result, blank nodes named by a hash
    of the result (so the same results give the same bytes)."""
    return _turtle(results) if results else _no_results()


@functools.cache
def _no_results() -> bytes:
    """The report of no results (most documents'), made once."""
    return _turtle(())


def _turtle(results) -> bytes:
    lines = ["_:report <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <%sValidationReport> ." % sh,
             '_:report <%sconforms> "%s"^^<http://www.w3.org/2001/XMLSchema#boolean> .'
             % (sh, "false" if any(r.severity == "Violation" for r in results) else "true")]
    for r in results:
        node = "_:r" + hashlib.sha256(repr((r.severity, r.focus, r.path, r.value, r.shape, r.constraint,
                                             r.source)).encode("utf-8")).hexdigest()[:32]
        lines.append(f"_:report <{sh}result> {node} .")
        lines.append(f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{sh}ValidationResult> .")
        for pred, value in (("focusNode", _nt(r.focus)), ("resultPath", _nt(r.path)), ("value", _nt(r.value)),
                            ("resultSeverity", f"<{sh}{r.severity}>"), ("sourceShape", _nt(r.shape)),
                            ("sourceConstraintComponent", _nt(r.constraint)), ("sourceConstraint", _nt(r.source))):
            if value:
                lines.append(f"{node} <{sh}{pred}> {value} .")
        for lang, text in (("en", r.message), ("zh", r.message_zh)):
            if text:
                lines.append(f"{node} <{sh}resultMessage> {json.dumps(text, ensure_ascii=False)}@{lang} .")
    triples = sorted(set(ox.parse("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)), key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"sh": sh, **PREFIX_MAP})


def report_graph(results) -> Graph:
    """The report of `results` as an rdflib graph (what ``results_turtle`` writes)."""
    return Graph().parse(data=results_turtle(results), format="turtle")
