"""MARC 21 records (MARCXML, the MARC breaker form ``.mrk``, ISO 2709 ``.mrc``) written with pymarc from the
MARC 21 crosswalk (``crosswalks/marc21.toml``)."""

from __future__ import annotations

import pymarc
from lxml import etree

from .crosswalk import Crosswalk
from .record import Record

MARC_NS = "http://www.loc.gov/MARC21/slim"


def marc_record(record: Record, crosswalk: Crosswalk) -> pymarc.Record:
    out = pymarc.Record(leader=crosswalk.leader, force_utf8=True)
    for v in sorted(crosswalk.apply(record), key=lambda v: v.target):  # stable: rule order within a tag
        if v.data is not None:
            out.add_field(pymarc.Field(tag=v.target, data=v.data))
        else:
            out.add_field(pymarc.Field(tag=v.target, indicators=pymarc.Indicators(*v.indicators),
                                       subfields=[pymarc.Subfield(code, value) for code, value in v.parts]))
    return out


def marcxml(records: list[pymarc.Record]) -> bytes:
    """A MARCXML collection (one or more records), UTF-8, indented."""
    collection = etree.Element(f"{{{MARC_NS}}}collection", nsmap={None: MARC_NS})
    for rec in records:
        collection.append(etree.fromstring(pymarc.record_to_xml(rec, namespace=True)))
    etree.indent(collection, space="  ")
    return etree.tostring(collection, xml_declaration=True, encoding="UTF-8") + b"\n"


def breaker(rec: pymarc.Record) -> str:
    """The record in MARC breaker form (``.mrk``), as MarcEdit shows it."""
    return str(rec) + "\n"


def iso2709(rec: pymarc.Record) -> bytes:
    """The record in ISO 2709 exchange format (``.mrc``, ``application/marc``), UTF-8 (leader position 9 'a')."""
    return rec.as_marc()
