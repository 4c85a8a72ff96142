"""The parts of a masthead that read the same in every language version (symbols, ``Distr.``, the
issue date, ``Original:``), and the page furniture of UN documents (job numbers, print codes, page
numbers, running headers) that every reader skips."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Callable, Sequence

from ..model import Fact
from ..text import Line, Piece
from .context import Context
from .lexicon import language_code, lexicon, make_date

# A UN document symbol: a series root and slash-separated parts (A/80/500, S/2025/656, A/C.3/79/L.5,
# S/1998/1025/Rev.1); joint symbols are joined by a hyphen or a dash.
SYMBOL = r"(?:[A-Z]{1,6})(?:/[A-Za-z0-9.]+)+(?:\*{1,3})?"
_JOINT = re.compile(rf"^(?P<a>{SYMBOL})(?:\s*[-\u2010-\u2015\u2212]\s*(?P<b>{SYMBOL}))?$")


@dataclass
class Masthead:
    symbols: list[Fact[str]] = field(default_factory=list)
    issued: Fact[dt.date] | None = None
    original_language: Fact[str] | None = None
    lines_used: set[int] = field(default_factory=set)
    cut: dict[int, int] = field(default_factory=dict)  # line number -> where its masthead items begin

    def organ_piece(self, line: Line) -> Piece:
        """The part of a line before the masthead items it carries (all of it when it carries none)."""
        at = self.cut.get(line.number)
        return line.piece if at is None else line.piece.sub(0, at)


# Latin-script boundaries: in "安全理事会Distr." the CJK character before "Distr" is a word character too
_SYMBOL_IN_LINE = re.compile(rf"(?<![A-Za-z0-9/]){SYMBOL}")
_DISTR_IN_LINE = re.compile(r"(?<![A-Za-z])Distr\.?\s*:?\s*(?:General|Limited|Restricted|générale|general|restreinte)?",
                            re.IGNORECASE)
_EN_DATE_IN_LINE = re.compile(r"(?<![A-Za-z0-9|!])(?P<d>\d{1,2})\s+(?P<m>[A-Za-z]+)\s+(?P<y>\d{4})(?!\d)")
# the original-language label (data/languages.toml), never the end of a longer word ("Unoriginal")
_ORIGINAL = "|".join((rf"(?<![{before}])" if before else "") + re.escape(label)
                     for label, before in lexicon()["original_labels"].items())
_DISTRIBUTION = re.compile(r"(?:General|Limited|Restricted)", re.IGNORECASE)  # "Distr." / "GENERAL"
_LETTER = re.compile(r"\w")
_ORIGINAL_IN_LINE = re.compile(rf"(?:{_ORIGINAL})\s*[:：8]?\s*(?P<lang>[^\s,;]*)", re.IGNORECASE)
# "[Original: French]" on a line of its own: the original language of an annex (or of the text under it)
ORIGINAL_NOTE = re.compile(rf"^[\[(]?\s*(?:{_ORIGINAL})\s*[:：]\s*(?P<lang>[^\s\])]+)\s*[\])]?$", re.IGNORECASE)


def read_masthead(ctx: Context, lines: Sequence[Line],
                  find_date: Callable[[str], tuple[dt.date, int, int] | None] | None = None) -> Masthead:
    """The parts of a masthead that read the same in every language version: the symbols (before any
    body text, so symbols the body cites are never taken), ``Distr.``, the issue date and ``Original:``.
    They may stand on lines of their own or share a line (``United Nations A/80/500-S/2025/656``,
    ``大会 安全理事会 Distr.: General``); a line they fill is used up, and where an organ line carries
    them after the organ names, `Masthead.cut` says where the organ names end. `find_date` finds a date
    in the document's language (the English form is always tried first)."""
    mh = Masthead()
    months = lexicon()["months"]["en"]
    original_pending = False
    standalone_languages: list[tuple[Line, str]] = []
    for ln in lines:
        if ln.blank:
            continue
        t = ln.text
        code = language_code(t)
        if code and not _ORIGINAL_IN_LINE.match(t):
            if original_pending:  # the language under "ORIGINAL:" follows it (the one above is the version's)
                standalone_languages.append((ln, code))
            continue
        spans: list[tuple[int, int]] = []
        for m in _SYMBOL_IN_LINE.finditer(t):
            mh.symbols.append(ctx.written(ln.piece, m.start(), m.end()))
            spans.append(m.span())
        for m in _DISTR_IN_LINE.finditer(t):
            spans.append(m.span())
        if mh.issued is None:  # the masthead's one date: the issue date
            m = _EN_DATE_IN_LINE.search(t)
            month = months.get(m.group("m").casefold()) if m else None
            date = make_date(int(m.group("y")), month, int(m.group("d"))) if m and month else None
            found = (date, m.start(), m.end()) if date else (find_date(t) if find_date else None)
            if found:
                mh.issued = ctx.fact(found[0], ln.piece, found[1], found[2])
                spans.append((found[1], found[2]))
        m = _ORIGINAL_IN_LINE.search(t)
        if m:
            lang = language_code(m.group("lang")) if m.group("lang") else None
            if lang:
                mh.original_language = ctx.fact(lang, ln.piece, m.start("lang"), m.end("lang"))
            elif m.group("lang"):
                ctx.warn(f"original language {m.group('lang')!r} is not one of the official languages",
                         ctx.span(ln.piece))
            else:
                original_pending = True  # "ORIGINAL:" with the language on a line of its own
            spans.append(m.span())
        if not spans:
            if _DISTRIBUTION.fullmatch(t):  # "Distr." / "GENERAL"
                mh.lines_used.add(ln.number)
            continue
        rest = list(t)
        for a, b in spans:
            rest[a:b] = " " * (b - a)
        residue = "".join(rest)
        if not _LETTER.search(residue) or ctx.auth.lookup(residue.strip(), ctx.lang, "organization"):
            mh.lines_used.add(ln.number)
        else:
            mh.cut[ln.number] = min(a for a, _ in spans)
    if original_pending and mh.original_language is None and standalone_languages:
        ln, code = standalone_languages[0]
        mh.original_language = ctx.fact(code, ln.piece)
        mh.lines_used.add(ln.number)
    mh.symbols = _clean_symbols(ctx, mh.symbols)
    return mh


