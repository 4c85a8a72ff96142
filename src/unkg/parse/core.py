"""The language-neutral core of the parsers.

A language module (`zh.py`, next `en.py` ...) knows its language's formulas (how a title, a signature
or an annex heading is worded); everything else lives here and is shared: facts with spans, warnings,
the masthead's symbols and distribution lines, closing blocks, splitting wrapped agenda titles with the
authority agenda, circulation cross-checks, mentions, and the truncation checks.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Callable, Sequence, TypeVar

from ..authority import AgendaEntry, Authorities
from ..errors import InputError
from ..model import (
    AgendaItem,
    Agent,
    Circulation,
    CirculationTarget,
    Entity,
    Fact,
    Mention,
    OrganSession,
    Span,
    Warning_,
)
from ..text import Block, Line, Piece, Text, join

T = TypeVar("T")

MENTION_KINDS = ("state", "organization", "person", "place", "instrument", "designation")

# A UN document symbol: a series root and slash-separated parts (A/80/500, S/2025/656, A/C.3/79/L.5,
# S/1998/1025/Rev.1); joint symbols are joined by a hyphen or a dash.
SYMBOL = r"(?:[A-Z]{1,6})(?:/[A-Za-z0-9.]+)+(?:\*{1,3})?"
_JOINT = re.compile(rf"^(?P<a>{SYMBOL})(?:\s*[-\u2010-\u2015\u2212]\s*(?P<b>{SYMBOL}))?$")

ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


@cache
def lexicon() -> dict:
    data = resources.files("unkg").joinpath("data/languages.toml").read_text(encoding="utf-8")
    return tomllib.loads(data)


def language_code(name: str) -> str | None:
    return _language_codes().get(name.strip().casefold())


@cache
def _language_codes() -> dict[str, str]:
    """Every language name of the lexicon (case-folded) -> its code; the first code listing a name wins."""
    codes: dict[str, str] = {}
    for code, names in lexicon()["names"].items():
        for n in names:
            codes.setdefault(n.casefold(), code)
    return codes


def compact(s: str) -> str:
    """A comparison key: NFKC, case-folded, without any white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).casefold()


def make_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


class NotACommunication(InputError):
    pass


@dataclass
class Context:
    """What a parse needs and accumulates: the text, the authorities, the language, the warnings."""

    path: str
    text: Text
    auth: Authorities
    lang: str
    warnings: list[Warning_] = field(default_factory=list)

    # -- facts ------------------------------------------------------------------------------------
    def span(self, piece: Piece, a: int = 0, b: int | None = None) -> Span:
        return self.text.span_of(piece, a, b)

    def fact(self, value: T, piece: Piece, a: int = 0, b: int | None = None) -> Fact[T]:
        span = self.span(piece, a, b)
        return Fact(value, span, self.text.written(span))

    def written(self, piece: Piece, a: int = 0, b: int | None = None) -> Fact[str]:
        """The text of ``piece[a:b]`` as written (see `Text.written`), as a fact."""
        span = self.span(piece, a, b)
        surface = self.text.written(span)
        return Fact(surface, span, surface)

    def warn(self, message: str, span: Span | None = None) -> None:
        self.warnings.append(Warning_(message, span))

    def fail(self, message: str, line: int | None = None) -> InputError:
        return InputError(self.path, message, line)

    # -- authorities ------------------------------------------------------------------------------
    def find(self, piece: Piece, *kinds: str) -> list[tuple[int, int, Entity]]:
        return self.auth.find(piece.text, self.lang, *kinds)

    def lookup(self, piece: Piece, *kinds: str) -> Entity | None:
        return self.auth.lookup(piece.text, self.lang, *kinds)

    def segment(self, piece: Piece, *kinds: str) -> list[Fact[Entity]] | None:
        """`piece` read as a sequence of known names and nothing else (spaces aside), or None."""
        found = self.find(piece, *kinds)
        covered = "".join(piece.text[a:b] for a, b, _ in found)
        if not found or compact(covered) != compact(piece.text):
            return None
        return [self.fact(ent, piece, a, b) for a, b, ent in found]


