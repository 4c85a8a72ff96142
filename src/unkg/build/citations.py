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
import re
import tomllib
from importlib import resources
from pathlib import Path

from xml.sax.saxutils import escape, quoteattr

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
GRAPHML_XSD = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FILES = ("citations.graphml", "citations.csv", "citations-codebook.md")  # what the build writes here


def spec() -> dict:
    """The network's attributes and columns (``data/citation-network.toml``)."""
    text = resources.files("unkg").joinpath("data/citation-network.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def network(entries: dict[str, dict]) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """The nodes (IRI -> attributes) and edges (source, target, attributes) of the documents' entries, every
    value a string as the files write it."""
    docs = sorted((e["cites"] for e in entries.values() if e.get("cites")), key=lambda d: d["work"])
    nodes: dict[str, dict] = {}
    alias: dict[str, str] = {}
    for d in docs:
        nodes[d["work"]] = {"iri": d["work"], "symbol": "; ".join(d["symbols"]), "kind": d["kind"],
                            "in_collection": "true"}
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
                "cited_as": e["cited"], "kind": "; ".join(e["kinds"]), "occurrences": str(e["occurrences"]),
                "parts": "; ".join(e["parts"]), "languages": "; ".join(e["languages"])}))
    for target, (forms, kinds) in cited.items():
        nodes[target] = {"iri": target, "symbol": min(forms), "kind": "; ".join(sorted(kinds)),
                         "in_collection": "false"}
    edges.sort(key=lambda x: (x[0], x[1], x[2]["cited_as"]))
    return dict(sorted(nodes.items())), edges


def _text(v: str) -> str:
    """A value as XML character data: escaped, and without the characters XML 1.0 cannot hold."""
    return escape(_XML_ILLEGAL.sub("", v))


def graphml(nodes: dict[str, dict], edges: list[tuple[str, str, dict]], attrs: dict) -> bytes:
    """The GraphML document, written as text (a tree of a few hundred thousand elements costs four times
    as long in lxml; the values are escaped here and the tests read the file back with an XML parser)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<graphml xmlns="{GRAPHML}" xmlns:xsi="{XSI}" xsi:schemaLocation="{GRAPHML} {GRAPHML_XSD}">\n']
    for scope in ("node", "edge"):
        for a in attrs[scope]:
            out.append(f'  <key id="{scope}_{a["name"]}" for="{scope}" attr.name="{a["name"]}" '
                       f'attr.type="{a["type"]}"/>\n')
    out.append('  <graph id="citations" edgedefault="directed">\n')
    node_keys = [(a["name"], f'      <data key="node_{a["name"]}">') for a in attrs["node"]]
    edge_keys = [(a["name"], f'      <data key="edge_{a["name"]}">') for a in attrs["edge"]]
    for iri, values in nodes.items():
        out.append(f"    <node id={quoteattr(iri)}>\n")
        out.extend(f"{tag}{_text(values[name])}</data>\n" for name, tag in node_keys)
        out.append("    </node>\n")
    for i, (source, target, values) in enumerate(edges, 1):
        out.append(f'    <edge id="e{i}" source={quoteattr(source)} target={quoteattr(target)}>\n')
        out.extend(f"{tag}{_text(values[name])}</data>\n" for name, tag in edge_keys)
        out.append("    </edge>\n")
    out.append("  </graph>\n</graphml>\n")
    return "".join(out).encode("utf-8")


def edge_list(nodes: dict[str, dict], edges: list[tuple[str, str, dict]], attrs: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [c["name"] for c in attrs["column"]]
    writer.writerow(columns)
    for source, target, values in edges:
        to = nodes[target]
        row = {"source": source, "target": target, "source_symbol": nodes[source]["symbol"],
               "target_symbol": to["symbol"], "target_kind": to["kind"], "target_in_collection": to["in_collection"],
               **values}
        writer.writerow([row[c] for c in columns])
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
    for name, data in zip(FILES, (graphml(nodes, edges, attrs), edge_list(nodes, edges, attrs), codebook(attrs))):
        write(folder / name, data)
