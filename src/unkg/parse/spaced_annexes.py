"""Annexes in the languages written with spaces: their headings (wrapped, naming the letter), labels,
titles, dates and places, authors, and the enclosures a letter or an annex carries."""

from __future__ import annotations

import dataclasses
import re

from ..model import Annex
from ..text import Block, Line, block, paragraphs
from .closing import find_lines
from .lexicon import ROMAN, compact, english_name, language_code, lexicon
from .masthead import ORIGINAL_NOTE
from .tolerant import first_word_mended, mended
from .spaced_signature import SignatureReader


class AnnexReader(SignatureReader):
    """Finds and reads the annexes (an annex may be a letter, with its title and signature block)."""

    def annex_match(self, text: str):
        """The annex heading formula's match on `text`, also where OCR damaged its first word ("Anncx I")."""
        m = self.f.annex_heading.match(text)
        if m is None and (mended := first_word_mended(self.ctx.auth, self.ctx.lang, text)) is not None:
            m = self.f.annex_heading.match(mended)
        return m

    def enclosure_match(self, text: str) -> bool:
        """Whether `text` is an enclosure's heading, also where OCR damaged its first word ("Enc1osure")."""
        if self.f.enclosure_heading.match(text):
            return True
        mended = first_word_mended(self.ctx.auth, self.ctx.lang, text)
        return mended is not None and self.f.enclosure_heading.match(mended) is not None

    def annex_headings(self, lines: list[Line], title: str) -> list[tuple[int, int, Block]]:
        """(first line, line after the heading, heading) of each annex heading: bare ("Annex", "ANNEX"),
        numbered ("Annex I"), or naming the letter ("Annex to the letter dated …"), which is followed over
        its wrapped lines until it ends as the letter's title ends."""
        out = []
        tail = compact(title)[-16:]
        i = 0
        while i < len(lines):
            m = self.annex_match(lines[i].text)
            rest = m.group("rest").strip() if m else ""
            if m and (not rest or self.f.annex_heading_rest.match(rest)):
                j = i + 1
                ends = range(i + 1, min(len(lines), i + 5))
                # where the letter's own title ends, first: a heading that reads as complete earlier may go on
                # naming recipients ("… addressed to the Secretary-General" / "and the President of …")
                mine = next((k for k in ends if tail and compact(block(lines[i:k]).text).endswith(tail)), None)
                if rest and mine is not None:
                    j = mine
                elif rest:
                    while j < len(lines) and j - i < 5:
                        text = block(lines[i:j]).text
                        named = self.annex_match(text)
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
        m = self.annex_match(heading.text)
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
            label_en = english_name(author.name.value)
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
                if k > 0 and self.enclosure_match(ln.text):
                    return lines[:k], lines[k:]
        return lines, []

    def is_original_note(self, ln: Line) -> bool:
        """"[Original: French]": the original-language note of an annex, never its title (also OCR-damaged:
        "[0riginal: 5panish]", its words mended)."""
        for text in (ln.text, mended(ln.text, self.ctx.lang)):
            m = ORIGINAL_NOTE.match(text)
            if m and language_code(m.group("lang")) is not None:
                return True
        return False

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
            found = find_lines(lines[idx: idx + 6], lambda t: bool(self.f.title_start.match(t)),
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
            if (self.f.date_line.match(ln.text) or self.f.date_line.match(mended(ln.text, ctx.lang))  # (2O25)
                    or self.f.para_number.match(ln.text) or ctx.text.is_full(ln)
                    or (title_lines and self.ends_sentence(title_lines[-1].text)) or self.opens_body(lines, idx)
                    or self.runs_on(lines, idx)):
                break
            title_lines.append(ln)
            idx += 1
        while title_lines and self.ends_sentence(title_lines[-1].text):
            title_lines.pop()  # a title does not end a sentence: that line opens the body
            idx -= 1
        return title_lines, idx


    def runs_on(self, lines: list[Line], idx: int) -> bool:
        """A line that ends on a word that never ends a title ("of", "its"), followed by a full line: the
        opening of a paragraph, not a title."""
        ends = set(lexicon()["continuation"].get(f"{self.ctx.lang}_end", []))
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
