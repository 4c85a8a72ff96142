"""What the end of a build reads from every document's manifest entry, one entry at a time: the quad count,
the OAI-PMH sets, the records' datestamps and languages (for the dataset description), the inputs (for the
store's stamp), the documents with a search file, what the build reports (`summary`), and the OAI-PMH
index, ``oai.json``, written record by record (the same bytes as `exchange.oai_index` gives for the whole
list, which at 100,000 documents would hold a few hundred megabytes of dicts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import orjson

_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
_HOLE = b"\x00"  # (a byte orjson never writes)


@dataclass
class Summary:
    """What the entries add up to."""

    quads: int = 0
    sets: dict[str, str] = field(default_factory=dict)
    oai: list[tuple[str, str]] = field(default_factory=list)  # (the record's key, the document's), sorted
    first: str | None = None  # the earliest and latest datestamps of the records
    last: str | None = None
    languages: set[str] = field(default_factory=set)  # of the records
    inputs: dict[str, str] = field(default_factory=dict)  # key -> the fingerprint of its sources
    searchable: list[str] = field(default_factory=list)  # the keys with a search file
    built: list[str] = field(default_factory=list)  # the versions built, refused (name, reason), in key order
    refused: list[tuple[str, str]] = field(default_factory=list)
    warnings: int = 0
    violations: int = 0

    def records(self) -> list[dict]:
        """Records with the same earliest and latest datestamps and languages as all of them together (what
        `exchange.dataset.description` reads of them)."""
        if self.first is None:
            return []
        return [{"datestamp": self.first, "languages": sorted(self.languages)},
                {"datestamp": self.last, "languages": []}]


def summary(entries: Mapping[str, dict]) -> Summary:
    """One pass over `entries` (key -> manifest entry), in key order."""
    seen = Summary()
    for key in sorted(entries):
        e = entries[key]
        seen.quads += e.get("quads", 0)
        seen.inputs[key] = e["input"]
        if f"search/{key}.json" in e.get("files", ()):
            seen.searchable.append(key)
        seen.built += e["built"]
        seen.refused += [(n, r) for n, r in e["refused"]]
        seen.warnings += e["warnings"]
        seen.violations += e["violations"]
        seen.sets.update(e["sets"])
        record = e["oai"]
        if record:
            seen.oai.append((record["key"], key))
            stamp = record["datestamp"]
            seen.first = stamp if seen.first is None else min(seen.first, stamp)
            seen.last = stamp if seen.last is None else max(seen.last, stamp)
            seen.languages.update(record["languages"])
    seen.oai.sort(key=lambda pair: pair[0])  # (stable: as `oai_index` sorts them)
    return seen


def write_oai(path: Path, entries: Mapping[str, dict], seen: Summary) -> None:
    """``oai.json``: the records of `entries` (in `seen.oai`'s order) and `seen.sets`, as a new file, written
    record by record; the same bytes as ``exchange.oai_index(records, sets)``."""
    head = orjson.dumps({"records": orjson.Fragment(_HOLE), "sets": seen.sets}, option=_INDENTED)
    before, after = head.split(_HOLE)
    path.unlink(missing_ok=True)
    with open(path, "xb", buffering=1 << 20) as fh:
        fh.write(before)
        if not seen.oai:
            fh.write(b"[]")
        else:
            fh.write(b"[")
            for n, (_, key) in enumerate(seen.oai):  # each record as orjson indents it two levels down
                record = orjson.dumps(entries[key]["oai"], option=_INDENTED).replace(b"\n", b"\n    ")
                fh.write((b",\n    " if n else b"\n    ") + record)
            fh.write(b"\n  ]")
        fh.write(after + b"\n")
