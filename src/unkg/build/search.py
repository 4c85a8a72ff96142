"""The search index, ``build/search.sqlite``: every document's search rows (``search/<key>.json``, written
by the workers: `unkg.searchdoc`) assembled into one SQLite database (schema in ``data/search.toml``) that
``unkg serve`` queries for the list on `/`, its facets and its timeline.

It is made again whole by every build, from the per-document files in key order, so an incremental build
writes the same bytes as a build from nothing: the database is filled always in the same order, and written
out by ``VACUUM INTO`` (no free pages, no journal), then moved into place. The letters are read from their
files at each pass rather than held (`write_index`).
"""

from __future__ import annotations

import json
import os
import sqlite3
from array import array
from collections.abc import Mapping
from pathlib import Path

import orjson

from ..searchdoc import LANGS, config, label_of, spaced

INDEX = "search.sqlite"


def write_index(folder: Path, entries: Mapping[str, dict], keys: list[str] | None = None) -> None:
    """``folder/search.sqlite`` from the search files of the documents in `entries` (key -> manifest entry);
    `keys`, if given, those of them with a search file, in key order (the entries are then not read).

    The letters are read in passes, one file at a time, so that what is held is a few hundred bytes per
    letter, not its rows (at 100,000 documents their text alone is most of a gigabyte): the first pass (key
    order) finds each letter's date and documents, and the entities' labels; the letters' order follows
    (by date, then IRI); the facets are counted from what the first pass kept of them (each letter's facet
    values as numbers), then the tables' pass reads the letters again in that order.
    The database is built in a file beside the index (not in memory), each table's rows inserted in the same
    order as when it was built whole: the same bytes."""
    if keys is None:
        keys = [key for key in sorted(entries) if f"search/{key}.json" in entries[key].get("files", ())]
    where: dict[str, str | tuple[str, ...]] = {}  # letter IRI -> the document holding it (several: rare)
    dated: dict[str, str | None] = {}
    labels: dict[str, dict[str, list[str]]] = {}
    compose: dict[str, list[str]] = {}
    values = _Values()
    for key in keys:
        data = _read(folder, key)
        for iri, row in data["letters"].items():
            if iri in where:  # rare: a letter whose versions are in several folders (its facets: merged later)
                held = where[iri]
                where[iri] = (held if isinstance(held, tuple) else (held,)) + (key,)
                dated[iri] = dated[iri] or row["date"]
                values.of.pop(iri, None)
            else:
                where[iri] = key
                dated[iri] = row["date"]
                values.keep(iri, row["facets"])
        for iri, per in data["labels"].items():
            mine = labels.get(iri)
            if mine is None:
                labels[iri] = per
                continue
            for tag, found in per.items():
                if tag not in mine or found < mine[tag]:
                    mine[tag] = found
        compose.update(data["compose"])
    order = sorted(where, key=lambda iri: (dated[iri] is None, dated[iri] or "", iri))
    del dated
    work = folder / f".{INDEX}.work"
    tmp = folder / f".{INDEX}.tmp"
    for p in (work, tmp):
        p.unlink(missing_ok=True)
    db = sqlite3.connect(work)
    try:
        _fill(db, _Letters(folder, order, where, values), labels, compose)
        db.execute("VACUUM INTO ?", (os.fspath(tmp),))
    finally:
        db.close()
        work.unlink(missing_ok=True)
    os.replace(tmp, folder / INDEX)


def _read(folder: Path, key: str) -> dict:
    return orjson.loads((folder / f"search/{key}.json").read_bytes())


class _Values:
    """Each letter's facet values, as the numbers of its (facet, key, IRI) triples (a few bytes a value)."""

    def __init__(self):
        self.numbers: dict[tuple, int] = {}
        self.triples: list[tuple] = []
        self.of: dict[str, array] = {}  # letter IRI -> its values' numbers, in the order its row has them

    def keep(self, iri: str, facets: dict) -> None:
        numbers = array("I")
        for param, have in facets.items():
            for key, value_iri in have:
                triple = (param, key, value_iri)
                number = self.numbers.get(triple)
                if number is None:
                    number = self.numbers[triple] = len(self.triples)
                    self.triples.append(triple)
                numbers.append(number)
        self.of[iri] = numbers


