"""The site's pages (issue 18): entity pages with their backlinks (a State's letters sent and mentions, an agenda
item's letters, a person's, an organisation's mentions in context), readable property names, the letter's page
(language names, its text with mentions linked, downloads of its sources and every format, its validation
report, what it cites and what cites it), the annex's title, the ontology's documentation with content
negotiation, downloads parsed (MARC with pymarc, Akoma Ntoso against its schema), paths never taken from the
request, and hostile text (in a letter's body, an annex title and the document's folder name) escaped
everywhere. Citations are crafted into the store (dcterms:references), as the graph will carry them."""

from __future__ import annotations

import io
import json
import re
import shutil
from urllib.parse import unquote

import pymarc
import pyoxigraph as ox
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from werkzeug.test import Client

from unkg.build import build
from unkg.config import load_settings
from unkg.serve import App

from conftest import ROOT, SEED_KEY, make_project, shared_path

BASE = "https://w3id.org/unkg"
SEED = f"/akn/un/doc/officialLetter/unga-unsc/2025-05-28/local-{SEED_KEY}"
A900 = "/akn/un/doc/officialLetter/unga-unsc/2025-05-30/A-79-900_S-2025-400"
NV = "/akn/un/doc/officialLetter/unsc/2025-03-03/S-2025-210"
CITED = "/akn/un/doc/S-RES-9999-2099"  # a Work cited, not in the collection
EVIL_KEY = "evil<b>\"&'"
HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
CASES = ROOT / "tests" / "cases"
DCT = "http://purl.org/dc/terms/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("site"))
    docs = project / "source" / "documents"
    for key, files in {"A-79-900": {"en": "en-full-masthead", "fr": "fr-full-masthead"},
                       "nv-en": {"en": "en-note-verbale-annex"}}.items():
        (docs / key).mkdir()
        for lang, case in files.items():
            shutil.copy(CASES / case / "input.txt", docs / key / f"{lang}.txt")
    text = (CASES / "zh-identical-letters" / "input.txt").read_text(encoding="utf-8")
    text = text.replace("土耳其共和国外交部关于人权问题的声明", f"土耳其共和国外交部关于{SCRIPT}人权问题的声明")
    text = text.replace(" 土耳其共和国重申", f" {HOSTILE}土耳其共和国重申")
    (docs / EVIL_KEY).mkdir()
    (docs / EVIL_KEY / "zh.txt").write_text(text, encoding="utf-8")
    (docs / EVIL_KEY / "document.toml").write_text('symbols = ["A/79/901", "S/2025/401"]\n', encoding="utf-8")
    with open(project / "ontology" / "unkg.ttl", "a", encoding="utf-8") as fh:  # hostile text in the ontology too
        fh.write(f'\nunkg:Hostile a owl:Class ;\n    rdfs:label "{SCRIPT}"@en ;\n    rdfs:comment "{HOSTILE}"@en ;\n'
                 '    rdfs:isDefinedBy <https://w3id.org/unkg/ontology> .\n')
    settings = load_settings(project, env={})
    report = build(settings)
    assert not report.refused, report.refused
    craft(project / "build" / "store")
    app = App(settings)
    yield Client(app), project
    app.close()


