"""What lets a build of 100,000 documents stay within its memory: the manifest entries kept compressed
(`Entries`), and the files written at the end of a build (manifest and bookkeeping, ``oai.json``, the citation
network) written one document at a time, each giving the same bytes as the whole written at once."""

from __future__ import annotations

import csv
import io
import random
import tracemalloc

import networkx as nx
import orjson
import pytest

from unkg.build.citations import FILES, Network, spec, write_network
from unkg.build.entries import Entries
from unkg.build.finish import summary, write_oai
from unkg.build.generations import PRIVATE, PRIVATE_PER_DOCUMENT, _documents, read_manifest, write_manifest
from unkg.exchange import oai_index

BASE = "https://w3id.org/unkg/akn/un/doc"


def _entry(n: int, rng: random.Random) -> dict:
    """A manifest entry as a build makes it (the shape of a generated document's), numbered `n`."""
    key = f"syn-{n:06d}"
    lang = rng.choice(["en", "fr", "zh", "ar"])
    date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    work = f"{BASE}/officialLetter/unsc/{date}/S-2025-{n}"
    return {
        "built": [f"{key}/{lang}"], "refused": [], "warnings": rng.randint(0, 3), "violations": 0,
        "cites": {"aliases": [f"{BASE}/S-2025-{n}"], "edges": [], "kind": "letter", "symbols": [f"S/2025/{n}"],
                  "work": work},
        "files": sorted(f"{d}/{key}.{lang}.{x}" for d, x in (("akn", "xml"), ("documents", "ttl"),
                                                           ("documents", "jsonld"), ("facts", "json"))),
        "graphs": [f"{work}/{lang}@{date}/graph"], "input": f"{rng.getrandbits(256):064x}",
        "oai": {"datestamp": f"2026-12-0{rng.randint(1, 9)}T10:00:00Z", "identifier": work, "key": key,
                "languages": [f"http://publications.europa.eu/resource/authority/language/{lang.upper()}"],
                "lead": lang, "sets": ["security-council", "security-council:2025"]},
        "parts": {"dataset.nq": rng.randint(20000, 60000), "dataset.ttl": rng.randint(5000, 15000)},
        "quads": rng.randint(60, 200), "sets": {"security-council": "Security Council",
                                                "security-council:2025": "Security Council, 2025"},
        "versions": [f"{lang}.txt"], "stat": [[f"{lang}.txt", rng.randint(400, 3000), rng.getrandbits(60)]],
        "dir": rng.getrandbits(60),
    }


def _entries(count: int, seed: int = 7) -> dict[str, dict]:
    rng = random.Random(seed)
    return {f"syn-{n:06d}": _entry(n, rng) for n in range(count)}


# -- Entries ---------------------------------------------------------------------------------------------

def test_entries_give_back_what_was_stored():
    plain = _entries(50)
    kept = Entries()
    for key in reversed(sorted(plain)):  # (any order: the first stored is the others' dictionary)
        kept[key] = plain[key]
    assert len(kept) == 50 and set(kept) == set(plain) and "nope" not in kept
    for key, entry in plain.items():
        assert kept[key] == entry
        assert kept.raw(key) == orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)
    assert [key for key, _ in kept.items_sorted()] == sorted(plain)


def test_an_entry_read_is_a_copy_and_changes_only_when_stored_again():
    kept = Entries(_entries(3))
    entry = kept["syn-000001"]
    entry["parts"] = {"dataset.nq": 1}
    assert kept["syn-000001"]["parts"] != {"dataset.nq": 1}
    kept["syn-000001"] = entry
    assert kept["syn-000001"]["parts"] == {"dataset.nq": 1}
    del kept["syn-000001"]
    assert "syn-000001" not in kept and len(kept) == 2


def test_entries_take_a_fraction_of_the_memory_of_dicts():
    """Measured by tracemalloc (exact, not the process's RSS): 2,000 entries kept compressed take less than a
    tenth of what they take as dicts, and under 600 bytes each (they are about 1.4 KB of JSON)."""
    plain = _entries(2000)
    blobs = {k: orjson.dumps(v) for k, v in plain.items()}
    del plain
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        dicts = {k: orjson.loads(v) for k, v in blobs.items()}
        as_dicts = tracemalloc.get_traced_memory()[0] - base
        kept = Entries()
        for k, v in dicts.items():
            kept[k] = v
        del dicts
        compressed = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert compressed < as_dicts / 10, (compressed, as_dicts)
    assert compressed / 2000 < 600, compressed / 2000


# -- the manifest ----------------------------------------------------------------------------------------

def _manifest(documents) -> dict:
    return {"tool": "ab" * 32, "generation": 3, "changed": {"syn-000002": ["facts/syn-000002.en.json"]},
            "triples": 123456, "heads": {"dataset.nq": 328534, "dataset.ttl": 87552}, "head_quads": 1936,
            "store_updates": 2, "documents": documents}


