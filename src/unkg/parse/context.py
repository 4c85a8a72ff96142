"""What one parse needs and accumulates (`Context`: the text, the authorities, the language, the
warnings), and the error for a text that is not a UN communication."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from ..authority import Authorities
from ..errors import InputError
from ..model import Entity, Fact, Span, Warning_
from ..text import Piece, Text
from .lexicon import compact

T = TypeVar("T")


class NotACommunication(InputError):
    pass


@dataclass
class Context:
    """What a parse needs and accumulates: the text, the authorities, the language, the warnings."""

    path: str
    text: Text
    auth: Authorities
    lang: str
    warnings: list[Warning_] = field(default_factory=list)

    # -- facts ------------------------------------------------------------------------------------
    def span(self, piece: Piece, a: int = 0, b: int | None = None) -> Span:
        return self.text.span_of(piece, a, b)

    def fact(self, value: T, piece: Piece, a: int = 0, b: int | None = None) -> Fact[T]:
        span = self.span(piece, a, b)
        return Fact(value, span, self.text.written(span))

    def written(self, piece: Piece, a: int = 0, b: int | None = None) -> Fact[str]:
        """The text of ``piece[a:b]`` as written (see `Text.written`), as a fact."""
        span = self.span(piece, a, b)
        surface = self.text.written(span)
        return Fact(surface, span, surface)

    def warn(self, message: str, span: Span | None = None) -> None:
        self.warnings.append(Warning_(message, span))

    def fail(self, message: str, line: int | None = None) -> InputError:
        return InputError(self.path, message, line)

    # -- authorities ------------------------------------------------------------------------------
    def find(self, piece: Piece, *kinds: str) -> list[tuple[int, int, Entity]]:
        return self.auth.find(piece.text, self.lang, *kinds)

    def lookup(self, piece: Piece, *kinds: str) -> Entity | None:
        return self.auth.lookup(piece.text, self.lang, *kinds)

    def segment(self, piece: Piece, *kinds: str) -> list[Fact[Entity]] | None:
        """`piece` read as a sequence of known names and nothing else (spaces aside), or None."""
        found = self.find(piece, *kinds)
        covered = "".join(piece.text[a:b] for a, b, _ in found)
        if not found or compact(covered) != compact(piece.text):
            return None
        return [self.fact(ent, piece, a, b) for a, b, ent in found]