# -- masthead (symbols, distribution, date, original language) --------------------------------------


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
_EN_DATE_IN_LINE = re.compile(r"(?<!\d)(?P<d>\d{1,2})\s+(?P<m>[A-Za-z]+)\s+(?P<y>\d{4})(?!\d)")
# the original-language label (data/languages.toml), never the end of a longer word ("Unoriginal")
_ORIGINAL = "|".join((rf"(?<![{before}])" if before else "") + re.escape(label)
                     for label, before in lexicon()["original_labels"].items())
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
            if re.fullmatch(r"(?:General|Limited|Restricted)", t, re.IGNORECASE):  # "Distr." / "GENERAL"
                mh.lines_used.add(ln.number)
            continue
        rest = list(t)
        for a, b in spans:
            rest[a:b] = " " * (b - a)
        residue = "".join(rest)
        if not re.search(r"\w", residue) or ctx.auth.lookup(residue.strip(), ctx.lang, "organization"):
            mh.lines_used.add(ln.number)
        else:
            mh.cut[ln.number] = min(a for a, _ in spans)
    if original_pending and mh.original_language is None and standalone_languages:
        ln, code = standalone_languages[0]
        mh.original_language = ctx.fact(code, ln.piece)
        mh.lines_used.add(ln.number)
    mh.symbols = _clean_symbols(ctx, mh.symbols)
    return mh


def _clean_symbols(ctx: Context, symbols: list[Fact[str]]) -> list[Fact[str]]:
    """OCR adds stray letters to a symbol's last part (A/45/155J): where the text elsewhere (a running
    header) gives the same symbol without them, that reading wins."""
    out = []
    for sym in symbols:
        value = sym.value.rstrip("*")  # a footnote mark (S/1997/347*) is not part of the symbol
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


# -- names ----------------------------------------------------------------------------------------

_LATIN_NAME = re.compile(r"^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F.'’\- ]*$")


