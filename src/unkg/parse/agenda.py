"""The masthead's organs with their sessions or years, and the agenda items under them: periods
paired with organs by the unit each counts in, item numbers, and wrapped agenda titles split one per
item with the authority agenda (or, failing it, by the line layout)."""

from __future__ import annotations

import re
from typing import Sequence

from ..authority import AgendaEntry
from ..model import AgendaItem, Entity, Fact, OrganSession
from ..text import Line, Piece, join
from .context import Context
from .lexicon import compact, lexicon
from .tolerant import folder

_SUBITEM = re.compile(r"\(?\s*(\w)\s*\)$")  # an agenda item number's letter: "71 (b)", "71 b)"


def item_numbers(ctx: Context, item: re.Pattern[str], subitems: dict[str, str], piece: Piece, a: int,
                 b: int) -> list[Fact[str]]:
    """The agenda item numbers `item` finds in ``piece[a:b]``, each written the one way ("71 (b)"): a
    sub-item's letter (in the language's script, `subitems` gives its Latin letter) in lower case, in
    parentheses after a space."""
    out = []
    for m in item.finditer(piece.text, a, b):
        value = m.group(0)
        sub = _SUBITEM.search(value)
        if sub and not sub.group(1).isdigit():
            letter = subitems.get(sub.group(1), sub.group(1)).lower()
            value = f"{value[: sub.start()].strip()} ({letter})"
        out.append(ctx.fact(value, piece, m.start(), m.end()))
    return out


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
            end = _spelt(lines, i, expected, compact)
            fold = folder(ctx.lang)
            if end is None and fold is not None:
                # OCR damage ("THE SITUATI0N IN THE MIDDLE EAST"): the lines that spell the title once the
                # letters OCR confuses are made one
                end = _spelt(lines, i, expected, fold)
                if end is not None:
                    ctx.warn(f"agenda item {number.value}: its title read with tolerance for OCR damage from "
                             f"line {lines[i].number}", number.span)
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


def _spelt(lines, i: int, expected: str, key) -> int | None:
    """The end of the lines from `i` that spell `expected`, compared by `key`; None when they do not."""
    want = key(expected)
    for j in range(i, len(lines)):
        got = key(join([ln.piece for ln in lines[i : j + 1]]).text)
        if got == want:
            return j + 1
        if not want.startswith(got):
            return None
    return None


def _starts(title: str, text: str, lang: str) -> bool:
    """Does `text` (a line) open `title`: its first letters (up to 12, at least 4), exactly or, in a language
    with tolerance of OCR damage, with the letters OCR confuses made one?"""
    keys = [compact] + [k for k in [folder(lang)] if k is not None]
    for key in keys:
        head = key(text)
        if head and key(title).startswith(head[: max(4, min(len(head), 12))]):
            return True
    return False


def _starts_later_title(ctx: Context, line: Line, later, known) -> bool:
    for number in later:
        entry = known.get(number.value)
        title = entry.titles.get(ctx.lang) if entry else None
        if title and _starts(title, line.text, ctx.lang):
            return True
    return False


def _opens(title: str, text: str, lang: str) -> bool:
    """Does the line `text` open `title` (its first 12 letters), exactly or with OCR's confusions made one?"""
    keys = [compact] + [k for k in [folder(lang)] if k is not None]
    return any(key(title).startswith(key(text)[:12] or "\0") for key in keys)


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
        at = next((x for x in range(i + 1, len(lines)) if title and _opens(title, lines[x].text, ctx.lang)), None)
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
