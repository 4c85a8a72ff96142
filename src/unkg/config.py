"""Settings, declared once.

Read from the ``[tool.unkg]`` table of the project's ``pyproject.toml`` (the nearest one above the
working directory that has such a table), then overridden by environment variables ``UNKG_<NAME>``.
Paths are relative to the project folder. The authority data, shapes, ontology, templates, crosswalks
and queries ship inside the package (``unkg/defaults/``); a project folder's own ``shapes/``,
``ontology/``, ``templates/``, ``crosswalks/``, ``queries/`` or ``<source>/authorities/`` replaces the
default of that name as a whole.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import InputError


@dataclass(frozen=True)
class Settings:
    base: str = field(
        default="https://w3id.org/unkg",
        metadata={"help": "Base IRI under which every IRI the project mints lives (absolute http(s))."},
    )
    source: str = field(
        default="source",
        metadata={"help": "Folder of inputs: documents/<key>/<lang>.txt and authorities/*.ttl."},
    )
    build: str = field(
        default="build", metadata={"help": "Folder the build writes to (generated, never committed)."}
    )
    host: str = field(default="127.0.0.1", metadata={"help": "Address `unkg serve` listens on (loopback by default)."})
    port: int = field(default=8000, metadata={"help": "Port `unkg serve` listens on."})
    query_timeout: float = field(
        default=30.0, metadata={"help": "Seconds a SPARQL query may run on `unkg serve` before it answers 503."}
    )
    result_limit: int = field(
        default=10000, metadata={"help": "Most results (rows or triples) `unkg serve` returns; more is a 503."}
    )
    query_workers: int = field(
        default=2, metadata={"help": "SPARQL queries `unkg serve` runs at once, each in a worker process; one more "
                                     "is refused at once with 503 and Retry-After."}
    )
    request_limit: int = field(
        default=1048576, metadata={"help": "Largest request body, and longest URL, in bytes, `unkg serve` accepts; "
                                           "more is a 413."}
    )
    oai_page_size: int = field(
        default=100, metadata={"help": "Records per OAI-PMH list response at /oai; more come with a resumption token."}
    )
    admin_email: str = field(
        default="webmaster@example.org", metadata={"help": "Contact address OAI-PMH Identify gives at /oai."}
    )
    max_document_mb: float = field(
        default=10.0, metadata={"help": "Largest source file (text or PDF) `unkg build` reads, in MB; a larger one "
                                        "is refused by name, the others are built."},
    )
    document_timeout: float = field(
        default=120.0, metadata={"help": "Seconds `unkg build` gives one document (all its language versions); one "
                                         "that takes longer is stopped and refused by name."},
    )
    engine: str = field(
        default="local", metadata={"help": "Where `unkg build` processes the documents: local (worker processes on "
                                           "this machine) or dask (tasks on a Dask cluster; pip install 'unkg[dask]')."},
    )
    scheduler: str = field(
        default="", metadata={"help": "Address of the Dask scheduler `unkg build --engine dask` sends the documents "
                                      "to (tcp://host:8786); empty: a cluster of worker processes on this machine."},
    )
    dumps: str = field(
        default="nq ttl jsonld",
        metadata={"help": "Formats of the whole-dataset files the build writes, any of nq ttl jsonld trig nt "
                          "(N-Quads always: the store and `unkg push` read it)."},
    )
    project: Path = field(
        default=Path("."), metadata={"help": "The project folder (found, not set): paths are relative to it."}
    )

    # The tool's inputs besides the documents: the project's own folder of that name when it has one
    # (it replaces the default as a whole, never merged), else the copy shipped in the package.

    @property
    def authorities_dir(self) -> Path:
        return in_effect(self.project / self.source / "authorities", "authorities")

    @property
    def shapes_dir(self) -> Path:
        return in_effect(self.project / "shapes", "shapes")

    @property
    def ontology_dir(self) -> Path:
        return in_effect(self.project / "ontology", "ontology")

    @property
    def templates_dir(self) -> Path:
        return in_effect(self.project / "templates", "templates")

    @property
    def crosswalks_dir(self) -> Path:
        return in_effect(self.project / "crosswalks", "crosswalks")

    @property
    def queries_dir(self) -> Path:
        return in_effect(self.project / "queries", "queries")

    @property
    def max_document_bytes(self) -> int:
        return int(self.max_document_mb * 1_000_000)

    @property
    def documents_dir(self) -> Path:
        return self.project / self.source / "documents"

    @property
    def build_dir(self) -> Path:
        return self.project / self.build


SETTINGS_HELP = {f.name: f.metadata["help"] for f in fields(Settings)}

# The authority data, shapes, ontology, templates, crosswalks and queries shipped with unkg (package data).
DEFAULTS = Path(__file__).resolve().parent / "defaults"
DEFAULT_FOLDERS = ("authorities", "shapes", "ontology", "templates", "crosswalks", "queries")


def in_effect(own: Path, name: str) -> Path:
    """The project's folder `own` if it exists, else the package's default folder `name`."""
    return own if own.is_dir() else DEFAULTS / name


def find_project(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                continue
            if "unkg" in data.get("tool", {}):
                return folder
    return None


def load_settings(project: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Settings for the project folder `project` (found from the working directory if None)."""
    env = dict(os.environ) if env is None else env
    root = project or find_project() or Path.cwd()
    values: dict[str, object] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("unkg", {})
        except tomllib.TOMLDecodeError as exc:
            raise InputError(str(pyproject), f"not valid TOML: {exc}") from None
        for key, value in table.items():
            if key not in SETTINGS_HELP or key == "project":
                raise InputError(str(pyproject), f"unknown setting [tool.unkg] {key!r}; known: "
                                 + ", ".join(k for k in SETTINGS_HELP if k != "project"))
            values[key] = value
    for name in SETTINGS_HELP:
        if f"UNKG_{name.upper()}" in env and name != "project":
            values[name] = env[f"UNKG_{name.upper()}"]
    types = {f.name: f.type for f in fields(Settings)}
    for name, value in list(values.items()):
        kind = {"int": int, "float": float}.get(str(types[name]))
        if kind is not None:
            try:
                values[name] = kind(value)
            except (TypeError, ValueError):
                raise InputError(f"setting {name!r}", f"{value!r} is not a number") from None
    settings = replace(Settings(project=root), **values)
    check_base(settings.base)
    for name in ("max_document_mb", "document_timeout"):
        if not getattr(settings, name) > 0:
            raise InputError(f"setting {name!r}", f"{getattr(settings, name)!r}: expected a number above 0")
    if settings.engine not in ENGINES:
        raise InputError("setting 'engine'", f"{settings.engine!r}: expected one of {' '.join(ENGINES)}")
    unknown = sorted(set(settings.dumps.split()) - set(DUMP_FORMATS))
    if unknown:
        raise InputError("setting 'dumps'", f"unknown format(s) {unknown}; known: {' '.join(DUMP_FORMATS)}")
    return settings


DUMP_FORMATS = ("nq", "ttl", "jsonld", "trig", "nt")
ENGINES = ("local", "dask")


def dump_files(settings: Settings) -> tuple[str, ...]:
    """The dataset files the build writes (`dumps`, N-Quads always), in a fixed order."""
    chosen = set(settings.dumps.split()) | {"nq"}
    return tuple(f"dataset.{f}" for f in DUMP_FORMATS if f in chosen)


def check_base(base: str) -> None:
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InputError("setting 'base'", f"{base!r} is not an absolute http(s) IRI without query or fragment")
