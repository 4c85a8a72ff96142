"""``unkg push URL``: make a store server hold exactly the build's graphs of the project.

It compares the server with the build graph by graph, then changes only what differs: the project's graphs
the build no longer has are removed, graphs whose content changed are replaced, new graphs are loaded, the
rest is left alone. Pushing twice sends nothing the second time. Graphs outside the project's base are never
changed: a server can hold other data.

Two protocols:

- ``oxigraph``: an Oxigraph server (``URL`` its ``/store`` or its root). Its store is compared with
  ``dataset.nq`` line by line (``compare``), unless it holds none of the project's graphs. Graphs go in bulk: N-Quads
  ``POST``ed to ``/store?no_transaction`` (its bulk loader) in batches; the graphs to remove or replace
  are dropped first by SPARQL Update (``DROP SILENT GRAPH``, many per request). When every graph is to be
  loaded, ``dataset.nq`` itself is sent, in slices.
- ``gsp``: any SPARQL 1.1 Graph Store HTTP Protocol endpoint: one ``PUT`` per graph to load or replace (the
  server replaces the graph whole), one ``DELETE`` per graph to remove. Finding what changed and what is gone
  needs the server's SPARQL query endpoint (``query_url``), asked for each graph's digest (``digest``);
  without it every graph is put and graphs of removed documents stay (the report says so).

``auto`` asks the endpoint which server it is (its ``Server`` header) and takes ``oxigraph`` for Oxigraph,
``gsp`` otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from . import open_store
from .compare import differing_graphs
from .digest import digest_query, graphs_query, read_rows, store_digests
from .remote import Remote, oxigraph_root

PROTOCOLS = ("auto", "oxigraph", "gsp")
DROPS_PER_UPDATE = 500  # DROP GRAPH operations in one SPARQL Update request
SLICE_BYTES = 16 << 20  # dataset.nq is sent in slices of about this size, cut at line ends


@dataclass
class PushReport:
    protocol: str
    graphs: int = 0  # the build's graphs
    quads: int = 0  # the build's quads
    loaded: int = 0  # graphs the server did not have
    replaced: int = 0  # graphs whose content differed
    removed: int = 0  # graphs of the project the build no longer has
    unchanged: int = 0
    sent: int = 0  # quads sent
    unchecked: bool = False  # gsp without a query endpoint: nothing compared, nothing removed
    removed_graphs: list[str] = field(default_factory=list)


@dataclass
class Plan:
    load: list[str]  # graphs to send (new and changed)
    drop: list[str]  # graphs to remove first (changed and gone, for oxigraph; gone, for gsp)
    new: int
    changed: int
    gone: list[str]
    unchanged: int
    quads: int  # quads to send


def plan(graphs: list[str], on_server: set[str], differing: set[str], quads: Callable[[list[str]], int]) -> Plan:
    """What to do to make the server's project graphs (`on_server`) equal the build's (`graphs`), given
    the graphs whose content differs; `quads` counts the build's quads in some graphs."""
    new = [g for g in graphs if g not in on_server]
    changed = [g for g in graphs if g in on_server and g in differing]
    gone = sorted(on_server - set(graphs))
    load = sorted(new + changed)
    return Plan(load, sorted(changed + gone), len(new), len(changed), gone, len(graphs) - len(load), quads(load))


