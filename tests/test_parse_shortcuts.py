"""The parser's shortcuts give what the plain way gives: `states_as_of` skips its walk of a document's
values when none holds a State another sat under, and finds such a State however deep it is held; a title
read once mended is looked for only above the exact one (`find_lines` with `before`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from unkg.model import Agent, Annex, Circulation, CirculationTarget, Fact, Mention, OrganSession, Span
from unkg.parse import closing, dated, parse_file, spaced_title
from unkg.parse.context import Context
from unkg.text import normalise

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/unkg/id/"


def _plain(ctx, parts, monkeypatch):
    """`states_as_of` with its shortcut off: every document walked."""
    with monkeypatch.context() as m:
        m.setattr(dated, "_holds_earlier", lambda value, earlier: True)
        return dated.states_as_of(ctx, parts)


def _holds(parts, auth):
    return any(dated._holds_earlier(value, auth.earlier) for value in parts.values())


def _holders(ent):
    """Values holding `ent` at each depth the parser's values hold an entity."""
    f = Fact(ent, Span(0, 5, 1, 1), "Yemen")
    text = Fact("text", Span(0, 4, 1, 1), "text")
    agent = Agent(text, None, None, f, None, None)
    organ = OrganSession(f)
    yield {"states": (f,)}
    yield {"list": [text, f]}
    yield {"sender": agent}
    yield {"mentions": (Mention("state", text, "main", ent),)}
    yield {"organs": (organ,)}
    yield {"circulation": Circulation(text, (CirculationTarget(f),))}
    yield {"annexes": (Annex(text, text, None, agent, None, None, (text,), ()),)}


@pytest.mark.parametrize("date", [dt.date(1985, 3, 11), dt.date(2001, 1, 1), None])
def test_a_state_another_sat_under_is_found_at_any_depth(auth, monkeypatch, date):
    yemen = auth.entities[ID + "state/yemen"]
    for parts in _holders(yemen):
        if date is not None:
            parts["date"] = Fact(date, None, str(date))
        assert _holds(parts, auth)
        fast_ctx = Context("t.txt", normalise("Yemen"), auth, "en")
        plain_ctx = Context("t.txt", normalise("Yemen"), auth, "en")
        assert dated.states_as_of(fast_ctx, dict(parts)) == _plain(plain_ctx, dict(parts), monkeypatch)
        assert fast_ctx.warnings == plain_ctx.warnings


def test_other_states_are_left_as_they_are(auth):
    other = next(e for iri, e in auth.entities.items() if e.kind == "state" and iri not in auth.earlier)
    for parts in _holders(other):
        assert not _holds(parts, auth)
    for parts in _holders(dataclasses.replace(auth.entities[ID + "state/yemen"], kind="place")):
        assert not _holds(parts, auth)


def test_documents_read_the_same_with_and_without_the_shortcut(auth, monkeypatch):
    paths = sorted((ROOT / "tests" / "cases").glob("*/*.txt"))
    assert paths
    for path in paths:
        fast = parse_file(path, auth)
        with monkeypatch.context() as m:
            m.setattr(dated, "_holds_earlier", lambda value, earlier: True)
            plain = parse_file(path, auth)
        assert fast == plain and fast.warnings == plain.warnings, path


@hsettings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(["Letter a", "Letter b.", "a", "b.", "", "Letter", "c x."]), max_size=12),
       st.integers(0, 13), st.integers(1, 5))
def test_runs_found_before_a_line_are_the_first_runs_found_there(words, before, limit):
    lines = normalise("\n".join(words)).lines
    opens, completes = (lambda t: t.startswith("Letter")), (lambda t: t.endswith("."))
    extends = lambda t: t.endswith("x.")  # noqa: E731
    for ext in (None, extends):
        first = closing.find_lines(lines, opens, completes, limit, ext)
        assert closing.find_lines(lines, opens, completes, limit, ext, before=before) == (
            first if first is not None and first[0] < before else None)


def test_titles_are_found_as_without_the_limit(auth, monkeypatch):
    """Every test case's title (and all the rest) as when the mended title is looked for in every line."""
    plain_find = closing.find_lines
    paths = sorted((ROOT / "tests" / "cases").glob("*/*.txt"))
    for path in paths:
        fast = parse_file(path, auth)
        with monkeypatch.context() as m:
            m.setattr(spaced_title, "find_lines", lambda *a, before=None, **k: plain_find(*a, **k))
            plain = parse_file(path, auth)
        assert fast == plain and fast.warnings == plain.warnings, path


@hsettings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(["a", "", "bc d", "\r", " e\r", "fgh  i"]), max_size=8), st.data())
def test_spans_within_a_line_get_its_number_without_a_second_search(lines, data):
    """`Text.span` tells a span within one line from its first line's number alone; any span's lines are
    still those of its first and last characters."""
    text = normalise("\n".join(lines))
    n = len(text.raw)
    start = data.draw(st.integers(0, n + 2))
    end = data.draw(st.integers(0, n + 3))
    assert text.span(start, end) == Span(start, end, text.line_of(start), text.line_of(max(start, end - 1)))
