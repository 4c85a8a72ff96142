"""The page of any resource that is not a letter — a State, a person, an organisation, an agenda item, an
organ or session, an annex, a language version, a Work a letter cites — : its description with readable
property names and labels in the reader's language, and what the letters say of it (backlinks): the letters a
State sent (by the capacity their signatory is given), those a person is named as sending, those addressed
to a post, filed under an agenda item, issued in a session, those that mention it (each mention in its
context: the words around it, as the letter has them) and those that cite it.

Each section is a query with the IRI bound: a count, and the first rows (newest first); the rest are found by
the search page, filtered by the entity. A letter's claims are its author's: the headings say "sent",
"mentions", "names as", never more."""

from __future__ import annotations

import tomllib
from importlib import resources
from urllib.parse import quote

import pyoxigraph as ox

from ..vocab import ALLOT, DOCO, OA, PREFIXES, RDF_TYPE, SCHEMA, SKOS, UNDO, UNKG
from ..vocab import DCTERMS as DCT
from .letter import annex_name, cites, citing
from .pages import OWL_SAME_AS, Pages, script_json

LIMIT = 50  # rows shown per section
FACETED = {"sent", "filed", "session", "organ"}  # the sections the search's facet of the entity gives whole
LETTERS, QUOTES = 20, 5  # letters shown that mention an entity, mentions quoted per letter
HIDDEN = {SKOS + "hiddenLabel"}  # matched, never displayed (declined forms of names)



def _sections() -> tuple:
    """(name, heading, paths) of each section of letters pointing at an entity (``data/backlinks.toml``), the
    paths' predicates as full IRIs."""
    read = tomllib.loads(resources.files("unkg").joinpath("data/backlinks.toml").read_text(encoding="utf-8"))

    def iri(name: str) -> str:
        prefix, local = name.split(":", 1)
        return PREFIXES[prefix] + local

    return tuple((s["name"], s["heading"], tuple(tuple(iri(p) for p in path) for path in s["paths"]))
                 for s in read["section"])


SECTIONS = _sections()


def resource_view(pages: Pages, iri: str, triples: list[ox.Triple], lang: str) -> dict:
    types = {t.object.value for t in triples if t.subject.value == iri and t.predicate.value == RDF_TYPE}
    properties: dict[str, dict] = {}
    for t in triples:
        if t.subject.value != iri or t.predicate.value in HIDDEN:
            continue
        obj = t.object
        row = properties.setdefault(t.predicate.value, {"predicate": pages.term_href(t.predicate.value),
                                                        "name": pages.term(t.predicate.value, lang), "objects": []})
        if isinstance(obj, ox.NamedNode):
            if t.predicate.value == RDF_TYPE:
                row["objects"].append({"value": pages.term(obj.value, lang), "href": pages.term_href(obj.value)})
            else:
                row["objects"].append({"value": pages.label(obj.value, lang), "href": pages.href(obj.value)})
        else:
            row["objects"].append({"value": obj.value, "lang": getattr(obj, "language", None) or ""})
    label = pages.label(iri, lang)
    view = {"iri": iri, "label": label, "properties": sorted(properties.values(), key=lambda p: p["name"].lower()),
            "types": sorted(pages.term(t, lang) for t in types), "part_of": None}
    if DOCO + "Appendix" in types:  # an annex: its own title, else "Annex I to <the letter's title>"
        letter = pages.one(iri, DCT + "isPartOf")
        if letter is not None:
            name = annex_name(pages, iri)
            view["part_of"] = {"prefix": f"{name} to", **pages.letter_row(letter.value, lang)}
            title = pages.text_in(iri, DCT + "title", lang)
            view["label"] = label = title if title is not None else f"{name} to {view['part_of']['title']}"
    elif UNDO + "DocumentVersion" in types:
        letter = pages.letter_of(iri)
        if letter is not None:
            view["part_of"] = {"prefix": "Language version of", **pages.letter_row(letter, lang)}
    view["sections"] = sections(pages, iri, lang)
    view["mentioned"] = mentioned(pages, iri, lang)
    names = [iri]
    view["same_as"] = []
    for s in pages.subjects(OWL_SAME_AS, iri):  # a letter of the collection this IRI is another name of
        if isinstance(s, ox.NamedNode) and pages.is_letter(s.value):
            view["same_as"].append(pages.letter_row(s.value, lang))
            names.append(s.value)
    view["cited_by"] = citing(pages, names, lang)
    view["cites"] = cites(pages, [iri], lang)
    facet = search_link(pages, iri)
    for section in view["sections"]:
        section["search"] = facet if section["name"] in FACETED else None
    view["mentioned"]["search"] = "/?q=" + quote(label, safe="")
    view["jsonld"] = script_json({"@context": {"@vocab": SCHEMA}, "@id": iri, "name": label})
    return view