def craft(path):
    """Citations as the graph will carry them: the note verbale cites the letter A/79/900 (by the Work its symbol
    names, an alias of the letter) and a resolution not in the collection (its small description); and the
    note verbale's annex loses its title (an annex the parser found no title for)."""
    store = ox.Store(str(path))
    g = ox.NamedNode(BASE + "/test/crafted")
    version = next(store.quads_for_pattern(ox.NamedNode(BASE + NV), ox.NamedNode(
        "https://w3id.org/akn/ontology/allot/hasRealization"), None)).object
    cited = ox.NamedNode(BASE + CITED)
    for s, p, o in [(version, ox.NamedNode(DCT + "references"), ox.NamedNode(BASE + "/akn/un/doc/A-79-900")),
                    (version, ox.NamedNode(DCT + "references"), cited),
                    (cited, ox.NamedNode(DCT + "identifier"), ox.Literal("S/RES/9999 (2099)")),
                    (cited, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/un/ontology/undo/Document")),
                    (cited, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
                     ox.NamedNode("https://undocs.org/S/RES/9999(2099)"))]:
        store.add(ox.Quad(s, p, o, g))
    for q in list(store.quads_for_pattern(ox.NamedNode(BASE + NV + "!annex_1"), ox.NamedNode(DCT + "title"), None)):
        store.remove(q)
    store.flush()
    del store


def get(site, path: str, **headers):
    client, _ = site
    return client.get(path, headers=headers)


def page(site, path: str, **headers) -> BeautifulSoup:
    response = get(site, path, **headers)
    assert response.status_code == 200, (path, response.status_code, response.data[:300])
    assert response.content_type.startswith("text/html")
    return BeautifulSoup(response.data.decode("utf-8"), "html.parser")


def evil_letter(site) -> str:
    index = get(site, "/", Accept="text/html").data.decode("utf-8")
    return next(unquote(m) for m in re.findall(r'href="(/akn/[^"]+)"', index) if "A-79-901" in m)


# -- entity pages -----------------------------------------------------------------------------------------

def test_a_state_page_lists_the_letters_it_sent(site):
    state = page(site, "/id/state/azerbaijan")
    sent = {a["href"] for a in state.select("section.sent a")}
    assert {SEED, A900} <= sent
    assert state.select_one("section.sent .count").get_text() == "(2)"
    ukraine = page(site, "/id/state/ukraine")  # a note verbale: sent by the mission itself
    assert NV in {a["href"] for a in ukraine.select("section.sent a")}


def test_a_state_page_lists_the_letters_that_mention_it_with_the_words_around(site):
    state = page(site, "/id/state/azerbaijan")
    letters = {a["href"] for a in state.select("section.mentioned > ul > li > a")}
    assert SEED in letters
    marks = {m.get_text() for m in state.select("section.mentioned q mark")}
    assert marks <= {"阿塞拜疆", "阿塞拜疆共和国", "Azerbaijan"} and "阿塞拜疆" in marks
    quote = state.select_one("section.mentioned q").get_text()
    assert quote.startswith("…") and quote.endswith("…") and len(quote) > 10


def test_an_organisation_page_quotes_its_mentions(site):
    unesco = page(site, "/id/organization/unesco")
    assert {SEED, A900} <= {a["href"] for a in unesco.select("section.mentioned > ul > li > a")}
    marks = [m.get_text() for m in unesco.select("section.mentioned q mark")]
    assert "United Nations Educational, Scientific and Cultural Organization" in marks and "教科文组织" in marks
    assert any(p.get_text() == "(Annex I)" for p in unesco.select("section.mentioned .in-part"))


def test_an_agenda_item_lists_the_letters_filed_under_it(site):
    item = page(site, "/id/agenda/ga/79/71")  # the masthead's items (a circulation request's are not filed)
    filed = {a["href"] for a in item.select("section.filed a")}
    assert filed == {SEED, evil_letter(site)}
    assert item.select_one("section.filed .count").get_text() == "(2)"
    assert {a["href"] for a in page(site, "/id/agenda/ga/79/84").select("section.filed a")} == {SEED, A900}


def test_a_person_page_lists_what_they_sent_and_where_they_are_mentioned(site):
    person = page(site, "/id/person/tofig-musayev")
    assert {SEED, A900} <= {a["href"] for a in person.select("section.signed a")}
    aliyev = page(site, "/id/person/ilham-aliyev")
    assert SEED in {a["href"] for a in aliyev.select("section.mentioned > ul > li > a")}
    assert not aliyev.select("section.signed")


def test_property_names_are_readable_labels_in_the_readers_language(site):
    state = page(site, "/id/state/azerbaijan")
    names = [th.get_text() for th in state.select("table.properties th")]
    assert "preferred label" in names and "same as" in names and "type" in names
    assert not any(n.startswith("http") or "#" in n for n in names)
    item = page(site, "/id/agenda/ga/79/71", **{"Accept-Language": "zh"})
    assert item.select_one("h1.label").get_text() == "促进和保护人权"
    assert "议程项目" in item.select_one("p.types").get_text()  # unkg:AgendaItem's Chinese label (the ontology)


def test_a_search_link_when_a_section_is_longer_than_shown(site, monkeypatch):
    from unkg.serve import entities

    monkeypatch.setattr(entities, "LIMIT", 1)
    state = page(site, "/id/state/azerbaijan")
    assert len(state.select("section.sent > ul > li")) == 1
    assert state.select_one("section.sent .more a")["href"] == "/?state=azerbaijan"


# -- the letter's page ------------------------------------------------------------------------------------

def test_versions_are_named_by_their_language(site):
    letter = page(site, A900)
    assert [s.get_text() for s in letter.select(".versions .language")] == ["English", "French"]
    letter = page(site, A900 + "?lang=zh")
    assert [s.get_text() for s in letter.select(".versions .language")] == ["英文", "法文"] or \
        [s.get_text() for s in letter.select(".versions .language")] == ["英文", "French"]


def test_the_text_shows_paragraphs_and_annexes_with_mentions_linked_to_their_annotation(site):
    letter = page(site, SEED)
    text = letter.select_one("div.text")
    assert text["lang"] == "zh" and len(text.select(".body p")) == 2
    assert [h.get_text() for h in text.select("section.annex-text h3")][:1] and len(text.select("section.annex-text")) == 2
    anchors = text.select("a.mention")
    assert len(anchors) > 50
    quads = get(site, SEED + "/zho@2025-05-28?format=ntriples").data.decode("utf-8")
    exact = dict(re.findall(r'<[^>]+#((?:mention|citation)_\d+)> <https://w3id.org/unkg/ontology#exact> "([^"]*)"@zh',
                            quads))
    body = dict(re.findall(r'<[^>]+#((?:mention|citation)_\d+)> <http://www.w3.org/ns/oa#hasBody> <([^>]+)>', quads))
    for a in anchors:  # each linked run is the annotation's own words, linked to what the graph says it names
        name = a["data-annotation"].rsplit("%23", 1)[1]
        assert a.get_text() == exact[name] and BASE + a["href"] == body[name]
    unresolved = text.select("span.mention.unresolved")
    assert unresolved and all(s["data-annotation"].rsplit("%23", 1)[1] not in body for s in unresolved)
    english = page(site, A900)  # the reader's language; a space kept where a mention's edge meets the text
    assert "decision of the United Nations Educational" in english.select_one("div.text .body").get_text()
    french = page(site, A900 + "?text=fr")
    assert french.select_one("div.text")["lang"] == "fr"


def test_the_text_links_what_it_cites(site):
    english = page(site, A900)  # "my letter dated 1 April 2025 (A/79/850-S/2025/200)": two symbols cited
    cited = {a.get_text(): a["href"] for a in english.select("div.text a.citation")}
    assert cited == {"A/79/850": "/akn/un/doc/A-79-850", "S/2025/200": "/akn/un/doc/S-2025-200"}
    assert {a["href"] for a in english.select("ul.cites a")} >= set(cited.values())
    work = page(site, "/akn/un/doc/A-79-850")  # not in the collection: its small description, who cites it
    assert work.select_one("h1.label").get_text() == "A/79/850"
    assert A900 in [a["href"] for a in work.select("section.cited-by a")]


def test_downloads_have_their_media_type_and_name_and_parse(site):
    _, project = site
    letter = page(site, A900)
    links = {a.get_text(): (a["href"], a["type"]) for a in letter.select(".downloads a")}
    got = {}
    for name, (href, kind) in links.items():
        response = get(site, href)
        assert response.status_code == 200, (name, href)
        assert response.headers["Content-Type"].split(";")[0] == kind, name
        if not href.startswith("/akn/"):
            assert "filename=" in response.headers["Content-Disposition"], name
        got[name] = response.data
    assert links["MARC 21 (ISO 2709, .mrc)"][1] == "application/marc"
    assert links["MARCXML"][1] == "application/marcxml+xml"
    assert links["English: Akoma Ntoso"][1] == "application/akn+xml"
    assert links["English: the source (text)"][1] == "text/plain"
    assert got["English: the source (text)"] == (project / "source/documents/A-79-900/en.txt").read_bytes()
    record = next(pymarc.MARCReader(io.BytesIO(got["MARC 21 (ISO 2709, .mrc)"]), to_unicode=True, force_utf8=True))
    from_xml = pymarc.parse_xml_to_array(io.BytesIO(got["MARCXML"]))[0]
    assert record["245"]["a"] == from_xml["245"]["a"] and record["245"]["a"].startswith("Letter dated 30 May 2025")
    assert [f.value() for f in record.get_fields("191")] == [f.value() for f in from_xml.get_fields("191")]
    assert "=245  10$aLetter dated 30 May 2025" in got["MARC breaker (.mrk)"].decode("utf-8")
    etree.fromstring(got["Dublin Core (oai_dc)"])
    json.loads(got["English: facts card (JSON)"])
    ox.parse(got["English: Turtle"], format=ox.RdfFormat.TURTLE)
    xsd = etree.XMLSchema(etree.parse(str(shared_path("validators", "xsd", "akomantoso30.xsd"))))
    for lang in ("English", "French"):
        assert xsd.validate(etree.fromstring(got[f"{lang}: Akoma Ntoso"])), xsd.error_log
    marc_xsd = etree.XMLSchema(etree.parse(str(shared_path("validators", "xsd", "MARC21slim.xsd"))))
    assert marc_xsd.validate(etree.fromstring(got["MARCXML"]))


def test_the_build_writes_iso_2709_beside_marcxml(site):
    _, project = site
    for key in (SEED_KEY, "A-79-900", "nv-en", EVIL_KEY):
        with open(project / "build" / "marc" / f"{key}.mrc", "rb") as fh:
            record = next(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True))
        xml = pymarc.parse_xml_to_array(str(project / "build" / "marc" / f"{key}.xml"))[0]
        assert record.as_marc() == xml.as_marc() and record["001"].data == key


