"""The letter's page: what the letter says of itself (title, date, symbols, sender and the capacity the letter
gives, recipients, organs and agenda items, language versions by language name, annexes, mentions), the text
of one version (paragraphs and annexes, the names the graph annotates linked to their pages), what it cites
and what cites it (``dcterms:references``), the downloads of its sources and of every format the build
wrote, and its validation report (the shapes' results and the reader's warnings)."""

from __future__ import annotations

from urllib.parse import quote

import orjson
import pyoxigraph as ox

from ..vocab import ALLOT, OA, PROV, SCHEMA, SH, SKOS, UNKG
from ..vocab import DCTERMS as DCT
from .pages import OWL_SAME_AS, Pages, script_json

LIMIT = 100  # rows of "cited by" shown; the count says how many there are


def letter_view(pages: Pages, iri: str, lang: str, text_lang: str | None = None) -> dict:
    link = lambda node: pages.link(node.value, lang)  # noqa: E731
    versions = []
    for v in sorted(pages.values(iri, ALLOT + "hasRealization"), key=str):
        title = pages.one(v.value, DCT + "title")
        language = pages.one(v.value, DCT + "language")
        code = pages.one(language.value, SKOS + "notation").value if language is not None else ""
        versions.append({"href": pages.href(v.value), "iri": v.value, "title": title.value if title else v.value,
                         "lang": code, "language": pages.label(language.value, lang) if language is not None else code})
    attribution = pages.one(iri, PROV + "qualifiedAttribution")
    role = pages.one(attribution.value, PROV + "hadRole") if attribution is not None else None
    rank = pages.one(attribution.value, UNKG + "rank") if attribution is not None else None
    sender = pages.one(iri, SCHEMA + "sender")
    organs = []
    own = versions[0]["iri"] + "/graph" if versions else None  # a graph of this letter's: sessions are described
    for session in sorted(pages.values(iri, UNKG + "documentOf"), key=str):  # in every document's
        organ = pages.one(session.value, UNKG + "organ", own)
        n = pages.one(session.value, UNKG + "sessionNumber", own) or pages.one(session.value, UNKG + "year", own)
        organs.append({"href": pages.href(organ.value), "label": f"{pages.label(organ.value, lang)} ({n.value})"})
    agenda = []
    for entry in pages.values(iri, UNKG + "agendaEntry"):
        item = pages.one(entry.value, UNKG + "agendaItem")
        position = pages.one(entry.value, SCHEMA + "position")
        if item is not None:
            agenda.append((int(position.value) if position else 0, {
                "href": pages.href(item.value), "number": pages.one(item.value, SKOS + "notation").value,
                "label": pages.label(item.value, lang)}))
    annexes = []
    for annex in pages.values(iri, DCT + "hasPart"):
        position = pages.one(annex.value, SCHEMA + "position")
        author = pages.one(annex.value, DCT + "creator")
        date = pages.one(annex.value, DCT + "date")
        title = pages.text_in(annex.value, DCT + "title", lang)
        annexes.append((int(position.value) if position else 0, {
            "href": pages.href(annex.value), "iri": annex.value, "label": annex_name(pages, annex.value),
            "title": title or "", "date": date.value if date else "",
            "author": pages.label(author.value, lang) if author else ""}))
    annexes = [a for _, a in sorted(annexes, key=lambda x: x[0])]
    parts = [v["iri"] for v in versions] + [a["iri"] for a in annexes]
    mentioned = {o.value for part in parts for o in pages.values(part, ALLOT + "mentions")}
    symbols = sorted(str(s.value) for s in pages.values(iri, DCT + "identifier"))
    date = pages.one(iri, SCHEMA + "dateSent")
    title = pages.letter_title(iri, lang)
    view = {
        "iri": iri, "title": title, "date": date.value if date else "",
        "symbols": [{"symbol": s, "href": f"https://undocs.org/{lang}/{s}"} for s in symbols],
        "sender": link(sender) if sender is not None else None,
        "capacity": pages.label(role.value, lang) if role is not None else "",
        "rank": pages.label(rank.value, lang) if rank is not None else "",
        "recipients": [link(r) for r in sorted(pages.values(iri, SCHEMA + "recipient"), key=str)],
        "organs": organs, "agenda": [a for _, a in sorted(agenda, key=lambda x: x[0])],
        "versions": versions, "annexes": annexes,
        "mentions": sorted(({"href": pages.href(m), "label": pages.label(m, lang)} for m in mentioned),
                           key=lambda m: m["label"]),
        "cites": cites(pages, parts, lang), "cited_by": cited_by(pages, iri, lang),
    }
    key = next(filter(None, (pages.files.key_of_graph(v["iri"] + "/graph") for v in versions)), None)
    chosen = choose_version(versions, text_lang or lang, pages.one(iri, UNKG + "originalLanguage"))
    view["text"] = text(pages, key, chosen, lang) if chosen else None
    view["text_versions"] = [{"lang": v["lang"], "language": v["language"], "chosen": v is chosen} for v in versions]
    names = {v["lang"]: v["language"] for v in versions}
    view["downloads"] = pages.files.of(key, names)["files"] if key else []
    view["reports"] = [report(pages, key, v, lang) for v in versions] if key else []
    view["jsonld"] = script_json({
        "@context": {"@vocab": SCHEMA}, "@id": iri, "@type": "Message", "name": title,
        "dateSent": view["date"], "identifier": symbols,
        "sender": {"@id": sender.value, "name": view["sender"]["label"]} if sender is not None else None,
        "recipient": [{"@id": r.value, "name": pages.label(r.value, lang)}
                      for r in sorted(pages.values(iri, SCHEMA + "recipient"), key=str)],
    })
    return view


