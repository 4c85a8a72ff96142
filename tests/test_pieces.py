"""The shortcuts of pieces.py and text.py give what the long way gives: a text `_squeezed` accepts is one
`_squeeze` leaves as it is (and only such a text); `join_text` is the text of `join` for any pieces (line
pieces of any raw text, and pieces in any state: white space at their ends, tabs, spaces beside CJK); and
`Text.written` is what its character by character way gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from unkg.pieces import Piece, _squeeze, _squeezed, join, join_text
from unkg.text import normalise

CHARS = " \t\u00a0\u3000\x1caZé-\u2013大会。（）"


@settings(max_examples=5000, deadline=None, derandomize=True)
@given(st.text(CHARS, max_size=10))
def test_squeezed_is_what_squeeze_leaves_as_it_is(text):
    assert _squeezed(text) == (_squeeze(text) == text)


def test_squeezed_refuses_each_kind():
    for text in (" a", "a ", "a  b", "a\tb", "a\u00a0b", "大 会", "a 大", "a\nb", "é 大"):
        assert not _squeezed(text), repr(text)
    assert _squeezed("a b-c 2025年")
    assert _squeezed("é 2025年")  # (not ASCII, CJK, no space beside it)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.lists(st.text(CHARS, max_size=8), max_size=5))
def test_join_text_is_the_text_of_join_for_line_pieces(lines):
    pieces = [ln.piece for ln in normalise("\n".join(lines)).lines]
    assert join_text(pieces) == join(pieces).text


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.lists(st.text(CHARS, max_size=8), max_size=5))
def test_join_text_is_the_text_of_join_for_any_pieces(texts):
    pieces = [Piece(t, tuple(range(len(t))), tuple(range(1, len(t) + 1))) for t in texts]
    assert join_text(pieces) == join(pieces).text


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.text(CHARS + "\n\r\ufb01\uff21e\u0301\u212b\uf900", max_size=16), st.data())
def test_written_shortcuts_give_the_long_way(raw, data):
    """`Text.written` on one line already squeezed (returned as it is), on text without combining marks (the
    string's way) and on any text: what the character by character way gives."""
    text = normalise(raw)
    start = data.draw(st.integers(0, len(raw)))
    span = text.span(start, data.draw(st.integers(start, len(raw))))
    assert text.written(span) == text._written_slow(span)
