"""The text layer of a PDF, through PDFium (pypdfium2).

PDFium's text stream keeps the words and spaces as the PDF has them; where two runs of text sit far
apart on one line (masthead columns, page furniture), the line is split there, which brings the result
close to poppler's ``pdftotext`` layout that the parsers were written against. A PDF that is encrypted,
corrupt, or has no text layer (a scan) is an InputError."""

from __future__ import annotations

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


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.casefold():
            raise InputError(str(path), "encrypted PDF: cannot read its text without the password") from None
        raise InputError(str(path), f"not a readable PDF (corrupt?): {message}") from None
    try:
        pages = [_page_text(doc[i]) for i in range(len(doc))]
    finally:
        doc.close()
    text = "\n".join(p.rstrip("\n") for p in pages)
    if not text.strip():
        raise InputError(str(path), f"the PDF has no text layer ({len(pages)} page(s) of images: a scan?); "
                         "run OCR on it first")
    return text
