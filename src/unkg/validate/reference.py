"""The reference validator: pySHACL, with the results read back as ``Result``s."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import SH

from .report import SEVERITIES, Report, Result, ordered, term_text


def validate_graph(data: Graph, shapes: Graph) -> Report:
    """`data` (already holding the authority data, if the shapes need it) validated by pySHACL."""
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
