"""What the search on `/` knows of one document: a row per letter (its date, symbols, titles, the names it is
about, its versions' texts and its facet values) and the labels of those values, read from the document's
graphs with the facets' SPARQL (``data/search.toml``) run on them and the authority data. The build's
workers write it as ``build/search/<key>.json``; ``build/search.py`` assembles every document's into the
index (``build/search.sqlite``), ``serve/search.py`` queries it.

Run on one document's graphs, a facet's query gives exactly that document's part of what the same query
gives on the whole store (its patterns never join two documents), so the index's counts are the store's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib import resources

import orjson
import pyoxigraph as ox

from .sparql_patterns import Patterns, required
from .sparql_select import IRI_UNSAFE, Quads, Select, Unanswerable
from .vocab import LANGUAGES, PREFIXES, SCHEMA, SKOS, UNKG
from .vocab import DCTERMS as DCT

LANGS = ("en", *(lang for lang in LANGUAGES if lang != "en"))  # the readers' languages, English first
LABELS = tuple(ox.NamedNode(p) for p in (SKOS + "prefLabel", DCT + "title", SCHEMA + "name", UNKG + "nameAsWritten",
                                         UNKG + "annexLabel"))
# ^ the predicates the pages read labels from (serve/pages.py), in the same way: the reader's language, else
# English, else any, the first of each in the order of their N-Triples forms
NAMES = tuple(ox.NamedNode(p) for p in (SKOS + "prefLabel", SKOS + "altLabel", SCHEMA + "name"))  # searched
LITERALS_READ = frozenset(LABELS + NAMES)
LABEL_IRIS, NAME_IRIS = frozenset(p.value for p in LABELS), frozenset(p.value for p in NAMES)

# scripts written without spaces between words: each character a word of its own, in the index and in a query
_UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u3005\u3007])")


@cache
def config() -> dict:
    """The facets and the index's schema (``data/search.toml``)."""
    return tomllib.loads(resources.files("unkg").joinpath("data/search.toml").read_text(encoding="utf-8"))


def prologue(query: str | None = None) -> str:
    """The PREFIX declarations of the JSON-LD context's prefixes (those `query` may use, if given: Oxigraph
    parses a query on every call, and reads a short prologue faster than a table of every prefix)."""
    used = PREFIXES if query is None else {name: ns for name, ns in PREFIXES.items() if f"{name}:" in query}
    return "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in used.items())


def spaced(text: str) -> str:
    """`text` with each character of a script written without spaces (Chinese, Japanese) set apart, so that
    the index's tokenizer makes each one a word and a phrase of them matches them in sequence."""
    if _UNSPACED.search(text) is None:  # most texts: nothing to do
        return text
    return " ".join(_UNSPACED.split(text))  # (split by a group: the text between, each character, ...)


VERSION_GRAPH = ox.NamedNode("urn:unkg:search:version-graph")  # (where the versions query's ?g is read)
VALUED = ox.NamedNode("urn:unkg:search:valued")  # (where the sessions' and notations' IRI is read)

RENEW_AFTER = 16  # documents read in one store before it is made again (16: 40 us a row less than 64)


