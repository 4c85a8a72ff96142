"""More of the parser's shortcuts give what the plain way gives: `tolerant.first_word_mended` keeps its answers
for a line's text in the vocabulary's memo (bounded), the same as made afresh, asked once or again."""

from __future__ import annotations

from unkg.parse.tolerant import _WORD, _repair_word, first_word_mended, tolerance, vocabulary

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
