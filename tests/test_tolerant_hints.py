"""The tolerant reading's shortcuts (parse/tolerant.py): a line the cheap test before the fuzzy search (`_hint`)
rejects never holds the phrase, however damaged within the phrase's budget of errors, and the hint does reject
lines (it is a filter, not a formality); `mended`, which in ASCII text looks only at words mixing digits and
letters, mends a text as mending each of its words does."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from unkg.parse.formulas import languages
from unkg.parse.tolerant import mend_word, mended, tolerance

LANGS = sorted(lang for lang in languages() if tolerance(lang) is not None)
PHRASES = [(lang, i) for lang in LANGS for i in range(len(tolerance(lang).phrases))]
LETTERS = "abcdeilmnorstuvyzABCEGINOSé10|!5- '"


def _damaged(phrase: str, edits: list[tuple[int, int, str]]) -> str:
    """`phrase` with each edit (kind, place, letter) made: 0 a letter read as another, 1 one dropped, 2 one
    added."""
    text = phrase
    for kind, at, ch in edits:
        at %= len(text) + (kind == 2)
        if kind == 0 and at < len(text):
            text = text[:at] + ch + text[at + 1:]
        elif kind == 1 and len(text) > 1 and at < len(text):
            text = text[:at] + text[at + 1:]
        else:
            text = text[:at] + ch + text[at:]
    return text


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(which=st.sampled_from(PHRASES), edits=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 40),
                                                                st.sampled_from(LETTERS)), max_size=3),
       before=st.text(LETTERS, max_size=12), after=st.text(LETTERS, max_size=12))
def test_a_line_holding_a_damaged_phrase_passes_its_hint(which, edits, before, after):
    lang, i = which
    tol = tolerance(lang)
    (phrase, pattern), hint = tol.phrases[i], tol.hints[i]
    line = f"{before} {_damaged(phrase, edits)} {after}"
    if pattern.search(line) is not None:
        assert hint.search(line) is not None, (phrase, line)


def test_the_hints_reject_lines_without_the_phrases():
    tol = tolerance("en")
    line = "Bosnia and Herzegovina wishes to thank the members for their kind help"
    hints = dict(zip((p for p, _ in tol.phrases), tol.hints))
    assert hints["Security Council"].search(line) is None
    assert hints["Security Council"].search("the SECURITY OXJNCIL met") is not None  # "SECU" is intact
    assert sum(h.search(line) is None for h in tol.hints) > len(tol.hints) / 2


def test_every_language_with_a_tolerance_is_checked():
    assert {"en", "fr", "es"} <= set(LANGS)


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(text=st.text("aeilsoOBQSI1|!05²³_ -.,'/éı", max_size=24), lang=st.sampled_from(LANGS))
def test_mended_mends_every_word(text, lang):
    want = re.sub(r"\w+", lambda m: mend_word(m.group(0), tolerance(lang)), text)
    assert mended(text, lang) == want


def test_mended_mends():
    assert mended("dated l9 Ju1y 2OO3 in S/2O25/6 and 12", "en") == "dated 19 July 2003 in S/2025/6 and 12"
