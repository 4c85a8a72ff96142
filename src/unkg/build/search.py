"""The search index, ``build/search.sqlite``: every document's search rows (``search/<key>.json``, written
by the workers: `unkg.searchdoc`) assembled into one SQLite database (schema in ``data/search.toml``) that
``unkg serve`` queries for the list on `/`, its facets and its timeline.

It is made again whole by every build, from the per-document files in key order, so an incremental build
writes the same bytes as a build from nothing: the database is filled in memory, always in the same order,
and written out by ``VACUUM INTO`` (no free pages, no journal), then moved into place.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import orjson

from ..searchdoc import LANGS, config, label_of, spaced

INDEX = "search.sqlite"


def write_index(folder: Path, entries: dict[str, dict]) -> None:
    """``folder/search.sqlite`` from the search files of the documents in `entries` (the manifest's)."""
    letters: dict[str, dict] = {}
    labels: dict[str, dict[str, list[str]]] = {}
    compose: dict[str, list[str]] = {}
    for key in sorted(entries):
        rel = f"search/{key}.json"
        if rel not in entries[key].get("files", ()):
            continue
        data = orjson.loads((folder / rel).read_bytes())
        for iri, row in data["letters"].items():
            if iri in letters:  # rare: a letter whose versions are in several folders
                _merge(letters[iri], row)
            else:
                letters[iri] = row
        for iri, per in data["labels"].items():
            mine = labels.get(iri)
            if mine is None:
                labels[iri] = per
                continue
            for tag, found in per.items():
                if tag not in mine or found < mine[tag]:
                    mine[tag] = found
        compose.update(data["compose"])
    db = sqlite3.connect(":memory:")
    try:
        _fill(db, letters, labels, compose)
        tmp = folder / f".{INDEX}.tmp"
        tmp.unlink(missing_ok=True)
        db.execute("VACUUM INTO ?", (os.fspath(tmp),))
    finally:
        db.close()
    os.replace(tmp, folder / INDEX)


def _merge(into: dict, row: dict) -> None:
    """A letter's row from one document merged into what other documents gave of it (a letter's versions
    may come from several folders), in the form the worker writes (lists sorted, titles' words spaced)."""
    into["date"] = into["date"] or row["date"]
    into["symbols"] = sorted(set(into["symbols"]) | set(row["symbols"]))
    into["titles"] = {**into["titles"], **row["titles"]}
    into["title_words"] = spaced("\n".join(t for _, t in sorted(into["titles"].items())))
    into["names"] = sorted(set(into["names"]) | set(row["names"]))
    into["body"] = {**into["body"], **row["body"]}
    for param, values in row["facets"].items():
        have = {tuple(v) for v in into["facets"].get(param, [])}
        into["facets"][param] = sorted(have | {tuple(v) for v in values}, key=lambda v: (v[0], v[1] or ""))


def _fill(db: sqlite3.Connection, letters: dict[str, dict], labels: dict, compose: dict) -> None:
    conf = config()
    db.execute("PRAGMA journal_mode = OFF")
    db.executescript(conf["index"]["schema"])
    order = sorted(letters, key=lambda iri: (letters[iri]["date"] is None, letters[iri]["date"] or "", iri))
    ids = {iri: n for n, iri in enumerate(order, 1)}
    # the facet values, in the facets' order and by key; booleans: "no" for every letter without "yes"
    values: dict[tuple[str, str], list] = {}  # (param, key) -> [id, iri, letter ids]
    found: dict[str, dict[str, list]] = {f["param"]: {} for f in conf["facet"]}
    for letter, iri in enumerate(order, 1):  # in letter order: each value's letters come sorted
        for param, have in letters[iri]["facets"].items():
            bucket = found[param]
            for key, value_iri in have:
                entry = bucket.get(key)
                if entry is None:
                    bucket[key] = [value_iri, [letter]]
                elif entry[0] == value_iri:
                    entry[1].append(letter)
                else:  # two IRIs with one key: the other named by its IRI
                    bucket.setdefault(value_iri, [value_iri, []])[1].append(letter)
    for facet in conf["facet"]:
        param = facet["param"]
        if facet.get("boolean"):  # every letter without "yes" is "no"
            yes = found[param].get("yes", [None, []])[1]
            found[param] = {k: v for k, v in (("yes", [None, yes]),
                                               ("no", [None, sorted(set(range(1, len(order) + 1)) - set(yes))])) if v[1]}
        for key in sorted(found[param]):
            values[(param, key)] = [len(values) + 1, *found[param][key]]
    words = conf["boolean"]
    db.executemany("INSERT INTO value (id, facet, key, iri, total) VALUES (?, ?, ?, ?, ?)",
                   [(v[0], param, key, v[1], len(v[2])) for (param, key), v in values.items()])
    rows = []
    for (param, key), (vid, iri, _) in values.items():
        for lang in LANGS:
            if iri is None:
                text = words[key][lang] if key in words else key
            elif iri in compose:
                target, form = compose[iri]
                text = form.format(label_of(labels.get(target, {}), lang, target))
            else:
                text = label_of(labels.get(iri, {}), lang, iri)
            rows.append((vid, lang, text))
    db.executemany("INSERT INTO label (value, lang, label) VALUES (?, ?, ?)", rows)
    db.executemany("INSERT INTO facet (value, letter) VALUES (?, ?)",
                   sorted((v[0], letter) for v in values.values() for letter in v[2]))
    of: dict[int, dict[str, list[int]]] = {}
    for (param, _), (vid, _, members) in values.items():
        if param in ("organ", "state"):
            for letter in members:
                of.setdefault(letter, {}).setdefault(param, []).append(vid)
    db.executemany(
        "INSERT INTO letter (id, iri, date, month, symbols, organs, states) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(ids[iri], iri, e["date"], e["date"][:7] if e["date"] else None, ", ".join(e["symbols"]),
          ",".join(map(str, sorted(of.get(ids[iri], {}).get("organ", [])))),
          ",".join(map(str, sorted(of.get(ids[iri], {}).get("state", [])))))
         for iri, e in ((iri, letters[iri]) for iri in order)])
    db.executemany("INSERT INTO title (letter, lang, title) VALUES (?, ?, ?)",
                   [(ids[iri], lang, title) for iri in order for lang, title in sorted(letters[iri]["titles"].items())])
    db.executemany("INSERT INTO words (rowid, title, symbols, names, body) VALUES (?, ?, ?, ?, ?)", (
        (ids[iri], e.get("title_words") or spaced("\n".join(t for _, t in sorted(e["titles"].items()))),
         " ".join(e["symbols"]), "\n".join(e["names"]),
         "\n\n".join(t for _, t in sorted(e["body"].items())))
        for iri, e in ((iri, letters[iri]) for iri in order)))
    db.execute("INSERT INTO words (words) VALUES ('optimize')")
    db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
        ("letters", str(len(order))), ("facets", json.dumps([f["param"] for f in conf["facet"]]))])
    db.commit()
