"""The embedded store and `unkg query`: the example queries in queries/ answer their questions on the seed
(answers checked against the letter's text), results in each format, bad SPARQL, and a store reused when
the dataset did not change."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from unkg.build import build
from unkg.config import load_settings

from conftest import default, make_project, run_unkg

WORK = "https://w3id.org/unkg/akn/un/doc/officialLetter/unga-unsc/2025-05-28/local-000_5b684ff4652c0d37"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("store"))
    report = build(load_settings(project, env={}))
    assert report.built and report.store_reloaded
    return project


def _rows(project: Path, name: str) -> list[dict[str, str]]:
    result = run_unkg("query", f"queries/{name}.rq", "--format", "csv", cwd=project)
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_letters_by_sender_state(project):
    assert _rows(project, "letters-by-sender-state") == [
        {"letter": WORK, "date": "2025-05-28", "title": "2025年5月28日阿塞拜疆常驻联合国代表给秘书长的信"}]


def test_documents_under_agenda_item(project):
    assert _rows(project, "documents-under-agenda-item") == [
        {"letter": WORK, "date": "2025-05-28", "item_title": "Promotion and protection of human rights"}]


def test_mentions_of_an_organisation(project):
    rows = _rows(project, "mentions-of-organisation")
    # annex I, line 112: 教科文组织; annex II, lines 190-192 and 200: the full name, then 教科文组织 twice
    assert [(r["part"], r["times"]) for r in rows] == [(f"{WORK}!annex_1", "1"), (f"{WORK}!annex_2", "3")]
    assert set(rows[1]["names"].split(" | ")) == {"联合国教育、科学及文化组织", "教科文组织"}


def test_annexes(project):
    assert _rows(project, "annexes") == [
        {"letter": WORK, "label": "I", "author": "Ilham Aliyev", "date": "2025-05-21", "place": "Ankara"},
        {"letter": WORK, "label": "II", "author": "", "date": "2025-05-21", "place": "Ankara"},
    ]


def test_who_signed(project):
    assert _rows(project, "who-signed") == [
        {"letter": WORK, "name": "托菲格·穆萨耶夫",
         "capacity": "Permanent Representative of Azerbaijan to the United Nations", "rank": "Ambassador",
         "signed": "true"}]


def test_letters(project):
    assert _rows(project, "letters") == [
        {"letter": WORK, "date": "2025-05-28", "title": "2025年5月28日阿塞拜疆常驻联合国代表给秘书长的信"}]


def test_every_example_query_is_tested():
    """A new example query comes with a test of its answer here."""
    examples = {p.stem for p in (default("queries")).glob("*.rq") if not p.stem.startswith("facts-")}
    assert examples == {"letters-by-sender-state", "documents-under-agenda-item", "mentions-of-organisation",
                        "annexes", "who-signed", "letters",
                        # the citation queries: tested in test_citation_graph.py (the seed cites nothing they ask)
                        "most-cited-resolutions", "cites-symbol", "article-51", "citation-network"}


def test_formats(project):
    q = "SELECT ?date WHERE { ?l <https://schema.org/dateSent> ?date }"
    data = json.loads(run_unkg("query", q, "--format", "json", cwd=project).stdout)
    assert [b["date"]["value"] for b in data["results"]["bindings"]] == ["2025-05-28"]
    table = run_unkg("query", q, cwd=project).stdout
    assert table.splitlines()[0].strip() == "date" and "2025-05-28" in table and "(1 row)" in table
    ttl = run_unkg("query", "CONSTRUCT { ?l <https://schema.org/dateSent> ?d } WHERE { ?l "
                   "<https://schema.org/dateSent> ?d }", "--format", "turtle", cwd=project)
    assert ttl.returncode == 0 and '"2025-05-28"^^' in ttl.stdout
    ask = run_unkg("query", "ASK { ?l a <https://w3id.org/un/ontology/undo/OfficialLetter> }", cwd=project)
    assert ask.stdout == "yes\n"


def test_bad_sparql_gives_line_and_column(project):
    result = run_unkg("query", "SELECT ?s WHERE {\n  ?s ?p\n}", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not valid SPARQL" in result.stderr and "<query>:3:" in result.stderr


def test_store_is_reloaded_only_when_the_dataset_changed(project):
    settings = load_settings(project, env={})
    assert build(settings).store_reloaded is False
    doc = project / "source" / "documents" / "000_5b684ff4652c0d37" / "document.toml"
    doc.write_text('symbols = ["A/79/999", "S/2025/999"]\n', encoding="utf-8")
    try:
        assert build(settings).store_reloaded is True
        rows = _rows(project, "letters-by-sender-state")
        assert rows[0]["letter"].endswith("/A-79-999_S-2025-999")
    finally:
        doc.unlink()
        build(settings)


def test_a_shared_entity_gives_each_row_once(tmp_path):
    """Two letters from the same post (the seed and a letter of Azerbaijan's Permanent Representative, the
    English parser case): the post, its State and the agenda item are described in both documents' graphs,
    and the store's default graph is their union, so a query that does not ask for distinct rows gets each
    of those rows once per graph. The shipped queries give each row once."""
    import shutil

    project = make_project(tmp_path)
    other = project / "source" / "documents" / "added-letter"
    other.mkdir()
    shutil.copy(Path(__file__).parent / "cases" / "en-full-masthead" / "input.txt", other / "en.txt")
    report = build(load_settings(project, env={}))
    assert len(report.built) == 2 and not report.refused
    for name in ("who-signed", "letters", "letters-by-sender-state", "annexes", "documents-under-agenda-item"):
        rows = [tuple(r.values()) for r in _rows(project, name)]
        assert rows and len(rows) == len(set(rows)), (name, rows)
    assert len({r["letter"] for r in _rows(project, "who-signed")}) == 2
