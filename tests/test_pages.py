"""The linked-data pages of `unkg serve`: the letter's page checked by CSS selectors, content negotiation
for each format, labels in the reader's language, 404s, the dataset description, the query page, and a
document whose text carries an HTML injection attempt."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from bs4 import BeautifulSoup

from unkg.build import build
from unkg.config import load_settings
from unkg.rdf.read import read_quads
from unkg.serve import App

from conftest import ROOT, SEED_KEY, WsgiServer, make_project
from conftest import default as default_folder

WORK = f"/akn/un/doc/officialLetter/unga-unsc/2025-05-28/local-{SEED_KEY}"
BASE = "https://w3id.org/unkg"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("pages"))
    # a second document whose annex title carries an injection attempt, and a symbol (for undocs links)
    case = ROOT / "tests" / "cases" / "zh-identical-letters" / "input.txt"
    text = case.read_text(encoding="utf-8").replace("土耳其共和国外交部关于人权问题的声明",
                                                    "土耳其共和国外交部关于<script>alert(1)</script>人权问题的声明")
    folder = project / "source" / "documents" / "injection"
    folder.mkdir()
    (folder / "zh.txt").write_text(text, encoding="utf-8")
    (folder / "document.toml").write_text('symbols = ["A/79/901", "S/2025/401"]\n', encoding="utf-8")
    settings = load_settings(project, env={})
    report = build(settings)
    assert report.built == [f"{SEED_KEY}/zh", "injection/zh"], report.refused
    srv = WsgiServer(App(settings))
    yield srv
    srv.close()


def _page(server, path: str, **headers):
    status, ctype, data = server.request("GET", path, headers=headers)
    return status, ctype, BeautifulSoup(data.decode("utf-8"), "html.parser")


def test_letter_page(server):
    status, ctype, page = _page(server, WORK, Accept="text/html")
    assert status == 200 and ctype.startswith("text/html")
    assert page.select_one("h1.title").get_text() == "2025年5月28日阿塞拜疆常驻联合国代表给秘书长的信"
    assert page.select_one(".date").get_text() == "2025-05-28"
    assert page.select_one(".sender a").get_text() == "Tofig Musayev"
    assert page.select_one(".capacity").get_text() == "Permanent Representative of Azerbaijan to the United Nations"
    assert page.select_one(".rank").get_text() == "Ambassador"
    assert [a.get_text() for a in page.select(".recipients a")] == ["Secretary-General"]
    assert [a["href"] for a in page.select(".organs a")] == ["/id/organ/general-assembly", "/id/organ/security-council"]
    agenda = [a["href"] for a in page.select(".agenda a")]
    assert len(agenda) == 7 and agenda[4] == "/id/agenda/ga/79/71"
    annexes = page.select(".annexes li")
    assert len(annexes) == 2 and annexes[0].select_one(".annex-author").get_text() == "Ilham Aliyev"
    mentions = {a.get_text() for a in page.select(".mentions a")}
    assert "United Nations Educational, Scientific and Cultural Organization" in mentions
    assert "Western Azerbaijan" in mentions
    assert {a["type"] for a in page.select(".formats a")} == {"text/turtle", "application/ld+json",
                                                               "application/n-triples"}
    assert not page.select(".symbols")  # the seed's symbol is not known: no undocs link is made up
    embedded = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert embedded["@type"] == "Message" and embedded["dateSent"] == "2025-05-28"


def test_labels_in_the_readers_language(server):
    _, _, page = _page(server, WORK + "?lang=zh")
    assert page.select_one(".sender a").get_text() == "托菲格·穆萨耶夫"
    assert [a.get_text() for a in page.select(".recipients a")] == ["秘书长"]
    _, _, page = _page(server, "/id/state/azerbaijan", **{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert page.select_one("h1.label").get_text() == "阿塞拜疆"
    _, _, page = _page(server, "/id/state/andorra", **{"Accept-Language": "zh"})  # no Chinese label: English
    assert page.select_one("h1.label").get_text() == "Andorra"


def test_undocs_links_when_the_symbol_is_known(server):
    _, _, page = _page(server, "/")
    href = next(a["href"] for a in page.select(".letters a") if "A-79-901" in a["href"])
    _, _, letter = _page(server, href)
    assert [a["href"] for a in letter.select("a.undocs")] == ["https://undocs.org/en/A/79/901",
                                                              "https://undocs.org/en/S/2025/401"]


def test_injection_is_shown_as_text(server):
    _, _, index = _page(server, "/")
    href = next(a["href"] for a in index.select(".letters a") if "A-79-901" in a["href"])
    status, _, raw = server.request("GET", href, headers={"Accept": "text/html"})
    page = BeautifulSoup(raw.decode("utf-8"), "html.parser")
    assert status == 200
    assert [s.get("type") for s in page.select("script")] == ["application/ld+json"]
    assert "<script>alert(1)</script>" in page.select_one(".annex-title").get_text()
    assert b"<script>alert(1)" not in raw


@pytest.mark.parametrize("accept,fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                        ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_content_negotiation(server, accept, fmt):
    status, ctype, data = server.request("GET", WORK, headers={"Accept": accept})
    assert status == 200 and ctype.startswith(accept) and "Accept" in server.last_headers.get("Vary", "")
    triples = {str(t) for t in ox.parse(data, format=fmt)}
    assert f'<{BASE}{WORK}> <https://schema.org/dateSent> "2025-05-28"^^<http://www.w3.org/2001/XMLSchema#date>' \
        in triples


def test_jsonld_equals_turtle(server, tmp_path):
    _, _, ttl = server.request("GET", WORK + "?format=turtle")
    status, ctype, data = server.request("GET", WORK, headers={"Accept": "application/ld+json"})
    assert status == 200 and ctype.startswith("application/ld+json")
    path = tmp_path / "letter.jsonld"
    path.write_bytes(data)
    from_jsonld = {str(q.triple) for q in read_quads(path)}  # PyLD, offline
    assert from_jsonld == {str(t) for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE)}


def test_not_found(server):
    status, _, page = _page(server, "/akn/un/doc/officialLetter/nothing", Accept="text/html")
    assert status == 404 and page.select_one(".missing code").get_text() == "/akn/un/doc/officialLetter/nothing"
    status, ctype, _ = server.request("GET", "/id/state/nowhere", headers={"Accept": "text/turtle"})
    assert status == 404 and ctype.startswith("text/plain")


def test_dataset_description(server):
    status, ctype, data = server.request("GET", "/.well-known/void")
    assert status == 200 and ctype.startswith("text/turtle")
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    endpoint = [t.object.value for t in triples if t.predicate.value == "http://rdfs.org/ns/void#sparqlEndpoint"]
    assert endpoint == [f"http://127.0.0.1:{server.port}/sparql"]
    vocabularies = {t.object.value for t in triples if t.predicate.value == "http://rdfs.org/ns/void#vocabulary"}
    assert {"https://w3id.org/un/ontology/undo/", "https://schema.org/"} <= vocabularies
    dumps = [t.object.value for t in triples if t.predicate.value == "http://rdfs.org/ns/void#dataDump"]
    assert len(dumps) == 5
    status, _, dump = server.request("GET", dumps[0].split(str(server.port), 1)[1])
    assert status == 200 and dump


def test_query_page(server):
    status, _, page = _page(server, "/query")
    default = (default_folder("queries") / "letters.rq").read_text(encoding="utf-8")
    assert status == 200 and page.select_one("form#query-form textarea#query").get_text() == default
    assert page.select_one('script[src="/static/query.js"]')
    status, ctype, script = server.request("GET", "/static/query.js")
    assert status == 200 and ctype.startswith("text/javascript") and b"textContent" in script


def test_a_fragments_page_links_to_its_own_description(server):
    """A fragment's page (the letter's ``#…`` nodes, e.g. its signature): its format links keep the fragment
    escaped, and each gives that fragment's description, not the letter's page."""
    import re

    _, _, described = server.request("GET", WORK + "?format=ntriples")
    names = sorted(set(re.findall(re.escape(f"<{BASE}{WORK}#") + r"([^>]+)>", described.decode("utf-8"))))
    assert names, "the letter has fragment nodes"
    fragment = f"{WORK}%23{names[0]}"
    status, _, page = _page(server, fragment, Accept="text/html")
    assert status == 200
    links = {a["type"]: a["href"] for a in page.select(".formats a")}
    assert links["text/turtle"] == fragment + "?format=turtle"
    status, ctype, data = server.request("GET", links["text/turtle"])
    assert status == 200 and ctype.startswith("text/turtle")
    subject = BASE + fragment.replace("%23", "#")
    assert f"<{subject}>" in data.decode("utf-8")
