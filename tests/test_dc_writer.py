"""The Dublin Core writer (`unkg.exchange.dc`) writes a record as lxml writes the same element (as the
writer did before it was written by hand), on generated values: every element, any text, a language or none."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from lxml import etree

from unkg.exchange.crosswalk import DC_ELEMENTS, Value
from unkg.exchange.dc import DC, OAI_DC, XSI, dc_document

TEXT = st.text(alphabet=st.sampled_from(list("aZ09 -./&<>\"'\n\t\réü中文\U0001F600\u00a0")) | st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
VALUES = st.builds(lambda element, text, lang: Value(element, "", None, (("value", text),), lang),
                   st.sampled_from(DC_ELEMENTS), TEXT, st.none() | st.sampled_from(["en", "zh-Hans", "a&\"<\n"]))


def lxml_dc(values: list[Value]) -> bytes:
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    for v in values:
        el = etree.SubElement(root, f"{{{DC}}}{v.target}")
        el.text = v.parts[0][1]
        if v.lang:
            el.set("{http://www.w3.org/XML/1998/namespace}lang", v.lang)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


@hsettings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(VALUES, max_size=8))
def test_a_record_is_written_as_lxml_writes_it(values):
    assert dc_document(values) == lxml_dc(values)


def test_a_character_xml_cannot_hold_is_refused():
    with pytest.raises(ValueError, match="XML cannot"):
        dc_document([Value("title", "", None, (("value", "a\x00b"),), None)])
