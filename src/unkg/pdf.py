"""The text layer of a PDF, through PDFium (pypdfium2).

PDFium's text stream keeps the words and spaces as the PDF has them; where two runs of text sit far
apart on one line (masthead columns, page furniture), the line is split there, which brings the result
close to poppler's ``pdftotext`` layout that the parsers were written against. Pages without a text
layer (a scan) are read by OCR (`unkg.ocr`, Tesseract), and the text says so (`PdfText`). A PDF that is
encrypted or corrupt, or a scan OCR cannot read (no Tesseract, nothing found on its pages), is an
InputError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import InputError

GAP = 3.0  # a horizontal gap wider than this many character heights splits a line


def _page_text(page) -> str:
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        text = tp.get_text_range(0, n)
        out: list[str] = []
        prev = None
        for i, ch in enumerate(text[:n]):
            if ch in "\r\n":
                if ch == "\n":
                    out.append("\n")
                prev = None
                continue
            box = tp.get_charbox(i)
            if prev is not None and not ch.isspace():
                height = max(prev[3] - prev[1], box[3] - box[1], 1.0)
                if box[0] - prev[2] > GAP * height:
                    out.append("\n")
            out.append(ch)
            if not ch.isspace():
                prev = box
        return "".join(out)
    finally:
        tp.close()


def _said(exc: BaseException) -> str:
    """What an exception says, on one line (PDFium's messages are one line, but a message is shown as one
    line whatever it holds)."""
    return " ".join(str(exc).split()) or type(exc).__name__


class PdfText(str):
    """A PDF's text that was not all read from its text layer: ``ocr`` (a `model.Ocr`: the engine, language
    packs and pages OCR read) and ``warnings`` (what a reader should know: the OCR, pages left unread). A
    document parsed from it carries both (`model.Source`)."""

    ocr = None
    warnings: tuple[str, ...] = ()

    def __new__(cls, text: str, ocr=None, warnings: tuple[str, ...] = ()):
        self = super().__new__(cls, text)
        self.ocr = ocr
        self.warnings = tuple(warnings)
        return self

    def __reduce__(self):  # pickled whole (the build's workers), not as a plain str
        return (PdfText, (str(self), self.ocr, self.warnings))


def pdf_text(path: Path, data: bytes, detect: Callable[[str], str | None]) -> str:
    """The text of the PDF whose bytes are `data` (read from `path`, which errors name): its text layer,
    and OCR's reading of its pages that have none (then a `PdfText`; `detect`, the parser's language
    detection, tells OCR the language of a text read). Whatever PDFium cannot read (the file, a page, a
    page's text) is an InputError naming the file and the page: PDFium is handed the bytes of a file anyone
    can write, so any exception it raises is the input's fault, never a traceback."""
    import pypdfium2 as pdfium

    where = str(path)
    try:
        doc = pdfium.PdfDocument(data)
    except Exception as exc:  # noqa: BLE001 - see the docstring
        message = _said(exc)
        if "password" in message.casefold():
            raise InputError(where, "encrypted PDF: cannot read its text without the password") from None
        raise InputError(where, f"not a readable PDF (corrupt?): {message}") from None
    pages: list[str] = []
    try:
        try:
            count = len(doc)
        except Exception as exc:  # noqa: BLE001
            raise InputError(where, f"not a readable PDF (corrupt?): its pages cannot be counted: "
                             f"{_said(exc)}") from None
        for i in range(count):
            try:
                page = doc[i]
            except Exception as exc:  # noqa: BLE001
                raise InputError(where, f"not a readable PDF (corrupt?): page {i + 1} of {count} cannot be "
                                 f"loaded: {_said(exc)}") from None
            try:
                pages.append(_page_text(page))
            except Exception as exc:  # noqa: BLE001
                raise InputError(where, f"not a readable PDF (corrupt?): the text of page {i + 1} of {count} "
                                 f"cannot be read: {_said(exc)}") from None
            finally:
                page.close()
        blank = [n for n, p in enumerate(pages, 1) if not p.strip()]
        ocr = None
        warnings: tuple[str, ...] = ()
        if blank:
            pages, ocr, warnings = _read_by_ocr(doc, path, pages, blank, detect)
    finally:
        doc.close()
    text = "\n".join(p.rstrip("\n") for p in pages)
    if ocr is None and not warnings:
        return text
    return PdfText(text, ocr, warnings)


def _read_by_ocr(doc, path: Path, pages: list[str], blank: list[int], detect: Callable[[str], str | None]):
    """`pages` with the text OCR reads on the `blank` ones (1-based), the `model.Ocr` of that reading (None
    when it read nothing) and its warnings. A PDF with no text on any page that OCR cannot read is an
    InputError; one whose other pages have text is read without them, with a warning."""
    from . import ocr
    from .model import Ocr

    where = str(path)
    scan = len(blank) == len(pages)
    if not ocr.available():
        if scan:
            raise InputError(where, f"the PDF has no text layer ({len(pages)} page(s) of images: a scan?), and "
                             "OCR needs Tesseract, which is not installed (Debian: apt-get install "
                             "tesseract-ocr tesseract-ocr-eng; `make` installs it)")
        return pages, None, (f"{ocr.page_list(blank)} of the PDF have no text layer and were not read: OCR "
                             "needs Tesseract, which is not installed",)

    def image_of(n: int):
        try:
            page = doc[n - 1]
            try:
                return ocr.render(page)
            finally:
                page.close()
        except Exception as exc:  # noqa: BLE001 - PDFium on a file anyone can write
            raise InputError(where, f"not a readable PDF (corrupt?): page {n} of {len(pages)} cannot be "
                             f"rendered for OCR: {_said(exc)}") from None

    stem = path.stem.casefold()
    named = stem if stem in ocr.PACKS else None
    known = "\n".join(pages)
    try:
        reading = ocr.read_pages(image_of, blank, named, known, detect)
    except ocr.OcrError as exc:
        raise InputError(where, f"the PDF has no text layer on {ocr.page_list(blank)}, and {exc}") from None
    read = [n for n in blank if reading.texts.get(n, "").strip()]
    if not read:
        if scan:
            raise InputError(where, f"the PDF has no text layer ({len(pages)} page(s) of images: a scan?), and "
                             "OCR found no text on them (blank pages, or noise?)")
        return pages, None, ()
    pages = [reading.texts[n] if n in read else p for n, p in enumerate(pages, 1)]
    found = Ocr(reading.engine, (reading.pack,), tuple(read))
    warning = (f"text read by OCR ({reading.engine}, {reading.pack}) from {ocr.page_list(read)}: "
               "check the values")
    return pages, found, (warning,)
