"""From a file to a `Document`: read and check the bytes, normalise, detect the language from the text,
and hand over to that language's formulas (`zh.py`; the other languages come next)."""

from __future__ import annotations

import collections
import gc
import hashlib
import re
import tomllib
import unicodedata
from pathlib import Path

from ..authority import Authorities
from ..errors import InputError
from ..model import Document, Fact, Source
from ..text import normalise
from . import core, formula, zh
from .core import Context

PARSERS = {"zh": zh.parse, **{lang: formula.parse for lang in ("en", "fr", "es", "ru", "ar")}}
SIDECAR = "document.toml"
SIDECAR_KEYS = {"symbols", "original_language", "issued"}


def read_bytes(path: Path, kind: str | None = None) -> bytes:
    """The bytes of a regular file, or an InputError saying why they cannot be read (missing, a dangling
    symbolic link or a loop of them, a folder or other non-file, no permission, an I/O error) and that
    `kind` of file was expected."""
    import os
    import stat

    kind = kind or ("a PDF" if path.suffix.lower() == ".pdf" else "a UTF-8 text file")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(str(path), f"cannot read: a symbolic link to {os.readlink(path)!r}, which does "
                             f"not exist; expected {kind}") from None
        raise InputError(str(path), f"cannot read: No such file or directory; expected {kind}") from None
    except OSError as exc:  # a loop of symbolic links, a name too long, a folder on the way not searchable
        raise InputError(str(path), f"cannot read: {exc.strerror}; expected {kind}") from None
    if not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, pipe or socket)"
        raise InputError(str(path), f"cannot read: {what}; expected {kind}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}; expected {kind}") from None


def read_text(path: Path) -> str:
    """The file's text: a PDF's text layer, or the file decoded as UTF-8 (a BOM is dropped); or an
    InputError saying what is wrong."""
    data = read_bytes(path)
    if path.suffix.lower() == ".pdf":
        from ..pdf import pdf_text

        return pdf_text(path, data)
    if not data.strip():
        raise InputError(str(path), "empty file: expected the text of a UN communication")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(str(path), "binary file (NUL byte): expected UTF-8 text", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(str(path), f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                         line) from None
    return text.removeprefix("\ufeff")


def detect_language(raw: str, auth: Authorities | None = None) -> str | None:
    """The ISO 639-1 code of the text's language, from its letters and words (never the file name). In
    Latin script, the function words it uses and, with `auth`, the names of organs and organisations it
    spells (a masthead's "Security Council", each worth a few words: a text cut short has few words, and
    its last may be a fragment, "LE" of "LETTER")."""
    counts = {"zh": 0, "ru": 0, "ar": 0, "latin": 0}
    for ch, n in collections.Counter(raw).items():
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("CJK"):
            counts["zh"] += n
        elif name.startswith("CYRILLIC"):
            counts["ru"] += n
        elif name.startswith("ARABIC"):
            counts["ar"] += n
        elif name.startswith("LATIN"):
            counts["latin"] += n
    total = sum(counts.values())
    if total == 0:
        return None
    script = max(counts, key=lambda k: counts[k])
    if script != "latin":
        return script
    words = re.findall(r"[a-zà-ÿ]+", raw.casefold())
    scores = {
        lang: sum(1 for w in words if w in set(fw))
        for lang, fw in core.lexicon()["function_words"].items()
    }
    if auth is not None:
        for lang in scores:
            if lang in PARSERS:
                scores[lang] += 3 * len(auth.find(raw, lang, "organ", "organization"))
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] else None


def known_language(code: str, auth: Authorities | None) -> bool:
    """Whether `code` names a language the project knows: one of the authority data's languages or one
    the lexicon (data/languages.toml) has names or function words for."""
    lexicon = core.lexicon()
    return (code in lexicon["names"] or code in lexicon["function_words"]
            or (auth is not None and auth.language_iri(code) is not None))


def language_name(code: str) -> str:
    names = core.lexicon()["names"].get(code)
    return f"{code} ({names[0]})" if names else code


def _toml_type(value) -> str:
    """A TOML value's type, as a TOML user names it, with the value."""
    import datetime as dt

    kinds = ((bool, "a boolean"), (str, "a string"), (int, "an integer"), (float, "a float"),
             (dt.datetime, "a date-time"), (dt.date, "a date"), (dt.time, "a time"), (list, "an array"),
             (dict, "a table"))
    kind = next((name for cls, name in kinds if isinstance(value, cls)), type(value).__name__)
    shown = value.isoformat() if isinstance(value, (dt.date, dt.time)) else repr(value)
    return f"{kind} ({shown[:60]}{'…' if len(shown) > 60 else ''})"


