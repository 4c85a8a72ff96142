"""Validation with SHACL (pySHACL): what a publishable communication must satisfy (``shapes/*.shacl.ttl``).

A document conforms when its graph, read together with the authority graph (the shapes look up the
language codes and agenda schemes there), has no result of severity ``sh:Violation``; warnings are
reported but do not fail it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from .errors import InputError

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


def load_shapes(folder: Path, base: str) -> Graph:
    """Every ``*.shacl.ttl`` of `folder`, with ``{base}`` replaced by the configured base."""
    files = sorted(folder.glob("*.shacl.ttl"))
    if not files:
        raise InputError(str(folder), "no shapes (*.shacl.ttl) found")
    from .rdfio import parse_turtle_files

    shapes = parse_turtle_files(files, transform=lambda text: text.replace("{base}", base.rstrip("/")))
    return shapes


def _messages(shapes: Graph, report: Graph, result) -> dict[str | None, str]:
    """A result's messages in every language the shape gives, with {?value} and {$this} filled in.

    pySHACL copies only one of a shape's sh:message values into a result, chosen in hash order, so the
    report's language would change from run to run: the messages are taken from the shapes instead."""
    source = report.value(result, SH.sourceConstraint) or report.value(result, SH.sourceShape)
    value = term_text(report.value(result, SH.value)) or ""
    focus = term_text(report.value(result, SH.focusNode)) or ""
    found = {}
    for m in shapes.objects(source, SH.message):
        if isinstance(m, Literal):
            found[m.language] = str(m).replace("{?value}", value).replace("{$this}", focus)
    if not found:
        found = {m.language: str(m) for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)}
    return found


def term_text(node) -> str | None:
    """A term as a result shows it: an IRI as itself, a literal or blank node in N-Triples form."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    return node.n3()


def validate_graph(data: Graph, shapes: Graph) -> Report:
    from pyshacl import validate as shacl_validate

    conforms, report_graph, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True,  # SPARQL targets
        abort_on_first=False,
    )
    results = []
    for r in list(report_graph.subjects(SH.resultSeverity, None)):
        severity = SEVERITIES.get(report_graph.value(r, SH.resultSeverity), "Info")
        messages = _messages(shapes, report_graph, r)
        report_graph.remove((r, SH.resultMessage, None))
        for lang, text in sorted(messages.items(), key=lambda kv: kv[0] or ""):
            report_graph.add((r, SH.resultMessage, Literal(text, lang=lang)))
        results.append(Result(
            severity=severity,
            focus=term_text(report_graph.value(r, SH.focusNode)) or "",
            path=term_text(report_graph.value(r, SH.resultPath)),
            value=term_text(report_graph.value(r, SH.value)),
            message=messages.get("en") or messages.get(None) or next(iter(messages.values()), ""),
            message_zh=messages.get("zh"),
            shape=term_text(report_graph.value(r, SH.sourceShape)) or "",
            constraint=term_text(report_graph.value(r, SH.sourceConstraintComponent)) or "",
            source=term_text(report_graph.value(r, SH.sourceConstraint)),
        ))
    results = ordered(results)
    return Report(not any(x.severity == "Violation" for x in results), tuple(results), report_graph)


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
    import hashlib
    import json

    import pyoxigraph as ox

    from .publish import PREFIX_MAP

    sh = "http://www.w3.org/ns/shacl#"
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
