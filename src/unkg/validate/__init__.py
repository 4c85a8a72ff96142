"""Validation with SHACL: what a published graph must satisfy (``defaults/shapes/``).

One entry point, ``validate(data, shapes, authority)``, and two validators giving the same results:

- the compiled shapes (``compiled.py``, run by ``fast.py``), the default: the shapes read once into checks
  that run per document in milliseconds; they implement only the SHACL the project's shapes use and refuse
  any other shape (``Unsupported``) rather than ignore it;
- pySHACL (``reference.py``), with ``reference=True``: the reference, for any SHACL.

A graph conforms when, read together with the authority data (the shapes look up the language codes and
agenda schemes there), it has no result of severity ``sh:Violation``; warnings are reported but do not
fail it. ``report.py`` holds what both give (``Result``, ``Report``, the report as Turtle), ``shapes.py``
which shapes a graph is validated against (communication shapes, or a profile: the catalogue, the SHACL
reports, the ontology).

The build validates each document with a ``Validator`` it keeps (the compiled shapes and the authority data
loaded once, ``authority_results`` checked once); ``unkg validate`` calls ``validate`` per file.
"""

from __future__ import annotations

from rdflib import Graph

from .compiled import Unsupported, compile_shapes
from .fast import Validator
from .reference import validate_graph
from .report import SEVERITIES, Report, Result, ordered, report_graph, results_turtle, term_text
from .shapes import Profile, ShapeSets, load_shapes

__all__ = ["SEVERITIES", "Profile", "Report", "Result", "ShapeSets", "Unsupported", "Validator", "compile_shapes",
           "load_shapes", "ordered", "results_turtle", "term_text", "validate", "validate_graph"]


def validate(data: Graph, shapes: Graph, authority: Graph | None = None, *, reference: bool = False) -> Report:
    """`data` validated against `shapes`, read together with `authority` (the authority graph), by the
    compiled shapes or, with `reference`, by pySHACL. Raises ``Unsupported`` when the compiled shapes cannot
    implement `shapes` (pySHACL can)."""
    if reference:
        return validate_graph(data + authority if authority is not None else data, shapes)
    validator = Validator(shapes, authority if authority is not None else Graph())
    results = ordered(validator.validate(data) + validator.authority_results())
    return Report(not any(r.severity == "Violation" for r in results), tuple(results), report_graph(results))
