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
import re
import tomllib
from importlib import resources
from collections.abc import Mapping
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


class Network:
    """The nodes and edges of the documents' entries (key -> manifest entry, read one at a time, in passes:
    a collection of 100,000 documents and their edges is not held, only each node's attributes).

    Nodes: each document's Work (the last document in key order wins where two have one Work), and each
    Work only cited; an edge's target is resolved through the documents' aliases (a cited symbol that is a
    document of the collection is that document's node; when two have that symbol, the first in IRI
    order). `edges()` gives the edges sorted by (source, target, cited form), one Work's at a time."""

    def __init__(self, entries: Mapping[str, dict]):
        self.entries = entries
        self.docs: list[tuple[str, str]] = []  # (work, key) of the documents citing anything, sorted
        self.nodes: dict[str, tuple[str, str, str]] = {}  # IRI -> (symbol, kind, in_collection)
        alias: dict[str, str] = {}
        for key, cites in self._cites(sorted(entries)):
            work = cites["work"]
            if cites["edges"]:
                self.docs.append((work, key))
            self.nodes[work] = ("; ".join(cites["symbols"]), cites["kind"], "true")
            for a in cites["aliases"]:
                if a not in alias or work < alias[a]:
                    alias[a] = work
        self.docs.sort()
        self.alias = alias
        cited: dict[str, tuple[set[str], set[str]]] = {}  # a node only cited -> (its forms cited, kinds)
        for _, cites in self._cites(key for _, key in self.docs):
            for e in cites["edges"]:
                target = alias.get(e["target"], e["target"])
                if target not in self.nodes:  # (the collection's: the cited ones are added below)
                    forms, kinds = cited.setdefault(target, (set(), set()))
                    forms.add(e["cited"])
                    kinds.update(e["kinds"])
        for target, (forms, kinds) in cited.items():
            self.nodes[target] = (min(forms), "; ".join(sorted(kinds)), "false")
        self.nodes = dict(sorted(self.nodes.items()))

    def _cites(self, keys):
        for key in keys:
            cites = self.entries[key].get("cites")
            if cites:
                yield key, cites

    def node(self, iri: str) -> dict[str, str]:
        symbol, kind, inside = self.nodes[iri]
        return {"iri": iri, "symbol": symbol, "kind": kind, "in_collection": inside}

    def edges(self):
        """(source, target, attributes), every value a string as the files write it."""
        group: list[tuple[str, str, dict]] = []
        work = None
        for (source, _), (_, cites) in zip(self.docs, self._cites(key for _, key in self.docs)):
            if source != work:
                yield from sorted(group, key=_edge_order)
                group, work = [], source
            for e in cites["edges"]:
                group.append((source, self.alias.get(e["target"], e["target"]), {
                    "cited_as": e["cited"], "kind": "; ".join(e["kinds"]), "occurrences": str(e["occurrences"]),
                    "parts": "; ".join(e["parts"]), "languages": "; ".join(e["languages"])}))
        yield from sorted(group, key=_edge_order)


def _edge_order(edge: tuple[str, str, dict]) -> tuple[str, str, str]:
    return edge[0], edge[1], edge[2]["cited_as"]


def _text(v: str) -> str:
    """A value as XML character data: escaped, and without the characters XML 1.0 cannot hold."""
    return escape(_XML_ILLEGAL.sub("", v))


class _GraphML:
    """The GraphML document, written to `out` (text) as it goes (a tree of a few hundred thousand elements
    costs four times as long in lxml; the values are escaped here and the tests read the file back with an
    XML parser): `nodes`, then each `edge`, then `close`."""

    def __init__(self, out, attrs: dict):
        self.out = out
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  f'<graphml xmlns="{GRAPHML}" xmlns:xsi="{XSI}" xsi:schemaLocation="{GRAPHML} {GRAPHML_XSD}">\n')
        for scope in ("node", "edge"):
            for a in attrs[scope]:
                out.write(f'  <key id="{scope}_{a["name"]}" for="{scope}" attr.name="{a["name"]}" '
                          f'attr.type="{a["type"]}"/>\n')
        out.write('  <graph id="citations" edgedefault="directed">\n')
        self.node_keys = [(a["name"], f'      <data key="node_{a["name"]}">') for a in attrs["node"]]
        self.edge_keys = [(a["name"], f'      <data key="edge_{a["name"]}">') for a in attrs["edge"]]
        self.count = 0

    def nodes(self, net: Network) -> None:
        for iri in net.nodes:
            values = net.node(iri)
            self.out.write("".join([f"    <node id={quoteattr(iri)}>\n", *(f"{tag}{_text(values[name])}</data>\n"
                                                                       for name, tag in self.node_keys),
                                    "    </node>\n"]))

    def edge(self, source: str, target: str, values: dict) -> None:
        self.count += 1
        self.out.write("".join([f'    <edge id="e{self.count}" source={quoteattr(source)} target={quoteattr(target)}>\n',
                                *(f"{tag}{_text(values[name])}</data>\n" for name, tag in self.edge_keys),
                                "    </edge>\n"]))

    def close(self) -> None:
        self.out.write("  </graph>\n</graphml>\n")


class _EdgeList:
    """The edge list as CSV, written to `out` (text) as it goes: its header, then each `edge`."""

    def __init__(self, out, attrs: dict):
        self.writer = csv.writer(out, lineterminator="\n")
        self.columns = [c["name"] for c in attrs["column"]]
        self.writer.writerow(self.columns)

    def edge(self, net: Network, source: str, target: str, values: dict) -> None:
        to = net.node(target)
        row = {"source": source, "target": target, "source_symbol": net.nodes[source][0],
               "target_symbol": to["symbol"], "target_kind": to["kind"], "target_in_collection": to["in_collection"],
               **values}
        self.writer.writerow([row[c] for c in self.columns])


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


def write_network(folder: Path, entries: Mapping[str, dict], write) -> None:
    """The three files into the build's `folder`: the GraphML and the CSV each a new file (the one there may
    be a hard link the build in use shares) written as they go, the edges read once for both; the codebook
    by `write(path, bytes)`."""
    attrs = spec()
    net = Network(entries)
    paths = [folder / name for name in FILES[:2]]
    for path in paths:
        path.unlink(missing_ok=True)
    with open(paths[0], "x", encoding="utf-8", newline="", buffering=1 << 20) as g, \
            open(paths[1], "x", encoding="utf-8", newline="", buffering=1 << 20) as c:
        graph, rows = _GraphML(g, attrs), _EdgeList(c, attrs)
        graph.nodes(net)
        for source, target, values in net.edges():
            graph.edge(source, target, values)
            rows.edge(net, source, target, values)
        graph.close()
    write(folder / FILES[2], codebook(attrs))
