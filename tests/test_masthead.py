"""Masthead items that share a line (as PDF text layers often put them) give the same facts as on lines
of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from unkg.facts import card
from unkg.parse import parse_text

CASES = Path(__file__).parent / "cases"

JOINED = {
    "en-full-masthead": [
        ("A/79/900-S/2025/400\n\nUnited Nations\n", "United Nations A/79/900-S/2025/400\n"),
        ("Distr.: General\n2 June 2025\nOriginal: English\n", "Distr.: General 2 June 2025 Original: English\n"),
    ],
    "zh-full-masthead": [
        (" 大  会  安全理事会 \n\nDistr.: General \n2 June 2025 \nChinese \nOriginal: English \n",
         " 大  会  安全理事会 Distr.: General 2 June 2025 Chinese Original: English\n"),
    ],
}
MASTHEAD = ("symbols", "issued", "original_language", "organs")


@pytest.mark.parametrize("case", sorted(JOINED))
def test_items_sharing_a_line(case, auth):
    text = (CASES / case / "input.txt").read_text(encoding="utf-8")
    joined = text
    for old, new in JOINED[case]:
        assert old in joined
        joined = joined.replace(old, new)
    apart, together = card(parse_text(text, auth, case)), card(parse_text(joined, auth, case))
    assert {k: together[k] for k in MASTHEAD} == {k: apart[k] for k in MASTHEAD}
    assert apart["symbols"] == ["A/79/900", "S/2025/400"] and apart["issued"] == "2025-06-02"