class Indexer:
    """Reads the search rows of documents; made once per process (it holds the authority data in a store)."""

    def __init__(self, authority_quads: list, base: str, narrow: bool = True):
        self.base = base.rstrip("/") + "/id/"
        read = config()
        row = read["row"]
        queries = [f["query"] for f in read["facet"]] + [read["text"]["names"], row["letters"], row["versions"],
                                                          row["sessions"] % "", row["notations"] % ""]
        # the queries as Oxigraph is given them, each with the prefixes it uses
        self.facets = [(f, with_prefixes(f["query"])) for f in read["facet"]]
        self.names, self.letters, self.versions, self.sessions, self.notations = map(
            with_prefixes, (read["text"]["names"], row["letters"], row["versions"], row["sessions"], row["notations"]))
        # the quads the queries read, which the store holds (a quarter of a document's, 35 of the authority
        # data's 936 quads), and those the rows read besides (the labels and names): all unless `narrow`
        self.queried = Patterns([prologue() + q for q in queries])
        self.queried.everything = self.queried.everything or not narrow
        self.read = self.queried.with_predicates(LABELS + NAMES)
        read = self.read.select(authority_quads)
        self.authority_quads = self.queried.select(read)
        # the authority data's labels (each tag's first, `first_labels`) and names, by IRI, worked out once
        literals = literals_by_subject(read)
        self.authority_labels = {iri: first_labels(found, {}) for iri, found in literals.items()}
        self.authority_names = {iri: [text for p, _, _, text in found if p in NAME_IRIS]
                                for iri, found in literals.items()}
        # a query is run only on a store holding statements of each predicate it requires (`required`)
        self.required = {q: required(q) for q in [q for _, q in self.facets] + [self.names, self.letters]}
        self.authority_predicates = {q.predicate.value for q in self.authority_quads}
        self.document_predicates: set[str] = set()  # those of the document being read
        self.document_literals: dict = {}  # those of the document being read
        self.queued: list | None = None  # its quads, until a query is Oxigraph's (`_store`)
        # the queries answered in Python from the quads the store holds (`quads`), as Oxigraph answers them
        # (`Select`: their distinct solutions in no given order, which the facets, names, letters (unless
        # `_read_alike` says no) and versions are read in); the versions' with a graph's IRI for ?g
        self.python = {q: Select.of(q) for q in [q for _, q in self.facets] + [self.names]}
        self.python[self.letters] = Select.of(self.letters, repeats=True)
        self.version_graph = (Select.of(self.versions.replace("?g", f"<{VERSION_GRAPH.value}>"), repeats=True)
                              if VERSION_GRAPH.value not in self.versions else None)
        # the sessions' and notations' with an IRI for their %s (a VALUES block's), one at a time
        self.valued = {q: Select.of(q % f"<{VALUED.value}>", repeats=True) if VALUED.value not in q else None
                       for q in (self.sessions, self.notations)}
        self.valued_by_iri: dict[tuple[str, str], Select] = {}  # (template, IRI) -> its Select (a bounded memo)
        self._renew()  # the store (`store`) and the documents read in it (`used`)
        self.authority_index = self.quads = Quads(self.authority_quads)

    def key(self, iri: str, param: str) -> str:
        """A value's name in a URL: its IRI without ``<base>/id/`` and the facet's own name (``organ/``)."""
        if not iri.startswith(self.base):
            return iri
        return iri[len(self.base):].removeprefix(param + "/")

    def row(self, versions: list[tuple[str, str, str, list]]) -> bytes:
        """The search rows of one document's versions, each (graph IRI, language, text, quads), as JSON."""
        if self.used == RENEW_AFTER:
            # an in-memory store keeps what was removed from it: each document's look-ups got slower with the
            # number read before (3.7 ms a row at first, 12.5 ms after 1,800 documents); made again, the cost
            # stays flat (the store is made in about 40 us: the 35 quads of the authority data the queries read)
            self._renew()
        self.used += 1
        graphs = []
        read: list = []
        for graph, _lang, _text, quads in versions:
            read += self.read.select(quads)
            graphs.append(graph)
        queried = self.queried.select(read)
        self.queued = queried
        self.document_literals = literals_by_subject(read)
        self.document_predicates = {q.predicate.value for q in queried}
        self.quads = Quads(queried, self.authority_index)
        try:
            return self._row(versions)
        finally:
            for graph in map(ox.NamedNode, graphs):
                authority = graph in self.authority_index.graphs
                if self.queued is None or authority:
                    self.store.remove_graph(graph)
                # (a graph of the authority data's removed with it: the store holds less than `quads` until renewed)
                self.intact = self.intact and not authority

    def _store(self) -> ox.Store:
        """The store, with the document's quads."""
        if self.queued is not None:
            self.store.extend(self.queued)
            self.queued = None
        return self.store

    def _renew(self) -> None:
        self.store = ox.Store()
        self.store.extend(self.authority_quads)  # (bulk_extend takes three times as long for so few)
        self.used = 0  # documents read since the store was made
        self.intact = True  # whether the store holds every quad of the authority data

    def _select(self, query: str, alike=lambda rows: True):
        """The rows of `query` on the document's graphs and the authority data (none, without running it, when
        a predicate it requires is in neither); Oxigraph's unless Python's are read `alike` in any order."""
        for p in self.required.get(query, ()):
            if p not in self.document_predicates and p not in self.authority_predicates:
                return ()
        found = self._python(self.python.get(query))
        if found is not None and alike(found):
            return found
        return solutions(self._store().query(query, use_default_graph_as_union=True))

    def _python(self, select: Select | None, union: bool = True) -> list | None:
        """`select`'s rows from `quads` (None: Oxigraph's to give)."""
        if select is None or not self.intact:
            return None
        try:
            return [Solution(found) for found in select.solutions(self.quads, union)]
        except Unanswerable:  # (a literal Oxigraph may store in another form)
            return None

    def _valued(self, template: str, iris: list[str], *names: str):
        """The rows of `template` with `iris` for its %s; Python's (each IRI's in turn: VALUES joins each row
        with the rest) if each IRI (?s) has one value of each of `names`, of which `_compose` keeps the last."""
        select = self.valued[template]
        if select is not None and not any(IRI_UNSAFE.search(iri) for iri in iris):
            found: list | None = []
            for iri in iris:
                one = self.valued_by_iri.get((template, iri))
                if one is None:  # (the same sessions and agenda items come again and again)
                    if len(self.valued_by_iri) >= 1024:
                        self.valued_by_iri.clear()
                    one = self.valued_by_iri[template, iri] = select.with_term(VALUED, ox.NamedNode(iri))
                part = self._python(one)
                found = None if part is None or found is None else found + part
            if found is not None and _alike(found, "s", names):
                return found
        query = template % " ".join(f"<{iri}>" for iri in iris)
        return solutions(self._store().query(query, use_default_graph_as_union=True))

    def _versions(self, graph: str):
        """The rows of the versions query for `graph`, the IRI put for ?g in its text."""
        found = None
        if self.version_graph is not None and not IRI_UNSAFE.search(graph):
            found = self._python(self.version_graph.with_term(VERSION_GRAPH, ox.NamedNode(graph)), union=False)
        return found if found is not None else solutions(self._store().query(self.versions.replace("?g", f"<{graph}>")))

    def _row(self, versions) -> bytes:
        letters: dict[str, dict] = {}

        def letter(iri: str) -> dict:
            entry = letters.get(iri)
            if entry is None:
                entry = letters[iri] = {"date": None, "symbols": set(), "titles": {}, "names": set(), "body": {},
                                        "facets": {}}
            return entry

        for graph, lang, text, _ in versions:
            for r in self._versions(graph):
                letter(r["letter"].value)["body"][lang] = spaced(text)
        for r in self._select(self.letters, _read_alike):
            entry = letter(r["letter"].value)
            if r["date"] is not None:
                entry["date"] = r["date"].value
            if r["symbol"] is not None:
                entry["symbols"].add(r["symbol"].value)
            if r["title"] is not None:
                entry["titles"][r["title"].language or ""] = r["title"].value
        for r in self._select(self.names):
            names = letter(r["letter"].value)["names"]
            if r["name"] is not None:
                names.add(r["name"].value)
            else:
                entity = r["entity"]
                if isinstance(entity, ox.NamedNode):  # its names in every graph, as the store holds them
                    names.update(self.authority_names.get(entity.value, ()))
                    names.update(text for p, _, _, text in self.document_literals.get(entity.value, ())
                                 if p in NAME_IRIS)
        labelled: set[str] = set()
        compose: dict[str, list[str]] = {}
        for facet, query in self.facets:
            param, kind = facet["param"], facet.get("label")
            boolean, literal, keyed = facet.get("boolean"), facet.get("literal"), "key" in query
            for r in self._select(query):
                entry = letter(r["letter"].value)
                if boolean:
                    entry["facets"].setdefault(param, set()).add(("yes", None))
                    continue
                value = r["value"]
                if literal or not isinstance(value, ox.NamedNode):
                    entry["facets"].setdefault(param, set()).add((value.value, None))
                    continue
                bound = r["key"] if keyed else None
                key = bound.value if bound is not None else self.key(value.value, param)
                entry["facets"].setdefault(param, set()).add((key, value.value))
                labelled.add(value.value)
                if kind:
                    compose[value.value] = [kind]
        self._compose(compose, labelled)
        labels = self._labels(labelled)
        out = {"letters": {iri: {
            "date": e["date"], "symbols": sorted(e["symbols"]), "titles": e["titles"],
            "title_words": spaced("\n".join(t for _, t in sorted(e["titles"].items()))),
            "names": sorted(spaced(n) for n in e["names"]), "body": e["body"],
            "facets": {p: sorted((list(v) for v in values), key=lambda v: (v[0], v[1] or ""))
                       for p, values in e["facets"].items()},
        } for iri, e in letters.items()}, "labels": labels, "compose": compose}
        return orjson.dumps(out, option=orjson.OPT_SORT_KEYS) + b"\n"  # compact, UTF-8

    def _compose(self, compose: dict[str, list[str]], labelled: set[str]) -> None:
        """A session's label is its organ's with its number or year; an agenda item's, its notation and label."""
        sessions = [iri for iri, (kind,) in compose.items() if kind == "session"]
        items = [iri for iri, (kind,) in compose.items() if kind == "agenda"]
        if sessions:
            for r in self._valued(self.sessions, sessions, "organ", "n"):
                compose[r["s"].value] = [r["organ"].value, f"{{}} ({r['n'].value})"]
                labelled.add(r["organ"].value)
        if items:
            for r in self._valued(self.notations, items, "n"):
                compose[r["s"].value] = [r["s"].value, f"{r['n'].value}. {{}}"]
        for iri, parts in list(compose.items()):
            if len(parts) == 1:  # nothing to compose it from: its own label
                del compose[iri]

    def _labels(self, iris: set[str]) -> dict[str, dict[str, list[str]]]:
        """Per IRI and language tag ('' for none) the first label literal (by its N-Triples form) and its text,
        in every graph (as the pages read them): the authority data's and the document's."""
        found: dict[str, dict[str, list[str]]] = {}
        for iri in iris:
            per = first_labels(self.document_literals.get(iri, ()), dict(self.authority_labels.get(iri, {})))
            if per:
                found[iri] = per
        return found