def annex_name(pages: Pages, annex: str) -> str:
    label = pages.one(annex, UNKG + "annexLabel")
    return f"Annex {label.value}".strip() if label is not None else "Annex"


def choose_version(versions: list[dict], lang: str, original) -> dict | None:
    """The version whose text the page shows: the reader's language, else the original's, else the first."""
    for want in (lang, _code(original)):
        for v in versions:
            if v["lang"] == want:
                return v
    return versions[0] if versions else None


def _code(original) -> str | None:
    if original is None:
        return None
    return original.value.rsplit("/", 1)[-1].lower()[:2] if isinstance(original, ox.NamedNode) else original.value


def text(pages: Pages, key: str | None, version: dict, lang: str) -> dict | None:
    """The text of `version` as the build wrote it for the page (``text/{key}.{lang}.json``), each run a
    string, or a mention or citation linked to what its annotation names or cites (unresolved: not linked)."""
    found = pages.files.build_file(f"text/{key}.{version['lang']}.json") if key else None
    if found is None:
        return None
    data = orjson.loads(found[0].read_bytes())

    def paragraph(runs: list) -> list[dict]:
        out = []
        for run in runs:
            if isinstance(run, str):
                out.append({"text": run})
                continue
            value, name = run
            kind = "citation" if str(name).startswith("citation_") else "mention"
            annotation = f"{version['iri']}#{name}" if kind == "citation" else f"{version['iri']}#mention_{_n(name)}"
            body = pages.one(annotation, OA + "hasBody")
            out.append({"text": value, "mention": True, "kind": kind, "annotation": pages.href(annotation),
                        "href": pages.href(body.value) if body is not None else None,
                        "label": pages.label(body.value, lang) if body is not None else ""})
        return out

    return {"lang": version["lang"], "language": version["language"],
            "paragraphs": [paragraph(p) for p in data.get("paragraphs", [])],
            "annexes": [{"label": a.get("label") or "", "heading": a.get("heading") or "", "title": a.get("title") or "",
                         "paragraphs": [paragraph(p) for p in a.get("paragraphs", [])],
                         "closing": list(a.get("closing", []))} for a in data.get("annexes", [])]}


def _n(name) -> int:
    """The number of a mention's annotation: ``mention_N`` (a build's text files), or N (earlier builds')."""
    return int(str(name).rsplit("_", 1)[-1])


