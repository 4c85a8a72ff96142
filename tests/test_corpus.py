"""Real documents (../shared/corpus/): each .txt and .pdf gives the expected card, field for field,
except the fields its card lists in _unscored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from unkg.facts import card
from unkg.parse import parse_file

from conftest import SHARED, compare_card, load_json, make_project, shared_path

CORPUS = SHARED / "corpus" / "en"
DOCUMENTS = sorted(p for p in CORPUS.glob("*") if p.suffix in (".txt", ".pdf")) if CORPUS.is_dir() else []


def test_corpus_is_there():
    shared_path("corpus", "en")
    assert len(DOCUMENTS) >= 7 or not os.environ.get("CI")


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_corpus_document_gives_its_card(path: Path, auth):
    expected = load_json(path.with_suffix(".facts.json"))
    problems = compare_card(card(parse_file(path, auth)), expected)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_agenda_titles_split_without_the_authority_agenda(path: Path, settings):
    """A document of a session the authority data does not cover: the titles are split by the layout
    (function words at line edges, line widths) and still come out right."""
    from unkg import authority

    auth = authority.load(settings.authorities_dir, settings.base)
    auth.agenda = {k: v for k, v in auth.agenda.items() if k[1] not in (45, 53, 80)}
    expected = load_json(path.with_suffix(".facts.json"))
    got = card(parse_file(path, auth))
    assert got["organs"] == expected["organs"]
    assert any("not in the authority agenda" in w for w in got["warnings"]) == any(
        "agenda_items" in o for o in expected["organs"])


def test_body_symbols_are_not_the_documents(auth):
    """A/53/568 cites A/53/560-S/1998/1019 in its body: only the masthead's symbols are its own."""
    path = shared_path("corpus", "en", "en_A-53-568_S-1998-1025.txt")
    doc = parse_file(path, auth)
    assert [s.value for s in doc.symbols] == ["A/53/568", "S/1998/1025"]
    assert "A/53/560" in doc.source.raw


def test_signature_like_body_lines_stay_in_the_body(auth):
    """S/2023/186 lists the mission's members ("Ambassador Ferit Hoxha (Albania)") before its request:
    they are body text, and the signature is the President's."""
    doc = parse_file(shared_path("corpus", "en", "en_S-2023-186.txt"), auth)
    assert doc.sender.name.value == "Pedro Commisário Afonso"
    assert any("Ferit Hoxha" in p.value for p in doc.paragraphs)


def test_build_reads_pdf_sources(tmp_path):
    """A PDF under source/documents/<key>/<lang>.pdf is built like a text file."""
    import shutil

    from unkg.build import build
    from unkg.config import load_settings


    pdf = shared_path("corpus", "en", "en_A-80-500_S-2025-656.pdf")
    make_project(tmp_path, documents=False)
    (tmp_path / "source" / "documents" / "A-80-500").mkdir(parents=True)
    shutil.copy(pdf, tmp_path / "source" / "documents" / "A-80-500" / "en.pdf")
    report = build(load_settings(tmp_path, env={}))
    assert report.built == ["A-80-500/en"] and not report.refused
    facts = load_json(tmp_path / "build" / "facts" / "A-80-500.en.json")
    assert facts["symbols"] == ["A/80/500", "S/2025/656"] and facts["date"] == "2025-10-17"
