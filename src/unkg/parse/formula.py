"""Communications in languages written with spaces (English, French, Spanish, Russian, Arabic), read with
each language's formulas from ``data/formulas/<lang>.toml`` (see its README).

The shapes it reads (DOMAIN.md section 1, and the layouts of `../shared/corpus/en/`): a masthead with
symbols, ``Distr.``, issue date and ``Original:`` (1990s: ``Distr.`` / ``GENERAL`` and ``ORIGINAL:`` /
``ENGLISH`` on separate lines), organ blocks (organ / session or year / agenda line / titles; read in
either column order), the title (each language's word order, wrapped over up to five lines), the body,
the circulation request, the signature block (marker on the name's line or alone, OCR-damaged in old
English scans; then rank and function lines), and annexes (heading, wrapped until it ends as the title
does; a title; a date line). Page furniture (job numbers, barcodes, page numbers, running headers) is
skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..model import Agent, Annex, Circulation, Entity, Fact, OrganSession
from ..text import Block, Line, Piece, block, paragraphs
from . import core
from .core import ROMAN, Context

F = re.IGNORECASE


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class Formulas:
    lang: str
    months: dict[str, int]
    kinds: dict[str, str]
    date: re.Pattern[str]
    title: re.Pattern[str]
    title_start: re.Pattern[str]
    sender_last: bool
    un_phrase: re.Pattern[str]
    recipient_split: str
    strip: tuple[str, ...]
    period: re.Pattern[str]
    units: dict[str, str]
    item: re.Pattern[str]
    items: str
    subitems: dict[str, str]
    agenda: re.Pattern[str]
    agenda_open: re.Pattern[str]
    circulation: re.Pattern[str]
    circulation_items: re.Pattern[str]
    signed: re.Pattern[str]
    signed_words: tuple[str, ...]
    fuzzy_signed: bool
    annex_heading: re.Pattern[str]
    annex_heading_rest: re.Pattern[str]
    annex_numbers: dict[str, int]
    annex_ref: re.Pattern[str]
    date_line: re.Pattern[str]
    para_number: re.Pattern[str]
    sentence_end: str
    post_nominals: re.Pattern[str] | None
    enclosure_heading: re.Pattern[str] | None
    body_opening: re.Pattern[str] | None
    sender_lead: re.Pattern[str] | None
    title_head: re.Pattern[str] | None
    title_join: re.Pattern[str] | None
    recipient_function: re.Pattern[str] | None


@cache
def formulas(lang: str) -> Formulas:
    raw = tomllib.loads(resources.files("unkg").joinpath(f"data/formulas/{lang}.toml").read_text(encoding="utf-8"))
    months = core.lexicon()["months"][lang]
    item = raw["item"]
    items = rf"(?P<nums>{item}(?:{raw['item_split']}{item})*)"
    date = raw["date"].replace("{month}", _alternation(months))

    def fill(p: str, *, numbered: bool = False) -> str:
        p = p.replace("{date}", date).replace("{kind}", _alternation(raw["kinds"])).replace("{item}", item)
        if numbered:  # a pattern with alternatives uses {items} more than once: number the groups
            parts = p.split("{items}")
            p = parts[0] + "".join(items.replace("?P<nums>", f"?P<nums{k}>") + part
                                   for k, part in enumerate(parts[1:]))
        return p.replace("{items}", items)

    return Formulas(
        lang=lang, months={k.casefold(): v for k, v in months.items()}, kinds=raw["kinds"],
        date=re.compile(date, F), title=re.compile(fill(raw["title"]), F),
        title_start=re.compile(fill(raw["title_start"]), F), sender_last=raw["sender_last"],
        un_phrase=re.compile(raw["un_phrase"], F), recipient_split=raw["recipient_split"],
        strip=tuple(raw["strip"]), period=re.compile(raw["period"], F), units=raw["units"],
        item=re.compile(item, F), items=items, subitems=raw["subitems"],
        agenda=re.compile(fill(raw["agenda"], numbered=True), F), agenda_open=re.compile(raw["agenda_open"], F),
        circulation=re.compile(raw["circulation"], F), circulation_items=re.compile(fill(raw["circulation_items"]), F),
        signed=re.compile(raw["signed"], F), signed_words=tuple(raw["signed_words"]),
        fuzzy_signed=raw["fuzzy_signed"], annex_heading=re.compile(raw["annex_heading"], F),
        annex_heading_rest=re.compile(raw["annex_heading_rest"], F), annex_numbers=raw["annex_numbers"],
        annex_ref=re.compile(raw["annex_ref"], F), date_line=re.compile(fill(raw["date_line"]), F),
        para_number=re.compile(raw["para_number"], F), sentence_end=raw["sentence_end"],
        # honours are written in capitals (O.G.W., KCMG): matched with case
        post_nominals=re.compile(raw["post_nominals"]) if raw.get("post_nominals") else None,
        enclosure_heading=re.compile(raw["enclosure_heading"], F) if raw.get("enclosure_heading") else None,
        body_opening=re.compile(raw["body_opening"], F) if raw.get("body_opening") else None,
        sender_lead=re.compile(raw["sender_lead"], F) if raw.get("sender_lead") else None,
        title_head=re.compile(fill(raw["title_head"]), F) if raw.get("title_head") else None,
        title_join=re.compile(raw["title_join"], F) if raw.get("title_join") else None,
        recipient_function=re.compile(raw["recipient_function"], F) if raw.get("recipient_function") else None,
    )


class _TitleMatch:
    """A title's match split by `Parser.match_title`: the head's groups (kind, date), and the sender's
    and recipients' spans found after it."""

    def __init__(self, head: re.Match[str], sender: tuple[int, int], recipients: tuple[int, int]):
        self.head, self.spans = head, {"sender": sender, "recipients": recipients}
        self.string = head.string

    def span(self, name: str) -> tuple[int, int]:
        return self.spans[name] if name in self.spans else self.head.span(name)

    def start(self, name: str) -> int:
        return self.span(name)[0]

    def end(self, name: str) -> int:
        return self.span(name)[1]

    def group(self, name: str) -> str:
        a, b = self.span(name)
        return self.string[a:b]


