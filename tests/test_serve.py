"""`unkg serve`: the SPARQL 1.1 Protocol, read-only. The cases of the W3C protocol test suite
(../shared/validators/sparql11-protocol/manifest.ttl) that apply to a read-only endpoint are replayed as
the manifest writes them; the update cases are refused; the time and size limits answer 503 and the
server stays up."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import quote

import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF

from unkg.build import build
from unkg.config import load_settings
from unkg.serve import App

from conftest import WsgiServer, make_project, shared_path

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")

# the read-only cases: queries (by GET, form POST, direct POST; result types) and malformed requests.
# Not here: the cases that load remote graphs by URL into the dataset, and the update cases (refused).
READ_ONLY = ["query_post_form", "query_get", "query_content_type_select", "query_content_type_ask",
             "query_content_type_describe", "query_content_type_construct", "query_post_direct",
             "bad_query_method", "bad_multiple_queries", "bad_query_wrong_media_type",
             "bad_query_missing_form_type", "bad_query_missing_direct_type", "bad_query_non_utf8",
             "bad_query_syntax", "bad_update_get"]
UPDATES = ["update_post_form", "update_post_direct"]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("serve"))
    settings = load_settings(project, env={})
    assert build(settings).built
    return settings


@pytest.fixture(scope="module")
def server(settings):
    app = App(settings)
    srv = WsgiServer(app)
    yield srv
    srv.close()
    app.close()


@pytest.fixture(scope="module")
def manifest():
    return Graph().parse(shared_path("validators", "sparql11-protocol", "manifest.ttl"), format="turtle")


def _requests(manifest: Graph, name: str):
    node = next(s for s in manifest.subjects(RDF.type, MF.ProtocolTest) if str(s).endswith("#" + name))
    action = manifest.value(node, MF.action)
    for request in Collection(manifest, manifest.value(action, HT.requests)):
        headers = {}
        listed = manifest.value(request, HT.headers)
        if listed is not None:
            for h in Collection(manifest, listed):
                headers[str(manifest.value(h, HT.fieldName))] = str(manifest.value(h, HT.fieldValue))
        body = None
        content = manifest.value(request, HT.body)
        if content is not None:
            encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
            body = str(manifest.value(content, CNT.chars)).encode(encoding.lower())
        response = manifest.value(request, HT.resp)
        expected = {str(s).rsplit("#", 1)[-1] for s in manifest.objects(response, MF.expectedStatus)}
        boolean = manifest.value(response, MF.expectedBoolean)
        fmt = manifest.value(response, MF.expectedFormat)
        yield (str(manifest.value(request, HT.methodName)), str(manifest.value(request, HT.absolutePath)),
               body, headers, expected, boolean, fmt)


FORMATS = {"boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
           "SPARQLResultsXML": ("application/sparql-results+xml",)}


@pytest.mark.parametrize("name", READ_ONLY)
def test_protocol_case(server, manifest, name):
    for method, path, body, headers, expected, boolean, fmt in _requests(manifest, name):
        status, ctype, data = server.request(method, path, body, headers)
        klass = f"StatusCode{status // 100}xx"
        assert klass in expected, (name, status, data[:200])
        if boolean is not None and status == 200:
            assert ctype.startswith("application/sparql-results+json")
            assert json.loads(data)["boolean"] is bool(boolean.toPython())
        if fmt is not None and str(fmt) in FORMATS and status == 200:
            assert ctype.split(";")[0] in FORMATS[str(fmt)], (name, ctype)


@pytest.mark.parametrize("name", UPDATES)
def test_updates_are_refused(server, manifest, name):
    for method, path, body, headers, *_ in _requests(manifest, name):
        status, _, data = server.request(method, path, body, headers)
        assert status == 403 and b"read-only" in data


def test_query_the_seed_by_get_with_each_result_type(server):
    q = quote("SELECT ?date WHERE { ?l <https://schema.org/dateSent> ?date }")
    for accept, check in (("application/sparql-results+json", lambda d: b'"2025-05-28"' in d),
                          ("application/sparql-results+xml", lambda d: b">2025-05-28<" in d),
                          ("text/csv", lambda d: d.splitlines()[1] == b"2025-05-28"),
                          ("text/tab-separated-values", lambda d: b'"2025-05-28"' in d)):
        status, ctype, data = server.request("GET", f"/sparql?query={q}", headers={"Accept": accept})
        assert status == 200 and ctype.startswith(accept) and check(data), accept


def test_construct_by_accept(server):
    q = quote("CONSTRUCT { ?l <https://schema.org/dateSent> ?d } WHERE { ?l <https://schema.org/dateSent> ?d }")
    status, ctype, data = server.request("GET", f"/sparql?query={q}", headers={"Accept": "application/n-triples"})
    assert status == 200 and ctype.startswith("application/n-triples") and data.count(b"\n") == 1


def test_the_dataset_files_are_served_as_built(server, settings):
    status, ctype, data = server.request("GET", "/data/dataset.nq")
    assert status == 200 and ctype.startswith("application/n-quads")
    assert data == (settings.build_dir / "dataset.nq").read_bytes()
    status, ctype, _ = server.request("GET", "/data/dataset.jsonld")
    assert status == 200 and ctype.startswith("application/ld+json")
    assert server.request("GET", "/data/dataset.trig")[0] == 404  # not asked for by the dumps setting
    assert server.request("GET", "/data/manifest.json")[0] == 404  # not a dataset file


def test_bad_query_says_why(server):
    status, _, data = server.request("GET", "/sparql?query=" + quote("SELECT ?s WHERE { ?s ?p }"))
    assert status == 400 and b"not valid SPARQL" in data and b"1:" in data


def test_limits_answer_503_and_the_server_stays_up(settings):
    slow = App(dataclasses.replace(settings, query_timeout=2.0))  # the query would take hours
    small = App(dataclasses.replace(settings, result_limit=3))
    for app, query, words in (
        (slow, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", b"time limit"),
        (small, "SELECT ?s WHERE { ?s ?p ?o }", b"larger than the limit"),
    ):
        srv = WsgiServer(app)
        try:
            status, _, data = srv.request("GET", "/sparql?query=" + quote(query))
            assert status == 503 and words in data
            status, _, _ = srv.request("GET", "/sparql?query=" + quote("ASK {}"))
            assert status == 200
        finally:
            srv.close()
            app.close()
