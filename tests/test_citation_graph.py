"""Issue 19, the graph half: citations in the graph, the citation queries and the network export.

A collection of two English letters (built on the genre's real forms, as tests/cases/en-full-masthead; their
symbols, names and texts fictional) where one cites the other, beside the seed:

- S/2025/215, dated 1 April 2025, to the President of the Security Council: its body cites Article 51 of the
  Charter, resolution 2216 (2015) and resolution 2231 (2015);
- A/79/901-S/2025/402, dated 30 May 2025, to the Secretary-General: its body cites the letter S/2025/215 and
  resolution 2231 (2015); its annex cites Article 51 of the Charter and resolution 2231 (2015) again.

Every answer below was counted by hand from these texts. Where the parser reads no citation (before
parse/citations.py reads them), each one is made here from the words of the text, found in it: the answers
must be the same either way.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import unkg.pipeline
from unkg import authority
from unkg.build import build, tool_fingerprint
from unkg.build.generations import read_manifest
from unkg.config import load_settings
from unkg.mapping import map_document
from unkg.mapping_citations import cited_work
from unkg.model import Citation, Fact, Span
from unkg.parse import parse_file
from unkg.vocab import DCTERMS, OA, UNKG

from conftest import SEED_KEY, default, make_project, run_unkg, shared_path

CITED = """S/2025/215

United Nations

Security Council

Distr.: General
3 April 2025
Original: English

Letter dated 1 April 2025 from the Permanent Representative of Azerbaijan to the
United Nations addressed to the President of the Security Council
I have the honour to inform you that the measures described below were taken in the
exercise of the inherent right of self-defence under Article 51 of the Charter of the United Nations,
and in keeping with the relevant provisions of Security Council resolution 2216 (2015)
and of resolution 2231 (2015).
I should be grateful if the present letter could be circulated as a document of the
Security Council.
(Signed) Tofig Musayev
Ambassador
Permanent Representative
"""

CITING = """A/79/901-S/2025/402

United Nations

General Assembly
Security Council

Distr.: General
2 June 2025
Original: English

General Assembly
Seventy-ninth session
Agenda item 84
The rule of law at the national and international levels

Security Council
Eightieth year

Letter dated 30 May 2025 from the Permanent Representative of Azerbaijan to the
United Nations addressed to the Secretary-General
I have the honour to refer to my letter dated 1 April 2025 (S/2025/215) and to
Security Council resolution 2231 (2015), and to transmit herewith a statement by the
Ministry of Foreign Affairs of Azerbaijan (see annex).
I would be grateful if the present letter and its annex could be circulated as a
document of the General Assembly, under agenda item 84, and of the Security Council.
(Signed) Tofig Musayev
Ambassador
Permanent Representative

