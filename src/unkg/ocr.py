"""OCR of PDF pages that have no text layer (scans), by Tesseract through pytesseract.

Pages are rendered by PDFium (pypdfium2) in grey at 300 dpi and read by the ``tesseract`` command with one
of the six UN languages' packs (Debian's ``tesseract-ocr-eng``, ``-fra``, ``-spa``, ``-rus``, ``-ara``,
``-chi-sim``; ``make`` installs them). The pack is chosen simply and deterministically:

1. the language the file name gives (``fr.pdf`` -> fra), else the language of the PDF's own text layer on
   its other pages, else the script Tesseract's orientation and script detection (OSD) sees on the first
   page to read (Han -> chi_sim, Cyrillic -> rus, Arabic -> ara), else English;
2. the text read is checked with the parser's language detection: when it is another of the six languages,
   the pages are read once more with that language's pack, and that reading is kept.

Tesseract is deterministic when it runs on one thread: ``OMP_THREAD_LIMIT=1`` is set for it (pytesseract
hands the process environment to the command), so the same PDF gives the same text."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DPI = 300  # the resolution Tesseract is trained for (text of 10-12 pt gets letters ~30 px high)
MAX_SIDE = 7000  # pixels: a page larger than ~23 inches is rendered smaller, never into gigabytes
PAGE_SECONDS = 120  # one page's OCR that takes longer is an error (a pathological image), not a hang
CONFIG = "--psm 3"  # Tesseract's default page segmentation: columns found, masthead items on their lines

_DATA = tomllib.loads((Path(__file__).parent / "data" / "languages.toml").read_text(encoding="utf-8"))["ocr"]
PACKS: dict[str, str] = _DATA["packs"]  # language code -> Tesseract's pack
SCRIPTS: dict[str, str] = _DATA["scripts"]  # script Tesseract's detection names -> pack
# Tesseract puts a space after an elided article's apostrophe ("Chargé d’ affaires", "l’ Assemblée")
ELISION = re.compile(rf"\b({'|'.join(map(re.escape, _DATA['elided']))})([’'])[ ]+(?=\w)", re.IGNORECASE)


class OcrError(Exception):
    """OCR could not read a page (Tesseract failed or took too long); the message says why."""


@dataclass(frozen=True)
class Reading:
    """What OCR read: each page's text (1-based page numbers), the pack it was read with, the engine."""

    texts: dict[int, str]
    pack: str
    engine: str


@functools.cache
def engine() -> str | None:
    """``"Tesseract 5.3.0"``, or None when the tesseract command is not installed (or does not run)."""
    try:
        import pytesseract

        return f"Tesseract {pytesseract.get_tesseract_version()}"
    except (Exception, SystemExit):  # noqa: BLE001 - pytesseract exits on a version it cannot parse
        return None


@functools.cache
def packs() -> frozenset[str]:
    """The language packs Tesseract has."""
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except Exception:  # noqa: BLE001
        return frozenset()


def available() -> bool:
    """Whether OCR can run: the tesseract command and its English pack are installed."""
    return engine() is not None and "eng" in packs()


def _single_thread() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # pytesseract runs tesseract with os.environ


def render(page):
    """A PDF page as a grey Pillow image at DPI (smaller for a page larger than MAX_SIDE pixels there)."""
    width, height = page.get_size()
    scale = min(DPI / 72, MAX_SIDE / max(width, height, 1.0))
    return page.render(scale=scale, grayscale=True).to_pil()


def read_image(image, pack: str) -> str:
    """The text Tesseract reads on one page image with language pack `pack`."""
    import pytesseract

    _single_thread()
    try:
        text = pytesseract.image_to_string(image, lang=pack, config=CONFIG, timeout=PAGE_SECONDS)
    except RuntimeError as exc:  # pytesseract's timeout; TesseractError is a RuntimeError too
        raise OcrError(" ".join(str(exc).split()) or "Tesseract failed") from None
    text = ELISION.sub(r"\1\2", text.replace("\f", ""))
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def script_pack(image) -> str | None:
    """The pack for the script Tesseract's OSD sees on the image, or None (too little text, unknown)."""
    import pytesseract

    if "osd" not in packs():
        return None
    _single_thread()
    try:
        osd = pytesseract.image_to_osd(image, timeout=PAGE_SECONDS)
    except RuntimeError:  # "Too few characters", a blank page: no script to tell
        return None
    for line in osd.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "Script":
            return SCRIPTS.get(value.strip())
    return None


def read_pages(image_of: Callable[[int], object], pages: list[int], named: str | None, known_text: str,
               detect: Callable[[str], str | None]) -> Reading:
    """OCR of `pages` (1-based; `image_of(n)` renders page n). `named` is the language the file name gives,
    `known_text` the PDF's own text layer on its other pages, `detect` the parser's language detection."""
    installed = packs()

    def usable(pack: str | None) -> str | None:
        return pack if pack in installed else None

    first = usable(PACKS.get(named or ""))
    if first is None and known_text.strip():
        first = usable(PACKS.get(detect(known_text) or ""))
    if first is None:
        first = usable(script_pack(image_of(pages[0])))
    first = first or "eng"

    def read(pack: str) -> dict[int, str]:
        texts = {}
        for n in pages:
            try:
                texts[n] = read_image(image_of(n), pack)
            except OcrError as exc:
                raise OcrError(f"OCR of page {n} failed: {exc}") from None
        return texts

    texts = read(first)
    told = usable(PACKS.get(detect("\n".join([known_text, *texts.values()])) or ""))
    pack = first
    if told is not None and told != first:
        texts, pack = read(told), told
    return Reading(texts, pack, engine() or "Tesseract")


def page_list(pages: list[int] | tuple[int, ...]) -> str:
    """``page 2``, ``pages 1–3``, ``pages 1, 3–5`` (runs joined by an en dash)."""
    runs: list[list[int]] = []
    for n in sorted(pages):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(parts)
