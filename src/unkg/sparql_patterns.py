"""Which quads a set of SPARQL queries can match: the triple patterns of their graph patterns (every group,
OPTIONAL, UNION, GRAPH, sub-select and EXISTS), read once with rdflib's SPARQL parser.

A quad can match a pattern only if it has the pattern's predicate and, when the pattern names one, its
object IRI. A store given only such quads answers those queries as the store with every quad does: the
search rows (`searchdoc`) put into their store a document's quads some query reads (a quarter of them), not
all. What cannot be narrowed that way keeps every quad: a pattern whose predicate is a variable, a path of
any length (of length zero, it matches any node) or a negated property set. A literal object is not
compared (its datatype and language are the parser's business): the pattern's predicate alone decides; a
path's steps are read as patterns with any object.

`Select` answers the simplest queries (SELECT DISTINCT of triple patterns, UNION, OPTIONAL, GRAPH) in Python,
as Oxigraph answers them on the same quads: Oxigraph parses and plans a query each time it is asked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib import Literal, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue


class Patterns:
    """The quads some of `queries` (full SPARQL queries, prefixes declared) can match, and those of
    `predicates` (with any object: what the caller reads without a query, labels and names)."""

    def __init__(self, queries: Iterable[str], predicates: Iterable[ox.NamedNode] = ()):
        self.everything = False  # a pattern that any quad may match
        self.any_object: set[ox.NamedNode] = set(predicates)
        self.objects: set[tuple[ox.NamedNode, ox.NamedNode]] = set()  # (predicate, object IRI)
        for query in queries:
            try:
                algebra = prepareQuery(query).algebra
            except Exception:  # noqa: BLE001 - a query rdflib does not read (Oxigraph may): nothing narrowed
                self.everything = True
                continue
            self._walk(algebra)

    def with_predicates(self, predicates: Iterable[ox.NamedNode]) -> Patterns:
        """These patterns and those of `predicates` with any object."""
        patterns = Patterns([])
        patterns.everything, patterns.objects = self.everything, set(self.objects)
        patterns.any_object = self.any_object | set(predicates)
        return patterns

    def matches(self, quad: ox.Quad) -> bool:
        if self.everything:
            return True
        predicate = quad.predicate
        return predicate in self.any_object or (predicate, quad.object) in self.objects

    def select(self, quads: list[ox.Quad]) -> list[ox.Quad]:
        """The quads of `quads` that match (`matches`, in one loop; a quad's object is read only when its
        predicate is one of `objects`: reading a term from Oxigraph copies it, a text's literal too)."""
        if self.everything:
            return quads
        any_object, objects = self.any_object, self.objects
        with_object = {p for p, _ in objects}
        return [q for q in quads
                if (p := q.predicate) in any_object or (p in with_object and (p, q.object) in objects)]

    def _walk(self, node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "BGP":  # translated: (s, p, o) tuples
                for triple in node.triples:
                    self._add(triple)
            elif node.name == "TriplesBlock":  # as parsed (an EXISTS' pattern): s, p, o, s, p, o... per list
                for terms in node.triples:
                    for i in range(0, len(terms) - 2, 3):
                        self._add(terms[i:i + 3])
            for value in node.values():
                self._walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                self._walk(value)

    def _add(self, triple: Sequence) -> None:
        _, predicate, obj = triple
        if isinstance(predicate, URIRef):
            if isinstance(obj, URIRef):
                self.objects.add((ox.NamedNode(str(predicate)), ox.NamedNode(str(obj))))
            else:
                self.any_object.add(ox.NamedNode(str(predicate)))
        elif isinstance(predicate, (SequencePath, AlternativePath, InvPath)):  # each step, with any object
            for step in predicate.args if hasattr(predicate, "args") else (predicate.arg,):
                self._add((None, step, None))
        else:  # a variable, a path of any length (zero: any node), a negated property set
            self.everything = True


# the parts of a query's algebra whose solutions are each a solution of their pattern `p`
_THROUGH = {"SelectQuery", "Project", "Distinct", "Reduced", "Filter", "Extend", "ToMultiSet", "OrderBy", "Slice",
            "Graph"}


def required(query: str) -> frozenset[str]:
    """The predicate IRIs of which every solution of `query` (a SELECT) matches a statement: a store with no
    statement of one of them gives no solution, so the query need not be run there. Empty when not known (a
    query rdflib does not read, an aggregate, anything but a SELECT)."""
    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 - a query rdflib does not read (Oxigraph may): nothing known
        return frozenset()
    return frozenset(_required(algebra)) if algebra.name == "SelectQuery" else frozenset()


def _required(node: object) -> set[str]:
    if not isinstance(node, CompValue):  # (VALUES' rows)
        return set()
    name = node.name
    if name == "BGP":
        return {str(p) for _, p, _ in node.triples if isinstance(p, URIRef)}
    if name in _THROUGH:
        return _required(node.p)
    if name == "Join":
        return _required(node.p1) | _required(node.p2)
    if name in ("LeftJoin", "Minus"):  # (what the left side requires)
        return _required(node.p1)
    if name == "Union":  # what both branches require
        return _required(node.p1) & _required(node.p2)
    return set()  # anything else (an aggregate, VALUES, a service...): nothing known


XSD_STRING, LANG_STRING = (ox.NamedNode("http://www.w3.org/2001/XMLSchema#string"),
                           ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"))
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


class Unanswerable(Exception):
    """A solution would bind a literal Oxigraph may store in another form (``"01"^^xsd:int`` as
    ``"1"^^xsd:integer``): only Oxigraph gives its solutions."""


class Quads:
    """Quads indexed for `Select`: by predicate, each (subject, object, graph, whether Oxigraph may store the
    object in another form: a literal of a datatype but xsd:string and rdf:langString it does not store as
    given, `as_stored`; a quoted triple). Those of `base` too."""

    def __init__(self, quads: Iterable[ox.Quad], base: Quads | None = None):
        self.by_predicate: dict = {p: list(found) for p, found in base.by_predicate.items()} if base else {}
        for q in quads:
            s, p, o, g = q.subject, q.predicate, q.object, q.graph_name
            altered = (isinstance(s, ox.Triple) or isinstance(o, ox.Triple)
                       or isinstance(o, ox.Literal) and o.datatype not in (XSD_STRING, LANG_STRING)
                       and not as_stored(o))
            self.by_predicate.setdefault(p, []).append((s, o, g, altered))
        self.graphs = {g for found in self.by_predicate.values() for _, _, g, _ in found
                       if not isinstance(g, ox.DefaultGraph)}  # the named graphs


_STORED: dict[str, bool] = {}  # a literal's N-Triples form -> `as_stored` (a bounded memo)
_PROBE = ox.NamedNode("urn:unkg:probe")


def as_stored(literal: ox.Literal) -> bool:
    """Whether Oxigraph stores `literal` as given (it writes some datatypes' values in a canonical form:
    ``"01"^^xsd:int`` as ``"1"^^xsd:integer``), as a store holding it says."""
    form = str(literal)
    found = _STORED.get(form)
    if found is None:
        store = ox.Store()
        store.add(ox.Quad(_PROBE, _PROBE, literal))
        found = str(next(iter(store)).object) == form
        if len(_STORED) >= 4096:
            _STORED.clear()
        _STORED[form] = found
    return found


class Select:
    """A SELECT DISTINCT query made only of triple patterns with an IRI predicate, UNION, OPTIONAL without a
    condition, GRAPH, VALUES and BIND of STR, SUBSTR and COALESCE, answered in Python from a few quads
    (`Quads`) as Oxigraph answers it: the same solutions, in no given order. `of` gives None for any other
    query. (Oxigraph parses and plans a query in 20-100 us; a document's search row asks a dozen, of some 70
    quads.)"""

    def __init__(self, names: list[str], pattern):
        self.names, self.pattern = names, pattern

    @classmethod
    def of(cls, query: str, repeats: bool = False) -> Select | None:
        """The query's Select; `repeats`: a SELECT without DISTINCT too, for a caller that reads its solutions
        as a set (each distinct one is given once)."""
        try:
            algebra = prepareQuery(query).algebra
        except Exception:  # noqa: BLE001 - a query rdflib does not read: Oxigraph's
            return None
        node = algebra.p
        if repeats and node.name == "Project":
            node = CompValue("Distinct", p=node)
        if algebra.get("datasetClause") or node.name != "Distinct" or node.p.name != "Project":
            return None
        try:
            return cls([str(v) for v in node.p.PV], _compile(node.p.p))
        except ValueError:
            return None

    def solutions(self, quads: Quads, union: bool = True) -> list[dict]:
        """Each distinct solution, by variable name (unbound ones absent), the default graph that of every
        graph (Oxigraph's use_default_graph_as_union) or, unless `union`, the quads of no named graph;
        Unanswerable (raised) when one binds a literal Oxigraph may store otherwise."""
        graph = None if union else ox.DefaultGraph()
        found = {tuple(s.get(n) for n in self.names) for s in _solve(self.pattern, quads, graph)}
        return [{n: t for n, t in zip(self.names, row) if t is not None} for row in found]

    def with_term(self, old: ox.NamedNode, new: ox.NamedNode) -> Select:
        """The query with the IRI `new` in place of `old`."""
        def swap(node):
            if isinstance(node, (tuple, list)):
                return type(node)(swap(part) for part in node)
            if isinstance(node, dict):  # (a VALUES row)
                return {name: swap(term) for name, term in node.items()}
            return new if isinstance(node, ox.NamedNode) and node == old else node
        return Select(self.names, swap(self.pattern))


def _compile(node) -> tuple:
    """The algebra as tuples: ("bgp", [(s, p, o)...]) (a variable as its name: a str; a term as Oxigraph's),
    ("join" | "union" | "optional", a, b), ("graph", term, pattern), ("values", [{name: term}...]); ValueError
    for anything else."""
    name = node.name if isinstance(node, CompValue) else None
    if name == "BGP":
        return "bgp", [tuple(_term(t, i == 1) for i, t in enumerate(triple)) for triple in node.triples]
    if name in ("Join", "Union"):
        return name.lower(), _compile(node.p1), _compile(node.p2)
    if name == "LeftJoin" and isinstance(node.expr, CompValue) and node.expr.name == "TrueFilter":
        return "optional", _compile(node.p1), _compile(node.p2)
    if name == "Graph":
        return "graph", _term(node.term, False), _compile(node.p)
    if name == "ToMultiSet" and isinstance(node.p, CompValue) and node.p.name == "values":
        if any(isinstance(t, Variable) for row in node.p.res for t in row.values()):
            raise ValueError(node.p.res)
        return "values", [{str(v): _term(t, False) for v, t in row.items() if not (type(t) is str and t == "UNDEF")}
                          for row in node.p.res]  # (UNDEF: rdflib's str, unbound)
    if name == "Extend" and node.var not in node.p._vars:  # (BIND to a variable in scope: an error)
        return "bind", str(node.var), _expression(node.expr), _compile(node.p)
    raise ValueError(name)


def _expression(node) -> tuple:
    """A BIND's expression as tuples: a variable or a term (`_term`), ("str", e), ("coalesce", e...),
    ("substr", e, start, length | None) of whole numbers from 1 and 0 (where XPath and Oxigraph agree)."""
    name = node.name if isinstance(node, CompValue) else None
    if name == "Builtin_STR":
        return "str", _expression(node.arg)
    if name == "Builtin_COALESCE":
        return "coalesce", *(_expression(arg) for arg in node.arg)
    if name == "Builtin_SUBSTR":
        bounds = [_whole(node.start, 1), None if node.length is None else _whole(node.length, 0)]
        return "substr", _expression(node.arg), *bounds
    if name is None:
        return ("term", _term(node, False))
    raise ValueError(name)


def _whole(term, least: int) -> int:
    if not (isinstance(term, Literal) and term.datatype == XSD_INTEGER and isinstance(term.value, int)
            and term.value >= least):
        raise ValueError(term)
    return term.value


def _value(e: tuple, solution: dict):
    """The value of the expression `e` in `solution`; None for an error (an unbound variable, STR of a
    blank node, SUBSTR of anything but a literal); Unanswerable (raised) for SUBSTR of a literal but a string."""
    kind = e[0]
    if kind == "term":
        return solution.get(e[1]) if isinstance(e[1], str) else e[1]
    if kind == "coalesce":
        return next((v for v in (_value(arg, solution) for arg in e[1:]) if v is not None), None)
    v = _value(e[1], solution)
    if kind == "str":
        return ox.Literal(v.value) if isinstance(v, (ox.NamedNode, ox.Literal)) else None
    if not isinstance(v, ox.Literal):  # (substr)
        return None
    if v.datatype not in (XSD_STRING, LANG_STRING):
        raise Unanswerable(str(v))
    start, length = e[2] - 1, e[3]
    text = v.value[start:] if length is None else v.value[start:start + length]
    return ox.Literal(text, language=v.language) if v.language else ox.Literal(text)


def _term(term, predicate: bool):
    if isinstance(term, Variable) and not predicate:
        return str(term)
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal) and term.datatype is None and term.language is None and not predicate:
        return ox.Literal(str(term))  # (a plain string: Oxigraph stores it as it is)
    raise ValueError(term)  # (a variable predicate, a path, a blank node, any other literal)


def _solve(pattern: tuple, quads: Quads, graph) -> list[dict]:
    """The solutions of `pattern` in `graph` (None: every graph's quads)."""
    kind = pattern[0]
    if kind == "bgp":
        return _match(pattern[1], quads, graph, [{}])
    if kind == "values":
        return [dict(row) for row in pattern[1]]
    if kind == "bind":
        name, e = pattern[1], pattern[2]
        found = []
        for s in _solve(pattern[3], quads, graph):
            value = _value(e, s)
            found.append(s if value is None else {**s, name: value})
        return found
    if kind == "graph":
        term, inner = pattern[1], pattern[2]
        found = []
        for g in (quads.graphs if isinstance(term, str) else {term} & quads.graphs):
            for s in _solve(inner, quads, g):
                if isinstance(term, str) and s.setdefault(term, g) != g:
                    continue
                found.append(s)
        return found
    left = _solve(pattern[1], quads, graph)
    if kind == "union":
        return left + _solve(pattern[2], quads, graph)
    if kind == "join":
        return _join(left, pattern[2], quads, graph)
    right = _solve(pattern[2], quads, graph)
    found = []
    for a in left:  # (OPTIONAL)
        merged = [{**a, **b} for b in right if all(a.get(k, v) == v for k, v in b.items())]
        found += merged or [a]
    return found


def _join(left: list[dict], right: tuple, quads: Quads, graph) -> list[dict]:
    """`left` joined with the solutions of `right`: triple patterns matched from each of `left` in turn, a
    union's branches joined one by one (a join of a union is the union of the joins), else both compared."""
    if right[0] == "bgp":
        return _match(right[1], quads, graph, left)
    if right[0] == "union":
        return _join(left, right[1], quads, graph) + _join(left, right[2], quads, graph)
    found = []
    for b in _solve(right, quads, graph):
        found += [{**a, **b} for a in left if all(a.get(k, v) == v for k, v in b.items())]
    return found


def _match(triples: list, quads: Quads, graph, solutions: list[dict]) -> list[dict]:
    for s, p, o in triples:
        candidates = quads.by_predicate.get(p, ())
        found = []
        for sol in solutions:
            want_s = sol.get(s) if isinstance(s, str) else s
            want_o = sol.get(o) if isinstance(o, str) else o
            for qs, qo, qg, altered in candidates:
                if ((graph is not None and qg != graph) or (want_s is not None and qs != want_s)
                        or (want_o is not None and qo != want_o)):
                    continue
                if altered:
                    raise Unanswerable(str(qo))
                b = dict(sol)
                if isinstance(s, str):
                    b[s] = qs
                if isinstance(o, str) and b.setdefault(o, qo) != qo:  # (?x p ?x)
                    continue
                found.append(b)
        solutions = found
    return solutions
