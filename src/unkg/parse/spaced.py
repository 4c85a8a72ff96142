"""Communications in languages written with spaces (English, French, Spanish, Russian, Arabic), read with
each language's formulas from ``data/formulas/<lang>.toml`` (see its README).

The shapes it reads (DOMAIN.md section 1, and the layouts of `../shared/corpus/en/`): a masthead with
symbols, ``Distr.``, issue date and ``Original:`` (1990s: ``Distr.`` / ``GENERAL`` and ``ORIGINAL:`` /
``ENGLISH`` on separate lines), organ blocks (organ / session or year / agenda line / titles; read in
either column order), the title (each language's word order, wrapped over up to five lines), the body,
the circulation request, the signature block (marker on the name's line or alone, OCR-damaged in old
English scans; then rank and function lines), and annexes (heading, wrapped until it ends as the title
does; a title; a date line). Page furniture (job numbers, barcodes, page numbers, running headers) is
skipped. `Parser` is the last of the reader's layers (see `spaced_base`): the masthead's organs, the
whole document, and the checks that it is complete.
"""

from __future__ import annotations

import dataclasses
import re

from ..model import Circulation, Entity, Fact, OrganSession
from ..text import Block, Line, Piece, block, paragraphs
from .agenda import organ_sessions
from .circulation import check_circulation, read_circulation
from .context import Context, NotACommunication
from .cuts import check_complete, check_first_page, last_content_line, suspect_cut, warn_dropped
from .lexicon import ROMAN, language_code, ordinal
from .masthead import Masthead, is_furniture, is_masthead_line, read_masthead
from .mentions import find_mentions, report_unresolved
from .spaced_annexes import AnnexReader
from .spaced_base import nums
from .tolerant import folded_entity
from .tolerant_merge import TOLERANT, second_reading


