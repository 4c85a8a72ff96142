"""English communications: the formulas of the English language version.

The shapes it reads (DOMAIN.md section 1, and the layouts of `../shared/corpus/en/`): a masthead with
symbols, ``Distr.``, issue date and ``Original:`` (1990s: ``Distr.`` / ``GENERAL`` and ``ORIGINAL:`` /
``ENGLISH`` on separate lines), organ blocks (``General Assembly`` / ``Eightieth session`` / ``Agenda
item 84`` / the titles; ``Security Council`` / ``Eightieth year``), the title (``Letter dated … from …
addressed to …``, wrapped over up to five lines), the body, the circulation request (``… circulated as a
document of the General Assembly, under agenda item 84, and of the Security Council``), the signature
block (``(Signed)`` on the name's line or alone, OCR-damaged ``(Sisned)``; then rank and function lines),
and annexes (``Annex to the letter dated …``, ``Annex I``, bare ``Annex``/``ANNEX``) with a title and a
date line. Page furniture (job numbers, barcodes, page numbers, running headers) is skipped.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

from ..model import Agent, Annex, Circulation, CirculationTarget, Entity, Fact, OrganSession
from ..text import Block, Line, Piece, block, paragraphs
from . import core
from .core import ROMAN, Context

MONTHS = "|".join(core.lexicon()["months"]["en"])
DATE = rf"(?P<d>\d{{1,2}})\s+(?P<m>{MONTHS})\s*,?\s+(?P<y>\d{{4}})"
DATE_RE = re.compile(DATE, re.IGNORECASE)
KINDS = {"letter": "letter", "letters": "letter", "note verbale": "note verbale",
         "identical letters": "identical letters"}
TITLE_START = re.compile(r"^(?P<kind>identical letters|letter|note verbale)\s+dated\b", re.IGNORECASE)
TITLE = re.compile(rf"^(?P<kind>identical letters|letter|note verbale)\s+dated\s+{DATE}\s+from\s+"
                   r"(?P<sender>.+?)\s+addressed\s+to\s+(?P<recipients>.+?)\.?$", re.IGNORECASE)
PERIOD = re.compile(r"\b(?P<ord>[A-Za-z]+(?:[-\u2010\u2011][A-Za-z]+)?)\s+(?P<unit>session|year)\b", re.IGNORECASE)
ITEM = r"\d+(?:\s*\(\s*[a-z]\s*\))?"
ITEMS = rf"(?P<nums>{ITEM}(?:\s*(?:,|and|,\s*and)\s*{ITEM})*)"
AGENDA = re.compile(rf"^(?:(?:provisional\s+)?agenda\s+)?items?\s+{ITEMS}"
                    r"(?:\s+of\s+the\s+(?:preliminary\s+list|provisional\s+agenda))?\s*\**$", re.IGNORECASE)
AGENDA_OPEN = re.compile(r"\bof\s+the\s+(?:preliminary|provisional)\s*$", re.IGNORECASE)
ITEM_RE = re.compile(ITEM)
CIRCULATION = re.compile(r"\b(?:circulated|distributed|circulate|distribute)\b.*\bdocuments?\b.*", re.IGNORECASE)
SIGNED = re.compile(r"^\((?P<word>[A-Za-z0-9]{4,8})\)\s*(?P<name>.*)$")
ANNEX_HEADING = re.compile(r"^annex(?:\s+(?P<num>[IVX]+|\d+))?\b(?P<rest>.*)$", re.IGNORECASE)
PARA_NUMBER = re.compile(r"^(?:\d+\.|\([a-z]\))$")
SENTENCE_END = ".!?;:"
ANNEX_REF = re.compile(r"\bannex(?:es)?\b(?:\s+(?P<num>[IVX]+))?", re.IGNORECASE)


def _date(m: re.Match[str]) -> dt.date | None:
    month = core.lexicon()["months"]["en"].get(m.group("m").casefold())
    return core.make_date(int(m.group("y")), month, int(m.group("d"))) if month else None


def ends_sentence(s: str) -> bool:
    return bool(s) and s.rstrip("”’\")")[-1:] in SENTENCE_END


def is_signed(word: str) -> bool:
    """"Signed", and what OCR makes of it ("Sisned", "Signad")."""
    return difflib.SequenceMatcher(None, word.casefold(), "signed").ratio() >= 0.66


def parse(ctx: Context) -> dict:
    all_lines = ctx.text.lines
    title_at = _find_title(ctx, all_lines)
    head_end = title_at[0] if title_at else len(all_lines)
    masthead = core.read_masthead(ctx, all_lines[:head_end])
    own = {s.value for s in masthead.symbols}
    # running headers may carry the OCR-clean form of a symbol: both count as the document's own
    own |= {s.surface for s in masthead.symbols}
    parts: dict = {
        "symbols": tuple(masthead.symbols), "issued": masthead.issued,
        "original_language": masthead.original_language, "organs": (),
        "kind": None, "date": None, "title": None, "sender": None, "recipients": (),
        "circulation": None, "paragraphs": (), "annexes": (), "mentions": (),
    }
    head = [ln for ln in all_lines[:head_end]
            if not ln.blank and ln.number not in masthead.lines_used and not core.is_furniture(ln, own)]
    organs = _organs(ctx, head, masthead.symbols)
    parts["organs"] = tuple(organs)
    if title_at is None:
        if organs or masthead.symbols:
            last = max((ln.number for ln in all_lines if not ln.blank), default=1)
            raise ctx.fail("the text ends before the communication's title (truncated?): found the "
                           "masthead but no title of the form 'Letter dated … from … addressed to …'", last)
        raise core.NotACommunication(ctx.path, "not a UN communication: no masthead and no title of the "
                                     "form 'Letter dated … from … addressed to …' were found")
    start, stop = title_at
    _title(ctx, block(all_lines[start:stop]), parts)

    rest = [ln for ln in all_lines[stop:] if not ln.blank and not core.is_furniture(ln, own)
            and not _language_header(ln)]
    heads = _annex_headings(ctx, rest)
    letter_lines = rest[: heads[0][0]] if heads else rest
    body_blocks, closing = _split_signature(ctx, letter_lines)
    parts["paragraphs"] = tuple(ctx.written(b.piece) for b in body_blocks)
    _signature(ctx, closing, parts)
    parts["circulation"] = _circulation(ctx, body_blocks)
    if parts["circulation"] is not None:
        core.check_circulation(ctx, organs, parts["circulation"])
    else:
        ctx.warn("no circulation request found in the body")

    annexes, mentions = [], []
    for b in body_blocks:
        mentions += core.find_mentions(ctx, b.piece, "main")
    for n, (_, j, heading) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(rest)
        annex, blocks = _annex(ctx, heading, rest[j:end])
        annexes.append(annex)
        for b in blocks:
            mentions += core.find_mentions(ctx, b.piece, f"annex_{n + 1}")
    parts["annexes"] = tuple(annexes)
    core.report_unresolved(ctx, mentions)
    parts["mentions"] = tuple(mentions)
    _check_complete(ctx, parts, body_blocks, closing, rest)
    return parts


def _language_header(ln: Line) -> bool:
    """A running header's language line ("English" above "Page 2")."""
    return core.language_code(ln.text) is not None


