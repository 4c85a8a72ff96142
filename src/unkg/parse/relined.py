"""Texts whose lines hold one word each (some OCR engines and PDF extractors give a text layer so): the
layout's lines are lost, as in a text without line breaks. Such a text is read as one: its words joined into
one logical line, which `reflow` re-breaks at the genre's formulas.

The share of lines (and of words) on lines of one word that tells the layout is the language's
``one_word_lines`` (``[tolerant]`` in ``data/formulas/<lang>.toml``); a language without it is read as its lines
are. The joined line is a range of the raw text: the white space between two words (a newline) is their
separator, so every span, offset and quote stays the original's."""

from __future__ import annotations

from ..text import Line, Text, _line_piece, display_width
from .tolerant import tolerance

MIN_LINES = 12
"""The fewest lines with text a text must have to be told as one word per line (a short note, a heading
alone, may hold a word a line in any layout)."""


def one_word_per_line(text: Text, lang: str) -> tuple[int, int] | None:
    """(lines holding one word, lines with text) when the text's lines hold one word each, else None: at
    least the language's ``one_word_lines`` share of its lines with text hold one word, and they hold that
    share of its words too (page furniture, running headers and page numbers of pages left empty, is many
    lines of one word each holding few of a text's words)."""
    tol = tolerance(lang)
    if tol is None:
        return None
    content = [ln for ln in text.lines if not ln.blank]
    single = sum(1 for ln in content if " " not in ln.text)
    words = sum(ln.text.count(" ") + 1 for ln in content)
    if len(content) < MIN_LINES or single < tol.one_word_lines * words:
        return None
    return single, len(content)


def joined(text: Text, lang: str) -> tuple[Text, str] | None:
    """The text's words as one logical line, and what the warning says of the layout; None when its lines
    are not one word each."""
    found = one_word_per_line(text, lang)
    if found is None:
        return None
    content = [ln for ln in text.lines if not ln.blank]
    start, end = content[0].start, content[-1].end
    piece = _line_piece(text.raw, start, end)
    line = Line(1, start, end, content[0].indent, display_width(piece.text, text.cjk), piece)
    single, total = found
    note = f"the text held one word per line ({single} of its {total} lines with text)"
    return Text(text.raw, (line,), text.cjk, line.width), note
