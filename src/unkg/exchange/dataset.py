"""The dataset description (DCAT 3 for DCAT-AP 3.0.1, and VoID): ``templates/dataset.ttl`` filled from
``templates/dataset.toml`` (the distributions, the licence) and the build's figures."""

from __future__ import annotations

import tomllib
from pathlib import Path

import orjson
import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..errors import InputError


def description(templates: Path, base: str, root: str, triples: int, oai_index: Path | None,
                records: list[dict] | None = None) -> list[ox.Triple]:
    """The description's triples, sorted. `root` is where the files and services are reached (the base
    in ``build/``, the server's own address in ``unkg serve``); the records' datestamps and languages are
    `records`' (the OAI index's entries), or read from the OAI index file `oai_index`."""
    config_path = templates / "dataset.toml"
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(str(config_path), f"cannot read the dataset's distributions: {exc}") from None
    stamps, languages = [], set()
    if records is None and oai_index is not None and oai_index.is_file():
        records = orjson.loads(oai_index.read_bytes())["records"]
    for r in records or []:
        stamps.append(r["datestamp"])
        languages.update(r["languages"])
    env = Environment(loader=FileSystemLoader(str(templates)), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    text = env.get_template("dataset.ttl").render(
        base=base.rstrip("/"), root=root.rstrip("/"), triples=triples, license=config["license"],
        distributions=config["distribution"], issued=min(stamps) if stamps else None,
        modified=max(stamps) if stamps else None, languages=sorted(languages))
    try:
        return sorted(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE), key=str)
    except SyntaxError as exc:
        raise InputError(str(templates / "dataset.ttl"), f"renders to invalid Turtle: {exc}") from None