class _Letters:
    """The letters in their order (`order`), read again from their documents' search files (`where`) at
    each pass: (id, IRI, row), a row of several documents merged in key order; `facets` without reading
    them where `values` has them."""

    def __init__(self, folder: Path, order: list[str], where: dict, values: _Values):
        self.folder, self.order, self.where, self.values = folder, order, where, values

    def __len__(self) -> int:
        return len(self.order)

    def row(self, iri: str) -> dict:
        held = self.where[iri]
        row = None
        for key in held if isinstance(held, tuple) else (held,):
            found = _read(self.folder, key)["letters"][iri]
            if row is None:
                row = found
            else:
                _merge(row, found)
        return row

    def __iter__(self):
        for n, iri in enumerate(self.order, 1):
            yield n, iri, self.row(iri)

    def facets(self):
        """(id, [(facet, key, IRI), ...]) in the letters' order, each letter's values in its row's order."""
        triples, of = self.values.triples, self.values.of
        for n, iri in enumerate(self.order, 1):
            numbers = of.get(iri)
            if numbers is None:  # (a letter of several documents: its row merged)
                yield n, [(param, key, value_iri) for param, have in self.row(iri)["facets"].items()
                          for key, value_iri in have]
            else:
                yield n, [triples[i] for i in numbers]


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


def _bucket(bucket: dict, key: str, value_iri) -> str:
    """Where a letter's value (its key, its IRI) is counted in its facet: under its key, or, when another
    IRI has that key already, under its own IRI."""
    entry = bucket.get(key)
    return key if entry is None or entry[0] == value_iri else value_iri


def _fill(db: sqlite3.Connection, letters: _Letters, labels: dict, compose: dict) -> None:
    conf = config()
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(conf["index"]["schema"])
    count = len(letters)
    # the facet values, in the facets' order and by key; booleans: "no" for every letter without "yes"
    values: dict[tuple[str, str], list] = {}  # (param, key) -> [id, iri, letter ids]
    found: dict[str, dict[str, list]] = {f["param"]: {} for f in conf["facet"]}
    for letter, triples in letters.facets():  # in letter order: each value's letters come sorted
        for param, key, value_iri in triples:
            bucket = found[param]
            at = _bucket(bucket, key, value_iri)
            bucket.setdefault(at, [value_iri, []])[1].append(letter)
    for facet in conf["facet"]:
        param = facet["param"]
        if facet.get("boolean"):  # every letter without "yes" is "no"
            yes = found[param].get("yes", [None, []])[1]
            found[param] = {k: v for k, v in (("yes", [None, yes]),
                                               ("no", [None, sorted(set(range(1, count + 1)) - set(yes))])) if v[1]}
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
    # (value, letter) in that order already: values by id, each one's letters ascending
    db.executemany("INSERT INTO facet (value, letter) VALUES (?, ?)",
                   ((v[0], letter) for v in values.values() for letter in v[2]))
    for v in values.values():
        v[2] = None  # (the letters of each value: not needed any more)

    def of(row: dict, param: str) -> str:
        """The ids of a letter's values of the facet `param` (organ, state), as the letter table has them."""
        bucket = found[param]
        return ",".join(map(str, sorted(values[(param, _bucket(bucket, key, value_iri))][0]
                                        for key, value_iri in row["facets"].get(param, []))))

    # each letter's rows in its tables, one letter at a time (each table's rows in the same order as when
    # they were inserted table by table: the same bytes)
    for n, iri, e in letters:
        titles = sorted(e["titles"].items())
        db.execute("INSERT INTO letter (id, iri, date, month, symbols, organs, states) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (n, iri, e["date"], e["date"][:7] if e["date"] else None, ", ".join(e["symbols"]),
                    of(e, "organ"), of(e, "state")))
        db.executemany("INSERT INTO title (letter, lang, title) VALUES (?, ?, ?)",
                       [(n, lang, title) for lang, title in titles])
        db.execute("INSERT INTO words (rowid, title, symbols, names, body) VALUES (?, ?, ?, ?, ?)",
                   (n, e.get("title_words") or spaced("\n".join(t for _, t in titles)), " ".join(e["symbols"]),
                    "\n".join(e["names"]), "\n\n".join(t for _, t in sorted(e["body"].items()))))
    db.execute("INSERT INTO words (words) VALUES ('optimize')")
    db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
        ("letters", str(count)), ("facets", json.dumps([f["param"] for f in conf["facet"]]))])
    db.commit()
