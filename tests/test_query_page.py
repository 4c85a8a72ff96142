"""The query page (`/query`) and what it asks of the endpoint: the examples listed from the project's queries
folder (name, description from the file's leading comment, a link each), the example or query in the URL,
the `format` parameter of /sparql (the page's CSV and JSON downloads), a syntax error's line and column,
and hostile text escaped. The page run in a browser: scripts/browser_check.py."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph

from unkg.build import build
from unkg.config import load_settings
from unkg.serve import App
from unkg.serve.syntax import located

from conftest import ROOT, WsgiServer, make_project

HOSTILE = '</textarea><script>alert(1)</script><img src=x onerror=alert(2)>"\'&amp;'
# an example of the project's own, whose comment and name carry markup
OWN = f"# Every triple & its <b>graph</b> {HOSTILE}\n# (a second comment line)\nSELECT * WHERE {{ ?s ?p ?o }} LIMIT 3\n"
LETTERS = "SELECT ?letter ?date WHERE { ?letter <https://schema.org/dateSent> ?date }"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("querypage"))
    (project / "queries" / "zz-own.rq").write_text(OWN, encoding="utf-8")
    assert build(load_settings(project, env={})).built
    return project


@pytest.fixture(scope="module")
def server(project):
    app = App(load_settings(project, env={}))
    srv = WsgiServer(app)
    yield srv
    srv.close()
    app.close()


def _page(server, path: str):
    status, ctype, data = server.request("GET", path)
    return status, ctype, BeautifulSoup(data.decode("utf-8"), "html.parser")


def _examples(project: Path) -> dict[str, str]:
    """The examples the folder holds, read here: every .rq but the facts card's parts."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((project / "queries").glob("*.rq"))
            if not p.name.startswith("facts-")}


def test_the_examples_are_the_queries_folders(server, project):
    status, _, page = _page(server, "/query")
    assert status == 200
    expected = _examples(project)
    items = page.select("ul.examples li[data-example]")
    assert [li["data-example"] for li in items] == list(expected)
    assert "letters" in expected and "who-signed" in expected and not any(n.startswith("facts-") for n in expected)
    for li in items:
        name = li["data-example"]
        assert li.select_one("a")["href"] == f"/query?example={quote(name)}"
        comment = [line.lstrip("#").strip() for line in expected[name].splitlines() if line.startswith("#")]
        first = expected[name].splitlines()[0]
        assert first.startswith("#")  # each example states its question in its leading comment
        assert li.select_one(".description").get_text() == " ".join(comment)
    # the examples' texts, for the script, as data in the page
    data = json.loads(page.select_one("script#examples-data").string)
    assert {name: ex["text"] for name, ex in data.items()} == expected
    # the default example is in the editor, and marked
    assert page.select_one("textarea#query").get_text() == expected["letters"]
    assert page.select_one('li[data-example="letters"] a[aria-current]')


def test_each_example_has_its_url(server, project):
    for name, text in _examples(project).items():
        status, _, page = _page(server, f"/query?example={quote(name)}")
        assert status == 200
        assert page.select_one("textarea#query").get_text() == text
        assert [a.parent["data-example"] for a in page.select("ul.examples a[aria-current]")] == [name]


def test_an_unknown_example_is_a_404(server):
    status, ctype, data = server.request("GET", "/query?example=" + quote("../pyproject"))
    assert status == 404 and ctype.startswith("text/plain") and b"letters" in data


def test_a_query_in_the_url_is_in_the_editor(server, project):
    status, _, page = _page(server, "/query?" + urlencode({"query": LETTERS, "run": "1"}))
    assert status == 200 and page.select_one("textarea#query").get_text() == LETTERS
    assert not page.select("ul.examples a[aria-current]")
    # an example's text unchanged is that example
    text = _examples(project)["who-signed"]
    _, _, page = _page(server, "/query?" + urlencode({"example": "who-signed", "query": text}))
    assert page.select_one('li[data-example="who-signed"] a[aria-current]')


def test_without_javascript_the_page_is_a_form_that_gets_sparql(server):
    _, _, page = _page(server, "/query")
    form = page.select_one("form#query-form")
    assert form["method"] == "get" and form["action"] == "/sparql"
    assert form.select_one("textarea#query")["name"] == "query"
    assert form["data-base"] == "https://w3id.org/unkg"
    formats = [o["value"] for o in form.select("noscript select[name=format] option")]
    assert formats[0] == "" and {"csv", "json", "tsv", "xml"} <= set(formats)
    assert page.select_one('script[src="/static/query.js"]')


def test_hostile_text_is_escaped_in_the_page(server):
    status, _, page = _page(server, "/query?" + urlencode({"query": HOSTILE}))
    assert status == 200
    assert page.select_one("textarea#query").get_text() == HOSTILE
    assert not page.select("img") and len(page.select("script")) == 2  # the examples' data and query.js
    # the example whose name and comment carry markup: text in the list, and its data closes no element
    item = page.select_one('li[data-example="zz-own"]')
    assert item.select_one(".description").get_text() == f"Every triple & its <b>graph</b> {HOSTILE} (a second comment line)"
    assert not item.select("b")
    data = page.select_one("script#examples-data").string
    assert "<" not in data and json.loads(data)["zz-own"]["text"] == OWN


