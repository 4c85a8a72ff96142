"""The browser check's site parts (`browser_check.py` runs them): the search on `/` (a search narrows the
list; a facet click filters, and the count shown is the facet's and a SPARQL count's; pagination moves; the
timeline has one mark per month with letters, as many as SPARQL counts), a State's page lists the letter it
sent, and a letter's downloads come with their media type and parse (MARC with pymarc, MARCXML and Akoma
Ntoso against their XSD from ../shared/validators/xsd when it is there, RDF with rdflib).

Selectors, from the templates: index.html (``form.search input[name=q]``, ``.summary .total``,
``ol.letters li a``, ``section.facet[data-facet] li.value[data-key] a`` and ``.n``, ``nav.pagination a[rel=next]``
and ``.current``), _timeline.html (``svg g.month[data-month][data-count]``), resource.html
(``section.backlinks.sent a``), letter.html (``ul.downloads li a[type]``).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

PREFIXES = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX undo: <https://w3id.org/un/ontology/undo/>
PREFIX unkg: <https://w3id.org/unkg/ontology#>
"""
XSD = Path(__file__).resolve().parents[2] / "shared" / "validators" / "xsd"  # ../shared, beside the checkout
TOTAL = "(e => e && Number(e.textContent.trim()))(document.querySelector('.summary .total'))"
LETTERS = "Array.from(document.querySelectorAll('ol.letters li > a'), a => a.getAttribute('href'))"


def js(value) -> str:
    return json.dumps(value)


def _count(site, where: str) -> int:
    rows = site.select(PREFIXES + f"SELECT (COUNT(DISTINCT ?letter) AS ?n) WHERE {{ {where} }}")
    return int(rows[0]["n"]["value"])


def _index(b, site, path: str = "/") -> int | None:
    b.open(site.root + path)
    return b.wait(TOTAL, 20)


def _after_click(b, expression: str, url_test: str, limit: float = 20.0):
    """Click what `expression` finds, and wait until the URL passes `url_test` (JavaScript over `location`)
    and the new page has loaded; its total."""
    b.evaluate(f"{expression}.click()")
    if not b.wait(f"({url_test}) && document.readyState === 'complete'", limit):
        return None
    return b.wait(TOTAL, limit)


# -- the search on / ------------------------------------------------------------------------------------
def search_narrows(b, site, check) -> None:
    """Searching for a sending State's English name finds fewer letters than there are, and at least those it
    sent (SPARQL)."""
    total = _index(b, site)
    letters = _count(site, "?letter a undo:OfficialLetter")
    if not check.expect(total == letters, f"/ shows {total} letters, SPARQL counts {letters}"):
        return
    rows = site.select(PREFIXES + """SELECT ?name (COUNT(DISTINCT ?letter) AS ?n) WHERE {
        ?letter a undo:OfficialLetter ; prov:qualifiedAttribution/prov:hadRole/unkg:state ?state .
        ?state skos:prefLabel ?name . FILTER (LANG(?name) = "en") } GROUP BY ?name ORDER BY ?n ?name LIMIT 1""")
    if not check.expect(rows, "no letter has a sending State to search for"):
        return
    name, sent = rows[0]["name"]["value"], int(rows[0]["n"]["value"])
    b.evaluate(f"(i => {{ i.value = {js(name)}; i.form.requestSubmit(); }})"
               "(document.querySelector('form.search input[name=q]'))")
    found = b.wait(f"new URLSearchParams(location.search).get('q') === {js(name)} && "
                   f"document.readyState === 'complete' && {TOTAL}", 20)
    check.expect(found is not None and sent <= found and (found < total or total == 1),
                 f"searching for {name!r} finds {found} of {total} letters ({sent} sent by that State)")
    check.screenshot(b, "search.png")


