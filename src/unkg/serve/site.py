"""The handlers of the site's pages, for ``app.App``: an IRI's page or description (``on_resource``), the
ontology's documentation (``/ontology``) and a document's downloads (``/files/…``, ``/source/…``). Each takes
the App (its templates, negotiation, serialisation and the build's `Pages`) and the request."""

from __future__ import annotations

import pyoxigraph as ox
from werkzeug.wrappers import Request, Response

from . import downloads, ontology
from .entities import resource_view
from .letter import letter_view
from .pages import OWL_SAME_AS, formats

ONTOLOGY_TYPES = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]


def resource(app, request: Request) -> Response:
    """The page or the description of an IRI the project mints, found at its path."""
    iri = app.settings.base.rstrip("/") + request.path
    pages = app.pages
    triples = pages.describe(iri)
    kind = app.negotiate(request)
    if not triples:
        try:
            ox.NamedNode(iri)
        except ValueError:  # a path that makes no IRI (a space, a control character): nothing is there
            return _not_found(app, request, kind)
        for alias in pages.subjects(OWL_SAME_AS, iri):  # another name of a letter (the Work its symbol names)
            if isinstance(alias, ox.NamedNode) and pages.is_letter(alias.value):
                query = request.query_string.decode("latin-1")
                target = pages.href(alias.value) + (f"?{query}" if query else "")
                return Response(f"see {target}\n", status=303, headers={"Location": target},
                                content_type="text/plain; charset=utf-8")
        return _not_found(app, request, kind)
    if kind == "text/html":
        lang = app.lang(request)
        if pages.is_letter(iri):
            view = letter_view(pages, iri, lang, request.args.get("text"))
            response = app.html("letter.html", request, formats=formats(request.path), **view)
        else:
            view = resource_view(pages, iri, triples, lang)
            search = getattr(app, "search", None)  # the search index's timeline of the letters a State sent
            timeline = search.timeline_for("state", iri, lang) if search is not None and search.available else None
            response = app.html("resource.html", request, formats=formats(request.path), timeline=timeline, **view)
    else:
        response = Response(app.serialise(triples, kind), content_type=kind)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def ontology_page(app, request: Request) -> Response:
    """The ontology: its documentation in HTML, or itself in Turtle, JSON-LD or N-Triples (Accept, or
    ``?format=``)."""
    path = ontology.ontology_file(app.pages.folder, app.settings.ontology_dir)
    kind = app.negotiate(request)
    if kind == "text/turtle" and not request.args.get("format"):
        response = Response(path.read_bytes(), content_type="text/turtle")  # the file as written, comments kept
    elif kind != "text/html":
        response = Response(app.serialise(ontology.triples(path), kind), content_type=kind)
    else:
        lang = app.lang(request)
        view = ontology.view(ontology.triples(path), lang, app.pages.term)
        response = app.html("ontology.html", request, formats=formats(request.path), **view)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def download(app, request: Request, name: str, source: bool) -> Response:
    """A file of the build (``/files/{path}``) or a source version (``/source/{key}/{name}``) the build's
    manifest lists; anything else is a 404."""
    response = downloads.respond(app.pages, request, name, source)
    if response is None:
        return _text(404, f"no such file: {request.path}")
    return response


def _not_found(app, request: Request, kind: str) -> Response:
    if kind == "text/html":
        return app.html("404.html", request, status=404, path=request.path)
    return _text(404, f"nothing is published at {request.path}")


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