# -- masthead -------------------------------------------------------------------------------------


def _organs(ctx: Context, lines: list[Line], symbols) -> list[OrganSession]:
    """Organ blocks: the organs in order of first mention (the header list repeats them), their
    sessions or years (paired by the unit each organ counts in), the agenda line and its titles."""
    organs: list[Fact[Entity]] = []
    periods: list[tuple[str, Fact[int]]] = []
    items: list[Fact[str]] = []
    titles: list[Line] = []
    in_agenda = False
    skip = set()
    for idx, ln in enumerate(lines):
        if idx in skip:
            continue
        # organ and period lines may sit among the agenda titles (columns read across): skip them
        found = ctx.segment(ln.piece, "organ")
        if found:
            for f in found:
                if f.value.iri not in {o.value.iri for o in organs}:
                    organs.append(f)
            continue
        hits = [m for m in PERIOD.finditer(ln.text) if core.ordinal(m.group("ord")) is not None]
        if hits and len(" ".join(m.group(0) for m in hits)) >= 0.8 * len(ln.text):
            for m in hits:
                unit = m.group("unit").casefold()
                periods.append((unit, ctx.fact(core.ordinal(m.group("ord")), ln.piece, m.start(), m.end())))
            continue
        if core.language_code(ln.text):
            continue
        piece = ln.piece
        if AGENDA_OPEN.search(ln.text) and idx + 1 < len(lines):  # "… of the preliminary" / "list*"
            joined = block([ln, lines[idx + 1]])
            if AGENDA.match(joined.text):
                piece = joined.piece
                skip.add(idx + 1)
        m = AGENDA.match(piece.text)
        if m and not items:
            items = _numbers(ctx, piece, m.start("nums"), m.end("nums"))
            in_agenda = True
            continue
        if in_agenda and not ctx.find(ln.piece, "organization"):
            titles.append(ln)
    sessions = core.pair_periods(ctx, organs, periods, symbols)
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
            agenda = core.split_agenda_titles(ctx, titles, items, known, where)
            sessions[holder] = OrganSession(o.organ, o.session, o.year, tuple(agenda))
    return sessions