def facet_filters(b, site, check) -> None:
    """A click on the sending-State facet's first value: the list holds as many letters as the facet said and
    as SPARQL counts for that State."""
    total = _index(b, site)
    value = "document.querySelector('section.facet[data-facet=state] li.value')"
    picked = b.evaluate(f"(li => li && [li.dataset.key, li.querySelector('.n').textContent.trim()])({value})")
    if not check.expect(picked, "the search page has no sending-State facet value to click"):
        return
    key, shown = picked[0], int(picked[1])
    iri = f"{site.settings.base.rstrip('/')}/id/state/{key}"
    counted = _count(site, f"?letter a undo:OfficialLetter ; prov:qualifiedAttribution/prov:hadRole/unkg:state <{iri}>")
    after = _after_click(b, f"{value}.querySelector('a')",
                         f"new URLSearchParams(location.search).getAll('state').includes({js(key)})")
    listed = len(b.evaluate(LETTERS) or [])
    check.expect(after == shown == counted and listed == min(counted, 20) and (counted < total or total == 1),
                 f"the facet state={key} said {shown}, the page after the click shows {after} ({listed} listed), "
                 f"SPARQL counts {counted}, of {total}")
    check.screenshot(b, "facet.png")


def pagination_moves(b, site, check) -> None:
    """Next goes to page 2: other letters, numbered on."""
    total = _index(b, site)
    first = b.evaluate(LETTERS)
    if not b.evaluate("!!document.querySelector('nav.pagination a[rel=next]')"):
        check.expect(total is not None and total <= len(first or []),
                     f"no next page, but {total} letters and {len(first or [])} listed")
        return
    _after_click(b, "document.querySelector('nav.pagination a[rel=next]')",
                 "new URLSearchParams(location.search).get('page') === '2'")
    second = b.evaluate(LETTERS) or []
    current = b.evaluate("(e => e && e.textContent.trim())(document.querySelector('nav.pagination .current'))")
    start = b.evaluate("(e => e && e.getAttribute('start'))(document.querySelector('ol.letters'))")
    check.expect(current == "2" and second and not set(second) & set(first) and start == str(len(first) + 1),
                 f"the next page is page {current!r}, starts at {start!r}, with {len(second)} letters, "
                 f"{len(set(second) & set(first))} of them on page 1 too")
    check.screenshot(b, "page-2.png")


def timeline_months(b, site, check) -> None:
    """One mark per month with letters (SPARQL counts the months), their counts adding up to the letters."""
    total = _index(b, site)
    marks = b.evaluate("Array.from(document.querySelectorAll('svg g.month'), g => "
                       "[g.dataset.month, Number(g.dataset.count)])") or []
    rows = site.select(PREFIXES + """SELECT ?month (COUNT(DISTINCT ?letter) AS ?n) WHERE {
        ?letter a undo:OfficialLetter ; schema:dateSent ?date . BIND (SUBSTR(STR(?date), 1, 7) AS ?month) }
        GROUP BY ?month ORDER BY ?month""")
    months = {r["month"]["value"]: int(r["n"]["value"]) for r in rows}
    check.expect(len(marks) == len(months) and dict(marks) == months and sum(months.values()) == total,
                 f"the timeline has {len(marks)} marks {marks}, SPARQL counts letters in {len(months)} months {months}")


# -- a State's page --------------------------------------------------------------------------------------
def state_page(b, site, check) -> None:
    rows = site.select(PREFIXES + """SELECT ?letter ?state WHERE {
        ?letter a undo:OfficialLetter ; prov:qualifiedAttribution/prov:hadRole/unkg:state ?state }
        ORDER BY ?letter LIMIT 1""")
    if not check.expect(rows, "no letter has a sending State"):
        return
    letter, state = rows[0]["letter"]["value"], rows[0]["state"]["value"]
    base = site.settings.base.rstrip("/")
    path, sent = state[len(base):], letter[len(base):]
    b.open(site.root + path)
    listed = b.wait("(l => l.length && l)(Array.from(document.querySelectorAll('section.backlinks.sent a'), "
                    "a => a.getAttribute('href')))", 20) or []
    check.expect(b.documents.get(site.root + path) == 200 and sent in listed,
                 f"the State's page {path} does not list the letter it sent, {sent} (it lists {listed[:3]})")
    check.screenshot(b, "state.png")


