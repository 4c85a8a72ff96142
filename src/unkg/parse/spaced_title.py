"""Titles in the languages written with spaces: finding a title (wrapped, cut short or OCR-damaged),
matching its formula, and reading its kind, date, sender and recipients."""

from __future__ import annotations

import dataclasses
import difflib
import re

from rapidfuzz import fuzz

from ..model import Entity, Fact
from ..text import Block, Piece
from .closing import find_lines, read_recipients
from .spaced_base import SpacedBase
from .tolerant import folder, mended, tolerance
from .tolerant_merge import TOLERANT


class _TitleMatch:
    """A title's match split by `TitleReader.match_title`: the head's groups (kind, date), and the sender's
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


class TitleReader(SpacedBase):
    """Finds and reads the title."""

    def _complete(self, text: str, tolerant: bool = False) -> bool:
        """Is this the whole title? Its formula matches, its recipients are known posts (`tolerant`: or
        names of them OCR damaged, "the President of the 5ecurity Council"), and a sender that closes the
        title ends as a sender's phrase does (or is a known post)."""
        m = self.match_title(text)
        if not m or not (self.recipients(m.group("recipients"))
                         or (tolerant and self.damaged_recipients(m.group("recipients")))):
            return False
        if not self.f.sender_last:
            return True
        sender = m.group("sender")
        return bool(self.f.un_phrase.search(sender)) or self.ctx.auth.lookup(
            self.strip(sender), self.ctx.lang, "post") is not None

    def find_title(self, lines) -> tuple[int, int] | None:
        """The title's lines: from a line that opens as a title does to the line that completes it (up to
        five lines); for OCR-damaged English titles, up to the line whose end reads as a recipient. A title
        the formula completes only once its damaged words are mended ("FR0M … T0", "and to the President of the
        5ecurity Council" after a complete line) is the title, and the first: never an annex's below it."""
        def opens(t: str) -> bool:
            return bool(self.f.title_start.match(t))

        answers: dict[tuple[str, bool], bool] = {}  # (the runs of lines are tried again: each answer once)

        def complete(t: str, tolerant: bool = False) -> bool:
            if (t, tolerant) not in answers:  # (what completes a title exactly completes it with tolerance)
                answers[t, tolerant] = (tolerant and answers.get((t, False), False)) or self._complete(t, tolerant)
            return answers[t, tolerant]

        def damaged(t: str) -> bool:  # a recipient's name, the date or a formula word OCR-damaged
            return complete(mended(t, self.ctx.lang), tolerant=True)

        tolerant = folder(self.ctx.lang) is not None
        found = find_lines(lines, opens, complete, 5, damaged if tolerant else None)
        if tolerant:
            # (a title read once mended wins only where it begins above the exact one: none is looked for below)
            mended_at = find_lines(lines, opens, damaged, 5, before=found[0] if found is not None else None)
            if mended_at is not None and (found is None or mended_at[0] < found[0]):
                found = mended_at
        if found is None and self.f.fuzzy_signed:
            found = find_lines(lines, opens, self._ends_on_recipient, 5)
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
        return self.fuzzy_post(word) is not None or self._ends_on_recipients(text)

    def _ends_on_recipients(self, text: str) -> bool:
        """Does a title whose head is damaged ("Letter dated S November 2003") end on its recipients: after
        the sender, a `title_join` ("addressed to") followed by known posts, functions or organs only?"""
        head = self.f.title_start.match(text)
        if self.f.title_join is None or head is None:
            return False
        end = len(text.rstrip().rstrip("."))
        return any(j.end() < end and self.recipients(text[j.end():end])
                   for j in self.f.title_join.finditer(text, head.end()))

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

    def fuzzy_post(self, text: str) -> Entity | None:
        """A post named in OCR-damaged text ("Secretarv-Genera?")."""
        text = text.strip(" .,;:")
        if len(text) < 6:
            return None
        fold = folder(self.ctx.lang) or str.casefold  # the letters OCR confuses made one ("5ecretarv")
        best = None
        for ent in self.ctx.auth.of_kind("post"):
            for name in self.ctx.auth.names(ent, self.ctx.lang):
                ratio = difflib.SequenceMatcher(None, fold(text), fold(name)).ratio()
                if ratio >= 0.85 and (best is None or ratio > best[0]):
                    best = (ratio, ent)
        return best[1] if best else None

    def match_title(self, text: str):
        """The title formula's match. Where the formula's lazy split between sender and recipients falls
        on a word that also occurs inside a name ("to": "… to the United Nations", "pursuant to"; "par":
        "créé par la résolution"), or where the language also writes the title without its recipients'
        verb ("… from the Secretary-General to the President of …", `title_head`), the split is taken at
        the first `title_join` after which (or, sender last, before which) every recipient is a known post,
        function or organ or a body's function (`recipient_function`). (Asked again of the same text as a
        title's runs of lines are tried: answered once.)"""
        if text not in self.titles_of:
            self.titles_of[text] = self._match_title(text)
        return self.titles_of[text]

    def _match_title(self, text: str):
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
        neither. (Answered once for each phrase, as `match_title`.)"""
        if text not in self.recipients_of:
            self.recipients_of[text] = self._recipients(text)
        return self.recipients_of[text]

    def _recipients(self, text: str) -> list[Entity | None] | None:
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

    def damaged_recipients(self, text: str) -> bool:
        """Is each name of `text` a post, function or organ, exactly or once the letters OCR confuses are made
        one (up to the ratio of a misspelt name of the language's ``[tolerant]``)?"""
        fold, tol = folder(self.ctx.lang), tolerance(self.ctx.lang)
        if fold is None or tol is None:
            return False
        names = [self.strip(p) for p in re.split(self.f.recipient_split, text.strip().rstrip(".")) if p.strip()]
        auth, lang = self.ctx.auth, self.ctx.lang
        known = auth._remember(("folded names", lang, "post function organ"), lambda: [  # once per language
            fold(n) for e in auth.of_kind("post", "function", "organ") for n in auth.names(e, lang)])
        return bool(names) and all(
            auth.lookup(n, lang, "post", "function", "organ") is not None
            or _best(fold(n), known) >= tol.ratio for n in names)

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
        parts["recipients"] = read_recipients(ctx, rest, self.f.recipient_split, self.strip)

    def agent_phrase(self, phrase: Piece) -> tuple[Fact[Entity] | None, Fact[Entity] | None]:
        """(state, function) from a sender's phrase: the first function or post it names, and the State
        named after that function."""
        ctx = self.ctx
        funcs = ctx.find(phrase, "post", "function")
        function = state = None
        if funcs:
            a, b, ent = min(funcs, key=lambda h: h[0])
            function = ctx.fact(ent, phrase, a, b)
            if ent.kind == "function":  # "President of the 5ecurity Council": the post, OCR-damaged
                function, b = self.damaged_post(phrase, a) or (function, b)
            states = [h for h in ctx.find(phrase, "state") if h[0] >= b]
            if states and ent.kind == "function":
                x, y, st = states[0]
                state = ctx.fact(st, phrase, x, y)
        else:
            function = self.dehyphenated_post(phrase)
            if function is None:
                ctx.warn(f"function in {phrase.text!r} is not in the authority data", ctx.span(phrase))
        return state, function

    def damaged_post(self, phrase: Piece, a: int) -> tuple[Fact[Entity], int] | None:
        """The post whose name the words of `phrase` from `a` spell once the letters OCR confuses are made one
        ("President of the 5ecurity Council", where the exact reading finds only the function "President"), up
        to the ratio of a misspelt name of the language's ``[tolerant]`` (a short word is not folded: "thc"):
        the longest, read with tolerance and named in a warning, and where its name ends."""
        ctx, fold = self.ctx, folder(self.ctx.lang)
        if fold is None:
            return None
        words = list(re.finditer(r"\S+", phrase.text[a:]))
        best = None
        for ent in sorted(ctx.auth.of_kind("post"), key=lambda e: e.iri):
            for name in ctx.auth.names(ent, ctx.lang):
                n = len(name.split())
                if n > len(words):
                    continue
                end = a + words[n - 1].end()
                end -= len(phrase.text[a:end]) - len(phrase.text[a:end].rstrip(".,;:"))
                score = fuzz.ratio(fold(phrase.text[a:end]), fold(name))  # ("thc": a short word unfolded)
                if score >= tolerance(ctx.lang).ratio and (best is None or (score, end) > best[:2]):
                    best = (score, end, ent)
        if best is None:
            return None
        _, end, ent = best
        ctx.warn(f"sender function: read with tolerance for OCR damage from {phrase.text[a:end]!r} as "
                 f"{ent.label!r}", ctx.span(phrase, a, end))
        return dataclasses.replace(ctx.fact(ent, phrase, a, end), origin=TOLERANT), end

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


def _best(name: str, known: list[str]) -> float:
    """The best `fuzz.ratio` of `name` against the names `known` (0 when there are none)."""
    return max((fuzz.ratio(name, k) for k in known), default=0)
