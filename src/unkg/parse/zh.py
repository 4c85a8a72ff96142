"""Chinese communications: the formulas of the Chinese language version.

The shape it reads (DOMAIN.md section 1): a masthead (``大  会  安全理事会``; ``第七十九届会议  第八十年``;
``议程项目 32、60 和 132`` and one wrapped title per item), the title (date + sender + 给 + recipients +
的信 / 的普通照会 / 的同文信), the body paragraphs with the circulation request (``请将本信……作为大会议程项目
……的文件和安全理事会的文件分发``), the signature block (function, rank, then the name with ``(签名)``), and
annexes headed ``……的信的附件一`` with their own title, paragraphs and closing lines.
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import (
    Agent,
    Annex,
    Circulation,
    Entity,
    Fact,
    Mention,
    OrganSession,
)
from ..text import Block, Line, Piece, block, paragraphs
from . import core
from .core import ROMAN, Context

NUMERAL = "〇零一二三四五六七八九十百千两"
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}

NUM = rf"(?:\d+|[{NUMERAL}]+)"
DATE = rf"(?P<date>(?P<y>{NUM})年(?P<m>{NUM})月(?P<d>{NUM})日)"
DATE_RE = re.compile(DATE)
TITLE_START = re.compile(rf"^{DATE}")
KINDS = {"信": "letter", "普通照会": "note verbale", "同文信": "identical letters"}
TITLE_END = re.compile(r"的(?P<kind>同文信|信|普通照会)$")
TITLE = re.compile(rf"^{DATE}(?P<sender>.+?)给(?P<recipients>.+?)的(?P<kind>同文信|信|普通照会)$")
SESSION = re.compile(rf"第(?P<n>{NUM})届(?:会议)?")
YEAR = re.compile(rf"第(?P<n>{NUM})年")
ITEM = r"\d+(?:\s*\(\s*[a-z]\s*\))?"
AGENDA = re.compile(rf"^(?:临时|暂定)?(?:议程)?项目(?:清单)?\s*(?P<nums>{ITEM}(?:\s*[、,和及与]\s*{ITEM})*)")
ITEM_RE = re.compile(ITEM)
ANNEX_HEADING = re.compile(rf"^(?:(?P<ref>.*?(?:的信|的普通照会|的同文信))的?)?附件(?P<num>[{NUMERAL}]*)$")
ANNEX_REF = re.compile(rf"附件(?P<num>[{NUMERAL}]*)")
CIRCULATION = re.compile(r"(?:请|谨请|如能)将.*?(?:分发|散发)")
SIGNED = re.compile(r"[(（]\s*(?:签名|签字)\s*[)）]")
DATE_PLACE = (  # a closing "date, place" or "place, date" line
    re.compile(rf"^{DATE}\s*[，,]\s*(?P<place>.+)$"),
    re.compile(rf"^(?P<place>.+?)\s*[，,]\s*{DATE}$"),
)
HELD_IN = re.compile(r"在(?P<place>.+?)举行")
SENTENCE_END = "。！？；.!?;"
OPEN_ENDS = "：:，,、“‘《(（"  # a text that ends on one of these was cut short

# Names the authorities do not know: a transliterated name with a middle dot, an instrument in
# title marks, an event whose theme is quoted.
PATTERNS = [
    ("person", re.compile(r"(?P<name>[\u4e00-\u9fff]{1,4}(?:[·・•][\u4e00-\u9fff]{1,6})+)")),
    ("instrument", re.compile(r"《(?P<name>[^《》]{2,60})》")),
    ("event", re.compile(r"(?:主题为|题为)“(?P<name>[^”]{2,80})”的(?:国际)?(?:会议|论坛|峰会)")),
]


# Grammatical words that never begin a transliterated name (left edge of an unknown name).
NAME_LEFT_STOPS = "的和与及在由对向是了将为把被给同跟"
# ... and grammatical words or titles that never continue one (right edge), after its last dot.
NAME_RIGHT_STOPS = "在的和与及是了对向为将把被说称表先女阁等"
NAME_DOTS = "·・•"


def number(s: str) -> int:
    """Arabic digits, or a Chinese numeral (七十九, 一百三十二, 二〇二五)."""
    if s.isdigit():
        return int(s)
    if all(c in _DIGITS for c in s):  # digit by digit: 二〇二五
        return int("".join(str(_DIGITS[c]) for c in s))
    total = current = 0
    for c in s:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c in _UNITS:
            total += (current or 1) * _UNITS[c]
            current = 0
        else:
            raise ValueError(s)
    return total + current


def _date(m: re.Match[str]) -> dt.date | None:
    try:
        return core.make_date(number(m.group("y")), number(m.group("m")), number(m.group("d")))
    except ValueError:
        return None


def _date_place(s: str) -> re.Match[str] | None:
    for pattern in DATE_PLACE:
        m = pattern.match(s)
        if m:
            return m
    return None


def ends_sentence(s: str) -> bool:
    return bool(s) and s[-1] in SENTENCE_END


def parse(ctx: Context) -> dict:
    """Parse a Chinese communication; returns the parts for `Document` (see parse/__init__.py)."""
    lines = ctx.text.lines
    title_at = _find_title(ctx, lines)
    head_end = title_at[0] if title_at else len(lines)
    masthead = core.read_masthead(ctx, lines[:head_end])
    organs = _organs(ctx, [ln for ln in lines[:head_end] if ln.number not in masthead.lines_used], masthead)

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
            core.suspect_cut(ctx, parts, core.last_content_line(ctx), "before the communication's title "
                             "(no title of the form 'YYYY年M月D日……给……的信')")
            return parts
        raise core.NotACommunication(
            ctx.path, "not a UN communication: no masthead organs and no title of the form "
            "'YYYY年M月D日……给……的信 / 的普通照会' were found")
    start, stop = title_at
    title_block = block(lines[start:stop])
    _title(ctx, title_block, parts)

    blocks = paragraphs(ctx.text, lines[stop:])
    heads = [i for i, b in enumerate(blocks) if len(b.lines) <= 3 and ANNEX_HEADING.match(b.text)]
    letter = blocks[: heads[0]] if heads else blocks
    body, closing = core.split_closing(ctx, letter, ends_sentence)
    parts["paragraphs"] = tuple(ctx.written(b.piece) for b in body)
    _signature(ctx, closing, parts)
    parts["circulation"] = _circulation(ctx, body)
    if parts["circulation"] is not None:
        core.check_circulation(ctx, organs, parts["circulation"])
    else:
        ctx.warn("no circulation request found in the body")

    spans = [(i, heads[n + 1] if n + 1 < len(heads) else len(blocks)) for n, i in enumerate(heads)]
    parts["annexes"] = tuple(_annex(ctx, blocks[i], blocks[i + 1 : end]) for i, end in spans)

    def names(blocks_: list[Block], part: str) -> list[Mention]:
        return [m for b in blocks_ for m in core.find_mentions(
            ctx, b.piece, part, PATTERNS, NAME_LEFT_STOPS, NAME_RIGHT_STOPS, NAME_DOTS)]

    mentions = names(body, "main")
    for n, (i, end) in enumerate(spans, 1):
        mentions += names(blocks[i + 1 : end], f"annex_{n}")
    core.report_unresolved(ctx, mentions)
    parts["mentions"] = tuple(mentions)
    _check_complete(ctx, parts, body, closing, blocks)
    return parts


# -- masthead -------------------------------------------------------------------------------------


def _find_title(ctx: Context, lines) -> tuple[int, int] | None:
    """Index range of the title's lines: a line opening with a date, alone or wrapped over up to four
    lines, that ends with 的信 / 的普通照会 / 的同文信 (an annex heading is not a title)."""
    return core.find_lines(lines, lambda t: bool(TITLE_START.match(t)),
                           lambda t: bool(TITLE_END.search(t)) and not ANNEX_HEADING.match(t), 4)


def _organs(ctx: Context, lines, masthead: core.Masthead) -> list[OrganSession]:
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
        hits = [(m.start(), "session", m) for m in SESSION.finditer(ln.text)]
        hits += [(m.start(), "year", m) for m in YEAR.finditer(ln.text)]
        if hits:
            for _, kind, m in sorted(hits, key=lambda h: h[0]):
                periods.append((kind, ctx.fact(number(m.group("n")), ln.piece, m.start(), m.end())))
            continue
        m = AGENDA.match(ln.text)
        if m:
            items = _numbers(ctx, ln.piece, m.start("nums"), m.end("nums"))
            agenda_line = idx
            continue
    return core.organ_sessions(ctx, organs, periods, masthead.symbols, items, after)


def _numbers(ctx: Context, piece: Piece, a: int, b: int) -> list[Fact[str]]:
    out = []
    for m in ITEM_RE.finditer(piece.text, a, b):
        value = re.sub(r"\s*\(\s*([a-z])\s*\)", r" (\1)", m.group(0))
        out.append(ctx.fact(value, piece, m.start(), m.end()))
    return out


# -- title, sender, recipients --------------------------------------------------------------------


def _title(ctx: Context, title: Block, parts: dict) -> None:
    parts["title"] = ctx.written(title.piece)
    m = TITLE.match(title.text)
    if not m:
        ctx.warn("the title does not read 'date + sender + 给 + recipients + 的信'", parts["title"].span)
        return
    parts["kind"] = ctx.fact(KINDS[m.group("kind")], title.piece, m.start("kind"), m.end("kind"))
    date = _date(m)
    if date is None:
        ctx.warn("the title's date is not a calendar date", ctx.span(title.piece, m.start("date"), m.end("date")))
    else:
        parts["date"] = ctx.fact(date, title.piece, m.start("date"), m.end("date"))
    parts["sender_title"] = _agent_phrase(ctx, title.piece.sub(m.start("sender"), m.end("sender")))
    rest = title.piece.sub(m.start("recipients"), m.end("recipients"))
    parts["recipients"] = core.read_recipients(ctx, rest, r"和|及|、")


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


def _closing_agent(ctx: Context, closing: list[Block], signature: bool) -> Agent | None:
    """Read a closing block: function lines (with or without the State), rank lines and the name
    (the line with the signature marker, or else the line that is neither)."""
    name = function = state = rank = signed = None
    person = None
    leftover: list[Block] = []
    for b in closing:
        piece = b.piece
        m = SIGNED.search(piece.text)
        if m:
            signed = ctx.fact(True, piece, m.start(), m.end())
            name_piece = piece.sub(0, m.start()) if m.start() > 0 else piece.sub(m.end())
            if name_piece.text:
                name = ctx.written(name_piece)
            continue
        if _date_place(piece.text):
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


def _signature(ctx: Context, closing: list[Block], parts: dict) -> None:
    parts["sender"] = core.merge_sender(ctx, parts.pop("sender_title", (None, None)),
                                        _closing_agent(ctx, closing, signature=True), parts.get("kind"),
                                        bool(closing))


# -- circulation request --------------------------------------------------------------------------


REQUEST_ITEMS = re.compile(rf"项目\s*(?P<nums>{ITEM}(?:\s*[、,和及与]\s*{ITEM})*)")


def _circulation(ctx: Context, body: list[Block]) -> Circulation | None:
    def items_in(piece: Piece, start: int, stop: int) -> list[Fact[str]]:
        m = REQUEST_ITEMS.search(piece.text, start, stop)
        return _numbers(ctx, piece, m.start("nums"), m.end("nums")) if m else []

    return core.read_circulation(ctx, body, CIRCULATION, items_in)


# -- annexes --------------------------------------------------------------------------------------


def _annex(ctx: Context, heading: Block, rest: list[Block]) -> Annex:
    m = ANNEX_HEADING.match(heading.text)
    assert m is not None
    num = m.group("num")
    value = ""
    if num:
        n = number(num)
        value = ROMAN[n] if 0 < n < len(ROMAN) else str(n)
    label = ctx.fact(value, heading.piece, m.start("num") if num else m.end(), m.end())
    title_block = None
    if rest and not ends_sentence(rest[0].text) and not _date_place(rest[0].text):
        title_block, rest = rest[0], rest[1:]
    title = ctx.written(title_block.piece) if title_block else None
    paras, closing = core.split_closing(ctx, rest, ends_sentence)
    author = _closing_agent(ctx, closing, signature=False)
    date = place = None
    for b in closing:
        dm = _date_place(b.text)
        if dm:
            date = _fact_date(ctx, b.piece, dm)
            sub = b.piece.sub(dm.start("place"), dm.end("place"))
            ent = ctx.lookup(sub, "place", "state")
            if ent:
                place = ctx.fact(ent, sub)
            else:
                ctx.warn(f"annex {value}: place {sub.text!r} is not in the authority data", ctx.span(sub))
    if title_block is not None and (date is None or place is None):
        tpiece = title_block.piece
        if date is None:
            dm = DATE_RE.search(tpiece.text)
            if dm:
                date = _fact_date(ctx, tpiece, dm)
        if place is None:
            hm = HELD_IN.search(tpiece.text)
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


def _fact_date(ctx: Context, piece: Piece, m: re.Match[str]) -> Fact[dt.date] | None:
    date = _date(m)
    if date is None:
        ctx.warn(f"{m.group(0)!r} is not a calendar date", ctx.span(piece, m.start(), m.end()))
        return None
    return ctx.fact(date, piece, m.start("date"), m.end("date"))


# -- completeness ---------------------------------------------------------------------------------


def _check_complete(ctx: Context, parts: dict, body, closing, blocks: list[Block]) -> None:
    announced = 0
    for b in body:
        for m in ANNEX_REF.finditer(b.text):
            announced = max(announced, number(m.group("num")) if m.group("num") else 1)
    last = blocks[-1] if blocks else None
    core.check_complete(ctx, parts, last.lines[-1] if last else None, last.text if last else "", ends_sentence,
                        OPEN_ENDS, bool(closing), announced,
                        last.lines[-2] if last is not None and len(last.lines) > 1 else None)
