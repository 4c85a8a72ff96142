"""Simple Dublin Core records (``oai_dc``) from the Dublin Core crosswalk (``crosswalks/oai_dc.toml``),
written here as lxml writes the same element (escaped by `xmltext`; ``tests/test_dc_writer.py`` compares)."""

from __future__ import annotations

from . import xmltext
from .crosswalk import Crosswalk, Value
from .record import Record

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OPEN = (f'<oai_dc:dc xmlns:oai_dc="{OAI_DC}" xmlns:dc="{DC}" xmlns:xsi="{XSI}" '
        f'xsi:schemaLocation="{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"')


def dc_xml(record: Record, crosswalk: Crosswalk) -> bytes:
    return dc_document(crosswalk.apply(record))


def dc_document(values: list[Value]) -> bytes:
    """An ``oai_dc:dc`` element, UTF-8, indented by two spaces: one ``dc:`` element per value (a crosswalk's,
    in its order), with its ``xml:lang`` when the rule gives one."""
    lines = ["<?xml version='1.0' encoding='UTF-8'?>"]
    for v in values:
        lang = f' xml:lang="{xmltext.attribute(v.lang)}"' if v.lang else ""
        lines.append(f"  <dc:{v.target}{lang}>{xmltext.text(v.parts[0][1])}</dc:{v.target}>")
    if len(lines) == 1:
        return "\n".join(lines + [OPEN + "/>\n"]).encode("utf-8")
    lines.insert(1, OPEN + ">")
    lines.append("</oai_dc:dc>\n")
    return "\n".join(lines).encode("utf-8")
