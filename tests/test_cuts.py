"""Real texts cut at random points (issue 16): the seed and ../shared/corpus/en, each cut at a character
offset or at a line end, are (a) never refused while the prefix keeps a mark of the genre (a document
symbol, an organ, the title) and a language can be told, (b) always warned about ("appears to stop"), and
(c) never give a value the whole document does not, except a field the cut warning names.

The first test draws cuts in the masthead, the title or the letter's body, up to its signature block; the
second after it (in the signature block, an enclosure or an annex), where (a) and (c) hold as well, and (b)
where a cut leaves a mark: a line left without its end, or a signature marker without the name after it. A
cut at the end of a line after the signatory's name, or inside an annex's table, leaves a text that reads
as a whole document and cannot be told (`check(..., anywhere=True)` states (b) everywhere, and fails on
those: about 2.5 % of the cuts after the body)."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unkg import authority
from unkg.config import load_settings
from unkg.errors import InputError
from unkg.facts import card
from unkg.parse import detect_language, parse_text

from conftest import ROOT, SEED, excused_fields, shared_path
from test_bad_input import _within

RUNS = settings(max_examples=2500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SENTENCE_END = ".!?;:。！？；："
CLOSERS = "”’\")»）」』"


@cache
def texts() -> tuple:
    corpus = shared_path("corpus", "en")
    return tuple([SEED] + sorted(corpus.glob("*.txt")))


_WHOLE: dict = {}


def whole(path, auth):
    """The text, its document and its card, parsed once."""
    if path not in _WHOLE:
        raw = path.read_text(encoding="utf-8")
        doc = parse_text(raw, auth, str(path))
        _WHOLE[path] = raw, doc, card(doc)
    return _WHOLE[path]


def first_mark(doc) -> int:
    """Where the text's first mark of the genre ends: a document symbol, an organ of the masthead, the
    title (as written in the whole text; its opening formula is as much a mark as the whole title, so its
    start plus a few characters)."""
    ends = [s.span.end for s in doc.symbols if s.span]
    ends += [o.organ.span.end for o in doc.organs if o.organ.span]
    if doc.title is not None and doc.title.span:
        ends.append(doc.title.span.end)
    return min(ends)


def content_end(raw: str, doc) -> int:
    """Where the document's text ends: the end of its last line that is not page furniture (a job
    number, print code, page number or running header, with its language line, after the last words are
    no part of what is read, and the parser skips them as it does)."""
    from unkg.parse import masthead as core
    from unkg.text import normalise

    own = {s.value for s in doc.symbols} | {s.surface for s in doc.symbols}
    lines = [ln for ln in normalise(raw).lines
             if not ln.blank and not core.is_furniture(ln, own) and core.language_code(ln.text) is None]
    return max(ln.piece.offsets()[1] for ln in lines) if lines else len(raw.rstrip())


def body_end(raw: str, doc) -> int:
    """Where the letter's body ends: its signature block (the marker), or else its first annex heading,
    or else the end of the text's content."""
    starts = [doc.sender.signed.span.start] if doc.sender and doc.sender.signed and doc.sender.signed.span else []
    starts += [a.heading.span.start for a in doc.annexes if a.heading is not None and a.heading.span]
    return min(starts) if starts else content_end(raw, doc)


def undetectable(raw: str, doc, end: int) -> bool:
    """docs/reading.md, "Truncated files": a cut that falls at the end of a sentence inside the text of the last
    annex (after its heading and title) leaves a text that reads as a complete document whose annex ends
    there."""
    if not doc.annexes:
        return False
    annex = doc.annexes[-1]
    starts = [f.span.end for f in (annex.heading, annex.title) if f is not None and f.span]
    return end > max(starts) and raw[:end].rstrip(CLOSERS)[-1:] in SENTENCE_END


@st.composite
def cuts(draw):
    """A text and where it is cut: at a character, or at the end of that character's line, in its masthead,
    title or letter's body (up to the signature block: see the module's docstring)."""
    path = draw(st.sampled_from(texts()))
    raw, full, _ = whole(path, authorities())
    stop = body_end(raw, full)
    at = draw(st.integers(1, stop))
    if draw(st.booleans()):  # at a line end
        nl = raw.find("\n", at)
        at = at if nl < 0 or nl + 1 > stop else nl + 1
    return path.name, at


