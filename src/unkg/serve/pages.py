"""What the linked-data pages show, read from the store: a resource's description (the triples about an
IRI the project mints and its fragments), labels in the reader's language with fallback, and the letter
page's parts. Templates (``templates/``, autoescaped) only lay these values out."""

from __future__ import annotations

import json
from urllib.parse import quote

import pyoxigraph as ox

from ..vocab import ALLOT, LANGUAGES, PROV, RDF_TYPE, SCHEMA, SKOS, UNDO, UNKG
from ..vocab import DCTERMS as DCT

LANGS = ("en", *(lang for lang in LANGUAGES if lang != "en"))  # offered to readers: English first (the fallback)
LABELS = (SKOS + "prefLabel", DCT + "title", SCHEMA + "name", UNKG + "nameAsWritten", UNKG + "annexLabel")


class Pages:
    def __init__(self, store: ox.Store, base: str):
        self.store = store
        self.base = base.rstrip("/")

    # -- reading ------------------------------------------------------------------------------------
    def describe(self, iri: str) -> list[ox.Triple]:
        """The triples about `iri` and about its fragments (``iri#…``), from every graph, sorted."""
        try:
            node, prefix = ox.NamedNode(iri), ox.Literal(iri + "#")  # their text forms are escaped
        except ValueError:
            return []  # not an IRI at all
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . FILTER (?s = {node} || STRSTARTS(STR(?s), {prefix})) }}"
        return sorted(self.store.query(query, use_default_graph_as_union=True), key=str)

    def values(self, iri: str, predicate: str) -> list:
        return [q.object for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None)]

    def one(self, iri: str, predicate: str):
        found = sorted(self.values(iri, predicate), key=str)
        return found[0] if found else None

    def label(self, iri: str, lang: str) -> str:
        """The label of an IRI in `lang`, else in English, else any, else the IRI itself."""
        literals = [o for p in LABELS for o in self.values(iri, p) if isinstance(o, ox.Literal)]
        for want in (lang, "en", None):
            for lit in sorted(literals, key=str):
                if want is None or lit.language == want:
                    return lit.value
        return iri

    def href(self, iri: str) -> str:
        """A link to the page of an IRI the project mints (served here), or the IRI itself."""
        if iri.startswith(self.base + "/"):
            return iri[len(self.base):].replace("#", "%23")
        return iri

    def is_letter(self, iri: str) -> bool:
        return ox.NamedNode(UNDO + "OfficialLetter") in self.values(iri, RDF_TYPE)

    # -- views --------------------------------------------------------------------------------------
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

    def letter(self, iri: str, lang: str) -> dict:
        link = lambda node: {"href": self.href(node.value), "label": self.label(node.value, lang)}  # noqa: E731
        versions = []
        for v in sorted(self.values(iri, ALLOT + "hasRealization"), key=str):
            title = self.one(v.value, DCT + "title")
            language = self.one(v.value, DCT + "language")
            code = self.one(language.value, SKOS + "notation").value if language is not None else ""
            versions.append({"href": self.href(v.value), "title": title.value if title else v.value, "lang": code})
        attribution = self.one(iri, PROV + "qualifiedAttribution")
        role = self.one(attribution.value, PROV + "hadRole") if attribution is not None else None
        rank = self.one(attribution.value, UNKG + "rank") if attribution is not None else None
        sender = self.one(iri, SCHEMA + "sender")
        organs = []
        for session in sorted(self.values(iri, UNKG + "documentOf"), key=str):
            organ = self.one(session.value, UNKG + "organ")
            n = self.one(session.value, UNKG + "sessionNumber") or self.one(session.value, UNKG + "year")
            organs.append({"href": self.href(organ.value), "label": f"{self.label(organ.value, lang)} ({n.value})"})
        agenda = []
        for entry in self.values(iri, UNKG + "agendaEntry"):
            item = self.one(entry.value, UNKG + "agendaItem")
            position = self.one(entry.value, SCHEMA + "position")
            if item is not None:
                agenda.append((int(position.value) if position else 0, {
                    "href": self.href(item.value), "number": self.one(item.value, SKOS + "notation").value,
                    "label": self.label(item.value, lang)}))
        annexes = []
        for annex in self.values(iri, DCT + "hasPart"):
            position = self.one(annex.value, SCHEMA + "position")
            author = self.one(annex.value, DCT + "creator")
            date = self.one(annex.value, DCT + "date")
            title = self.one(annex.value, DCT + "title")
            annexes.append((int(position.value) if position else 0, {
                "href": self.href(annex.value),
                "label": f"Annex {self.one(annex.value, UNKG + 'annexLabel').value}".strip(),
                "title": title.value if title else "", "date": date.value if date else "",
                "author": self.label(author.value, lang) if author else ""}))
        parts = [self.base + v["href"] for v in versions] + [self.base + a["href"] for _, a in annexes]
        mentioned = {o.value for part in parts for o in self.values(part, ALLOT + "mentions")}
        symbols = sorted(str(s.value) for s in self.values(iri, DCT + "identifier"))
        date = self.one(iri, SCHEMA + "dateSent")
        title = self.letter_title(iri, lang)
        view = {
            "iri": iri, "title": title, "date": date.value if date else "",
            "symbols": [{"symbol": s, "href": f"https://undocs.org/{lang}/{s}"} for s in symbols],
            "sender": link(sender) if sender is not None else None,
            "capacity": self.label(role.value, lang) if role is not None else "",
            "rank": self.label(rank.value, lang) if rank is not None else "",
            "recipients": [link(r) for r in sorted(self.values(iri, SCHEMA + "recipient"), key=str)],
            "organs": organs, "agenda": [a for _, a in sorted(agenda, key=lambda x: x[0])],
            "versions": versions, "annexes": [a for _, a in sorted(annexes, key=lambda x: x[0])],
            "mentions": sorted(({"href": self.href(m), "label": self.label(m, lang)} for m in mentioned),
                               key=lambda m: m["label"]),
        }
        view["jsonld"] = script_json({
            "@context": {"@vocab": SCHEMA}, "@id": iri, "@type": "Message", "name": title,
            "dateSent": view["date"], "identifier": symbols,
            "sender": {"@id": sender.value, "name": view["sender"]["label"]} if sender is not None else None,
            "recipient": [{"@id": r.value, "name": self.label(r.value, lang)}
                          for r in sorted(self.values(iri, SCHEMA + "recipient"), key=str)],
        })
        return view

    def resource(self, iri: str, triples: list[ox.Triple], lang: str) -> dict:
        properties = []
        for t in triples:
            if t.subject.value != iri:
                continue
            obj = t.object
            is_iri = isinstance(obj, ox.NamedNode)
            properties.append({
                "predicate": t.predicate.value, "name": t.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                "value": self.label(obj.value, lang) if is_iri else obj.value,
                "href": self.href(obj.value) if is_iri else None,
            })
        label = self.label(iri, lang)
        return {"iri": iri, "label": label, "properties": properties,
                "jsonld": script_json({"@context": {"@vocab": SCHEMA}, "@id": iri, "name": label})}


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
