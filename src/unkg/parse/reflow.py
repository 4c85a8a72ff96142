"""Texts whose lines are not the genre's layout: a whole letter on one line (a text layer with no line
breaks), or a heading run into one line (the masthead's parts on one line, a title run into the
salutation). The readers find a communication's parts line by line (DOMAIN.md section 1); such a text is
re-broken first, at the genre's formulas: the masthead's parts, the title, the salutation, numbered
paragraphs, the signature block, page furniture and annex headings. The formulas are the language's
(``data/formulas/<lang>.toml``, its ``[reflow]`` table and the formulas the readers use) and the names of
the authority data (organs, functions, ranks).

The re-broken text is a `Text` over the same raw text: its lines are ranges of the original characters,
so every span, offset and quote stays the original's (nothing is inserted or removed); only the line
numbers count the lines as re-broken. A document read this way carries a warning saying so.

`read` is the one entry (parse/document.py): a text with a line far longer than a printed line is
re-broken before it is read, and so is a text whose lines hold one word each, its words joined into one
line first (relined.py: the newline between two words is their separator); a text whose head runs parts
together is read as it is first, and read re-broken only when that reading misses parts of the card,
keeping whichever reading finds more. Text in the genre's layout is never changed."""

from __future__ import annotations

import dataclasses
from typing import Callable

from ..text import Line, Text, display_width
from .context import Context, NotACommunication
from .reflow_breaks import Breaker, Cuts, rules
from .relined import joined

LONG = 400
"""A line longer than this (in characters) is longer than any printed line (a page's lines hold fewer
than 130): the text layer lost its line breaks there."""


_KEY_PARTS = ("symbols", "date", "title", "organs", "sender", "recipients")
_SCORED = ("symbols", "issued", "original_language", "date", "title", "organs", "sender", "recipients",
           "circulation")


# -- the entry -----------------------------------------------------------------------------------------


def read(ctx: Context, parser: Callable[[Context], dict]) -> tuple[Context, dict]:
    """The parts `parser` reads from the text of `ctx`, and the context they were read in: the text as it
    is, or re-broken at the genre's formulas (see the module's docstring)."""
    r = rules(ctx.lang)
    if r is None:
        return ctx, parser(ctx)
    before = list(ctx.warnings)
    one_line = joined(ctx.text, ctx.lang)
    if one_line is not None:  # one word per line: read as a text without line breaks
        text, layout = one_line
        words = Context(ctx.path, text, ctx.auth, ctx.lang, list(before))
        rebroken = _rebreak(words, r, whole=True, longer=0, layout=layout)
        return _read_in(ctx, before, rebroken or (text, f"{layout}: its words read as one line"), parser)
    if any(len(ln.text) > LONG for ln in ctx.text.lines):
        rebroken = _rebreak(ctx, r, whole=True)
        if rebroken is not None:
            return _read_in(ctx, before, rebroken, parser)
    error = None
    try:
        parts = parser(ctx)
    except NotACommunication as e:
        parts, error = None, e
    if parts is not None and all(parts.get(k) for k in _KEY_PARTS):
        return ctx, parts
    rebroken = _rebreak(ctx, r, whole=False)
    if rebroken is not None:
        try:
            other_ctx, other = _read_in(ctx, before, rebroken, parser)
        except NotACommunication:
            other = None
        if other is not None and (parts is None or _score(other) > _score(parts)):
            return other_ctx, other
    if error is not None:
        raise error
    return ctx, parts


def _score(parts: dict) -> int:
    return sum(1 for k in _SCORED if parts.get(k))


def _read_in(ctx: Context, before: list, rebroken: tuple[Text, str], parser) -> tuple[Context, dict]:
    text, note = rebroken
    new = Context(ctx.path, text, ctx.auth, ctx.lang, list(before))
    new.warn(note)
    return new, parser(new)


