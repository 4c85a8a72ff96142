"""Simple SPARQL SELECT queries answered in Python, as Oxigraph answers them on the same quads (Oxigraph
parses and plans a query each time it is asked: 20-250 us): triple patterns with an IRI predicate, UNION,
OPTIONAL without a condition, GRAPH, VALUES, BIND and FILTER of a few functions (`Select`). The search rows
(`searchdoc`) and the compiled shapes' SPARQL constraints (`validate.fast`) ask them of a document's quads."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

XSD_STRING, LANG_STRING = (ox.NamedNode("http://www.w3.org/2001/XMLSchema#string"),
                           ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"))
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
TRUE, FALSE = ox.Literal(True), ox.Literal(False)
IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')  # (what an IRI in a query's text may not hold)
# literals of these datatypes, stored as given (`as_stored`), are equal when they are the same term
SAME_AS_EQUAL = {XSD_STRING, ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"), ox.NamedNode(XSD_INTEGER)}


class Unanswerable(Exception):
    """A solution would bind a literal Oxigraph may store in another form (``"01"^^xsd:int`` as
    ``"1"^^xsd:integer``): only Oxigraph gives its solutions."""


class Quads:
    """Quads indexed for `Select`: by predicate, each (subject, object, graph, whether Oxigraph may store the
    object in another form: a literal of a datatype but xsd:string and rdf:langString it does not store as
    given, `as_stored`; a quoted triple). Those of `base` too."""

    def __init__(self, quads: Iterable[ox.Quad], base: Quads | None = None):
        own: dict = {}
        for q in quads:
            s, p, o, g = q.subject, q.predicate, q.object, q.graph_name
            altered = (isinstance(s, ox.Triple) or isinstance(o, ox.Triple)
                       or isinstance(o, ox.Literal) and o.datatype not in (XSD_STRING, LANG_STRING)
                       and not as_stored(o))
            own.setdefault(p, []).append((s, o, g, altered))
        self.graphs = {g for found in own.values() for _, _, g, _ in found
                       if not isinstance(g, ox.DefaultGraph)}  # the named graphs
        self.by_predicate = own
        if base is not None:  # (its lists shared, not copied)
            self.by_predicate = {**base.by_predicate, **{p: base.by_predicate.get(p, []) + found
                                                          for p, found in own.items()}}
            self.graphs |= base.graphs


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
    condition, GRAPH, VALUES, BIND and FILTER (of STR, SUBSTR, COALESCE, LANG, LANGMATCHES, BOUND, EXISTS of triple
    patterns, =, !=, !, &&, ||), answered in Python from a few quads
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

    def named_graphs(self) -> bool:
        """Whether the query reads named graphs (GRAPH; or a triple pattern with a variable named "graph")."""
        todo = [self.pattern]
        while todo:
            node = todo.pop()
            if node == "graph":
                return True
            if isinstance(node, (tuple, list)):
                todo += node
        return False

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
    if name == "Filter":
        return "filter", _expression(node.expr), _compile(node.p)
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
    if name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):  # (of triple patterns alone: matched from the
        return "exists", name == "Builtin_EXISTS", _triples(node.graph)  # solution, as EXISTS reads them)
    if name == "UnaryNot":
        return "not", _expression(node.expr)
    if name in ("ConditionalAndExpression", "ConditionalOrExpression"):
        return "and" if "And" in name else "or", *(_expression(e) for e in [node.expr, *node.other])
    if name == "RelationalExpression" and node.op in ("=", "!="):
        return node.op, _expression(node.expr), _expression(node.other)
    if name == "Builtin_BOUND" and isinstance(node.arg, Variable):
        return "bound", str(node.arg)
    if name == "Builtin_LANG":
        return "lang", _expression(node.arg)
    if name == "Builtin_LANGMATCHES":
        return "langmatches", _expression(node.arg1), _expression(node.arg2)
    if name is None:
        return ("term", _term(node, False))
    raise ValueError(name)


def _whole(term, least: int) -> int:
    if not (isinstance(term, Literal) and term.datatype == XSD_INTEGER and isinstance(term.value, int)
            and term.value >= least):
        raise ValueError(term)
    return term.value


def _value(e: tuple, solution: dict, quads: Quads, graph):
    """The value of the expression `e` in `solution`; None for an error (an unbound variable, STR of a
    blank node, SUBSTR of anything but a literal...); Unanswerable (raised) where Oxigraph's rules are not
    followed here (SUBSTR of a literal but a string, the truth of anything but a boolean, two literals
    compared but of one datatype of `SAME_AS_EQUAL`)."""
    kind = e[0]
    if kind == "term":
        return solution.get(e[1]) if isinstance(e[1], str) else e[1]
    if kind == "coalesce":
        return next((v for v in (_value(arg, solution, quads, graph) for arg in e[1:]) if v is not None), None)
    if kind == "bound":
        return TRUE if e[1] in solution else FALSE
    if kind == "exists":
        return TRUE if bool(_match(e[2], quads, graph, [solution])) is e[1] else FALSE
    if kind in ("and", "or"):  # (an error is false in an "or" with a true, in an "and" with a false)
        truths = [_truth(_value(arg, solution, quads, graph)) for arg in e[1:]]
        decisive = kind == "or"
        if decisive in truths:
            return TRUE if decisive else FALSE
        return None if None in truths else (FALSE if decisive else TRUE)
    if kind in ("=", "!="):
        a, b = (_value(arg, solution, quads, graph) for arg in e[1:])
        if a is None or b is None:
            return None
        if isinstance(a, ox.Literal) and isinstance(b, ox.Literal) and a != b and not (
                a.datatype == b.datatype and a.datatype in SAME_AS_EQUAL):
            raise Unanswerable(f"{a} {kind} {b}")
        return TRUE if (a == b) is (kind == "=") else FALSE
    if kind == "langmatches":
        tag, wanted = (_value(arg, solution, quads, graph) for arg in e[1:])
        if not all(isinstance(v, ox.Literal) and v.datatype == XSD_STRING for v in (tag, wanted)):
            return None
        return TRUE if _lang_matches(tag.value, wanted.value) else FALSE
    v = _value(e[1], solution, quads, graph)
    if kind == "not":
        truth = _truth(v)
        return None if truth is None else (FALSE if truth else TRUE)
    if kind == "lang":
        return ox.Literal(v.language or "") if isinstance(v, ox.Literal) else None
    if kind == "str":
        return ox.Literal(v.value) if isinstance(v, (ox.NamedNode, ox.Literal)) else None
    if not isinstance(v, ox.Literal):  # (substr)
        return None
    if v.datatype not in (XSD_STRING, LANG_STRING):
        raise Unanswerable(str(v))
    start, length = e[2] - 1, e[3]
    text = v.value[start:] if length is None else v.value[start:start + length]
    return ox.Literal(text, language=v.language) if v.language else ox.Literal(text)


def _triples(node) -> list:
    """The triple patterns of a group of them alone (translated, or as parsed), else ValueError."""
    if isinstance(node, CompValue) and node.name == "GroupGraphPatternSub":
        if not all(isinstance(part, CompValue) and part.name == "TriplesBlock" for part in node.part):
            raise ValueError(node)
        flat = [terms[i:i + 3] for part in node.part for terms in part.triples for i in range(0, len(terms) - 2, 3)]
        return [tuple(_term(t, i == 1) for i, t in enumerate(triple)) for triple in flat]
    pattern = _compile(node)
    parts, triples = [pattern], []
    while parts:
        kind, *rest = parts.pop()
        if kind == "bgp":
            triples += rest[0]
        elif kind == "join":
            parts += rest
        else:
            raise ValueError(kind)
    return triples


def _truth(v) -> bool | None:
    """A value's truth (None: an error); Unanswerable for anything but a boolean."""
    if v is None or v == TRUE or v == FALSE:
        return None if v is None else v == TRUE
    raise Unanswerable(str(v))


def _lang_matches(tag: str, wanted: str) -> bool:
    """SPARQL's langMatches, as Oxigraph's: a language range's subtags those the tag starts with (ASCII letters
    compared in either case); "*" any tag but none."""
    if wanted == "*":
        return tag != ""
    ranges, tags = wanted.split("-"), tag.split("-")
    return len(ranges) <= len(tags) and all(r.encode().lower() == t.encode().lower() for r, t in zip(ranges, tags))


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
            value = _value(e, s, quads, graph)
            found.append(s if value is None else {**s, name: value})
        return found
    if kind == "filter":
        e = pattern[1]
        return [s for s in _solve(pattern[2], quads, graph) if _truth(_value(e, s, quads, graph))]
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
