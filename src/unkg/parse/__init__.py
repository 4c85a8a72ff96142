"""The parser: from a UN communication's file or text to a `Document` (the IR of model.py).

The package only gathers the public API; the work is done by modules by concern. `document` runs a
parse: `files` reads the bytes, the text and ``document.toml``; `language` tells the language; the
language's reader (`spaced` for languages written with spaces, `unspaced` for Chinese) reads it with the
formulas of ``data/formulas/<lang>.toml`` (`formulas`), and shares with the other reader the
`masthead`, `agenda`, `closing` (titles' recipients, signature blocks), `circulation`, `mentions` and
`cuts` (texts cut short) readers, on a `context` and the `lexicon`."""

from __future__ import annotations

from .document import parse_file, parse_text
from .files import SIDECAR, read_bytes, read_sidecar, read_text
from .language import detect_language, file_language, known_language, language_name

__all__ = ["SIDECAR", "detect_language", "file_language", "known_language", "language_name", "parse_file",
           "parse_text", "read_bytes", "read_sidecar", "read_text"]
