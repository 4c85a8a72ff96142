"""The fast validator: the compiled shapes (``compiled.py``) run per document in a few milliseconds, giving
the same results as pySHACL (``reference.py``).

A document is validated together with the authority data, as pySHACL sees it (its graph plus the authority
graph). Focus nodes that are subjects of the document's graph are checked per document; nodes that only the
authority data describes give the same results for every document and are checked once
(``Validator.authority_results``). ``tests/test_fastshacl.py`` keeps the results equal to pySHACL's over every
shapes example and a generated corpus with defects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from ..rdf.terms import ox_term, rdflib_term
from ..sparql_select import IRI_UNSAFE, Quads, Unanswerable
from .compiled import (CLASS, COMPONENT, DATATYPE, HAS_VALUE, IN, LANG_STRING, MAX_COUNT, MAX_INCL, MIN_COUNT,
                       MIN_INCL, NODE_KIND, PATTERN, RDF_TYPE, SPARQL, XSD_STRING, FOCUS, Check, NodeShape, Target,
                       Unsupported, compile_shapes)
from .index import EMPTY, Data
from .report import SEVERITIES, Result, term_text

NOTHING: frozenset = frozenset()
AUTH_GRAPH = ox.NamedNode("urn:unkg:authorities")
DOC_GRAPH = ox.NamedNode("urn:unkg:document")


class Validator:
    """The compiled shapes, with the authority data loaded once."""

    def __init__(self, shapes: Graph, authority: Graph):
        self.shapes = shapes
        self.node_shapes = compile_shapes(shapes)
        self.authority = authority
        self.auth_data = Data(authority)
        self._auth_quads = [ox.Quad(*map(ox_term, t), AUTH_GRAPH) for t in authority]
        self._auth_index = Quads(self._auth_quads)  # (for `_python`)
        self._statements: dict = {}  # what queries read -> `statements`
        # each check's test of a value, made once (sh:class's, which reads the graph, made per graph)
        self._tests = [[_value_test(c.kind, c.value, None) if c.kind in VALUE_TESTS else None for c in ns.checks]
                       for ns in self.node_shapes]
        self._new_store()
        self._authority_results: list[Result] | None = None

    def _new_store(self) -> None:
        """An in-memory store with the authority data; each document goes into a graph of its own, and
        the store is replaced now and then (dropping a graph costs more than a fresh store)."""
        self.store = ox.Store()
        self.store.bulk_extend(self._auth_quads)
        self._used = 0
        self._graph_names: set = set()  # the documents' graphs in the store

    # -- results ---------------------------------------------------------------------------------------
    def authority_results(self) -> list[Result]:
        """Results on nodes only the authority data describes (the same for every document)."""
        if self._authority_results is None:
            self._authority_results = self._run(self.auth_data, self.auth_data.described(), None)
        return self._authority_results

    def validate(self, graph: Graph, triples: list | None = None, items: list | None = None) -> list[Result]:
        """The results on the document's own nodes, as pySHACL gives them on graph + authorities;
        `triples`, the graph's triples (or quads) as Oxigraph terms, and `items`, its rdflib triples in a
        list, where the caller has them already."""
        if items is None:
            items = list(graph)
        data = Data(items, self.auth_data)
        return self._run(data, data.described(), items, triples)

    def _run(self, data: Data, scope: set, graph: list | None, triples: list | None = None) -> list[Result]:
        self._instances: dict | None = None  # class -> its instances among `scope` (`_focus`)
        self._pending: list | None = None  # the document's quads, all of which are not in the store yet
        self._queued: list = []  # those loaded, not yet put into the store (`_store`)
        self._loaded: list = []  # those loaded: with the authority data, what queries read (`_index`)
        self._index: Quads | None = None
        if graph is not None:
            if self._used >= 500:
                self._new_store()
            self._used += 1
            # the document's graph in the store: that of its quads (loaded as they are), if no other document
            # had it in this store, else a name of its own
            doc_graph = triples[0].graph_name if triples and isinstance(triples[0], ox.Quad) else None
            if not isinstance(doc_graph, ox.NamedNode) or doc_graph in self._graph_names or doc_graph == AUTH_GRAPH:
                doc_graph = ox.NamedNode(f"{DOC_GRAPH.value}:{self._used}")
            if triples is None:
                triples = [ox.Quad(*map(ox_term, t), doc_graph) for t in graph]
            elif triples and not isinstance(triples[0], ox.Quad):
                triples = [ox.Quad(t.subject, t.predicate, t.object, doc_graph) for t in triples]
            self._graph_names.add(doc_graph)
            self._pending, self._doc_graph = triples, doc_graph
        self._graphs = [AUTH_GRAPH] + ([doc_graph] if graph is not None else [])
        results: list[Result] = []
        sparql_focus: list[tuple[NodeShape, set]] = []
        own, values = data.sp.get, data.values
        described = data.base.described() if data.base is not None else EMPTY
        # (nothing in the base about the nodes: their values are those of the data itself, looked up at once)
        self._alone = not described or described.isdisjoint(scope)
        for ns, tests in zip(self.node_shapes, self._tests):
            focus = self._focus(ns.target, data, scope)
            if not focus:
                continue
            nodes = sorted(focus, key=str)
            alone = self._alone or described.isdisjoint(nodes)
            for check, ok in zip(ns.checks, tests):
                kind = check.kind
                if kind is SPARQL:
                    continue
                path = data.term(check.path)
                if kind is MIN_COUNT or kind is MAX_COUNT:  # (the commonest checks)
                    bound, fewer = int(check.value), kind is MIN_COUNT
                    for node in nodes:
                        count = len(own((node, path), EMPTY) if alone else values(node, path))
                        if count < bound if fewer else count > bound:
                            results.append(self._result(check, node, None))
                elif kind is HAS_VALUE:
                    for node in nodes:
                        if check.value not in (own((node, path), EMPTY) if alone else values(node, path)):
                            results.append(self._result(check, node, None))
                else:  # a test of each value, in order
                    if ok is None:  # (sh:class)
                        ok = _value_test(kind, check.value, data)
                    for node in nodes:
                        found = own((node, path), EMPTY) if alone else values(node, path)
                        for v in sorted(found, key=_order) if len(found) > 1 else found:
                            if not ok(v):
                                results.append(self._result(check, node, v))
            if any(c.kind is SPARQL for c in ns.checks):
                sparql_focus.append((ns, focus))
        if sparql_focus:
            results.extend(self._sparql(sparql_focus, data))
        return results

    def statements(self, reads: frozenset | None) -> dict | None:
        """The statements of `reads` (a query's, or several queries' at once, ``predicates.reads``) as `_load`
        takes them: each predicate -> None (any object) or the objects named (Oxigraph terms); made once."""
        if reads is None:
            return None
        found = self._statements.get(reads)
        if found is None:
            found = {}
            for iri, o in reads:
                p = ox.NamedNode(iri)
                had = found.get(p, NOTHING)
                found[p] = None if o is None or had is None else had | {ox.NamedNode(o)}
            if len(self._statements) < 256:  # (sets of the shapes' queries: few)
                self._statements[reads] = found
        return found

    def _load(self, wanted: dict | None) -> None:
        """Put into the store the document's statements `wanted` (`statements`; None: all), those a query may
        match (again if asked again: a statement there already is not added twice)."""
        pending = self._pending
        if not pending:
            return
        if wanted is None:
            now, self._pending = pending, None
        else:  # (its predicate read with any object, or with one named; the object asked for only then)
            now = [q for q in pending if (objects := wanted.get(q.predicate, NOTHING)) is None
                   or objects and q.object in objects]
        graph = self._doc_graph
        if any(q.graph_name != graph for q in now):  # (quads of another graph than the document's first)
            now = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in now]
        self._queued += now  # (into the store when a query is Oxigraph's: `_store`)
        self._loaded += now
        self._index = None

    def _store(self) -> ox.Store:
        """The store, with the statements loaded (`_load`)."""
        if self._queued:
            self.store.extend(self._queued)  # (bulk: slower)
            self._queued = []
        return self.store

    def _focus(self, target: Target, data: Data, scope: set) -> set:
        """The shape's focus nodes among `scope` (the nodes being validated)."""
        found = set(target.nodes) & scope
        if target.classes:
            if self._instances is None:  # (each class's instances among `scope`, for every shape at once)
                instances = self._instances = defaultdict(set)
                if self._alone and not data.subclassing():  # (a node's classes: its own types)
                    own, rdf_type = data.sp.get, data.term(RDF_TYPE)
                    for n in scope:
                        for c in own((n, rdf_type), EMPTY):
                            instances[c].add(n)
                else:
                    for n in scope:
                        for c in data.classes(n):
                            instances[c].add(n)
            for c in target.classes:
                found |= self._instances.get(c, set())
        if target.subjects_of:
            predicates, d = tuple(target.subjects_of), data
            while d is not None:
                found |= scope & d.subjects(predicates)
                d = d.base
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
                self._load(self.statements(reads))
                rows = self._store().query(query % values, default_graph=self._graphs)
                found |= {rdflib_term(row["this"]) for row in rows} & scope
        return found

    def _sparql(self, work: list[tuple[NodeShape, set]], data: Data) -> list[Result]:
        present = [d.predicates() for d in (data, data.base) if d is not None]
        run = []  # (check, its focus nodes, as a VALUES block)
        for ns, focus in work:
            nodes = sorted(focus, key=str)
            values = " ".join(_sparql_term(n) for n in nodes)
            run += [(check, nodes, values) for check in ns.checks if check.kind is SPARQL
                    and all(any(p in ps for ps in present) for p in check.required)]
            # ^ (a query requiring a predicate of which neither graph has a statement gives no result)
        # the statements they read, loaded at once
        self._load(None if any(check.reads is None for check, _, _ in run)
                   else self.statements(frozenset().union(*(check.reads for check, _, _ in run))))
        results = []
        for check, nodes, values in run:
            names, rows = self._python(check, nodes)
            if rows is None:
                found = self._store().query(check.query % values, default_graph=self._graphs)
                names, rows = [v.value for v in found.variables], found
                rows = (dict(zip(names, row)) for row in found)
            seen = set()
            for row in rows:
                this = rdflib_term(row.get("this"))
                value = rdflib_term(row.get("value")) if "value" in names else None
                path = rdflib_term(row.get("path")) if "path" in names else None
                if (this, value, path) not in seen:
                    seen.add((this, value, path))
                    results.append(self._result(check, this, value, path=path))
        return results

    def _python(self, check: Check, nodes: list) -> tuple[list, list | None]:
        """The solutions of `check`'s query on the authority data and the statements loaded, from Python
        (`sparql_select`: each focus node's in turn, VALUES joining each row with the rest), as Oxigraph gives
        them (in no given order: `_run`'s results are ordered by the caller); None where Oxigraph's to give."""
        select = check.select
        if select is None or not all(isinstance(n, URIRef) and not IRI_UNSAFE.search(n) for n in nodes):
            return [], None
        if self._index is None:
            self._index = Quads(self._loaded, self._auth_index)
        rows = []
        try:
            for n in nodes:
                rows += select.with_term(FOCUS, ox.NamedNode(n)).solutions(self._index)
        except Unanswerable:  # (a literal Oxigraph may store otherwise, a comparison not followed here)
            return [], None
        return select.names, rows

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


