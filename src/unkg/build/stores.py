"""The store of a build: loaded in bulk as the documents come, or, for an incremental build, an earlier
build's store with the graphs of the documents that changed replaced."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from ..store import STAMP, identity, upkeep
from ..store.loader import StoreLoader
from .dumps import Dumps, offsets


def make_store(target: Path, folder: Path, active: Path | None, previous: dict, manifest: dict,
           loader: StoreLoader | None, written: list[str], dumps: Dumps, inputs: dict[str, str]) -> None:
    """The store: loaded as the documents came (`loader`), or (incremental) a store of an earlier build with
    the graphs of the documents whose input differs replaced by their parts of the new dataset.nq. That
    store is the compacted copy the upkeep made (of the build in use, or one before it) if there is one,
    else a checkpoint of the build in use's. Its stamp names the dataset it holds (`store.identity`); the
    manifest counts the incremental changes it has taken since it was loaded or compacted. The parts of
    the documents `written` by this build are in dataset.nq already; those of reused documents (a copy made
    builds ago needs them) only once `dumps` has finished copying them. `inputs`: each document's input
    (key -> fingerprint), as its manifest entry has it."""
    store_dir = folder / "store"
    if loader is not None:
        store = loader.finish()
        manifest["store_updates"] = 0
    else:
        assert active is not None
        if store_dir.exists():
            shutil.rmtree(store_dir)
        base = upkeep.take(target, store_dir, manifest["tool"])  # its documents: key -> input, graphs
        if base is not None:
            manifest["store_updates"] = 1
        else:
            ox.Store.read_only(str(active / "store")).backup(str(store_dir))
            base = previous.get("documents", {})
            manifest["store_updates"] = previous.get("store_updates", 0) + 1
        docs = manifest["documents"]
        redo = sorted(key for key in base.keys() | inputs.keys() if base.get(key, {}).get("input") != inputs.get(key))
        store = ox.Store(str(store_dir))
        for key in redo:
            for graph in base.get(key, {}).get("graphs", []):
                store.remove_graph(ox.NamedNode(graph))
        fresh = set(written)
        if any(key in docs and key not in fresh for key in redo):
            dumps.finish_closing()
        keys = sorted(docs)
        starts = offsets(manifest, keys)["dataset.nq"]
        index = {key: i for i, key in enumerate(keys)}
        with open(folder / "dataset.nq", "rb") as nq:
            for key in redo:
                length = docs.get(key, {}).get("parts", {}).get("dataset.nq", 0)
                if length:
                    nq.seek(starts[index[key]])
                    store.load(nq.read(length), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    (store_dir / STAMP).write_text(identity(manifest["tool"], {key: {"input": i} for key, i in inputs.items()}))