def _nums(m: re.Match[str]) -> tuple[int, int]:
    """The span of the item numbers in a match of a pattern built with {items}."""
    for name, value in m.groupdict().items():
        if name.startswith("nums") and value is not None:
            return m.start(name), m.end(name)
    raise ValueError("no item numbers in the match")


class Parser:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.f = formulas(ctx.lang)

    # -- small readers ------------------------------------------------------------------------------
    def date(self, m: re.Match[str]) -> dt.date | None:
        month = self.f.months.get(m.group("m").casefold())
        return core.make_date(int(m.group("y")), month, int(m.group("d"))) if month else None

    def find_date(self, text: str) -> tuple[dt.date, int, int] | None:
        m = self.f.date.search(text)
        date = self.date(m) if m else None
        return (date, m.start(), m.end()) if date else None

    def ends_sentence(self, s: str) -> bool:
        return bool(s) and s.rstrip("”’\")»")[-1:] in self.f.sentence_end

    def is_signed(self, word: str) -> bool:
        w = word.casefold()
        if self.f.fuzzy_signed:
            return any(difflib.SequenceMatcher(None, w, s).ratio() >= 0.66 for s in self.f.signed_words)
        return w in self.f.signed_words

    def strip(self, s: str) -> str:
        s = s.strip()
        changed = True
        while changed:
            changed = False
            for prefix in self.f.strip:
                if s.casefold().startswith(prefix.casefold()):
                    s, changed = s[len(prefix):], True
        return s

    def numbers(self, piece: Piece, a: int, b: int) -> list[Fact[str]]:
        out = []
        for m in self.f.item.finditer(piece.text, a, b):
            value = m.group(0)
            sub = re.search(r"\(?\s*(\w)\s*\)$", value)
            if sub and not sub.group(1).isdigit():
                letter = self.f.subitems.get(sub.group(1), sub.group(1)).lower()
                value = f"{value[: sub.start()].strip()} ({letter})"
            out.append(self.ctx.fact(value, piece, m.start(), m.end()))
        return out

    # -- the whole document --------------------------------------------------------------------------
    def parse(self) -> dict:
        ctx = self.ctx
        all_lines = ctx.text.lines
        title_at = self.find_title(all_lines)
        if title_at is not None:
            title_at = self.title_to_cut(all_lines, title_at)
        if title_at is None:
            title_at = self.loose_title(all_lines)
        head_end = title_at[0] if title_at else self.body_start(all_lines, 0)
        masthead = core.read_masthead(ctx, all_lines[:head_end], self.find_date)
        after_title = None  # a masthead printed under the title (the title above the masthead)
        if title_at and not masthead.symbols and not self.has_organ(all_lines[:head_end], masthead):
            body_at = self.body_start(all_lines, title_at[1])
            under = core.read_masthead(ctx, all_lines[title_at[1]:body_at], self.find_date)
            if under.symbols or self.has_organ(all_lines[title_at[1]:body_at], under):
                masthead, after_title = under, (title_at[1], body_at)
        own = {s.value for s in masthead.symbols} | {s.surface for s in masthead.symbols}
        parts: dict = {
            "symbols": tuple(masthead.symbols), "issued": masthead.issued,
            "original_language": masthead.original_language, "organs": (),
            "kind": None, "date": None, "title": None, "sender": None, "recipients": (),
            "circulation": None, "paragraphs": (), "annexes": (), "mentions": (),
        }
        head_lines = all_lines[after_title[0]:after_title[1]] if after_title else all_lines[:head_end]
        head = [ln for ln in head_lines
                if not ln.blank and ln.number not in masthead.lines_used and not core.is_furniture(ln, own)]
        organs = self.organs(head, masthead)
        parts["organs"] = tuple(organs)
        if title_at is None:
            named = any(ctx.find(ln.piece, "organ") for ln in head)  # an organ on a line cut short
            if not organs and not masthead.symbols and not named:
                raise core.NotACommunication(ctx.path, "not a UN communication: no masthead and no title of "
                                             f"a {ctx.lang!r} communication were found")
            core.check_first_page(ctx)
            if head_end >= len(all_lines):
                core.suspect_cut(ctx, parts, core.last_content_line(ctx), "before the communication's title")
                return parts
            ctx.warn(f"no title of a communication found before line {all_lines[head_end].number}, where the "
                     "body opens", ctx.span(all_lines[head_end].piece))
            stop = head_end
        else:
            start, stop = title_at
            self.title(block(all_lines[start:stop]), parts)
            if after_title:
                stop = after_title[1]

        rest = [ln for ln in (self.after_header(x, own) for x in all_lines[stop:])
                if not ln.blank and not core.is_furniture(ln, own) and core.language_code(ln.text) is None]
        heads = self.annex_headings(rest, parts["title"].value if parts["title"] else "")
        letter_lines, enclosure = self.split_enclosure(rest[: heads[0][0]] if heads else rest)
        body_blocks, closing = self.split_signature(letter_lines, letter=True)
        enclosed = paragraphs(ctx.text, enclosure) if enclosure else []
        parts["paragraphs"] = tuple(ctx.written(b.piece) for b in body_blocks + enclosed)
        self.signature(closing, parts)
        parts["circulation"] = self.circulation(body_blocks)
        if parts["circulation"] is not None:
            core.check_circulation(ctx, organs, parts["circulation"])
        else:
            ctx.warn("no circulation request found in the body")

        annexes, mentions = [], []
        for b in body_blocks + enclosed:
            mentions += core.find_mentions(ctx, b.piece, "main")
        for n, (_, j, heading) in enumerate(heads):
            end = heads[n + 1][0] if n + 1 < len(heads) else len(rest)
            annex, blocks = self.annex(heading, rest[j:end])
            annexes.append(annex)
            for b in blocks:
                mentions += core.find_mentions(ctx, b.piece, f"annex_{n + 1}")
        parts["annexes"] = tuple(annexes)
        core.report_unresolved(ctx, mentions)
        parts["mentions"] = tuple(mentions)
        self.check_complete(parts, body_blocks, closing, rest)
        return parts

    # -- masthead ------------------------------------------------------------------------------------
    def organs(self, lines: list[Line], masthead: core.Masthead) -> list[OrganSession]:
        """Organ blocks: the organs in order of first mention (the header list repeats them), their
        sessions or years (paired by the unit each organ counts in), the agenda line and its titles.
        Organ, period and language lines may sit among the agenda titles (columns read across)."""
        ctx = self.ctx
        organs: list[Fact[Entity]] = []
        periods: list[tuple[str, Fact[int]]] = []
        items: list[Fact[str]] = []
        titles: list[Line] = []
        in_agenda = False
        skip = set()
        units = {k.casefold(): v for k, v in self.f.units.items()}
        for idx, ln in enumerate(lines):
            if idx in skip:
                continue
            found = ctx.segment(masthead.organ_piece(ln), "organ")
            if found:
                for f in found:
                    if f.value.iri not in {o.value.iri for o in organs}:
                        organs.append(f)
                continue
            hits = [m for m in self.f.period.finditer(ln.text) if core.ordinal(m.group("ord"), ctx.lang)]
            if hits and len(" ".join(m.group(0) for m in hits)) >= 0.8 * len(ln.text):
                for m in hits:
                    unit = units.get(re.sub(r"\s+", " ", m.group("unit").casefold()))
                    if unit:
                        periods.append((unit, ctx.fact(core.ordinal(m.group("ord"), ctx.lang), ln.piece,
                                                       m.start(), m.end())))
                continue
            if core.language_code(ln.text):
                continue
            piece = ln.piece
            if self.f.agenda_open.search(ln.text) and idx + 1 < len(lines):  # "… of the preliminary" / "list*"
                joined = block([ln, lines[idx + 1]])
                if self.f.agenda.match(joined.text):
                    piece = joined.piece
                    skip.add(idx + 1)
            m = self.f.agenda.match(piece.text)
            if m and not items:
                items = self.numbers(piece, *_nums(m))
                in_agenda = True
                continue
            if in_agenda and ctx.lookup(ln.piece, "organization") is None:  # not a "United Nations" heading
                titles.append(ln)  # (a title may name an organisation: "Report of the United Nations …")
        return core.organ_sessions(ctx, organs, periods, masthead.symbols, items, titles)

    # -- title, sender, recipients --------------------------------------------------------------------
    def _complete(self, text: str) -> bool:
        """Is this the whole title? Its formula matches, its recipients are known posts, and a sender
        that closes the title ends as a sender's phrase does (or is a known post)."""
        m = self.match_title(text)
        if not m or not self.recipients(m.group("recipients")):
            return False
        if not self.f.sender_last:
            return True
        sender = m.group("sender")
        return bool(self.f.un_phrase.search(sender)) or self.ctx.auth.lookup(
            self.strip(sender), self.ctx.lang, "post") is not None

    def find_title(self, lines) -> tuple[int, int] | None:
        """The title's lines: from a line that opens as a title does to the line that completes it (up to
        five lines); for OCR-damaged English titles, up to the line whose end reads as a recipient."""
        found = core.find_lines(lines, lambda t: bool(self.f.title_start.match(t)), self._complete, 5)
        if found is None and self.f.fuzzy_signed:
            found = core.find_lines(lines, lambda t: bool(self.f.title_start.match(t)),
                                    self._ends_on_recipient, 5)
        return found

    def title_to_cut(self, lines, at: tuple[int, int]) -> tuple[int, int]:
        """A title that reads as complete, followed by one line only, the text's last, that does not open
        a body: the text stops in the title ("… addressed to the President of the General Assembly" /
        "and to the President of the", or a fragment "a") or at the body's first words, which cannot be
        told apart; the title takes that line, and no value is read from it."""
        rest = [k for k in range(at[1], len(lines)) if not lines[k].blank]
        if len(rest) == 1 and not self.opens_body([lines[rest[0]]], 0):
            return at[0], rest[0] + 1
        return at

    def _ends_on_recipient(self, text: str) -> bool:
        """Does an OCR-damaged title end on its recipient: a post, not the sender's ("… from the
        Secretary-General", a title whose "addressed to …" is on the next line)?"""
        word = text.split(" ")[-1]
        before = text[: len(text) - len(word)]
        if self.f.sender_last or (self.f.sender_lead is not None and self.f.sender_lead.search(before)):
            return False
        return self.fuzzy_post(word) is not None

    def loose_title(self, lines) -> tuple[int, int] | None:
        """A title the formula does not complete (OCR damage, an unknown recipient): the lines from one that
        opens as a title does, up to five, before the body opens; None when no line opens a title."""
        for i, ln in enumerate(lines):
            if ln.blank or not self.f.title_start.match(ln.text):
                continue
            end = self.body_start(lines, i + 1)
            taken = [k for k in range(i, end) if not lines[k].blank][:5]
            if end >= len(lines) and len(taken) < 5:
                return (i, end)  # the text stops in or after the title
            return (i, taken[-1] + 1)
        return None

    def body_start(self, lines, start: int) -> int:
        """The index of the first line from `start` that opens a body ("I have the honour", "… presents
        its compliments"), or len(lines)."""
        content = [k for k in range(start, len(lines)) if not lines[k].blank]
        for n, k in enumerate(content):
            if self.opens_body([lines[x] for x in content], n):
                return k
        return len(lines)

    def after_header(self, ln: Line, own: set[str]) -> Line:
        """A line that a running header (the document's own symbol) opens and text continues ("S/2022/43
        Annex": two lines of the page run into one): the text after the header, as a line of its own."""
        m = re.match(r"(?P<sym>\S+)\s+(?=\S)", ln.text)
        if not m or m.group("sym") not in own:
            return ln
        piece = ln.piece.sub(m.end())
        return dataclasses.replace(ln, start=piece.offsets()[0], indent=0, piece=piece,
                                   width=max(0, ln.width - m.end()))

    def has_organ(self, lines, masthead: core.Masthead) -> bool:
        return any(self.ctx.segment(masthead.organ_piece(ln), "organ") for ln in lines if not ln.blank)

    def fuzzy_post(self, text: str) -> Entity | None:
        """A post named in OCR-damaged text ("Secretarv-Genera?")."""
        text = text.strip(" .,;:")
        if len(text) < 6:
            return None
        best = None
        for ent in self.ctx.auth.of_kind("post"):
            for name in self.ctx.auth.names(ent, self.ctx.lang):
                ratio = difflib.SequenceMatcher(None, text.casefold(), name.casefold()).ratio()
                if ratio >= 0.85 and (best is None or ratio > best[0]):
                    best = (ratio, ent)
        return best[1] if best else None

    def match_title(self, text: str):
        """The title formula's match. Where the formula's lazy split between sender and recipients falls
        on a word that also occurs inside a name ("to": "… to the United Nations", "pursuant to"; "par":
        "créé par la résolution"), or where the language also writes the title without its recipients'
        verb ("… from the Secretary-General to the President of …", `title_head`), the split is taken at
        the first `title_join` after which (or, sender last, before which) every recipient is a known post,
        function or organ or a body's function (`recipient_function`)."""
        m = self.f.title.match(text)
        if (m and self.recipients(m.group("recipients"))) or self.f.title_head is None:
            return m
        head = self.f.title_head.match(text)
        if not head:
            return m
        end = len(text.rstrip().rstrip("."))
        for join in self.f.title_join.finditer(text, head.end()):
            if join.start() <= head.end() or join.end() >= end:
                continue
            first, second = (head.end(), join.start()), (join.end(), end)
            sender, recipients = (second, first) if self.f.sender_last else (first, second)
            if self.recipients(text[recipients[0]:recipients[1]]):
                return _TitleMatch(head, sender, recipients)
        return m

    def recipients(self, text: str) -> list[Entity | None] | None:
        """The recipients a title names, each a known post, function or organ; a function of a body the
        authority data has no post for ("the Chair of the … Committee") is None. None when a name is
        neither."""
        text = text.strip().rstrip(".")
        if self.f.recipient_function is not None and self.f.recipient_function.match(self.strip(text)):
            return [None]  # (a committee's name may hold commas and "and": the whole phrase is one)
        names = [p for p in re.split(self.f.recipient_split, text) if p and p.strip()]
        out: list[Entity | None] = []
        for p in names:
            ent = self.ctx.auth.lookup(self.strip(p), self.ctx.lang, "post", "function", "organ")
            if ent is None:
                if self.f.recipient_function is not None and self.f.recipient_function.match(self.strip(p)):
                    out.append(None)
                    continue
                return None
            out.append(ent)
        return out or None

    def title(self, title: Block, parts: dict) -> None:
        ctx = self.ctx
        parts["title"] = ctx.written(title.piece)
        kinds = {k.casefold(): v for k, v in self.f.kinds.items()}
        m = self.match_title(title.text)
        if not m:
            ctx.warn("the title does not follow the formula of a title (OCR damage?)", parts["title"].span)
            dm = self.f.date.search(title.text)
            if dm and self.date(dm):
                parts["date"] = ctx.fact(self.date(dm), title.piece, dm.start(), dm.end())
            km = self.f.title_start.match(title.text)
            if km:
                parts["kind"] = ctx.fact(kinds[km.group("kind").casefold()], title.piece, km.start("kind"),
                                         km.end("kind"))
            last = title.lines[-1]
            word = last.text.split(" ")[-1]
            before = title.text[: len(title.text) - len(word)]
            # the post that ends the title is its recipient, unless it is the sender's: the sender comes
            # last (French, Spanish) or the post follows the sender's lead ("from the Secretary-General", a
            # title cut before "addressed to")
            sender = self.f.sender_last or bool(self.f.sender_lead and self.f.sender_lead.search(before))
            post = None if sender else self.fuzzy_post(word)
            if post is not None:
                parts["recipients"] = (ctx.fact(post, last.piece),)
            return
        parts["kind"] = ctx.fact(kinds[m.group("kind").casefold()], title.piece, m.start("kind"), m.end("kind"))
        date = self.date(m)
        if date is None:
            ctx.warn("the title's date is not a calendar date", ctx.span(title.piece, m.start("d"), m.end("y")))
        else:
            a = min(m.start("d"), m.start("m"), m.start("y"))
            b = max(m.end("d"), m.end("m"), m.end("y"))
            parts["date"] = ctx.fact(date, title.piece, a, b)
        parts["sender_title"] = self.agent_phrase(title.piece.sub(m.start("sender"), m.end("sender")))
        rest = title.piece.sub(m.start("recipients"), m.end("recipients"))
        whole = self.strip(rest.text.rstrip("."))
        if self.f.recipient_function is not None and self.f.recipient_function.match(whole):
            # a body's function ("the Chair of the … Committee"): a post the authority data may lack; the
            # mention stays unresolved, never guessed
            ent = ctx.auth.lookup(whole, ctx.lang, "post")
            if ent is not None:
                parts["recipients"] = (ctx.fact(ent, rest),)
                return
            ctx.warn(f"recipient {whole!r} is not in the authority data (no post for it)", ctx.span(rest))
            # the function it names, when the authority data has it (the Chair), is the recipient
            lead = len(rest.text) - len(rest.text.lstrip()) + len(rest.text.strip()) - len(whole)
            hits = [h for h in ctx.find(rest, "function") if h[0] == lead]
            parts["recipients"] = (ctx.fact(hits[0][2], rest, hits[0][0], hits[0][1]),) if hits else ()
            return
        parts["recipients"] = core.read_recipients(ctx, rest, self.f.recipient_split, self.strip)

    def agent_phrase(self, phrase: Piece) -> tuple[Fact[Entity] | None, Fact[Entity] | None]:
        """(state, function) from a sender's phrase: the first function or post it names, and the State
        named after that function."""
        ctx = self.ctx
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
            function = self.dehyphenated_post(phrase)
            if function is None:
                ctx.warn(f"function in {phrase.text!r} is not in the authority data", ctx.span(phrase))
        return state, function

    def dehyphenated_post(self, phrase: Piece) -> Fact[Entity] | None:
        """A post whose name the text layer wrote without its hyphen ("SecretaryGeneral": the hyphen of a
        word broken at a line end, dropped with the break), read as that post with a warning."""
        ctx = self.ctx
        hyphens = "-\u2010\u2011\u2012\u2013"
        for ent in sorted(ctx.auth.of_kind("post", "function"), key=lambda e: e.iri):
            for name in ctx.auth.names(ent, ctx.lang):
                if not any(h in name for h in hyphens):
                    continue
                bare = re.sub(f"[{hyphens}]", "", name)
                m = re.search(rf"(?<!\w){re.escape(bare)}(?!\w)", phrase.text, re.IGNORECASE)
                if m:
                    ctx.warn(f"{m.group(0)!r} read as {ent.label!r} (its hyphen lost in the text layer)",
                             ctx.span(phrase, m.start(), m.end()))
                    return ctx.fact(ent, phrase, m.start(), m.end())
        return None

    # -- signature -----------------------------------------------------------------------------------
    def split_signature(self, lines: list[Line], letter: bool = False) -> tuple[list[Block], list[Line]]:
        """The body paragraphs and the signature block: from the signature marker's line, or else the
        trailing short lines that are not sentences. A letter's block without a marker names a function,
        post or rank: short lines that name none are the end of the body (a text that stops mid-sentence
        or mid-word), never a signatory."""
        marker = None
        for idx in range(len(lines) - 1, -1, -1):
            m = self.f.signed.match(lines[idx].text)
            if m and self.is_signed(m.group("word")):
                marker = idx
                break
        if marker is None:
            k = len(lines)
            while (k > 0 and lines[k - 1].width < 0.6 * self.ctx.text.full_width
                   and not self.ends_sentence(lines[k - 1].text)):
                k -= 1
            if letter and k < len(lines) and not self.ctx.find(block(lines[k:]).piece, "post", "function", "rank"):
                k = len(lines)
            marker = k
        return paragraphs(self.ctx.text, lines[:marker]), lines[marker:]

    def signature(self, closing: list[Line], parts: dict) -> None:
        parts["sender"] = core.merge_sender(self.ctx, parts.pop("sender_title", (None, None)),
                                            self.closing_agent(closing), parts.get("kind"), bool(closing))

    def closing_agent(self, closing: list[Line]) -> Agent | None:
        ctx = self.ctx
        name = signed = rank = None
        rest: list[Line] = []
        for ln in closing:
            m = self.f.signed.match(ln.text)
            if m and self.is_signed(m.group("word")) and signed is None:
                signed = ctx.fact(True, ln.piece, max(0, m.start("word") - 1), m.end("word") + 1)
                if m.group("name"):
                    name = ln.piece.sub(m.start("name"), m.end("name"))
                continue
            if (signed is not None and name is None and self.could_be_name(ln.text)
                    and not ctx.lookup(ln.piece, "rank", "function", "post")):
                name = ln.piece
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
                state, function = self.agent_phrase(phrase)
            elif name is None:
                name = phrase
        name = ctx.written(self.without_post_nominals(name)) if name is not None else None
        if name is None and function is None:
            return None
        person = None
        if name:  # names in Latin script read the same in English, French and Spanish versions
            person = ctx.auth.lookup(name.value, ctx.lang, "person") or ctx.auth.lookup(name.value, "en", "person")
        return Agent(name, person, function, state, rank, signed or Fact(False, None, ""))

    @staticmethod
    def could_be_name(text: str) -> bool:
        """A line that may hold a person's name: letters, more of them than digits (never page furniture
        such as a job number or print code)."""
        letters = sum(c.isalpha() for c in text)
        return letters >= 2 and letters > sum(c.isdigit() for c in text)

    def without_post_nominals(self, name: Piece) -> Piece:
        """The signatory's name without the honours written after it ("Njuguna Moses MAHUGU, O.G.W."):
        they are not part of the name; the warning keeps them."""
        m = self.f.post_nominals.search(name.text) if self.f.post_nominals else None
        if not m or not name.text[: m.start()].strip():
            return name
        self.ctx.warn(f"post-nominals {name.text[m.start():].strip(' ,')!r} after the signatory's name "
                      f"{name.text[: m.start()].strip()!r} are not part of the name", self.ctx.span(name))
        return name.sub(0, m.start())

    # -- circulation request -------------------------------------------------------------------------
    def circulation(self, body: list[Block]) -> Circulation | None:
        def items_in(piece: Piece, start: int, stop: int) -> list[Fact[str]]:
            m = self.f.circulation_items.search(piece.text, start, stop)
            return self.numbers(piece, *_nums(m)) if m else []

        return core.read_circulation(self.ctx, body, self.f.circulation, items_in)

    # -- annexes -------------------------------------------------------------------------------------
    def annex_headings(self, lines: list[Line], title: str) -> list[tuple[int, int, Block]]:
        """(first line, line after the heading, heading) of each annex heading: bare ("Annex", "ANNEX"),
        numbered ("Annex I"), or naming the letter ("Annex to the letter dated …"), which is followed over
        its wrapped lines until it ends as the letter's title ends."""
        out = []
        tail = core.compact(title)[-16:]
        i = 0
        while i < len(lines):
            m = self.f.annex_heading.match(lines[i].text)
            rest = m.group("rest").strip() if m else ""
            if m and (not rest or self.f.annex_heading_rest.match(rest)):
                j = i + 1
                ends = range(i + 1, min(len(lines), i + 5))
                # where the letter's own title ends, first: a heading that reads as complete earlier may go on
                # naming recipients ("… addressed to the Secretary-General" / "and the President of …")
                mine = next((k for k in ends if tail and core.compact(block(lines[i:k]).text).endswith(tail)), None)
                if rest and mine is not None:
                    j = mine
                elif rest:
                    while j < len(lines) and j - i < 5:
                        text = block(lines[i:j]).text
                        named = self.f.annex_heading.match(text)
                        after = named.group("rest").strip() if named else ""
                        opening = self.f.annex_heading_rest.match(after)
                        if opening and self._complete(after[opening.end():]):
                            break  # the heading ends as a title does (the letter's own title may be damaged)
                        j += 1
                    if j - i >= 5 or j >= len(lines):
                        j = i + 1  # never found its end: take the first line only
                out.append((i, j, block(lines[i:j])))
                i = j
            else:
                i += 1
        return out

    def annex(self, heading: Block, lines: list[Line]) -> tuple[Annex, list[Block]]:
        ctx = self.ctx
        m = self.f.annex_heading.match(heading.text)
        assert m is not None
        num = m.group("num")
        value = ""
        if num:
            if num in self.f.annex_numbers:
                n = self.f.annex_numbers[num]
                value = ROMAN[n] if n < len(ROMAN) else str(n)
            elif num.isdigit():
                value = ROMAN[int(num)] if int(num) < len(ROMAN) else num
            else:
                value = num.upper()
        at = (m.start("num"), m.end("num")) if num else (len(heading.piece.text), len(heading.piece.text))
        label = ctx.fact(value, heading.piece, *at)
        lines, enclosure = self.split_enclosure(lines)
        title_lines, idx = self.annex_title(lines)
        title = ctx.written(block(title_lines).piece) if title_lines else None
        date = place = None
        as_letter = self.match_title(block(title_lines).text) if title_lines else None
        if as_letter and self.date(as_letter):  # the annex is itself a letter: its title gives its date
            t = block(title_lines)
            a = min(as_letter.start("d"), as_letter.start("m"), as_letter.start("y"))
            b = max(as_letter.end("d"), as_letter.end("m"), as_letter.end("y"))
            date = ctx.fact(self.date(as_letter), t.piece, a, b)
        if idx < len(lines) and self.f.date_line.match(lines[idx].text):
            line_date, place = self.date_place(lines[idx])
            date = date or line_date
            idx += 1
        blocks, closing = self.split_signature(lines[idx:])
        author = self.closing_agent(closing) if closing else None
        if author is not None and author.name is not None and author.person is None:
            label_en = core.english_name(author.name.value)
            if label_en:
                author = dataclasses.replace(author, label=label_en)
                ctx.warn(f"annex {value}: author {author.name.value!r} is not in the authority data; named "
                         f"as signed ({label_en!r})", author.name.span)
            else:
                ctx.warn(f"annex {value}: author {author.name.value!r} is not in the authority data",
                         author.name.span)
        for ln in closing:
            if date is None and self.f.date_line.match(ln.text):
                date, place = self.date_place(ln)
        blocks = blocks + (paragraphs(ctx.text, enclosure) if enclosure else [])
        annex = Annex(
            label=label, heading=ctx.written(heading.piece), title=title, author=author, date=date,
            place=place, paragraphs=tuple(ctx.written(b.piece) for b in blocks),
            closing_lines=tuple(ctx.written(ln.piece) for ln in closing),
        )
        return annex, blocks + ([block(title_lines)] if title_lines else [])

    def split_enclosure(self, lines: list[Line]) -> tuple[list[Line], list[Line]]:
        """The lines of a letter or annex, and those of the enclosure it carries ("Enclosure", "Pièce
        jointe"): an enclosure is the letter's attachment, not an annex, and not its signature block."""
        if self.f.enclosure_heading is not None:
            for k, ln in enumerate(lines):
                if k > 0 and self.f.enclosure_heading.match(ln.text):
                    return lines[:k], lines[k:]
        return lines, []

    def is_original_note(self, ln: Line) -> bool:
        """"[Original: French]": the original-language note of an annex, never its title."""
        m = core.ORIGINAL_NOTE.match(ln.text)
        return bool(m) and core.language_code(m.group("lang")) is not None

    def annex_title(self, lines: list[Line]) -> tuple[list[Line], int]:
        """An annex's title lines and the index of the line after them (original-language notes
        skipped). A letter's title ("Letter dated … from … addressed to …") is taken whole, as the
        communication's is; any other title is the narrower lines (titles are centred) before a date line,
        a numbered paragraph, a sentence or the opening of a body ("I have the honour", "… presents its
        compliments"), up to four."""
        ctx = self.ctx
        idx = 0
        while idx < len(lines) and self.is_original_note(lines[idx]):
            idx += 1
        if idx < len(lines) and self.f.title_start.match(lines[idx].text):
            found = core.find_lines(lines[idx: idx + 6], lambda t: bool(self.f.title_start.match(t)),
                                    self._complete, 5)
            if found is not None and found[0] == 0:
                end = idx + found[1]
                while end < len(lines) and self.is_original_note(lines[end]):
                    end += 1
                return [ln for ln in lines[idx: idx + found[1]]], end
        title_lines: list[Line] = []
        while idx < len(lines) and len(title_lines) < 4:
            ln = lines[idx]
            if self.is_original_note(ln):
                idx += 1
                if title_lines:
                    break
                continue
            if (self.f.date_line.match(ln.text) or self.f.para_number.match(ln.text) or ctx.text.is_full(ln)
                    or (title_lines and self.ends_sentence(title_lines[-1].text)) or self.opens_body(lines, idx)
                    or self.runs_on(lines, idx)):
                break
            title_lines.append(ln)
            idx += 1
        while title_lines and self.ends_sentence(title_lines[-1].text):
            title_lines.pop()  # a title does not end a sentence: that line opens the body
            idx -= 1
        return title_lines, idx

    def opens_body(self, lines: list[Line], idx: int) -> bool:
        """Does the sentence on these lines open a letter's or note's body ("I have the honour",
        "The Permanent Mission of … presents its compliments")?"""
        return self.f.body_opening is not None and bool(self.f.body_opening.match(block(lines[idx: idx + 3]).text))

    def runs_on(self, lines: list[Line], idx: int) -> bool:
        """A line that ends on a word that never ends a title ("of", "its"), followed by a full line: the
        opening of a paragraph, not a title."""
        ends = set(core.lexicon()["continuation"].get(f"{self.ctx.lang}_end", []))
        words = lines[idx].text.split()
        return (bool(words) and words[-1].casefold() in ends and idx + 1 < len(lines)
                and self.ctx.text.is_full(lines[idx + 1]) and not self.f.title_start.match(lines[idx].text))

    def date_place(self, ln: Line):
        ctx = self.ctx
        m = self.f.date.search(ln.text)
        date = place = None
        if m and self.date(m):
            date = ctx.fact(self.date(m), ln.piece, m.start(), m.end())
        head = re.sub(r"[\s,،]*(?:le\s*)?$", "", ln.text[: m.start()]) if m else ""
        if head:
            sub = ln.piece.sub(0, len(head))
            ent = ctx.lookup(sub, "place", "state")
            if ent:
                place = ctx.fact(ent, sub)
            else:
                ctx.warn(f"place {head!r} is not in the authority data", ctx.span(sub))
        return date, place

    # -- completeness --------------------------------------------------------------------------------
    def check_complete(self, parts: dict, body, closing, rest: list[Line]) -> None:
        announced = 0
        for b in body:
            for m in self.f.annex_ref.finditer(b.text):
                n = m.group("num")
                if n and n in self.f.annex_numbers:
                    announced = max(announced, self.f.annex_numbers[n])
                else:
                    announced = max(announced, ROMAN.index(n.upper()) if n and n.upper() in ROMAN else 1)
        tail = rest[-1] if rest else None
        if tail is not None and self.opens_body(rest, len(rest) - 1) and not self.ends_sentence(tail.text):
            # a text does not end on the opening of a body ("I have the honour to address you, and")
            core.suspect_cut(self.ctx, parts, tail.number, "in the middle of a paragraph")
        core.check_complete(self.ctx, parts, tail, tail.text if tail else "", self.ends_sentence, ",(“‘«",
                            bool(closing), announced, rest[-2] if len(rest) > 1 else None)


def parse(ctx: Context) -> dict:
    return Parser(ctx).parse()
