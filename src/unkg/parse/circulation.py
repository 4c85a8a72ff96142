"""The circulation request ("I should be grateful if … could be circulated as a document of …"): the
organs it names with their agenda items, and its cross-check with the masthead."""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ..model import Circulation, CirculationTarget, Entity, Fact, OrganSession
from ..text import Block, Piece
from .context import Context


def read_circulation(
    ctx: Context, blocks: Sequence[Block], request: re.Pattern[str],
    items_in: Callable[[Piece, int, int], list[Fact[str]]],
) -> Circulation | None:
    """The circulation request: the last paragraph that reads as one (`request`), organ by organ, each
    with the agenda item numbers (`items_in`) named between it and the next organ."""
    for b in reversed(blocks):
        m = request.search(b.text)
        if not m:
            continue
        piece = b.piece.sub(m.start(), m.end())
        organs = ctx.find(piece, "organ") or _organs_named_short(ctx, b.piece, m.start(), piece)
        targets: list[CirculationTarget] = []
        for k, (a, e, ent) in enumerate(organs):
            stop = organs[k + 1][0] if k + 1 < len(organs) else len(piece.text)
            items = tuple(items_in(piece, e, stop))
            same = next((i for i, t in enumerate(targets) if t.organ.value.iri == ent.iri), None)
            if same is None:
                targets.append(CirculationTarget(ctx.fact(ent, piece, a, e), items))
            elif items:  # "… to the members of the Security Council and … as a document of the Security Council"
                old = targets[same]
                targets[same] = CirculationTarget(old.organ, old.agenda_items + tuple(
                    i for i in items if i.value not in {x.value for x in old.agenda_items}))
        if targets:
            return Circulation(ctx.written(piece), tuple(targets))
    return None


def _organs_named_short(ctx: Context, para: Piece, start: int, piece: Piece) -> list[tuple[int, int, Entity]]:
    """Organs a request names by a short form ("… and issued as a document of the Council"): the organs
    named in full earlier in the paragraph whose name ends with a word the request uses."""
    out = []
    for _, _, ent in reversed(ctx.find(para.sub(0, start), "organ")):
        for name in ctx.auth.names(ent, ctx.lang):
            last = name.split()[-1] if name.split() else ""
            hit = re.search(rf"(?<!\w){re.escape(last)}(?!\w)", piece.text, re.IGNORECASE) if len(last) > 3 else None
            if hit and ent.iri not in {o.iri for _, _, o in out}:
                out.append((hit.start(), hit.end(), ent))
                break
        if out:
            break
    return out


def check_circulation(ctx: Context, organs: Sequence[OrganSession], circ: Circulation) -> None:
    """Cross-check the circulation request with the masthead; a disagreement is a warning and the
    masthead wins."""
    head = {o.organ.value.iri: o for o in organs}
    asked = {t.organ.value.iri: t for t in circ.targets}
    for iri, target in asked.items():
        if iri not in head:
            ctx.warn(f"the circulation request names the {target.organ.value.label}, "
                     "which the masthead does not", target.organ.span)
            continue
        want = [a.number.value for a in head[iri].agenda_items]
        got = [a.value for a in target.agenda_items]
        if want != got:
            ctx.warn(f"the circulation request gives agenda items {got} of the {target.organ.value.label}, "
                     f"the masthead {want}; the masthead wins", circ.text.span)
    for iri, organ in head.items():
        if iri not in asked:
            ctx.warn(f"the masthead names the {organ.organ.value.label}, which the circulation request "
                     "does not", circ.text.span)