def within(cut, whole) -> bool:
    """test_bad_input's `_within` (every value the cut card gives is the whole card's; a missing value is
    no disagreement), where a list of names may also stop early: the recipients read before the cut are
    the first of the whole's."""
    if (isinstance(cut, list) and isinstance(whole, list) and cut
            and not any(isinstance(x, dict) for x in cut + whole)):
        return cut == whole[: len(cut)]
    return _within(cut, whole)


def check(path, at: int, auth, anywhere: bool = False) -> None:
    """The three properties for `path` cut after `at` characters; (b) for a cut before the letter's
    signature block, or, `anywhere`, before the end of the text's content but for the last annex's
    sentence ends (docs/reading.md, "Truncated files")."""
    raw, full, full_card = whole(path, auth)
    prefix = raw[:at]
    end = len(prefix.rstrip())
    try:
        doc = parse_text(prefix, auth, str(path))
    except InputError as exc:  # (a) refused only when no mark of the genre is left, or no language told
        untold = detect_language(prefix, auth) is None
        assert end < first_mark(full) or untold, ("refused", path.name, at, str(exc))
        return
    got = card(doc)
    stops = [w for w in got["warnings"] if "appears to stop" in w]
    # (b) a cut in the masthead, the title or the letter's body is warned about
    if end < body_end(raw, full) or (anywhere and end < content_end(raw, full)
                                     and not undetectable(raw, full, end)):
        assert stops, ("not warned", path.name, at, prefix[-80:])
    # (c) every value is the whole document's, except a field the parser says it dropped or doubts
    excused = excused_fields(got["warnings"])
    for key, value in got.items():
        if key == "warnings" or key in excused:
            continue
        assert within(value, full_card[key]), ("invented", path.name, at, key, value, full_card[key])


@cache
def authorities():
    conf = load_settings(ROOT, env={})
    return authority.load(conf.authorities_dir, conf.base)


@st.composite
def cuts_after_the_body(draw):
    """A text and where it is cut, after its letter's body: in the signature block, an enclosure, an annex."""
    path = draw(st.sampled_from([p for p in texts() if body_end(*whole(p, authorities())[:2])
                                 < content_end(*whole(p, authorities())[:2])]))
    raw, full, _ = whole(path, authorities())
    at = draw(st.integers(body_end(raw, full), content_end(raw, full)))
    if draw(st.booleans()):  # at a line end
        nl = raw.find("\n", at)
        at = at if nl < 0 else nl + 1
    return path.name, at


@settings(RUNS, max_examples=1000)
@given(cuts_after_the_body())
def test_a_text_cut_after_its_body_is_read_and_invents_nothing(cut):
    """(a) and (c) wherever the cut falls; (b) where it leaves a mark: the last line without its end, or the
    signature marker without the signatory's name."""
    name, at = cut
    path = next(p for p in texts() if p.name == name)
    auth = authorities()
    check(path, at, auth)
    raw, full, _ = whole(path, auth)
    prefix = raw[:at]
    marked = prefix.rstrip(" \t")[-1:] not in ("\n", "\r", "\f", "")
    name_end = full.sender.name.span.end if full.sender and full.sender.name and full.sender.name.span else None
    if name_end is not None and full.sender.signed and full.sender.signed.span:
        marked |= full.sender.signed.span.end <= len(prefix.rstrip()) < name_end and not full.annexes
    if marked:
        doc = parse_text(prefix, auth, str(path))
        assert any("appears to stop" in w.message for w in doc.warnings), ("not warned", name, at, prefix[-80:])


@RUNS
@given(cuts())
def test_a_text_cut_before_its_signature_block_is_read_warned_and_invents_nothing(cut):
    name, at = cut
    check(next(p for p in texts() if p.name == name), at, authorities())


def test_a_whole_text_ending_with_any_white_space_after_its_last_line_end_is_not_cut(auth):
    """The mid-line cut mark looks past the white space after the last line end, of any kind (a no-break or
    ideographic space, a tab): a whole text is not warned of a cut, its last values kept; and the same text
    stopping in the middle of its last line is."""
    raw = SEED.read_text(encoding="utf-8").rstrip() + "\n"
    want = card(parse_text(raw, auth, str(SEED)))
    assert not any("appears to stop" in w for w in want["warnings"])
    for tail in ("\u00a0", "\u3000", " \t\u00a0", "\u2003 "):
        got = card(parse_text(raw + tail, auth, str(SEED)))
        assert not any("appears to stop" in w for w in got["warnings"]), repr(tail)
        assert got["sender"] == want["sender"], repr(tail)
    cut = card(parse_text(raw.rstrip() + "\u00a0", auth, str(SEED)))
    assert any("appears to stop" in w for w in cut["warnings"])
