"""The parser's shortcuts give what the plain way gives: `states_as_of` skips its walk of a document's
values when none holds a State another sat under, and finds such a State however deep it is held."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from unkg.model import Agent, Annex, Circulation, CirculationTarget, Fact, Mention, OrganSession, Span
from unkg.parse import dated, parse_file
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
