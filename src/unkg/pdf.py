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


def _said(exc: BaseException) -> str:
    """What an exception says, on one line (PDFium's messages are one line, but a message is shown as one
    line whatever it holds)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def pdf_text(path: Path, data: bytes) -> str:
    """The text layer of the PDF whose bytes are `data` (read from `path`, which errors name). Whatever
    PDFium cannot read (the file, a page, a page's text) is an InputError naming the file and the page:
    PDFium is handed the bytes of a file anyone can write, so any exception it raises is the input's
    fault, never a traceback."""
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
    finally:
        doc.close()
    text = "\n".join(p.rstrip("\n") for p in pages)
    if not text.strip():
        raise InputError(where, f"the PDF has no text layer ({len(pages)} page(s) of images: a scan?); "
                         "run OCR on it first")
    return text
