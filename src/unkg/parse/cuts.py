"""Texts cut short (a truncated file): the signs that a text stops early, the warning that names the
line where it stops, and the values read from that line, which are dropped."""

from __future__ import annotations

import dataclasses
import re
from typing import Callable

from ..model import Fact, Span
from ..text import Line
from .context import Context
from .lexicon import compact


def check_complete(ctx: Context, parts: dict, tail: Line | None, tail_text: str, ends_sentence: Callable[[str], bool],
                   open_ends: str, has_closing: bool, announced: int, above: Line | None = None) -> None:
    """Does the text look cut short (a truncated file)? It ends right after the title, in the middle of a
    paragraph (its last line full and no sentence ended) or on an opening mark, a letter without its
    signature block, fewer annexes than the body announces (`announced`), or an annex with no text. A
    cut is a warning naming the line where the text stops (`suspect_cut`), never a refusal."""
    last_line = last_content_line(ctx)
    reason = None
    kind = parts["kind"].value if parts.get("kind") else None
    have = len(parts["annexes"])
    empty = [a for a in parts["annexes"] if not a.paragraphs and not a.closing_lines]
    if tail is None:
        reason = "right after the title, with no body"
    elif ((ctx.text.is_full(tail) and not ends_sentence(tail_text)) or tail_text[-1] in open_ends
          or (above is not None and ctx.text.is_full(above) and not ends_sentence(above.text)
              and not ends_sentence(tail.text))
          or (tail.indent == 1 and not ends_sentence(tail_text))):
        # (a short last line under a full one that ends no sentence: the paragraph's sentence runs on; a
        # last line that opens a paragraph, its one leading space in the text layer, and ends no sentence)
        reason = "in the middle of a paragraph"
    elif kind in ("letter", "identical letters") and not has_closing:
        reason = "before the letter's signature block"
    elif kind in ("letter", "identical letters") and (parts.get("sender") is None or parts["sender"].name is None):
        reason = "in the letter's signature block, before the signatory's name"  # (a letter is always signed)
    elif have < announced:
        reason = (f"before the annexes the letter announces ({announced}; the text has {have}), or an annex "
                  "heading was lost: the signature block read may be an annex's (sender doubtful)")
    elif empty:
        reason = f"after the heading of annex {empty[0].label.value or '(unnumbered)'}, before its text"
    if reason:
        suspect_cut(ctx, parts, last_line, reason)


_PAGE_OF = re.compile(r"^(?P<k>\d{1,3})\s*/\s*(?P<n>\d{1,3})$")


def check_first_page(ctx: Context) -> None:
    """A text whose first lines are the running header of a later page ("2/3") has lost its first page
    (a PDF page whose text cannot be read): not a text to read, an input error."""
    content = [ln for ln in ctx.text.lines if not ln.blank][:5]
    for ln in content:
        m = _PAGE_OF.match(ln.text)
        if m and 1 < int(m.group("k")) <= int(m.group("n")):
            raise ctx.fail(f"the text begins on page {m.group('k')} of {m.group('n')}: its first page is "
                           "missing (a damaged PDF?)", ln.number)


def last_content_line(ctx: Context) -> int:
    return max((ln.number for ln in ctx.text.lines if not ln.blank), default=1)


def suspect_cut(ctx: Context, parts: dict, line: int, reason: str) -> None:
    """Record that the text appears to stop at `line` (the first reason found is kept); `parse_text`
    then drops the values read from that line, which may be a fragment."""
    if parts.get("cut") is not None:
        return
    ln = next((x for x in ctx.text.lines if x.number == line), None)
    span = ctx.span(ln.piece) if ln is not None else Span(len(ctx.text.raw), len(ctx.text.raw), line, line)
    parts["cut"] = span
    ctx.warn(f"the text appears to stop at line {line}: it ends {reason} (truncated?)", span)



def drop_at_cut(ctx: Context, parts: dict, line: int) -> dict:
    """The parts without the values read from `line`, where the text appears to stop: a word or a
    sentence cut there may read as a value (a body fragment as a signatory's name, half a date). Each
    value dropped is named in a warning."""
    dropped: list[str] = []

    def at(fact) -> bool:
        return fact is not None and fact.span is not None and fact.span.end_line >= line

    def keep(name: str, fact):
        if at(fact):
            dropped.append(name)
            return None
        return fact

    parts = dict(parts)
    for name in ("kind", "date", "title", "issued", "original_language"):
        parts[name] = keep(name, parts.get(name))
    parts["symbols"] = tuple(s for s in parts.get("symbols", ()) if keep("symbols", s) is not None)
    parts["recipients"] = tuple(r for r in parts.get("recipients", ()) if keep("recipients", r) is not None)
    # a text that stops before the title stops among the masthead's agenda titles: where they wrap is
    # not known, so only a title the authority agenda spells exactly is kept
    in_masthead = parts.get("title") is None and not parts.get("paragraphs")
    organs = []
    for o in parts.get("organs", ()):
        if keep("organs", o.organ) is None:
            continue
        known = ctx.auth.agenda_items(o.organ.value, o.session.value) if in_masthead and o.session else {}

        def title(a):
            entry = known.get(a.number.value)
            spelled = entry.titles.get(ctx.lang) if entry else None
            if (in_masthead and a.title is not None
                    and not (spelled and compact(spelled) == compact(a.title.value))):
                dropped.append(f"agenda item {a.number.value} title")
                return None
            return keep(f"agenda item {a.number.value} title", a.title)

        items = tuple(dataclasses.replace(a, title=title(a))
                      for a in o.agenda_items if keep("organs (agenda items)", a.number) is not None)
        organs.append(dataclasses.replace(o, session=keep("organs (session)", o.session),
                                          year=keep("organs (year)", o.year), agenda_items=items))
    parts["organs"] = tuple(organs)

    def agent(a, where: str):
        if a is None:
            return None
        name = keep(f"{where} name", a.name)
        a = dataclasses.replace(a, name=name, person=a.person if name is not None else None,
                                label=a.label if name is not None else None,
                                function=keep(f"{where} function", a.function),
                                state=keep(f"{where} state", a.state), rank=keep(f"{where} rank", a.rank))
        if a.signed is not None and at(a.signed):
            dropped.append(f"{where} signed")
            a = dataclasses.replace(a, signed=Fact(False, None, ""))
        return a

    if parts.get("sender") is not None:
        parts["sender"] = agent(parts["sender"], "sender")
    circ = parts.get("circulation")
    if circ is not None and at(circ.text):
        dropped.append("circulate_as")
        parts["circulation"] = None
    annexes = []
    for a in parts.get("annexes", ()):
        what = f"annex {a.label.value or '(unnumbered)'}"
        annexes.append(dataclasses.replace(
            a, title=keep(f"{what} title", a.title), date=keep(f"{what} date", a.date),
            place=keep(f"{what} place", a.place), author=agent(a.author, f"{what} author")))
    parts["annexes"] = tuple(annexes)
    if dropped:
        warn_dropped(ctx, line, dropped, parts["cut"])
    return parts


def warn_dropped(ctx: Context, line: int, names: list[str], span: Span | None) -> None:
    """The warning naming the values not read from `line`, where the text appears to stop."""
    ctx.warn(f"not read from line {line}, where the text appears to stop: {', '.join(dict.fromkeys(names))}", span)
