"""One folder per parser case under tests/cases/, discovered here (see tests/cases/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from unkg.facts import card
from unkg.parse import parse_file

from conftest import compare_card, load_json

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if (p / "input.txt").is_file())


def test_cases_exist():
    assert len(CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, auth):
    doc = parse_file(case / "input.txt", auth)
    problems = compare_card(card(doc), load_json(case / "expected.json"))
    assert not problems, "\n".join(problems)
