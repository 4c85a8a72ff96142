"""Scans without a text layer are read by OCR (issue 16, item 3): a corpus PDF made image-only (its pages
rendered by PDFium, written back as images by Pillow) gives the card of its text layer, with a warning naming
the engine and the pages, the card's and the graph's note that the text is OCR's, through `unkg build` too.
A blank or noisy page is an input error or a card with warnings, never a traceback.

OCR is slow (a second or two a page): one scan of two pages is OCR'd for the build and once more to show
that the same PDF gives the same text; the other tests are a blank page, a noise page, and the language
choice with Tesseract replaced."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from unkg import ocr
from unkg.config import load_settings
from unkg.errors import InputError
from unkg.facts import card
from unkg.parse import parse_file

from conftest import load_json, make_project, run_unkg, shared_path

SCAN = ("corpus", "en", "en_A-53-568_S-1998-1025.pdf")
KEY = "A-53-568"
DPI = 150  # the scans are made small; OCR renders them at its own 300 dpi
SAME = ("symbols", "issued", "original_language", "date", "organs", "sender", "recipients", "circulate_as",
        "kind")


def need_tesseract() -> None:
    if ocr.available():
        return
    if os.environ.get("CI"):
        pytest.fail("Tesseract is not installed under CI (`make` installs tesseract-ocr and its packs)")
    pytest.skip("Tesseract is not installed (`make` installs it)")


def image_only(source: Path, target: Path, dpi: int = DPI) -> Path:
    """`source`'s pages as grey images, one per page of a new PDF with no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(source)
    try:
        images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]
    finally:
        doc.close()
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return target


def text_chars(path: Path) -> list[int]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        return [doc[i].get_textpage().count_chars() for i in range(len(doc))]
    finally:
        doc.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project whose one document is the scan, built (OCR runs in the build, through parse_file)."""
    from unkg.build import build

    need_tesseract()
    folder = make_project(tmp_path_factory.mktemp("scan"), documents=False)
    docs = folder / "source" / "documents" / KEY
    docs.mkdir(parents=True)
    scan = image_only(shared_path(*SCAN), docs / "en.pdf")
    report = build(load_settings(folder, env={}))
    return folder, scan, report


def test_the_scan_has_no_text_layer(tmp_path):
    """The premise: the image-only copy has pages and no characters on any (its text must come from OCR)."""
    chars = text_chars(image_only(shared_path(*SCAN), tmp_path / "en.pdf"))
    assert len(chars) == 2 and chars == [0, 0]
    assert all(n > 500 for n in text_chars(shared_path(*SCAN)))


def test_a_built_scan_gives_the_text_layers_card_and_says_ocr(built, auth):
    folder, scan, report = built
    assert not report.refused, report.refused
    got = load_json(folder / "build" / "facts" / f"{KEY}.en.json")
    expected = card(parse_file(shared_path(*SCAN), auth))
    assert expected["symbols"] == ["A/53/568", "S/1998/1025"] and expected["sender"]  # a full card to match
    for field in SAME:
        assert got[field] == expected[field], field
    assert "ocr" not in expected
    assert got["ocr"]["engine"].startswith("Tesseract ") and got["ocr"]["languages"] == ["eng"]
    assert got["ocr"]["pages"] == [1, 2]
    engine = got["ocr"]["engine"]
    assert got["warnings"][0] == f"text read by OCR ({engine}, eng) from pages 1–2: check the values"
    graph = (folder / "build" / "documents" / f"{KEY}.en.ttl").read_text(encoding="utf-8")
    assert graph.count('"ocr"') == 1 and "readBy" in graph
    text_layer = (folder / "build" / "documents").glob("*.ttl")
    assert len(list(text_layer)) == 1


def test_the_same_scan_gives_the_same_text(built, auth):
    """Tesseract on one thread is deterministic: OCR'd again, the scan gives the same text and card."""
    folder, scan, _ = built
    again = parse_file(scan, auth)
    assert again.source.ocr is not None and again.source.ocr.pages == (1, 2)
    built_card = load_json(folder / "build" / "facts" / f"{KEY}.en.json")
    assert card(again) == built_card
    assert again.source.sha256 in (folder / "build" / "documents" / f"{KEY}.en.ttl").read_text(encoding="utf-8")


def test_a_text_layer_pdf_is_not_ocrd(auth):
    doc = parse_file(shared_path(*SCAN), auth)
    assert doc.source.ocr is None and not any("OCR" in w.message for w in doc.warnings)


def _page(tmp_path: Path, name: str, draw) -> Path:
    """A one-page image-only PDF (A4 at 150 dpi) on which `draw(image)` has drawn."""
    from PIL import Image

    image = Image.new("L", (1240, 1754), 255)
    draw(image)
    path = tmp_path / name
    image.save(path, "PDF", resolution=DPI)
    return path


