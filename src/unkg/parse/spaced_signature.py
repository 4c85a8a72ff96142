"""Signature blocks in the languages written with spaces: where the body ends, and the signatory's name,
rank, function and State (OCR-damaged markers, honours after the name)."""

from __future__ import annotations

from ..model import Agent, Fact
from ..text import Block, Line, Piece, block, paragraphs
from .closing import merge_sender
from .spaced_title import TitleReader


class SignatureReader(TitleReader):
    """Splits the signature block off and reads it (a sender's phrase as titles do)."""

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
        parts["sender"] = merge_sender(self.ctx, parts.pop("sender_title", (None, None)),
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
