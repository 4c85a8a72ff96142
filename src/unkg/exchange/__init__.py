"""Archival exchange: what libraries and archives import rather than Turtle.

From the parsed language versions of each document (those that passed validation), a catalogue record
(`record.Record`) is made once and written through the crosswalks under ``crosswalks/`` as MARC 21
(MARCXML, breaker ``.mrk``, ISO 2709 ``.mrc``) and simple Dublin Core (``oai_dc``); each version is also
written as Akoma Ntoso (AKN4UN) and as the text its page shows (``readable``). ``unkg build`` writes them under ``build/`` with the index ``oai.json`` that ``unkg serve``
harvests from at ``/oai`` (OAI-PMH)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import orjson

from ..authority import Authorities
from ..mapping import Minter
from ..model import Document
from .akn import akn_xml
from .crosswalk import Crosswalk
from .dc import dc_xml
from .marc import breaker, iso2709, marc_record, marcxml
from .readable import text_json
from .record import Practice, Record, record

FORMATS = ("marc21", "oai_dc", "akn")


@dataclass(frozen=True)
class Exchange:
    auth: Authorities
    base: str
    practice: Practice
    marc: Crosswalk
    dc: Crosswalk
    templates: Path

    @classmethod
    def load(cls, crosswalks: Path, templates: Path, auth: Authorities, base: str) -> Exchange:
        """Read the practice and the crosswalks (checked here, before any record is written)."""
        folder = crosswalks
        return cls(auth, base, Practice.load(folder / "record.toml"), Crosswalk.load(folder / "marc21.toml"),
                   Crosswalk.load(folder / "oai_dc.toml"), templates)

    def record(self, versions: list[Document]) -> Record:
        lead = min(versions, key=lambda d: self._rank(d.language.value))
        return record(versions, self.auth, self.practice, Minter(self.base, self.auth).work(lead))

    def _rank(self, lang: str) -> tuple[int, str]:
        order = self.practice.languages
        return (order.index(lang) if lang in order else len(order), lang)

    def files(self, versions: list[Document]) -> tuple[Record, dict[str, bytes]]:
        """The record of one document and its files, by path relative to the build folder."""
        rec = self.record(versions)
        marc = marc_record(rec, self.marc)
        out = {
            f"marc/{rec.key}.xml": marcxml([marc]),
            f"marc/{rec.key}.mrk": breaker(marc).encode("utf-8"),
            f"marc/{rec.key}.mrc": iso2709(marc),
            f"dc/{rec.key}.xml": dc_xml(rec, self.dc),
        }
        for d in sorted(versions, key=lambda d: self._rank(d.language.value)):
            out[f"akn/{rec.key}.{d.language.value}.xml"] = akn_xml(d, self.auth, self.templates)
            out[f"text/{rec.key}.{d.language.value}.json"] = text_json(d)  # the letter page's text
        return rec, out


def datestamp(paths: list[Path]) -> str:
    """When a record last changed: the newest of its source files, UTC, to the second (OAI-PMH)."""
    newest = max(int(os.stat(p).st_mtime) for p in paths)
    return dt.datetime.fromtimestamp(newest, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_names(rec: Record) -> dict[str, str]:
    """OAI-PMH sets of a record: each organ, and each organ's session or year, with their names."""
    names = {}
    for o in rec.organs:
        names[o.key] = o.label
        if o.session is not None:
            names[f"{o.key}:{o.session}"] = f"{o.label}, {o.ordinal} session"
        elif o.year is not None:
            names[f"{o.key}:{o.year}"] = f"{o.label}, {o.year}"
    return names


def oai_entry(rec: Record, stamp: str, languages: list[str]) -> dict:
    return {"key": rec.key, "identifier": rec.identifier, "datestamp": stamp, "sets": list(rec.sets),
            "languages": languages, "lead": rec.language}


def oai_index(entries: list[dict], sets: dict[str, str]) -> bytes:
    return orjson.dumps({"records": sorted(entries, key=lambda e: e["key"]), "sets": sets},
                        option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
