"""The facts card (FACTS.md): the parts of a document a reader or cataloguer would write down, as
plain JSON values. Canonical English values come from the authority data the parser resolved."""

from __future__ import annotations

from typing import Any

import orjson

from .model import Agent, Document


def card(doc: Document) -> dict[str, Any]:
    """The facts card of a document, in the key order of FACTS.md."""
    organs = []
    for o in doc.organs:
        entry: dict[str, Any] = {"organ": o.organ.value.label}
        if o.session is not None:
            entry["session"] = o.session.value
        if o.year is not None:
            entry["year"] = o.year.value
        if o.agenda_items:
            entry["agenda_items"] = [
                {"number": a.number.value, "title": a.title.value if a.title else None}
                for a in o.agenda_items
            ]
        organs.append(entry)
    circulate = []
    if doc.circulation is not None:
        for t in doc.circulation.targets:
            target: dict[str, Any] = {"organ": t.organ.value.label}
            if t.agenda_items:
                target["agenda_items"] = [n.value for n in t.agenda_items]
            circulate.append(target)
    return {
        "language": doc.language.value,
        "kind": doc.kind.value if doc.kind else None,
        "symbols": [s.value for s in doc.symbols],
        "issued": doc.issued.value.isoformat() if doc.issued else None,
        "original_language": doc.original_language.value if doc.original_language else None,
        "date": doc.date.value.isoformat() if doc.date else None,
        "title": doc.title.value if doc.title else None,
        "organs": organs,
        "sender": _sender(doc.sender),
        "recipients": [r.value.label for r in doc.recipients],
        "circulate_as": circulate,
        "annexes": [
            {
                "label": a.label.value,
                "title": a.title.value if a.title else None,
                "author": (a.author.person.label if a.author.person else a.author.label) if a.author else None,
                "date": a.date.value.isoformat() if a.date else None,
                "place": a.place.value.label if a.place else None,
            }
            for a in doc.annexes
        ],
        "cites": cites(doc),
        **_ocr(doc),
        "warnings": [w.message for w in doc.warnings],
    }


def cites(doc: Document) -> list[str]:
    """The documents and provisions the body and annexes cite, canonical, in order of first citation, once each;
    citations the text does not make certain (no symbol) are left out (a warning names them)."""
    return list(dict.fromkeys(c.symbol for c in doc.citations if c.symbol is not None))


def _ocr(doc: Document) -> dict[str, Any]:
    """``"ocr"``, only on the card of a document whose text was (partly) read by OCR: the engine, the
    language packs and the pages."""
    ocr = doc.source.ocr
    if ocr is None:
        return {}
    return {"ocr": {"engine": ocr.engine, "languages": list(ocr.languages), "pages": list(ocr.pages)}}


def _sender(agent: Agent | None) -> dict[str, Any] | None:
    if agent is None:
        return None
    return {
        "name": agent.name.value if agent.name else None,
        "function": agent.function.value.label if agent.function else None,
        "state": agent.state.value.label if agent.state else None,
        "rank": agent.rank.value.label if agent.rank else None,
        "signed": agent.signed.value if agent.signed else False,
    }


def dumps(data: dict[str, Any]) -> str:
    """Deterministic JSON: FACTS.md key order, two-space indent, UTF-8 characters kept (orjson writes what
    ``json.dumps(data, ensure_ascii=False, indent=2)`` writes, four times faster)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
