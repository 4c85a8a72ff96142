"""The facts card rebuilt from the published graph alone, by the queries in ``queries/facts-*.rq``: the
proof that the graph carries everything the parser understood."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .vocab import UNDO

PARTS = ("document", "symbols", "organs", "agenda", "sender", "recipients", "circulation", "annexes", "cites")


def load_queries(folder: Path) -> dict[str, str]:
    return {name: (folder / f"facts-{name}.rq").read_text(encoding="utf-8") for name in PARTS}


def versions(graph: Graph) -> list[URIRef]:
    """The language versions (Expressions) in a graph."""
    return sorted(s for s in graph.subjects(RDF.type, UNDO.DocumentVersion) if isinstance(s, URIRef))


def _rows(graph: Graph, query: str, expr: URIRef) -> list[dict[str, Any]]:
    result = graph.query(query, initBindings={"expr": expr})
    return [
        {str(var): (row[var].toPython() if row[var] is not None else None) for var in result.vars}
        for row in result
    ]


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else None)


def card_from_graph(graph: Graph, expr: URIRef, queries: dict[str, str]) -> dict[str, Any]:
    """The facts card of the language version `expr` (without warnings: the graph does not keep them)."""
    doc = (_rows(graph, queries["document"], expr) or [{}])[0]
    agenda: dict[str, list[dict]] = {}
    for row in _rows(graph, queries["agenda"], expr):
        agenda.setdefault(str(row["organ"]), []).append({"number": row["number"], "title": row["title"]})
    organs = []
    for row in _rows(graph, queries["organs"], expr):
        entry: dict[str, Any] = {"organ": row["organ_label"]}
        if row["session"] is not None:
            entry["session"] = int(row["session"])
        if row["year"] is not None:
            entry["year"] = int(str(row["year"])[:4])
        if agenda.get(str(row["organ"])):
            entry["agenda_items"] = agenda[str(row["organ"])]
        organs.append(entry)
    senders = _rows(graph, queries["sender"], expr)
    sender = None
    if senders:
        s = senders[0]
        sender = {"name": s["name"], "function": s["function"], "state": s["state"], "rank": s["rank"],
                  "signed": bool(s["signed"])}
    circulation: list[dict[str, Any]] = []
    for row in _rows(graph, queries["circulation"], expr):
        if not circulation or circulation[-1]["_position"] != row["position"]:
            circulation.append({"_position": row["position"], "organ": row["organ"]})
        if row["number"] is not None:
            circulation[-1].setdefault("agenda_items", []).append(row["number"])
    for c in circulation:
        del c["_position"]
    return {
        "language": doc.get("language"),
        "kind": doc.get("kind"),
        "symbols": [r["symbol"] for r in _rows(graph, queries["symbols"], expr)],
        "issued": _iso(doc.get("issued")),
        "original_language": doc.get("original_language"),
        "date": _iso(doc.get("date")),
        "title": doc.get("title"),
        "organs": organs,
        "sender": sender,
        "recipients": [r["recipient"] for r in _rows(graph, queries["recipients"], expr)],
        "circulate_as": circulation,
        "annexes": [
            {"label": r["label"], "title": r["title"], "author": r["author"], "date": _iso(r["date"]),
             "place": r["place"]}
            for r in _rows(graph, queries["annexes"], expr)
        ],
        "cites": list(dict.fromkeys(r["symbol"] for r in _rows(graph, queries["cites"], expr))),
    }