@pytest.mark.parametrize("path", [
    "/files/manifest.json", "/files/../manifest.json", "/files/%2e%2e/manifest.json", "/files//etc/passwd",
    "/files/marc/../manifest.json", "/files/marc/nothing.xml", "/files/store/CURRENT", "/files/text/",
    "/source/../pyproject.toml", "/source/A-79-900/../../../pyproject.toml", "/source/A-79-900/document.toml",
    "/source/A-79-900/de.txt", "/source/%2Fetc%2Fpasswd", "/files/marc/A-79-900.xml%00.txt", "/source/",
])
def test_paths_are_never_taken_from_the_request(site, path):
    response = get(site, path)
    assert response.status_code == 404, path  # a path no route takes is an IRI's page: not found either
    assert b"root:" not in response.data and b"[tool.setuptools" not in response.data


def test_the_validation_report_shows_warnings(site):
    letter = page(site, SEED)
    report = letter.select_one("section.report")
    assert "no document symbol in the text" in [li.get_text() for li in report.select(".reading-warnings li")]
    rows = report.select("table.results tr.warning")
    assert any(r.select("td")[1].get_text() == "The document symbol is not known yet." for r in rows)
    unresolved = [r for r in rows if "unresolved mention" in r.get_text()]
    assert unresolved and unresolved[0].select("td")[2].get_text().startswith("“")  # the mention's own words
    assert get(site, report.select_one("h3 a")["href"]).status_code == 200


