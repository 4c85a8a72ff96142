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


@dataclass(frozen=True, order=True)
class Span:
    """Half-open range ``[start, end)`` of character offsets into the raw (decoded) text, with the
    1-based numbers of its first and last lines."""

    start: int
    end: int
    line: int
    end_line: int


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value with its provenance. ``origin`` is ``"text"`` (found at ``span``) or ``"sidecar"``
    (given by the document's ``document.toml``; ``span`` is then ``None``)."""

    value: T
    span: Span | None
    surface: str
    origin: str = "text"


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
class Source:
    """The file a document was read from: its path, the key of its folder under source/documents (shared
    by the language versions of one document), the SHA-256 of its bytes and its decoded text."""

    path: str
    key: str
    sha256: str
    raw: str = field(repr=False, compare=False)


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
