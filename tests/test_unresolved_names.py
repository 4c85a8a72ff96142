"""Names the authority data does not know, in languages written with spaces: an English letter's organisations
(capitalised words ending on the noun that makes them one, or that noun with what it is of) are kept as
unresolved mentions and reported, not dropped; known names stay resolved, and what only looks like a name
(a sentence's first word, a heading in capitals, a known organ) is not read as one."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from unkg.parse import parse_file
from unkg.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent
CASE = ROOT / "cases" / "en-annexes-are-letters" / "input.txt"
ADDED = ("The African Union, the League of Arab States and the Security Council welcomed them, as did the "
         "European Union and the North Atlantic Treaty Organization in Brussels and the Organisation of "
         "Islamic Cooperation, and a loan of the Council of Europe Development Bank.\n"
         "THE SECRETARIAT OF THE COMMONWEALTH FUND READ THEM.\n")
OA = "http://www.w3.org/ns/oa#"
UNKG = "https://w3id.org/unkg/ontology#"


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> Path:
    text = CASE.read_text(encoding="utf-8")
    anchor = "I should be grateful if the above communications"
    assert anchor in text
    path = tmp_path_factory.mktemp("names") / "en.txt"
    path.write_text(text.replace(anchor, ADDED + anchor, 1), encoding="utf-8")
    return path


def test_unknown_organisations_are_unresolved_mentions(letter, auth):
    doc = parse_file(letter, auth)
    unresolved = {m.surface.value for m in doc.mentions if m.kind == "organization" and m.entity is None}
    assert {"Organization for Security and Co-operation in Europe", "African Union", "League of Arab States",
            "European Union", "North Atlantic Treaty Organization"} <= unresolved
    # a name of what an organisation is of, itself ending on such a noun, is one name from its start
    assert "Council of Europe Development Bank" in unresolved and "Europe Development Bank" not in unresolved
    # a sentence's first word is not part of a name; "and the" ends one; capitals and known organs are not read
    assert not any(name.startswith("The ") or " and the " in name for name in unresolved)
    assert not any("SECRETARIAT" in name or "FUND" in name for name in unresolved)
    assert "Security Council" not in unresolved
    known = [m for m in doc.mentions if m.surface.value == "Organisation of Islamic Cooperation"]
    assert known and all(m.entity is not None for m in known)
    assert any(w.message.startswith("unresolved organization mention 'African Union'") for w in doc.warnings)


def test_unresolved_organisation_in_the_graph(letter, settings):
    checked = Pipeline(settings).check(letter)
    assert checked.conforms
    g = checked.graph
    bodies = set(g.objects(None, URIRef(OA + "hasBody")))
    organisations = [a for a in g.subjects(URIRef(UNKG + "mentionKind"), Literal("organization"))
                     if not any(True for _ in g.objects(a, URIRef(OA + "hasBody")))]
    assert organisations  # annotations of the unresolved names, with no body: nothing asserted about them
    assert URIRef("https://w3id.org/unkg/id/organization/organisation-of-islamic-cooperation") in bodies
