"""The main job: every document under ``source/documents/<key>/<lang>.txt`` through the pipeline into
``build/``. For now that is each document's facts card, ``build/facts/<key>.<lang>.json``.

Writes are atomic (a temporary file renamed over the old one), so a failed or interrupted build never
leaves half a file, and a document that fails keeps its previous good output."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import authority
from .config import Settings
from .errors import InputError
from .facts import card, dumps
from .parse import parse_file

LANGS = ("ar", "zh", "en", "fr", "ru", "es")


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    failed: list[InputError] = field(default_factory=list)
    warnings: int = 0


def documents(folder: Path) -> list[Path]:
    """The document files of the source folder, in a stable order."""
    if not folder.is_dir():
        raise InputError(str(folder), "no documents folder")
    return sorted(p for p in folder.glob("*/*.txt") if p.stem in LANGS)


def write_atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(settings: Settings) -> BuildReport:
    auth = authority.load(settings.authorities_dir, settings.base)
    report = BuildReport()
    for path in documents(settings.documents_dir):
        try:
            doc = parse_file(path, auth)
        except InputError as exc:
            report.failed.append(exc)
            continue
        out = settings.build_dir / "facts" / f"{path.parent.name}.{path.stem}.json"
        write_atomic(out, dumps(card(doc)))
        report.written.append(out)
        report.warnings += len(doc.warnings)
    return report