def _alike(rows, key: str, names: tuple[str, ...]) -> bool:
    """Whether the rows with one value of `key` have one value of each of `names` (all bound)."""
    kept: dict = {}
    for r in rows:
        if r[key] is None or any(r[name] is None for name in names):
            return False
        values = tuple(r[name].value for name in names)
        if kept.setdefault(r[key].value, values) != values:
            return False
    return True


def _read_alike(rows) -> bool:
    """Whether the letters query's `rows` make the same letters in any order: no letter with two dates, nor
    with two titles in one language (`_row` keeps the last of each)."""
    kept: dict = {}
    for r in rows:
        letter, date, title = r["letter"], r["date"], r["title"]
        if letter is None:  # (Oxigraph's rows to fail on)
            return False
        if date is not None and kept.setdefault(("date", letter.value), date.value) != date.value:
            return False
        if title is not None and kept.setdefault(("title", letter.value, title.language or ""),
                                                 title.value) != title.value:
            return False
    return True


def literals_by_subject(quads) -> dict[str, list[tuple[str, str, str, str]]]:
    """The label and name literals of `quads` by their subject's IRI, each as its predicate's IRI, its language
    tag ('' for none), its N-Triples form and its text (read from Oxigraph once: each read copies the term;
    the authority data's once for every document)."""
    found: dict[str, list[tuple[str, str, str, str]]] = {}
    for q in quads:
        if ((p := q.predicate) in LITERALS_READ and isinstance(o := q.object, ox.Literal)
                and isinstance(s := q.subject, ox.NamedNode)):
            found.setdefault(s.value, []).append((p.value, o.language or "", str(o), o.value))
    return found


