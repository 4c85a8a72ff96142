"""Reading a document's files: the bytes of a file (or an InputError saying why they cannot be read),
its text (a PDF's text layer through pdf.py, or UTF-8), and the facts of its ``document.toml``."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tomllib
from pathlib import Path

from ..authority import Authorities
from ..errors import InputError
from ..pdf import pdf_text
from .language import detect_language, known_language
from .lexicon import lexicon
from .masthead import SYMBOL

SIDECAR = "document.toml"
SIDECAR_KEYS = {"symbols", "original_language", "issued"}


def read_bytes(path: Path, kind: str | None = None) -> bytes:
    """The bytes of a regular file, or an InputError saying why they cannot be read (missing, a dangling
    symbolic link or a loop of them, a folder or other non-file, no permission, an I/O error) and that
    `kind` of file was expected."""
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
        return pdf_text(path, data, detect_language)
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



def _toml_type(value) -> str:
    """A TOML value's type, as a TOML user names it, with the value."""

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
            if not isinstance(item, str) or not re.fullmatch(SYMBOL, item):
                raise InputError(str(path), f"'symbols' must be {expected}; {_toml_type(item)} is not a "
                                 "document symbol", _key_line(source, "symbols"))
    if "original_language" in data:
        value = data["original_language"]
        if not isinstance(value, str) or not known_language(value, auth):
            known = sorted(lexicon()["names"])
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
