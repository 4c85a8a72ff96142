"""The fast validator: the compiled shapes (``compiled.py``) run per document in a few milliseconds, giving
the same results as pySHACL (``reference.py``).

A document is validated together with the authority data, as pySHACL sees it (its graph plus the authority
graph). Focus nodes that are subjects of the document's graph are checked per document; nodes that only the
authority data describes give the same results for every document and are checked once
(``Validator.authority_results``). ``tests/test_fastshacl.py`` keeps the results equal to pySHACL's over every
shapes example and a generated corpus with defects.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from ..rdf.terms import ox_term, rdflib_term
from .compiled import (CLASS, COMPONENT, DATATYPE, HAS_VALUE, IN, LANG_STRING, MAX_COUNT, MAX_INCL, MIN_COUNT,
                       MIN_INCL, NODE_KIND, PATTERN, RDF_TYPE, SPARQL, SUBCLASS, XSD_STRING, Check, NodeShape,
                       Target, Unsupported, compile_shapes)
from .report import SEVERITIES, Result, term_text

EMPTY: frozenset = frozenset()
AUTH_GRAPH = ox.NamedNode("urn:unkg:authorities")
DOC_GRAPH = ox.NamedNode("urn:unkg:document")


class Data:
    """A graph indexed for the checks (values by subject and predicate, statements by predicate, types),
    over an optional `base` (the authority data, indexed once) whose index it extends without copying."""

    def __init__(self, graph: Graph | list, base: Data | None = None):
        self.base = base
        self.sp: dict = {}
        self.po: dict = {}
        self.types: dict = {}
        self.subclass: dict = {}
        self._objects: dict = {}  # predicate -> its objects (asked of the authority data once)
        self._classes: dict = {}  # node -> every class it is an instance of
        self._outside: dict = {}  # prefixes -> `outside`
        same = str.__eq__  # rdflib's == on terms is Python code; this is the same test in C
        for s, p, o in graph:
            self.sp.setdefault((s, p), set()).add(o)
            self.po.setdefault(p, set()).add((s, o))
            if same(p, RDF_TYPE):
                self.types.setdefault(s, set()).add(o)
            elif same(p, SUBCLASS):
                self.subclass.setdefault(s, set()).add(o)

    def values(self, s, p) -> set:
        """The objects of (s, p) (a set not to be changed)."""
        own = self.sp.get((s, p), EMPTY)
        if self.base is None:
            return own
        inherited = self.base.values(s, p)
        return own | inherited if inherited and own else own or inherited

    def classes(self, node) -> set:
        """Every class `node` is an instance of (its types and their superclasses), computed once."""
        found = self._classes.get(node)
        if found is None:
            found, todo = set(), list(self._types(node))
            while todo:
                c = todo.pop()
                if c not in found:
                    found.add(c)
                    todo.extend(self._supers(c))
            self._classes[node] = found
        return found

    def objects(self, p) -> set:
        """The objects of `p` in the data itself (not its base)."""
        found = self._objects.get(p)
        if found is None:
            found = self._objects[p] = {o for _, o in self.po.get(p, ())}
        return found

    def _types(self, node) -> set:
        own = self.types.get(node, set())
        return own | self.base._types(node) if self.base else own

    def _supers(self, cls) -> set:
        own = self.subclass.get(cls, set())
        return own | self.base._supers(cls) if self.base else own

    def is_instance(self, node, cls) -> bool:
        return cls in self.classes(node)

    def outside(self, known: tuple[str, ...]) -> set:
        """The IRI subjects of the data itself (not its base) that are, or have as predicate or IRI object, an
        IRI starting with none of `known` (the namespace shape's target, `namespaces.py`); computed once."""
        found = self._outside.get(known)
        if found is None:
            found = self._outside[known] = set()
            starts = str.startswith  # (rdflib's startswith takes no tuple)
            for (s, p), objects in self.sp.items():
                if s in found or not isinstance(s, URIRef):
                    continue
                if not starts(p, known) or not starts(s, known):
                    found.add(s)
                    continue
                for o in objects:
                    if isinstance(o, URIRef) and not starts(o, known):
                        found.add(s)
                        break
        return found



class Validator:
    """The compiled shapes, with the authority data loaded once."""

    def __init__(self, shapes: Graph, authority: Graph):
        self.shapes = shapes
        self.node_shapes = compile_shapes(shapes)
        self.authority = authority
        self.auth_data = Data(authority)
        self._auth_quads = [ox.Quad(*map(ox_term, t), AUTH_GRAPH) for t in authority]
        self._new_store()
        self._authority_results: list[Result] | None = None

    def _new_store(self) -> None:
        """An in-memory store with the authority data; each document goes into a graph of its own, and
        the store is replaced now and then (dropping a graph costs more than a fresh store)."""
        self.store = ox.Store()
        self.store.bulk_extend(self._auth_quads)
        self._used = 0

    # -- results ---------------------------------------------------------------------------------------
    def authority_results(self) -> list[Result]:
        """Results on nodes only the authority data describes (the same for every document)."""
        if self._authority_results is None:
            subjects = {s for s, _ in self.auth_data.sp}
            self._authority_results = self._run(self.auth_data, subjects, None)
        return self._authority_results

    def validate(self, graph: Graph, triples: list | None = None, items: list | None = None) -> list[Result]:
        """The results on the document's own nodes, as pySHACL gives them on graph + authorities;
        `triples`, the graph's triples (or quads) as Oxigraph terms, and `items`, its rdflib triples in a
        list, where the caller has them already."""
        if items is None:
            items = list(graph)
        data = Data(items, self.auth_data)
        own = {s for s, _, _ in items}
        return self._run(data, own, items, triples)

    def _run(self, data: Data, scope: set, graph: list | None, triples: list | None = None) -> list[Result]:
        self._pending: list | dict | None = None  # the document's statements not in the store yet (by predicate)
        if graph is not None:
            if self._used >= 500:
                self._new_store()
            self._used += 1
            doc_graph = ox.NamedNode(f"{DOC_GRAPH.value}:{self._used}")
            if triples is None:
                triples = [ox.Triple(*map(ox_term, t)) for t in graph]
            self._pending, self._doc_graph = triples, doc_graph
        self._graphs = [AUTH_GRAPH] + ([doc_graph] if graph is not None else [])
        results: list[Result] = []
        sparql_focus: list[tuple[NodeShape, set]] = []
        for ns in self.node_shapes:
            focus = self._focus(ns.target, data, scope)
            if not focus:
                continue
            nodes = sorted(focus, key=str)
            for check in ns.checks:
                kind = check.kind
                if kind is SPARQL:
                    continue
                if kind is MIN_COUNT or kind is MAX_COUNT:  # (the commonest checks, without a call per node)
                    bound, path, values, fewer = int(check.value), check.path, data.values, kind is MIN_COUNT
                    for node in nodes:
                        count = len(values(node, path))
                        if count < bound if fewer else count > bound:
                            results.append(self._result(check, node, None))
                    continue
                for node in nodes:
                    results.extend(self._core(check, node, data))
            if any(c.kind is SPARQL for c in ns.checks):
                sparql_focus.append((ns, focus))
        if sparql_focus:
            results.extend(self._sparql(sparql_focus))
        return results

    def _load(self, reads: frozenset[str] | None) -> None:
        """Put into the store the document's statements a query reading `reads` (None: any) may match."""
        pending = self._pending
        if not pending:
            return
        if isinstance(pending, list):  # (first asked: grouped by predicate)
            grouped: dict[str, list] = {}
            for t in pending:
                grouped.setdefault(t.predicate.value, []).append(t)
            pending = self._pending = grouped
        if reads is None:
            now, self._pending = [t for ts in pending.values() for t in ts], None
        else:
            now = [t for p in reads if p in pending for t in pending.pop(p)]
        if now:
            graph = self._doc_graph
            self.store.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in now])  # (bulk: slower)

    def _focus(self, target: Target, data: Data, scope: set) -> set:
        """The shape's focus nodes among `scope` (the nodes being validated)."""
        found = set(target.nodes) & scope
        if target.classes:
            classes = set(target.classes)
            found |= {n for n in scope if not classes.isdisjoint(data.classes(n))}
        if target.subjects_of:
            found |= {n for n in scope if any(data.values(n, p) for p in target.subjects_of)}
        for p in target.objects_of:
            d: Data | None = data
            while d is not None:
                found |= scope & d.objects(p)
                d = d.base
        for known in target.namespaces:  # (a SPARQL target read as the namespace test: no BNode in VALUES)
            d = data
            while d is not None:
                found |= scope & d.outside(known)
                d = d.base
        if target.sparql:  # asked only about the nodes being validated (?this bound to each of them)
            values = " ".join(_sparql_term(n) for n in sorted(scope, key=str) if not isinstance(n, BNode))
            for query, reads in zip(target.sparql, target.sparql_reads):
                self._load(reads)
                rows = self.store.query(query % values, default_graph=self._graphs)
                found |= {rdflib_term(row["this"]) for row in rows} & scope
        return found

    def _core(self, check: Check, node, data: Data) -> list[Result]:
        values = data.values(node, check.path)
        bad: list = []
        kind, want = check.kind, check.value
        if kind is MIN_COUNT:
            if len(values) < int(want):
                return [self._result(check, node, None)]
            return []
        if kind is MAX_COUNT:
            if len(values) > int(want):
                return [self._result(check, node, None)]
            return []
        for v in sorted(values, key=lambda x: (type(x).__name__, str(x))) if len(values) > 1 else values:
            if kind is DATATYPE:
                ok = _has_datatype(v, want)
            elif kind is NODE_KIND:
                ok = _node_kind(v, want)
            elif kind is CLASS:
                ok = not isinstance(v, Literal) and data.is_instance(v, want)
            elif kind is MIN_INCL or kind is MAX_INCL:
                ok = _compare(v, want, kind)
            elif kind is PATTERN:
                ok = not isinstance(v, BNode) and bool(want.search(str(v)))
            elif kind is IN:
                ok = v in want
            elif kind is HAS_VALUE:
                ok = True
            else:  # pragma: no cover - compile_shapes refuses anything else
                raise Unsupported(str(kind))
            if not ok:
                bad.append(v)
        if kind is HAS_VALUE and want not in values:
            return [self._result(check, node, None)]
        return [self._result(check, node, v) for v in bad]

    def _sparql(self, work: list[tuple[NodeShape, set]]) -> list[Result]:
        results = []
        for ns, focus in work:
            values = " ".join(_sparql_term(n) for n in sorted(focus, key=str))
            for check in ns.checks:
                if check.kind is not SPARQL:
                    continue
                self._load(check.reads)
                rows = self.store.query(check.query % values, default_graph=self._graphs)
                names = {v.value for v in rows.variables}
                seen = set()
                for row in rows:
                    this = rdflib_term(row["this"])
                    value = rdflib_term(row["value"]) if "value" in names else None
                    path = rdflib_term(row["path"]) if "path" in names else None
                    if (this, value, path) not in seen:
                        seen.add((this, value, path))
                        results.append(self._result(check, this, value, path=path))
        return results

    def _result(self, check: Check, focus, value, path=None) -> Result:
        messages = {lang: text.replace("{?value}", term_text(value) or "").replace("{$this}", term_text(focus) or "")
                    for lang, text in check.messages.items()}
        component = SH.SPARQLConstraintComponent if check.kind is SPARQL else COMPONENT[check.kind]
        return Result(
            severity=SEVERITIES.get(check.severity, "Info"),
            focus=term_text(focus) or "",
            path=term_text(check.path if check.path is not None else path),
            value=term_text(value),
            message=messages.get("en") or messages.get(None) or next(iter(messages.values()), ""),
            message_zh=messages.get("zh"),
            shape=term_text(check.shape) or "",
            constraint=str(component),
            source=term_text(check.source),
        )


