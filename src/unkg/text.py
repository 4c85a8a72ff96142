"""Reading and normalising a document's raw text, keeping every character's place in the original.

`normalise()` is the one entry point. What it guarantees about the `Text` it returns:

1. **The original is kept.** `Text.raw` is the decoded input, unchanged; every normalised character
   knows the offsets (``start``, ``end``) of the original characters it came from, so any value a parser
   finds can be cited as a `Span` of the raw text (with 1-based line numbers).
2. **Lines.** `Text.lines` has one `Line` per line of the raw text (split on ``\\n``; a ``\\r`` before it is
   dropped), with its indent (leading white space, counted in characters) and display width (East Asian
   wide characters count 2; in CJK documents the ambiguous ones, such as ``“`` and ``·``, count 2 too).
3. **Unicode, where safe.** Each character cluster (a base character and its combining marks) is put in
   NFC. NFKC is applied only to the full-width/half-width forms (``（签名）`` -> ``(签名)``, ``２０２５`` ->
   ``2025``), to space variants (no-break, ideographic) and to Latin ligatures; other compatibility
   characters (``²``, ``①``, ``™``) keep their meaning and are left alone. `Text.written()` gives a
   span back without that folding, for values kept "as written".
4. **White space.** In a `Piece`, runs of white space are one space, there is none at either end, and
   there is none next to a CJK character (``2025 年 5 月`` -> ``2025年5月``; this also collapses
   spaced-out CJK headings such as ``大  会`` -> ``大会``).
5. **Wrapped lines joined.** `join()` joins lines with one space, except after a hyphen or dash at the
   end of a line and next to CJK characters, where nothing is inserted.
6. **Paragraphs rebuilt.** `paragraphs()` rebuilds paragraphs from the leading-space convention of the
   PDF text layer: an indented line starts a paragraph; an unindented line continues the previous one
   only if that line was full (at least ``FULL_RATIO`` of the document's full width, the median width
   of its widest tenth of lines), so short
   lines such as signature and closing lines stay on their own. Blank lines never end a paragraph.
"""

from __future__ import annotations

import bisect
import collections
import functools
import re
import types
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .model import Span
from .pieces import (
    _CJK,
    _HYPHENS,
    _SPACE_BY_CJK,
    Piece,
    _join_items,  # noqa: F401 (the reference `join` is checked against: tests/test_text.py)
    _normalise_items,
    _squeezed,
    is_cjk,
    join,
    join_text,  # noqa: F401 (the parser's: text.py holds the text model's functions)
)

FULL_RATIO = 0.8
"""An unindented line continues the paragraph above when that line's width is at least this share of
the document's full line width."""

_LIGATURES = range(0xFB00, 0xFB07)
_WIDTH_FORMS = range(0xFF00, 0xFFF0)


def _fold_cluster(cluster: str, fold: bool) -> str:
    out = unicodedata.normalize("NFC", cluster)
    if fold:
        o = ord(cluster[0])
        if o in _WIDTH_FORMS or o in _LIGATURES or unicodedata.category(cluster[0]) == "Zs":
            out = unicodedata.normalize("NFKC", out)
    return out


def _clusters(raw: str, start: int, end: int, fold: bool) -> Iterable[tuple[str, int, int]]:
    i = start
    while i < end:
        j = i + 1
        while j < end and unicodedata.combining(raw[j]):
            j += 1
        for ch in _fold_cluster(raw[i:j], fold):
            yield ch, i, j
        i = j


def _line_piece(raw: str, start: int, end: int, fold: bool = True) -> Piece:
    if _plain(raw[start:end]):
        return _plain_piece(raw, start, end)
    return _normalise_items(_clusters(raw, start, end, fold))


@functools.lru_cache(maxsize=4096)
def _plain_char(ch: str) -> bool:
    o = ord(ch)
    return not unicodedata.combining(ch) and o not in _WIDTH_FORMS and o not in _LIGATURES


def _plain(segment: str) -> bool:
    """True when every character of `segment` is a cluster of its own that NFC and the folding leave as
    it is (space variants aside: they become one space either way): guarantee 4 can then be computed on
    runs of characters instead of character by character (the same result, checked by a test)."""
    if segment.isascii():  # (no ASCII character combines, is a full-width form or a ligature, or changes in NFC)
        return True
    # (each character looked up as it comes: making a set of them first took longer, on lines of CJK and of
    # English with a curly quote alike)
    return unicodedata.is_normalized("NFC", segment) and all(map(_plain_char, segment))