Annex to the letter dated 30 May 2025 from the Permanent Representative of
Azerbaijan to the United Nations addressed to the Secretary-General
Statement by the Ministry of Foreign Affairs of Azerbaijan
Azerbaijan recalls Article 51 of the Charter of the United Nations and
resolution 2231 (2015) of the Security Council.
"""

CHARTER = "Charter of the United Nations"
# what each text cites, as the words a reader finds there: (words, kind, part, symbol, article); the part's
# words are looked for after the annex heading for an annex
BY_HAND = {
    "S-2025-215": [("Article 51 of the Charter of the United Nations", "article", "main",
                    f"{CHARTER}, Article 51", "51"),
                   ("resolution 2216 (2015)", "resolution", "main", "S/RES/2216 (2015)", None),
                   ("resolution 2231 (2015)", "resolution", "main", "S/RES/2231 (2015)", None)],
    "A-79-901": [("S/2025/215", "letter", "main", "S/2025/215", None),
                 ("resolution 2231 (2015)", "resolution", "main", "S/RES/2231 (2015)", None),
                 ("Article 51 of the Charter of the United Nations", "article", "annex_1",
                  f"{CHARTER}, Article 51", "51"),
                 ("resolution 2231 (2015)", "resolution", "annex_1", "S/RES/2231 (2015)", None)],
}
EDGES = 6  # S/2025/215: Article 51, 2216, 2231; A/79/901-S/2025/402: S/2025/215, 2231, Article 51


def _with_citations(doc, auth):
    """The document as the parser read it, with the citations read by hand from its text when the parser read
    none (each quote found in the text, its span where it is)."""
    if doc.citations:
        return doc
    raw = doc.source.raw
    annex = raw.find("\nAnnex")
    charter = auth.lookup(CHARTER, "en", "instrument")
    made = []
    for words, kind, part, symbol, article in BY_HAND.get(doc.source.key, []):
        start = raw.index(words, annex if part != "main" else 0)
        if part == "main":
            assert annex < 0 or start < annex
        end = start + len(words)
        span = Span(start, end, raw.count("\n", 0, start) + 1, raw.count("\n", 0, end) + 1)
        made.append(Citation(kind, Fact(words, span, words), part, symbol, charter if article else None, article))
    return dataclasses.replace(doc, citations=tuple(sorted(made, key=lambda c: c.surface.span.start)))


def _charter_known(project: Path) -> None:
    """The Charter in the project's authority data (the parser's instruments file names it; a test project
    made before it lands gets the entry, its English name only)."""
    folder = project / "source" / "authorities"
    if CHARTER not in (folder / "instruments.ttl").read_text(encoding="utf-8"):
        (folder / "charter.ttl").write_text(
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix schema: <https://schema.org/> .\n"
            f'<instrument/charter-of-the-united-nations> a schema:Legislation ; skos:prefLabel "{CHARTER}"@en .\n',
            encoding="utf-8")


def _add(project: Path, key: str, text: str) -> None:
    folder = project / "source" / "documents" / key
    folder.mkdir(parents=True)
    (folder / "en.txt").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def citing_parse(request):
    """The pipeline's parser, with the citations by hand where it reads none (in this process: jobs=1)."""
    real = unkg.pipeline.parse_file
    unkg.pipeline.parse_file = lambda path, auth: _with_citations(real(path, auth), auth)
    request.addfinalizer(lambda: setattr(unkg.pipeline, "parse_file", real))


def _build(project: Path):
    report = build(load_settings(project, env={}), jobs=1)
    assert not report.refused, report.refused
    return report


@pytest.fixture(scope="module")
def project(tmp_path_factory, citing_parse) -> Path:
    project = make_project(tmp_path_factory.mktemp("citations"))
    _charter_known(project)
    _add(project, "S-2025-215", CITED)
    _add(project, "A-79-901", CITING)
    report = _build(project)
    assert len(report.built) == 3
    return project


@pytest.fixture(scope="module")
def base(project) -> str:
    return load_settings(project, env={}).base


def _select(project: Path, query: str) -> list[dict[str, str]]:
    result = run_unkg("query", query, "--format", "csv", cwd=project)
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _works(project: Path) -> dict[str, str]:
    """Each letter's Work IRI by its first symbol (from the graph)."""
    rows = _select(project, "SELECT ?w (MIN(?s) AS ?symbol) WHERE { ?w a <https://w3id.org/un/ontology/undo/"
                            "OfficialLetter> ; <http://purl.org/dc/terms/identifier> ?s } GROUP BY ?w")
    return {r["symbol"]: r["w"] for r in rows}


# -- the graph --------------------------------------------------------------------------------------------

