"""Where a text whose lines are not the genre's layout is re-broken (`reflow`): the formulas of a
language's ``[reflow]`` table compiled (`rules`), and `Breaker`, which finds the cuts zone by zone: the head
(the masthead's parts, the agenda titles the authority agenda spells), the title (the longest run of words
that reads as a whole title), the body (numbered paragraphs, where the signature block starts), and what
follows (signature blocks, page furniture, running headers, annex headings, a closing place and date)."""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from .context import Context
from .formulas import _filler, alternation, formulas, languages, raw, unspaced_formulas
from .lexicon import compact, language_code, lexicon, ordinal
from .masthead import _DISTR_IN_LINE, _ORIGINAL_IN_LINE, _SYMBOL_IN_LINE

TITLE_WORDS = 120  # the most words a title runs over (five printed lines of up to 24 words)
CLOSING = 160  # the most characters a signature block without a marker holds (name, rank, function)
_EN_DATE = re.compile(r"(?<!\d)\d{1,2}\s+[A-Za-z]+\s+\d{4}(?!\d)")


# -- the formulas --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Rules:
    """What the re-breaking reads a language's text with (its ``[reflow]`` table, compiled)."""

    spaces: bool
    salutation: re.Pattern[str] | None
    body_start: re.Pattern[str] | None
    paragraph: re.Pattern[str] | None
    marker: re.Pattern[str]
    annex: re.Pattern[str] | None
    furniture: tuple[re.Pattern[str], ...]
    date: re.Pattern[str]
    title_start: re.Pattern[str]
    agenda: re.Pattern[str]


def _unanchored(pattern: str) -> str:
    """A line's pattern (``^…$``) found anywhere in a text."""
    return pattern.removeprefix("^").removesuffix("$")


@cache
def rules(lang: str) -> Rules | None:
    """The re-breaking formulas of `lang`, or None when its formulas file has no ``[reflow]`` table."""
    data = raw(lang)
    table = data.get("reflow")
    if table is None:
        return None
    spaces = languages()[lang]["spaces"]
    flags = re.IGNORECASE if data.get("ignore_case", True) else 0
    if spaces:
        f = formulas(lang)
        fill, _ = _filler(data, f.date.pattern, {})
        date, title_start, agenda = f.date, f.title_start.pattern, f.agenda.pattern
    else:
        u = unspaced_formulas(lang)
        fill, _ = _filler(data, u.date.pattern, {"{number}": r"(?:\d+|[〇零一二两三四五六七八九十百千]+)",
                                                  "{numeral}": "[〇零一二两三四五六七八九十百千]"})
        date, title_start, agenda = u.date, u.title_start.pattern, u.agenda.pattern

    edge = r"(?<!\w)" if spaces else ""  # (a word's start; without spaces, any character)

    def opt(key: str, case: bool = False) -> re.Pattern[str] | None:
        return re.compile(fill(table[key]), 0 if case else flags) if table.get(key) else None

    return Rules(
        spaces=spaces, salutation=opt("salutation"), body_start=opt("body_start"),
        paragraph=opt("paragraph", case=True), marker=opt("marker"), annex=opt("annex", case=True),
        furniture=tuple(re.compile(p) for p in table.get("furniture", ())), date=date,
        title_start=re.compile(edge + _unanchored(title_start), flags),
        agenda=re.compile(edge + _unanchored(agenda), flags),
    )


@cache
def _language_names() -> re.Pattern[str]:
    """The names of the official languages (data/languages.toml), as whole words."""
    names = [n for names in lexicon()["names"].values() for n in names]
    return re.compile(rf"(?<!\w)(?:{alternation(names)})(?!\w)", re.IGNORECASE)


@dataclasses.dataclass
class Cuts:
    """Where one line is re-broken: positions in its normalised text -> the indent of the line they open
    (1 for a paragraph's first line, as the text layer marks it), and what was cut."""

    at: dict[int, int] = dataclasses.field(default_factory=dict)
    what: list[str] = dataclasses.field(default_factory=list)

    def cut(self, pos: int, what: str, indent: int = 0) -> None:
        if pos not in self.at or indent:
            self.at[pos] = indent
        if what not in self.what:
            self.what.append(what)


