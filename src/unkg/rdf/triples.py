"""A document's graph as the mapping makes it: its distinct triples, held the way rdflib's `SimpleMemory`
holds them (by subject, then predicate, then object, in the order first added), so that reading it gives the
triples in the order an rdflib graph of them gives. Adding costs a third of an rdflib graph's (no index by
predicate or object, no checks on the terms); `graph()` makes the rdflib graph for whoever needs one."""

from __future__ import annotations

from typing import Iterator

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory


class Triples:
    def __init__(self, identifier):
        self.identifier = identifier
        self._spo: dict = {}

    def add(self, triple: tuple) -> None:
        s, p, o = triple
        by_predicate = self._spo.get(s)
        if by_predicate is None:
            by_predicate = self._spo[s] = {}
        objects = by_predicate.get(p)
        if objects is None:
            objects = by_predicate[p] = {}
        objects[o] = None

    def __iter__(self) -> Iterator[tuple]:
        for s, by_predicate in self._spo.items():
            for p, objects in by_predicate.items():
                for o in objects:
                    yield s, p, o

    def graph(self) -> Graph:
        """The same triples as an rdflib graph named `identifier`."""
        g = Graph(store=SimpleMemory(), identifier=self.identifier)
        for triple in self:
            g.add(triple)
        return g
