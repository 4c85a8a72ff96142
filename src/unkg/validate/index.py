"""A graph indexed for the compiled shapes' checks (``fast.py``): ``Data``, the objects of each subject and
predicate, over the authority data's index, with what the targets ask of it computed once per graph."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef

from .compiled import RDF_TYPE, SUBCLASS

EMPTY: tuple = ()


class Data:
    """A graph indexed for the checks: the objects of each subject and predicate, over an optional `base`
    (the authority data, indexed once, without a base of its own) whose index it extends without copying.
    The objects are kept in lists (a graph holds each statement once: no set needed, nor a literal's hash,
    which rdflib computes in Python); types and superclasses are read as the objects of rdf:type and
    rdfs:subClassOf."""

    def __init__(self, graph: Graph | list, base: Data | None = None):
        if base is not None and base.base is not None:
            raise ValueError("the base of a graph's index has no base of its own")
        self.base = base
        self.sp: defaultdict = defaultdict(list)
        self._objects: dict = {}  # predicate -> its objects (asked of the authority data once)
        self._classes: dict = {}  # node -> every class it is an instance of
        self._outside: dict = {}  # prefixes -> `outside`
        self._predicates: set[str] | None = None
        self._terms: dict | None = None  # each predicate -> the term the index has for it
        self._subjects: dict = {}  # predicates -> `subjects`
        self._described: set | None = None
        self._subclassing: bool | None = None
        sp = self.sp
        for s, p, o in graph:
            sp[s, p].append(o)

    def values(self, s, p) -> list | set:
        """The objects of (s, p) (not to be changed), those of the base too."""
        key = (s, p)
        own = self.sp.get(key, EMPTY)
        if self.base is None:
            return own
        inherited = self.base.sp.get(key, EMPTY)
        if not inherited:
            return own
        return {*own, *inherited} if own else inherited  # (a statement in both is one statement)

    def classes(self, node) -> set:
        """Every class `node` is an instance of (its types and their superclasses), computed once."""
        found = self._classes.get(node)
        if found is None and not self.subclassing():  # (no superclass to look up: the types alone)
            found = self._classes[node] = set(self.values(node, self.term(RDF_TYPE)))
        elif found is None:
            found, todo, subclass = set(), list(self.values(node, self.term(RDF_TYPE))), self.term(SUBCLASS)
            while todo:
                c = todo.pop()
                if c not in found:
                    found.add(c)
                    todo.extend(self.values(c, subclass))
            self._classes[node] = found
        return found

    def subclassing(self) -> bool:
        """Whether the data or its base has an rdfs:subClassOf statement (a class may have superclasses)."""
        if self._subclassing is None:
            self._subclassing = SUBCLASS in self.terms() or (self.base is not None and self.base.subclassing())
        return self._subclassing

    def described(self) -> set:
        """The subjects of the data itself (not its base), computed once."""
        if self._described is None:
            self._described = {s for s, _ in self.sp}
        return self._described

    def objects(self, p) -> set:
        """The objects of `p` in the data itself (not its base)."""
        found = self._objects.get(p)
        if found is None:
            same = str.__eq__  # (rdflib's == on terms is Python code; this is the same test in C)
            found = self._objects[p] = ({o for (_, q), objects in self.sp.items() if same(q, p) for o in objects}
                                        if str(p) in self.predicates() else set())  # (none: not looked for)
        return found

    def terms(self) -> dict:
        """Each predicate of the data itself (not its base) -> the very term the index has for it, computed once."""
        if self._terms is None:
            self._terms = {q: q for _, q in self.sp}
        return self._terms

    def term(self, p):
        """The very term the index has for the predicate `p` (or `p`): looked up with it, a key is found without
        comparing two equal terms (rdflib's == is Python code)."""
        return (self._terms if self._terms is not None else self.terms()).get(p, p)

    def subjects(self, predicates: tuple) -> set:
        """The subjects of the data itself (not its base) with a statement of one of `predicates`, computed once."""
        found = self._subjects.get(predicates)
        if found is None:
            wanted = {self.term(p) for p in predicates}
            found = self._subjects[predicates] = {s for s, p in self.sp if p in wanted}
        return found

    def predicates(self) -> set[str]:
        """The predicate IRIs of the data itself (not its base), computed once."""
        if self._predicates is None:
            self._predicates = {str(p) for p in self.terms()}  # (each predicate once)
        return self._predicates

    def is_instance(self, node, cls) -> bool:
        return cls in self.classes(node)

    def outside(self, known: tuple[str, ...]) -> set:
        """The IRI subjects of the data itself (not its base) that are, or have as predicate or IRI object, an
        IRI starting with none of `known` (the namespace shape's target, `namespaces.py`); computed once."""
        found = self._outside.get(known)
        if found is None:
            starts = str.startswith  # (rdflib's startswith takes no tuple)
            # each subject and each predicate tested once, then the objects
            found = {s for s in self.described() if isinstance(s, URIRef) and not starts(s, known)}
            foreign = {p for p in self.terms() if not starts(p, known)}
            for (s, p), objects in self.sp.items():
                if p in foreign:
                    found.add(s)
                    continue
                for o in objects:  # (exact types first: rdflib's terms are ABCs, whose failing isinstance is slow)
                    if (type(o) is URIRef or type(o) is not Literal and isinstance(o, URIRef)) and not starts(o, known):
                        found.add(s)
                        break
            found = self._outside[known] = {s for s in found if isinstance(s, URIRef)}
        return found
