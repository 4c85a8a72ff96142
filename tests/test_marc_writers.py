"""The MARC writers (`unkg.exchange.marc`) write a record byte for byte as pymarc does: MARCXML as
``pymarc.record_to_xml`` (indented by lxml), the breaker form as ``str(record)``, ISO 2709 as ``as_marc``;
on generated records, with whatever characters their values may hold."""

from __future__ import annotations

import io

import pymarc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from unkg.exchange.crosswalk import Value
from unkg.exchange.marc import MARC_NS, MarcRecord, _leader, breaker, iso2709, marcxml

# what a value may hold: XML's characters (a carriage return aside: see the last test), markup's, MARC's
# delimiters as text ($), CJK, an astral character
TEXT = st.text(alphabet=st.sampled_from(list("aZ09 -./&<>\"'$\\\n\téü中文\U0001F600\u00a0")) | st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).map(str.strip).filter(bool)
CODES = st.sampled_from(list("abcdeuz0389"))
INDICATORS = st.text(alphabet="0123456789abz ", min_size=2, max_size=2)


@st.composite
def fields(draw) -> Value:
    if draw(st.booleans()):
        return Value(f"00{draw(st.integers(1, 9))}", "", draw(TEXT), ())
    tag = f"{draw(st.integers(10, 999)):03d}"
    parts = tuple(draw(st.lists(st.tuples(CODES, TEXT), min_size=1, max_size=4)))
    return Value(tag, draw(INDICATORS), None, parts)


LEADERS = st.text(alphabet="0123456789abcdmnpz ", min_size=24, max_size=24)
RECORDS = st.builds(lambda leader, fs: MarcRecord(_leader(leader), tuple(sorted(fs, key=lambda v: v.target))),
                    LEADERS, st.lists(fields(), min_size=1, max_size=8))


def pymarc_record(rec: MarcRecord, leader: str) -> pymarc.Record:
    out = pymarc.Record(leader=leader, force_utf8=True)
    for v in rec.fields:
        if v.data is not None:
            out.add_field(pymarc.Field(tag=v.target, data=v.data))
        else:
            out.add_field(pymarc.Field(tag=v.target, indicators=pymarc.Indicators(*v.indicators),
                                       subfields=[pymarc.Subfield(c, s) for c, s in v.parts]))
    return out


def pymarc_xml(records: list[pymarc.Record]) -> bytes:
    collection = etree.Element(f"{{{MARC_NS}}}collection", nsmap={None: MARC_NS})
    for rec in records:
        collection.append(etree.fromstring(pymarc.record_to_xml(rec, namespace=True)))
    etree.indent(collection, space="  ")
    return etree.tostring(collection, xml_declaration=True, encoding="UTF-8") + b"\n"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(RECORDS, min_size=1, max_size=3))
def test_marcxml_is_pymarcs(records):
    assert marcxml(records) == pymarc_xml([pymarc_record(r, r.leader) for r in records])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(RECORDS, LEADERS)
def test_breaker_and_iso2709_are_pymarcs(rec, leader):
    """pymarc fixes the leader's positions 9-11 and 20-23 as ours does (`_leader`), from any leader."""
    rec = MarcRecord(_leader(leader), rec.fields)
    reference = pymarc_record(rec, leader)
    assert breaker(rec) == str(reference) + "\n"
    assert iso2709(rec) == reference.as_marc()
    back = next(pymarc.MARCReader(io.BytesIO(iso2709(rec)), to_unicode=True, force_utf8=True))
    assert [f.value() if f.control_field else f.subfields for f in back.fields] == \
        [v.data if v.data is not None else [pymarc.Subfield(c, s) for c, s in v.parts] for v in rec.fields]


def test_an_empty_collection():
    assert marcxml([]) == pymarc_xml([])


def test_a_carriage_return_is_kept():
    """(ElementTree, under pymarc.record_to_xml, writes it raw: read back, it is a line feed.)"""
    rec = MarcRecord(_leader(" " * 24), (Value("245", "10", None, (("a", "one\r\ntwo"),)),))
    node = etree.fromstring(marcxml([rec]))
    assert node.findtext(f".//{{{MARC_NS}}}subfield") == "one\r\ntwo"


@pytest.mark.parametrize("bad", ["\x00", "\x0b", "\ufffe", "\ud800"])
def test_a_character_xml_cannot_hold_is_refused(bad):
    rec = MarcRecord(_leader(" " * 24), (Value("245", "10", None, (("a", f"x{bad}y"),)),))
    with pytest.raises(ValueError, match="XML cannot"):
        marcxml([rec])


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.text(alphabet="a &<>\"'\n\t", min_size=2, max_size=2), st.sampled_from(list("a&<>\"'\n\t")))
def test_attributes_are_written_as_lxml_writes_them(indicators, code):
    """(The crosswalk allows digits, letters and blanks only; a record made otherwise is written all the same.)"""
    rec = MarcRecord(_leader(" " * 24), (Value("245", indicators, None, ((code, "x"),)),))
    assert marcxml([rec]) == pymarc_xml([pymarc_record(rec, rec.leader)])
