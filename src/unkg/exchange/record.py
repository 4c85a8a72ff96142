"""The catalogue record of one communication: what a cataloguer writes down about a document (a FRBR Work)
across the language versions the source folder holds, as plain values ready for a crosswalk.

Everything here comes from the parsed versions and the authority data; a value the text does not give (a
symbol, an agenda's own symbol) is ``None`` or an empty tuple, and the crosswalk leaves its field out.
The choices a cataloguing practice makes (which language leads, content codes, link patterns) are read
from ``crosswalks/record.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..authority import Authorities
from ..vocab import UNKG
from ..errors import InputError
from ..model import Document, Entity

UNBIS = "http://metadata.un.org/thesaurus/"


@dataclass(frozen=True)
class Symbol:
    full: str  # A/79/932
    series: str  # A/
    period: str | None  # 79 (a session) or 2025 (a year)


@dataclass(frozen=True)
class Version:
    language: str  # ISO 639-1
    marc: str  # MARC language code (chi, fre)
    name: str  # English name of the language
    title: str | None
    url: str | None  # https://undocs.org/{lang}/{symbol}, when the symbol is known


@dataclass(frozen=True)
class Organ:
    label: str  # English name (General Assembly)
    key: str  # slug of its authority IRI (general-assembly)
    session: int | None
    ordinal: str | None  # 79th
    start_year: int | None  # the year the session opened
    end_year: int | None
    year: int | None  # Security Council: the year


@dataclass(frozen=True)
class AgendaItem:
    organ: str
    agenda: str | None  # the agenda's symbol (A/79/251), from the authority data
    number: str
    title: str | None  # in the record's language when the authority has it, else as printed


@dataclass(frozen=True)
class AnnexNote:
    label: str  # I, II; "" for a single unnumbered annex
    name: str  # Annex I; Annex
    title: str | None
    author: str | None
    date: str | None
    place: str | None


@dataclass(frozen=True)
class Subject:
    label: str
    uri: str


@dataclass(frozen=True)
class Record:
    key: str  # the document's folder under source/documents
    identifier: str  # the Work's IRI
    language: str  # the language of the record's title (ISO 639-1)
    kind: str | None
    content_code: str | None
    date: str | None  # YYYY-MM-DD
    title: str | None
    sender_state: str | None
    sender_name: str | None
    symbols: tuple[Symbol, ...]
    versions: tuple[Version, ...]  # every language version held
    other_versions: tuple[Version, ...]  # the versions other than the record's language
    organs: tuple[Organ, ...]
    sets: tuple[str, ...]  # OAI-PMH set specs: organ, organ:session-or-year
    agenda: tuple[AgendaItem, ...]
    annexes: tuple[AnnexNote, ...]
    subjects: tuple[Subject, ...]


@dataclass(frozen=True)
class Practice:
    """Cataloguing choices, from ``crosswalks/record.toml``."""

    languages: tuple[str, ...]  # which version's title leads, in order of preference
    link: str  # URL pattern of a language version: {lang}, {symbol}
    content_codes: dict[str, str]  # kind -> content code
    not_from: tuple[str, ...]  # sender functions (English labels) the content codes do not apply to

    @classmethod
    def load(cls, path: Path) -> Practice:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            return cls(tuple(data["languages"]), str(data["link"]), dict(data["content_codes"]),
                       tuple(data.get("content_codes_not_from", ())))
        except FileNotFoundError:
            raise InputError(str(path), "no cataloguing practice file") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(str(path), f"not valid TOML: {exc}") from None
        except KeyError as exc:
            raise InputError(str(path), f"missing key {exc.args[0]!r} (languages, link, content_codes)") from None


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _symbol(full: str) -> Symbol:
    parts = full.split("/")
    period = parts[1] if len(parts) > 2 and re.fullmatch(r"[0-9A-Z-]+", parts[1]) else None
    return Symbol(full, parts[0] + "/", period)


def record(versions: list[Document], auth: Authorities, practice: Practice, work_iri: str) -> Record:
    """The record of one document from its language versions (at least one)."""
    order = {lang: i for i, lang in enumerate(practice.languages)}
    versions = sorted(versions, key=lambda d: (order.get(d.language.value, len(order)), d.language.value))
    lead = versions[0]
    symbols: list[str] = []
    for d in versions:
        symbols += [s.value for s in d.symbols if s.value not in symbols]
    link_symbol = symbols[0] if symbols else None
    held = tuple(_version(d, auth, practice, link_symbol) for d in versions)
    first = lambda get: next((v for v in map(get, versions) if v is not None), None)  # noqa: E731

    organs = []
    agenda = []
    sets = []
    for o in lead.organs:
        entity = o.organ.value
        key = _slug(entity.iri)
        start = auth.first_year.get(entity.iri)
        session = o.session.value if o.session else None
        opened = start + session - 1 if start is not None and session is not None else None
        year = o.year.value if o.year else None
        organs.append(Organ(entity.label, key, session, _ordinal(session) if session else None, opened,
                            opened + 1 if opened is not None else None, year))
        sets.append(key)
        if session is not None or year is not None:
            sets.append(f"{key}:{session if session is not None else year}")
        scheme = auth.agenda_items(entity, session) if session is not None else {}
        for item in o.agenda_items:
            known = scheme.get(item.number.value)
            title = known.titles.get(lead.language.value) if known else None
            if title is None and item.title is not None:
                title = item.title.value
            agenda.append(AgendaItem(entity.label, _agenda_symbol(auth, entity, session), item.number.value,
                                     title))

    sender = lead.sender
    function = sender.function.value.label if sender and sender.function else None
    kind = lead.kind.value if lead.kind else None
    code = practice.content_codes.get(kind or "") if function not in practice.not_from else None
    annexes = tuple(
        AnnexNote(a.label.value, f"Annex {a.label.value}".strip(), a.title.value if a.title else None,
                  a.author.person.label if a.author and a.author.person else None,
                  a.date.value.isoformat() if a.date else None, a.place.value.label if a.place else None)
        for a in lead.annexes
    )
    return Record(
        key=lead.source.key,
        identifier=work_iri,
        language=lead.language.value,
        kind=kind,
        content_code=code,
        date=first(lambda d: d.date.value.isoformat() if d.date else None),
        title=lead.title.value if lead.title else None,
        sender_state=sender.state.value.label if sender and sender.state else None,
        sender_name=sender.person.label if sender and sender.person else None,
        symbols=tuple(_symbol(s) for s in symbols),
        versions=held,
        other_versions=held[1:],
        organs=tuple(organs),
        sets=tuple(sets),
        agenda=tuple(agenda),
        annexes=annexes,
        subjects=_subjects(lead, auth),
    )


def _version(doc: Document, auth: Authorities, practice: Practice, symbol: str | None) -> Version:
    code = doc.language.value
    iri = auth.language_iri(code)
    marc = auth.value(iri, UNKG.marcCode) if iri else None
    name = auth.english_label(iri) if iri else None
    url = practice.link.format(lang=code, symbol=symbol) if symbol else None
    return Version(code, marc or code, name or code, doc.title.value if doc.title else None, url)


def _agenda_symbol(auth: Authorities, organ: Entity, session: int | None) -> str | None:
    if session is None:
        return None
    return auth.agenda_source(organ.iri, session)


def _subjects(doc: Document, auth: Authorities) -> tuple[Subject, ...]:
    """UNBIS concepts of the sending State and of the entities the letter itself names, where the
    authority data links them to the thesaurus (``rdfs:seeAlso``)."""
    entities: list[Entity] = []
    if doc.sender and doc.sender.state:
        entities.append(doc.sender.state.value)
    entities += [m.entity for m in doc.mentions if m.entity is not None and m.part == "main"]
    found: dict[str, Subject] = {}
    for e in entities:
        for see in auth.see_also(e.iri):
            if see.startswith(UNBIS):
                found.setdefault(see, Subject(e.label, see))
    return tuple(sorted(found.values(), key=lambda s: (s.label, s.uri)))