def test_cites_and_cited_by(site):
    nv = page(site, NV)
    cites = {a["href"]: a.get_text() for a in nv.select("ul.cites a")}  # (and what the parser finds it cites)
    assert cites[A900] == page(site, A900).select_one("h1.title").get_text()  # the letter the symbol's Work names
    assert cites[CITED] == "S/RES/9999 (2099)"
    cited = page(site, A900)
    assert NV in [a["href"] for a in cited.select("ul.cited-by a")]
    alone = page(site, CITED)  # a cited Work outside the collection: its small description, and who cites it
    assert alone.select_one("h1.label").get_text() == "S/RES/9999 (2099)"
    assert [a["href"] for a in alone.select("section.cited-by a")] == [NV]
    assert alone.select_one("section.cited-by .count").get_text() == "(1)"
    alias = get(site, "/akn/un/doc/A-79-900?lang=fr")  # the Work a symbol names: the letter of the collection
    assert alias.status_code == 303 and alias.headers["Location"] == A900 + "?lang=fr"


def test_an_annex_page_has_a_real_title(site):
    annex = page(site, SEED + "!annex_1")
    assert annex.select_one("h1.label").get_text().startswith("阿塞拜疆共和国总统2025年5月21日")
    assert annex.select_one(".part-of").get_text().startswith("Annex I to")
    assert annex.select_one(".part-of a")["href"] == SEED
    part_of = next(tr for tr in annex.select("table.properties tr") if tr.th.get_text() == "Is Part Of")
    assert part_of.td.get_text() == "2025年5月28日阿塞拜疆常驻联合国代表给秘书长的信"  # the letter by its title
    untitled = page(site, NV + "!annex_1")
    title = page(site, NV).select_one("h1.title").get_text()
    assert untitled.select_one("h1.label").get_text() == f"Annex to {title}"  # its only annex, unnumbered
    assert untitled.select_one("title").get_text() == f"Annex to {title}"


