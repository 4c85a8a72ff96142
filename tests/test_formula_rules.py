"""Rules of the genre the formula parser applies, each on a short synthetic letter: circulation
requests in their usual wordings (UN Editorial Manual), symbols that end at a word boundary, and names
as an English card gives them."""

from __future__ import annotations

import pytest

from unkg.facts import card
from unkg.parse import parse_text
from unkg.parse.lexicon import english_name

LETTER = """S/2024/901

United Nations

Security Council

Distr.: General
{issued}
Original: English

Letter dated 2 December 2024 from the Permanent Representative of
Belgium to the United Nations addressed to the Secretary-General
I have the honour to inform you of the outcome of the meeting held in Brussels on
28 November 2024 on the situation in the region.
{request}
(Signed) Claire Dubois
Ambassador
Permanent Representative
"""

SC = [{"organ": "Security Council"}]


@pytest.mark.parametrize("request_, expected", [
    ("I should be grateful if the present letter could be circulated as a document of the Security Council.", SC),
    ("I would appreciate it if the present letter could be circulated as a document of the Security Council.", SC),
    ("I should be grateful if you would kindly have the present letter circulated as an official document of "
     "the Security Council.", SC),
    ("I should be grateful if the present letter could be brought to the attention of the members of the "
     "Security Council and issued as a document of the Council.", SC),
    ("I would be grateful if the present letter were circulated as a Security Council document.", SC),
    ("I should be grateful if you would bring the present letter to the attention of the members of the "
     "Security Council.", []),
])
def test_circulation_request_wordings(auth, request_, expected):
    got = card(parse_text(LETTER.format(issued="4 December 2024", request=request_), auth))
    assert got["circulate_as"] == expected


def test_a_letter_glued_to_a_symbol_is_not_part_of_it(auth):
    text = LETTER.format(issued="4 December 2024", request="").replace("S/2024/901", "S/2024/901J", 1)
    got = card(parse_text(text, auth))
    assert got["symbols"] == ["S/2024/901"]
    assert any("S/2024/901J" in w for w in got["warnings"])


def test_a_footnote_mark_is_not_part_of_a_symbol(auth):
    text = LETTER.format(issued="4 December 2024", request="").replace("S/2024/901", "S/2024/901*", 1)
    assert card(parse_text(text, auth))["symbols"] == ["S/2024/901"]


@pytest.mark.parametrize("signed, name", [
    ("Njeri A. KAMAU, O.G.W.", "Njeri A. KAMAU"),
    ("John SMITH, KCMG", "John SMITH"),
    ("Claire Dubois", "Claire Dubois"),
])
def test_post_nominals_are_not_part_of_the_name(auth, signed, name):
    text = LETTER.format(issued="4 December 2024", request="").replace("Claire Dubois", signed)
    assert card(parse_text(text, auth))["sender"]["name"] == name


@pytest.mark.parametrize("signed, english", [
    ("Carl BILDT", "Carl Bildt"), ("BAN Ki-moon", "Ban Ki-moon"), ("Kofi A. ANNAN", "Kofi A. Annan"),
    ("Lord Robertson of Port Ellen", "Lord Robertson of Port Ellen"), ("Marc O'NEILL", "Marc O'Neill"),
    ("托菲格·穆萨耶夫", None), ("Дмитрий Полянский", None),
])
def test_english_name_of_an_unknown_signatory(signed, english):
    assert english_name(signed) == english
