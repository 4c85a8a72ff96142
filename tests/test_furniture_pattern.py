"""Page furniture is told by one pattern joining masthead.py's (`_ANY_FURNITURE`): a line it matches is one
some pattern of the list matches, and the other way round (job numbers, print codes, barcodes, page numbers in
either case, rules, continuation marks)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from unkg.parse.masthead import _ANY_FURNITURE, _FURNITURE

PARTS = ["25-17062", "9B-33343", "(E)", " ", "021198", "*", "12", "/", ".", "---", "Page", "PAGE", "第", "页",
         "3", "O", "l", "x", "\n", "__"]


@settings(max_examples=5000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PARTS), max_size=6))
def test_one_pattern_for_the_list(parts):
    line = "".join(parts)
    assert (_ANY_FURNITURE.match(line) is not None) == any(p.match(line) for p in _FURNITURE), repr(line)


def test_each_kind_is_furniture():
    for line in ("25-17062 (E) 021198", "9B-33343 (E)", "021198", "*0217062*", "2/3", "page 2", "第 3 页", "/...",
                 "-----", ". * ."):
        assert _ANY_FURNITURE.match(line), line
    assert not _ANY_FURNITURE.match("Page 2 of the report")
