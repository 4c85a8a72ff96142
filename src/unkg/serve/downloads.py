"""The files of a document offered for download on its page: what the build wrote for it (MARCXML, MARC
breaker ``.mrk``, ISO 2709 ``.mrc``, Dublin Core, Akoma Ntoso per version, facts cards, validation reports,
each version's Turtle and JSON-LD) at ``/files/{path in build/}``, and its source files (a version's PDF or
text) at ``/source/{key}/{name}``.

No path is built from the request: a requested name is looked up among the files the build's manifest lists
for its documents (and the source versions it read), and only a name found there is opened, in the folder of
the build being served. Anything else is a 404."""

from __future__ import annotations

import threading
from pathlib import Path

import orjson

# media types by the build's folder and file ending; a folder not listed here is not offered
MEDIA = {
    ("marc", ".xml"): "application/marcxml+xml",
    ("marc", ".mrk"): "text/plain; charset=utf-8",
    ("marc", ".mrc"): "application/marc",
    ("dc", ".xml"): "application/xml",
    ("akn", ".xml"): "application/akn+xml",
    ("facts", ".json"): "application/json",
    ("text", ".json"): "application/json",
    ("reports", ".ttl"): "text/turtle",
    ("reports", ".txt"): "text/plain; charset=utf-8",
    ("documents", ".ttl"): "text/turtle",
    ("documents", ".jsonld"): "application/ld+json",
}
SOURCE_MEDIA = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8"}
# what each file is called on the page, by folder and ending (a version's files also name its language)
NAMES = {
    ("marc", ".xml"): "MARCXML", ("marc", ".mrk"): "MARC breaker (.mrk)", ("marc", ".mrc"): "MARC 21 (ISO 2709, .mrc)",
    ("dc", ".xml"): "Dublin Core (oai_dc)", ("akn", ".xml"): "Akoma Ntoso", ("facts", ".json"): "facts card (JSON)",
    ("reports", ".txt"): "validation report (text)", ("reports", ".ttl"): "validation report (SHACL, Turtle)",
    ("documents", ".ttl"): "Turtle", ("documents", ".jsonld"): "JSON-LD",
}
ORDER = ("documents", "marc", "dc", "akn", "facts", "reports")  # the page's order


class Files:
    """The manifest of one build folder: each document's files and source versions, by key."""

    def __init__(self, folder: Path | None, documents: Path | None):
        self.folder = folder
        self.documents = documents
        self._lock = threading.Lock()
        self._index: tuple[dict, dict, dict] | None = None

    def _load(self) -> tuple[dict, dict, dict]:
        with self._lock:
            if self._index is None:
                files: dict[str, str] = {}  # path in build/ -> key
                sources: dict[str, str] = {}  # "key/name" -> key
                graphs: dict[str, str] = {}  # a version's graph IRI -> key
                try:
                    manifest = orjson.loads((self.folder / "manifest.json").read_bytes()) if self.folder else {}
                except (OSError, ValueError):
                    manifest = {}
                for key, entry in manifest.get("documents", {}).items():
                    for path in entry.get("files", []):
                        files[path] = key
                    for name in entry.get("versions", []):
                        sources[f"{key}/{name}"] = key
                    for graph in entry.get("graphs", []):
                        graphs[graph] = key
                self._index = files, sources, graphs
            return self._index

    def key_of_graph(self, graph: str) -> str | None:
        return self._load()[2].get(graph)

    def build_file(self, name: str) -> tuple[Path, str] | None:
        """The file of the build named `name` (a path the manifest lists) and its media type, or None."""
        files = self._load()[0]
        if name not in files:
            return None
        kind = MEDIA.get(_kind(name))
        path = self.folder / name
        return (path, kind) if kind and path.is_file() else None

    def source_file(self, name: str) -> tuple[Path, str] | None:
        """The source version `name` ("key/file", as the manifest lists it) and its media type, or None."""
        if self.documents is None or name not in self._load()[1]:
            return None
        kind = SOURCE_MEDIA.get(Path(name).suffix.lower())
        path = self.documents / name
        return (path, kind) if kind and path.is_file() else None

    def of(self, key: str, language: dict[str, str]) -> dict:
        """The downloads of document `key` for its page: its source versions and its build's files, each
        with its link, media type and name; `language` names a version's language by its code."""
        files, sources, _ = self._load()
        out = []
        for name in sorted(n for n, k in sources.items() if k == key):
            stem = Path(name).stem
            kind = SOURCE_MEDIA.get(Path(name).suffix.lower())
            if kind:
                what = "PDF" if kind == "application/pdf" else "text"
                out.append({"href": "/source/" + _quote(name), "type": kind.split(";")[0], "group": "source",
                            "name": f"{language.get(stem, stem)}: the source ({what})"})
        built = [n for n, k in files.items() if k == key and _kind(n) in NAMES]
        # the document's records first (MARC, Dublin Core), then each version's files, language by language
        for name in sorted(built, key=lambda n: (n.split("/", 1)[0] not in ("marc", "dc"), _version(key, n),
                                                 ORDER.index(n.split("/", 1)[0]), n)):
            folder, ending = _kind(name)
            version = _version(key, name)
            label = NAMES[(folder, ending)]
            out.append({"href": "/files/" + _quote(name), "type": MEDIA[(folder, ending)].split(";")[0],
                        "group": folder, "name": f"{language.get(version, version)}: {label}" if version else label})
        return {"key": key, "files": out}


def _version(key: str, name: str) -> str:
    """The language of a version's file (``akn/{key}.{lang}.xml``), or "" for a document's."""
    stem = Path(name).name[len(key) + 1:] if Path(name).name.startswith(key + ".") else ""
    return stem.split(".", 1)[0] if "." in stem else ""


def _kind(name: str) -> tuple[str, str]:
    folder = name.split("/", 1)[0] if "/" in name else ""
    return folder, Path(name).suffix.lower()


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="/")


def respond(pages, request, name: str, source: bool):
    """The response for ``/files/{name}`` or ``/source/{name}``: the file, or None (the caller's 404)."""
    from werkzeug.utils import send_file

    found = pages.files.source_file(name) if source else pages.files.build_file(name)
    if found is None:
        return None
    path, kind = found
    response = send_file(path, request.environ, mimetype=kind.split(";")[0], conditional=True, max_age=0)
    response.headers["Content-Type"] = kind
    # text is shown in the browser, every other format saved; both under the file's name
    response.headers["Content-Disposition"] = _disposition("inline" if kind.startswith("text/") else "attachment",
                                                           name.replace("/", ".") if source else path.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(kind: str, filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