def is_masthead_line(line: Line, find_date: Callable[[str], tuple[dt.date, int, int] | None] | None = None) -> bool:
    """Is the line's text only masthead items (symbols, ``Distr.``, a date, ``Original:``, ``General``)? A
    date among other words (a body's "the 30 May 1997 election date") is not."""
    t = line.text
    spans = [m.span() for p in (_SYMBOL_IN_LINE, _DISTR_IN_LINE, _ORIGINAL_IN_LINE) for m in p.finditer(t)]
    m = _EN_DATE_IN_LINE.search(t)
    if m and lexicon()["months"]["en"].get(m.group("m").casefold()):
        spans.append(m.span())
    elif find_date is not None and (found := find_date(t)):
        spans.append(found[1:])
    rest = list(t)
    for a, b in spans:
        rest[a:b] = " " * (b - a)
    residue = "".join(rest).strip(" .,;:")
    return bool(spans) and not re.search(r"\w", residue) or bool(re.fullmatch(r"(?:General|Limited|Restricted)",
                                                                          residue, re.IGNORECASE))


def _clean_symbols(ctx: Context, symbols: list[Fact[str]]) -> list[Fact[str]]:
    """OCR adds stray letters to a symbol's last part (A/45/155J): where the text elsewhere (a running
    header) gives the same symbol without them, that reading wins."""
    out = []
    digits = _ocr_digits(ctx.lang)
    for sym in symbols:
        value = sym.value.rstrip("*")  # a footnote mark (S/1997/347*) is not part of the symbol
        parts = value.split("/")
        mended = "/".join(parts[:1] + [_number_part(p, digits) for p in parts[1:]])
        if mended != value:  # a number part OCR wrote with letters for digits (A/45/l55): read with tolerance
            ctx.warn(f"symbols: read with tolerance for OCR damage from {sym.value!r}, as {mended.rstrip('*')!r} "
                     f"(line {sym.span.line if sym.span else '?'})", sym.span)
            sym = Fact(sym.value, sym.span, sym.surface, "ocr-tolerant")
            value = mended
        m = re.match(r"^(?P<head>.*/\d+)(?P<tail>[A-Za-z]+)$", value)
        if m:  # a number part never ends in letters: a letter glued on (OCR, a joined line) is not the symbol's
            confirmed = re.search(rf"(?m)^\s*{re.escape(m.group('head'))}\s*$", ctx.text.raw)
            ctx.warn(f"symbol {sym.value!r} read as {m.group('head')!r}: a number part of a symbol does not end "
                     f"in letters ({m.group('tail')!r} taken as noise" + ("; the running header gives it "
                     "without them)" if confirmed else ", doubtful)"), sym.span)
            value = m.group("head")
        if value != sym.value:
            sym = Fact(value, sym.span, sym.surface, sym.origin)
        if sym.value not in [o.value for o in out]:
            out.append(sym)
    return out