def cites(pages: Pages, parts: list[str], lang: str) -> list[dict]:
    """What the letter's versions and annexes cite (``dcterms:references``), each once, by label; a Work that is
    another name of a letter of the collection (``owl:sameAs``) is that letter."""
    cited = {o.value for part in parts for o in pages.values(part, DCT + "references") if isinstance(o, ox.NamedNode)}
    out = {}
    for c in cited:
        letters = [s.value for s in pages.subjects(OWL_SAME_AS, c) if isinstance(s, ox.NamedNode)
                   and pages.is_letter(s.value)]
        if letters:  # a letter of the collection, cited by the Work its symbol names: the letter itself
            row = pages.letter_row(letters[0], lang)
            out[row["iri"]] = {"href": row["href"], "label": row["title"], "iri": row["iri"], "date": row["date"]}
        else:
            out[c] = pages.link(c, lang)
    return sorted(out.values(), key=lambda c: (c["label"], c["iri"]))


def cited_by(pages: Pages, iri: str, lang: str) -> dict:
    """The letters whose versions or annexes cite this one, by its IRI or by one of its aliases
    (``owl:sameAs``: the Work its symbol names, its local IRI)."""
    names = [iri, *(o.value for o in pages.values(iri, OWL_SAME_AS) if isinstance(o, ox.NamedNode))]
    return citing(pages, names, lang)


def citing(pages: Pages, names: list[str], lang: str) -> dict:
    """The letters whose versions or annexes cite any of `names` (``dcterms:references``): a count and the
    first `LIMIT`, newest first (read by pattern lookups from the cited IRIs back)."""
    parts = set().union(*(pages.walk(n, (DCT + "references",)) for n in names))
    letters = {letter for part in parts if (letter := pages.letter_of(part)) and letter not in names}
    return pages.newest(letters, lang, LIMIT)


def report(pages: Pages, key: str, version: dict, lang: str) -> dict:
    """A version's validation report: the shapes' results (``reports/{key}.{lang}.ttl``) with their message in
    the reader's language (else English) and what they are about, and the reader's warnings (its facts card)."""
    results = []
    found = pages.files.build_file(f"reports/{key}.{version['lang']}.ttl")
    if found is not None:
        graph = list(ox.parse(path=str(found[0]), format=ox.RdfFormat.TURTLE))
        by_subject: dict = {}
        for t in graph:
            by_subject.setdefault(t.subject, []).append(t)
        for subject, triples in by_subject.items():
            values = {}
            messages = {}
            for t in triples:
                if t.predicate.value == SH + "resultMessage":
                    messages[t.object.language or "en"] = t.object.value
                else:
                    values.setdefault(t.predicate.value, t.object)
            severity = values.get(SH + "resultSeverity")
            if severity is None:
                continue
            focus = values.get(SH + "focusNode")
            path = values.get(SH + "resultPath")
            about = ""
            if isinstance(focus, ox.NamedNode):
                exact = pages.one(focus.value, UNKG + "exact")
                about = f"“{exact.value}”" if exact is not None else pages.label(focus.value, lang)
            results.append({"severity": severity.value.rsplit("#", 1)[-1],
                            "message": messages.get(lang) or messages.get("en") or next(iter(messages.values()), ""),
                            "about": about, "focus": pages.href(focus.value) if isinstance(focus, ox.NamedNode) else "",
                            "path": pages.term(path.value, lang) if isinstance(path, ox.NamedNode) else ""})
    results.sort(key=lambda r: (r["severity"] != "Violation", r["severity"], r["message"], r["about"]))
    warnings = []
    facts = pages.files.build_file(f"facts/{key}.{version['lang']}.json")
    if facts is not None:
        warnings = [str(w) for w in orjson.loads(facts[0].read_bytes()).get("warnings", [])]
    return {"lang": version["lang"], "language": version["language"], "results": results, "warnings": warnings,
            "violations": sum(r["severity"] == "Violation" for r in results),
            "href": "/files/" + quote(f"reports/{key}.{version['lang']}.txt")}
