"""The search on `/` (issue 18): facet counts equal SPARQL counts over the store, a search narrows the list to
exactly the letters whose words hold it and ranks title matches first, pagination, the timeline's marks,
hostile text escaped and never a 500, malformed parameters a 400, and an incremental build's index the same
bytes as a build from nothing. On the 21 English letters of ../shared/corpus/en, the seed and one letter
full of hostile text."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup
from werkzeug.test import Client

from unkg.build import build
from unkg.config import load_settings
from unkg.serve.app import App
from unkg.store import open_store

from conftest import ROOT, make_project, shared_path

HOSTILE_AGENDA = "<script>alert(\"x\")</script> NEAR( * AND 'quoted' & co"
HOSTILE_BODY = "Zyxwvut <b>bold</b> \"NEAR(\" * AND OR NOT ^ {title} : plover"
PREFIXES = """PREFIX undo: <https://w3id.org/un/ontology/undo/>
PREFIX unkg: <https://w3id.org/unkg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX allot: <https://w3id.org/akn/ontology/allot/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# each facet's letters and values, written here from the graph's model (not from data/search.toml)
FACETS = {
    "organ": "{ ?l unkg:documentOf ?s . ?s unkg:organ ?v } UNION { ?l unkg:organ ?v }",
    "session": "?l unkg:documentOf ?v",
    "year": "?l schema:dateSent ?d BIND (SUBSTR(STR(?d), 1, 4) AS ?v)",
    "state": "?l prov:qualifiedAttribution ?a . ?a prov:hadRole ?r . ?r unkg:state ?v",
    "function": "?l prov:qualifiedAttribution ?a . ?a prov:hadRole ?r . OPTIONAL { ?r org:role ?f } "
                "BIND (COALESCE(?f, ?r) AS ?v)",
    "agenda": "?l dcterms:subject ?v",
    "language": "?l allot:hasRealization ?e . ?e dcterms:language ?lv . ?lv skos:notation ?v",
    "kind": "?l unkg:communicationKind ?v",
}
BOOLEANS = {
    "annexes": "?l dcterms:hasPart ?part",
    "ocr": "GRAPH ?g { ?l a undo:OfficialLetter . ?g prov:wasDerivedFrom ?src . ?src unkg:readBy \"ocr\" }",
}


def key_of(param: str, value: str) -> str:
    base = "https://w3id.org/unkg/id/"
    return value[len(base):].removeprefix(param + "/") if value.startswith(base) else value


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    corpus = shared_path("corpus", "en")
    folder = make_project(tmp_path_factory.mktemp("search"))
    docs = folder / "source" / "documents"
    for path in sorted(corpus.glob("*.txt")):
        (docs / path.stem.removeprefix("en_")).mkdir()
        shutil.copy(path, docs / path.stem.removeprefix("en_") / "en.txt")
    text = (ROOT / "tests" / "cases" / "en-full-masthead" / "input.txt").read_text(encoding="utf-8")
    text = text.replace("A/79/900-S/2025/400", "A/79/999-S/2025/999").replace(
        "Agenda item 84\nThe rule of law at the national and international levels", f"Agenda item 998\n{HOSTILE_AGENDA}"
    ).replace("under agenda items 84 and 71", "under agenda item 998").replace(
        "Cultural Organization.\n", f"Cultural Organization. {HOSTILE_BODY}\n")
    (docs / "hostile").mkdir()
    (docs / "hostile" / "en.txt").write_text(text, encoding="utf-8")
    report = build(load_settings(folder, env={}), jobs=2)
    assert not report.refused, report.refused
    return folder


@pytest.fixture(scope="module")
def served(project):
    app = App(load_settings(project, env={}))
    yield app, Client(app)
    app.close()


def sparql(app: App, query: str) -> list:
    return list(app.store.query(PREFIXES + query, use_default_graph_as_union=True))


def count(app: App, pattern: str) -> int:
    """The number of letters (?l) `pattern` matches in the store."""
    return int(sparql(app, f"SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ {pattern} }}")[0]["n"].value)