@cache  # (asked for every masthead: the import and look-ups below once per language)
def _ocr_digits(lang: str) -> dict[str, str]:
    """The letters OCR reads for digits (``[tolerant] digits`` of the language's formulas, else English's:
    symbols are written in Latin script in every language version)."""
    from .formulas import languages, raw

    for code in (lang, "en"):
        if code in languages() and raw(code).get("tolerant"):
            return raw(code)["tolerant"]["digits"]
    return {}


def _number_part(part: str, digits: dict[str, str]) -> str:
    """A symbol's part that is a number written with letters OCR reads for digits ("l55J", "2O25"), as that
    number (letters after it kept: `_clean_symbols` reads them); any other part as it is."""
    k = 0
    while k < len(part) and (part[k].isdigit() or part[k] in digits):
        k += 1
    head, tail = part[:k], part[k:]
    if not any(c.isdigit() for c in head) or not (tail.isalpha() or not tail):
        return part
    return "".join(digits.get(c, c) for c in head) + tail


# -- page furniture -------------------------------------------------------------------------------

_FURNITURE = [
    # job number: 25-17062 (E), 98-33343 (E) 021198, and after an end rule on the same line (----97-03313 (E))
    re.compile(r"^(?:[-_=]+\s*)?\d{2}-\d{5}\b.*$"),
    re.compile(r"^(?:[-_=]+\s*)?[\dOlSB]{2}-[\dOlSB]{5}\s*\([A-Z]\).*$"),  # the same, OCR-damaged (9B-33343 (E))
    re.compile(r"^\d{6}$"),  # ddmmyy print code
    re.compile(r"^\*\d{6,}\*$"),  # barcode
    re.compile(r"^\d{1,3}\s*/\s*\d{1,3}$"),  # page 2/3
    re.compile(r"^(?:Page|第)\s*\d+\s*页?$", re.IGNORECASE),
    re.compile(r"^/\s*\.[\s.]*$"),  # "/..." continued overleaf
    re.compile(r"^[-_=]{3,}$"),  # end rule
    re.compile(r"^[.\s*]+$"),  # stray dots and asterisks
]
# any of them, in one pattern (each alternative anchored as its pattern is, with its flags)
_ANY_FURNITURE = re.compile("|".join(f"(?{'i' if p.flags & re.IGNORECASE else ''}:{p.pattern})" for p in _FURNITURE))


def is_furniture(line: Line, symbols: set[str]) -> bool:
    """Page furniture of UN documents, in every language: job numbers, print codes, barcodes, page
    numbers, continuation marks, and running headers repeating the document's own symbols."""
    t = line.text
    if _ANY_FURNITURE.match(t):
        return True
    m = _JOINT.match(t)
    return bool(m) and all((m.group(g) or "") in symbols | {""} for g in ("a", "b"))
