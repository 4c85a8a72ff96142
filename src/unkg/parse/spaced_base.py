"""What every part of the reader of languages written with spaces uses (`spaced`): the language's
formulas (`formulas.Formulas`) and the small readers built on them (dates, sentence ends, the signature
marker's word, leading articles, agenda item numbers, the opening of a body).

The reader is one class built in layers, each module adding one concern and using those below it:
`SpacedBase` here, then titles (`spaced_title`), signature blocks (`spaced_signature`), annexes
(`spaced_annexes`), and the whole document (`spaced.Parser`)."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re

from ..model import Fact
from ..text import Line, Piece, block
from .agenda import item_numbers
from .context import Context
from .formulas import formulas
from .lexicon import make_date


def nums(m: re.Match[str]) -> tuple[int, int]:
    """The span of the item numbers in a match of a pattern built with {items}."""
    for name, value in m.groupdict().items():
        if name.startswith("nums") and value is not None:
            return m.start(name), m.end(name)
    raise ValueError("no item numbers in the match")


@functools.lru_cache(maxsize=16)  # (one per language)
def _folded(prefixes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((p, p.casefold()) for p in prefixes)


class SpacedBase:
    """The reader's state (the context and the language's formulas) and its small readers."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.f = formulas(ctx.lang)
        # TitleReader's answers, each asked again as a title's runs of lines are tried: each text read once
        self.recipients_of: dict[str, list | None] = {}
        self.titles_of: dict[str, object] = {}

    def date(self, m: re.Match[str]) -> dt.date | None:
        month = self.f.months.get(m.group("m").casefold())
        return make_date(int(m.group("y")), month, int(m.group("d"))) if month else None

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
        folded = s.casefold()
        changed = True
        while changed:
            changed = False
            for prefix, folded_prefix in _folded(self.f.strip):
                if folded.startswith(folded_prefix):
                    s, changed = s[len(prefix):], True
                    folded = s.casefold()
        return s

    def numbers(self, piece: Piece, a: int, b: int) -> list[Fact[str]]:
        return item_numbers(self.ctx, self.f.item, self.f.subitems, piece, a, b)

    def opens_body(self, lines: list[Line], idx: int) -> bool:
        """Does the sentence on these lines open a letter's or note's body ("I have the honour",
        "The Permanent Mission of … presents its compliments")?"""
        return self.f.body_opening is not None and bool(self.f.body_opening.match(block(lines[idx: idx + 3]).text))
