"""Properties (hypothesis, derandomised so runs are repeatable): the parser never raises anything but
an InputError, whatever the text; and every value it finds points (by its span) at text that really
says that value."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unkg.errors import InputError
from unkg.model import Entity, Fact
from unkg.parse import lexicon, parse_text
from unkg.parse.formulas import unspaced_formulas
from unkg.parse.masthead import _EN_DATE_IN_LINE
from unkg.text import normalise

from conftest import SEED

ZH = unspaced_formulas("zh")
SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")
RUNS = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Mutations of the seed: lines dropped, doubled or replaced by noise, and characters swapped the way
# OCR and encoders damage them (full-width digits, brackets, spaces).
SWAPS = {"(": "（", ")": "）", "1": "１", "2": "２", " ": "\u3000", "、": ",", "年": " 年 "}


@st.composite
def mutated_seed(draw) -> str:
    out = []
    for line in SEED_LINES:
        op = draw(st.sampled_from(["keep"] * 12 + ["drop", "double", "noise", "swap"]))
        if op == "keep":
            out.append(line)
        elif op == "double":
            out += [line, line]
        elif op == "noise":
            out.append(draw(st.text(max_size=30)))
        elif op == "swap" and line:
            i = draw(st.integers(0, len(line) - 1))
            out.append(line[:i] + SWAPS.get(line[i], line[i]) + line[i + 1:])
    return "\n".join(out)


def _parse(raw, auth):
    try:
        return parse_text(raw, auth, "prop.txt")
    except InputError:
        return None


@RUNS
@given(st.text())
def test_never_raises_on_arbitrary_text(auth, raw):
    _parse(raw, auth)


@RUNS
@given(st.lists(st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=40)), max_size=80))
def test_never_raises_on_seed_lines_in_any_order(auth, lines):
    _parse("\n".join(lines), auth)


def _facts(value, path=""):
    """Every Fact inside a document, with the name of the field that holds it."""
    if isinstance(value, Fact):
        yield path, value
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _facts(getattr(value, f.name), f.name)
    elif isinstance(value, tuple):
        for item in value:
            yield from _facts(item, path)


def _says(field: str, fact: Fact, auth, lang: str) -> bool:
    """Does the surface text at the fact's span say the fact's value?"""
    value, surface = fact.value, fact.surface
    if isinstance(value, Entity):
        names = {lexicon.compact(n) for langs in auth.labels[value.iri].values() for n in langs}
        return lexicon.compact(surface) in names
    if isinstance(value, bool):
        return value is bool(ZH.signed.fullmatch(surface))
    if isinstance(value, dt.date):
        text = normalise(surface).lines[0].text
        m = ZH.date.fullmatch(text)
        if m:
            return ZH.read_date(m) == value
        m = _EN_DATE_IN_LINE.fullmatch(text)
        months = lexicon.lexicon()["months"]["en"]
        return bool(m) and dt.date(int(m["y"]), months[m["m"].casefold()], int(m["d"])) == value
    if isinstance(value, int):
        m = next(m for _, p in ZH.periods if (m := p.fullmatch(surface.replace(" ", ""))))
        n = ZH.number(m["n"])
        return value in (n, 1945 + n)
    if field == "label":
        return value == (lexicon.ROMAN[ZH.number(surface)] if surface else "")
    if field == "kind":
        return ZH.kinds[surface] == value
    if field == "original_language":
        return lexicon.language_code(surface) == value
    if field in ("number", "agenda_items"):
        return lexicon.compact(value) == lexicon.compact(surface)
    return value == surface  # values kept as written


def _check_spans(doc, raw, auth):
    text = normalise(raw)
    count = 0
    for field, fact in _facts(doc):
        if fact.span is None:
            assert fact.origin == "sidecar" or field == "language" or fact.surface == "", (field, fact)
            continue
        assert 0 <= fact.span.start <= fact.span.end <= len(raw)
        assert fact.surface == text.written(fact.span), (field, fact)
        assert _says(field, fact, auth, doc.language.value), (field, fact)
        count += 1
    return count


def test_every_span_of_the_seed_says_its_value(auth):
    raw = SEED.read_text(encoding="utf-8")
    assert _check_spans(parse_text(raw, auth, "seed"), raw, auth) > 150  # 192 facts carry spans


@RUNS
@given(mutated_seed())
def test_every_span_says_its_value_on_mutated_seeds(auth, raw):
    doc = _parse(raw, auth)
    if doc is not None:
        _check_spans(doc, raw, auth)
