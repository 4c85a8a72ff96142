"""More of the parser's shortcuts give what the plain way gives: `tolerant.first_word_mended` keeps its answers
for a line's text in the vocabulary's memo (bounded), the same as made afresh, asked once or again;
`Authorities.find` keeps each name as written with its entity (bounded), `lookup` its table by the arguments
as given."""

from __future__ import annotations

import dataclasses
import itertools
import re

from unkg.parse.tolerant import _WORD, _repair_word, first_word_mended, tolerance, vocabulary

from conftest import plain_find

LINES = ["Anncx I", "ANNEX II", "Annex", "Enc1osure", "Encl0sure to the letter", "The Security Council",
         "", " ", "Anncx", "L'ANNEXE", "Annexe I", "Anexo", "5ecurity Counci1", "S/2O25/6S6 and more",
         "Unitcd Nations", "annex", "Ann3x Ⅳ", "Ánnex I", "\tAnncx I", "Annex\u00a0I"]


def _plain(auth, lang: str, text: str) -> str | None:  # (the function as it was, without the memo)
    tol = tolerance(lang)
    m = _WORD.match(text)
    if tol is None or m is None:
        return None
    new = _repair_word(m.group(0), tol, vocabulary(auth, tol))
    if new is None or len(new) != m.end() or new.casefold() == m.group(0).casefold():
        return None
    return new + text[m.end():]


def test_first_word_mended_as_made_afresh(auth):
    for lang in ("en", "fr", "es", "ru", "zh", "ar"):
        for text in LINES:
            want = _plain(auth, lang, text)
            assert first_word_mended(auth, lang, text) == want  # (made, and kept)
            assert first_word_mended(auth, lang, text) == want  # (from the memo)
    assert first_word_mended(auth, "en", "Anncx I") == "Annex I"  # (the memo holds what mends, too)


def test_first_word_memo_is_bounded(auth):
    voc = vocabulary(auth, tolerance("en"))
    kept = dict(voc.firsts)
    try:
        voc.firsts.clear()
        voc.firsts.update({f"x{i}": None for i in range(1 << 12)})
        assert first_word_mended(auth, "en", "Anncx II") == "Annex II"
        assert "Anncx II" not in voc.firsts and len(voc.firsts) == 1 << 12
    finally:
        voc.firsts.clear()
        voc.firsts.update(kept)


NAMED = ["The Security Council and the General Assembly heard Yemen, Oman and the United Nations.",
         "THE SECURITY COUNCIL, YEMEN and OMAN; the security council, yemen, oman.", "Woman; Omani; Yemenite.",
         "安全理事会 和 大会 听取了 也门 的 发言", "", "Le Conseil de sécurité et le Yémen, LE CONSEIL DE SÉCURITÉ.",
         "ſecurity Council, \u212aenya, Kenya, KENYA, India"]


def test_find_and_lookup_remember_as_the_plain_way_answers(auth):
    fresh = dataclasses.replace(auth, _finders={}, _by_call={}, _tables={})
    for lang, kinds in itertools.product(("en", "zh", "fr"), [("state",), ("organ", "state"), ("state", "organ")]):
        for text in NAMED + NAMED:  # (the second time from the memo)
            assert fresh.find(text, lang, *kinds) == plain_find(fresh, text, lang, kinds)
            for name in re.split(r"[,;.]\s*", text):
                table = fresh._finder(lang, frozenset(kinds))[2]
                assert fresh.lookup(name, lang, *kinds) == table.get(fresh._key(name, lang))
    assert len(fresh.find(NAMED[1], "en", "state", "organ")) == 6
    assert fresh.lookup("yemen", "en", "organ", "state") == fresh.lookup("YEMEN", "en", "state", "organ") is not None


def test_find_memo_is_bounded(auth):
    fresh = dataclasses.replace(auth, _finders={}, _by_call={}, _tables={})
    fresh.find("", "en", "state")
    seen = fresh._by_call["en", ("state",)][2]
    seen.update({f"x{i}": None for i in range(4096)})
    assert fresh.find("Yemen and Oman", "en", "state") == plain_find(fresh, "Yemen and Oman", "en", ("state",))
    assert "Yemen" not in seen and len(seen) == 4096
