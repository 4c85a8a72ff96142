"""What the linked-data pages show, read from the store: a resource's description (the triples about an
IRI the project mints and its fragments), labels in the reader's language with fallback, readable names of
properties and classes, and the pages' views (``letter.py``: a letter; ``entities.py``: any other resource
and what points at it; ``downloads.py``: the build's files of a document). Templates (``templates/``,
autoescaped) only lay these values out.

Nothing here scans the whole store: a description reads the IRI's own quads and, for its fragments, the
named graphs those quads are in; what points at an IRI is read by patterns or SPARQL with the IRI bound."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from ..vocab import ALLOT, LANGUAGES, RDF_TYPE, SCHEMA, SKOS, UNDO, UNKG
from ..vocab import DCTERMS as DCT
from .downloads import Files

LANGS = ("en", *(lang for lang in LANGUAGES if lang != "en"))  # offered to readers: English first (the fallback)
LABELS = (SKOS + "prefLabel", DCT + "title", SCHEMA + "name", UNKG + "nameAsWritten", UNKG + "annexLabel")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


class Pages:
    """The pages' reading of one build: its store, and (`settings` given) its folder's files and the names
    of terms (``templates/labels.ttl`` for the reused vocabularies, the ontology for ours)."""

    def __init__(self, store: ox.Store, base: str, settings=None):
        self.store = store
        self.base = base.rstrip("/")
        self.settings = settings
        self.folder = None
        self.terms: dict[str, dict[str, str]] = {}
        if settings is not None:
            # the build the store was opened from (`build` points at one of two folders, in turn)
            self.folder = Path(os.path.realpath(settings.build_dir / "store")).parent
            for path in (settings.templates_dir / "labels.ttl", settings.ontology_dir / "unkg.ttl"):
                self.terms.update(term_labels(path))
        self._files = None
        self._dated = None

    @property
    def files(self):
        """The build's files of each document (``downloads.Files``), read from its manifest when first asked."""
        if self._files is None:
            self._files = Files(self.folder, self.settings.documents_dir if self.settings else None)
        return self._files

    # -- reading ------------------------------------------------------------------------------------
    def describe(self, iri: str) -> list[ox.Triple]:
        """The triples about `iri` and about its fragments (``iri#…``), sorted. Fragments are minted in the
        graphs of the document `iri` is (part of), so only those of them holding a triple about `iri` are
        searched for them."""
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return []  # not an IRI at all
        # the distinct triples, by the store (a node thousands of documents describe, a session, has each
        # triple in each of their graphs)
        found = {ox.Triple(node, r["p"], r["o"]) for r in self.store.query(
            f"SELECT DISTINCT ?p ?o WHERE {{ {node} ?p ?o }}", use_default_graph_as_union=True)}
        prefix = iri + "#"
        # a document's graphs are named under its Work (``{work}/{version}/graph``); a node many documents
        # describe (a session, a cited Work) is searched in none of theirs
        root = iri.split("!", 1)[0] + "/"
        graphs = set()
        if iri.startswith(self.base + "/akn/"):
            graphs = {r["g"] for r in self.store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }}")}
        for graph in sorted((g for g in graphs if isinstance(g, ox.NamedNode) and g.value.startswith(root)), key=str):
            for q in self.store.quads_for_pattern(None, None, None, graph):
                if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(prefix):
                    found.add(q.triple)
        return sorted(found, key=str)

    def values(self, iri: str, predicate: str, graph: str | None = None) -> list:
        """The objects of `iri`'s `predicate`, each once (a node several graphs describe has them in each), in
        `graph` only when given (a session thousands of documents describe: one of them is enough)."""
        where = ox.NamedNode(graph) if graph is not None else None
        found = (q.object for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None, where))
        return list(dict.fromkeys(found))

    def subjects(self, predicate: str, iri: str) -> list:
        found = (q.subject for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(iri)))
        return list(dict.fromkeys(found))

    def one(self, iri: str, predicate: str, graph: str | None = None):
        found = sorted(self.values(iri, predicate, graph), key=str)
        return found[0] if found else None

    def text_in(self, iri: str, predicate: str, lang: str) -> str | None:
        """The literal of `iri`'s `predicate` in `lang`, else in English, else the first; None if none."""
        found = sorted((o for o in self.values(iri, predicate) if isinstance(o, ox.Literal)), key=str)
        for want in (lang, "en"):
            for lit in found:
                if lit.language == want:
                    return lit.value
        return found[0].value if found else None

    def select(self, query: str) -> list:
        return list(self.store.query(query, use_default_graph_as_union=True))

    def label(self, iri: str, lang: str) -> str:
        """The label of an IRI in `lang`, else in English, else any; a letter's title; else its identifier (a
        Work a letter cites is known by its symbol alone), else the IRI itself."""
        literals = [o for p in LABELS for o in self.values(iri, p) if isinstance(o, ox.Literal)]
        for want in (lang, "en", None):
            for lit in sorted(literals, key=str):
                if want is None or lit.language == want:
                    return lit.value
        if self.is_letter(iri):  # a letter is named by its versions' titles
            return self.letter_title(iri, lang)
        identifier = self.one(iri, DCT + "identifier")
        return identifier.value if isinstance(identifier, ox.Literal) else iri

    def term(self, iri: str, lang: str) -> str:
        """The readable name of a property or class: its rdfs:label in `lang`, else English, else its local
        name; a camelCase name is split into words."""
        names = self.terms.get(iri, {})
        name = names.get(lang) or names.get("en") or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if " " in name:
            return name
        first, *rest = _CAMEL.sub(" ", name).split(" ")
        return " ".join([first, *(w[0].lower() + w[1:] if w[1:].islower() else w for w in rest)])

    def href(self, iri: str) -> str:
        """A link to the page of an IRI the project mints (served here), or the IRI itself."""
        if iri.startswith(self.base + "/"):
            return iri[len(self.base):].replace("#", "%23")
        return iri

    def term_href(self, iri: str) -> str:
        """A link to a term's documentation: ours at its anchor on ``/ontology``, another vocabulary's at its IRI."""
        ours = self.base + "/ontology#"
        return "/ontology#" + iri[len(ours):] if iri.startswith(ours) else iri

    def link(self, iri: str, lang: str) -> dict:
        return {"href": self.href(iri), "label": self.label(iri, lang), "iri": iri}

    def exists(self, subject: str, predicate: str, obj: ox.NamedNode | ox.Literal) -> bool:
        """Whether the triple is in some graph (one lookup: the first quad found is enough)."""
        quads = self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), obj)
        return next(iter(quads), None) is not None

    def is_letter(self, iri: str) -> bool:
        return iri in self.dated

    @property
    def dated(self) -> dict[str, str]:
        """Every letter of the build and its date ("" without one), read once per build (one query over the
        letters' type and date, about a second at 10,000 documents at most): backlinks then sort their letters by
        date without a lookup each."""
        if self._dated is None:
            rows = self.store.query(f"SELECT ?l ?d WHERE {{ ?l a <{UNDO}OfficialLetter> . OPTIONAL {{ ?l "
                                    f"<{SCHEMA}dateSent> ?d }} }}", use_default_graph_as_union=True)
            self._dated = {r["l"].value: (r["d"].value if r["d"] is not None else "") for r in rows}
        return self._dated

    def types(self, iri: str) -> set[str]:
        return {t.value for t in self.values(iri, RDF_TYPE)}

    # -- letters ------------------------------------------------------------------------------------
    def letters(self, lang: str) -> list[dict]:
        query = (f"SELECT ?l ?d WHERE {{ ?l a <{UNDO}OfficialLetter> . OPTIONAL {{ ?l <{SCHEMA}dateSent> ?d }} }} "
                 "ORDER BY ?d ?l")
        rows = self.store.query(query, use_default_graph_as_union=True)
        return [{"href": self.href(r["l"].value), "title": self.letter_title(r["l"].value, lang),
                 "date": r["d"].value if r["d"] else ""} for r in rows]

    def letter_title(self, iri: str, lang: str) -> str:
        titles = {}
        for version in self.values(iri, ALLOT + "hasRealization"):
            for t in self.values(version.value, DCT + "title"):
                titles[t.language] = t.value
        for want in (lang, "en"):
            if want in titles:
                return titles[want]
        return next(iter(sorted(titles.items())), ("", iri))[1]

    def letter_row(self, iri: str, lang: str) -> dict:
        date = self.one(iri, SCHEMA + "dateSent")
        return {"href": self.href(iri), "title": self.letter_title(iri, lang), "date": date.value if date else "",
                "iri": iri}

    def walk(self, iri: str, path: tuple[str, ...]) -> set[str]:
        """The IRIs reached from `iri` going backwards along `path` (each step: the subjects whose predicate
        has the nodes reached so far as object), by pattern lookups alone."""
        nodes = {iri}
        for predicate in path:
            nodes = {s.value for n in nodes for s in self.subjects(predicate, n) if isinstance(s, ox.NamedNode)}
        return nodes

    def newest(self, letters: set[str], lang: str, limit: int) -> dict:
        """Of `letters`, those that are letters: how many, and the first `limit` by date, newest first."""
        known = self.dated
        dated = [(known[iri], iri) for iri in letters if iri in known]
        dated.sort(key=lambda d: (_Desc(d[0]), d[1]))
        return {"count": len(dated), "rows": [self.letter_row(iri, lang) for _, iri in dated[:limit]]}

    def letter_of(self, part: str) -> str | None:
        """The letter a language version or an annex belongs to."""
        for s in self.subjects(ALLOT + "hasRealization", part):
            return s.value
        whole = self.one(part, DCT + "isPartOf")
        return whole.value if whole is not None else None


class _Desc(str):
    """A string that sorts in reverse (the newest date first; an empty one, no date, last)."""

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)


def term_labels(path: Path) -> dict[str, dict[str, str]]:
    """The rdfs:labels of the terms a Turtle file labels, by IRI and language (none if it is absent)."""
    if not path.is_file():
        return {}
    out: dict[str, dict[str, str]] = {}
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal) and isinstance(t.subject, ox.NamedNode):
            names = out.setdefault(t.subject.value, {})
            lang = t.object.language or "en"
            if lang not in names or t.object.value < names[lang]:
                names[lang] = t.object.value
    return out


def script_json(data) -> str:
    """JSON to embed in a <script> element: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def formats(path: str) -> list[dict]:
    """Links to the page's description in each RDF format; `path` is the request's (decoded) path, so a
    fragment's ``#`` is written again as ``%23`` (a link with ``#`` would go to the document's page)."""
    here = quote(path, safe="/!$&'()*+,;=:@~")
    return [{"name": name, "type": kind, "href": f"{here}?format={quote(key)}"}
            for name, kind, key in (("Turtle", "text/turtle", "turtle"), ("JSON-LD", "application/ld+json", "jsonld"),
                                    ("N-Triples", "application/n-triples", "ntriples"))]
