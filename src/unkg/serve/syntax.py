"""Where a query that does not parse goes wrong: a line and a column to show (the query page highlights it).

Oxigraph's message gives a position (``error at 3:17: expected …``), but it is the furthest point its parser
tried, often the end of the text. rdflib's SPARQL parser, when it fails too, stops at the start of the
construct it could not read ("found 'FILTER'"), which is usually where the mistake is. The message keeps
Oxigraph's words and leads with the earlier of the two positions:

    not valid SPARQL at line 3, column 2 (at "FILTER(?s"): error at 3:17: expected one of …

Lines and columns count from 1, in characters. rdflib's position is read with its tabs expanded (pyparsing
expands them) and mapped back to the text; a query with ``\\u`` escapes (which rdflib expands before it
parses) may get a position a little off, as may one Oxigraph and rdflib read differently.
"""

from __future__ import annotations

import re

_OXIGRAPH = re.compile(r"error at (\d+):(\d+)")
PREFIX = "not valid SPARQL"


def located(query: str, message: str) -> str:
    """The refusal's text for `query`, which Oxigraph refused with `message` (its SyntaxError's text)."""
    found = _OXIGRAPH.search(message)
    position = (int(found.group(1)), int(found.group(2))) if found else None
    earlier = _rdflib_position(query)
    if earlier is not None and (position is None or earlier < position):
        position = earlier
    if position is None:
        return f"{PREFIX}: {message}"
    line, column = position
    lines = query.split("\n")
    text = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    near = text[column - 1:].strip()[:24]
    return f"{PREFIX} at line {line}, column {column}" + (f" (at {near!r})" if near else "") + f": {message}"


def _rdflib_position(query: str) -> tuple[int, int] | None:
    """Where rdflib's parser stops on `query` (line, column), or None when it reads the query (or fails
    otherwise than with a position)."""
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        parseQuery(query)
    except Exception as exc:  # noqa: BLE001 - pyparsing's ParseException, or anything rdflib raises
        line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
        if not isinstance(line, int) or not isinstance(column, int) or line < 1 or column < 1:
            return None
        lines = query.split("\n")
        if line > len(lines):
            return None
        return line, _unexpanded(lines[line - 1].rstrip("\r"), column)
    return None


def _unexpanded(line: str, column: int) -> int:
    """The column in `line` of the character at `column` of `line` with its tabs expanded (every 8)."""
    seen = 0
    for index, char in enumerate(line):
        width = 8 - seen % 8 if char == "\t" else 1
        if seen + width >= column:
            return index + 1
        seen += width
    return len(line) + 1
