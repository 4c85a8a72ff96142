"""The archival records' shortcuts give what the plain way gives: a crosswalk template that is one fact alone
(``"{title}"``) filled by ``format`` as ``str.format_map`` fills it; XML character data needing no escaping
taken as it is."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from unkg.exchange import xmltext
from unkg.exchange.crosswalk import Template

VALUES = st.one_of(st.none(), st.just(()), st.text(max_size=8), st.integers(-100, 100), st.booleans(),
                   st.dates(min_value=dt.date(1945, 1, 1)), st.tuples(st.integers()), st.floats(allow_nan=False))


@hsettings(max_examples=500, derandomize=True, deadline=None)
@given(VALUES)
def test_a_template_of_one_fact_alone_is_filled_as_format_map_fills_it(value):
    alone = Template.read("{title}")
    assert alone.whole == "title"
    plain = Template(alone.text, alone.names)  # (no shortcut: the general way)
    assert alone.fill({"title": value}) == plain.fill({"title": value})


def test_only_a_fact_alone_takes_the_shortcut():
    for text in ("{title}.", "{title!r}", "{title:>4}", "UN. {title}", "{a}{b}", "unbist", "{{title}}"):
        assert Template.read(text).whole is None, text


def _text_plainly(value: str) -> str:
    xmltext.check(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


CHARACTERS = st.text(alphabet=st.one_of(st.sampled_from("&<>\"'\r\n\t\x00\x1f\x7f\ud800\udfff\ufffe\uffff\ue000"),
                                        st.characters()), max_size=12)


@hsettings(max_examples=2000, derandomize=True, deadline=None)
@given(CHARACTERS)
def test_character_data_taken_as_it_is_is_what_escaping_gives(value):
    """XML text: as it is where it needs no escaping, else escaped; refused alike where XML cannot hold it."""
    try:
        expected = _text_plainly(value)
    except ValueError:
        with pytest.raises(ValueError):
            xmltext.text(value)
        return
    assert xmltext.text(value) == expected
