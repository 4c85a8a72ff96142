"""The text of a language version as a reader sees it on the letter's page: the body's paragraphs and each
annex's heading, title, paragraphs and closing lines, as written (``Text.written``), each paragraph cut into
runs where the names and citations the graph annotates begin and end. Such a run carries the name of its
annotation (``mention_N``, ``citation_N``: ``{version}#mention_N`` in the graph), so the page links it to
what the graph says it names or cites.

Written by the build beside the exchange files (``text/{key}.{lang}.json``): the page neither re-reads a
source (a PDF's text layer, a scan's OCR) nor re-parses it. A paragraph whose runs, joined, do not give the
paragraph as written (white space a mention's edge would change) is kept whole, its mentions not linked."""

from __future__ import annotations

import orjson

from ..model import Document, Fact
from ..text import Text, is_cjk, normalise


def text_json(doc: Document) -> bytes:
    text = doc.source.text if doc.source.text is not None else normalise(doc.source.raw)
    spans = sorted([(m.surface.span.start, m.surface.span.end, f"mention_{i}") for i, m in enumerate(doc.mentions, 1)
                    if m.surface.span is not None]
                   + [(c.surface.span.start, c.surface.span.end, f"citation_{i}")
                      for i, c in enumerate(doc.citations, 1) if c.surface.span is not None])

    def runs(facts) -> list[list]:
        return [_runs(text, f, spans) for f in facts if f.value]

    annexes = []
    for a in doc.annexes:
        annexes.append({"label": a.label.value, "heading": a.heading.value,
                        "title": a.title.value if a.title else None,
                        "paragraphs": runs(a.paragraphs), "closing": [f.value for f in a.closing_lines]})
    out = {"language": doc.language.value, "paragraphs": runs(doc.paragraphs), "annexes": annexes}
    return orjson.dumps(out, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _runs(text: Text, fact: Fact[str], spans: list[tuple[int, int, str]]) -> list:
    """A paragraph as runs: a string, or ``[string, name]`` for the text of annotation ``{version}#{name}``
    (``mention_N``, ``citation_N``); of two annotations that overlap, the first."""
    if fact.span is None:
        return [fact.value]
    whole = text.written(fact.span)
    start, end = fact.span.start, fact.span.end
    pieces: list[tuple[int, int, str | None]] = []  # raw start, raw end, the annotation's name
    pos = start
    for a, b, n in spans:
        if a < pos or b > end:
            continue
        if a > pos:
            pieces.append((pos, a, None))
        pieces.append((a, b, n))
        pos = b
    if pos < end:
        pieces.append((pos, end, None))
    if all(n is None for _, _, n in pieces):
        return [whole]
    out: list = []
    for a, b, n in pieces:
        value = text.written(text.span(a, b))
        if out and value and _spaced(text.raw, a, _last(out), value):
            value = " " + value if n is None else value
            if n is not None:
                out.append(" ")
        if not value:
            continue
        if n is None and out and isinstance(out[-1], str):
            out[-1] += value
        else:
            out.append([value, n] if n is not None else value)
    joined = "".join(r[0] if isinstance(r, list) else r for r in out)
    return out if joined == whole else [whole]


def _last(runs: list) -> str:
    run = runs[-1]
    return run[0] if isinstance(run, list) else run


def _spaced(raw: str, at: int, before: str, after: str) -> bool:
    """Whether the runs `before` and `after`, meeting at raw offset `at`, were apart in the raw text: white
    space at the edge ``written`` drops, between two characters that are not CJK (none is kept next to CJK)."""
    if before.endswith(" ") or after.startswith(" ") or is_cjk(before[-1]) or is_cjk(after[0]):
        return False
    return (at > 0 and raw[at - 1].isspace()) or (at < len(raw) and raw[at].isspace())