# -- a letter's downloads --------------------------------------------------------------------------------
def letter_downloads(b, site, check) -> None:
    letters = site.app.pages.letters("en")
    if not letters:
        return
    b.open(site.root + letters[0]["href"])
    links = b.wait("Array.from(document.querySelectorAll('ul.downloads li a'), "
                   "a => [a.getAttribute('href'), a.getAttribute('type'), a.textContent.trim()])", 20) or []
    kinds = {kind for _, kind, _ in links}
    wanted = {"application/marc", "application/marcxml+xml", "application/akn+xml", "application/xml",
              "text/turtle", "application/ld+json", "application/n-triples"}
    check.expect(wanted <= kinds, f"the letter's page offers no download of {sorted(wanted - kinds)}")
    mrc = None
    for href, kind, name in links:
        status, ctype, body = site.get(href)
        if not check.expect(status == 200 and ctype.split(";")[0].strip() == kind,
                            f"the download {name!r} ({href}) answered {status} {ctype!r}, its link says {kind}"):
            continue
        try:
            problem = _parse(kind, href, body)
        except Exception as exc:  # noqa: BLE001 - any parser's error is the check's failure
            problem = f"{type(exc).__name__}: {exc}"
        if kind == "application/marc" and not problem:
            mrc = body
        check.expect(not problem, f"the download {name!r} ({href}) does not parse: {problem}")
    for href, kind, name in links:  # the .mrk has the fields of the .mrc
        if href.endswith(".mrk") and mrc is not None:
            check.expect(_mrk_tags(site.get(href)[2]) == _mrc_tags(mrc), f"{href} and the .mrc differ in fields")


def _parse(kind: str, href: str, body: bytes) -> str | None:
    """What is wrong with a download of media type `kind`, or None."""
    import pymarc
    from lxml import etree
    from rdflib import Dataset, Graph

    if kind == "application/marc":
        records = list(pymarc.MARCReader(io.BytesIO(body), to_unicode=True, force_utf8=True))
        return None if records and all(r is not None for r in records) else "pymarc read no record"
    if kind in ("application/marcxml+xml", "application/akn+xml", "application/xml"):
        tree = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
        if kind == "application/marcxml+xml" and not pymarc.parse_xml_to_array(io.BytesIO(body)):
            return "pymarc read no MARCXML record"
        schema = {"application/marcxml+xml": "MARC21slim.xsd", "application/akn+xml": "akomantoso30.xsd"}.get(kind)
        if schema and (XSD / schema).is_file():
            xsd = etree.XMLSchema(etree.parse(str(XSD / schema)))
            if not xsd.validate(tree):
                return f"not valid against {schema}: {xsd.error_log.last_error}"
        return None
    if kind == "application/ld+json":
        contexts = json.loads(body).get("@context")
        if any(not isinstance(c, dict) for c in (contexts if isinstance(contexts, list) else [contexts])):
            return "a context that is not in the file (rdflib would fetch it)"
        return None if sum(1 for _ in Dataset().parse(data=body, format="json-ld").quads()) else "no triple"
    rdf = {"text/turtle": "turtle", "application/n-triples": "nt"}.get(kind)
    if rdf:
        return None if len(Graph().parse(data=body, format=rdf)) else "no triple"
    if kind == "application/json":
        json.loads(body)
        return None
    if kind.startswith("text/"):
        return None if body.decode("utf-8").strip() else "empty"
    return None


def _mrk_tags(body: bytes) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^=(LDR|\d{3})  ", body.decode("utf-8"), re.M) if m.group(1) != "LDR"]


def _mrc_tags(body: bytes) -> list[str]:
    import pymarc

    return [f.tag for r in pymarc.MARCReader(io.BytesIO(body), to_unicode=True, force_utf8=True) for f in r.fields]


def xsd_note() -> str | None:
    """Why the XML downloads were not validated against their schema, if they were not."""
    return None if XSD.is_dir() else f"{XSD} is absent: MARCXML and Akoma Ntoso checked as XML only"