def sections(pages: Pages, iri: str, lang: str) -> list[dict]:
    """The sections of letters that point at `iri`, each with its count and newest rows (empty ones left out).
    Read by pattern lookups from the entity back (Oxigraph's plans for these joins over the union of the graphs
    can take a minute on a large build; the lookups take milliseconds)."""
    out = []
    for name, heading, paths in SECTIONS:
        found = set().union(*(pages.walk(iri, path) for path in paths))
        listed = pages.newest(found, lang, LIMIT)
        if listed["count"]:
            out.append({"name": name, "heading": heading, **listed})
    return out


def mentioned(pages: Pages, iri: str, lang: str) -> dict:
    """The letters that mention `iri` (a part of theirs ``allot:mentions`` it): a count, and the newest
    `LETTERS` with up to `QUOTES` of their mentions each, in the words around it as the letter has them (its
    annotations whose body `iri` is, read part by part: no query runs over every annotation of the store)."""
    parts = pages.walk(iri, (ALLOT + "mentions",))
    listed = pages.newest({letter for part in parts if (letter := pages.letter_of(part))}, lang, LETTERS)
    body = ox.NamedNode(iri)
    letters = []
    for row in listed["rows"]:
        letter = row["iri"]
        parts = [p.value for p in pages.values(letter, ALLOT + "hasRealization")]
        parts += sorted(p.value for p in pages.values(letter, DCT + "hasPart"))
        quotes = []
        for part in parts:
            if not any(True for _ in pages.store.quads_for_pattern(ox.NamedNode(part), ox.NamedNode(ALLOT + "mentions"),
                                                                   body)):
                continue
            where_in = annex_name(pages, part) if DOCO + "Appendix" in pages.types(part) else ""
            found = []
            for ann in {a for a in pages.subjects(OA + "hasTarget", part) if isinstance(a, ox.NamedNode)}:
                if not any(True for _ in pages.store.quads_for_pattern(ann, ox.NamedNode(OA + "hasBody"), body)):
                    continue
                exact, prefix, suffix, start = (pages.one(ann.value, UNKG + p) for p in ("exact", "prefix", "suffix",
                                                                                          "start"))
                found.append((int(start.value) if start is not None else 0, {
                    "prefix": prefix.value if prefix else "", "exact": exact.value if exact else "",
                    "suffix": suffix.value if suffix else "", "lang": exact.language if exact else "",
                    "part": where_in}))
            quotes += [q for _, q in sorted(found, key=lambda x: x[0])]
        letters.append({**row, "quotes": quotes[:QUOTES], "more": len(quotes) > QUOTES, "mentions": len(quotes)})
    return {"count": listed["count"], "letters": letters}


def search_link(pages: Pages, iri: str) -> str | None:
    """The search on ``/`` filtered by the entity, where a facet has it (``data/search.toml``: a value's key is
    its IRI without ``{base}/id/`` and the facet's name), else None."""
    ours = pages.base + "/id/"
    for facet in ("state", "agenda", "session", "organ"):
        if iri.startswith(f"{ours}{facet}/"):
            return f"/?{facet}=" + quote(iri[len(f"{ours}{facet}/"):], safe="/")
    return None
