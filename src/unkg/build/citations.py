"""The citation network of a build, for network tools: ``citations.graphml`` (GraphML), ``citations.csv`` (its
edge list) and ``citations-codebook.md`` (what each attribute and column means), their attributes and columns
read from ``data/citation-network.toml``.

Written at the end of every build from the documents' manifest entries (``cites``, made by
`mapping_citations.network_entry` as each document is processed): a document reused from the previous build
keeps its entry, so an incremental build writes the same bytes as a build from nothing. Nodes and edges are
sorted, so the same collection gives the same files. A cited symbol that is a document of the collection (one
of its symbols' Work IRIs, its aliases) is that document's node; when two documents of the collection have
that symbol, the first in IRI order.
"""

from __future__ import annotations

import csv
import io
import tomllib
from importlib import resources
from pathlib import Path

from lxml import etree

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FILES = ("citations.graphml", "citations.csv", "citations-codebook.md")  # what the build writes here


def spec() -> dict:
    """The network's attributes and columns (``data/citation-network.toml``)."""
    text = resources.files("unkg").joinpath("data/citation-network.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def network(entries: dict[str, dict]) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """The nodes (IRI -> attributes) and edges (source, target, attributes) of the documents' entries."""
    docs = sorted((e["cites"] for e in entries.values() if e.get("cites")), key=lambda d: d["work"])
    nodes: dict[str, dict] = {}
    alias: dict[str, str] = {}
    for d in docs:
        nodes[d["work"]] = {"iri": d["work"], "symbol": "; ".join(d["symbols"]), "kind": d["kind"],
                            "in_collection": True}
        for a in d["aliases"]:
            alias.setdefault(a, d["work"])
    cited: dict[str, tuple[set[str], set[str]]] = {}  # a node only cited -> (its forms cited, kinds)
    edges = []
    for d in docs:
        for e in d["edges"]:
            target = alias.get(e["target"], e["target"])
            if target not in nodes:
                forms, kinds = cited.setdefault(target, (set(), set()))
                forms.add(e["cited"])
                kinds.update(e["kinds"])
            edges.append((d["work"], target, {
                "cited_as": e["cited"], "kind": "; ".join(e["kinds"]), "occurrences": e["occurrences"],
                "parts": "; ".join(e["parts"]), "languages": "; ".join(e["languages"])}))
    for target, (forms, kinds) in cited.items():
        nodes[target] = {"iri": target, "symbol": min(forms), "kind": "; ".join(sorted(kinds)),
                         "in_collection": False}
    edges.sort(key=lambda x: (x[0], x[1], x[2]["cited_as"]))
    return dict(sorted(nodes.items())), edges


def _value(v) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def graphml(nodes: dict[str, dict], edges: list[tuple[str, str, dict]], attrs: dict) -> bytes:
    root = etree.Element(f"{{{GRAPHML}}}graphml", nsmap={None: GRAPHML, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{GRAPHML} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd")
    for scope in ("node", "edge"):
        for a in attrs[scope]:
            etree.SubElement(root, f"{{{GRAPHML}}}key", {"id": f"{scope}_{a['name']}", "for": scope,
                                                       "attr.name": a["name"], "attr.type": a["type"]})
    graph = etree.SubElement(root, f"{{{GRAPHML}}}graph", {"id": "citations", "edgedefault": "directed"})
    for iri, values in nodes.items():
        node = etree.SubElement(graph, f"{{{GRAPHML}}}node", {"id": iri})
        for a in attrs["node"]:
            etree.SubElement(node, f"{{{GRAPHML}}}data", {"key": f"node_{a['name']}"}).text = _value(values[a["name"]])
    for i, (source, target, values) in enumerate(edges, 1):
        edge = etree.SubElement(graph, f"{{{GRAPHML}}}edge", {"id": f"e{i}", "source": source, "target": target})
        for a in attrs["edge"]:
            etree.SubElement(edge, f"{{{GRAPHML}}}data", {"key": f"edge_{a['name']}"}).text = _value(values[a["name"]])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def edge_list(nodes: dict[str, dict], edges: list[tuple[str, str, dict]], attrs: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [c["name"] for c in attrs["column"]]
    writer.writerow(columns)
    for source, target, values in edges:
        row = {"source": source, "target": target, "source_symbol": nodes[source]["symbol"],
               "target_symbol": nodes[target]["symbol"], "target_kind": nodes[target]["kind"],
               "target_in_collection": nodes[target]["in_collection"], **values}
        writer.writerow([_value(row[c]) for c in columns])
    return out.getvalue().encode("utf-8")


def codebook(attrs: dict) -> bytes:
    def table(rows: list[dict], typed: bool) -> list[str]:
        head = ["| name | type | meaning |", "|---|---|---|"] if typed else ["| column | meaning |", "|---|---|"]
        return head + [f"| `{r['name']}` | {r['type']} | {r['meaning']} |" if typed
                       else f"| `{r['name']}` | {r['meaning']} |" for r in rows]

    lines = [f"# {attrs['title']}", "", " ".join(attrs["intro"].split()), "",
             "## `citations.graphml`: nodes (the node's id is its `iri`)", "", *table(attrs["node"], True), "",
             "## `citations.graphml`: edges (from the citing document to what it cites)", "",
             *table(attrs["edge"], True), "",
             "## `citations.csv`: the edge list, one row per edge (UTF-8, comma-separated, a header row)", "",
             *table(attrs["column"], False), ""]
    return "\n".join(lines).encode("utf-8")


def write_network(folder: Path, entries: dict[str, dict], write) -> None:
    """The three files into the build's `folder`, by `write(path, bytes)`."""
    attrs = spec()
    nodes, edges = network(entries)
    write(folder / "citations.graphml", graphml(nodes, edges, attrs))
    write(folder / "citations.csv", edge_list(nodes, edges, attrs))
    write(folder / "citations-codebook.md", codebook(attrs))