def expected_counts(app: App, extra: str = "") -> dict[tuple[str, str], int]:
    """(facet, key) -> letters, by SPARQL over the store; `extra`, a pattern every letter must match."""
    counts = {}
    for param, pattern in FACETS.items():
        for r in sparql(app, f"SELECT ?v (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?l a undo:OfficialLetter . {extra} "
                             f"{pattern} }} GROUP BY ?v"):
            counts[(param, key_of(param, r["v"].value))] = int(r["n"].value)
    everyone = count(app, f"?l a undo:OfficialLetter . {extra}")
    for param, pattern in BOOLEANS.items():
        yes = int(sparql(app, f"SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?l a undo:OfficialLetter . {extra} "
                              f"{pattern} }}")[0]["n"].value)
        for key, n in (("yes", yes), ("no", everyone - yes)):
            if n:
                counts[(param, key)] = n
    return counts


def shown_counts(page: bytes) -> dict[tuple[str, str], int]:
    soup = BeautifulSoup(page, "html.parser")
    return {(section["data-facet"], li["data-key"]): int(li.select_one("span.n").text)
            for section in soup.select("section.facet") for li in section.select("li.value")}


def get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.data[:300])
    return BeautifulSoup(response.data, "html.parser")


def total(soup) -> int:
    return int(soup.select_one("p.summary .total").text)


def test_facet_counts_equal_sparql_counts(served):
    app, client = served
    expected = expected_counts(app)
    assert shown_counts(client.get("/").data) == expected
    assert {(p, k) for p, k in expected} >= {("organ", "security-council"), ("language", "en"), ("language", "zh"),
                                              ("annexes", "yes"), ("state", "japan")}


def test_a_facet_click_filters_to_its_count(served):
    """Every value's link on `/` gives as many letters as its count says, and SPARQL agrees."""
    app, client = served
    soup = get(client, "/")
    values = soup.select("section.facet li.value")
    assert len(values) > 40
    for li in values:
        n = int(li.select_one("span.n").text)
        assert total(get(client, li.select_one("a")["href"])) == n, li


@pytest.mark.parametrize("chosen, pattern", [
    ("organ=general-assembly", "?l unkg:documentOf/unkg:organ <https://w3id.org/unkg/id/organ/general-assembly> ."),
    # most letters: counted as the totals less the other letters' counts (serve/search.py)
    ("language=en", "?l allot:hasRealization/dcterms:language/skos:notation 'en' ."),
    ("function=post/secretary-general&year=1997",
     "?l prov:qualifiedAttribution/prov:hadRole <https://w3id.org/unkg/id/post/secretary-general> ; "
     "schema:dateSent ?sent . FILTER (STRSTARTS(STR(?sent), '1997'))"),
])
def test_facet_counts_under_a_filter_equal_sparql(served, chosen, pattern):
    app, client = served
    page = client.get(f"/?{chosen}")
    expected = expected_counts(app, pattern)
    for param, key in parse_qsl(chosen):
        del expected[(param, key)]  # a value chosen is shown as chosen, not offered
    assert shown_counts(page.data) == expected
    everyone = count(app, f"?l a undo:OfficialLetter . {pattern}")
    assert total(BeautifulSoup(page.data, "html.parser")) == everyone


def words_of(project: Path) -> dict[str, tuple[str, str]]:
    """Each letter's page path -> (its title, its text), lower case, read from the build and the sources."""
    import json

    out = {}
    for key in (project / "source" / "documents").iterdir():
        for source in key.iterdir():
            card = json.loads((project / "build" / "facts" / f"{key.name}.{source.stem}.json").read_text("utf-8"))
            out[key.name] = ((card["title"] or "").lower(), source.read_text(encoding="utf-8").lower())
    return out


def key_of_letter(project: Path) -> dict[str, str]:
    """Each letter's IRI -> the folder of its document (from what each document's graphs gave the search)."""
    import json

    return {iri: path.stem for path in (project / "build" / "search").glob("*.json")
            for iri in json.loads(path.read_text(encoding="utf-8"))["letters"]}


def letters_found(client: Client, url: str) -> list[dict]:
    found, page = [], 1
    while True:
        data = client.get(f"{url}&page={page}")
        assert data.status_code == 200
        body = data.get_json()
        found += body["letters"]
        if page >= body["pages"]:
            return found
        page += 1