class Breaker:
    """Finds where a line is to be re-broken, zone by zone: the head (masthead), the title, the body,
    the signature block, and what follows (furniture, annexes)."""

    def __init__(self, ctx: Context, r: _Rules):
        self.ctx, self.r = ctx, r
        self.lang = ctx.lang
        self.own: list[str] = []  # the document's symbols, found in the head (running headers later)
        self._reader = None

    # -- a whole long line -------------------------------------------------------------------------------
    def line(self, t: str, zone: str, cuts: Cuts) -> str:
        pos = 0
        if zone == "head":
            ts = self.title_at(t, 0, len(t))  # (no title's opening, as OCR damaged it: up to the body's)
            body = None if ts is not None else min((m.start() for p in (self.r.salutation, self.r.body_start)
                                                    if p is not None and (m := p.search(t))), default=None)
            self.masthead(t, 0, next(x for x in (ts, body, len(t)) if x is not None), cuts)
            if ts is None and body is None:
                return "head"
            zone, pos = ("title", ts) if ts is not None else ("body", body)
            cuts.cut(pos, f"the {zone}", indent=int(ts is None))
        if zone == "title":
            end = self.title_end(t, pos)
            if end is None:
                return "title"
            pos = self.after_title(t, end, cuts)
            zone = "body"
        if zone == "body":
            pos = self.body(t, pos, cuts)
            zone = "closing"
        if zone == "closing":
            self.rest(t, pos, cuts)
        return "closing"

    # -- the masthead --------------------------------------------------------------------------------
    def masthead(self, t: str, a: int, b: int, cuts: Cuts) -> None:
        """Cut before and after each masthead part in ``t[a:b]``."""
        seg = t[a:b]
        spans: list[tuple[int, int, str]] = []
        last_end = None
        for m in _SYMBOL_IN_LINE.finditer(seg):
            self.own.append(m.group(0).rstrip("*"))
            if last_end is not None and re.fullmatch(r"\s*[-\u2010-\u2015\u2212]?\s*", seg[last_end:m.start()]):
                spans[-1] = (spans[-1][0], m.end(), "the symbols")  # a joint symbol
            else:
                spans.append((m.start(), m.end(), "the symbols"))
            last_end = m.end()
        organs = []
        for s, e, ent in self.ctx.auth.find(seg, self.lang, "organ", "organization"):
            spans.append((s, e, "the organs"))
            organs.append(ent)
        sessions: list[int] = []
        for m in _DISTR_IN_LINE.finditer(seg):
            spans.append((m.start(), m.end(), "Distr."))
        for m in _ORIGINAL_IN_LINE.finditer(seg):  # (the language's name may stand further on: 1990s)
            end = m.end() if language_code(m.group("lang") or "") else m.start("lang")
            spans.append((m.start(), end, "the original language"))
        for m in _language_names().finditer(seg):  # the version's language, or the original's alone
            if not any(s <= m.start() < e for s, e, what in spans if what == "the original language"):
                spans.append((m.start(), m.end(), "the original language"))
        for m in self.r.date.finditer(seg):
            spans.append((m.start(), m.end(), "the dates"))
        for m in _EN_DATE.finditer(seg):  # the English masthead date
            if m.group(0).split()[1].casefold() in lexicon()["months"]["en"]:
                spans.append((m.start(), m.end(), "the dates"))
        if self.r.spaces:
            f = formulas(self.lang)
            units = {k.casefold(): v for k, v in f.units.items()}
            for m in f.period.finditer(seg):
                n = ordinal(m.group("ord"), self.lang)
                if n:
                    spans.append((m.start(), m.end(), "the sessions"))
                    if units.get(re.sub(r"\s+", " ", m.group("unit").casefold())) == "session":
                        sessions.append(n)
        else:
            u = unspaced_formulas(self.lang)
            for unit, p in u.periods:
                for m in p.finditer(seg):
                    spans.append((m.start(), m.end(), "the sessions"))
                    if unit == "session":
                        sessions.append(u.number(m.group("n")))
        agenda = self.r.agenda.search(seg)
        if agenda:
            spans.append((agenda.start(), agenda.end(), "the agenda items"))
            # (the titles may name an organ or the United Nations: only the other parts end them)
            stop = min((s for s, _, what in spans if s >= agenda.end() and what != "the organs"), default=len(seg))
            titles = self.agenda_titles(seg, agenda, stop, sessions, organs)
            spans = [x for x in spans if x[2] == "the agenda items" or not any(
                a <= x[0] and x[1] <= b and (a, b) != (x[0], x[1]) for a, b, _ in titles)] + titles
        for s, e, what in spans:
            cuts.cut(a + s, what)
            cuts.cut(a + e, what)

    def agenda_titles(self, seg: str, agenda: re.Match[str], stop: int, sessions: list[int],
                      organs: list) -> list[tuple[int, int, str]]:
        """The agenda titles run into one line after the agenda line (``seg[agenda.end():stop]``), cut one
        per item where the authority agenda's titles end; the first item it does not know stops the cut."""
        organ = next((o for o in organs if self.ctx.auth.period_unit.get(o.iri) == "session"), None)
        if organ is None or not sessions:
            return []
        known = self.ctx.auth.agenda_items(organ, sessions[0])
        item = formulas(self.lang).item if self.r.spaces else unspaced_formulas(self.lang).item
        nums = next((g for g, v in agenda.groupdict().items() if g.startswith("nums") and v), None)
        if nums is None:
            return []
        out = []
        pos = agenda.end()
        for m in item.finditer(seg, agenda.start(nums), agenda.end(nums)):
            entry = known.get(re.sub(r"\s+", " ", m.group(0)))
            title = entry.titles.get(self.lang) if entry else None
            if not title:
                break
            key = compact(title)
            while pos < stop and seg[pos] == " ":
                pos += 1
            got = ""
            end = None
            for q in range(pos, stop):
                if seg[q] != " ":
                    got += compact(seg[q])
                if got == key and (q + 1 == stop or not self.r.spaces or seg[q + 1] == " "):
                    end = q + 1
                    break
                if not key.startswith(got):
                    break
            if end is None:
                break
            out.append((pos, end, "the agenda items"))
            pos = end
        return out

    # -- the title -----------------------------------------------------------------------------------
    def title_at(self, t: str, a: int, b: int) -> int | None:
        if self.r.spaces:
            m = self.r.title_start.search(t, a, b)
            return m.start() if m else None
        u = unspaced_formulas(self.lang)
        for m in self.r.date.finditer(t, a, b):  # the date that opens a whole title (not the masthead's)
            end = re.compile(_unanchored(u.title_end.pattern)).search(t, m.end(), min(b, m.end() + 200))
            if end and u.title.match(t[m.start():end.end()]):
                return m.start()
        return None

    def reader(self):
        if self._reader is None:
            from .spaced import Parser

            self._reader = Parser(Context(self.ctx.path, self.ctx.text, self.ctx.auth, self.lang))
        return self._reader

    def title_end(self, t: str, ts: int) -> int | None:
        """Where the title opening at `ts` ends: the longest run of words that reads as a whole title,
        before the body's opening words (a salutation, a body's first formula, a numbered paragraph, a
        signature: the first after a whole title, as a title may hold them); failing that, at those words."""
        if not self.r.spaces:
            m = re.compile(_unanchored(unspaced_formulas(self.lang).title_end.pattern)).search(t, ts)
            return m.end() if m else None
        limit, reader = min(ts + 120 * 12, len(t)), self.reader()
        for p in (self.r.salutation, self.r.body_start, self.r.marker):
            m = first = p.search(t, ts + 1, limit) if p is not None else None
            while m and not reader._complete(t[ts:m.start()].strip()):  # ("from the Permanent Mission of …")
                m = p.search(t, m.start() + 1, limit)
            if m or first:
                limit = (m or first).start()
        ends = [m.start() for m in re.finditer(r"(?<=\S)\s", t[ts:limit] + " ")]
        ends = [ts + e for e in ends][:TITLE_WORDS]
        for e in reversed(ends):
            if reader._complete(t[ts:e].strip()):
                return e
        if reader.f.fuzzy_signed:  # an OCR-damaged title: up to the last word that reads as a recipient
            for e in reversed(ends[:40]):
                if reader._ends_on_recipient(t[ts:e].strip()):
                    return e
        if limit < len(t):
            return limit
        return None

    def after_title(self, t: str, end: int, cuts: Cuts) -> int:
        """Cut after the title and around a salutation under it; where the body starts."""
        pos = end
        while pos < len(t) and t[pos] == " ":
            pos += 1
        cuts.cut(pos, "the title", indent=1)
        m = self.r.salutation.match(t, pos) if self.r.salutation is not None else None
        if m:
            cuts.at[pos] = 0
            cuts.cut(pos, "the salutation")
            nxt = m.end()
            while nxt < len(t) and t[nxt] == " ":
                nxt += 1
            cuts.cut(nxt, "the salutation", indent=1)
            pos = nxt
        return pos

    # -- the body and what follows ------------------------------------------------------------------
    def markers(self, t: str, a: int, b: int) -> list[re.Match[str]]:
        out = []
        for m in self.r.marker.finditer(t, a, b):
            if not self.r.spaces or "word" not in m.groupdict() or self.reader().is_signed(m.group("word")):
                out.append(m)
        return out

    def stops(self, t: str, a: int) -> list[tuple[int, int, str]]:
        """Page furniture, running headers and annex headings after `a`: (start, end, what)."""
        out = []
        for p in self.r.furniture:
            out += [(m.start(), m.end(), "the page furniture") for m in p.finditer(t, a)]
        for sym in dict.fromkeys(self.own):
            for m in re.finditer(rf"(?<![\w/]){re.escape(sym)}(?![\w/])", t[a:]):
                out.append((a + m.start(), a + m.end(), "the page furniture"))
        if self.r.annex is not None:
            for m in self.r.annex.finditer(t, a):
                before = t[:m.start()].rstrip()
                if before and before[-1].isalpha() and before[-1].islower():
                    continue  # "see annex": the body's mention, not a heading
                out.append((m.start(), m.end(), "the annex headings"))
        return sorted(out)

    def body(self, t: str, pos: int, cuts: Cuts) -> int:
        """Cut the body's numbered paragraphs; where its signature block starts (cut there)."""
        stops = self.stops(t, pos)
        first_stop = next((s for s, _, what in stops if what == "the annex headings"), len(t))
        marks = self.markers(t, pos, first_stop)
        end = marks[0].start() if marks else None
        if not self.r.spaces and marks:  # the titles before the name: from the last sentence's end
            k = marks[0].start()
            ends = [i for i in range(pos, k) if t[i] in (formulas(self.lang) if self.r.spaces else unspaced_formulas(self.lang)).sentence_end]
            end = ends[-1] + 1 if ends else k
        if end is None:  # no marker: short lines that are no sentence before the furniture or an annex
            stop = next((s for s, _, _ in stops), len(t))
            ends = [m.end() for m in re.finditer(r"[.!?;:。](?=\s|$)", t[pos:stop])]
            tail = pos + ends[-1] if ends else stop
            if ends and 0 < len(t[tail:stop].strip()) <= CLOSING and self.ctx.auth.find(
                    t[tail:stop], self.lang, "rank", "function", "post"):
                end = tail
            else:
                end = stop
        if self.r.paragraph is not None:
            for m in self.r.paragraph.finditer(t, pos, end):
                cuts.cut(m.start(), "the numbered paragraphs", indent=1)
        for s, e, what in stops:
            if s >= end:
                break
            cuts.cut(s, what)
            cuts.cut(e, what)
        while end < len(t) and t[end] == " ":
            end += 1
        cuts.cut(end, "the signature block")
        return end

    def rest(self, t: str, pos: int, cuts: Cuts) -> None:
        """The signature blocks (the letter's, the annexes'), the furniture and the annex headings."""
        stops = self.stops(t, pos)
        for s, e, what in stops:
            cuts.cut(s, what)
            if what != "the annex headings":
                cuts.cut(e, what)
                continue
            heading_end = e
            if self.r.spaces:
                f = formulas(self.lang)
                rest = re.compile(_unanchored(f.annex_heading_rest.pattern), f.annex_heading_rest.flags)
                m = rest.match(t, e + 1) if e < len(t) else None
                if m:
                    end = self.title_end(t, m.end())
                    heading_end = end if end is not None else e
                elif e < len(t) and self.r.title_start.match(t, e + 1):  # a letter annexed: its own title
                    cuts.cut(self.title_end(t, e + 1) or e, what)
            cuts.cut(heading_end, what)
        if self.r.paragraph is not None:
            for m in self.r.paragraph.finditer(t, pos):
                cuts.cut(m.start(), "the numbered paragraphs", indent=1)
        if self.r.spaces:  # a place and date closing an annex, before furniture or the text's end
            f = formulas(self.lang)
            ends = {len(t), *[s for s, _, _ in stops]}
            for m in f.date.finditer(t, pos):
                end = m.end() + (t[m.end():m.end() + 1] == ".")
                if end not in ends and not (t[end:end + 1] == " " and end + 1 in ends):
                    continue
                # the line is the date, or a place and the date, after the last sentence's end
                start = max((i + 2 for i in range(pos, m.start()) if t[i] in f.sentence_end and t[i + 1] == " "),
                            default=pos)
                line = t[start:end]
                cuts.cut(start if f.date_line.match(line) else m.start(), "the closing dates")
        blocks = sorted({pos, *[s for s, _, _ in stops], *[e for _, e, _ in stops], len(t)})
        for m in self.markers(t, pos, len(t)):
            stop = next((x for x in blocks if x > m.start()), len(t))
            if self.r.spaces:
                cuts.cut(m.start(), "the signature block")
                for s, e, _ in self.ctx.auth.find(t[m.end():stop], self.lang, "rank", "function", "post"):
                    cuts.cut(m.end() + s, "the signature block")
            else:
                start = max([x for x in blocks if x <= m.start()], default=pos)
                for s, e, _ in self.ctx.auth.find(t[start:m.start()], self.lang, "rank", "function", "post"):
                    cuts.cut(start + s, "the signature block")
                    cuts.cut(start + e, "the signature block")
                cuts.cut(m.end(), "the signature block")
