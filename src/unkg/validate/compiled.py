"""The shapes compiled: a shapes graph read once into node shapes (``NodeShape``: targets and ``Check``s) that
``fast.Validator`` runs per document.

Only the SHACL the project's shapes use is implemented: targets ``sh:targetClass`` / ``sh:targetSubjectsOf`` /
``sh:targetObjectsOf`` / ``sh:targetNode`` and SPARQL-based targets (``sh:SPARQLTarget``); property shapes with a
predicate path; ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:nodeKind``, ``sh:class``,
``sh:minInclusive``, ``sh:maxInclusive``, ``sh:pattern``, ``sh:in``, ``sh:hasValue``; and SPARQL-based constraints
(``sh:select`` with ``sh:prefixes``). A shape using anything else is refused here (``Unsupported``), naming the
shape and the feature, so the two validators can never silently disagree; pySHACL (``reference.py``) then
validates instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from ..sparql_patterns import required
from ..sparql_select import Select
from .namespaces import prefixes as namespace_prefixes
from .predicates import reads

SUPPORTED_NODE = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target, SH.property,
                  SH.sparql, SH.severity, SH.message, RDF.type, RDFS.label, RDFS.comment, SH.name,
                  SH.description}
SUPPORTED_PROPERTY = {SH.path, SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["class"],
                      SH.minInclusive, SH.maxInclusive, SH.pattern, SH.flags, SH["in"], SH.hasValue,
                      SH.severity, SH.message, RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description,
                      SH.order, SH.group}
# the terms the hot paths compare with, looked up once (rdflib's namespace attribute access makes a new
# term each time, and comparing terms with == runs Python code): checks hold these very objects, compared by `is`
MIN_COUNT, MAX_COUNT, DATATYPE, NODE_KIND, CLASS = SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["class"]
MIN_INCL, MAX_INCL, PATTERN, IN, HAS_VALUE, SPARQL = (SH.minInclusive, SH.maxInclusive, SH.pattern, SH["in"],
                                                      SH.hasValue, SH.sparql)
COMPONENT = {
    MIN_COUNT: SH.MinCountConstraintComponent, MAX_COUNT: SH.MaxCountConstraintComponent,
    DATATYPE: SH.DatatypeConstraintComponent, NODE_KIND: SH.NodeKindConstraintComponent,
    CLASS: SH.ClassConstraintComponent, MIN_INCL: SH.MinInclusiveConstraintComponent,
    MAX_INCL: SH.MaxInclusiveConstraintComponent, PATTERN: SH.PatternConstraintComponent,
    IN: SH.InConstraintComponent, HAS_VALUE: SH.HasValueConstraintComponent,
}
LANG_STRING, XSD_STRING, RDF_TYPE, SUBCLASS = RDF.langString, XSD.string, RDF.type, RDFS.subClassOf
FOCUS = ox.NamedNode("urn:unkg:shapes:focus")  # (in a SPARQL constraint's VALUES block, for `Check.select`)


class Unsupported(Exception):
    """A shape uses SHACL the fast validator does not implement."""


@dataclass
class Check:
    """One constraint of one shape."""

    shape: URIRef | BNode
    severity: URIRef
    messages: dict[str | None, str]
    path: URIRef | None  # None: the focus node itself (a node shape's SPARQL constraint)
    kind: URIRef  # the constraint parameter (sh:minCount …) or sh:sparql
    value: object = None
    query: str | None = None
    source: URIRef | BNode | None = None  # the SPARQL constraint node
    reads: frozenset[tuple[str, str | None]] | None = None  # the statements the query reads (predicates.py)
    required: frozenset[str] = frozenset()  # those every solution needs a statement of (sparql_patterns.py)
    select: Select | None = None  # the query, for Python to answer (sparql_select.py; FOCUS for the focus node)


@dataclass
class Target:
    classes: list[URIRef] = field(default_factory=list)
    subjects_of: list[URIRef] = field(default_factory=list)
    objects_of: list[URIRef] = field(default_factory=list)
    nodes: list = field(default_factory=list)
    sparql: list[str] = field(default_factory=list)  # SHACL-AF SPARQL-based targets: SELECT ?this
    sparql_reads: list[frozenset[tuple[str, str | None]] | None] = field(default_factory=list)  # (predicates.py)
    # SPARQL-based targets that are the namespace test (namespaces.py): the prefixes an IRI passes with
    namespaces: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class NodeShape:
    iri: URIRef | BNode
    target: Target
    checks: list[Check]


def _messages(shapes: Graph, node) -> dict[str | None, str]:
    return {m.language: str(m) for m in shapes.objects(node, SH.message) if isinstance(m, Literal)}


def _prefixes(shapes: Graph, constraint) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


def _check_keys(shapes: Graph, node, allowed: set, what: str) -> None:
    unknown = sorted({str(p) for p in shapes.predicates(node, None)} - {str(a) for a in allowed})
    if unknown:
        raise Unsupported(f"{what} {node} uses {', '.join(unknown)}, which the fast validator does not implement")


def compile_shapes(shapes: Graph) -> list[NodeShape]:
    out = []
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    for s in shapes.subjects(None, None):
        if any(shapes.value(s, t) is not None for t in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf,
                                                         SH.targetNode, SH.target)):
            node_shapes.add(s)
    for ns in sorted(node_shapes, key=str):
        _check_keys(shapes, ns, SUPPORTED_NODE, "node shape")
        if (ns, RDF.type, SH.PropertyShape) in shapes:
            raise Unsupported(f"property shape {ns} has targets of its own")
        target = Target(sorted(shapes.objects(ns, SH.targetClass)), sorted(shapes.objects(ns, SH.targetSubjectsOf)),
                        sorted(shapes.objects(ns, SH.targetObjectsOf)), sorted(shapes.objects(ns, SH.targetNode)))
        for t in shapes.objects(ns, SH.target):
            if (t, RDF.type, SH.SPARQLTarget) not in shapes or shapes.value(t, SH.select) is None:
                raise Unsupported(f"node shape {ns}: only SPARQL-based targets (sh:SPARQLTarget) are implemented")
            query = _prefixes(shapes, t) + "\n" + _bind_this(str(shapes.value(t, SH.select)))
            known = namespace_prefixes(query)
            if known is None:
                target.sparql.append(query)
                target.sparql_reads.append(reads(query))
            else:
                target.namespaces.append(known)
        checks = []
        for ps in sorted(shapes.objects(ns, SH.property), key=str):
            _check_keys(shapes, ps, SUPPORTED_PROPERTY, "property shape")
            path = shapes.value(ps, SH.path)
            if not isinstance(path, URIRef):
                raise Unsupported(f"property shape {ps}: only predicate paths are implemented")
            severity = shapes.value(ps, SH.severity) or SH.Violation
            for param in COMPONENT:  # the constants themselves (compared by `is`)
                for value in shapes.objects(ps, param):
                    if param is IN:
                        value = list(Collection(shapes, value))
                    if param is PATTERN:
                        flags = shapes.value(ps, SH.flags)
                        value = re.compile(str(value), re.IGNORECASE if flags and "i" in str(flags) else 0)
                    checks.append(Check(ps, severity, _messages(shapes, ps), path, param, value))
        for c in sorted(shapes.objects(ns, SH.sparql), key=str):
            unknown = set(shapes.predicates(c, None)) - {RDF.type, SH.select, SH.message, SH.severity,
                                                           SH.prefixes, SH.deactivated}
            if unknown:
                raise Unsupported(f"SPARQL constraint {c} uses {', '.join(map(str, unknown))}")
            if shapes.value(c, SH.deactivated) == Literal(True):
                continue
            select = str(shapes.value(c, SH.select))
            query = _prefixes(shapes, c) + "\n" + _bind_this(select)
            select = Select.of(query % f"<{FOCUS.value}>", repeats=True) if FOCUS.value not in query else None
            checks.append(Check(ns, shapes.value(c, SH.severity) or SH.Violation, _messages(shapes, c), None,
                                SPARQL, query=query, source=c, reads=reads(query), required=required(query % ""),
                                select=select if select is not None and not select.named_graphs() else None))
        out.append(NodeShape(ns, target, checks))
    return out


def _bind_this(select: str) -> str:
    """The query with $this bound to every focus node at once: a VALUES block opens its WHERE clause
    (``$this`` and ``?this`` are one variable; a SPARQL target's ``?this`` is bound the same way to the
    nodes being validated)."""
    m = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
    if not m:
        raise Unsupported(f"a SPARQL constraint without WHERE {{ … }}: {select[:60]!r}")
    return select[:m.end()] + " VALUES $this { %s } " + select[m.end():]

