"""MARC 21 records from the MARC 21 crosswalk (``crosswalks/marc21.toml``), written as MARCXML, in the MARC
breaker form (``.mrk``) and in ISO 2709 (``.mrc``).

The three are written here from the crosswalk's fields, byte for byte as pymarc writes the same record
(``record_to_xml`` indented by lxml, ``str(record)``, ``as_marc``; ``tests/test_marc_writers.py`` compares
them on generated records): one record made once and written three ways costs a fifth of building pymarc's
objects and its XML tree for each."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from . import xmltext
from .crosswalk import Crosswalk, Value
from .record import Record

MARC_NS = "http://www.loc.gov/MARC21/slim"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{MARC_NS} http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
SUBFIELD, END_OF_FIELD, END_OF_RECORD = "\x1f", "\x1e", "\x1d"

@dataclass(frozen=True)
class MarcRecord:
    leader: str  # 24 characters: MARC 21's fixed positions set (`_leader`)
    fields: tuple[Value, ...]  # in tag order (rule order within a tag)


def marc_record(record: Record, crosswalk: Crosswalk) -> MarcRecord:
    fields = sorted(crosswalk.apply(record), key=lambda v: v.target)  # stable: rule order within a tag
    return MarcRecord(_leader(crosswalk.leader), tuple(fields))


def _leader(leader: str) -> str:
    """The crosswalk's leader with what MARC 21 fixes: the character coding scheme (9) 'a', UTF-8, the
    indicator and subfield code counts (10-11) "22", the entry map (20-23) "4500"."""
    return leader[0:9] + "a22" + leader[12:20] + "4500"


def marcxml(records: list[MarcRecord]) -> bytes:
    """A MARCXML collection (one or more records), UTF-8, indented by two spaces."""
    if not records:
        return f"<?xml version='1.0' encoding='UTF-8'?>\n<collection xmlns=\"{MARC_NS}\"/>\n".encode("utf-8")
    text = xmltext.text
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", f'<collection xmlns="{MARC_NS}">']
    for rec in records:
        lines.append(f'  <record xmlns:xsi="{XSI}" xsi:schemaLocation="{SCHEMA_LOCATION}">')
        lines.append(f"    <leader>{text(rec.leader)}</leader>")
        for f in rec.fields:
            if f.data is not None:
                lines.append(f"{_controlfield(f.target)}{text(f.data)}</controlfield>")
                continue
            start = _datafield(f.indicators, f.target)
            if not f.parts:
                lines.append(start + "/>")
                continue
            lines.append(start + ">")
            lines += [f"{_subfield(code)}{text(value)}</subfield>" for code, value in f.parts]
            lines.append("    </datafield>")
        lines.append("  </record>")
    lines.append("</collection>\n")
    return "\n".join(lines).encode("utf-8")


# The start tags of the fields and subfields: their tags, indicators and codes repeat from record to record,
# so each start tag is made (escaped) once. A data field's start tag is left open: ">", or "/>" without subfields.
@functools.lru_cache(maxsize=1024)
def _controlfield(tag: str) -> str:
    return f'    <controlfield tag="{xmltext.attribute(tag)}">'


@functools.lru_cache(maxsize=4096)
def _datafield(indicators: str, tag: str) -> str:
    first, second = indicators
    attr = xmltext.attribute
    return f'    <datafield ind1="{attr(first)}" ind2="{attr(second)}" tag="{attr(tag)}"'


@functools.lru_cache(maxsize=256)
def _subfield(code: str) -> str:
    return f'      <subfield code="{xmltext.attribute(code)}">'


def breaker(rec: MarcRecord) -> str:
    """The record in MARC breaker form (``.mrk``), as MarcEdit shows it: a blank indicator and a space in a
    control field's data as a backslash."""
    lines = [f"=LDR  {rec.leader}"]
    for f in rec.fields:
        if f.data is not None:
            lines.append(f"={f.target}  {f.data.replace(' ', chr(92))}")
        else:
            indicators = f.indicators.replace(" ", "\\")
            lines.append(f"={f.target}  {indicators}" + "".join([f"${code}{value}" for code, value in f.parts]))
    return "\n".join(lines) + "\n\n"


def iso2709(rec: MarcRecord) -> bytes:
    """The record in ISO 2709 exchange format (``.mrc``, ``application/marc``), UTF-8 (leader position 9 'a'):
    the leader with the record's length and the base address of its data, the directory (tag, length and
    offset of each field), the fields."""
    data: list[bytes] = []
    directory: list[str] = []
    offset = 0
    for f in rec.fields:
        if f.data is not None:
            body = f"{f.data}{END_OF_FIELD}".encode("utf-8")
        else:
            body = (f.indicators + "".join([f"{SUBFIELD}{code}{value}" for code, value in f.parts])
                    + END_OF_FIELD).encode("utf-8")
        data.append(body)
        directory.append(f"{f.target:>03}{len(body):04d}{offset:05d}")
        offset += len(body)
    head = ("".join(directory) + END_OF_FIELD).encode("utf-8")
    base = 24 + len(head)
    length = base + offset + 1  # (the end of the record)
    leader = f"{length:0>5}{rec.leader[5:12]}{base:0>5}{rec.leader[17:]}".encode("utf-8")
    return leader + head + b"".join(data) + END_OF_RECORD.encode("utf-8")
