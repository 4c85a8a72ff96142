"""What every reader does with a letter's title and closing lines: finding a title wrapped over
several lines, reading the recipients it names, splitting the closing lines off the paragraphs, and
merging the sender the title gives with the signature block."""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ..model import Agent, Entity, Fact
from ..text import Block, Line, Piece, join_text
from .context import Context


def find_lines(lines: Sequence[Line], opens: Callable[[str], bool], completes: Callable[[str], bool],
               limit: int, extends: Callable[[str], bool] | None = None,
               before: int | None = None) -> tuple[int, int] | None:
    """The index range of the first run of up to `limit` non-blank lines that begins with a line
    `opens` accepts and whose joined text `completes` accepts (a title wrapped over several lines). A run
    that the next line still completes is extended: "… addressed to the Secretary-General and the
    President" reads as complete, but so does the next line's "of the Security Council" (or, once a run is
    complete, one that `extends` accepts: "and to the President of the 5ecurity Council", OCR damaged).
    With `before`, only runs beginning at an index below it are tried."""
    for i, ln in enumerate(lines[:before]):
        if ln.blank or not opens(ln.text):
            continue
        taken: list[Line] = []
        found = None
        for j in range(i, len(lines)):
            if lines[j].blank:
                continue
            taken.append(lines[j])
            if len(taken) > limit:
                break
            text = join_text([x.piece for x in taken])
            if completes(text) or (found is not None and extends is not None and extends(text)):
                found = (i, j + 1)
            elif found is not None:
                break
        if found is not None:
            return found
    return None


def read_recipients(ctx: Context, phrase: Piece, separator: str | re.Pattern[str],
                    strip: Callable[[str], str] = lambda s: s) -> tuple[Fact[Entity], ...]:
    """The recipients a title names: `phrase` split at `separator` (a regular expression), each name
    with its leading articles or prepositions removed by `strip`, looked up among posts, functions and
    organs; a name the authorities do not know is reported."""
    recipients = []
    pos = 0
    for name in re.split(separator, phrase.text):
        if not name or not name.strip():
            continue
        a = phrase.text.index(name, pos)
        pos = a + len(name)
        a += len(name) - len(name.lstrip()) + (len(name.strip()) - len(strip(name)))
        sub = phrase.sub(a, pos)
        ent = ctx.lookup(sub, "post", "function", "organ")
        if ent is None:
            ctx.warn(f"recipient {sub.text!r} is not in the authority data", ctx.span(sub))
        else:
            recipients.append(ctx.fact(ent, sub))
    return tuple(recipients)


def merge_sender(ctx: Context, title_sender, closing: Agent | None, kind: Fact[str] | None,
                 has_closing: bool) -> Agent | None:
    """The sender: the function and State the title gives (they win), with the name, rank and signature
    of the signature block."""
    state, function = title_sender
    if closing is None:
        if kind is None or kind.value != "note verbale":
            ctx.warn("no signature block after the body")
        if function is None and state is None:
            return None
        return Agent(None, None, function, state, None, Fact(False, None, "") if has_closing else None)
    if closing.function and function and closing.function.value != function.value:
        ctx.warn(f"the signature's function ({closing.function.value.label}) differs from the title's "
                 f"({function.value.label}); the title wins", closing.function.span)
    if closing.name is None:
        ctx.warn("no signatory name in the signature block")
    elif closing.person is None:
        ctx.warn(f"signatory {closing.name.value!r} is not in the authority data", closing.name.span)
    return Agent(closing.name, closing.person, function or closing.function, state or closing.state,
                 closing.rank, closing.signed)


# -- closing blocks -------------------------------------------------------------------------------


def split_closing(
    ctx: Context, blocks: Sequence[Block], ends_sentence: Callable[[str], bool]
) -> tuple[list[Block], list[Block]]:
    """Split the trailing closing lines (signature, function, rank, place and date) off a run of
    paragraphs: single lines, short, that do not end a sentence."""
    k = len(blocks)
    while k > 0:
        b = blocks[k - 1]
        short = len(b.lines) == 1 and b.lines[0].width < 0.6 * ctx.text.full_width
        if short and not ends_sentence(b.text):
            k -= 1
        else:
            break
    return list(blocks[:k]), list(blocks[k:])
