"""A text layer that lost its line breaks (parse/reflow.py): any real text (../shared/corpus/en and the
seed) joined into one line gives the card of the original for the parts that identify the communication
(symbols, date, organs, sender, recipients); a text in the genre's layout is never re-broken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from unkg.facts import card
from unkg.parse.document import parse_text

from conftest import SEED, SHARED, shared_path

CORPUS = SHARED / "corpus" / "en"
TEXTS = ([SEED] + sorted(CORPUS.glob("*.txt"))) if CORPUS.is_dir() else [SEED]
COMPARED = ("symbols", "date", "organs", "sender", "recipients")
_cards: dict = {}


def _original(path, auth) -> dict:
    if path not in _cards:
        _cards[path] = card(parse_text(path.read_text(encoding="utf-8"), auth, str(path)))
    return _cards[path]


@pytest.mark.parametrize("joiner", [" ", "  ", " \t", "\u00a0"], ids=repr)
@pytest.mark.parametrize("path", TEXTS, ids=[p.name for p in TEXTS])
def test_a_text_joined_into_one_line_gives_the_original_card(path, joiner, auth):
    raw = path.read_text(encoding="utf-8")
    one_line = joiner.join(raw.split())
    got = card(parse_text(one_line, auth, str(path)))
    want = _original(path, auth)
    for field in COMPARED:
        assert got[field] == want[field], f"{path.name}: {field}"
    assert any("the text had no line breaks: read by the genre's formulas" in w for w in got["warnings"])


@pytest.mark.parametrize("path", TEXTS, ids=[p.name for p in TEXTS])
def test_every_real_text_joined_into_one_line(path, auth):
    """The same, for each text once (the property's examples may leave one out)."""
    one_line = re.sub(r"\s+", " ", path.read_text(encoding="utf-8")).strip()
    got = card(parse_text(one_line, auth, str(path)))
    want = _original(path, auth)
    assert {f: got[f] for f in COMPARED} == {f: want[f] for f in COMPARED}


@pytest.mark.parametrize("path", TEXTS, ids=[p.name for p in TEXTS])
def test_a_text_in_the_layout_is_not_rebroken(path, auth):
    doc = parse_text(path.read_text(encoding="utf-8"), auth, str(path))
    assert not any("read by the genre's formulas" in w.message for w in doc.warnings)
    assert len(doc.source.text.lines) == doc.source.raw.count("\n") + 1


def test_spans_point_into_the_original_text(auth):
    """Re-breaking inserts nothing: every span of a one-line text quotes the text it was read from."""
    raw = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8")).strip()
    doc = parse_text(raw, auth, "seed-one-line")
    assert doc.source.text.raw == raw
    for mention in doc.mentions:
        span = mention.surface.span
        assert span is not None and doc.source.text.written(span) == mention.surface.value


# -- one word per line (parse/relined.py) ---------------------------------------------------------------

_LATIN = [p for p in TEXTS if p != SEED]  # (the layout is told in the languages with a [tolerant] table)
ONE_WORD = COMPARED + ("kind", "issued", "original_language", "title", "circulate_as")


@pytest.mark.parametrize("path", _LATIN, ids=[p.name for p in _LATIN])
def test_a_text_one_word_per_line_gives_the_original_card(path, auth):
    """Its words joined into one line (a newline between two words is their separator) and re-broken at the
    genre's formulas: the card of the original, but for an annex's parts, which may be left out (a letter
    annexed keeps its own title: the title under its heading is cut where it reads as whole)."""
    raw = path.read_text(encoding="utf-8")
    got = card(parse_text("\n".join(raw.split()) + "\n", auth, str(path)))  # (a whole text: its last line ended)
    want = _original(path, auth)
    assert {f: got[f] for f in ONE_WORD} == {f: want[f] for f in ONE_WORD}
    assert [a["label"] for a in got["annexes"]] == [a["label"] for a in want["annexes"]]
    for mine, theirs in zip(got["annexes"], want["annexes"]):  # a part left out, never a wrong one
        assert all(v is None or v == theirs[k] for k, v in mine.items()), (mine, theirs)
    assert any(w.startswith("the text held one word per line") and "read by the genre's formulas" in w
               for w in got["warnings"])


@pytest.mark.parametrize("joiner", ["\n", "\r\n", "\n\n", " \n", "\n\u00a0"], ids=repr)
def test_one_word_per_line_with_any_line_ends(joiner, auth):
    """Every real text, with every kind of line end (all of them: a sample of the pairs once passed while
    one pair failed)."""
    if not _LATIN:
        shared_path("corpus", "en")  # skips without ../shared, fails under CI
    for path in _LATIN:
        got = card(parse_text(joiner.join(path.read_text(encoding="utf-8").split()) + joiner, auth, str(path)))
        want = _original(path, auth)
        assert {f: got[f] for f in COMPARED} == {f: want[f] for f in COMPARED}, path.name


def test_one_word_per_line_spans_quote_the_original(auth):
    """Joining inserts nothing: every span quotes the text it was read from, across the newlines."""
    if not _LATIN:
        shared_path("corpus", "en")  # skips without ../shared, fails under CI
    raw = "\n".join(_LATIN[0].read_text(encoding="utf-8").split()) + "\n"
    doc = parse_text(raw, auth, "one-word")
    assert doc.source.text.raw == raw
    facts = [m.surface for m in doc.mentions] + list(doc.symbols) + [doc.title, doc.date]
    for fact in facts:
        if fact is not None and fact.span is not None:
            assert doc.source.text.written(fact.span) == fact.surface


def test_a_page_of_running_headers_is_not_one_word_per_line(auth):
    """Many lines of one word that hold few of the text's words (the running headers and page numbers of
    pages left empty) are page furniture, not the layout lost."""
    from unkg.parse.relined import one_word_per_line
    from unkg.text import normalise

    letter = ("I have the honour to transmit herewith the decision adopted today by the Tribunal, and "
              "kindly ask you to forward it to the members of the Security Council.\n") * 6
    pages = "".join(f"/...\nS/1997/126\nEnglish\nPage {n}\n" for n in range(2, 12))
    assert one_word_per_line(normalise(letter + pages), "en") is None
    assert one_word_per_line(normalise("\n".join((letter + pages).split())), "en") is not None


_CASES = sorted(p for p in (Path(__file__).parent / "cases").glob("[efs][ns]-*/input.txt"))


@pytest.mark.parametrize("path", _CASES, ids=[p.parent.name for p in _CASES])
def test_a_case_one_word_per_line_gives_no_wrong_value(path, auth):
    """The parser cases (English, French, Spanish) one word per line: each value of the card is the original's,
    or left out (a note verbale's title holds the body's opening words, "from the Permanent Mission of …": it
    ends at the first after which it reads as whole; a title OCR damaged: the masthead ends where the body
    opens, and a footnote's symbol is not read as the document's own)."""
    raw = path.read_text(encoding="utf-8")
    want = card(parse_text(raw, auth, str(path)))
    got = card(parse_text("\n".join(raw.split()) + "\n", auth, str(path)))  # (a whole text: its last line ended)
    for field in ONE_WORD:
        assert _left_out_at_most(got[field], want[field]), field
    theirs = {a["label"]: a for a in want["annexes"]}
    for mine in got["annexes"]:
        assert _left_out_at_most(mine, theirs[mine["label"]]), mine


def _left_out_at_most(got, want) -> bool:
    """`got` is `want`, but for values (or an organ's agenda items) left out."""
    if got == want or got is None or got == []:
        return True
    if isinstance(got, dict) and isinstance(want, dict):
        return all(k in want and _left_out_at_most(v, want[k]) for k, v in got.items())
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return all(_left_out_at_most(a, b) for a, b in zip(got, want))
    return False