_RUNS = re.compile(r"\S+")  # \s is str.isspace()
_EMPTY = Piece("", (), ())  # (a blank line's)


def _plain_piece(raw: str, start: int, end: int) -> Piece:
    segment = raw[start:end]
    kept = segment.strip()
    if " ".join(kept.split()) == kept and (kept.isascii() or " " not in kept or not _CJK.search(kept)):
        # each run of white space is one space (not a tab, a no-break space, two spaces; kept: no CJK beside
        # it) or there is none: the text as it is
        a = start + len(segment) - len(segment.lstrip())
        offsets = tuple(range(a, a + len(kept) + 1))  # (one set of numbers for the starts and the ends)
        return Piece(kept, offsets[:-1], offsets[1:])
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = -1  # end of the previous run
    for m in _RUNS.finditer(raw, start, end):
        a, b = m.span()
        if text and not is_cjk(raw[last - 1]) and not is_cjk(raw[a]):
            text.append(" ")  # the white space between two runs: its first character
            starts.append(last)
            ends.append(last + 1)
        text.append(raw[a:b])
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
        last = b
    return Piece("".join(text), tuple(starts), tuple(ends))


# text without combining marks or Hangul jamo, where NFC changes nothing across characters: "as written"
# can then be computed on the string, without the offset bookkeeping (the same result, checked by a test)
_NO_COMBINING = re.compile(r"[^\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
                           r"\u0670\u06d6-\u06ed\u0900-\u0dff\u1100-\u11ff\u1ab0-\u1aff\u1dc0-\u1dff"
                           r"\u20d0-\u20ff\u302a-\u302f\u3099\u309a\ufe20-\ufe2f]*")


def _written_fast(raw: str) -> str:
    if "\n" not in raw and unicodedata.is_normalized("NFC", raw) and _squeezed(raw):
        return raw  # (one line, NFC and as guarantee 4 has it: most values; a line end is white space, never
        # squeezed: a paragraph's lines go below without the test)
    out = ""  # (NFC composes nothing across a line end: the lines of the whole text's NFC are each line's NFC)
    for line in unicodedata.normalize("NFC", raw).split("\n"):
        text = " ".join(line.split())  # (guarantee 4's white space; the spaces beside CJK go at the end)
        if text:
            if out and out[-1] not in _HYPHENS:
                out += " "
            out += text
    return _SPACE_BY_CJK.sub("", out) if not out.isascii() and _CJK.search(out) else out


def display_width(s: str, cjk: bool) -> int:
    if s.isascii():  # (no ASCII character is wide or ambiguous)
        return len(s)
    wide = "WFA" if cjk else "WF"
    return sum(2 if unicodedata.east_asian_width(c) in wide else 1 for c in s)


@dataclass(frozen=True, init=False)
class Line:
    """One line of the raw text."""

    number: int  # 1-based
    start: int  # raw offset of the first character
    end: int  # raw offset just past the last character (before the newline)
    indent: int  # leading white-space characters
    width: int  # display width of the stripped line
    piece: Piece

    def __init__(self, number: int, start: int, end: int, indent: int, width: int, piece: Piece) -> None:
        # (as `Piece.__init__`: the fields written to the dict, not each through object.__setattr__)
        d = self.__dict__
        d["number"], d["start"], d["end"], d["indent"], d["width"], d["piece"] = \
            number, start, end, indent, width, piece
        # its text and whether it is blank, kept at hand as attributes (not fields: not compared nor shown),
        # not properties: the readers ask some 400 to 1,300 times per document
        d["text"], d["blank"] = piece.text, not piece.text


@dataclass(frozen=True, init=False)
class Block:
    """A run of lines read as one unit (a paragraph, a wrapped title)."""

    piece: Piece
    lines: tuple[Line, ...]

    def __init__(self, piece: Piece, lines: tuple[Line, ...]) -> None:
        # (as `Piece.__init__`)
        d = self.__dict__
        d["piece"], d["lines"] = piece, lines

    @property
    def text(self) -> str:
        return self.piece.text