def test_a_cited_letter_of_the_collection_is_one_node_with_it(project, base):
    """The body of A/79/901-S/2025/402 cites S/2025/215: its language version references the Work that symbol
    names, which is the Work of the collection's S/2025/215 (owl:sameAs, the document's own statement)."""
    works = _works(project)
    citing, cited = works["A/79/901"], works["S/2025/215"]
    assert cited.endswith("/officialLetter/unsc/2025-04-01/S-2025-215")
    ask = f"""ASK {{ <{citing}> <https://w3id.org/akn/ontology/allot/hasRealization> ?part .
        ?part <http://purl.org/dc/terms/references> ?node . <{cited}> <{OWL.sameAs}> ?node .
        ?node <http://purl.org/dc/terms/identifier> "S/2025/215" }}"""
    assert run_unkg("query", ask, cwd=project).stdout == "yes\n"
    assert str(cited_work(base, "S/2025/215")) == f"{base}/akn/un/doc/S-2025-215"
    # and no other node is named by that symbol
    rows = _select(project, 'SELECT DISTINCT ?n WHERE { ?x <http://purl.org/dc/terms/references> ?n . '
                            '?n <http://purl.org/dc/terms/identifier> "S/2025/215" }')
    assert [r["n"] for r in rows] == [f"{base}/akn/un/doc/S-2025-215"]


def _parsed(tmp_path: Path, key: str, text: str, auth):
    (tmp_path / key).mkdir()
    (tmp_path / key / "en.txt").write_text(text, encoding="utf-8")
    return parse_file(tmp_path / key / "en.txt", auth)


def test_citation_annotations_quote_the_text(project, tmp_path):
    """Each occurrence is a unkg:Citation in the citing version's graph: its part, what it cites, its kind,
    and the quote at its offsets in the source."""
    settings = load_settings(project, env={})
    auth = authority.load(settings.authorities_dir, settings.base)
    raw = CITING
    doc = _with_citations(_parsed(tmp_path, "A-79-901", raw, auth), auth)
    g = map_document(doc, auth, settings.base)
    citations = sorted(g.subjects(RDF.type, UNKG.Citation))
    assert len(citations) == 4
    for c in citations:
        start, end = (int(g.value(c, UNKG[k])) for k in ("start", "end"))
        assert str(g.value(c, UNKG.exact)) == raw[start:end]
        target = g.value(c, OA.hasTarget)
        assert (target, DCTERMS.references, g.value(c, OA.hasBody)) in g
    (letter,) = [c for c in citations if str(g.value(c, UNKG.exact)) == "S/2025/215"]
    assert str(g.value(letter, UNKG.citationKind)).endswith("/id/cited-kind/letter")
    node = g.value(letter, OA.hasBody)
    assert g.value(node, DCTERMS.identifier) == Literal("S/2025/215")
    assert g.value(node, RDFS.seeAlso) == URIRef("https://undocs.org/S/2025/215")
    (annex_article,) = [c for c in citations if str(g.value(c, OA.hasTarget)).endswith("!annex_1")
                        and "Article" in str(g.value(c, UNKG.exact))]
    article = g.value(annex_article, OA.hasBody)
    assert str(article).endswith("/id/instrument/charter-of-the-united-nations/article/51")
    assert g.value(article, UNKG.articleNumber) == Literal("51")
    assert str(g.value(article, DCTERMS.isPartOf)).endswith("/id/instrument/charter-of-the-united-nations")


def test_resolutions_link_to_undocs_with_the_symbol_encoded(project):
    rows = _select(project, "SELECT DISTINCT ?s ?link WHERE { ?r a <https://w3id.org/un/ontology/undo/Resolution>"
                            " ; <http://purl.org/dc/terms/identifier> ?s ; "
                            "<http://www.w3.org/2000/01/rdf-schema#seeAlso> ?link } ORDER BY ?s")
    assert rows == [{"s": "S/RES/2216 (2015)", "link": "https://undocs.org/S/RES/2216%20(2015)"},
                    {"s": "S/RES/2231 (2015)", "link": "https://undocs.org/S/RES/2231%20(2015)"}]


