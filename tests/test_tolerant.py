"""OCR-damaged text layers (issue 16, item 2): a value found only by the tolerant reading carries a warning
naming its field and the text it read, and the graph marks it (unkg:TolerantReading, read by "ocr-tolerant");
page furniture is never read as a name or title; a text OCR did not damage gives no tolerant reading."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from unkg.mapping import map_document
from unkg.parse import parse_file, parse_text
from unkg.vocab import UNKG

CASES = Path(__file__).parent / "cases"


def test_tolerant_values_are_marked_in_the_graph(auth, settings):
    doc = parse_file(CASES / "en-1980s-ocr-damaged-title" / "input.txt", auth)
    assert doc.recipients[0].origin == "ocr-tolerant" and doc.sender.state.origin == "ocr-tolerant"
    assert doc.symbols[0].origin == "text"  # what the exact reading found stays as it was
    g = map_document(doc, auth, settings.base)
    readings = set(g.subjects(RDF.type, UNKG.TolerantReading))
    fields = {str(g.value(r, UNKG.field)) for r in readings}
    assert {"title", "recipients", "date"} <= fields
    assert all(g.value(r, UNKG.readBy) == Literal("ocr-tolerant") for r in readings)
    quoted = {str(g.value(r, UNKG.exact)) for r in readings if str(g.value(r, UNKG.field)) == "recipients"}
    assert quoted == {"PRESIDENT OF THE SECURITY OXJNCIL"}
    assert all(isinstance(r, URIRef) for r in readings)  # every node an IRI: same input, same triples


def test_warning_names_the_field_and_the_text(auth):
    doc = parse_file(CASES / "en-1980s-ocr-damaged-title" / "input.txt", auth)
    assert any(w.message.startswith('recipients: read with tolerance for OCR damage from "PRESIDENT OF THE '
                                    'SECURITY OXJNCIL" (line ') for w in doc.warnings)


LETTER = """Security Council
Distr.
GENERAL
S/19001
2 March 1988
ORIGINAL:
ENGLISH

LETTER DATED 1 MARCH 1988 FROM THE PERMANENT REPRESENTATIVE OF JAPAN TO THE
UNITED NATIONS ADDRESSED TO THE PRESIDENT OF THE SECURITY COUNCIL

 I have the honour to inform you of the position of my Government, set out in
the statement released today.
 I should be grateful if you would have this letter circulated as a document
of the Security Council.

(Signed)
{furniture}
Hiroshi TANAKA
Permanent Representative of Japan
to the United Nations
"""


def test_furniture_is_never_a_name(auth):
    """A job number, a print code or a continuation mark between the marker and the name: OCR-damaged or
    not, it is never read as the signatory's name."""
    for furniture in ("88-O6123 (E)", "----88-06l23 (E)", "O20388", "/...", "/. . .", "88-06123 (E) 020388"):
        doc = parse_text(LETTER.format(furniture=furniture), auth)
        assert doc.sender.name.value == "Hiroshi TANAKA", furniture


def test_undamaged_text_reads_as_before(auth):
    """No OCR damage: nothing is read with tolerance."""
    doc = parse_text(LETTER.format(furniture="88-06123 (E)"), auth)
    assert not any("tolerance" in w.message for w in doc.warnings)
    assert all(f.origin == "text" for f in (doc.title, doc.date, doc.kind, *doc.recipients))
