"""``unkg serve``: the SPARQL 1.1 Protocol at ``/sparql``, read-only, over the store ``unkg build`` made.

- Queries by GET (``?query=``), by POST as a form (``application/x-www-form-urlencoded``) or directly
  (``application/sparql-query``, UTF-8); ``default-graph-uri`` and ``named-graph-uri`` set the dataset
  (without them the default graph is the union of all graphs).
- Results by ``Accept``: SPARQL JSON (the default), XML, CSV or TSV for SELECT and ASK; Turtle (the
  default), N-Triples or RDF/XML for CONSTRUCT and DESCRIBE.
- Relative IRIs in a query resolve against the endpoint's URL. Updates are refused (403): the endpoint
  is read-only. A query that does not parse gets 400 with the
  parser's message; one that runs past ``query_timeout`` seconds or returns more than ``result_limit``
  results gets 503 with a message, and the server stays up.

Every IRI the project mints under its base is served at its path (``{base}/akn/…`` at ``/akn/…``):
``text/html`` (browsers) gets a page, ``text/turtle``, ``application/ld+json`` and
``application/n-triples`` get the resource's description (or ``?format=turtle|jsonld|ntriples``); labels
are in the reader's language (``?lang=`` or ``Accept-Language``) with English as the fallback. ``/`` lists
the letters, ``/query`` is a query page, ``/.well-known/void`` describes the dataset (DCAT and VoID),
``/data/…`` serves the dataset's dumps, ``/oai`` is an OAI-PMH 2.0 repository (``exchange/oai.py``).
Pages come from ``templates/`` (Jinja2, autoescaped).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

import pyoxigraph as ox
from werkzeug.exceptions import HTTPException
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from .config import Settings
from .exchange.oai import Repository
from .pages import LANGS, Pages, formats
from .store import open_store

PAGE_TYPES = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
FORMAT_PARAMS = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples",
                 "html": "text/html"}
DUMPS = ("dataset.ttl", "dataset.trig", "dataset.nt", "dataset.nq", "dataset.jsonld", "context.jsonld",
         "ontology.ttl", "catalogue.marc.xml", "catalog.ttl")

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Answer:
    body: bytes
    content_type: str


class App:
    """The WSGI application."""

    def __init__(self, settings: Settings):
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        self.settings = settings
        self.store = open_store(settings.build_dir / "store")
        self.pages = Pages(self.store, settings.base)
        import tomllib

        described = tomllib.loads((settings.templates_dir / "dataset.toml").read_text(encoding="utf-8"))
        self.oai = Repository(settings.build_dir, described["repository_name"], settings.admin_email,
                              settings.oai_page_size)
        self.templates = Environment(loader=FileSystemLoader(str(settings.templates_dir)),
                                     autoescape=select_autoescape(["html"]), keep_trailing_newline=True)

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            path = request.path
            if path.rstrip("/") == "/sparql":
                response = self.sparql(request)
            elif path == "/":
                response = self.html("index.html", request, letters=self.pages.letters(self.lang(request)))
            elif path == "/query":
                default = (self.settings.queries_dir / "letters.rq").read_text(encoding="utf-8")
                response = self.html("query.html", request, query=request.args.get("query", default))
            elif path == "/static/query.js":
                from importlib import resources

                script = resources.files("unkg").joinpath("static/query.js").read_bytes()
                response = Response(script, content_type="text/javascript; charset=utf-8")
            elif path == "/oai":
                response = self.oai.respond(request)
            elif path == "/.well-known/void":
                response = self.void(request)
            elif path.startswith("/data/") and path[len("/data/"):] in DUMPS \
                    and (self.settings.build_dir / path[len("/data/"):]).is_file():  # (`dumps` setting)
                name = path[len("/data/"):]
                kind = {"ttl": "text/turtle", "trig": "application/trig", "nt": "application/n-triples",
                        "nq": "application/n-quads", "jsonld": "application/ld+json",
                        "xml": "application/marcxml+xml"}[name.rsplit(".", 1)[-1]]
                response = send_file(self.settings.build_dir / name, request.environ, mimetype=kind,
                                     conditional=False)  # streamed: at 10,000 documents a file is 370 MB
            else:
                response = self.resource(request)
        except Refused as exc:
            response = _text(exc.status, exc.message)
            if exc.status == 405:
                response.headers["Allow"] = "GET, POST"
        except HTTPException as exc:
            response = exc.get_response(environ)
        return response(environ, start_response)

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

    def resource(self, request: Request) -> Response:
        """The page or the description of an IRI the project mints, found at its path."""
        iri = self.settings.base.rstrip("/") + request.path
        triples = self.pages.describe(iri)
        kind = self.negotiate(request)
        if not triples:
            if kind == "text/html":
                return self.html("404.html", request, status=404, path=request.path)
            return _text(404, f"nothing is published at {request.path}")
        if kind == "text/html":
            lang = self.lang(request)
            if self.pages.is_letter(iri):
                view = self.pages.letter(iri, lang)
                response = self.html("letter.html", request, formats=formats(request.path), **view)
            else:
                view = self.pages.resource(iri, triples, lang)
                response = self.html("resource.html", request, formats=formats(request.path), **view)
        else:
            response = Response(self.serialise(triples, kind), content_type=kind)
        response.headers["Vary"] = "Accept, Accept-Language"
        return response

    def serialise(self, triples: list, kind: str) -> bytes:
        from .publish import PREFIX_MAP, jsonld, load_context

        if kind == "application/ld+json":
            return jsonld(triples, load_context(self.settings.ontology_dir / "context.jsonld"))
        if kind == "application/n-triples":
            return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_MAP)

    def void(self, request: Request) -> Response:
        """The dataset described with DCAT and VoID (Turtle, or JSON-LD by Accept)."""
        from .exchange.dataset import description

        count = next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value
        triples = description(self.settings.templates_dir, self.settings.base, request.host_url,
                              int(count), self.settings.build_dir / "oai.json")
        kind = request.accept_mimetypes.best_match(["text/turtle", "application/ld+json", "application/n-triples"],
                                                   default="text/turtle")
        return Response(self.serialise(triples, kind), content_type=kind)

    # -- the SPARQL protocol --------------------------------------------------------------------------
    def sparql(self, request: Request) -> Response:
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
                for key in ("default-graph-uri", "named-graph-uri"):
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
        dataset = {
            "default_graph": [ox.NamedNode(g) for g in params.get("default-graph-uri", [])] or None,
            "named_graphs": [ox.NamedNode(g) for g in params.get("named-graph-uri", [])] or None,
            "base": request.base_url,
        }
        answer = self._run_with_limits(queries[0], dataset, request)
        return Response(answer.body, status=200, content_type=answer.content_type)

    def _run_with_limits(self, query: str, dataset: dict, request: Request) -> Answer:
        box: dict = {}

        def work():
            try:
                box["answer"] = self._answer(query, dataset, request)
            except BaseException as exc:  # handed to the request thread without its frames: they hold
                box["error"] = exc.with_traceback(None)  # Oxigraph results that must die on this thread

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(self.settings.query_timeout)
        if worker.is_alive():
            raise Refused(503, f"the query ran past the time limit ({self.settings.query_timeout} s)")
        if "error" in box:
            raise box["error"]
        return box["answer"]

    def _query(self, query: str, dataset: dict):
        base = dataset["base"]  # relative IRIs in a query resolve against the endpoint's own URL
        try:
            if dataset["default_graph"] is None and dataset["named_graphs"] is None:
                return self.store.query(query, base_iri=base, use_default_graph_as_union=True)
            return self.store.query(query, base_iri=base, default_graph=dataset["default_graph"],
                                    named_graphs=dataset["named_graphs"])
        except SyntaxError as exc:
            raise Refused(400, f"not valid SPARQL: {exc}") from None

    def _answer(self, query: str, dataset: dict, request: Request) -> Answer:
        limit = self.settings.result_limit
        result = self._query(query, dataset)
        if isinstance(result, ox.QueryTriples):
            triples = []
            for t in result:
                triples.append(t)
                if len(triples) > limit:
                    raise Refused(503, f"the result is larger than the limit ({limit} triples)")
            kind = request.accept_mimetypes.best_match(list(GRAPH_TYPES), default="text/turtle")
            body = ox.serialize(sorted(triples, key=str), format=GRAPH_TYPES[kind])
            return Answer(body, kind)
        kind = request.accept_mimetypes.best_match(list(RESULT_TYPES), default="application/sparql-results+json")
        if isinstance(result, ox.QuerySolutions):
            count = sum(1 for _ in zip(result, range(limit + 1)))
            if count > limit:
                raise Refused(503, f"the result is larger than the limit ({limit} results)")
            result = self._query(query, dataset)  # a result can be written once: run it again to write it
        return Answer(result.serialize(format=RESULT_TYPES[kind]), kind)


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def serve(settings: Settings, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, App(settings), threaded=True)
