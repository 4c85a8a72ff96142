"""The second, tolerant reading of an OCR-damaged text (see `tolerant`) and what is taken from it: only the parts
of the card the exact reading left empty (a missing title, date, recipient, sender's State, organ…), each value
marked as read with tolerance (`Fact.origin` ``"ocr-tolerant"``: the graph says so, see mapping.py) and named in
a warning with the text it was read from. Every value the exact reading found stays exactly as it was."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from ..model import Agent, Entity, Fact, Span
from .context import Context, NotACommunication
from .tolerant import repair

TOLERANT = "ocr-tolerant"
_SIMPLE = ("kind", "date", "title", "issued", "original_language", "symbols", "circulation", "annexes")
_AGENT = ("name", "function", "state", "rank")


def _missing(parts: dict) -> bool:
    if any(not parts.get(k) for k in ("kind", "date", "title", "symbols", "organs", "recipients")):
        return True
    sender = parts.get("sender")
    return sender is None or sender.function is None


def second_reading(ctx: Context, parts: dict | None, refused: NotACommunication | None,
                   read: Callable[[Context], dict]) -> dict:
    """`parts` of the exact reading completed from a reading of the repaired text (`refused`: the exact
    reading found no communication; it is raised again when the tolerant one finds none either)."""
    if parts is not None and not _missing(parts):
        return parts
    fixed = repair(ctx.text, ctx.auth, ctx.lang)
    if fixed is None:
        if refused is not None:
            raise refused
        return parts  # type: ignore[return-value]
    text, repaired = fixed
    second = Context(ctx.path, text, ctx.auth, ctx.lang)
    try:
        found = read(second)
    except NotACommunication:
        if refused is not None:
            raise refused from None
        return parts  # type: ignore[return-value]
    if parts is None:  # the exact reading refused: everything is the tolerant reading's
        ctx.warnings[:] = second.warnings
        out = dict(found)
        for key in (*_SIMPLE, "organs", "recipients", "sender"):
            if _touches(found.get(key), repaired):
                out[key] = _taken(ctx, key, found[key])
        return out
    out = dict(parts)
    filled: list[Span] = []
    before = len(ctx.warnings)
    # a value is read with tolerance when its text was repaired, or it lies in one that was (a title's kind
    # and date); a value the exact reading missed though its text reads as it is stays missing (it was missed
    # for another reason, and the repaired text gives no better ground for it)
    repaired = repaired + [(f.span.start, f.span.end) for key in _SIMPLE if not parts.get(key)
                           and _touches(found.get(key), repaired) for f in facts_in(found.get(key)) if f.span]
    for key in _SIMPLE:
        if not parts.get(key) and found.get(key) and _touches(found.get(key), repaired):
            out[key] = _taken(ctx, key, found[key], filled)
    for key in ("organs", "recipients"):
        out[key] = _more(ctx, key, parts.get(key) or (), found.get(key) or (), filled, repaired)
    out["sender"] = _sender(ctx, parts.get("sender"), found.get("sender"), filled, repaired)
    _masthead_below_title(ctx, parts, found, out, filled)
    for key in ("organs", "circulation", "annexes"):
        # an exact value that runs into the text of one read with tolerance (agenda titles running on into a
        # title the exact reading did not find) was read from the wrong lines: the tolerant reading's replaces it
        if out[key] is parts.get(key) and found.get(key) and _touches(parts.get(key), [(x.start, x.end) for x in filled]):
            out[key] = _taken(ctx, key, found[key], filled)
    # the exact reading's warnings about a text the tolerant one has read ("recipient … is not in the authority
    # data") are answered by the warnings that say how it was read, and by the tolerant reading's own
    def within(w) -> bool:
        return w.span is not None and any(s.start < w.span.end and w.span.start < s.end for s in filled)

    kept = [w for w in ctx.warnings[:before] if not within(w)]
    said = {w.message for w in kept + ctx.warnings[before:]}
    ctx.warnings[:] = kept + ctx.warnings[before:] + [w for w in second.warnings  # what the values taken say
                                                      if within(w) and w.message not in said]
    return out


def _masthead_below_title(ctx: Context, parts: dict, found: dict, out: dict, filled: list[Span]) -> None:
    """A masthead value the exact reading found below the title it could not read (its head ran on into the
    body: "As you are aware, on 11 August 2003, …" gave the issue date, a symbol the body cites another symbol)
    or from the title's own line (its date, where the masthead's was damaged: "4 Fcbruary 1997") was read from
    the wrong lines: it is dropped, with a warning, and where the exact reading has no other the
    tolerant reading's, which read the title, is taken."""
    title = found.get("title")
    if parts.get("title") or title is None or title.span is None:
        return
    for key in ("issued", "original_language", "symbols"):
        mine, theirs = parts.get(key), found.get(key)
        if [_value(f) for f in facts_in(mine)] == [_value(f) for f in facts_in(theirs)]:
            continue
        facts = list(facts_in(mine))
        dropped = [f for f in facts if f.span is not None and f.span.line >= title.span.line]
        if not dropped:
            continue
        kept = tuple(f for f in facts if f not in dropped)
        if kept:
            out[key] = kept
        elif theirs:
            out[key] = _taken(ctx, key, theirs, filled)
        else:
            out[key] = () if key == "symbols" else None
        for f in dropped:
            where = "on" if f.span.line == title.span.line else "below"
            ctx.warn(f"{key}: {f.surface or _value(f)!s} not read from line {f.span.line}, {where} the title (line "
                     f"{title.span.line}) that was read only with tolerance for OCR damage", f.span)


