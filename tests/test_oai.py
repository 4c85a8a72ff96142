"""OAI-PMH at /oai (issue 6): every response valid against OAI-PMH.xsd, the records inside valid against their
own schemas, a whole harvest with a real harvester (oaipmh-scythe) through resumption tokens, and the
protocol's error codes for bad requests (never a 500)."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from oaipmh_scythe import Scythe

from werkzeug.test import Client

from unkg.config import load_settings
from unkg.serve import App

from conftest import DOCUMENTS, SEED_KEY, WsgiServer, shared_path

OAI = "{http://www.openarchives.org/OAI/2.0/}"
PAGE = 2  # records per list response: the exchange project's 6 documents take 3 pages


@pytest.fixture(scope="module")
def app(exchange_project):
    settings = load_settings(exchange_project, env={"UNKG_OAI_PAGE_SIZE": str(PAGE)})
    app = App(settings)
    yield app
    app.close()


@pytest.fixture(scope="module")
def server(app):
    srv = WsgiServer(app)
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def index(exchange_project) -> dict:
    return json.loads((exchange_project / "build" / "oai.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def oai_schema():
    return etree.XMLSchema(etree.parse(str(shared_path("validators", "xsd", "OAI-PMH.xsd"))))


def get(server, oai_schema, **args) -> etree._Element:
    status, kind, body = server.request("GET", "/oai?" + urlencode(args))
    assert status == 200 and kind.startswith("text/xml"), (status, body[:300])
    tree = etree.fromstring(body)
    assert oai_schema.validate(tree), (args, oai_schema.error_log)
    return tree


def error_code(tree) -> str | None:
    err = tree.find(f"{OAI}error")
    return None if err is None else err.get("code")


def test_identify(server, oai_schema, index):
    tree = get(server, oai_schema, verb="Identify")
    ident = tree.find(f"{OAI}Identify")
    assert ident.findtext(f"{OAI}protocolVersion") == "2.0"
    assert ident.findtext(f"{OAI}earliestDatestamp") == min(r["datestamp"] for r in index["records"])
    assert ident.findtext(f"{OAI}baseURL").endswith("/oai")
    assert ident.findtext(f"{OAI}repositoryName") == "unkg: UN communications"  # templates/dataset.toml


def test_metadata_formats_and_sets(server, oai_schema):
    tree = get(server, oai_schema, verb="ListMetadataFormats")
    assert [p.text for p in tree.iter(f"{OAI}metadataPrefix")] == ["oai_dc", "marc21", "akn"]
    sets = {s.findtext(f"{OAI}setSpec"): s.findtext(f"{OAI}setName")
            for s in get(server, oai_schema, verb="ListSets").iter(f"{OAI}set")}
    # the seed is a letter of the General Assembly's 79th session and of the Security Council in 2025
    assert sets["general-assembly:79"] == "General Assembly, 79th session"
    assert sets["security-council:2025"] == "Security Council, 2025"
    assert "general-assembly" in sets and "security-council" in sets


def test_the_harvester_gets_every_document_in_every_format(server, exchange_project, index):
    """oaipmh-scythe follows the resumption tokens to the end of each list."""
    base = f"http://127.0.0.1:{server.port}/oai"
    expected = {r["identifier"] for r in index["records"]}
    assert len(expected) == len(DOCUMENTS) + 1
    marc = etree.XMLSchema(etree.parse(str(shared_path("validators", "xsd", "MARC21slim.xsd"))))
    akn = etree.XMLSchema(etree.parse(str(shared_path("validators", "xsd", "akomantoso30.xsd"))))
    with Scythe(base) as scythe:
        for prefix in ("oai_dc", "marc21", "akn"):
            records = list(scythe.list_records(metadata_prefix=prefix))
            assert sorted(r.header.identifier for r in records) == sorted(expected), prefix
            for r in records:
                inner = r.xml.find(f"{OAI}metadata")[0]
                if prefix == "marc21":
                    doc = etree.ElementTree(etree.fromstring(etree.tostring(inner)))
                    assert marc.validate(doc), marc.error_log
                elif prefix == "akn":
                    assert akn.validate(etree.ElementTree(etree.fromstring(etree.tostring(inner)))), akn.error_log
                else:
                    assert inner.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
        headers = list(scythe.list_identifiers(metadata_prefix="marc21", set_="general-assembly:79"))
        seed = next(r["identifier"] for r in index["records"] if r["key"] == SEED_KEY)
        assert seed in {h.identifier for h in headers}
        record = scythe.get_record(identifier=seed, metadata_prefix="oai_dc")
        assert record.metadata["title"] == ["2025年5月28日阿塞拜疆常驻联合国代表给秘书长的信"]


def test_resumption_pages_are_valid_and_complete(server, oai_schema, index):
    seen, token, pages = [], None, 0
    while True:
        args = {"verb": "ListIdentifiers"}
        args.update({"resumptionToken": token} if token else {"metadataPrefix": "oai_dc"})
        tree = get(server, oai_schema, **args)
        pages += 1
        seen += [h.findtext(f"{OAI}identifier") for h in tree.iter(f"{OAI}header")]
        element = tree.find(f".//{OAI}resumptionToken")
        assert element is not None and element.get("completeListSize") == str(len(index["records"]))
        token = element.text
        if not token:
            break
    assert pages == -(-len(index["records"]) // PAGE) and sorted(seen) == sorted(r["identifier"]
                                                                                for r in index["records"])


def test_from_and_until_select_by_datestamp(server, oai_schema, index):
    stamps = sorted(r["datestamp"] for r in index["records"])
    tree = get(server, oai_schema, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": stamps[-1]})
    assert all(d.text >= stamps[-1] for d in tree.iter(f"{OAI}datestamp"))
    future = get(server, oai_schema, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2999-01-01"})
    assert error_code(future) == "noRecordsMatch"
    day = get(server, oai_schema, verb="ListIdentifiers", metadataPrefix="oai_dc", until=stamps[0][:10])
    assert error_code(day) is None


@pytest.mark.parametrize("args,code", [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-01-01", "until": "2024-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-01-01", "until": "2026-01-01T00:00:00Z"},
     "badArgument"),
    ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:nowhere:1"}, "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "oai:nowhere:1"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "trusteeship-council"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "eyJvZmZzZXQiOiA5OX0"}, "badResumptionToken"),  # {"offset": 99}
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
])
def test_bad_requests_get_the_protocols_errors(server, oai_schema, args, code):
    tree = get(server, oai_schema, **args)
    assert error_code(tree) == code
    request = tree.find(f"{OAI}request")
    if code in ("badVerb", "badArgument"):  # the request element then carries no attributes
        assert dict(request.attrib) == {}


def test_a_repeated_argument_is_a_bad_argument(server, oai_schema):
    status, _, body = server.request("GET", "/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=marc21")
    assert status == 200 and error_code(etree.fromstring(body)) == "badArgument"


def test_post_is_accepted(server, oai_schema):
    status, _, body = server.request("POST", "/oai", body=b"verb=Identify",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    tree = etree.fromstring(body)
    assert status == 200 and oai_schema.validate(tree) and tree.find(f"{OAI}Identify") is not None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@pytest.mark.parametrize("token", [
    "[" * 3000,  # as sent
    _b64(b"[" * 1500),  # a JSON nesting deeper than the parser's recursion (RecursionError, a 500 before)
    _b64(b"[" * 3000),  # longer than any token this repository issues
    _b64(json.dumps({"metadataPrefix": "oai_dc", "offset": 0, "from": "never"}).encode()),  # bad date inside
    _b64(json.dumps({"metadataPrefix": "mods", "offset": 0}).encode()),  # a format not offered, inside
    _b64(json.dumps({"metadataPrefix": "oai_dc", "offset": 10 ** 40}).encode()),
    _b64(json.dumps(["offset", 1]).encode()),
    "\u00e9t\u00e9", "\x01",
])
def test_odd_resumption_tokens_are_bad_resumption_tokens(server, oai_schema, token):
    tree = get(server, oai_schema, verb="ListRecords", resumptionToken=token)
    assert error_code(tree) == "badResumptionToken"


def _oai(app, query: dict) -> tuple[int, bytes]:
    response = Client(app).get("/oai", query_string=query)
    return response.status_code, response.data


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.one_of(TEXT, st.binary(max_size=200).map(_b64),
                       st.dictionaries(st.sampled_from(["metadataPrefix", "from", "until", "set", "offset", "x"]),
                                       st.one_of(TEXT, st.integers(), st.none(), st.booleans()), max_size=5)
                       .map(lambda d: _b64(json.dumps(d).encode()))),
       verb=st.sampled_from(["ListRecords", "ListIdentifiers", "ListSets"]))
def test_any_token_is_answered_by_the_protocol(app, token, verb):
    status, body = _oai(app, {"verb": verb, "resumptionToken": token})
    assert status == 200
    tree = etree.fromstring(body)
    assert tree.tag == f"{OAI}OAI-PMH"
    assert error_code(tree) in (None, "badResumptionToken"), (token, body[:400])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.dictionaries(st.sampled_from(["verb", "metadataPrefix", "identifier", "from", "until", "set",
                                             "resumptionToken"]) | TEXT,
                            st.one_of(TEXT, st.sampled_from(["ListRecords", "GetRecord", "Identify", "oai_dc",
                                                             "ListIdentifiers", "2025-01-01"])), max_size=5))
def test_any_arguments_get_an_oai_pmh_answer(app, args):
    status, body = _oai(app, args)
    assert status == 200
    assert etree.fromstring(body).tag == f"{OAI}OAI-PMH"