def _whole(manifest: dict) -> tuple[bytes, bytes]:
    """The manifest and bookkeeping as one orjson dump each (what the build wrote before it wrote them by
    document): every private key and each document's time stamps in the bookkeeping, the rest published."""
    public = {k: v for k, v in manifest.items() if k not in PRIVATE}
    public["documents"] = {key: {k: v for k, v in e.items() if k not in PRIVATE_PER_DOCUMENT}
                           for key, e in manifest["documents"].items()}
    private = {k: manifest[k] for k in PRIVATE if k in manifest}
    private["sources"] = {key: {k: e[k] for k in PRIVATE_PER_DOCUMENT if k in e}
                          for key, e in manifest["documents"].items()}
    return (orjson.dumps(public, option=orjson.OPT_SORT_KEYS) + b"\n",
            orjson.dumps(private, option=orjson.OPT_SORT_KEYS) + b"\n")


@pytest.mark.parametrize("count", [0, 1, 40])
def test_the_manifest_written_by_document_is_the_whole_dump(tmp_path, count):
    plain = _entries(count)
    if count:  # a key that needs escaping, an entry without time stamps, one with a non-ASCII reason
        odd = dict(plain.pop(sorted(plain)[0]), refused=[["x/en", "cannot read: « é » \"quoted\"\n"]])
        del odd["stat"], odd["dir"]
        plain['a "quoted" key\\é'] = odd
    expected_public, expected_private = _whole(_manifest(plain))
    for documents in (plain, Entries(plain)):
        write_manifest(tmp_path, _manifest(documents))
        assert (tmp_path / "manifest.json").read_bytes() == expected_public
        assert (tmp_path / ".unkg-state.json").read_bytes() == expected_private
    back = read_manifest(tmp_path)
    assert isinstance(back["documents"], Entries)
    if count:  # read one document at a time, not whole
        sources = orjson.loads((tmp_path / ".unkg-state.json").read_bytes())["sources"]
        assert _documents((tmp_path / "manifest.json").read_bytes(), sources) is not None
    assert {k: back["documents"][k] for k in back["documents"]} == plain
    assert {k: v for k, v in back.items() if k != "documents"} == {
        k: v for k, v in _manifest(plain).items() if k != "documents"}


def test_the_manifest_replaces_a_hard_link_it_finds(tmp_path):
    """The spare's manifest is a hard link to the build in use's: writing it must not change the other."""
    other = tmp_path / "other.json"
    other.write_bytes(b"the build in use's\n")
    (tmp_path / "manifest.json").hardlink_to(other)
    write_manifest(tmp_path, _manifest(_entries(2)))
    assert other.read_bytes() == b"the build in use's\n"
    assert orjson.loads((tmp_path / "manifest.json").read_bytes())["triples"] == 123456


# -- oai.json --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [0, 1, 25])
def test_oai_json_written_by_record_is_the_whole_index(tmp_path, count):
    plain = _entries(count)
    if count:
        first = sorted(plain)[0]
        plain[first]["oai"]["sets"] = []  # an empty list inside a record
        plain[first]["sets"] = {"été": "Un ensemble « à part »"}
        plain[sorted(plain)[-1]]["oai"] = None  # a document without a record (refused)
    kept = Entries(plain)
    seen = summary(kept)
    write_oai(tmp_path / "oai.json", kept, seen)
    records = [e["oai"] for e in plain.values() if e["oai"]]
    sets: dict[str, str] = {}
    for key in sorted(plain):
        sets.update(plain[key]["sets"])
    assert (tmp_path / "oai.json").read_bytes() == oai_index(records, sets)
    assert seen.quads == sum(e["quads"] for e in plain.values())
    stamps = [r["datestamp"] for r in records]
    if stamps:
        assert [r["datestamp"] for r in seen.records()] == [min(stamps), max(stamps)]
        assert set(seen.records()[0]["languages"]) == {lang for r in records for lang in r["languages"]}
    else:
        assert seen.records() == []


# -- the citation network --------------------------------------------------------------------------------

def _reference(entries: dict[str, dict]):
    """The network computed straightforwardly, everything in memory (as the build did before it streamed it),
    documents in key order."""
    docs = sorted((entries[k]["cites"] for k in sorted(entries) if entries[k].get("cites")), key=lambda d: d["work"])
    nodes, alias = {}, {}
    for d in docs:
        nodes[d["work"]] = {"iri": d["work"], "symbol": "; ".join(d["symbols"]), "kind": d["kind"],
                            "in_collection": "true"}
        for a in d["aliases"]:
            alias.setdefault(a, d["work"])
    cited, edges = {}, []
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


