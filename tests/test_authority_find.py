"""Names found in a text (authority.py): the names' pattern grouped by first letter (`_alternation`) finds what
the plain alternation of the names, longest first, finds — the same places and the same names — for any names
and text (letters that case-folding makes one included: i, I, ı, İ, k, K, s, ſ), and for the authority data's
names in the real documents; the scan for names of a few ASCII first letters (`_whole_words`) finds what the plain
alternation of whole words finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from unkg.authority import _alternation, _whole_words

from conftest import shared_path

LETTERS = "aisIıİkKKsſßé 大会-"
NAME = st.text(LETTERS, min_size=1, max_size=5)


def _plain(names: list[tuple[str, str]]) -> str:
    return "|".join(re.escape(name) + suffix for name, suffix in names)


def _found(body: str, flags: int, text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in re.finditer(rf"(?<!\w)(?:{body})", flags=flags, string=text)]


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(names=st.lists(st.tuples(NAME, st.sampled_from(["", r"(?!\w)"])), min_size=1, max_size=12,
                      unique_by=lambda n: n[0]),
       text=st.text(LETTERS, max_size=40), ignorecase=st.booleans())
def test_grouped_names_match_as_the_plain_alternation(names, text, ignorecase):
    names.sort(key=lambda n: (-len(n[0]), n[0]))  # (the order authority.py gives them: longest first)
    flags = re.IGNORECASE if ignorecase else 0
    assert _found(_alternation(names, flags), flags, text) == _found(_plain(names), flags, text)


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(names=st.lists(st.builds(str.__add__, st.sampled_from("aIsK-"), st.text(LETTERS, max_size=4)), min_size=1,
                      max_size=12, unique=True),
       text=st.text(LETTERS + "AS", max_size=40))
def test_whole_words_match_as_the_plain_alternation(names, text):
    """The scan for names that start with a few ASCII characters (`_whole_words`) finds, without flags,
    what the plain alternation of whole words finds with IGNORECASE (the same places, the same names)."""
    names.sort(key=lambda n: (-len(n), n))
    body = _whole_words(names)
    assert body is not None  # (at most ten first characters, each ASCII and its own letter)
    plain = rf"(?<!\w)(?:{'|'.join(map(re.escape, names))})(?!\w)"
    assert ([(m.start(), m.end()) for m in re.finditer(body, text)]
            == [(m.start(), m.end()) for m in re.finditer(plain, text, re.IGNORECASE)])


def test_whole_words_is_only_for_names_of_a_few_ascii_first_letters():
    assert _whole_words(["Iran", "Oman"]) is not None
    assert _whole_words(["Iran", "iraq"]) is None  # (one letter in two cases: left to `_alternation`)
    assert _whole_words(["Éire", "Oman"]) is None
    assert _whole_words([c + "x" for c in "abcdefghijk"]) is None  # (eleven first letters)


def test_names_are_grouped_by_first_letter():
    body = _alternation([("iran", ""), ("israel", ""), ("oman", ""), ("ıs", "")], re.IGNORECASE)
    assert body.count("(?:") == 1  # i and ı match the same letters: one group, written out in full, and o's
    assert re.fullmatch(body, "İSRAEL", re.IGNORECASE) and not re.fullmatch(body, "Ira", re.IGNORECASE)
    assert _alternation([("iran", ""), ("oman", "")], 0) == "i(?:ran)|o(?:man)"


def test_a_match_whose_fold_is_no_name_is_passed_over(auth):
    # re's case-insensitive match takes "İ" for "i" letter by letter, where casefold() makes it "i" and a
    # combining dot: "İndia" is matched by the names' pattern but is no name once folded (it raised KeyError,
    # and the parser refused the whole document as an internal error)
    found = auth.find("The Permanent Mission of İndia and of India", "en", "state")
    assert [(text[a:b], e.label) for a, b, e in found
            for text in ["The Permanent Mission of İndia and of India"]] == [("India", "India")]


def test_the_real_documents_give_the_same_names(auth):
    texts = sorted(shared_path("corpus").rglob("*.txt"))
    kinds = ("state", "organization", "person", "place", "instrument", "designation")
    for lang in ("en", "zh"):
        body, flags, table = auth._finder(lang, frozenset(kinds))
        body = body if isinstance(body, str) else body.pattern
        names = sorted(table, key=lambda s: (-len(s), s))
        alts = [(n, "") for n in names]
        plain = re.compile(body.replace(_alternation(alts, flags), _plain(alts)), flags)
        assert plain.pattern != body
        for path in texts:
            text = path.read_text(encoding="utf-8")
            got = auth.find(text, lang, *kinds)
            assert got == [(m.start(), m.end(), table[auth._key(m.group(0), lang)]) for m in plain.finditer(text)]
            assert got or lang != path.parent.name, path  # every document names something
