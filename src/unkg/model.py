"""The document model (IR): what the parser found in one document, as plain frozen dataclasses.

It is the contract between parsing and everything downstream (facts card, RDF mapping, exports).
Every extracted value is a `Fact`: the value, where it came from in the raw text (`Span`) and the
surface text found there. A value that the text does not give is ``None`` (or an empty tuple), never a
guess; each such gap is recorded in `Document.warnings`.

Entities (States, organs, posts, persons, places, ...) are `Entity` references into the curated
authority data (`source/authorities/`); a name that the authorities do not know stays an unresolved
`Mention` (``entity is None``) and is reported.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, order=True, init=False)
class Span:
    """Half-open range ``[start, end)`` of character offsets into the raw (decoded) text, with the
    1-based numbers of its first and last lines."""

    start: int
    end: int
    line: int
    end_line: int

    def __init__(self, start: int, end: int, line: int, end_line: int) -> None:
        # (the fields written to the instance's dict: a frozen dataclass's own __init__ sets each through
        # object.__setattr__, twice as slow, and spans and facts are made for every value a parse reads)
        d = self.__dict__
        d["start"], d["end"], d["line"], d["end_line"] = start, end, line, end_line


@dataclass(frozen=True, init=False)
class Fact(Generic[T]):
    """A value with its provenance. ``origin`` is ``"text"`` (found at ``span``), ``"ocr-tolerant"`` (found
    at ``span`` only once OCR damage there was repaired: a warning says so), or ``"sidecar"`` (given by the
    document's ``document.toml``; ``span`` is then ``None``)."""

    value: T
    span: Span | None
    surface: str
    origin: str = "text"

    def __init__(self, value: T, span: Span | None, surface: str, origin: str = "text") -> None:
        d = self.__dict__  # (as Span's)
        d["value"], d["span"], d["surface"], d["origin"] = value, span, surface, origin


@dataclass(frozen=True)
class Entity:
    """An entry of the authority data: its IRI, kind and canonical English label."""

    iri: str
    kind: str  # state, organ, organization, post, function, rank, person, place, instrument,
    # designation, agenda item
    label: str  # canonical English (skos:prefLabel@en)


@dataclass(frozen=True)
class AgendaItem:
    number: Fact[str]  # "32", "71 (b)"
    title: Fact[str] | None  # as written in the document
    concept: Entity | None  # the item in the authority agenda scheme, when known


@dataclass(frozen=True)
class OrganSession:
    """An issuing organ as the masthead names it, with its session (General Assembly) or year
    (Security Council) and the agenda items listed under it."""

    organ: Fact[Entity]
    session: Fact[int] | None = None
    year: Fact[int] | None = None
    agenda_items: tuple[AgendaItem, ...] = ()


@dataclass(frozen=True)
class Agent:
    """The sender of a communication or the author of an annex."""

    name: Fact[str] | None  # as written
    person: Entity | None  # the authority entry for that name, when known
    function: Fact[Entity] | None  # a role (Permanent Representative) or post (Secretary-General)
    state: Fact[Entity] | None
    rank: Fact[Entity] | None
    signed: Fact[bool] | None
    # the name an English card gives a person the authority data does not know (see parse.lexicon.english_name)
    label: str | None = None


@dataclass(frozen=True)
class CirculationTarget:
    organ: Fact[Entity]
    agenda_items: tuple[Fact[str], ...] = ()


@dataclass(frozen=True)
class Circulation:
    """The request to circulate the communication as a document of one or more organs."""

    text: Fact[str]
    targets: tuple[CirculationTarget, ...]


@dataclass(frozen=True)
class Mention:
    """A name in the text: an organisation, person, place, instrument, event or designation."""

    kind: str
    surface: Fact[str]
    part: str  # "main" or "annex_1", "annex_2", ...
    entity: Entity | None  # None: unresolved (no authority entry); reported in the warnings


@dataclass(frozen=True)
class Citation:
    """A document or provision the text cites: "resolution 2641 (2022)", "S/2022/641", "Article 51 of the Charter".

    ``symbol`` is the cited document's canonical symbol ("S/RES/2641 (2022)", "A/RES/77/247", "S/2022/641") or,
    for a provision of an instrument, its canonical form ("Charter of the United Nations, Article 51"); None when
    the text does not make it certain (an unresolved citation, reported in the warnings). ``kind`` is what is
    cited: "resolution", "decision", "letter", "note verbale", "report", "document", "article", "statement".
    ``instrument`` is the authority entry of a cited instrument (the Charter, a treaty), ``article`` its article
    ("51"), both for kind "article".
    """

    kind: str
    surface: Fact[str]  # the words of the citation as written, with their span
    part: str  # "main" or "annex_1", "annex_2", ...
    symbol: str | None
    instrument: Entity | None = None
    article: str | None = None


@dataclass(frozen=True)
class Annex:
    label: Fact[str]  # "I", "II", ...; "" for a single unnumbered annex
    heading: Fact[str]
    title: Fact[str] | None
    author: Agent | None
    date: Fact[_dt.date] | None
    place: Fact[Entity] | None
    paragraphs: tuple[Fact[str], ...]
    closing_lines: tuple[Fact[str], ...]


@dataclass(frozen=True)
class Warning_:
    """Something that could not be found or did not agree; ``span`` points at the text concerned."""

    message: str
    span: Span | None = None


@dataclass(frozen=True)
class Ocr:
    """Text read by optical character recognition of page images (a scan without a text layer): the
    engine and its version (``"Tesseract 5.3.0"``), the language packs it read with (``("eng",)``) and the
    1-based numbers of the pages whose text is OCR's."""

    engine: str
    languages: tuple[str, ...]
    pages: tuple[int, ...]


@dataclass(frozen=True)
class Source:
    """The file a document was read from: its path, the key of its folder under source/documents (shared
    by the language versions of one document), the SHA-256 of its bytes and its decoded text; ``ocr``
    when (part of) that text was read by OCR, and ``warnings``, what reading it found (the OCR, pages left
    unread). Both default to what the text itself carries (`unkg.pdf.PdfText`), so a document built from
    a PDF's text knows how it was read."""

    path: str
    key: str
    sha256: str
    raw: str = field(repr=False, compare=False)
    ocr: Ocr | None = None
    warnings: tuple[str, ...] = ()
    text: object = field(default=None, repr=False, compare=False)  # the normalised text (`unkg.text.Text`)
    # of `raw`, into which every span of the document points: made once, by the parser

    def __post_init__(self) -> None:
        if self.ocr is None and getattr(self.raw, "ocr", None) is not None:
            object.__setattr__(self, "ocr", self.raw.ocr)
        if not self.warnings and getattr(self.raw, "warnings", ()):
            object.__setattr__(self, "warnings", tuple(self.raw.warnings))


@dataclass(frozen=True)
class Document:
    """One communication, in one language."""

    source: Source
    language: Fact[str]  # ISO 639-1: ar zh en fr ru es
    kind: Fact[str] | None  # "letter" | "note verbale" | "identical letters" | "other"
    symbols: tuple[Fact[str], ...]
    issued: Fact[_dt.date] | None
    original_language: Fact[str] | None
    date: Fact[_dt.date] | None
    title: Fact[str] | None
    organs: tuple[OrganSession, ...]
    sender: Agent | None
    recipients: tuple[Fact[Entity], ...]
    circulation: Circulation | None
    paragraphs: tuple[Fact[str], ...]
    annexes: tuple[Annex, ...]
    mentions: tuple[Mention, ...]
    warnings: tuple[Warning_, ...]
    citations: tuple[Citation, ...] = ()  # in text order, every occurrence (the card's `cites` keeps the first)
    # where the text appears to stop (a file cut short; the span of its last line): a warning says why,
    # and values read from that line were not taken
    suspected_truncation: Span | None = None

    def __post_init__(self) -> None:
        # what reading the source found (its text read by OCR, pages left unread) comes first among the
        # document's warnings, once, whoever built the document
        first = tuple(Warning_(m) for m in self.source.warnings if all(w.message != m for w in self.warnings))
        if first:
            object.__setattr__(self, "warnings", first + tuple(self.warnings))