def _specks(image) -> None:
    rng = random.Random(16)
    px = image.load()
    for _ in range(image.width * image.height // 2000):
        px[rng.randrange(image.width), rng.randrange(image.height)] = 0


def _words(image) -> None:
    from PIL import ImageDraw, ImageFont

    rng = random.Random(16)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    for row in range(12):
        line = " ".join("".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))
                        for _ in range(6))
        draw.text((120, 150 + 60 * row), line, fill=0, font=font)


@pytest.mark.parametrize("kind", ["blank", "specks", "words"])
def test_a_page_of_nothing_is_a_clear_result(tmp_path, kind):
    """A white page, a page of specks, a page of made-up words: one line naming the file and exit 2 (no
    text, or not a UN communication), or a card whose warnings say OCR read it: never a traceback."""
    need_tesseract()
    path = _page(tmp_path, "letter.pdf", {"blank": lambda image: None, "specks": _specks, "words": _words}[kind])
    assert text_chars(path) == [0]
    result = run_unkg("facts", str(path))
    assert "Traceback" not in result.stderr
    if kind in ("blank", "specks"):
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.splitlines() == [f"unkg: error: {path}: the PDF has no text layer (1 page(s) of "
                                              "images: a scan?), and OCR found no text on them (blank pages, "
                                              "or noise?)"]
    elif result.returncode == 2:
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"unkg: error: {path}") and "not a UN communication" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        import json

        warnings = json.loads(result.stdout)["warnings"]
        assert warnings[0].startswith("text read by OCR (Tesseract ") and "from page 1: check" in warnings[0]


def test_a_scan_without_tesseract_says_what_to_install(tmp_path, monkeypatch, auth):
    monkeypatch.setattr(ocr, "available", lambda: False)
    path = image_only(shared_path(*SCAN), tmp_path / "en.pdf")
    with pytest.raises(InputError) as caught:
        parse_file(path, auth)
    assert "no text layer (2 page(s) of images: a scan?)" in str(caught.value)
    assert "Tesseract, which is not installed" in str(caught.value) and "tesseract-ocr" in str(caught.value)


# -- the language OCR reads with, Tesseract replaced by a stand-in that reads a fixed text per pack ----------

ENGLISH = "I have the honour to inform you that the Government of the country has decided"
FRENCH = "J'ai l'honneur de vous informer que le Gouvernement du pays a décidé de"


@pytest.fixture
def stand_in(monkeypatch):
    """`ocr.read_image` and `ocr.script_pack` replaced: the page is "in" `page_language`, and reading it with
    another language's pack still gives the page's words (as Tesseract roughly does within one script)."""
    calls: list[tuple[str, str]] = []
    state = {"page": ENGLISH, "script": "eng"}

    def read_image(image, pack):
        calls.append(("read", pack))
        return state["page"]

    def script_pack(image):
        calls.append(("osd", state["script"]))
        return state["script"]

    monkeypatch.setattr(ocr, "read_image", read_image)
    monkeypatch.setattr(ocr, "script_pack", script_pack)
    monkeypatch.setattr(ocr, "packs", lambda: frozenset({"eng", "fra", "spa", "rus", "ara", "chi_sim", "osd"}))
    monkeypatch.setattr(ocr, "engine", lambda: "Tesseract 5.9.9")
    return state, calls


def _read(named, known=""):
    from unkg.parse import detect_language

    return ocr.read_pages(lambda n: None, [1, 2], named, known, detect_language)


def test_the_file_names_language_is_read_with_and_kept_when_the_text_agrees(stand_in):
    state, calls = stand_in
    state["page"] = FRENCH
    reading = _read("fr")
    assert reading.pack == "fra" and calls == [("read", "fra")] * 2
    assert reading.texts == {1: FRENCH, 2: FRENCH} and reading.engine == "Tesseract 5.9.9"


def test_a_file_name_the_text_contradicts_is_read_again_in_the_texts_language(stand_in):
    state, calls = stand_in
    reading = _read("fr")  # an English page named fr.pdf
    assert reading.pack == "eng" and calls == [("read", "fra")] * 2 + [("read", "eng")] * 2


def test_no_language_in_the_name_asks_the_script_then_the_text(stand_in):
    state, calls = stand_in
    state["page"] = FRENCH
    reading = _read(None)  # letter.pdf: OSD says Latin (eng), the text says French
    assert reading.pack == "fra" and calls == [("osd", "eng")] + [("read", "eng")] * 2 + [("read", "fra")] * 2


def test_the_text_layer_of_other_pages_gives_the_language(stand_in):
    state, calls = stand_in
    state["page"] = FRENCH
    reading = _read(None, known=FRENCH)
    assert reading.pack == "fra" and calls == [("read", "fra")] * 2


def test_page_lists():
    assert ocr.page_list([2]) == "page 2"
    assert ocr.page_list([1, 2, 3]) == "pages 1–3"
    assert ocr.page_list([5, 1, 3, 4]) == "pages 1, 3–5"