def _numbers(ctx: Context, piece: Piece, a: int, b: int) -> list[Fact[str]]:
    out = []
    for m in ITEM_RE.finditer(piece.text, a, b):
        value = re.sub(r"\s*\(\s*([a-z])\s*\)", r" (\1)", m.group(0))
        out.append(ctx.fact(value, piece, m.start(), m.end()))
    return out


# -- title, sender, recipients --------------------------------------------------------------------


def _find_title(ctx: Context, lines) -> tuple[int, int] | None:
    """The title's lines: from a line opening "Letter dated" / "Note verbale dated" / "Identical letters
    dated" to the line that ends with its recipients (up to five lines)."""
    for i, ln in enumerate(lines):
        if ln.blank or not TITLE_START.match(ln.text):
            continue
        taken: list[Line] = []
        for j in range(i, len(lines)):
            if lines[j].blank:
                continue
            taken.append(lines[j])
            if len(taken) > 5:
                break
            text = block(taken).text
            m = re.search(r"\baddr\W?e\W?s\W?s\W?e\W?d\s+\S+\s+(?P<r>.+)$", text, re.IGNORECASE)
            if m and _recipients(ctx, m.group("r"), quiet=True):
                return (i, j + 1)
        # an OCR-damaged title: up to the line whose end reads like a recipient
        taken = [ln for ln in lines[i : i + 8] if not ln.blank][:5]
        for k in range(len(taken)):
            if _fuzzy_post(ctx, taken[k].text.split(" ")[-1]) is not None:
                end = lines.index(taken[k])
                return (i, end + 1)
    return None


def _fuzzy_post(ctx: Context, text: str) -> Entity | None:
    """A post named in OCR-damaged text ("Secretarv-Genera?")."""
    text = text.strip(" .,;:")
    if len(text) < 6:
        return None
    best = None
    for ent in ctx.auth.of_kind("post"):
        for name in ctx.auth.names(ent, "en"):
            ratio = difflib.SequenceMatcher(None, text.casefold(), name.casefold()).ratio()
            if ratio >= 0.85 and (best is None or ratio > best[0]):
                best = (ratio, ent)
    return best[1] if best else None


def _strip_the(s: str) -> str:
    return re.sub(r"^the\s+", "", s.strip(), flags=re.IGNORECASE)