def _has_datatype(v, dt) -> bool:
    if not isinstance(v, Literal):
        return False
    if dt == LANG_STRING:
        return v.language is not None
    if v.language is not None:
        return False
    actual = v.datatype or XSD_STRING
    if actual != dt:
        return False
    return not getattr(v, "ill_typed", False)


def _node_kind(v, kind) -> bool:
    if kind == SH.IRI:
        return isinstance(v, URIRef)
    if kind == SH.Literal:
        return isinstance(v, Literal)
    if kind == SH.BlankNode:
        return isinstance(v, BNode)
    if kind == SH.BlankNodeOrIRI:
        return isinstance(v, (BNode, URIRef))
    if kind == SH.IRIOrLiteral:
        return isinstance(v, (URIRef, Literal))
    if kind == SH.BlankNodeOrLiteral:
        return isinstance(v, (BNode, Literal))
    raise Unsupported(f"sh:nodeKind {kind}")


def _compare(v, bound, kind) -> bool:
    if not isinstance(v, Literal) or not isinstance(bound, Literal):
        return False
    try:
        a, b = Decimal(str(v.toPython())), Decimal(str(bound.toPython()))
    except (InvalidOperation, ValueError):
        return False
    return a >= b if kind == MIN_INCL else a <= b


def _sparql_term(n) -> str:
    if isinstance(n, URIRef):
        return f"<{n}>"
    if isinstance(n, BNode):
        raise Unsupported("SPARQL constraints on blank focus nodes")
    return str(ox_term(n))
