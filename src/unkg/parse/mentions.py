"""Names in the text: every name the authority data knows, and the language's patterns for names it
does not (kept as unresolved mentions, and reported)."""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from ..model import Mention
from ..text import Piece
from .context import Context

MENTION_KINDS = ("state", "organization", "person", "place", "instrument", "designation")

BOUNDARY_KINDS = ("rank", "function", "post", "organ")


def find_mentions(
    ctx: Context,
    piece: Piece,
    part: str,
    patterns: Sequence[tuple[str, re.Pattern[str]]] = (),
    left_stops: str = "",
    right_stops: str = "",
    name_joiners: str = "",
) -> list[Mention]:
    """Names in `piece`: every known name of the authority data (longest first), then the language's
    patterns for names the authorities do not know (kind, pattern with a ``name`` group), kept as
    unresolved mentions. In scripts without spaces a pattern's match may start too early: it is cut
    after any known title or function that overlaps its start (大使 in 大使凯末尔·奥兹坎) and after
    leading `left_stops` (grammatical words that never begin a name); it ends before any known name
    and at the first of `right_stops` after its last `name_joiners` character."""
    out = []
    # the spans taken so far, sorted by start (an event's may overlap others), and the longest of them: a
    # pattern's match is checked against its neighbours only (bisect), not against every name of a long text
    taken: list[tuple[int, int]] = []
    longest = 0
    for a, b, ent in ctx.find(piece, *MENTION_KINDS):  # (in order, not overlapping)
        out.append(Mention(ent.kind, ctx.written(piece, a, b), part, ent))
        taken.append((a, b))
        longest = max(longest, b - a)
    bounds: list[tuple[int, int, object]] | None = None  # the known titles and functions: found when first needed
    bound_starts: list[int] = []  # (most paragraphs hold no match of the patterns)
    for kind, pattern in patterns:
        for m in pattern.finditer(piece.text):
            a, b = m.span("name")
            if kind != "event":
                if bounds is None:
                    bounds = ctx.find(piece, *BOUNDARY_KINDS)  # (in order, not overlapping)
                    bound_starts = [x for x, _, _ in bounds]
                j = bisect.bisect_right(bound_starts, a) - 1  # the known title or function it starts in
                if 0 <= j and b <= bounds[j][1]:
                    continue  # all of it a known title, function or organ ("Security Council")
                while 0 <= j < len(bounds) and bounds[j][0] <= a < bounds[j][1] < b:
                    a = bounds[j][1]
                    j += 1
                for starts in (bound_starts, [x for x, _ in taken[bisect.bisect_right(taken, (a, 1 << 62)):
                                                                  bisect.bisect_left(taken, (b, -1))]]):
                    i = bisect.bisect_right(starts, a)  # the first name that starts after it: it ends there
                    if i < len(starts) and starts[i] < b:
                        b = starts[i]
                while a < b and piece.text[a] in left_stops:
                    a += 1
                tail = max(piece.text.rfind(c, a, b) for c in name_joiners) if name_joiners else -1
                for i in range(max(tail, a) + 1, b):
                    if piece.text[i] in right_stops:
                        b = i
                        break
                if not piece.text[a:b] or not piece.text[a].isalpha() or not piece.text[b - 1].isalpha():
                    continue
            near = taken[bisect.bisect_left(taken, (a - longest, -1)):bisect.bisect_left(taken, (b, -1))]
            if kind != "event" and any(a < y and x < b for x, y in near):
                continue  # an event's quoted theme may contain other names; other patterns may not
            out.append(Mention(kind, ctx.written(piece, a, b), part, None))
            bisect.insort(taken, (a, b))
            longest = max(longest, b - a)
    out.sort(key=lambda m: (m.surface.span.start if m.surface.span else 0))
    return out


def report_unresolved(ctx: Context, mentions: Sequence[Mention]) -> None:
    seen: dict[tuple[str, str], list[Mention]] = {}
    for m in mentions:
        if m.entity is None:
            seen.setdefault((m.kind, m.surface.value), []).append(m)
    for (kind, name), ms in seen.items():
        times = f" ({len(ms)} times)" if len(ms) > 1 else ""
        ctx.warn(f"unresolved {kind} mention {name!r}{times}: no authority entry", ms[0].surface.span)