def test_an_unresolved_citation_invents_no_work_and_says_why(auth, settings, tmp_path):
    """A citation without a symbol ('my letter dated 1 April 2025', had the text not given its symbol) has its
    quote and a reason, no body, no dcterms:references; the shapes warn, both validators alike."""
    from unkg.pipeline import Pipeline

    doc = _parsed(tmp_path, "A-79-901", CITING, auth)
    raw = doc.source.raw
    words = "my letter dated 1 April 2025"
    start = raw.index(words)
    span = Span(start, start + len(words), raw.count("\n", 0, start) + 1, raw.count("\n", 0, start) + 1)
    doc = dataclasses.replace(doc, citations=(Citation("letter", Fact(words, span, words), "main", None),))
    g = map_document(doc, auth, settings.base)
    (c,) = g.subjects(RDF.type, UNKG.Citation)
    assert g.value(c, OA.hasBody) is None and not list(g.triples((None, DCTERMS.references, None)))
    assert g.value(c, UNKG.unresolvedReason) == UNKG.SymbolNotCertain
    assert str(g.value(c, UNKG.exact)) == words
    pipeline = Pipeline(settings)
    fast = {(r.severity, str(r.focus), r.message) for r in pipeline.validate(g)}
    reference = {(r.severity, str(r.focus), r.message) for r in
                 unkg.pipeline.validate_graph(g + pipeline.auth_graph, pipeline.shapes).results}
    assert fast == reference
    assert ("Warning", str(c), "The text does not make certain what it cites (an unresolved citation).") in fast
    assert not any(s == "Violation" for s, _, _ in fast)


def test_a_citation_with_neither_body_nor_reason_is_refused(auth, settings):
    """The shapes: a citation cites something or says why not; a referenced node has an identifier and a
    citation anchoring it. (The compiled validator looks at the nodes the document describes: a referenced
    node with no statement of its own is pySHACL's alone to find; the mapping never makes one.)"""
    from unkg.pipeline import Pipeline

    g = Graph()
    ann = URIRef(f"{settings.base}/akn/un/doc/x#citation_1")
    part = URIRef(f"{settings.base}/akn/un/doc/x")
    g.add((ann, RDF.type, UNKG.Citation))
    g.add((ann, OA.hasTarget, part))
    g.add((ann, UNKG.exact, Literal("resolution 2231", lang="en")))
    cited = URIRef(f"{settings.base}/akn/un/doc/y")  # a cited Work without its symbol
    g.add((part, DCTERMS.references, cited))
    g.add((cited, RDF.type, URIRef("https://w3id.org/un/ontology/undo/Document")))
    pipeline = Pipeline(settings)
    shapes = "https://w3id.org/unkg/shapes#"
    for results in (pipeline.validate(g),
                    unkg.pipeline.validate_graph(g + pipeline.auth_graph, pipeline.shapes).results):
        fired = {str(r.source or r.shape) for r in results if r.severity == "Violation"}
        assert fired == {shapes + "Citation-body-or-reason", shapes + "CitedWork-identifier",
                         shapes + "CitedWork-annotated"}


# -- the queries (answers counted by hand from the two texts) ---------------------------------------------

def _query(name: str) -> str:
    return (default("queries") / f"{name}.rq").read_text(encoding="utf-8")


def test_most_cited_resolutions(project, base):
    rows = _select(project, _query("most-cited-resolutions"))
    assert [(r["symbol"], r["letters"]) for r in rows] == [("S/RES/2231 (2015)", "2"), ("S/RES/2216 (2015)", "1")]
    assert rows[0]["resolution"] == f"{base}/akn/un/doc/S-RES-2231-2015"


def test_what_cites_a_symbol(project):
    works = _works(project)
    query = _query("cites-symbol")
    assert '"S/2022/641"' in query  # its parameter, as its first comment says
    rows = _select(project, query.replace('"S/2022/641"', '"S/2025/215"'))
    assert [(r["letter"], r["part"]) for r in rows] == [(works["A/79/901"], f"{works['A/79/901']}/eng@2025-05-30")]
    assert "S/2025/215" in rows[0]["words"]
    rows = _select(project, query.replace('"S/2022/641"', '"S/RES/2231 (2015)"'))
    assert sorted({(r["letter"], r["part"]) for r in rows}) == sorted([
        (works["A/79/901"], f"{works['A/79/901']}/eng@2025-05-30"), (works["A/79/901"], f"{works['A/79/901']}!annex_1"),
        (works["S/2025/215"], f"{works['S/2025/215']}/eng@2025-04-01")])
    assert _select(project, query) == []  # S/2022/641: cited by none of them