def _recipients(ctx: Context, text: str, quiet: bool = False) -> list[Entity] | None:
    parts = [p for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", text.strip().rstrip(".")) if p]
    out = []
    for p in parts:
        ent = ctx.auth.lookup(_strip_the(p), "en", "post", "function", "organ")
        if ent is None:
            return None
        out.append(ent)
    return out or None


def _title(ctx: Context, title: Block, parts: dict) -> None:
    parts["title"] = ctx.written(title.piece)
    m = TITLE.match(title.text)
    if not m:
        ctx.warn("the title does not read 'Letter dated … from … addressed to …' (OCR damage?)",
                 parts["title"].span)
        dm = DATE_RE.search(title.text)
        if dm and _date(dm):
            parts["date"] = ctx.fact(_date(dm), title.piece, dm.start(), dm.end())
        km = TITLE_START.match(title.text)
        if km:
            parts["kind"] = ctx.fact(KINDS[km.group("kind").casefold()], title.piece, km.start("kind"),
                                     km.end("kind"))
        last = title.lines[-1]
        post = _fuzzy_post(ctx, last.text.split(" ")[-1])
        if post is not None:
            parts["recipients"] = (ctx.fact(post, last.piece),)
        return
    parts["kind"] = ctx.fact(KINDS[m.group("kind").casefold()], title.piece, m.start("kind"), m.end("kind"))
    date = _date(m)
    if date is None:
        ctx.warn("the title's date is not a calendar date", ctx.span(title.piece, m.start("d"), m.end("y")))
    else:
        parts["date"] = ctx.fact(date, title.piece, m.start("d"), m.end("y"))
    parts["sender_title"] = _agent_phrase(ctx, title.piece.sub(m.start("sender"), m.end("sender")))
    rest = title.piece.sub(m.start("recipients"), m.end("recipients"))
    recipients = []
    for pm in re.finditer(r"(?:the\s+)?(?P<p>.+?)(?=\s*,\s*(?:and\s+)?|\s+and\s+the\s+|$)", rest.text):
        sub = rest.sub(pm.start("p"), pm.end("p"))
        if not sub.text:
            continue
        ent = ctx.lookup(sub, "post", "function", "organ")
        if ent is None:
            ctx.warn(f"recipient {sub.text!r} is not in the authority data", ctx.span(sub))
        else:
            recipients.append(ctx.fact(ent, sub))
    parts["recipients"] = tuple(recipients)


def _agent_phrase(ctx: Context, phrase: Piece) -> tuple[Fact[Entity] | None, Fact[Entity] | None]:
    """(state, function) from "the Chargé d’affaires a.i. of the Permanent Mission of the Russian
    Federation to the United Nations", "the Permanent Observer of Palestine …", "the President of the
    Security Council": the first function or post named, and the State named after it."""
    funcs = ctx.find(phrase, "post", "function")
    function = state = None
    if funcs:
        a, b, ent = min(funcs, key=lambda h: h[0])
        function = ctx.fact(ent, phrase, a, b)
        states = [h for h in ctx.find(phrase, "state") if h[0] >= b]
        if states and ent.kind == "function":
            x, y, st = states[0]
            state = ctx.fact(st, phrase, x, y)
    else:
        ctx.warn(f"function in {phrase.text!r} is not in the authority data", ctx.span(phrase))
    return state, function


# -- signature ------------------------------------------------------------------------------------


def _split_signature(ctx: Context, lines: list[Line]) -> tuple[list[Block], list[Line]]:
    """The body paragraphs and the signature block: from the (Signed) line, or else the trailing short
    lines that are not sentences."""
    marker = None
    for idx in range(len(lines) - 1, -1, -1):
        m = SIGNED.match(lines[idx].text)
        if m and is_signed(m.group("word")):
            marker = idx
            break
    if marker is None:
        k = len(lines)
        while k > 0 and lines[k - 1].width < 0.6 * ctx.text.full_width and not ends_sentence(lines[k - 1].text):
            k -= 1
        marker = k
    return paragraphs(ctx.text, lines[:marker]), lines[marker:]


def _signature(ctx: Context, closing: list[Line], parts: dict) -> None:
    state, function = parts.pop("sender_title", (None, None))
    agent = _closing_agent(ctx, closing)
    if agent is None:
        if parts.get("kind") is None or parts["kind"].value != "note verbale":
            ctx.warn("no signature block after the body")
        if function is not None or state is not None:
            parts["sender"] = Agent(None, None, function, state, None, Fact(False, None, "") if closing else None)
        return
    if agent.name is not None and agent.person is None:
        ctx.warn(f"signatory {agent.name.value!r} is not in the authority data", agent.name.span)
    parts["sender"] = Agent(agent.name, agent.person, function or agent.function, state or agent.state,
                            agent.rank, agent.signed)


def _closing_agent(ctx: Context, closing: list[Line]) -> Agent | None:
    name = signed = rank = None
    rest: list[Line] = []
    for ln in closing:
        m = SIGNED.match(ln.text)
        if m and is_signed(m.group("word")) and signed is None:
            signed = ctx.fact(True, ln.piece, m.start("word") - 1, m.end("word") + 1)
            if m.group("name"):
                name = ctx.written(ln.piece, m.start("name"), m.end("name"))
            continue
        if signed is not None and name is None and not ctx.lookup(ln.piece, "rank", "function", "post"):
            name = ctx.written(ln.piece)
            continue
        r = ctx.lookup(ln.piece, "rank")
        if r is not None and rank is None:
            rank = ctx.fact(r, ln.piece)
            continue
        rest.append(ln)
    state = function = None
    if rest:
        phrase = block(rest).piece
        if ctx.find(phrase, "post", "function"):
            state, function = _agent_phrase(ctx, phrase)
        elif name is None:
            name = ctx.written(phrase)
    if name is None and function is None:
        return None
    person = ctx.auth.lookup(name.value, "en", "person") if name else None
    return Agent(name, person, function, state, rank, signed or Fact(False, None, ""))


# -- circulation request --------------------------------------------------------------------------


def _circulation(ctx: Context, body: list[Block]) -> Circulation | None:
    for b in reversed(body):
        m = CIRCULATION.search(b.text)
        if not m:
            continue
        piece = b.piece.sub(m.start(), m.end())
        organs = ctx.find(piece, "organ")
        targets = []
        for k, (a, e, ent) in enumerate(organs):
            stop = organs[k + 1][0] if k + 1 < len(organs) else len(piece.text)
            items: list[Fact[str]] = []
            im = re.search(rf"\bitems?\s+{ITEMS}", piece.text[e:stop], re.IGNORECASE)
            if im:
                items = _numbers(ctx, piece, e + im.start("nums"), e + im.end("nums"))
            targets.append(CirculationTarget(ctx.fact(ent, piece, a, e), tuple(items)))
        if not targets:
            continue
        return Circulation(ctx.written(piece), tuple(targets))
    return None


# -- annexes --------------------------------------------------------------------------------------


def _annex_headings(ctx: Context, lines: list[Line]) -> list[tuple[int, int, Block]]:
    """(first line, line after the heading, heading) for each annex heading: "Annex", "ANNEX", "Annex I",
    "Annex to the letter dated … addressed to the Secretary-General" (wrapped until its recipients)."""
    out = []
    i = 0
    while i < len(lines):
        m = ANNEX_HEADING.match(lines[i].text)
        rest = m.group("rest").strip() if m else ""
        if m and (not rest or re.match(r"^to\s+the\s+", rest, re.IGNORECASE)):
            j = i + 1
            if rest:
                while j < len(lines) and j - i < 5:
                    text = block(lines[i:j]).text
                    tail = re.search(r"\baddressed\s+to\s+(?P<r>.+)$", text, re.IGNORECASE)
                    if tail and _recipients(ctx, tail.group("r"), quiet=True):
                        break
                    j += 1
            out.append((i, j, block(lines[i:j])))
            i = j
        else:
            i += 1
    return out


def _annex(ctx: Context, heading: Block, lines: list[Line]) -> tuple[Annex, list[Block]]:
    m = ANNEX_HEADING.match(heading.text)
    assert m is not None
    num = m.group("num")
    value = ""
    if num:
        value = num.upper() if not num.isdigit() else (ROMAN[int(num)] if int(num) < len(ROMAN) else num)
    label = ctx.fact(value, heading.piece, m.start("num") if num else len(heading.piece.text),
                     m.end("num") if num else len(heading.piece.text))
    # the title: the narrower lines (titles are centred) before a date line, a numbered paragraph or a
    # sentence, up to four
    title_lines: list[Line] = []
    idx = 0
    while idx < len(lines) and len(title_lines) < 4:
        ln = lines[idx]
        if (_date_line(ln.text) or PARA_NUMBER.match(ln.text) or ctx.text.is_full(ln)
                or (title_lines and ends_sentence(title_lines[-1].text))):
            break
        title_lines.append(ln)
        idx += 1
    if title_lines and ends_sentence(title_lines[-1].text) and len(title_lines) == 1 and len(lines) > 1:
        title_lines, idx = [], 0  # a first sentence, not a title
    title = ctx.written(block(title_lines).piece) if title_lines else None
    date = place = None
    if idx < len(lines) and _date_line(lines[idx].text):
        date, place = _date_place(ctx, lines[idx])
        idx += 1
    body_lines = lines[idx:]
    blocks, closing = _split_signature(ctx, body_lines)
    author = _closing_agent(ctx, closing) if closing else None
    if author is not None and author.name is not None and author.person is None:
        ctx.warn(f"annex {value}: author {author.name.value!r} is not in the authority data", author.name.span)
    for ln in closing:
        if date is None and _date_line(ln.text):
            date, place = _date_place(ctx, ln)
    annex = Annex(
        label=label, heading=ctx.written(heading.piece), title=title, author=author, date=date, place=place,
        paragraphs=tuple(ctx.written(b.piece) for b in blocks),
        closing_lines=tuple(ctx.written(ln.piece) for ln in closing),
    )
    return annex, blocks + ([block(title_lines)] if title_lines else [])


def _date_line(text: str) -> bool:
    """A line that is a date, or a place and a date ("Moscow, 17 October 2025")."""
    return bool(re.fullmatch(rf"(?:[A-Z][\w .’'-]+,\s*)?{DATE}\.?", text, re.IGNORECASE))


def _date_place(ctx: Context, ln: Line):
    m = DATE_RE.search(ln.text)
    date = place = None
    if m and _date(m):
        date = ctx.fact(_date(m), ln.piece, m.start(), m.end())
    head = ln.text[: m.start()].rstrip(" ,") if m else ""
    if head:
        sub = ln.piece.sub(0, len(head))
        ent = ctx.lookup(sub, "place", "state")
        if ent:
            place = ctx.fact(ent, sub)
        else:
            ctx.warn(f"place {head!r} is not in the authority data", ctx.span(sub))
    return date, place


# -- completeness ---------------------------------------------------------------------------------


def _check_complete(ctx: Context, parts: dict, body, closing, rest: list[Line]) -> None:
    last_line = max((ln.number for ln in ctx.text.lines if not ln.blank), default=1)
    if not rest:
        raise ctx.fail("the text ends after the title (truncated?): no body", last_line)
    tail = rest[-1]
    if (ctx.text.is_full(tail) and not ends_sentence(tail.text)) or tail.text[-1] in ",(“‘":
        raise ctx.fail("the text ends in the middle of a paragraph (truncated?)", last_line)
    kind = parts["kind"].value if parts.get("kind") else None
    if kind in ("letter", "identical letters") and not closing:
        raise ctx.fail("the letter ends without its signature block (truncated?)", last_line)
    wanted = 0
    for b in body:
        for m in ANNEX_REF.finditer(b.text):
            n = m.group("num")
            wanted = max(wanted, ROMAN.index(n.upper()) if n and n.upper() in ROMAN else 1)
    if len(parts["annexes"]) < wanted:
        raise ctx.fail(f"the letter refers to {wanted} annex(es) but the text has {len(parts['annexes'])} "
                       "(truncated?)", last_line)
