"""From a file or a text to a `Document`: the language is told from the text, the reader its formulas
file names (`spaced` or `unspaced`) reads it, and the parts it returns are completed with the sidecar's
facts, checked for a cut, and assembled."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from pathlib import Path

from ..authority import Authorities
from ..errors import InputError
from ..model import Document, Fact, Source
from ..text import normalise
from . import reflow, spaced, unspaced
from .citations import find_citations
from .context import Context, NotACommunication
from .cuts import drop_at_cut, last_content_line, suspect_cut
from .dated import states_as_of
from .files import SIDECAR, read_sidecar, read_text
from .formulas import languages
from .language import detect_language, file_language, language_name
from .masthead import SYMBOL, read_masthead


def reader(lang: str):
    """The function that reads a text in `lang` (the parts of a `Document`), or None when `lang` has no
    formulas file."""
    how = languages().get(lang)
    if how is None:
        return None
    return spaced.parse if how["spaces"] else unspaced.parse


def parse_file(path: Path, auth: Authorities) -> Document:
    raw = read_text(path)
    return parse_text(raw, auth, str(path), sidecar=read_sidecar(path.parent, auth), key=path.parent.name,
                      named_language=file_language(path, auth))


def parse_text(raw: str, auth: Authorities, path: str = "<text>", sidecar: dict | None = None,
               key: str = "text", named_language: str | None = None) -> Document:
    """The document in `raw`. Its language is the one told from the text (it is what the text is); a
    file name giving another (`named_language`) is a warning, and is used only where the text gives too
    little to tell.

    Parsing makes many objects and few reference cycles: the cycle collector is paused meanwhile (it
    would scan the growing heap again and again: a 4 MB text took 10x the time of 0.5 MB instead of 8x,
    bench/textsize.py) and collects them afterwards as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_text(raw, auth, path, sidecar, key, named_language)
    finally:
        if enabled:
            gc.enable()


def _parse_text(raw: str, auth: Authorities, path: str, sidecar: dict | None, key: str,
                named_language: str | None) -> Document:
    text = normalised = normalise(raw)  # (the text every span points into, kept on the Source)
    lang = detect_language(raw, auth)
    disagreement = None
    if lang is None and named_language is not None:
        lang = named_language
        disagreement = (f"the language could not be told from the text: {language_name(lang)}, from the file "
                        "name, is used")
    elif lang is None:
        raise NotACommunication(path, "not a UN communication: no language could be told from its words")
    elif named_language is not None and named_language != lang:
        disagreement = (f"the file name gives the language {language_name(named_language)}, the text is in "
                        f"{language_name(lang)}: read as {language_name(lang)}")
    ctx = Context(path, text, auth, lang)
    if disagreement:
        ctx.warn(disagreement)
    parser = reader(lang)
    if parser is None:
        if not re.search(SYMBOL, raw):
            raise NotACommunication(
                path, f"not a UN communication: language {lang!r} has no parser yet, and no document "
                "symbol was found")
        ctx.warn(f"no parser for language {lang!r} yet: only the language and masthead were read")
        mh = read_masthead(ctx, text.lines[:40])
        parts = {"symbols": tuple(mh.symbols), "issued": mh.issued,
                 "original_language": mh.original_language}
    else:  # (a text whose lines are not the genre's layout is read re-broken at its formulas: reflow.py)
        ctx, parts = reflow.read(ctx, parser)
        text = normalised = ctx.text
    if parts.get("cut") is None and _ends_mid_line(raw):
        suspect_cut(ctx, parts, last_content_line(ctx), "in the middle of its last line (no line end follows it)")
    if parts.get("cut") is not None:
        parts = drop_at_cut(ctx, parts, parts["cut"].line)
    parts = _apply_sidecar(ctx, parts, sidecar or {})
    parts = states_as_of(ctx, parts)  # (after the sidecar: its date counts too)
    citations = find_citations(ctx, parts)  # (after the sidecar: its symbols are the document's own too)
    for name, what in (("symbols", "document symbol"), ("issued", "issue (Distr.) date"),
                       ("original_language", "original language"), ("date", "date"),
                       ("title", "title"), ("sender", "sender")):
        if not parts.get(name):
            ctx.warn(f"no {what} in the text")
    return Document(
        source=Source(path, key, hashlib.sha256(raw.encode("utf-8")).hexdigest(), raw, text=normalised),
        language=Fact(lang, None, lang),
        kind=parts.get("kind"),
        symbols=tuple(parts.get("symbols", ())),
        issued=parts.get("issued"),
        original_language=parts.get("original_language"),
        date=parts.get("date"),
        title=parts.get("title"),
        organs=tuple(parts.get("organs", ())),
        sender=parts.get("sender"),
        recipients=tuple(parts.get("recipients", ())),
        circulation=parts.get("circulation"),
        paragraphs=tuple(parts.get("paragraphs", ())),
        annexes=tuple(parts.get("annexes", ())),
        mentions=tuple(parts.get("mentions", ())),
        warnings=tuple(ctx.warnings),
        citations=citations,
        suspected_truncation=parts.get("cut"),
    )


def _apply_sidecar(ctx: Context, parts: dict, sidecar: dict) -> dict:
    """Facts the text does not give, from document.toml. The text wins where both give a value."""

    parts = dict(parts)
    if "symbols" in sidecar:
        given = [str(s) for s in sidecar["symbols"]]
        found = [f.value for f in parts.get("symbols", ())]
        if found and found != given:
            ctx.warn(f"{SIDECAR} gives symbols {given}, the text {found}; the text wins")
        elif not found:
            parts["symbols"] = tuple(Fact(s, None, s, origin="sidecar") for s in given)
    if "original_language" in sidecar and not parts.get("original_language"):
        code = str(sidecar["original_language"])
        parts["original_language"] = Fact(code, None, code, origin="sidecar")
    if "issued" in sidecar and not parts.get("issued"):
        value = sidecar["issued"]
        if not isinstance(value, dt.date):
            raise InputError(SIDECAR, f"'issued' must be a TOML date (YYYY-MM-DD), not {value!r}")
        parts["issued"] = Fact(value, None, value.isoformat(), origin="sidecar")
    return parts


def _ends_mid_line(raw: str) -> bool:
    """A text of several lines whose last line has no line end: text layers end every line (and page) with
    one, so a file that stops in the middle of a line was cut there (a letter on one line has none at all)."""
    end = len(raw)
    while end and raw[end - 1].isspace() and raw[end - 1] not in LINE_ENDS:  # spaces after it: any kind
        end -= 1
    return end > 0 and raw[end - 1] not in LINE_ENDS and "\n" in raw[:end]


LINE_ENDS = "\n\r\f\v\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines breaks a line at
