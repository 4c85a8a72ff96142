"""MARC 21 records (MARCXML, the MARC breaker form ``.mrk``, ISO 2709 ``.mrc``) written with pymarc from the
MARC 21 crosswalk (``crosswalks/marc21.toml``)."""

from __future__ import annotations

import pymarc
from lxml import etree

from .crosswalk import Crosswalk
from .record import Record

MARC_NS = "http://www.loc.gov/MARC21/slim"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{MARC_NS} http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"


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
    """A MARCXML collection (one or more records), UTF-8, indented: each record as pymarc's
    ``record_to_xml`` writes it (with the schema's location), built here in lxml rather than written by
    ElementTree and read back."""
    collection = etree.Element(f"{{{MARC_NS}}}collection", nsmap={None: MARC_NS})
    for rec in records:
        _record_element(collection, rec)
    etree.indent(collection, space="  ")
    return etree.tostring(collection, xml_declaration=True, encoding="UTF-8") + b"\n"


def _record_element(collection: etree._Element, rec: pymarc.Record) -> None:
    sub = etree.SubElement
    node = sub(collection, f"{{{MARC_NS}}}record", nsmap={"xsi": XSI})
    node.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    sub(node, f"{{{MARC_NS}}}leader").text = str(rec.leader)
    for field in rec.fields:
        if field.control_field:
            sub(node, f"{{{MARC_NS}}}controlfield", tag=field.tag).text = field.data
            continue
        indicators = field.indicators
        data = sub(node, f"{{{MARC_NS}}}datafield", ind1=indicators.first, ind2=indicators.second, tag=field.tag)
        for code, value in field.subfields:
            sub(data, f"{{{MARC_NS}}}subfield", code=code).text = value


def breaker(rec: pymarc.Record) -> str:
    """The record in MARC breaker form (``.mrk``), as MarcEdit shows it."""
    return str(rec) + "\n"


def iso2709(rec: pymarc.Record) -> bytes:
    """The record in ISO 2709 exchange format (``.mrc``, ``application/marc``), UTF-8 (leader position 9 'a')."""
    return rec.as_marc()
