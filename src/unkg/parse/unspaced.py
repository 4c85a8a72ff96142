"""The reader of languages written without spaces between words (Chinese), with the language's formulas
from ``data/formulas/<lang>.toml`` (`formulas.UnspacedFormulas`).

The shape it reads (DOMAIN.md section 1): a masthead (``大  会  安全理事会``; ``第七十九届会议  第八十年``;
``议程项目 32、60 和 132`` and one wrapped title per item), the title (date + sender + 给 + recipients +
的信 / 的普通照会 / 的同文信), the body paragraphs (blocks between blank lines) with the circulation request
(``请将本信……作为大会议程项目……的文件和安全理事会的文件分发``), the signature block (function, rank, then the
name with ``(签名)``), and annexes headed ``……的信的附件一`` with their own title, paragraphs and closing
lines. What differs from `spaced` is structural: a phrase is not cut into words, so names and functions
are found by the authority data within it, and a sender's phrase runs State then function
(阿塞拜疆常驻联合国代表).
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import Agent, Annex, Circulation, Entity, Fact, Mention, OrganSession
from ..text import Block, Line, Piece, block, paragraphs
from .agenda import item_numbers, organ_sessions
from .circulation import check_circulation, read_circulation
from .closing import find_lines, merge_sender, read_recipients, split_closing
from .context import Context, NotACommunication
from .cuts import check_complete, last_content_line, suspect_cut
from .formulas import UnspacedFormulas, unspaced_formulas
from .lexicon import ROMAN
from .masthead import Masthead, read_masthead
from .mentions import find_mentions, report_unresolved


def parse(ctx: Context) -> dict:
    """Read a communication in a language written without spaces; returns the parts for `Document` (see
    document.py)."""
    f = unspaced_formulas(ctx.lang)
    lines = ctx.text.lines
    title_at = _find_title(f, lines)
    head_end = title_at[0] if title_at else len(lines)
    masthead = read_masthead(ctx, lines[:head_end])
    organs = _organs(ctx, f, [ln for ln in lines[:head_end] if ln.number not in masthead.lines_used], masthead)

    parts: dict = {
        "symbols": tuple(masthead.symbols),
        "issued": masthead.issued,
        "original_language": masthead.original_language,
        "organs": tuple(organs),
        "kind": None, "date": None, "title": None, "sender": None, "recipients": (),
        "circulation": None, "paragraphs": (), "annexes": (), "mentions": (),
    }
    if title_at is None:
        named = any(ctx.find(ln.piece, "organ") for ln in lines[:head_end] if not ln.blank)  # a line cut short
        if organs or masthead.symbols or named:
            suspect_cut(ctx, parts, last_content_line(ctx), "before the communication's title "
                        f"(no title of the form '{f.title_examples[0]}')")
            return parts
        raise NotACommunication(
            ctx.path, "not a UN communication: no masthead organs and no title of the form "
            f"'{' / '.join(f.title_examples)}' were found")
    start, stop = title_at
    title_block = block(lines[start:stop])
    _title(ctx, f, title_block, parts)

    blocks = paragraphs(ctx.text, lines[stop:])
    heads = [i for i, b in enumerate(blocks) if len(b.lines) <= 3 and f.annex_heading.match(b.text)]
    letter = blocks[: heads[0]] if heads else blocks
    body, closing = split_closing(ctx, letter, f.ends_sentence)
    parts["paragraphs"] = tuple(ctx.written(b.piece) for b in body)
    _signature(ctx, f, closing, parts)
    parts["circulation"] = _circulation(ctx, f, body)
    if parts["circulation"] is not None:
        check_circulation(ctx, organs, parts["circulation"])
    else:
        ctx.warn("no circulation request found in the body")

    spans = [(i, heads[n + 1] if n + 1 < len(heads) else len(blocks)) for n, i in enumerate(heads)]
    parts["annexes"] = tuple(_annex(ctx, f, blocks[i], blocks[i + 1 : end]) for i, end in spans)

    def names(blocks_: list[Block], part: str) -> list[Mention]:
        return [m for b in blocks_ for m in find_mentions(
            ctx, b.piece, part, f.names, f.name_left_stops, f.name_right_stops, f.name_joiners)]

    mentions = names(body, "main")
    for n, (i, end) in enumerate(spans, 1):
        mentions += names(blocks[i + 1 : end], f"annex_{n}")
    report_unresolved(ctx, mentions)
    parts["mentions"] = tuple(mentions)
    _check_complete(ctx, f, parts, body, closing, blocks)
    return parts


def _date_place(f: UnspacedFormulas, s: str) -> re.Match[str] | None:
    """A closing line that is a date and a place (in either order)."""
    for pattern in f.date_place:
        m = pattern.match(s)
        if m:
            return m
    return None


# -- masthead -------------------------------------------------------------------------------------


def _find_title(f: UnspacedFormulas, lines) -> tuple[int, int] | None:
    """Index range of the title's lines: a line opening with a date, alone or wrapped over up to four
    lines, that ends with 的信 / 的普通照会 / 的同文信 (an annex heading is not a title)."""
    return find_lines(lines, lambda t: bool(f.title_start.match(t)),
                      lambda t: bool(f.title_end.search(t)) and not f.annex_heading.match(t), 4)


def _organs(ctx: Context, f: UnspacedFormulas, lines, masthead: Masthead) -> list[OrganSession]:
    organs: list[Fact[Entity]] = []
    periods: list[tuple[str, Fact[int]]] = []
    items: list[Fact[str]] = []
    agenda_line: int | None = None
    after: list[Line] = []
    for idx, ln in enumerate(lines):
        if ln.blank:
            continue
        if agenda_line is not None:
            after.append(ln)
            continue
        found = ctx.segment(masthead.organ_piece(ln), "organ")
        if found:
            organs += found
            continue
        hits = [(m.start(), unit, m) for unit, pattern in f.periods for m in pattern.finditer(ln.text)]
        if hits:
            for _, kind, m in sorted(hits, key=lambda h: h[0]):
                periods.append((kind, ctx.fact(f.number(m.group("n")), ln.piece, m.start(), m.end())))
            continue
        m = f.agenda.match(ln.text)
        if m:
            items = item_numbers(ctx, f.item, f.subitems, ln.piece, m.start("nums"), m.end("nums"))
            agenda_line = idx
            continue
    return organ_sessions(ctx, organs, periods, masthead.symbols, items, after)


# -- title, sender, recipients --------------------------------------------------------------------


def _title(ctx: Context, f: UnspacedFormulas, title: Block, parts: dict) -> None:
    parts["title"] = ctx.written(title.piece)
    m = f.title.match(title.text)
    if not m:
        ctx.warn(f"the title does not read '{f.title_words}'", parts["title"].span)
        return
    parts["kind"] = ctx.fact(f.kinds[m.group("kind")], title.piece, m.start("kind"), m.end("kind"))
    date = f.read_date(m)
    if date is None:
        ctx.warn("the title's date is not a calendar date", ctx.span(title.piece, m.start("date"), m.end("date")))
    else:
        parts["date"] = ctx.fact(date, title.piece, m.start("date"), m.end("date"))
    parts["sender_title"] = _agent_phrase(ctx, title.piece.sub(m.start("sender"), m.end("sender")))
    rest = title.piece.sub(m.start("recipients"), m.end("recipients"))
    parts["recipients"] = read_recipients(ctx, rest, f.recipient_split)


def _agent_phrase(ctx: Context, phrase: Piece) -> tuple[Fact[Entity] | None, Fact[Entity] | None]:
    """(state, function) from a phrase such as 阿塞拜疆常驻联合国代表 or 安全理事会主席."""
    post = ctx.lookup(phrase, "post")
    if post:
        return None, ctx.fact(post, phrase)
    state = None
    rest = phrase
    found = ctx.find(phrase, "state")
    if found and found[0][0] == 0:
        a, b, ent = found[0]
        state = ctx.fact(ent, phrase, a, b)
        rest = phrase.sub(b)
    func = ctx.lookup(rest, "function", "post")
    if func:
        return state, ctx.fact(func, rest)
    hits = ctx.find(rest, "function", "post")
    if hits:
        a, b, ent = max(hits, key=lambda h: h[1] - h[0])
        return state, ctx.fact(ent, rest, a, b)
    ctx.warn(f"function {rest.text!r} is not in the authority data", ctx.span(rest))
    return state, None


# -- signature ------------------------------------------------------------------------------------


def _closing_agent(ctx: Context, f: UnspacedFormulas, closing: list[Block], signature: bool) -> Agent | None:
    """Read a closing block: function lines (with or without the State), rank lines and the name
    (the line with the signature marker, or else the line that is neither)."""
    name = function = state = rank = signed = None
    person = None
    leftover: list[Block] = []
    for b in closing:
        piece = b.piece
        m = f.signed.search(piece.text)
        if m:
            signed = ctx.fact(True, piece, m.start(), m.end())
            name_piece = piece.sub(0, m.start()) if m.start() > 0 else piece.sub(m.end())
            if name_piece.text:
                name = ctx.written(name_piece)
            continue
        if _date_place(f, piece.text):
            continue
        rank_ent = ctx.lookup(piece, "rank")
        if rank_ent:
            rank = ctx.fact(rank_ent, piece)
            continue
        st, fn = _try_agent_phrase(ctx, piece)
        if fn:
            function, state = fn, st or state
            continue
        leftover.append(b)
    if name is None and leftover:
        name = ctx.written(leftover[-1].piece)
    if name is None and function is None:
        return None
    if name is not None:
        person = ctx.auth.lookup(name.value, ctx.lang, "person")
    if signed is None and signature:
        signed = Fact(False, None, "")
    return Agent(name, person, function, state, rank, signed)


def _try_agent_phrase(ctx: Context, piece: Piece):
    post = ctx.lookup(piece, "post", "function")
    if post:
        return None, ctx.fact(post, piece)
    found = ctx.find(piece, "state")
    if found and found[0][0] == 0:
        a, b, ent = found[0]
        fn = ctx.lookup(piece.sub(b), "function", "post")
        if fn:
            return ctx.fact(ent, piece, a, b), ctx.fact(fn, piece.sub(b))
    return None, None


def _signature(ctx: Context, f: UnspacedFormulas, closing: list[Block], parts: dict) -> None:
    parts["sender"] = merge_sender(ctx, parts.pop("sender_title", (None, None)),
                                   _closing_agent(ctx, f, closing, signature=True), parts.get("kind"),
                                   bool(closing))


# -- circulation request --------------------------------------------------------------------------


def _circulation(ctx: Context, f: UnspacedFormulas, body: list[Block]) -> Circulation | None:
    def items_in(piece: Piece, start: int, stop: int) -> list[Fact[str]]:
        m = f.circulation_items.search(piece.text, start, stop)
        return item_numbers(ctx, f.item, f.subitems, piece, m.start("nums"), m.end("nums")) if m else []

    return read_circulation(ctx, body, f.circulation, items_in)


# -- annexes --------------------------------------------------------------------------------------


def _annex(ctx: Context, f: UnspacedFormulas, heading: Block, rest: list[Block]) -> Annex:
    m = f.annex_heading.match(heading.text)
    assert m is not None
    num = m.group("num")
    value = ""
    if num:
        n = f.number(num)
        value = ROMAN[n] if 0 < n < len(ROMAN) else str(n)
    label = ctx.fact(value, heading.piece, m.start("num") if num else m.end(), m.end())
    title_block = None
    if rest and not f.ends_sentence(rest[0].text) and not _date_place(f, rest[0].text):
        title_block, rest = rest[0], rest[1:]
    title = ctx.written(title_block.piece) if title_block else None
    paras, closing = split_closing(ctx, rest, f.ends_sentence)
    author = _closing_agent(ctx, f, closing, signature=False)
    date = place = None
    for b in closing:
        dm = _date_place(f, b.text)
        if dm:
            date = _fact_date(ctx, f, b.piece, dm)
            sub = b.piece.sub(dm.start("place"), dm.end("place"))
            ent = ctx.lookup(sub, "place", "state")
            if ent:
                place = ctx.fact(ent, sub)
            else:
                ctx.warn(f"annex {value}: place {sub.text!r} is not in the authority data", ctx.span(sub))
    if title_block is not None and (date is None or place is None):
        tpiece = title_block.piece
        if date is None:
            dm = f.date.search(tpiece.text)
            if dm:
                date = _fact_date(ctx, f, tpiece, dm)
        if place is None:
            hm = f.held_in.search(tpiece.text)
            if hm:
                sub = tpiece.sub(hm.start("place"), hm.end("place"))
                hits = [h for h in ctx.find(sub, "place")] or [h for h in ctx.find(sub, "state")]
                if hits:
                    a, b, ent = hits[-1]
                    place = ctx.fact(ent, sub, a, b)
    if author is not None and author.name is not None and author.person is None:
        ctx.warn(f"annex {value}: author {author.name.value!r} is not in the authority data",
                 author.name.span)
    return Annex(
        label=label,
        heading=ctx.written(heading.piece),
        title=title,
        author=author,
        date=date,
        place=place,
        paragraphs=tuple(ctx.written(b.piece) for b in paras),
        closing_lines=tuple(ctx.written(b.piece) for b in closing),
    )


def _fact_date(ctx: Context, f: UnspacedFormulas, piece: Piece, m: re.Match[str]) -> Fact[dt.date] | None:
    date = f.read_date(m)
    if date is None:
        ctx.warn(f"{m.group(0)!r} is not a calendar date", ctx.span(piece, m.start(), m.end()))
        return None
    return ctx.fact(date, piece, m.start("date"), m.end("date"))


# -- completeness ---------------------------------------------------------------------------------


def _check_complete(ctx: Context, f: UnspacedFormulas, parts: dict, body, closing, blocks: list[Block]) -> None:
    announced = 0
    for b in body:
        for m in f.annex_ref.finditer(b.text):
            announced = max(announced, f.number(m.group("num")) if m.group("num") else 1)
    last = blocks[-1] if blocks else None
    check_complete(ctx, parts, last.lines[-1] if last else None, last.text if last else "", f.ends_sentence,
                   f.open_ends, bool(closing), announced,
                   last.lines[-2] if last is not None and len(last.lines) > 1 else None)