class Parser(AnnexReader):
    """The reader of one communication: `parse` returns the parts for `Document` (see document.py)."""

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
        masthead = read_masthead(ctx, all_lines[:head_end], self.find_date)
        after_title = None  # a masthead printed under the title (the title above the masthead)
        if (title_at and (not masthead.symbols or masthead.issued is None)
                and not self.has_organ(all_lines[:head_end], masthead)):  # (only a symbol above the title)
            body_at = self.masthead_end(all_lines, title_at[1], self.body_start(all_lines, title_at[1]))
            under = read_masthead(ctx, all_lines[title_at[1]:body_at], self.find_date)
            if under.symbols or self.has_organ(all_lines[title_at[1]:body_at], under):
                under.symbols = masthead.symbols + [s for s in under.symbols
                                                    if s.value not in {x.value for x in masthead.symbols}]
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
                if not ln.blank and ln.number not in masthead.lines_used and not is_furniture(ln, own)]
        organs = self.organs(head, masthead)
        parts["organs"] = tuple(organs)
        if title_at is None:
            named = any(ctx.find(ln.piece, "organ") for ln in head)  # an organ on a line cut short
            if not organs and not masthead.symbols and not named:
                raise NotACommunication(ctx.path, "not a UN communication: no masthead and no title of "
                                             f"a {ctx.lang!r} communication were found")
            check_first_page(ctx)
            if head_end >= len(all_lines):
                suspect_cut(ctx, parts, last_content_line(ctx), "before the communication's title")
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
                if not ln.blank and not is_furniture(ln, own) and language_code(ln.text) is None]
        heads = self.annex_headings(rest, parts["title"].value if parts["title"] else "")
        letter_lines, enclosure = self.split_enclosure(rest[: heads[0][0]] if heads else rest)
        body_blocks, closing = self.split_signature(letter_lines, letter=True)
        enclosed = paragraphs(ctx.text, enclosure) if enclosure else []
        parts["paragraphs"] = tuple(ctx.written(b.piece) for b in body_blocks + enclosed)
        self.signature(closing, parts)
        parts["circulation"] = self.circulation(body_blocks)
        if parts["circulation"] is not None:
            check_circulation(ctx, organs, parts["circulation"])
        else:
            ctx.warn("no circulation request found in the body")

        annexes, mentions = [], []
        for b in body_blocks + enclosed:
            mentions += find_mentions(ctx, b.piece, "main", self.f.names)
        for n, (_, j, heading) in enumerate(heads):
            end = heads[n + 1][0] if n + 1 < len(heads) else len(rest)
            annex, blocks = self.annex(heading, rest[j:end])
            annexes.append(annex)
            for b in blocks:
                mentions += find_mentions(ctx, b.piece, f"annex_{n + 1}", self.f.names)
        parts["annexes"] = tuple(annexes)
        report_unresolved(ctx, mentions)
        parts["mentions"] = tuple(mentions)
        self.check_cut(parts, body_blocks, closing, rest)
        return parts

    # -- masthead ------------------------------------------------------------------------------------
    def organs(self, lines: list[Line], masthead: Masthead) -> list[OrganSession]:
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
            found = ctx.segment(masthead.organ_piece(ln), "organ") or self.folded_organ(masthead.organ_piece(ln))
            if found:
                for f in found:
                    if f.value.iri not in {o.value.iri for o in organs}:
                        organs.append(f)
                continue
            hits = [m for m in self.f.period.finditer(ln.text) if ordinal(m.group("ord"), ctx.lang)]
            if hits and len(" ".join(m.group(0) for m in hits)) >= 0.8 * len(ln.text):
                for m in hits:
                    unit = units.get(re.sub(r"\s+", " ", m.group("unit").casefold()))
                    if unit:
                        periods.append((unit, ctx.fact(ordinal(m.group("ord"), ctx.lang), ln.piece,
                                                       m.start(), m.end())))
                continue
            if language_code(ln.text):
                continue
            piece = ln.piece
            if self.f.agenda_open.search(ln.text) and idx + 1 < len(lines):  # "… of the preliminary" / "list*"
                joined = block([ln, lines[idx + 1]])
                if self.f.agenda.match(joined.text):
                    piece = joined.piece
                    skip.add(idx + 1)
            m = self.f.agenda.match(piece.text)
            if m and not items:
                items = self.numbers(piece, *nums(m))
                in_agenda = True
                continue
            if in_agenda and ctx.lookup(ln.piece, "organization") is None:  # not a "United Nations" heading
                titles.append(ln)  # (a title may name an organisation: "Report of the United Nations …")
        return organ_sessions(ctx, organs, periods, masthead.symbols, items, titles)


    def after_header(self, ln: Line, own: set[str]) -> Line:
        """A line that a running header (the document's own symbol) opens and text continues ("S/2022/43
        Annex": two lines of the page run into one): the text after the header, as a line of its own."""
        if not ln.text.startswith(tuple(own)):  # (what the match below needs, found faster: most lines)
            return ln
        m = re.match(r"(?P<sym>\S+)\s+(?=\S)", ln.text)
        if not m or m.group("sym") not in own:
            return ln
        piece = ln.piece.sub(m.end())
        return dataclasses.replace(ln, start=piece.offsets()[0], indent=0, piece=piece,
                                   width=max(0, ln.width - m.end()))

    def folded_organ(self, piece: Piece) -> list[Fact[Entity]] | None:
        """An organ line OCR damaged ("SECURITY C0UNCIL"), read with its confusions folded, with a warning."""
        ent = folded_entity(self.ctx.auth, self.ctx.lang, piece.text, "organ")
        if ent is None:
            return None
        fact = self.ctx.fact(ent, piece)
        self.ctx.warn(f'organs: read with tolerance for OCR damage from "{piece.text}" (line {fact.span.line})',
                      fact.span)
        return [dataclasses.replace(fact, origin=TOLERANT)]

    def has_organ(self, lines, masthead: Masthead) -> bool:
        return any(self.ctx.segment(masthead.organ_piece(ln), "organ") for ln in lines if not ln.blank)

    def masthead_end(self, lines, start: int, stop: int) -> int:
        """The end of a masthead printed under the title, from `start`: its lines are masthead items, organ,
        organization and language names, and page furniture; the first other line (a body whose opening
        did not read, `stop` unfound) ends it."""
        for k in range(start, stop):
            ln = lines[k]
            if (ln.blank or is_furniture(ln, set()) or language_code(ln.text) or is_masthead_line(ln, self.find_date)
                    or self.ctx.segment(ln.piece, "organ", "organization")):
                continue
            return k
        return stop


    # -- circulation request -------------------------------------------------------------------------
    def circulation(self, body: list[Block]) -> Circulation | None:
        def items_in(piece: Piece, start: int, stop: int) -> list[Fact[str]]:
            m = self.f.circulation_items.search(piece.text, start, stop)
            return self.numbers(piece, *nums(m)) if m else []

        return read_circulation(self.ctx, body, self.f.circulation, items_in)


    # -- completeness --------------------------------------------------------------------------------
    def check_cut(self, parts: dict, body, closing, rest: list[Line]) -> None:
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
            suspect_cut(self.ctx, parts, tail.number, "in the middle of a paragraph")
        check_complete(self.ctx, parts, tail, tail.text if tail else "", self.ends_sentence, self.f.open_ends,
                       bool(closing), announced, rest[-2] if len(rest) > 1 else None)
        last = parts["annexes"][-1] if parts.get("annexes") else None
        if (parts.get("cut") is not None and last is not None and last.title is not None
                and self.f.title_start.match(last.title.value) and not self._complete(last.title.value)):
            # the text stops in the last annex, whose title opens as a letter's and is not whole: the rest of
            # that title may be what was cut (its next lines read as text)
            parts["annexes"] = (*parts["annexes"][:-1], dataclasses.replace(last, title=None))
            warn_dropped(self.ctx, last.title.span.line, [f"annex {last.label.value or '(unnumbered)'} title"],
                         last.title.span)


def parse(ctx: Context) -> dict:
    """The parts of the communication; where the exact reading leaves a part empty (or finds no communication)
    in a text OCR damaged, a second reading of the repaired text fills it (`tolerant_merge`)."""
    try:
        parts, refused = Parser(ctx).parse(), None
    except NotACommunication as e:
        parts, refused = None, e
    return second_reading(ctx, parts, refused, lambda c: Parser(c).parse())