def facts_in(obj: Any):
    """The facts in a part of the card (a fact, a tuple of them, an agent, an organ's session…)."""
    if isinstance(obj, Fact):
        yield obj
    elif isinstance(obj, tuple):
        for x in obj:
            yield from facts_in(x)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, (Entity, type)):
        for f in dataclasses.fields(obj):
            yield from facts_in(getattr(obj, f.name))


def _touches(obj: Any, repaired: list[tuple[int, int]]) -> bool:
    return any(f.span is not None and any(f.span.start < b and a < f.span.end for a, b in repaired)
               for f in facts_in(obj))


def mark(obj: Any) -> Any:
    """`obj` with each of its facts marked as read with tolerance."""
    if isinstance(obj, Fact):
        return dataclasses.replace(obj, origin=TOLERANT) if obj.origin == "text" else obj
    if isinstance(obj, tuple):
        return tuple(mark(x) for x in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, (Entity, type)):
        return dataclasses.replace(obj, **{f.name: mark(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                                           if isinstance(getattr(obj, f.name), (Fact, tuple))
                                           or (dataclasses.is_dataclass(getattr(obj, f.name))
                                               and not isinstance(getattr(obj, f.name), Entity))})
    return obj


def _quote(ctx: Context, fact: Fact) -> str:
    s = fact.surface or (ctx.text.written(fact.span) if fact.span else "")
    if not s and fact.span is not None:
        s = ctx.text.written(fact.span)
    return s if len(s) <= 60 else f"{s[:18].rstrip()} … {s[-38:].lstrip()}"


def _taken(ctx: Context, key: str, value: Any, filled: list[Span] | None = None) -> Any:
    """`value`, read only with tolerance, marked and named in a warning."""
    facts = [f for f in facts_in(value) if f.span is not None]
    if facts:
        first = facts[0]
        where = first.span
        if key in ("title", "circulation", "symbols"):  # the value's own text
            quoted = _quote(ctx, first)
        else:
            quoted = ctx.text.written(first.span)
        ctx.warn(f'{key}: read with tolerance for OCR damage from "{quoted}" (line {where.line})', where)
        if filled is not None:
            filled.extend(f.span for f in facts)
    return mark(value)


def _more(ctx: Context, key: str, exact: tuple, found: tuple, filled: list[Span],
          repaired: list[tuple[int, int]]) -> tuple:
    """Organs or recipients: the tolerant reading's when it names every one the exact reading named and more
    (the exact reading's own facts kept, the others marked)."""
    def iri(x):
        return (x.organ if key == "organs" else x).value.iri

    have = {iri(x): x for x in exact}
    if not found or not set(have) < {iri(x) for x in found} or not all(
            _touches(x, repaired) for x in found if iri(x) not in have):
        return exact
    return tuple(have[iri(x)] if iri(x) in have else _taken(ctx, key, x, filled) for x in found)


def _sender(ctx: Context, exact: Agent | None, found: Agent | None, filled: list[Span],
            repaired: list[tuple[int, int]]) -> Agent | None:
    """The exact reading's sender, each part it lacks taken from the tolerant reading; a part it read from a
    damaged line ("(Signe) Karim BENNANI": the marker unread, the lines taken as a name) is read again."""
    if found is None:
        return exact
    if exact is None:
        return _taken(ctx, "sender", found, filled) if _touches(found, repaired) else None
    changes = {}
    for name in (*_AGENT, "signed"):
        mine, theirs = getattr(exact, name), getattr(found, name)
        if mine is not None and mine.span is None and not mine.value:  # "signed": false, read from nothing
            mine = None
        if theirs is None or (mine is not None and (_value(mine) == _value(theirs) or not _touches(mine, repaired))):
            continue
        if name == "signed" and not theirs.value:
            continue
        changes[name] = _taken(ctx, f"sender {name}", theirs, filled)
        if name == "name":
            changes["person"], changes["label"] = found.person, found.label
    return dataclasses.replace(exact, **changes) if changes else exact


def _value(fact: Fact) -> Any:
    return fact.value.iri if isinstance(fact.value, Entity) else fact.value