def first_labels(literals, per: dict[str, list[str]]) -> dict[str, list[str]]:
    """`per` with the label `literals` (`literals_by_subject`) of each language tag whose N-Triples form
    comes first, as [form, text] (the lists are not changed: a later one replaces them)."""
    for p, tag, form, text in literals:
        if p in LABEL_IRIS and (tag not in per or form < per[tag][0]):
            per[tag] = [form, text]
    return per


def with_prefixes(query: str) -> str:
    return prologue(query) + query


class Solution(dict):
    """A query's solution by variable name: None for a variable unbound or not selected (as pyoxigraph's)."""

    def __missing__(self, name: str) -> None:
        return None


def solutions(found: ox.QuerySolutions) -> Iterator[Solution]:
    """The solutions of a SELECT (pyoxigraph 0.5 reads a solution's value by position five times as fast as
    by name: 0.15 us against 0.8, and a row reads two to five)."""
    names = [v.value for v in found.variables]
    return (Solution(zip(names, r)) for r in found)


def label_of(candidates: dict[str, list[str]], lang: str, fallback: str) -> str:
    """The label the pages show (serve/pages.py `label`): in `lang`, else English, else the first of all."""
    for want in (lang, "en"):
        if want in candidates:
            return candidates[want][1]
    if candidates:
        return min(candidates.values())[1]
    return fallback