def test_letters_invoking_article_51(project):
    works = _works(project)
    rows = _select(project, _query("article-51"))
    assert rows == [
        {"letter": works["S/2025/215"], "date": "2025-04-01", "part": f"{works['S/2025/215']}/eng@2025-04-01"},
        {"letter": works["A/79/901"], "date": "2025-05-30", "part": f"{works['A/79/901']}!annex_1"}]


# -- the network export -----------------------------------------------------------------------------------

def test_graphml_loads_in_networkx_with_the_sparql_count_of_edges(project, base):
    nx = pytest.importorskip("networkx")
    built = project / "build"
    network = nx.read_graphml(built / "citations.graphml")
    sparql = _select(project, _query("citation-network"))
    assert network.number_of_edges() == len(sparql) == EDGES
    works = _works(project)
    citing, cited = works["A/79/901"], works["S/2025/215"]
    assert network.has_edge(citing, cited)  # the cited letter of the collection is its node
    assert f"{base}/akn/un/doc/S-2025-215" not in network
    assert network.nodes[cited]["in_collection"] is True and network.nodes[cited]["symbol"] == "S/2025/215"
    assert network.nodes[citing]["symbol"] == "A/79/901; S/2025/402"
    resolution = f"{base}/akn/un/doc/S-RES-2231-2015"
    assert network.nodes[resolution] == {"iri": resolution, "symbol": "S/RES/2231 (2015)", "kind": "resolution",
                                         "in_collection": False}
    assert network.in_degree(resolution) == 2
    edge = network.edges[citing, resolution]
    # resolution 2231 (2015): once in the body, once in the annex of the English version
    assert (edge["occurrences"], edge["parts"], edge["languages"], edge["kind"]) == (2, "main; annex_1", "en",
                                                                                     "resolution")
    seed = next(n for n, d in network.nodes(data=True) if SEED_KEY in n)
    assert network.degree(seed) == 0 and network.nodes[seed]["in_collection"] is True


def test_graphml_is_graphml_by_structure(project):
    """Read by an XML parser: the GraphML namespace, a directed graph, keys declared for every data, every edge
    between declared nodes."""
    from lxml import etree

    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = etree.parse(str(project / "build" / "citations.graphml")).getroot()
    assert root.tag == "{http://graphml.graphdrawing.org/xmlns}graphml"
    (graph,) = root.findall("g:graph", ns)
    assert graph.get("edgedefault") == "directed"
    keys = {k.get("id") for k in root.findall("g:key", ns)}
    assert {d.get("key") for d in graph.iter("{http://graphml.graphdrawing.org/xmlns}data")} == keys
    nodes = {n.get("id") for n in graph.findall("g:node", ns)}
    edges = graph.findall("g:edge", ns)
    assert len(edges) == EDGES and all({e.get("source"), e.get("target")} <= nodes for e in edges)


def test_csv_edge_list_and_codebook_agree_with_the_graphml(project):
    nx = pytest.importorskip("networkx")
    built = project / "build"
    network = nx.read_graphml(built / "citations.graphml")
    rows = list(csv.DictReader(io.StringIO((built / "citations.csv").read_text(encoding="utf-8"))))
    assert len(rows) == network.number_of_edges()
    assert {(r["source"], r["target"]) for r in rows} == set(network.edges())
    codebook = (built / "citations-codebook.md").read_text(encoding="utf-8")
    for column in rows[0]:
        assert re.search(rf"^\| `{column}` \|", codebook, re.M), column
    for r in rows:
        assert r["target_in_collection"] == ("true" if network.nodes[r["target"]]["in_collection"] else "false")