# -- the ontology ---------------------------------------------------------------------------------------

def test_the_ontology_is_documented_at_its_iri(site):
    doc = page(site, "/ontology")
    organ = doc.select_one("section.term#Organ")
    assert organ.select_one(".term-label").get_text() == "organ"
    assert organ.select_one(".curie").get_text() == "unkg:Organ"
    assert "org:OrganizationalUnit" in organ.get_text()
    state = doc.select_one("section.term#state")
    assert "schema:Country" in state.select_one("dd.relation").parent.get_text()
    assert {a["href"] for a in doc.select("nav.toc a")} >= {"#Organ", "#state", "#classes"}
    zh = page(site, "/ontology?lang=zh")
    assert zh.select_one("section.term#Organ .term-label").get_text() == "机关"


@pytest.mark.parametrize("accept,fmt", [("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", None),
                                        ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_the_ontology_negotiates_its_format(site, accept, fmt, tmp_path):
    from unkg.rdf.read import read_quads

    response = get(site, "/ontology", Accept=accept)
    assert response.status_code == 200 and response.content_type.startswith(accept)
    if fmt is None:
        path = tmp_path / "ontology.jsonld"
        path.write_bytes(response.data)
        triples = {str(q.triple) for q in read_quads(path)}
    else:
        triples = {str(t) for t in ox.parse(response.data, format=fmt)}
    expected = {str(t) for t in ox.parse(path=str(site[1] / "ontology" / "unkg.ttl"))}
    assert triples == expected
    assert "Accept" in response.headers["Vary"]


# -- hostile text -----------------------------------------------------------------------------------------

def test_hostile_text_is_escaped_on_every_page(site):
    letter_path = evil_letter(site)
    paths = [letter_path, letter_path + "!annex_1", "/id/state/turkiye", "/", "/ontology"]
    for path in paths:
        response = get(site, path, Accept="text/html")
        assert response.status_code == 200, path
        raw = response.data
        assert b"<img src=x" not in raw and b"<script>alert" not in raw, path
        soup = BeautifulSoup(raw.decode("utf-8"), "html.parser")
        assert not soup.select("img") and all(s.get("type") == "application/ld+json" for s in soup.select("script"))
    assert page(site, "/ontology").select_one("section.term#Hostile .term-label").get_text() == SCRIPT
    letter = page(site, letter_path)
    assert HOSTILE in letter.select_one("div.text").get_text()
    assert SCRIPT in letter.select_one(".annex-title").get_text()
    state = page(site, "/id/state/turkiye")
    assert any("onerror=alert(1)>土耳其共和国" in q.get_text() for q in state.select("section.mentioned q"))
    downloads = [a["href"] for a in letter.select(".downloads a") if a["href"].startswith(("/files/", "/source/"))]
    assert len(downloads) == 11  # the source; MARC (3), Dublin Core; Turtle, JSON-LD, AKN, facts, report (2) and all(EVIL_KEY not in h for h in downloads)  # the folder's name, percent-encoded
    for href in downloads:
        response = get(site, href)
        assert response.status_code == 200, href
        disposition = response.headers["Content-Disposition"]
        assert '"' not in disposition.split('filename="', 1)[1].split('"', 1)[0] and "\n" not in disposition


@pytest.mark.parametrize("path", ["/akn/%00%FF", "/id/state/a b", "/akn/un/doc/%3Cx%3E", "/ontology/x",
                                  "/files/marc/%FF", "/source/%00"])
def test_a_path_that_makes_no_iri_is_not_found(site, path):
    for accept in ("text/html", "text/turtle"):
        assert get(site, path, Accept=accept).status_code == 404, (path, accept)