def test_the_script_writes_no_html():
    script = (ROOT / "src" / "unkg" / "static" / "query.js").read_text(encoding="utf-8")
    assert "textContent" in script
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, sink
    # requests only to this server: its one fetch is to /sparql
    assert re.findall(r"fetch\(([^,]+),", script) == ['"/sparql"']


# -- the format parameter: the downloads -----------------------------------------------------------------
def _get(server, query: str, **params):
    return server.request("GET", "/sparql?" + urlencode({"query": query, **params}))


def test_format_csv_and_json_return_their_media_type_and_parse(server):
    status, ctype, body = _get(server, LETTERS, format="json")
    assert status == 200 and ctype == "application/sparql-results+json"
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == 1 and rows[0]["date"]["value"] == "2025-05-28"
    status, ctype, body = _get(server, LETTERS, format="csv")
    assert status == 200 and ctype.split(";")[0] == "text/csv"
    table = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert table == [{"letter": rows[0]["letter"]["value"], "date": "2025-05-28"}]
    status, ctype, body = _get(server, LETTERS, format="tsv")
    assert status == 200 and ctype.split(";")[0] == "text/tab-separated-values" and body.startswith(b"?letter\t?date")


def test_format_overrides_accept_and_names_graph_types(server):
    status, ctype, body = server.request("GET", "/sparql?" + urlencode({"query": LETTERS, "format": "csv"}),
                                         headers={"Accept": "application/sparql-results+xml"})
    assert status == 200 and ctype.split(";")[0] == "text/csv"
    construct = "CONSTRUCT { ?l <https://schema.org/dateSent> ?d } WHERE { ?l <https://schema.org/dateSent> ?d }"
    status, ctype, body = _get(server, construct, format="turtle")
    assert status == 200 and ctype == "text/turtle" and len(Graph().parse(data=body, format="turtle")) == 1
    status, ctype, body = _get(server, construct, format="ntriples")
    assert status == 200 and len(Graph().parse(data=body, format="nt")) == 1
    # by form POST too
    status, ctype, _ = server.request("POST", "/sparql", urlencode({"query": LETTERS, "format": "csv"}).encode(),
                                      {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and ctype.split(";")[0] == "text/csv"
    # empty is absent: Accept decides
    status, ctype, _ = _get(server, LETTERS, format="")
    assert status == 200 and ctype == "application/sparql-results+json"


@pytest.mark.parametrize("params,status", [
    ({"format": "html"}, 400), ({"format": "CSV "}, 400), ({"format": ["csv", "json"]}, 400),
    ({"format": "turtle"}, 406),  # a table asked for as a graph
])
def test_a_bad_format_is_a_4xx_with_a_message(server, params, status):
    got, ctype, body = server.request("GET", "/sparql?" + urlencode({"query": LETTERS, **params}, doseq=True))
    assert got == status and ctype.startswith("text/plain") and body.strip()


# -- syntax errors: line and column ---------------------------------------------------------------------
@pytest.mark.parametrize("query,line,column,near", [
    ("SELECT ?letter WHERE {\n  ?letter ?p ?o .\n  FILTER(?o = ) }", 3, 3, "FILTER"),  # Oxigraph: the end
    ("SELECT * WHER { ?s ?p ?o }", 1, 10, "WHER"),
    ("SELECT ?x WHERE { ?x ?p ?o }\nLIMT 3", 2, 1, "LIMT"),
    ("SELECT * WHERE {\n\t\t?s ?p ?o .\n\t\tFILTER(?s = ) }", 3, 3, "FILTER"),  # tabs count one column each
    ("SELECT * WHERE {\n  ?s nope:p ?o }", 2, 12, "?o"),  # no such prefix: rdflib reads it, Oxigraph stops after it
])
def test_a_syntax_errors_message_carries_line_and_column(server, query, line, column, near):
    status, _, body = server.request("POST", "/sparql", urlencode({"query": query}).encode(),
                                     {"Content-Type": "application/x-www-form-urlencoded"})
    message = body.decode("utf-8")
    assert status == 400 and message.startswith(f"not valid SPARQL at line {line}, column {column} ("), message
    assert near in message.split("(", 1)[1] and "error at " in message  # Oxigraph's own words follow
    text = query.split("\n")[line - 1]
    assert text[column - 1:].strip().startswith(near)


def test_located_without_a_position():
    assert located("ASK {}", "something odd") == "not valid SPARQL: something odd"
    assert located("x", "error at 1:2: expected [_]").startswith("not valid SPARQL at line 1, column 1 (at 'x'): error at 1:2")