def test_the_network_of_an_incremental_build_is_a_fresh_builds(project, tmp_path, citing_parse):
    """Remove the citing letter and build again (incremental: one document of three gone): the network
    files are those a build from nothing of the same sources writes, byte for byte."""
    import shutil

    shutil.rmtree(project / "source" / "documents" / "A-79-901")
    try:
        settings = load_settings(project, env={})
        tool = read_manifest(project / "build")["tool"]  # the build before's
        report = _build(project)
        if tool_fingerprint(settings, False) == tool:  # (unkg's code edited meanwhile: a build from nothing)
            assert report.processed == []  # the two left reused from the build before: an incremental build
        fresh = make_project(tmp_path)
        _charter_known(fresh)
        _add(fresh, "S-2025-215", CITED)
        _build(fresh)
        for name in ("citations.graphml", "citations.csv", "citations-codebook.md"):
            assert (project / "build" / name).read_bytes() == (fresh / "build" / name).read_bytes(), name
        rows = list(csv.DictReader(io.StringIO((fresh / "build" / "citations.csv").read_text(encoding="utf-8"))))
        assert len(rows) == 3  # S/2025/215's own citations; nothing cites it now
    finally:
        _add(project, "A-79-901", CITING)
        _build(project)


def test_the_cards_cites_are_rebuilt_from_the_graph(project):
    """The facts card's `cites` (each symbol or provision once, in the order first cited) from the graph alone
    (queries/facts-cites.rq), as the parser's card has it."""
    from unkg.facts import card
    from unkg.graphfacts import card_from_graph, load_queries
    from unkg.rdf.read import read_rdf

    settings = load_settings(project, env={})
    auth = authority.load(settings.authorities_dir, settings.base)
    graph = read_rdf(project / "build" / "dataset.nq")
    works = _works(project)
    queries = load_queries(default("queries"))
    for key, expr in (("A-79-901", f"{works['A/79/901']}/eng@2025-05-30"),
                      ("S-2025-215", f"{works['S/2025/215']}/eng@2025-04-01")):
        doc = _with_citations(parse_file(project / "source" / "documents" / key / "en.txt", auth), auth)
        got = card_from_graph(graph, URIRef(expr), queries)["cites"]
        assert got == card(doc)["cites"]
    a = card_from_graph(graph, URIRef(f"{works['A/79/901']}/eng@2025-05-30"), queries)["cites"]
    assert a == ["S/2025/215", "S/RES/2231 (2015)", f"{CHARTER}, Article 51"]  # body, then the annex


def test_citing_graphs_read_the_same_as_turtle_and_as_json_ld(project):
    """The citation terms of the context (references, citationKind, seeAlso …) lose nothing in JSON-LD."""
    from unkg.rdf.read import read_quads

    for key in ("A-79-901", "S-2025-215"):
        ttl = project / "build" / "documents" / f"{key}.en.ttl"
        from_ttl = {str(q.triple) for q in read_quads(ttl)}
        assert any("http://purl.org/dc/terms/references" in t for t in from_ttl)
        assert from_ttl == {str(q.triple) for q in read_quads(ttl.with_suffix(".jsonld"))}, key


# -- a real pair: S/1997/107 answers the letter A/51/794-S/1997/106 and cites it --------------------------

@pytest.fixture(scope="module")
def real_pair(tmp_path_factory) -> Path:
    """Two documents of ../shared/corpus: identical letters dated 31 January 1997 from the Secretary-General
    (A/51/794-S/1997/106), and the President of the Security Council's reply of 4 February 1997 (S/1997/107),
    whose body reads 'your letter dated 31 January 1997 (A/51/794-S/1997/106)'. The parser reads the
    citations (no hand-made ones)."""
    corpus = shared_path("corpus", "en")
    project = make_project(tmp_path_factory.mktemp("real-pair"), documents=False)
    for key, name in (("A-51-794_S-1997-106", "en_A-51-794_S-1997-106.txt"), ("S-1997-107", "en_S-1997-107.txt")):
        _add(project, key, (corpus / name).read_text(encoding="utf-8"))
    report = build(load_settings(project, env={}), jobs=1)
    assert sorted(report.built) == ["A-51-794_S-1997-106/en", "S-1997-107/en"], report.refused
    return project