def english_name(name: str) -> str | None:
    """The name of a person the authority data does not know, as an English card gives it: a name
    signed in Latin script reads the same in English, with a surname written in capitals (the UN's
    signature style, "Carl BILDT", "BAN Ki-moon") in ordinary case; None for other scripts."""
    name = " ".join(name.split())
    if not _LATIN_NAME.match(name) or not any(c.isalpha() for c in name):
        return None

    def word(w: str) -> str:
        letters = [c for c in w if c.isalpha()]
        if len(letters) < 2 or not all(c.isupper() for c in letters):
            return w  # initials ("A.") and words in ordinary case stay as written
        return re.sub(r"[A-Za-z\u00C0-\u024F]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), w)

    return " ".join(word(w) for w in name.split(" "))


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


def is_furniture(line: Line, symbols: set[str]) -> bool:
    """Page furniture of UN documents, in every language: job numbers, print codes, barcodes, page
    numbers, continuation marks, and running headers repeating the document's own symbols."""
    t = line.text
    if any(p.match(t) for p in _FURNITURE):
        return True
    m = _JOINT.match(t)
    return bool(m) and all((m.group(g) or "") in symbols | {""} for g in ("a", "b"))


def ordinal(phrase: str, lang: str = "en") -> int | None:
    """The number an ordinal phrase says ("Eightieth" 80, "Fifty-third" 53, "quatre-vingtième" 80,
    "soixante-dix-neuvième" 79, "Семьдесят девятая" 79, "التاسعة والسبعون" 79), from the lexicon; None
    when a word is not an ordinal word of the language."""
    table = lexicon().get("ordinals", {}).get(lang)
    if not table:
        return None
    words, multipliers = table["words"], set(table.get("multipliers", []))
    tokens = []
    for tok in re.split(r"[\s\-\u2010\u2011]+", phrase.casefold()):
        if not tok:
            continue
        if tok not in words:
            for prefix in table.get("prefixes", []):
                if tok.startswith(prefix) and tok[len(prefix):] in words:
                    tok = tok[len(prefix):]
                    break
        if tok not in words:
            return None
        tokens.append(tok)
    total, i = 0, 0
    while i < len(tokens):
        value = words[tokens[i]]
        if i + 1 < len(tokens) and tokens[i + 1] in multipliers and 0 < value < 10:
            value *= words[tokens[i + 1]]
            i += 1
        total += value
        i += 1
    return total or None


def pair_periods(
    ctx: Context, organs: list[Fact[Entity]], periods: list[tuple[str, Fact[int]]],
    symbols: Sequence[Fact[str]] = (),
) -> list[OrganSession]:
    """Give each organ the next session or year of the kind it counts in (authority
    ``unkg:periodUnit``), in masthead order; a year number ("Eightieth year") becomes a calendar year
    from the organ's ``unkg:firstYear``."""
    out = []
    pending = list(periods)
    for organ in organs:
        unit = ctx.auth.period_unit.get(organ.value.iri)
        session = year = None
        for i, (kind, value) in enumerate(pending):
            if kind == unit:
                del pending[i]
                if kind == "session":
                    session = value
                else:
                    first = ctx.auth.first_year.get(organ.value.iri)
                    if first is None:
                        ctx.warn(f"{organ.value.label}: no first year in the authority data", value.span)
                    else:
                        year = Fact(first + value.value - 1, value.span, value.surface)
                break
        else:
            from_symbol = _period_from_symbol(ctx, organ.value, unit, symbols)
            if from_symbol is not None:
                if unit == "session":
                    session = from_symbol
                else:
                    year = from_symbol
            elif unit:
                ctx.warn(f"{organ.value.label}: the masthead gives no {unit}", organ.span)
        out.append(OrganSession(organ, session, year))
    for kind, value in pending:
        ctx.warn(f"a {kind} ({value.surface}) that no organ of the masthead counts in", value.span)
    return out


def _period_from_symbol(ctx: Context, organ: Entity, unit: str | None, symbols) -> Fact[int] | None:
    """The session or year a symbol of the organ's series states: A/80/500 -> session 80, S/2023/186 ->
    year 2023 (authority ``unkg:symbolSeries``)."""
    from ..authority import UNKG

    series = ctx.auth.value(organ.iri, UNKG.symbolSeries)
    for sym in symbols:
        parts = sym.value.split("/")
        if not series or parts[0] != series or len(parts) < 3 or not parts[1].isdigit():
            continue
        n = int(parts[1])
        if unit == "year" and len(parts[1]) == 4:
            return Fact(n, sym.span, sym.surface, sym.origin)
        if unit == "session" and len(parts[1]) <= 3:
            return Fact(n, sym.span, sym.surface, sym.origin)
    return None


def find_lines(lines: Sequence[Line], opens: Callable[[str], bool], completes: Callable[[str], bool],
               limit: int) -> tuple[int, int] | None:
    """The index range of the first run of up to `limit` non-blank lines that begins with a line
    `opens` accepts and whose joined text `completes` accepts (a title wrapped over several lines). A run
    that the next line still completes is extended: "… addressed to the Secretary-General and the
    President" reads as complete, but so does the next line's "of the Security Council"."""
    for i, ln in enumerate(lines):
        if ln.blank or not opens(ln.text):
            continue
        taken: list[Line] = []
        found = None
        for j in range(i, len(lines)):
            if lines[j].blank:
                continue
            taken.append(lines[j])
            if len(taken) > limit:
                break
            if completes(join([x.piece for x in taken]).text):
                found = (i, j + 1)
            elif found is not None:
                break
        if found is not None:
            return found
    return None


def organ_sessions(
    ctx: Context, organs: list[Fact[Entity]], periods: list[tuple[str, Fact[int]]], symbols,
    items: list[Fact[str]], title_lines: Sequence[Line],
) -> list[OrganSession]:
    """The masthead's organs with their session or year, and the agenda items (with their titles, split
    from `title_lines`) under the organ that has a session."""
    sessions = pair_periods(ctx, organs, periods, symbols)
    if not organs:
        ctx.warn("no issuing organ found in the masthead")
    if items:
        holder = next((k for k, o in enumerate(sessions) if o.session is not None), None)
        if holder is None:
            ctx.warn("agenda items but no organ with a session in the masthead", items[0].span)
        else:
            o = sessions[holder]
            known = ctx.auth.agenda_items(o.organ.value, o.session.value)
            where = f"{o.organ.value.label} session {o.session.value}"
            if not known:
                ctx.warn(f"no authority agenda for {where}", o.session.span)
            agenda = split_agenda_titles(ctx, title_lines, items, known, where)
            sessions[holder] = OrganSession(o.organ, o.session, o.year, tuple(agenda))
    return sessions


def merge_sender(ctx: Context, title_sender, closing: Agent | None, kind: Fact[str] | None,
                 has_closing: bool) -> Agent | None:
    """The sender: the function and State the title gives (they win), with the name, rank and signature
    of the signature block."""
    state, function = title_sender
    if closing is None:
        if kind is None or kind.value != "note verbale":
            ctx.warn("no signature block after the body")
        if function is None and state is None:
            return None
        return Agent(None, None, function, state, None, Fact(False, None, "") if has_closing else None)
    if closing.function and function and closing.function.value != function.value:
        ctx.warn(f"the signature's function ({closing.function.value.label}) differs from the title's "
                 f"({function.value.label}); the title wins", closing.function.span)
    if closing.name is None:
        ctx.warn("no signatory name in the signature block")
    elif closing.person is None:
        ctx.warn(f"signatory {closing.name.value!r} is not in the authority data", closing.name.span)
    return Agent(closing.name, closing.person, function or closing.function, state or closing.state,
                 closing.rank, closing.signed)


# -- agenda items ---------------------------------------------------------------------------------


def split_agenda_titles(
    ctx: Context,
    lines: Sequence[Line],
    numbers: Sequence[Fact[str]],
    known: dict[str, AgendaEntry],
    where: str,
) -> list[AgendaItem]:
    """Split the wrapped agenda titles under a masthead into one title per item number, in order.

    Titles wrap mid-word, so the line breaks alone do not say where one title ends. An item whose title
    the authority agenda knows takes exactly the lines that spell that title; any other item takes its
    first line and the following ones while the line above is full (as wide as the block's widest
    lines), leaving one line for each item after it. Each such fallback is reported."""
    lines = [ln for ln in lines if not ln.blank]
    widest = max((ln.width for ln in lines), default=0)
    items: list[AgendaItem] = []
    i = 0
    for k, number in enumerate(numbers):
        entry = known.get(number.value)
        if i >= len(lines):
            ctx.warn(f"agenda item {number.value}: no title under the masthead", number.span)
            items.append(AgendaItem(number, None, entry.entity if entry else None))
            continue
        end = None
        expected = entry.titles.get(ctx.lang) if entry else None
        if expected:
            key = compact(expected)
            for j in range(i, len(lines)):
                got = compact(join([ln.piece for ln in lines[i : j + 1]]).text)
                if got == key:
                    end = j + 1
                    break
                if not key.startswith(got):
                    break
        if end is None and _starts_later_title(ctx, lines[i], numbers[k + 1 :], known):
            # these lines spell a later item's title: this item's title is not in the text
            ctx.warn(f"agenda item {number.value}: no title under the masthead", number.span)
            items.append(AgendaItem(number, None, entry.entity if entry else None))
            continue
        if end is None:
            end = _fallback_end(ctx, lines, i, numbers, k, known, widest)
            if entry is None:
                ctx.warn(f"agenda item {number.value} is not in the authority agenda of {where}; "
                         "its title was split by the line layout", number.span)
            elif expected:
                ctx.warn(f"agenda item {number.value}: the title in the text differs from the authority "
                         f"agenda of {where}; it was split by the line layout", number.span)
        piece = join([ln.piece for ln in lines[i:end]])
        items.append(AgendaItem(number, ctx.written(piece), entry.entity if entry else None))
        i = end
    if i < len(lines):
        rest = join([ln.piece for ln in lines[i:]])
        ctx.warn(f"text under the agenda items that belongs to no item: {rest.text!r}", ctx.span(rest))
    return items


def _starts_later_title(ctx: Context, line: Line, later, known) -> bool:
    head = compact(line.text)
    for number in later:
        entry = known.get(number.value)
        title = entry.titles.get(ctx.lang) if entry else None
        if title and head and compact(title).startswith(head[: max(4, min(len(head), 12))]):
            return True
    return False


def _continues(ctx: Context, above: Line, below: Line, widest: int) -> int:
    """How strongly the layout says `below` continues the title on `above` (0: a new title)."""
    words = lexicon()["continuation"]
    end_words = set(words.get(f"{ctx.lang}_end", []))
    start_words = set(words.get(f"{ctx.lang}_start", []))
    score = 0
    last = above.text.split()[-1].casefold() if above.text.split() else ""
    first = below.text.split()[0].casefold() if below.text.split() else ""
    if last in end_words or above.text[-1] in end_words or above.text[-1] in "-,":
        score += 2
    if first in start_words or below.text[:1].islower():
        score += 2
    if above.width >= 0.8 * widest:
        score += 1
    return score


def _fallback_end(ctx: Context, lines, i: int, numbers, k: int, known, widest: int) -> int:
    """Where the title of item `k` (not matched from the authority agenda) ends: the lines up to the
    next known title are shared among the unknown items there by breaking the title where the layout
    says least that a line goes on (a short line, no function word or comma at its end, no lowercase or
    function word opening the next); ties break at the earliest place."""
    run = 1  # unknown items from k on, before the next item the authority matches in the text
    stop = len(lines)
    for j in range(k + 1, len(numbers)):
        entry = known.get(numbers[j].value)
        title = entry.titles.get(ctx.lang) if entry else None
        at = next((x for x in range(i + 1, len(lines))
                   if title and compact(title).startswith(compact(lines[x].text)[:12] or "\0")), None)
        if at is not None:
            stop = at
            break
        run += 1
    else:
        stop = len(lines)
    if run == 1:
        return stop if k + 1 == len(numbers) or stop < len(lines) else max(i + 1, stop - (len(numbers) - k - 1))
    later_outside = len(numbers) - k - run
    stop = min(stop, len(lines) - later_outside)
    bounds = list(range(i + 1, stop))  # a break before line b
    scores = {b: _continues(ctx, lines[b - 1], lines[b], widest) for b in bounds}
    chosen = sorted(sorted(bounds, key=lambda b: (scores[b], b))[: run - 1])
    return chosen[0] if chosen else stop


def read_circulation(
    ctx: Context, blocks: Sequence[Block], request: re.Pattern[str],
    items_in: Callable[[Piece, int, int], list[Fact[str]]],
) -> Circulation | None:
    """The circulation request: the last paragraph that reads as one (`request`), organ by organ, each
    with the agenda item numbers (`items_in`) named between it and the next organ."""
    for b in reversed(blocks):
        m = request.search(b.text)
        if not m:
            continue
        piece = b.piece.sub(m.start(), m.end())
        organs = ctx.find(piece, "organ") or _organs_named_short(ctx, b.piece, m.start(), piece)
        targets: list[CirculationTarget] = []
        for k, (a, e, ent) in enumerate(organs):
            stop = organs[k + 1][0] if k + 1 < len(organs) else len(piece.text)
            items = tuple(items_in(piece, e, stop))
            same = next((i for i, t in enumerate(targets) if t.organ.value.iri == ent.iri), None)
            if same is None:
                targets.append(CirculationTarget(ctx.fact(ent, piece, a, e), items))
            elif items:  # "… to the members of the Security Council and … as a document of the Security Council"
                old = targets[same]
                targets[same] = CirculationTarget(old.organ, old.agenda_items + tuple(
                    i for i in items if i.value not in {x.value for x in old.agenda_items}))
        if targets:
            return Circulation(ctx.written(piece), tuple(targets))
    return None


def _organs_named_short(ctx: Context, para: Piece, start: int, piece: Piece) -> list[tuple[int, int, Entity]]:
    """Organs a request names by a short form ("… and issued as a document of the Council"): the organs
    named in full earlier in the paragraph whose name ends with a word the request uses."""
    out = []
    for _, _, ent in reversed(ctx.find(para.sub(0, start), "organ")):
        for name in ctx.auth.names(ent, ctx.lang):
            last = name.split()[-1] if name.split() else ""
            hit = re.search(rf"(?<!\w){re.escape(last)}(?!\w)", piece.text, re.IGNORECASE) if len(last) > 3 else None
            if hit and ent.iri not in {o.iri for _, _, o in out}:
                out.append((hit.start(), hit.end(), ent))
                break
        if out:
            break
    return out


def read_recipients(ctx: Context, phrase: Piece, separator: str,
                    strip: Callable[[str], str] = lambda s: s) -> tuple[Fact[Entity], ...]:
    """The recipients a title names: `phrase` split at `separator` (a regular expression), each name
    with its leading articles or prepositions removed by `strip`, looked up among posts, functions and
    organs; a name the authorities do not know is reported."""
    recipients = []
    pos = 0
    for name in re.split(separator, phrase.text):
        if not name or not name.strip():
            continue
        a = phrase.text.index(name, pos)
        pos = a + len(name)
        a += len(name) - len(name.lstrip()) + (len(name.strip()) - len(strip(name)))
        sub = phrase.sub(a, pos)
        ent = ctx.lookup(sub, "post", "function", "organ")
        if ent is None:
            ctx.warn(f"recipient {sub.text!r} is not in the authority data", ctx.span(sub))
        else:
            recipients.append(ctx.fact(ent, sub))
    return tuple(recipients)


def check_complete(ctx: Context, parts: dict, tail: Line | None, tail_text: str, ends_sentence: Callable[[str], bool],
                   open_ends: str, has_closing: bool, announced: int, above: Line | None = None) -> None:
    """Does the text look cut short (a truncated file)? It ends right after the title, in the middle of a
    paragraph (its last line full and no sentence ended) or on an opening mark, a letter without its
    signature block, fewer annexes than the body announces (`announced`), or an annex with no text. A
    cut is a warning naming the line where the text stops (`suspect_cut`), never a refusal."""
    last_line = last_content_line(ctx)
    reason = None
    kind = parts["kind"].value if parts.get("kind") else None
    have = len(parts["annexes"])
    empty = [a for a in parts["annexes"] if not a.paragraphs and not a.closing_lines]
    if tail is None:
        reason = "right after the title, with no body"
    elif ((ctx.text.is_full(tail) and not ends_sentence(tail_text)) or tail_text[-1] in open_ends
          or (above is not None and ctx.text.is_full(above) and not ends_sentence(above.text)
              and not ends_sentence(tail.text))
          or (tail.indent == 1 and not ends_sentence(tail_text))):
        # (a short last line under a full one that ends no sentence: the paragraph's sentence runs on; a
        # last line that opens a paragraph, its one leading space in the text layer, and ends no sentence)
        reason = "in the middle of a paragraph"
    elif kind in ("letter", "identical letters") and not has_closing:
        reason = "before the letter's signature block"
    elif have < announced:
        reason = (f"before the annexes the letter announces ({announced}; the text has {have}), or an annex "
                  "heading was lost: the signature block read may be an annex's (sender doubtful)")
    elif empty:
        reason = f"after the heading of annex {empty[0].label.value or '(unnumbered)'}, before its text"
    if reason:
        suspect_cut(ctx, parts, last_line, reason)


_PAGE_OF = re.compile(r"^(?P<k>\d{1,3})\s*/\s*(?P<n>\d{1,3})$")


def check_first_page(ctx: Context) -> None:
    """A text whose first lines are the running header of a later page ("2/3") has lost its first page
    (a PDF page whose text cannot be read): not a text to read, an input error."""
    content = [ln for ln in ctx.text.lines if not ln.blank][:5]
    for ln in content:
        m = _PAGE_OF.match(ln.text)
        if m and 1 < int(m.group("k")) <= int(m.group("n")):
            raise ctx.fail(f"the text begins on page {m.group('k')} of {m.group('n')}: its first page is "
                           "missing (a damaged PDF?)", ln.number)


def last_content_line(ctx: Context) -> int:
    return max((ln.number for ln in ctx.text.lines if not ln.blank), default=1)


def suspect_cut(ctx: Context, parts: dict, line: int, reason: str) -> None:
    """Record that the text appears to stop at `line` (the first reason found is kept); `parse_text`
    then drops the values read from that line, which may be a fragment."""
    if parts.get("cut") is not None:
        return
    ln = next((x for x in ctx.text.lines if x.number == line), None)
    span = ctx.span(ln.piece) if ln is not None else Span(len(ctx.text.raw), len(ctx.text.raw), line, line)
    parts["cut"] = span
    ctx.warn(f"the text appears to stop at line {line}: it ends {reason} (truncated?)", span)


def check_circulation(ctx: Context, organs: Sequence[OrganSession], circ: Circulation) -> None:
    """Cross-check the circulation request with the masthead; a disagreement is a warning and the
    masthead wins."""
    head = {o.organ.value.iri: o for o in organs}
    asked = {t.organ.value.iri: t for t in circ.targets}
    for iri, target in asked.items():
        if iri not in head:
            ctx.warn(f"the circulation request names the {target.organ.value.label}, "
                     "which the masthead does not", target.organ.span)
            continue
        want = [a.number.value for a in head[iri].agenda_items]
        got = [a.value for a in target.agenda_items]
        if want != got:
            ctx.warn(f"the circulation request gives agenda items {got} of the {target.organ.value.label}, "
                     f"the masthead {want}; the masthead wins", circ.text.span)
    for iri, organ in head.items():
        if iri not in asked:
            ctx.warn(f"the masthead names the {organ.organ.value.label}, which the circulation request "
                     "does not", circ.text.span)


# -- closing blocks -------------------------------------------------------------------------------


def split_closing(
    ctx: Context, blocks: Sequence[Block], ends_sentence: Callable[[str], bool]
) -> tuple[list[Block], list[Block]]:
    """Split the trailing closing lines (signature, function, rank, place and date) off a run of
    paragraphs: single lines, short, that do not end a sentence."""
    k = len(blocks)
    while k > 0:
        b = blocks[k - 1]
        short = len(b.lines) == 1 and b.lines[0].width < 0.6 * ctx.text.full_width
        if short and not ends_sentence(b.text):
            k -= 1
        else:
            break
    return list(blocks[:k]), list(blocks[k:])


# -- mentions -------------------------------------------------------------------------------------


BOUNDARY_KINDS = ("rank", "function", "post", "organ")


def find_mentions(
    ctx: Context,
    piece: Piece,
    part: str,
    patterns: Sequence[tuple[str, re.Pattern[str]]] = (),
    left_stops: str = "",
    right_stops: str = "",
    name_joiners: str = "",
) -> list[Mention]:
    """Names in `piece`: every known name of the authority data (longest first), then the language's
    patterns for names the authorities do not know (kind, pattern with a ``name`` group), kept as
    unresolved mentions. In scripts without spaces a pattern's match may start too early: it is cut
    after any known title or function that overlaps its start (大使 in 大使凯末尔·奥兹坎) and after
    leading `left_stops` (grammatical words that never begin a name); it ends before any known name
    and at the first of `right_stops` after its last `name_joiners` character."""
    out = []
    # the spans taken so far, sorted by start (an event's may overlap others), and the longest of them: a
    # pattern's match is checked against its neighbours only (bisect), not against every name of a long text
    taken: list[tuple[int, int]] = []
    longest = 0
    for a, b, ent in ctx.find(piece, *MENTION_KINDS):  # (in order, not overlapping)
        out.append(Mention(ent.kind, ctx.written(piece, a, b), part, ent))
        taken.append((a, b))
        longest = max(longest, b - a)
    bounds = ctx.find(piece, *BOUNDARY_KINDS)  # (in order, not overlapping)
    bound_starts = [x for x, _, _ in bounds]
    for kind, pattern in patterns:
        for m in pattern.finditer(piece.text):
            a, b = m.span("name")
            if kind != "event":
                j = bisect.bisect_right(bound_starts, a) - 1  # the known title or function it starts in
                while 0 <= j < len(bounds) and bounds[j][0] <= a < bounds[j][1] < b:
                    a = bounds[j][1]
                    j += 1
                for starts in (bound_starts, [x for x, _ in taken[bisect.bisect_right(taken, (a, 1 << 62)):
                                                                  bisect.bisect_left(taken, (b, -1))]]):
                    i = bisect.bisect_right(starts, a)  # the first name that starts after it: it ends there
                    if i < len(starts) and starts[i] < b:
                        b = starts[i]
                while a < b and piece.text[a] in left_stops:
                    a += 1
                tail = max(piece.text.rfind(c, a, b) for c in name_joiners) if name_joiners else -1
                for i in range(max(tail, a) + 1, b):
                    if piece.text[i] in right_stops:
                        b = i
                        break
                if not piece.text[a:b] or not piece.text[a].isalpha() or not piece.text[b - 1].isalpha():
                    continue
            near = taken[bisect.bisect_left(taken, (a - longest, -1)):bisect.bisect_left(taken, (b, -1))]
            if kind != "event" and any(a < y and x < b for x, y in near):
                continue  # an event's quoted theme may contain other names; other patterns may not
            out.append(Mention(kind, ctx.written(piece, a, b), part, None))
            bisect.insort(taken, (a, b))
            longest = max(longest, b - a)
    out.sort(key=lambda m: (m.surface.span.start if m.surface.span else 0))
    return out


def report_unresolved(ctx: Context, mentions: Sequence[Mention]) -> None:
    seen: dict[tuple[str, str], list[Mention]] = {}
    for m in mentions:
        if m.entity is None:
            seen.setdefault((m.kind, m.surface.value), []).append(m)
    for (kind, name), ms in seen.items():
        times = f" ({len(ms)} times)" if len(ms) > 1 else ""
        ctx.warn(f"unresolved {kind} mention {name!r}{times}: no authority entry", ms[0].surface.span)