@pytest.mark.parametrize("word", ["february", "observer", "Zyxwvut", "mandate", "sanctions"])
def test_a_search_finds_exactly_the_letters_holding_the_word(served, project, word):
    app, client = served
    texts = words_of(project)
    pattern = re.compile(rf"\b{word.lower()}\b")
    holding = {key for key, (title, text) in texts.items() if pattern.search(title) or pattern.search(text)}
    assert 0 < len(holding) < len(texts)
    found = letters_found(client, f"/search.json?q={word}")
    assert {key_of_letter(project)[f["iri"]] for f in found} == holding
    assert total(get(client, f"/?q={word}")) == len(holding) < total(get(client, "/"))


def test_names_are_searched_in_every_language(served, project):
    """The seed is in Chinese: its sender's post, named in English in the data, finds it; and its text by
    Chinese words (each character a word of the index, the phrase in sequence)."""
    _, client = served
    keys = key_of_letter(project)
    post = "/search.json?q=%22Permanent+Representative+of+Azerbaijan%22"
    found = {keys[f["iri"]] for f in letters_found(client, post)}
    assert found == {"000_5b684ff4652c0d37", "hostile"}
    found = {keys[f["iri"]] for f in letters_found(client, "/search.json?q=西阿塞拜疆")}
    assert found == {"000_5b684ff4652c0d37"}
    assert not letters_found(client, "/search.json?q=%22疆拜塞阿西%22")


def test_a_letter_with_the_word_in_its_title_ranks_before_one_with_it_only_in_its_text(served, project):
    _, client = served
    texts = words_of(project)
    for word in ("february", "representative", "observer"):
        found = letters_found(client, f"/search.json?q={word}&sort=rank")
        in_title = [word in f["title"].lower() for f in found]
        assert any(in_title) and not all(in_title), word
        assert in_title == sorted(in_title, reverse=True), (word, [f["title"] for f in found])
    assert len(texts) == 23


def test_pagination_moves_through_every_letter_once(served):
    app, client = served
    everyone = count(app, "?l a undo:OfficialLetter")
    first = get(client, "/")
    assert len(first.select("ol.letters > li")) == 20 and total(first) == everyone
    following = first.select_one("nav.pagination a[rel=next]")["href"]
    second = get(client, following)
    assert dict(parse_qsl(urlsplit(following).query)) == {"page": "2"}
    assert len(second.select("ol.letters > li")) == everyone - 20
    assert second.select_one("nav.pagination a[rel=prev]") is not None
    assert second.select_one("nav.pagination a[rel=next]") is None
    links = [a["href"] for p in (first, second) for a in p.select("ol.letters > li > a")]
    assert len(links) == len(set(links)) == everyone
    dates = [li.select_one(".date").text for p in (first, second) for li in p.select("ol.letters > li")]
    assert dates == sorted(dates, reverse=True)
    assert client.get("/?page=3").status_code == 404


def test_the_timeline_has_one_mark_per_month_with_letters(served):
    app, client = served
    assembly = "?l unkg:documentOf/unkg:organ <https://w3id.org/unkg/id/organ/general-assembly> ."
    for url, extra in (("/", ""), ("/?organ=general-assembly", assembly)):
        months = {r["m"].value: int(r["n"].value) for r in sparql(
            app, f"SELECT ?m (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?l a undo:OfficialLetter ; schema:dateSent ?d . "
                 f"{extra} BIND (SUBSTR(STR(?d), 1, 7) AS ?m) }} GROUP BY ?m")}
        marks = get(client, url).select("figure.timeline svg g.month")
        assert {g["data-month"]: int(g["data-count"]) for g in marks} == months
        for g in marks:
            assert g.find("title").text == f"{g['data-month']}: {g['data-count']} letter" + (
                "" if g["data-count"] == "1" else "s")
            assert sum(int(r["data-count"]) for r in g.select("rect.segment")) >= int(g["data-count"])