def read_sidecar(folder: Path, auth: Authorities | None = None) -> dict:
    """The facts of ``document.toml``, typed and checked: ``symbols`` an array of document symbols
    (strings), ``original_language`` a language code the project knows, ``issued`` a TOML date. Anything
    else is an InputError naming the file, the key's line and what was expected."""
    import datetime as dt
    import os

    path = folder / SIDECAR
    if not os.path.lexists(path):
        return {}
    content = read_bytes(path, "a TOML file")
    try:
        source = content.decode("utf-8")
        data = tomllib.loads(source)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        line = None
        m = re.search(r"line (\d+)", str(exc))
        if m:
            line = int(m.group(1))
        raise InputError(str(path), f"not valid TOML: {' '.join(str(exc).split())}", line) from None
    unknown = set(data) - SIDECAR_KEYS
    if unknown:
        raise InputError(str(path), f"unknown key(s) {sorted(unknown)}; expected some of {sorted(SIDECAR_KEYS)}",
                         _key_line(source, sorted(unknown)[0]))

    def wrong(key: str, expected: str, value) -> InputError:
        return InputError(str(path), f"{key!r} must be {expected}, not {_toml_type(value)}",
                          _key_line(source, key))

    if "symbols" in data:
        value = data["symbols"]
        expected = 'an array of document symbols (strings such as ["A/79/900", "S/2025/400"])'
        if not isinstance(value, list) or not value:
            raise wrong("symbols", expected, value)
        for item in value:
            if not isinstance(item, str) or not re.fullmatch(core.SYMBOL, item):
                raise InputError(str(path), f"'symbols' must be {expected}; {_toml_type(item)} is not a "
                                 "document symbol", _key_line(source, "symbols"))
    if "original_language" in data:
        value = data["original_language"]
        if not isinstance(value, str) or not known_language(value, auth):
            known = sorted(core.lexicon()["names"])
            raise wrong("original_language", f"a language code (one of {', '.join(known)})", value)
    if "issued" in data:
        value = data["issued"]
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise wrong("issued", "a TOML date (YYYY-MM-DD, unquoted)", value)
    return data


def _key_line(source: str, key: str) -> int | None:
    """The line of a TOML document where top-level `key` is given (bare or quoted), if it can be found."""
    k = re.escape(key)
    m = re.search(rf"""^[ \t]*(?:{k}|"{k}"|'{k}')[ \t]*=""", source, re.MULTILINE)
    return source.count("\n", 0, m.start()) + 1 if m else None


def file_language(path: Path, auth: Authorities | None) -> str | None:
    """The language a file's name gives (``fr.txt`` -> fr), when its stem is a language code we know."""
    stem = path.stem.casefold()
    return stem if known_language(stem, auth) else None


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
    text = normalise(raw)
    lang = detect_language(raw, auth)
    disagreement = None
    if lang is None and named_language is not None:
        lang = named_language
        disagreement = (f"the language could not be told from the text: {language_name(lang)}, from the file "
                        "name, is used")
    elif lang is None:
        raise core.NotACommunication(path, "not a UN communication: no language could be told from its words")
    elif named_language is not None and named_language != lang:
        disagreement = (f"the file name gives the language {language_name(named_language)}, the text is in "
                        f"{language_name(lang)}: read as {language_name(lang)}")
    ctx = Context(path, text, auth, lang)
    if disagreement:
        ctx.warn(disagreement)
    parser = PARSERS.get(lang)
    if parser is None:
        if not re.search(core.SYMBOL, raw):
            raise core.NotACommunication(
                path, f"not a UN communication: language {lang!r} has no parser yet, and no document "
                "symbol was found")
        ctx.warn(f"no parser for language {lang!r} yet: only the language and masthead were read")
        mh = core.read_masthead(ctx, text.lines[:40])
        parts = {"symbols": tuple(mh.symbols), "issued": mh.issued,
                 "original_language": mh.original_language}
    else:
        parts = parser(ctx)
    if parts.get("cut") is not None:
        parts = _drop_at_cut(ctx, parts, parts["cut"].line)
    parts = _apply_sidecar(ctx, parts, sidecar or {})
    for name, what in (("symbols", "document symbol"), ("issued", "issue (Distr.) date"),
                       ("original_language", "original language"), ("date", "date"),
                       ("title", "title"), ("sender", "sender")):
        if not parts.get(name):
            ctx.warn(f"no {what} in the text")
    return Document(
        source=Source(path, key, hashlib.sha256(raw.encode("utf-8")).hexdigest(), raw),
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
        suspected_truncation=parts.get("cut"),
    )


def _apply_sidecar(ctx: Context, parts: dict, sidecar: dict) -> dict:
    """Facts the text does not give, from document.toml. The text wins where both give a value."""
    import datetime as dt

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


def _drop_at_cut(ctx: Context, parts: dict, line: int) -> dict:
    """The parts without the values read from `line`, where the text appears to stop: a word or a
    sentence cut there may read as a value (a body fragment as a signatory's name, half a date). Each
    value dropped is named in a warning."""
    import dataclasses

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
                    and not (spelled and core.compact(spelled) == core.compact(a.title.value))):
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
        names = ", ".join(dict.fromkeys(dropped))
        ctx.warn(f"not read from line {line}, where the text appears to stop: {names}", parts["cut"])
    return parts