def push(build_dir: Path, url: str, base: str, protocol: str = "auto", query_url: str | None = None,
         env: dict[str, str] | None = None, retries: int = 4, timeout: float = 600.0, batch: int = 100_000,
         progress: Callable[[int], None] | None = None, on_plan: Callable[[Plan], None] | None = None,
         backoff: float = 0.5) -> PushReport:
    """Push the build in `build_dir` to the server at `url` (see the module's description)."""
    import os

    if protocol not in PROTOCOLS:
        raise InputError("--protocol", f"{protocol!r} is not one of {', '.join(PROTOCOLS)}")
    build_dir = build_dir.resolve()  # one build throughout, even if a new one is switched in meanwhile
    dataset = build_dir / "dataset.nq"
    if not dataset.is_file():
        raise InputError(str(dataset), "no dataset: run `unkg build` first")
    store = open_store(build_dir / "store")
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    prefix = base.rstrip("/") + "/"
    outside = [f"<{g}>" for g in graphs if not g.startswith(prefix)]
    outside += ["the default graph"] * any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if outside:
        raise InputError(str(dataset), f"has triples in {outside[0]}, outside the project's base {prefix}: the "
                         "push keeps the server equal to the build only for graphs under the base")
    total = len(store)

    def quads(load: list[str]) -> int:
        if len(load) == len(graphs):
            return total
        return sum(sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g))) for g in load)

    remote = Remote(url, dict(os.environ) if env is None else env, retries=retries, timeout=timeout,
                    backoff=backoff)
    try:
        kind = protocol
        if kind == "auto":
            kind = "oxigraph" if remote.server_name().lower().startswith("oxigraph") else "gsp"
        report = PushReport(kind, graphs=len(graphs), quads=total)
        if kind == "oxigraph":
            root = oxigraph_root(url)
            rows = remote.select(query_url or f"{root}/query", graphs_query(base), "listing the project's graphs")
            on_server = {row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode)}
            # a server without the project's graphs gets them all, with nothing to compare
            differing = differing_graphs(remote, f"{root}/store", dataset, base) if on_server else set()
        elif query_url:
            server = read_rows(remote.select(query_url, digest_query(base), "reading the project's graphs"))
            local = store_digests(store) if server else {}
            on_server = set(server)
            differing = {g for g in local if g in server and server[g] != local[g]}
        else:  # nothing to compare with: every graph is put
            on_server, differing = set(), set()
        todo = plan(graphs, on_server, differing, quads)
        if on_plan:
            on_plan(todo)
        report.loaded, report.replaced, report.unchanged = todo.new, todo.changed, todo.unchanged
        report.removed, report.removed_graphs = len(todo.gone), todo.gone
        report.unchecked = kind == "gsp" and not query_url
        if kind == "oxigraph":
            _push_oxigraph(remote, root, store, dataset, todo, batch, progress, report)
        else:
            _push_gsp(remote, store, todo, progress, report)
    finally:
        remote.close()
    return report


def _push_oxigraph(remote: Remote, root: str, store: ox.Store, dataset: Path, todo: Plan, batch: int, progress,
                   report: PushReport) -> None:
    for i in range(0, len(todo.drop), DROPS_PER_UPDATE):
        part = todo.drop[i:i + DROPS_PER_UPDATE]
        remote.update(f"{root}/update", " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in part),
                      f"removing {len(part)} graph(s) the build no longer has or has changed")
    load_url = f"{root}/store?no_transaction"
    headers = {"Content-Type": "application/n-quads"}
    if todo.load and len(todo.load) == report.graphs:  # everything: the dataset file itself, in slices
        expected = report.quads
        for body, quads in _slices(dataset):
            remote.request("POST", load_url, f"loading quads {report.sent + 1} to {report.sent + quads}",
                           body=body, headers=headers)
            report.sent += quads
            if progress:
                progress(quads)
        if report.sent != expected:
            raise InputError(str(dataset), f"has {report.sent} quads where the build's store has {expected}: "
                             "the build is damaged, run `unkg build` again")
        return
    for body, quads in _batches(store, todo.load, batch):
        remote.request("POST", load_url, f"loading quads {report.sent + 1} to {report.sent + quads}",
                       body=body, headers=headers)
        report.sent += quads
        if progress:
            progress(quads)


def _push_gsp(remote: Remote, store: ox.Store, todo: Plan, progress, report: PushReport) -> None:
    for g in todo.gone:
        remote.delete_graph(g)
    for g in todo.load:
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))]
        remote.put_graph(g, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        report.sent += len(triples)
        if progress:
            progress(len(triples))


def _slices(dataset: Path) -> Iterator[tuple[bytes, int]]:
    """``dataset.nq`` in pieces of about SLICE_BYTES, each cut at a line end (one quad per line), with
    the number of quads in each."""
    with open(dataset, "rb") as fh:
        while True:
            body = fh.read(SLICE_BYTES)
            if not body:
                return
            if not body.endswith(b"\n"):
                body += fh.readline()
            yield body, body.count(b"\n")


def _batches(store: ox.Store, graphs: list[str], size: int) -> Iterator[tuple[bytes, int]]:
    """The quads of `graphs`, from the build's store, as N-Quads bodies of about `size` quads (a graph is
    never split)."""
    pending: list[ox.Quad] = []
    for g in graphs:
        pending.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        if len(pending) >= size:
            yield ox.serialize(pending, format=ox.RdfFormat.N_QUADS), len(pending)
            pending = []
    if pending:
        yield ox.serialize(pending, format=ox.RdfFormat.N_QUADS), len(pending)