def test_a_real_reply_and_the_letter_it_cites_are_linked_as_one_node(real_pair, base):
    letter = f"{base}/akn/un/doc/officialLetter/unga-unsc/1997-01-31/A-51-794_S-1997-106"
    reply = f"{base}/akn/un/doc/officialLetter/unsc/1997-02-04/S-1997-107"
    # the reply's version references the Works both symbols name, each the letter of the collection
    rows = _select(real_pair, f"""SELECT ?cited ?symbol WHERE {{
        <{reply}> <https://w3id.org/akn/ontology/allot/hasRealization> ?part .
        ?part <http://purl.org/dc/terms/references> ?cited . ?cited <http://purl.org/dc/terms/identifier> ?symbol .
        <{letter}> <{OWL.sameAs}> ?cited }} ORDER BY ?symbol""")
    assert [(r["cited"], r["symbol"]) for r in rows] == [(f"{base}/akn/un/doc/A-51-794", "A/51/794"),
                                                         (f"{base}/akn/un/doc/S-1997-106", "S/1997/106")]
    # the letter's own citation: 'my report of 26 November 1996 to the General Assembly (A/51/695-S/1996/998)'
    edges = _select(real_pair, _query("citation-network"))
    assert sorted((r["letter"], r["symbol"]) for r in edges) == [
        (letter, "A/51/695"), (letter, "S/1996/998"), (reply, "A/51/794"), (reply, "S/1997/106")]
    nx = pytest.importorskip("networkx")
    network = nx.read_graphml(real_pair / "build" / "citations.graphml")
    assert network.number_of_edges() == len(edges) == 4
    assert network.number_of_edges(reply, letter) == 2  # cited by its two symbols: one node, two edges
    assert network.nodes[letter]["in_collection"] is True and network.nodes[letter]["kind"] == "identical letters"


def test_a_documents_entry_joins_its_language_versions(project, tmp_path):
    """The network keeps one edge per cited node for a document of several versions: the parts and languages
    citing it, and the most occurrences one version has (not their sum: the versions are translations)."""
    from unkg.mapping import Minter
    from unkg.mapping_citations import network_entry

    settings = load_settings(project, env={})
    auth = authority.load(settings.authorities_dir, settings.base)
    en = _with_citations(_parsed(tmp_path, "A-79-901", CITING, auth), auth)
    # a second version whose annex does not cite the resolution (as if its translator had left it out)
    fr = dataclasses.replace(en, language=dataclasses.replace(en.language, value="fr"), citations=tuple(
        c for c in en.citations if not (c.part == "annex_1" and c.kind == "resolution")))
    entry = network_entry([en, fr], Minter(settings.base, auth))
    assert entry["symbols"] == ["A/79/901", "S/2025/402"] and entry["kind"] == "letter"
    assert entry["aliases"] == [f"{settings.base}/akn/un/doc/A-79-901", f"{settings.base}/akn/un/doc/S-2025-402"]
    by_target = {e["target"]: e for e in entry["edges"]}
    assert len(by_target) == 3
    resolution = by_target[f"{settings.base}/akn/un/doc/S-RES-2231-2015"]
    assert (resolution["occurrences"], resolution["parts"], resolution["languages"]) == (2, ["main", "annex_1"],
                                                                                        ["en", "fr"])
    letter = by_target[f"{settings.base}/akn/un/doc/S-2025-215"]
    assert (letter["cited"], letter["kinds"], letter["occurrences"]) == ("S/2025/215", ["letter"], 1)