def _citing(count: int, seed: int) -> dict[str, dict]:
    """Documents citing each other and documents outside the collection: aliases two documents share, two
    documents of one Work, a target cited in two forms, edges that tie on source and target."""
    rng = random.Random(seed)
    entries = _entries(count, seed)
    keys = sorted(entries)
    for n, key in enumerate(keys):
        cites = entries[key]["cites"]
        if n % 7 == 3:  # the same Work as the document before it
            cites["work"] = entries[keys[n - 1]]["cites"]["work"]
        if n % 5 == 0:  # an alias another document has too
            cites["aliases"].append(f"{BASE}/shared-{n % 3}")
        for _ in range(rng.randint(0, 4)):
            inside = rng.random() < 0.5
            target = (entries[rng.choice(keys)]["cites"]["aliases"][0] if inside
                      else rng.choice([f"{BASE}/RES/{rng.randint(1, 6)}", f"{BASE}/shared-{rng.randint(0, 2)}"]))
            cites["edges"].append({"target": target, "cited": rng.choice(["S/RES/1 (2000)", "resolution 1", "é"]),
                                   "kinds": sorted(rng.sample(["cites", "recalls", "annexes"], 2)),
                                   "occurrences": rng.randint(1, 3), "parts": ["body"], "languages": ["en"]})
    return entries


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_network_streamed_is_the_network_computed_whole(tmp_path, seed):
    plain = _citing(60, seed)
    nodes, edges = _reference(plain)
    assert edges and any(n["in_collection"] == "false" for n in nodes.values())  # (the case is not empty)
    net = Network(Entries(plain))
    assert {iri: net.node(iri) for iri in net.nodes} == nodes
    assert list(net.nodes) == list(nodes)
    assert list(net.edges()) == edges
    write_network(tmp_path, Entries(plain), lambda path, data: path.write_bytes(data))
    # read back: every node and edge with its attributes, in the files' order
    g = nx.read_graphml(tmp_path / FILES[0])
    assert list(g.nodes) == list(nodes)
    names = [a["name"] for a in spec()["node"]]
    typed = {iri: {k: a[k] == "true" if k == "in_collection" else a[k] for k in names} for iri, a in nodes.items()}
    assert {n: dict(a) for n, a in g.nodes(data=True)} == typed  # (in_collection: a boolean in GraphML)
    assert g.number_of_edges() == len(edges)
    rows = list(csv.DictReader(io.StringIO((tmp_path / FILES[1]).read_text(encoding="utf-8"))))
    assert [(r["source"], r["target"], r["cited_as"]) for r in rows] == [(s, t, a["cited_as"]) for s, t, a in edges]
    assert all(r["target_in_collection"] == nodes[r["target"]]["in_collection"] for r in rows)


def test_a_manifest_not_laid_out_as_the_build_writes_it_is_read_whole(tmp_path):
    """The manifest is read one document at a time where it is laid out as `write_manifest` writes it; one
    written otherwise (by hand, indented, its keys in another order) gives the same documents, read whole;
    one that is not JSON gives nothing (the build starts from nothing)."""
    plain = _entries(5)
    write_manifest(tmp_path, _manifest(plain))
    expected = read_manifest(tmp_path)
    published = orjson.loads((tmp_path / "manifest.json").read_bytes())
    for other in (orjson.dumps(published, option=orjson.OPT_INDENT_2),
                  orjson.dumps(dict(reversed(published.items())))):
        (tmp_path / "manifest.json").write_bytes(other)
        back = read_manifest(tmp_path)
        assert {k: back["documents"][k] for k in back["documents"]} == plain
        assert {k: v for k, v in back.items() if k != "documents"} == {
            k: v for k, v in expected.items() if k != "documents"}
    (tmp_path / "manifest.json").write_bytes(b'{"documents":{"syn-000000":')
    assert read_manifest(tmp_path) == {}


def test_packed_inputs_give_back_what_was_stored_in_little_memory():
    """The scan's inputs (fingerprint, time stamps, versions) as JSON: each read a new dict, and a copy of
    orjson's bytes kept (those hold a buffer of kilobytes whatever their length)."""
    from unkg.build.entries import Packed

    rng = random.Random(3)
    plain = {f"syn-{n:06d}": {"input": f"{rng.getrandbits(256):064x}", "dir": rng.getrandbits(60),
                              "stat": [["en.txt", rng.randint(400, 3000), rng.getrandbits(60)]],
                              "versions": ["en.txt"]} for n in range(2000)}
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        packed = Packed()
        for key, value in plain.items():
            packed[key] = value
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert held / len(plain) < 400, held / len(plain)
    assert {k: packed[k] for k in packed} == plain and len(packed) == 2000
    entry = packed["syn-000001"]
    entry["input"] = "changed"
    assert packed["syn-000001"] == plain["syn-000001"]
    del packed["syn-000001"]
    assert "syn-000001" not in packed
