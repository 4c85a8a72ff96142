"""States named as a document of its date names them: a name a former State sat under in the United
Nations, and which a present Member bears now ("Yemen": the Yemen Arab Republic until 22 May 1990), read
as the former State when the document's date falls in that membership (the authority data's dates). A
document that gives no date keeps the present Member and is warned that the name was also the other's."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools

from ..model import Entity, Fact, Span
from .context import Context


def states_as_of(ctx: Context, parts: dict) -> dict:
    """`parts` (the parser's values) with every State resolved as of the document's date (or issue date)."""
    if not ctx.auth.earlier or not any(_holds_earlier(value, ctx.auth.earlier) for value in parts.values()):
        return parts  # (most documents: no State that another sat under; the walk below would change nothing)
    when = parts.get("date") or parts.get("issued")
    date = when.value if isinstance(when, Fact) else None
    ambiguous: dict[str, tuple[Entity, Entity, Span | None]] = {}

    def entity(ent: Entity, span: Span | None) -> Entity:
        if ent.kind != "state":
            return ent
        named, other = ctx.auth.as_of(ent, date)
        if other is not None and ent.iri not in ambiguous:
            ambiguous[ent.iri] = (ent, other, span)
        return named

    def walk(value, span: Span | None = None):
        if isinstance(value, _LEAVES):
            return value
        if isinstance(value, Entity):
            return entity(value, span)
        if isinstance(value, Fact):
            inner = walk(value.value, value.span)
            return value if inner is value.value else dataclasses.replace(value, value=inner)
        if isinstance(value, (tuple, list)):
            items = [walk(v, span) for v in value]
            return value if all(a is b for a, b in zip(items, value)) else type(value)(items)
        names = _field_names(type(value))
        if names:
            here = getattr(value, "surface", None)  # a mention: its entity is anchored at its surface
            where = here.span if isinstance(here, Fact) else span
            changes = {}
            for name in names:
                old = getattr(value, name)
                new = walk(old, where)
                if new is not old:
                    changes[name] = new
            return dataclasses.replace(value, **changes) if changes else value
        return value

    out = {name: walk(value) for name, value in parts.items()}
    for ent, other, span in ambiguous.values():
        where = f" (line {span.line})" if span is not None else ""
        ctx.warn(f"{ent.label}{where} is read as the present Member: the document gives no date, and until "
                 f"{_end(ctx, ent, other)} the name was also that of the {other.label}", span)
    return out


_LEAVES = (str, int, float, _dt.date, type(None))  # values that hold no entity (the walk's most)


def _holds_earlier(value, earlier: dict) -> bool:
    """Whether `value` holds, where `walk` looks, a State whose name a former State sat under (one that
    `Authorities.as_of` may change or warn of): it looks at what `walk` looks at, without rebuilding."""
    if isinstance(value, _LEAVES):
        return False
    if isinstance(value, Entity):
        return value.kind == "state" and bool(earlier.get(value.iri))
    if isinstance(value, Fact):
        return _holds_earlier(value.value, earlier)
    if isinstance(value, (tuple, list)):
        for v in value:
            if _holds_earlier(v, earlier):
                return True
        return False
    for name in _field_names(type(value)):
        if _holds_earlier(getattr(value, name), earlier):
            return True
    return False


@functools.lru_cache(maxsize=64)  # (the model's few classes)
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of a dataclass `cls` (the model's), in order; none for any other class."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else ()


def _end(ctx: Context, ent: Entity, other: Entity) -> str:
    ends = [end for _, end, former in ctx.auth.earlier.get(ent.iri, []) if former == other]
    return f"{ends[0].day} {ends[0]:%B %Y}" if ends else "a date the data does not give"
