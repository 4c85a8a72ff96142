"""``unkg serve``: the SPARQL 1.1 Protocol at ``/sparql``, read-only, over the store ``unkg build`` made.

- Queries by GET (``?query=``), by POST as a form (``application/x-www-form-urlencoded``) or directly
  (``application/sparql-query``, UTF-8); ``default-graph-uri`` and ``named-graph-uri`` set the dataset
  (without them the default graph is the union of all graphs, and a query's own ``FROM`` is not applied).
- Results by ``Accept``: SPARQL JSON (the default), XML, CSV or TSV for SELECT and ASK; Turtle (the
  default), N-Triples or RDF/XML for CONSTRUCT and DESCRIBE.
- Relative IRIs in a query resolve against the endpoint's URL. Updates are refused (403): the endpoint
  is read-only. A query that does not parse gets 400 with the
  parser's message; one with ``SERVICE`` gets 400 (the server never sends a request elsewhere); one that
  runs past ``query_timeout`` seconds or returns more than ``result_limit`` results gets 503 with a
  message, and the server stays up.
- Queries run in worker processes (``sparql.py``): a query past the time limit has its worker killed.
  At most ``query_workers`` queries run at once; one more gets 503 with ``Retry-After`` at once. A
  request whose body or URL is larger than ``request_limit`` bytes gets 413.
- A new build (``build`` pointed at the other folder, or a new store) is noticed at the next request
  and served from then on, without a restart.
- Every malformed request gets a 4xx with a message; an unexpected error is a 500 whose body says only
  that (the traceback goes to the server's log, never to the client).

Every IRI the project mints under its base is served at its path (``{base}/akn/…`` at ``/akn/…``):
``text/html`` (browsers) gets a page, ``text/turtle``, ``application/ld+json`` and
``application/n-triples`` get the resource's description (or ``?format=turtle|jsonld|ntriples``); labels
are in the reader's language (``?lang=`` or ``Accept-Language``) with English as the fallback. ``/`` is the
search over the index the build wrote (facets, pages, the timeline), ``/query`` the query page,
``/ontology`` the ontology's documentation, ``/files/…`` and ``/source/…`` a document's downloads,
``/.well-known/void`` describes the dataset (DCAT and VoID), ``/data/…`` serves the dataset's dumps, ``/oai``
is an OAI-PMH 2.0 repository (``oai.py``). Pages come from ``templates/`` (Jinja2, autoescaped), the query
page's script from ``unkg/static/``.

The modules (``app.py`` imports the others; the pages' modules import ``pages.py``):

- ``app.py``: the WSGI application: its routes (a werkzeug ``Map``), content negotiation, the SPARQL
  protocol's requests, refusals (4xx), the production server (waitress);
- ``site.py``: the handlers of an IRI's page or description, ``/ontology`` and the downloads;
- ``pages.py``: reading the store for the pages (descriptions, labels, readable names), with ``letter.py``
  (a letter's page), ``entities.py`` (any other resource and what points at it), ``downloads.py`` (the
  build's files of a document) and ``ontology.py`` (the ontology's documentation);
- ``search.py`` and ``timeline.py``: the search, its facets and the letters-per-month timeline;
- ``examples.py`` and ``syntax.py``: the query page's examples, and where a query that does not parse goes
  wrong;
- ``oai.py``: the OAI-PMH repository over ``build/oai.json``;
- ``sparql.py``: the pool of query workers, and which queries may run (``calls_service``, which
  ``unkg query`` uses too). A worker is ``python -m unkg.serve.sparql``.

The names below are imported when first asked for (PEP 562), not with the package: a query worker, which
imports this package before its module, then loads neither werkzeug nor the application.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {"App": "app", "make_server": "app", "serve": "app", "calls_service": "sparql"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