def test_timeline_for_a_state(served):
    """The State page's timeline (`Search.timeline_for`) has the State's letters per month."""
    app, _ = served
    state = "https://w3id.org/unkg/id/state/palestine"
    drawn = app.search.timeline_for("state", state, "en")
    months = {r["m"].value: int(r["n"].value) for r in sparql(
        app, f"SELECT ?m (COUNT(DISTINCT ?l) AS ?n) WHERE {{ ?l a undo:OfficialLetter ; schema:dateSent ?d ; "
             f"prov:qualifiedAttribution/prov:hadRole/unkg:state <{state}> "
             f"BIND (SUBSTR(STR(?d), 1, 7) AS ?m) }} GROUP BY ?m")}
    assert months and {b["month"]: b["count"] for b in drawn["bars"]} == months
    page = app.templates.get_template("_timeline.html").render(timeline=drawn, timeline_title="<Palestine>")
    soup = BeautifulSoup(page, "html.parser")
    assert len(soup.select("g.month")) == len(months) and "&lt;Palestine&gt;" in page


@pytest.mark.parametrize("q", [
    '<script>alert(1)</script>', '"', '""', '"NEAR(', 'NEAR(a b)', '*', 'AND', 'a AND', 'OR NOT', '{title} : x',
    "'", '^', 'title:plover', '\\', '(', ')', 'plover*', '"unterminated', 'x" OR "y', '%', '-', 'a -b', '+',
    'rowid = 1', "1' OR '1'='1", '阿塞拜疆', 'Zyxwvut', '"NEAR("', '<b>bold</b>',
])
def test_hostile_searches_are_words_and_escaped(served, q):
    _, client = served
    response = client.get("/", query_string={"q": q})
    assert response.status_code == 200, response.data[:300]
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    assert soup.select_one("input[name=q]")["value"] == q.strip()
    assert client.get("/search.json", query_string={"q": q, "sort": "rank"}).status_code == 200


def test_hostile_text_of_a_letter_is_escaped(served):
    _, client = served
    for url in ("/", "/?q=plover", "/?q=NEAR", "/?agenda=ga/79/998", "/?q=%3Cscript%3E"):
        response = client.get(url)
        assert response.status_code == 200, url
        soup = BeautifulSoup(response.data, "html.parser")
        assert soup.find("script") is None, url
        assert b"<script>alert" not in response.data
    soup = get(client, "/?q=plover")
    assert total(soup) == 1
    labels = [a.text for a in soup.select("section[data-facet=agenda] a")]
    assert f"998. {HOSTILE_AGENDA}" in labels
    chosen = get(client, "/?agenda=ga/79/998")
    assert chosen.select_one("section[data-facet=agenda] li.chosen a").text == f"998. {HOSTILE_AGENDA}"
    assert total(chosen) == 1


@pytest.mark.parametrize("url, status", [
    ("/?page=0", 400), ("/?page=-1", 400), ("/?page=x", 400), ("/?page=1&page=2", 400), ("/?page=１", 400),
    ("/?page=99999999999", 400), ("/?sort=up", 400), ("/?sort=rank", 400), ("/?stack=kind", 400),
    ("/?colour=blue", 400), ("/?q=a&q=b", 400), ("/?q=" + "a" * 501, 400), ("/?q=%00", 400),
    ("/?state=" + "x" * 301, 400), ("/?state=", 400), ("/?state=%01", 400), ("/?page=2&q=Zyxwvut", 404),
    ("/search.json?sort=x", 400), ("/?state=narnia", 200), ("/?lang=xx", 200),
])
def test_malformed_parameters_are_refused(served, url, status):
    _, client = served
    assert client.get(url).status_code == status, url


def test_a_value_no_letter_has_finds_nothing(served):
    _, client = served
    soup = get(client, "/?state=narnia")
    assert total(soup) == 0 and soup.select_one("section[data-facet=state] li.chosen").text.strip() == "narnia"


def test_labels_in_the_readers_language(served):
    _, client = served
    fr = get(client, "/?lang=fr")
    labels = {li["data-key"]: li.a.text for li in fr.select("section[data-facet=organ] li.value")}
    assert labels["security-council"] == "Conseil de sécurité"
    assert all("lang=fr" in a["href"] for a in fr.select("section.facet a"))


