"""Akoma Ntoso 3.0 XML of one language version, following AKN4UN (``<doc name="officialLetter">``): FRBR
identification with AKN4UN IRIs, TLC references for the persons, organisations, places, roles and concepts
the text names, the preface (organs, sessions, agenda items, title), the body's paragraphs, the
signature in ``<conclusions>``, and each annex as an attachment with its own identification, title,
paragraphs and closing lines. The markup lives in ``templates/akn.xml`` (Jinja2, autoescaped)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple
from xml.parsers import expat

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..authority import Authorities
from ..mapping import Minter
from ..model import Document, Entity

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
TLC = {  # authority kind -> TLC element
    "state": "TLCOrganization", "organ": "TLCOrganization", "organization": "TLCOrganization",
    "person": "TLCPerson", "place": "TLCLocation", "post": "TLCRole", "function": "TLCRole",
    "rank": "TLCRole", "instrument": "TLCObject", "designation": "TLCConcept", "agenda item": "TLCConcept",
}

_NOT_ID = re.compile(r"[^A-Za-z0-9]+")  # what an eId is not made of
View = SimpleNamespace  # a part of the template's view: Jinja finds `o.ref` at once as an attribute (a dict's key
# only once the attribute lookup has failed, an exception per value)


class Reference(NamedTuple):
    element: str
    eid: str
    href: str
    show_as: str


class References:
    """The TLC references of one document: one per entity, with a unique eId from its IRI."""

    def __init__(self) -> None:
        self.by_iri: dict[str, Reference] = {}
        self.taken: set[str] = set()  # the eIds given

    def ref(self, entity: Entity | None) -> str | None:
        if entity is None or entity.kind not in TLC:
            return None
        if entity.iri not in self.by_iri:
            stem = _stem(entity.iri)
            eid, n = stem, 1
            while eid in self.taken:
                n += 1
                eid = f"{stem}_{n}"
            self.taken.add(eid)
            self.by_iri[entity.iri] = Reference(TLC[entity.kind], eid, entity.iri, entity.label)
        return "#" + self.by_iri[entity.iri].eid

    def all(self) -> list[Reference]:
        return sorted(self.by_iri.values(), key=lambda r: (r.element, r.eid))


@functools.lru_cache(maxsize=8192)  # (the authority data's entities recur from document to document)
def _stem(iri: str) -> str:
    """The eId an entity's reference has unless another's took it: its IRI's path after ``/id/``."""
    return _NOT_ID.sub("-", iri.split("/id/", 1)[-1]).strip("-") or "ref"


@functools.lru_cache(maxsize=4)
def _environment(templates: Path) -> Environment:
    # (not auto_reload: the template is read once, not checked for changes on each document, a stat each)
    return Environment(loader=FileSystemLoader(str(templates)), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def akn_xml(doc: Document, auth: Authorities, templates: Path) -> bytes:
    """The AKN document of one language version, indented UTF-8."""
    m = Minter("", auth)  # AKN IRIs are paths: /akn/un/...
    refs = References()
    lang3 = auth.akn_code(doc.language.value)
    date = doc.date.value.isoformat() if doc.date else None
    organs = []
    for n, o in enumerate(doc.organs, 1):
        items = [View(number=i.number.value, title=i.title.value if i.title else None,
                      ref=refs.ref(i.concept), eid=f"organ_{n}__item_{k}")
                 for k, i in enumerate(o.agenda_items, 1)]
        period = o.session or o.year
        organs.append(View(surface=o.organ.surface, ref=refs.ref(o.organ.value),
                           period=period.surface if period else None,
                           value=period.value if period else None, agenda=items))
    sender = doc.sender
    signature = None
    if sender is not None:
        signature = View(
            name=sender.name.value if sender.name else None, person=refs.ref(sender.person),
            role=sender.function.surface if sender.function else None,
            role_ref=refs.ref(sender.function.value) if sender.function else None,
            state=refs.ref(sender.state.value) if sender.state else None,
        )
    annexes = []
    for k, a in enumerate(doc.annexes, 1):
        author = a.author
        annexes.append(View(
            n=k, label=a.label.value, heading=a.heading.value,
            title=a.title.value if a.title else None,
            date=a.date.value.isoformat() if a.date else None,
            author=refs.ref(author.person) if author else None,
            place=refs.ref(a.place.value) if a.place else None,
            paragraphs=[p.value for p in a.paragraphs],
            closing=[c.value for c in a.closing_lines],
        ))
    for mention in doc.mentions:
        refs.ref(mention.entity)
    for r in doc.recipients:
        refs.ref(r.value)
    work = m.work(doc)
    expression = m.expression(doc, work)
    view = {
        "work": work, "expression": expression, "lang3": lang3, "date": date,
        "symbols": [s.value for s in doc.symbols], "number": m.number(doc),
        "author": ("#" + refs.by_iri[sender.state.value.iri].eid) if sender and sender.state else "#unkg",
        "organs": organs, "title": doc.title.value if doc.title else None,
        "recipients": [refs.ref(r.value) for r in doc.recipients],
        "paragraphs": [p.value for p in doc.paragraphs], "signature": signature,
        "annexes": annexes, "references": refs.all(), "language": doc.language.value,
    }
    text = _environment(templates).get_template("akn.xml").render(**view)
    data = text.encode("utf-8")
    # well-formed, or the template is broken: fail here, not in a reader (expat parses without building a
    # tree: half of lxml's time)
    expat.ParserCreate(namespace_separator=" ").Parse(data, True)
    return data