@dataclass(frozen=True)
class Text:
    """A normalised document text. See the module docstring for its guarantees."""

    raw: str
    lines: tuple[Line, ...]
    cjk: bool
    full_width: int

    @functools.cached_property
    def _starts(self) -> tuple[int, ...]:
        """The raw offset each line starts at, in order (computed once: `line_of` is called for every
        span a parser cites, so rebuilding it per call made parsing quadratic in the text's size)."""
        return tuple(ln.start for ln in self.lines)

    def line_of(self, offset: int) -> int:
        """The 1-based number of the line holding raw offset `offset` (a newline belongs to the line it
        ends; an offset past the end belongs to the last line)."""
        return max(1, bisect.bisect_right(self._starts, offset))

    def span(self, start: int, end: int) -> Span:
        line = self.line_of(start)
        starts = self._starts
        if end - 1 <= start or line >= len(starts) or end - 1 < starts[line]:  # (most spans: within one line)
            return Span(start, end, line, line)
        return Span(start, end, line, self.line_of(end - 1))

    def span_of(self, piece: Piece, a: int = 0, b: int | None = None) -> Span:
        return self.span(*piece.offsets(a, b))

    def written(self, span: Span) -> str:
        """The raw text of a span "as written": NFC only (no compatibility folding), lines joined and
        white space normalised as in guarantees 4 and 5."""
        if _NO_COMBINING.fullmatch(self.raw, span.start, span.end):
            return _written_fast(self.raw[span.start:span.end])
        return self._written_slow(span)

    def _written_slow(self, span: Span) -> str:
        pieces = []
        pos = span.start
        while pos <= span.end:
            nl = self.raw.find("\n", pos, span.end)
            stop = span.end if nl < 0 else nl
            pieces.append(_line_piece(self.raw, pos, stop, fold=False))
            if nl < 0:
                break
            pos = nl + 1
        return join(pieces).text

    def is_full(self, line: Line) -> bool:
        return line.width >= FULL_RATIO * self.full_width


@functools.lru_cache(maxsize=8)  # (a CJK text's characters are counted here and to tell its language)
def char_counts(raw: str) -> Mapping[str, int]:
    """How many times each character occurs in `raw` (read only: the same count is handed to every caller)."""
    return types.MappingProxyType(collections.Counter(raw))


@functools.lru_cache(maxsize=8)  # the parser and the mapping read the same text: normalised once
def normalise(raw: str) -> Text:
    """Normalise a decoded document text; see the module docstring for what is guaranteed."""
    han = len(_CJK.findall(raw))
    letters = sum(n for c, n in char_counts(raw).items() if c.isalpha()) if han else 0
    cjk = letters > 0 and han / letters > 0.3
    lines = []
    pos = 0
    for number, line in enumerate(raw.split("\n"), 1):
        start = pos
        pos += len(line) + 1
        if line.endswith("\r"):
            line = line[:-1]
        content = line.strip()
        indent = len(line) - len(line.lstrip())
        piece = _line_piece(raw, start, start + len(line)) if content else _EMPTY
        lines.append(Line(number, start, start + len(line), indent, display_width(content, cjk), piece))
    built = tuple(lines)
    widths = sorted((ln.width for ln in built if not ln.blank), reverse=True)
    top = max(1, len(widths) // 10)
    full = widths[top // 2] if widths else 0  # median of the widest tenth: robust to one long line
    return Text(raw, built, cjk, full)


def paragraphs(text: Text, lines: Sequence[Line]) -> list[Block]:
    """Rebuild paragraphs from a run of lines (guarantee 6)."""
    blocks: list[list[Line]] = []
    prev: Line | None = None
    for ln in lines:
        if ln.blank:
            continue
        continues = (
            prev is not None
            and ln.indent == 0
            and (text.is_full(prev) or prev.text[-1] in _HYPHENS)
        )
        if continues:
            blocks[-1].append(ln)
        else:
            blocks.append([ln])
        prev = ln
    return [Block(join([ln.piece for ln in b]), tuple(b)) for b in blocks]


def block(lines: Sequence[Line]) -> Block:
    """Lines read as one unit whatever their indents (a wrapped title or heading)."""
    kept = tuple(ln for ln in lines if not ln.blank)
    return Block(join([ln.piece for ln in kept]), kept)