def _rebreak(ctx: Context, r, whole: bool, longer: int = LONG, layout: str | None = None) -> tuple[Text, str] | None:
    """The text of `ctx` re-broken, and the warning that says so; None when nothing is to be re-broken.
    `whole`: the lines longer than `longer` are re-broken throughout (a text that lost its line breaks);
    else only the head's lines (the masthead's, and the title's up to the salutation). `layout`: what the
    warning says of a text whose words were joined into one line (relined.py)."""
    text = ctx.text
    breaker = Breaker(ctx, r)
    plan: dict[int, Cuts] = {}
    if whole:
        zone = "head"
        for idx, ln in enumerate(text.lines):
            if ln.blank:
                continue
            if len(ln.text) > longer:
                cuts = Cuts()
                zone = breaker.line(ln.text, zone, cuts)
                if cuts.at:
                    plan[idx] = cuts
            elif zone == "head" and breaker.r.title_start.match(ln.text):
                zone = "title"
            elif zone == "title":
                zone = "body"
    else:
        plan = _head_plan(breaker, text.lines)
    if not plan:
        return None
    lines: list[Line] = []
    for idx, ln in enumerate(text.lines):
        cuts = plan.get(idx)
        if cuts is None:
            lines.append(dataclasses.replace(ln, number=len(lines) + 1))
            continue
        bounds = sorted(p for p in cuts.at if 0 < p < len(ln.text))
        for a, b in zip([0, *bounds], [*bounds, len(ln.text)]):
            piece = ln.piece.sub(a, b)
            if not piece.text:
                continue
            start = piece.offsets()[0] if a else ln.start
            lines.append(Line(len(lines) + 1, start, piece.offsets()[1], cuts.at.get(a, ln.indent if not a else 0),
                              display_width(piece.text, text.cjk), piece))
    widths = sorted((ln.width for ln in lines if not ln.blank), reverse=True)
    top = max(1, len(widths) // 10)
    full = widths[top // 2] if widths else 0
    what = []
    for cuts in plan.values():
        what += [w for w in cuts.what if w not in what]
    where = ", ".join(str(text.lines[i].number) for i in sorted(plan))
    if layout is not None:
        note = (f"{layout}: its words joined into one line and read by the genre's formulas (re-broken at "
                f"{', '.join(what)}; {len(lines)} lines; line numbers count the lines as re-broken)")
    elif whole:
        note = (f"the text had no line breaks: read by the genre's formulas (line {where} re-broken at "
                f"{', '.join(what)}; {len(lines)} lines; line numbers count the lines as re-broken)")
    else:
        note = (f"the text ran the layout's parts into one line: read by the genre's formulas (line {where} "
                f"re-broken at {', '.join(what)}; line numbers count the lines as re-broken)")
    return Text(text.raw, tuple(lines), text.cjk, full), note


def _head_plan(breaker: Breaker, lines) -> dict[int, Cuts]:
    """The head's lines that run parts together: masthead parts after a line's first, a title opening
    mid-line, a salutation run into the title."""
    plan: dict[int, Cuts] = {}
    title_seen = None
    for idx, ln in enumerate(lines):
        if ln.blank:
            continue
        t = ln.text
        if title_seen is None:
            cuts = Cuts()
            ts = breaker.title_at(t, 0, len(t))
            breaker.masthead(t, 0, ts if ts is not None else len(t), cuts)
            if ts is not None:
                cuts.cut(ts, "the title")
                title_seen = idx
            mid = {p: i for p, i in cuts.at.items() if 0 < p < len(t)}
            # a masthead line that only joins a symbol to "United Nations", or organs to "Distr.", is
            # read as it is (masthead.py); re-broken only when it runs three parts together or more
            if len(mid) >= 3 or (ts is not None and ts > 0):
                plan[idx] = Cuts(mid, cuts.what)
            if breaker.r.body_start is not None and breaker.r.body_start.match(t):
                break
        if title_seen is not None and idx - title_seen <= 5:
            m = breaker.r.salutation.search(t, 1) if breaker.r.salutation is not None else None
            if m and m.start() > 0:
                cuts = plan.setdefault(idx, Cuts())
                cuts.cut(m.start(), "the salutation")
                if m.end() < len(t):
                    cuts.cut(len(t) - len(t[m.end():].lstrip()), "the salutation", indent=1)
                break
            if idx > title_seen and breaker.r.body_start is not None and breaker.r.body_start.match(t):
                break
        elif title_seen is not None:
            break
    return plan