def _order(term) -> tuple[str, str]:
    return type(term).__name__, str(term)


VALUE_TESTS = {DATATYPE, NODE_KIND, MIN_INCL, MAX_INCL, PATTERN, IN}  # (made once: `_value_test`)
NODE_KINDS = {SH.IRI: URIRef, SH.Literal: Literal, SH.BlankNode: BNode, SH.BlankNodeOrIRI: (BNode, URIRef),
              SH.IRIOrLiteral: (URIRef, Literal), SH.BlankNodeOrLiteral: (BNode, Literal)}


def _value_test(kind, want, data: Data | None) -> Callable[[object], bool]:
    """The test each value of a check of `kind` (other than the counts and sh:hasValue) must pass."""
    if kind is DATATYPE:
        if want == LANG_STRING:
            return lambda v: isinstance(v, Literal) and v.language is not None
        if not isinstance(want, URIRef):  # (no literal has it)
            return lambda v: False
        same = str.__eq__  # (of two IRIs: what rdflib's == tests, in Python)
        return lambda v: (isinstance(v, Literal) and v.language is None and same(v.datatype or XSD_STRING, want)
                          and not getattr(v, "ill_typed", False))
    if kind is NODE_KIND:
        classes = NODE_KINDS.get(want)
        if classes is None:
            return lambda v: _unsupported(f"sh:nodeKind {want}")
        return lambda v: isinstance(v, classes)
    if kind is CLASS:
        return lambda v: not isinstance(v, Literal) and data.is_instance(v, want)
    if kind is MIN_INCL or kind is MAX_INCL:
        bound = _decimal(want) if isinstance(want, Literal) else None
        if bound is None:
            return lambda v: False
        if kind is MIN_INCL:
            return lambda v: isinstance(v, Literal) and (a := _decimal(v)) is not None and a >= bound
        return lambda v: isinstance(v, Literal) and (a := _decimal(v)) is not None and a <= bound
    if kind is PATTERN:
        return lambda v: not isinstance(v, BNode) and bool(want.search(str(v)))
    if kind is IN:
        return lambda v: v in want
    raise Unsupported(str(kind))  # pragma: no cover - compile_shapes refuses anything else


def _unsupported(what: str) -> bool:
    raise Unsupported(what)


def _decimal(v: Literal) -> Decimal | None:
    try:
        return Decimal(str(v.toPython()))
    except (InvalidOperation, ValueError):
        return None


def _sparql_term(n) -> str:
    if isinstance(n, URIRef):
        return f"<{n}>"
    if isinstance(n, BNode):
        raise Unsupported("SPARQL constraints on blank focus nodes")
    return str(ox_term(n))
