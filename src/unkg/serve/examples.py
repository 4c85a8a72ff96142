"""The query page's values: the example queries it offers, the ``.rq`` files of the project's queries folder
(setting ``queries_dir``), each named by its file's stem and described by its leading comment; in its editor
the query asked for (``?query=``), the example named (``?example=``) or the default example.

The ``facts-*.rq`` files are not examples: they are the parts of the facts card rebuilt from the graph
(``graphfacts.py`` runs them with ``$expr`` bound to a language version), not questions for people.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT = "letters"  # the example the query page opens with (queries/README.md: "the query page's default")
NOT_EXAMPLES = "facts-"  # the prefix of the queries the facts card is rebuilt with


def examples(folder: Path) -> dict[str, dict]:
    """The example queries in `folder`, by name (the file's stem), sorted: ``{"name", "description",
    "text"}``. A file that is not UTF-8 text is left out."""
    found = {}
    for path in sorted(folder.glob("*.rq")):
        if path.name.startswith(NOT_EXAMPLES) or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found[path.stem] = {"name": path.stem, "description": description(text), "text": text}
    return found


def description(text: str) -> str:
    """The leading comment of a query (its first lines that start with ``#``), as one line."""
    words = []
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip()
        if not line.startswith("#"):
            break
        words.append(line.lstrip("#").strip())
    return " ".join(w for w in words if w)


def pick(found: dict[str, dict], name: str | None, query: str | None) -> tuple[str | None, str]:
    """The example in the editor and the editor's text, for the page's ``?example=`` `name` and ``?query=``
    `query`: the query's text when given (its example's name when it is an example's text unchanged), else
    the example named, else the default. KeyError for a name no example has."""
    if query is not None:
        return (name if name in found and found[name]["text"] == query else None), query
    if name is None:
        name = DEFAULT if DEFAULT in found else next(iter(found), None)
    elif name not in found:
        raise KeyError(f"no example query is named {name!r}; the examples: {', '.join(found)}")
    return name, found[name]["text"] if name else ""


def page(settings, args) -> dict:
    """The values of templates/query.html for a request's `args` (its query string). KeyError for an
    example no file is."""
    from .pages import script_json
    from .sparql import FORMATS

    found = examples(settings.queries_dir)
    name, query = pick(found, args.get("example"), args.get("query"))
    return {"query": query, "example": name, "examples": list(found.values()), "examples_json": script_json(found),
            "base": settings.base.rstrip("/"), "result_formats": list(FORMATS)}