def test_an_incremental_build_gives_the_index_a_build_from_nothing_gives(tmp_path):
    corpus = shared_path("corpus", "en")
    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p")
    docs = project / "source" / "documents"
    names = ["en_S-2006-481.txt", "en_S-2016-53.txt", "en_S-1997-102.txt", "en_S-2021-12.txt", "en_S-2003-970.txt",
             "en_S-2022-43.txt"]
    for name in names[:5]:
        (docs / name[3:-4]).mkdir()
        shutil.copy(corpus / name, docs / name[3:-4] / "en.txt")
    settings = load_settings(project, env={})
    build(settings, jobs=1)
    before = (project / "build" / "search.sqlite").read_bytes()
    shutil.rmtree(docs / "S-1997-102")  # removed, one added, one changed
    (docs / "S-2022-43").mkdir()
    shutil.copy(corpus / names[5], docs / "S-2022-43" / "en.txt")
    changed = docs / "S-2006-481" / "en.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Japan", "Japan (quokka)", 1), encoding="utf-8")
    report = build(settings, jobs=1)
    assert report.processed == ["S-2006-481", "S-2022-43"]
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, symlinks=True, ignore=shutil.ignore_patterns("build", ".build*"))
    build(load_settings(fresh, env={}), jobs=1)
    after = (project / "build" / "search.sqlite").read_bytes()
    assert after == (fresh / "build" / "search.sqlite").read_bytes() != before
    app = App(settings)
    try:
        assert Client(app).get("/search.json?q=quokka").get_json()["total"] == 1
    finally:
        app.close()


def test_the_store_is_not_asked_for_the_index_page(served, monkeypatch):
    """The page `/` reads the index only: nothing per request scans the store."""
    app, client = served

    def refuse(*args, **kwargs):
        raise AssertionError("the store was queried")

    nostore = type("NoStore", (), {"query": refuse, "quads_for_pattern": refuse})()
    monkeypatch.setattr(app, "store", nostore)
    monkeypatch.setattr(app.pages, "store", nostore)
    get(client, "/?q=february&organ=security-council&stack=state")
    assert client.get("/search.json?year=1997").status_code == 200


def test_a_letter_whose_versions_are_in_two_folders_is_one_letter(tmp_path):
    """The English and French versions of A/79/900 in two folders, the Chinese beside the English: one letter
    in the index, with its three languages and titles, counted as SPARQL counts it."""
    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p", documents=False)
    docs = project / "source" / "documents"
    for folder, langs in (("A-79-900", ("en", "zh")), ("A-79-900-fr", ("fr",))):
        (docs / folder).mkdir(parents=True)
        for lang in langs:
            shutil.copy(ROOT / "tests" / "cases" / f"{lang}-full-masthead" / "input.txt", docs / folder / f"{lang}.txt")
    settings = load_settings(project, env={})
    assert not build(settings, jobs=1).refused
    app = App(settings)
    try:
        client = Client(app)
        body = client.get("/search.json").get_json()
        assert body["total"] == 1 == count(app, "?l a undo:OfficialLetter")
        assert {v["key"]: v["count"] for v in body["facets"]["language"]} == {"en": 1, "fr": 1, "zh": 1}
        assert shown_counts(client.get("/").data) == expected_counts(app)
        assert client.get("/search.json?lang=fr").get_json()["letters"][0]["title"].startswith("Lettre")
        assert client.get("/search.json?q=Lettre").get_json()["total"] == 1
    finally:
        app.close()


def test_a_search_row_is_the_same_after_the_indexer_renews_its_store(project, monkeypatch):
    """The worker's indexer makes its store again every few documents (an in-memory store grows slower with
    what was removed from it): a row read after that is the row read before, labels and facets included."""
    import unkg.searchdoc as searchdoc
    from unkg.pipeline import Pipeline

    settings = load_settings(project)
    pipeline = Pipeline(settings)
    seen: list = []
    row = searchdoc.Indexer.row
    monkeypatch.setattr(searchdoc.Indexer, "row", lambda self, versions: seen.append(versions) or row(self, versions))
    folder = settings.documents_dir / sorted(p.name for p in settings.documents_dir.iterdir() if p.is_dir())[0]
    pipeline.process(folder.name, sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".pdf")))
    monkeypatch.setattr(searchdoc.Indexer, "row", row)
    indexer = pipeline.indexer()
    first = indexer.row(seen[0])
    read = json.loads(first)
    assert read["letters"] and read["labels"]  # a letter with its facets' labels (from the authority data)
    store = indexer.store
    rows = [indexer.row(seen[0]) for _ in range(searchdoc.RENEW_AFTER + 1)]
    assert indexer.store is not store  # renewed on the way
    assert set(rows) == {first}
