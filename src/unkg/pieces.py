"""Normalised text's pieces: a `Piece` (text whose every character maps back to a range of the raw text),
white space as `text` guarantees it (guarantee 4, `_squeeze`) and wrapped lines joined (guarantee 5, `join`).
`text` builds them from a document's lines (and its module docstring states the guarantees)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014"


_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x30FF),  # CJK symbols and punctuation, kana
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFF60),
    (0x20000, 0x3FFFF),
)
_CJK_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in _CJK_RANGES)
_CJK = re.compile(f"[{_CJK_CLASS}]")
_SPACE_BY_CJK = re.compile(f"(?<=[{_CJK_CLASS}]) | (?=[{_CJK_CLASS}])")


def is_cjk(ch: str) -> bool:
    """True for characters of scripts written without spaces between words (Han, kana) and CJK
    punctuation and full-width forms."""
    return _CJK.match(ch) is not None


@dataclass(frozen=True, init=False)
class Piece:
    """Normalised text whose every character maps back to a range of the raw text."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __init__(self, text: str, starts: tuple[int, ...], ends: tuple[int, ...]) -> None:
        # (the fields written to the instance's dict: a frozen dataclass's own __init__ sets each through
        # object.__setattr__, three times as slow, and pieces are made for every line and value)
        d = self.__dict__
        d["text"], d["starts"], d["ends"] = text, starts, ends

    def __len__(self) -> int:
        return len(self.text)

    def offsets(self, a: int = 0, b: int | None = None) -> tuple[int, int]:
        """Raw-text offsets covered by ``self.text[a:b]`` (an empty range maps to a point)."""
        b = len(self.text) if b is None else b
        if not self.text:
            return (0, 0)
        if a >= b:
            p = self.starts[a] if a < len(self.starts) else self.ends[-1]
            return (p, p)
        return (self.starts[a], self.ends[b - 1])

    def sub(self, a: int, b: int | None = None) -> "Piece":
        """The piece ``self.text[a:b]``, trimmed of white space at its ends."""
        b = len(self.text) if b is None else b
        while a < b and self.text[a] == " ":
            a += 1
        while b > a and self.text[b - 1] == " ":
            b -= 1
        return Piece(self.text[a:b], self.starts[a:b], self.ends[a:b])


def _normalise_items(items: Iterable[tuple[str, int, int]]) -> Piece:
    """Guarantee 4 on a stream of (character, start, end)."""
    out: list[tuple[str, int, int]] = []
    for ch, s, e in items:
        if ch.isspace():
            if out and out[-1][0] == " ":
                continue
            out.append((" ", s, e))
        else:
            out.append((ch, s, e))
    kept = []
    for i, item in enumerate(out):
        if item[0] == " ":
            if i == 0 or i == len(out) - 1:
                continue
            if is_cjk(out[i - 1][0]) or is_cjk(out[i + 1][0]):
                continue
        kept.append(item)
    return Piece(
        "".join(c for c, _, _ in kept), tuple(s for _, s, _ in kept), tuple(e for _, _, e in kept)
    )


_SPACES = re.compile(r"\s+")


def _squeeze(text: str) -> str:
    """Guarantee 4 on a string: runs of white space made one space, none at the ends or beside CJK."""
    return _SPACE_BY_CJK.sub("", _SPACES.sub(" ", text).strip(" "))


def _squeezed(s: str) -> bool:
    """True when guarantee 4 holds for `s` as it is (`_squeeze` would change nothing: no white space at an
    end, two together, one other than a space, or a space beside CJK), told by str.split and a CJK search
    only where a space could be beside CJK (a regular expression of those four alternatives tries each at
    every character: several times slower)."""
    return " ".join(s.split()) == s and (" " not in s or s.isascii() or not _CJK.search(s)
                                         or not _SPACE_BY_CJK.search(s))


def join(pieces: Sequence[Piece]) -> Piece:
    """Join wrapped lines (guarantee 5): one space between them, none after a hyphen or dash and
    none next to CJK characters."""
    kept = [p for p in pieces if p.text]
    if all(_squeezed(p.text) for p in kept):  # each piece keeps guarantee 4 (they all do)
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for p in kept:
            if text and text[-1][-1] not in _HYPHENS and not is_cjk(text[-1][-1]) and not is_cjk(p.text[0]):
                text.append(" ")
                starts.append(ends[-1])
                ends.append(ends[-1])
            text.append(p.text)
            starts.extend(p.starts)
            ends.extend(p.ends)
        return Piece("".join(text), tuple(starts), tuple(ends))
    return _join_items(kept)


def join_text(pieces: Sequence[Piece]) -> str:
    """``join(pieces).text``, without the offsets (for a test on the joined text only)."""
    kept = [p.text for p in pieces if p.text]
    if not all(_squeezed(t) for t in kept):
        return join(pieces).text
    text: list[str] = []
    for t in kept:
        if text and text[-1][-1] not in _HYPHENS and not is_cjk(text[-1][-1]) and not is_cjk(t[0]):
            text.append(" ")
        text.append(t)
    return "".join(text)


def _join_items(pieces: Sequence[Piece]) -> Piece:
    """`join`, character by character (for pieces in any state)."""
    items: list[tuple[str, int, int]] = []
    for p in pieces:
        if not p.text:
            continue
        if items and items[-1][0] not in _HYPHENS:
            items.append((" ", items[-1][2], items[-1][2]))
        items.extend(zip(p.text, p.starts, p.ends))
    return _normalise_items(items)
