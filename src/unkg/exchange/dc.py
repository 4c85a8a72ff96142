"""Simple Dublin Core records (``oai_dc``) from the Dublin Core crosswalk (``crosswalks/oai_dc.toml``)."""

from __future__ import annotations

from lxml import etree

from .crosswalk import Crosswalk
from .record import Record

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def dc_element(record: Record, crosswalk: Crosswalk) -> etree._Element:
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    for v in crosswalk.apply(record):
        el = etree.SubElement(root, f"{{{DC}}}{v.target}")
        el.text = v.parts[0][1]
        if v.lang:
            el.set(XML_LANG, v.lang)
    return root


def dc_xml(record: Record, crosswalk: Crosswalk) -> bytes:
    root = dc_element(record, crosswalk)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
