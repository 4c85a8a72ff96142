"""More of the parser's shortcuts give what the plain way gives: `Authorities.find` keeps each call's finder by
its arguments as given (kinds in any order, and a `lookup` before the first `find`); `text._plain` looks each
character up as it comes (not a set of them first); `lexicon.compact` drops white space by str.split; `Piece`,
`Line` and `Block`, and the model's `Span` and `Fact`, set their fields themselves and stay frozen dataclasses; a `Line`'s
text and blankness are attributes set with its piece; `text.char_counts`, shared by `normalise` and
`detect_language`, is a text's count, read only; `Authorities.of_kind` lists each answer once; a span
over lines is written without the squeeze test first."""

from __future__ import annotations

import collections
import dataclasses
import itertools
import pickle
import re
import sys
import unicodedata

from hypothesis import given, settings as hsettings, strategies as st

from unkg import text as T
from unkg.model import Fact, Span
from unkg.parse.lexicon import compact
from unkg.text import Block, Line, Piece

from conftest import plain_find

TEXTS = ["The Security Council and the General Assembly heard Yemen, Oman and the United Nations.",
         "安全理事会 和 大会 听取了 也门 的 发言", "", "Nothing known here at all."]


def test_find_by_its_arguments_as_given(auth):
    fresh = dataclasses.replace(auth, _finders={}, _by_call={})
    fresh.lookup("Yemen", "en", "organ", "state")  # (the finder made, not compiled, before any find)
    for lang, kinds in itertools.product(("en", "zh", "fr"), [("state",), ("organ", "state"), ("state", "organ")]):
        for text in TEXTS:
            assert fresh.find(text, lang, *kinds) == plain_find(fresh, text, lang, kinds)
            assert fresh.find(text, lang, *kinds) == auth.find(text, lang, *kinds)
    assert fresh.find(TEXTS[0], "en", "state", "organ")  # (the texts do name something)


def _plain_as_was(segment: str) -> bool:
    if segment.isascii():
        return True
    return unicodedata.is_normalized("NFC", segment) and all(map(T._plain_char, set(segment)))


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \u00e9e\u0301\uff21\ufb01\u4e2d\u3000\u201c\u0627\u064b"), max_size=12))
def test_plain_as_with_a_set(segment):
    assert T._plain(segment) == _plain_as_was(segment)


def test_pieces_lines_and_blocks_stay_frozen_dataclasses():
    p = Piece("ab", (1, 2), (2, 3))
    ln = Line(1, 0, 2, 0, 2, p)
    b = Block(p, (ln,))
    for obj in (p, ln, b):
        assert pickle.loads(pickle.dumps(obj)) == obj and hash(obj) == hash(dataclasses.replace(obj))
        try:
            object.__getattribute__(obj, "__setattr__")("piece", None)
        except dataclasses.FrozenInstanceError:
            pass
        else:
            raise AssertionError(f"{type(obj).__name__} is not frozen")
    assert dataclasses.replace(ln, number=7) == Line(7, 0, 2, 0, 2, Piece("ab", (1, 2), (2, 3)))
    assert repr(p) == "Piece(text='ab', starts=(1, 2), ends=(2, 3))"
    assert [f.name for f in dataclasses.fields(Line)] == ["number", "start", "end", "indent", "width", "piece"]


def test_spans_and_facts_stay_frozen_ordered_dataclasses():
    span = Span(3, 9, 1, 2)
    fact = Fact("Yemen", span, "Yemen")
    for obj in (span, fact):
        assert pickle.loads(pickle.dumps(obj)) == obj and hash(obj) == hash(dataclasses.replace(obj))
        try:
            object.__getattribute__(obj, "__setattr__")("span" if obj is fact else "start", None)
        except dataclasses.FrozenInstanceError:
            pass
        else:
            raise AssertionError(f"{type(obj).__name__} is not frozen")
    assert fact.origin == "text" and Fact(value=1, span=None, surface="1", origin="sidecar").origin == "sidecar"
    assert dataclasses.replace(fact, origin="ocr-tolerant") == Fact("Yemen", Span(3, 9, 1, 2), "Yemen", "ocr-tolerant")
    assert sorted([Span(3, 9, 2, 2), Span(3, 9, 1, 2), Span(1, 20, 1, 5)]) == [
        Span(1, 20, 1, 5), Span(3, 9, 1, 2), Span(3, 9, 2, 2)]  # (ordered by their fields in turn)
    assert repr(fact) == "Fact(value='Yemen', span=Span(start=3, end=9, line=1, end_line=2), surface='Yemen', origin='text')"
    assert dataclasses.asdict(fact)["span"] == {"start": 3, "end": 9, "line": 1, "end_line": 2}


def test_a_lines_text_and_blank_follow_its_piece():
    ln = Line(1, 0, 2, 0, 2, Piece("ab", (1, 2), (2, 3)))
    assert (ln.text, ln.blank) == ("ab", False)
    empty = dataclasses.replace(ln, piece=Piece("", (), ()))
    assert (empty.text, empty.blank) == ("", True) and empty != ln
    assert pickle.loads(pickle.dumps(empty)).blank and repr(ln).count("ab") == 1
    for line in T.normalise("A  title\n\n  \u5927\u4f1a \u3000\r\n\t\n").lines:
        assert (line.text, line.blank) == (line.piece.text, not line.piece.text)


def _compact_as_was(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).casefold()


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aB \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u2028\u3000\ufeff\u200b\uff21"
                                        "\u00e9\u0301\ufb01"), max_size=12))
def test_compact_as_with_the_regular_expression(s):
    assert compact(s) == _compact_as_was(s)


def test_compact_removes_all_white_space_re_knows():
    spaces = "".join(chr(o) for o in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(o)))
    assert compact(f"{spaces}A{spaces}b{spaces}") == "ab" == _compact_as_was(f"{spaces}A{spaces}b{spaces}")


@hsettings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ é\u4e2d\u6587\u0430\u0627 1\n"), max_size=30))
def test_counted_characters_as_counted_afresh(raw):
    counted = T.char_counts(raw)
    assert counted == collections.Counter(raw) and T.char_counts(raw) is counted
    try:
        counted["a"] = 1  # (one count handed to every caller: read only)
    except TypeError:
        pass
    else:
        raise AssertionError("char_counts can be written to")


def test_of_kind_as_listed_afresh(auth):
    for kinds in [("post",), ("post", "function"), ("function", "post"), ("state",), ("nothing",), ()]:
        listed = auth.of_kind(*kinds)
        assert listed == [e for e in auth.entities.values() if e.kind in kinds]
        listed.clear()  # (a caller's own list: the next answer is whole)
        assert auth.of_kind(*kinds) == [e for e in auth.entities.values() if e.kind in kinds]


def _written_as_was(raw: str) -> str:
    if unicodedata.is_normalized("NFC", raw) and " ".join(raw.split()) == raw and (
            " " not in raw or raw.isascii() or not T._CJK.search(raw) or not T._SPACE_BY_CJK.search(raw)):
        return raw
    out = ""
    for line in unicodedata.normalize("NFC", raw).split("\n"):
        text = " ".join(line.split())
        if text:
            if out and out[-1] not in T._HYPHENS:
                out += " "
            out += text
    return T._SPACE_BY_CJK.sub("", out) if not out.isascii() and T._CJK.search(out) else out


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab -\n\r\t\u00e9e\u0301\u4e2d\u3000"), max_size=14))
def test_written_as_with_the_squeeze_tried_first(raw):
    assert T._written_fast(raw) == _written_as_was(raw)
