"""The WSGI application of ``unkg serve`` (what it serves: ``serve/__init__.py``).

A request is first checked against ``request_limit`` (413), then routed by :data:`ROUTES` (a werkzeug
``Map``) to the ``on_…`` method its rule names; a path no rule matches is the page or description of the
IRI minted there (``on_resource``), or 404. A handler refuses a request by raising :class:`Refused` (or one
of werkzeug's ``HTTPException``), which becomes a plain-text 4xx or 503; anything else raised is a 500 whose
body says only that.
"""

from __future__ import annotations

import logging
import os
import threading
import tomllib
import traceback
from importlib import resources
from urllib.parse import parse_qs

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from ..config import Settings
from ..store import STAMP, open_store
from .oai import Repository
from .pages import LANGS, Pages
from .search import Invalid, Search
from .sparql import GRAPH_TYPES, RESULT_TYPES, Busy, Pool, TimedOut, WorkerDied, asked_format

LOG = logging.getLogger("unkg.serve")
RETRY_AFTER = 5  # seconds a client refused for lack of a free query worker is asked to wait

PAGE_TYPES = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
FORMAT_PARAMS = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples",
                 "html": "text/html"}
DUMPS = {"dataset.ttl": "text/turtle", "dataset.trig": "application/trig", "dataset.nt": "application/n-triples",
         "dataset.nq": "application/n-quads", "dataset.jsonld": "application/ld+json",
         "context.jsonld": "application/ld+json", "ontology.ttl": "text/turtle",
         "catalogue.marc.xml": "application/marcxml+xml", "catalog.ttl": "text/turtle"}  # the build's, by name

# Each rule names the App's method ``on_{endpoint}``; a path no rule matches goes to ``on_resource``. Rules take
# every method (``on_sparql`` refuses all but GET and POST, as the protocol has it), slashes are never merged
# and there is no redirect: every answer is the handler's.
ROUTES = Map([
    Rule("/", endpoint="index"),
    Rule("/search.json", endpoint="search_json"),
    Rule("/query", endpoint="query"),
    Rule("/sparql", endpoint="sparql", strict_slashes=False),  # /sparql/ too
    Rule("/static/query.js", endpoint="script"),
    Rule("/oai", endpoint="oai"),
    Rule("/.well-known/void", endpoint="void"),
    Rule("/data/<any({}):name>".format(", ".join(repr(name) for name in DUMPS)), endpoint="dump"),
    Rule("/ontology", endpoint="ontology"),  # the ontology's IRI: its documentation, or itself by Accept
    Rule("/files/<path:name>", endpoint="file"),  # a document's files the build wrote (serve/downloads.py)
    Rule("/source/<path:name>", endpoint="source"),  # a document's source versions
], merge_slashes=False, redirect_defaults=False)


