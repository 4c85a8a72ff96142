"""The archival records' shortcuts give what the plain way gives: a crosswalk template that is one fact alone
(``"{title}"``) filled by ``format`` as ``str.format_map`` fills it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings as hsettings, strategies as st

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