class Refused(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class App:
    """The WSGI application."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._seen = self._build_stamp()
        self.store = open_store(settings.build_dir / "store")
        self.pages = Pages(self.store, settings.base, settings)
        self.search = Search(settings.build_dir)  # the index the build wrote for `/` (serve/search.py)
        self.queries = Pool(os.path.realpath(settings.build_dir / "store"), settings.query_workers)
        described = tomllib.loads((settings.templates_dir / "dataset.toml").read_text(encoding="utf-8"))
        self.oai = Repository(settings.build_dir, described["repository_name"], settings.admin_email,
                              settings.oai_page_size)
        self.templates = Environment(loader=FileSystemLoader(str(settings.templates_dir)),
                                     autoescape=select_autoescape(["html"]), keep_trailing_newline=True)

    def close(self) -> None:
        """Stop the query workers."""
        self.queries.close()

    # -- a new build -----------------------------------------------------------------------------------
    def _build_stamp(self) -> tuple | None:
        """What identifies the build in use, cheaply: the folder `build` points to and its store's stamp file
        (builds alternate between two folders, so the folder alone would miss every second one)."""
        store = self.settings.build_dir / "store"
        try:
            info = (store / STAMP).stat()
        except OSError:
            return None  # no store (yet): keep serving the one open
        return os.path.realpath(store), info.st_ino, info.st_mtime_ns, info.st_size

    def _follow_build(self) -> None:
        stamp = self._build_stamp()
        if stamp is None or stamp == self._seen:
            return
        with self._lock:
            if stamp == self._seen:
                return
            store = open_store(self.settings.build_dir / "store")
            self.store, self.pages = store, Pages(store, self.settings.base, self.settings)
            self.search = Search(self.settings.build_dir)
            self.queries.reopen(stamp[0])
            self._seen = stamp
            LOG.info("serving the new build at %s", stamp[0])

    # -- requests --------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        try:
            response = self.respond(environ)
        except Exception:  # noqa: BLE001 - the last resort: no traceback leaves the server
            LOG.error("error answering %s %s\n%s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                      traceback.format_exc())
            response = _text(500, "internal error: the server could not answer this request (see its log)")
        return response(environ, start_response)

    def respond(self, environ) -> Response:
        limit = self.settings.request_limit
        request = Request(environ)
        request.max_content_length = limit
        request.max_form_memory_size = limit
        try:
            size = len(environ.get("PATH_INFO", "").encode("utf-8", "surrogateescape")) \
                + len(environ.get("QUERY_STRING", "").encode("utf-8", "surrogateescape"))
            if size > limit:
                raise Refused(413, f"the URL is longer than the limit ({limit} bytes): send the query by POST")
            if request.content_length is not None and request.content_length > limit:
                raise Refused(413, f"the request body is larger than the limit ({limit} bytes)")
            self._follow_build()
            try:
                # routed by path alone: the Host header (bind_to_environ checks it) is none of the router's concern
                endpoint, values = ROUTES.bind("localhost").match(request.path, request.method)
            except NotFound:
                endpoint, values = "resource", {}
            response = getattr(self, f"on_{endpoint}")(request, **values)
        except Refused as exc:
            response = _text(exc.status, exc.message)
            if exc.status == 405:
                response.headers["Allow"] = "GET, POST"
            if exc.status == 503 and exc.retry_after:
                response.headers["Retry-After"] = str(exc.retry_after)
        except HTTPException as exc:
            response = _text(exc.code or 400, f"{exc.name}: {exc.description}")
        return response

    # -- the routes ----------------------------------------------------------------------------------
    def on_index(self, request: Request) -> Response:
        """The letters: a search, its facets, a page of the letters found and their timeline (serve/search.py);
        every state of the page a URL."""
        lang = self.lang(request)
        if not self.search.available:  # a build made before the search index: the letters, unsearched
            return self.html("index.html", request, letters=self.pages.letters(lang), found=None)
        state, found = self._searched(request, lang)
        response = self.html("index.html", request, state=state, found=found, search=self.search)
        response.headers["Vary"] = "Accept-Language"
        return response

    def on_search_json(self, request: Request) -> Response:
        """The page `/` with the same arguments shows, as JSON: the letters found (this page of them), their
        count and the facets' counts."""
        import json

        lang = self.lang(request)
        if not self.search.available:
            raise Refused(404, "this build has no search index: build again with this version of unkg")
        state, found = self._searched(request, lang)
        body = {"total": found["total"], "page": found["page"], "pages": found["pages"],
                "letters": [{k: v[k] for k in ("iri", "href", "date", "symbols", "title")} for v in found["letters"]],
                "facets": {f["param"]: [{"key": v["key"], "label": v["label"], "count": v["count"]}
                                        for v in f["shown"] + f["more"]] for f in found["facets"]},
                "chosen": [{"facet": p, "key": k} for p, k in state["chosen"]]}
        return Response(json.dumps(body, ensure_ascii=False, sort_keys=True), content_type="application/json")

    def _searched(self, request: Request, lang: str) -> tuple[dict, dict]:
        try:
            state = self.search.parse(request.args)
            found = self.search.results(state, lang)
        except Invalid as exc:
            raise Refused(exc.status, str(exc)) from None
        for letter in found["letters"]:
            letter["href"] = self.pages.href(letter["iri"])
        return state, found

    def on_query(self, request: Request) -> Response:
        """The query page (``examples.py``): the examples to pick from, the one named or the query given."""
        from .examples import page

        try:
            values = page(self.settings, request.args)
        except KeyError as exc:  # an example no file is
            raise Refused(404, exc.args[0]) from None
        return self.html("query.html", request, **values)

    def on_script(self, request: Request) -> Response:
        script = resources.files("unkg").joinpath("static/query.js").read_bytes()
        return Response(script, content_type="text/javascript; charset=utf-8")

    def on_oai(self, request: Request) -> Response:
        return self.oai.respond(request)

    def on_dump(self, request: Request, name: str) -> Response:
        """A dump of the dataset the build wrote (setting ``dumps``), streamed: at 10,000 documents a file is
        370 MB. A name the build did not write is looked for as a resource, like any other path."""
        path = self.settings.build_dir / name
        if not path.is_file():
            return self.on_resource(request)
        return send_file(path, request.environ, mimetype=DUMPS[name], conditional=False)

    # -- pages ---------------------------------------------------------------------------------------
    def lang(self, request: Request) -> str:
        asked = request.args.get("lang")
        if asked in LANGS:
            return asked
        return request.accept_languages.best_match(list(LANGS), default="en")

    def html(self, template: str, request: Request, status: int = 200, **values) -> Response:
        page = self.templates.get_template(template).render(lang=self.lang(request), **values)
        return Response(page, status=status, content_type="text/html; charset=utf-8")

    def negotiate(self, request: Request) -> str:
        asked = request.args.get("format")
        if asked in FORMAT_PARAMS:
            return FORMAT_PARAMS[asked]
        return request.accept_mimetypes.best_match(PAGE_TYPES, default="text/html")

    def on_resource(self, request: Request) -> Response:
        """The page or the description of an IRI the project mints, found at its path (``site.py``)."""
        from .site import resource

        return resource(self, request)

    def on_ontology(self, request: Request) -> Response:
        from .site import ontology_page

        return ontology_page(self, request)

    def on_file(self, request: Request, name: str) -> Response:
        from .site import download

        return download(self, request, name, source=False)

    def on_source(self, request: Request, name: str) -> Response:
        from .site import download

        return download(self, request, name, source=True)

    def serialise(self, triples: list, kind: str) -> bytes:
        from ..rdf.write import PREFIX_MAP, jsonld, load_context

        if kind == "application/ld+json":
            return jsonld(triples, load_context(self.settings.ontology_dir / "context.jsonld"))
        if kind == "application/n-triples":
            return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_MAP)

    def on_void(self, request: Request) -> Response:
        """The dataset described with DCAT and VoID (Turtle, or JSON-LD by Accept)."""
        from ..exchange.dataset import description

        count = next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value
        triples = description(self.settings.templates_dir, self.settings.base, request.host_url,
                              int(count), self.settings.build_dir / "oai.json")
        kind = request.accept_mimetypes.best_match(["text/turtle", "application/ld+json", "application/n-triples"],
                                                   default="text/turtle")
        return Response(self.serialise(triples, kind), content_type=kind)

    # -- the SPARQL protocol --------------------------------------------------------------------------
    def on_sparql(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            raise Refused(405, f"{request.method} is not a SPARQL protocol operation: use GET or POST")
        params = parse_qs(request.query_string.decode("latin-1"), keep_blank_values=True)
        queries = list(params.get("query", []))
        updates = list(params.get("update", []))
        if request.method == "POST":
            kind = request.mimetype
            if kind == "application/x-www-form-urlencoded":
                form = parse_qs(request.get_data(as_text=False).decode("utf-8", "replace"), keep_blank_values=True)
                queries += form.get("query", [])
                updates += form.get("update", [])
                for key in ("default-graph-uri", "named-graph-uri", "format"):
                    params.setdefault(key, []).extend(form.get(key, []))
            elif kind == "application/sparql-query":
                charset = request.mimetype_params.get("charset", "utf-8").lower()
                if charset not in ("utf-8", "utf8"):
                    raise Refused(415, f"a query must be sent in UTF-8, not {charset}")
                try:
                    queries.append(request.get_data().decode("utf-8"))
                except UnicodeDecodeError:
                    raise Refused(400, "the query is not UTF-8 text") from None
            elif kind == "application/sparql-update":
                raise Refused(403, "this endpoint is read-only: updates are refused")
            else:
                raise Refused(415, f"a POST carries application/x-www-form-urlencoded or "
                                   f"application/sparql-query, not {kind or 'no media type'}")
        if updates:
            raise Refused(403 if request.method == "POST" else 400,
                          "this endpoint is read-only: updates are refused")
        if len(queries) != 1:
            raise Refused(400, f"exactly one query is expected, not {len(queries)}")
        graphs = {}
        for key in ("default-graph-uri", "named-graph-uri"):
            for iri in params.get(key, []):
                try:
                    ox.NamedNode(iri)
                except ValueError as exc:
                    raise Refused(400, f"{key} {iri!r} is not an absolute IRI: {exc}") from None
            graphs[key] = params.get(key) or None
        base = request.base_url  # relative IRIs in a query resolve against the endpoint's own URL
        try:
            ox.NamedNode(base)
        except ValueError:
            base = None  # a Host header that makes no IRI: relative IRIs stay unresolved (an error if used)
        solutions = _choose(request, list(RESULT_TYPES), "application/sparql-results+json")
        graph = _choose(request, list(GRAPH_TYPES), "text/turtle")
        try:  # ?format= (a download link) names the result type instead of Accept
            solutions, graph = asked_format(params.get("format", [])) or (solutions, graph)
        except ValueError as exc:
            raise Refused(400, str(exc)) from None
        if solutions is None and graph is None:
            raise Refused(406, "no result type in Accept is one this endpoint writes: "
                               + ", ".join([*RESULT_TYPES, *GRAPH_TYPES]))
        job = {"query": queries[0], "base": base, "default_graph": graphs["default-graph-uri"],
               "named_graphs": graphs["named-graph-uri"], "limit": self.settings.result_limit,
               "solutions_type": solutions, "graph_type": graph}
        try:
            outcome = self.queries.run(job, self.settings.query_timeout)
        except Busy:
            raise Refused(503, f"every query worker is busy ({self.queries.size} queries running): try again "
                               "shortly", retry_after=RETRY_AFTER) from None
        except TimedOut:
            raise Refused(503, f"the query ran past the time limit ({self.settings.query_timeout} s) "
                               "and was stopped") from None
        except WorkerDied:
            raise Refused(503, "the query's worker process ended without an answer (it was stopped, or ran "
                               "out of memory): try again, or a simpler query") from None
        if outcome.status != 200:
            raise Refused(outcome.status, outcome.body.decode("utf-8", "replace"))
        return Response(outcome.body, status=200, content_type=outcome.content_type)


def _choose(request: Request, offered: list[str], default: str) -> str | None:
    """The type of `offered` the request's Accept prefers; `default` without an Accept header; None when
    Accept rules every one out."""
    if not request.headers.get("Accept", "").strip():
        return default
    return request.accept_mimetypes.best_match(offered, default=None)


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def make_server(settings: Settings, host: str, port: int):
    """The production server (waitress) for the app, listening on `host`:`port` (0: a free port, then
    ``server.effective_port``). ``server.run()`` serves until ``server.close()``; ``server.application``
    is the App."""
    import waitress

    app = App(settings)
    limit = settings.request_limit
    # threads: one per query worker (each waits on its worker) and a few for pages and refusals, so that a
    # query beyond the cap is refused at once rather than queued
    server = waitress.create_server(app, host=host, port=port, threads=app.queries.size + 4,
                                    max_request_body_size=limit, max_request_header_size=limit + 65536,
                                    expose_tracebacks=False, ident="unkg")
    server.application = app
    return server


def serve(settings: Settings, host: str, port: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = make_server(settings, host, port)
    print(f"unkg: serving on http://{host}:{server.effective_port}/ (SPARQL at /sparql); Ctrl-C stops", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        server.application.close()
