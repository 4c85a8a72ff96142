"""From the document model to RDF: one named graph per document (language version), plus the graph of the
authority data. See docs/graph.md for what a user can rely on.

IRIs follow the AKN4UN naming convention under the configured base (`Minter`); every node is an IRI, so
the same input always gives the same triples. What the document says is attributed, never asserted
(DOMAIN.md section 5): the signatory's capacity is a `prov:Attribution` of the letter, designations are
concepts labelled as the source uses them, and statements between real-world entities are never made.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

from . import __version__
from .authority import Authorities
from .mapping_citations import add_citations, anchor, symbol_number
from .model import Agent, Document, Entity, Mention
from .parse.tolerant_merge import TOLERANT, facts_in
from .rdf.terms import literal, resource, string
from .rdf.triples import Triples
from .text import Text, normalise
from .vocab import ALLOT, DCTERMS, DOCO, OA, ORG, OWL, PREFIXES, PROV, RDF, SCHEMA, SKOS, UNDO, UNKG, XSD

QUOTE_CONTEXT = 20  # characters of prefix and suffix kept with each quoted mention


def slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


# RFC 3987 ucschar: the characters beyond ASCII an IRI may hold unencoded
_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF)) + tuple(
    (0x10000 * n, 0x10000 * n + 0xFFFD) for n in range(1, 15))
_ASCII_KEPT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _kept(ch: str) -> bool:
    """An RFC 3987 iunreserved character that is also visible: ASCII letters, digits and ``-._~``, and
    ucschar except controls, format characters (bidi overrides), separators and unassigned ones."""
    import unicodedata

    if ch in _ASCII_KEPT:
        return True
    o = ord(ch)
    return (any(a <= o <= b for a, b in _UCSCHAR)
            and unicodedata.category(ch)[0] not in "CZ")


def iri_segment(name: str) -> str:
    """A name from outside (a source folder's) as one IRI path segment: the characters RFC 3987 allows
    unencoded in a segment (iunreserved, visible ones) kept, every other one percent-encoded as its UTF-8
    bytes (``%`` itself included, so two names never give one segment). Deterministic: same name, same
    segment."""
    if _ASCII_KEPT.issuperset(name):  # (most names: nothing to encode)
        return name
    return "".join(ch if _kept(ch) else "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
                   for ch in name)


@dataclass(frozen=True)
class Minter:
    """The project's IRIs (ARCHITECTURE.md "Identifiers")."""

    base: str
    auth: Authorities

    def entity(self, path: str) -> URIRef:
        return resource(f"{self.base}/id/{path}")

    def work(self, doc: Document) -> str:
        actors = [self._actor(o.organ.value) for o in doc.organs]
        actor = "-".join(a for a in actors if a) or "un"
        date = doc.date.value.isoformat() if doc.date else "undated"
        return f"{self.base}/akn/un/doc/officialLetter/{actor}/{date}/{self.number(doc)}"

    def local_work(self, doc: Document) -> str:
        """The IRI the Work had while its symbol was unknown (kept as an alias once it is known)."""
        actors = [self._actor(o.organ.value) for o in doc.organs]
        actor = "-".join(a for a in actors if a) or "un"
        date = doc.date.value.isoformat() if doc.date else "undated"
        return f"{self.base}/akn/un/doc/officialLetter/{actor}/{date}/local-{iri_segment(doc.source.key)}"

    def number(self, doc: Document) -> str:
        """The symbols with "/" made "-" (joined by "_"), or, for a document whose symbol is not known,
        ``local-{key}`` from its source folder (percent-encoded where the folder's name holds what an IRI
        cannot: `iri_segment`): every language version of a document shares that folder."""
        if doc.symbols:
            return "_".join(symbol_number(s.value) for s in doc.symbols)
        return f"local-{iri_segment(doc.source.key)}"

    def expression(self, doc: Document, work: str | None = None) -> str:
        """`work`: the document's `work` IRI, where the caller has it already."""
        date = doc.date.value.isoformat() if doc.date else "undated"
        return f"{work or self.work(doc)}/{self.auth.akn_code(doc.language.value)}@{date}"

    def graph(self, doc: Document, expression: str | None = None) -> URIRef:
        """`expression`: the document's `expression` IRI, where the caller has it already."""
        return URIRef(f"{expression or self.expression(doc)}/graph")

    def _actor(self, organ: Entity) -> str | None:
        return self.auth.value(organ.iri, UNKG.aknActor)

    def session(self, organ: Entity, kind: str, n: int) -> URIRef:
        return self.entity(f"session/{self._actor(organ) or slug(organ.iri)}/{n}")

    def post(self, function: Entity, state: Entity) -> URIRef:
        return self.entity(f"post/{slug(function.iri)}/{slug(state.iri)}")


def authority_graph(auth: Authorities, base: str) -> Graph:
    g = Graph(identifier=URIRef(f"{base}/id/authorities"))
    for triple in auth.graph:
        g.add(triple)
    return g


def map_document(doc: Document, auth: Authorities, base: str) -> Graph:
    """The named graph of one document (one language version)."""
    return map_triples(doc, auth, base).graph()


def map_triples(doc: Document, auth: Authorities, base: str) -> Triples:
    """`map_document`'s triples, not made an rdflib graph (what the build reads)."""
    m = Minter(base, auth)
    work = URIRef(m.work(doc))  # (made once: the expression's and the graph's IRIs begin with it)
    expr = URIRef(m.expression(doc, work))
    g = Triples(m.graph(doc, expr))
    lang = doc.language.value
    E = lambda e: resource(e.iri)  # noqa: E731 - an authority entity as a node
    text = lambda s: string(s, lang)  # noqa: E731 - text of the document, in its language

    # the communication (Work) and this language version (Expression)
    g.add((work, RDF.type, UNDO.OfficialLetter))
    g.add((work, RDF.type, SCHEMA.Message))
    for sym in doc.symbols:
        g.add((work, DCTERMS.identifier, string(sym.value)))
    if doc.symbols:  # the IRI it had before its symbol was known stays an alias
        g.add((work, OWL.sameAs, URIRef(m.local_work(doc))))
    if doc.kind:
        kind = auth.kind_iri(doc.kind.value)
        if kind:
            g.add((work, UNKG.communicationKind, resource(kind)))
    if doc.date:
        g.add((work, SCHEMA.dateSent, literal(doc.date.value.isoformat(), XSD.date)))
    if doc.issued:
        g.add((work, DCTERMS.issued, literal(doc.issued.value.isoformat(), XSD.date)))
    if doc.original_language:
        lang_iri = auth.language_iri(doc.original_language.value)
        if lang_iri:
            g.add((work, UNKG.originalLanguage, resource(lang_iri)))
    for publisher in sorted({auth.value(o.organ.value.iri, ORG.unitOf) for o in doc.organs} - {None}):
        g.add((work, DCTERMS.publisher, resource(publisher)))  # the organisation the organs belong to
    g.add((work, ALLOT.hasRealization, expr))
    g.add((expr, RDF.type, UNDO.DocumentVersion))
    lang_iri = auth.language_iri(lang)
    if lang_iri:
        g.add((expr, DCTERMS.language, resource(lang_iri)))
    if doc.title:
        g.add((expr, DCTERMS.title, text(doc.title.value)))
    if doc.suspected_truncation is not None:
        g.add((expr, UNKG.suspectedTruncation, string(f"line {doc.suspected_truncation.line}")))

    # organs, sessions and agenda items
    entry_no = 0
    for o in doc.organs:
        period = o.session or o.year
        if period is None:  # the masthead names the organ without a session or year (1980s letters)
            g.add((work, UNKG.organ, E(o.organ.value)))
            continue
        unit = "session" if o.session else "year"
        session = m.session(o.organ.value, unit, period.value)
        g.add((work, UNKG.documentOf, session))
        g.add((session, RDF.type, UNKG.Session))
        g.add((session, UNKG.organ, E(o.organ.value)))
        if o.session:
            g.add((session, UNKG.sessionNumber, literal(o.session.value)))
        else:
            g.add((session, UNKG.year, literal(str(period.value), XSD.gYear)))
        for item in o.agenda_items:
            if item.concept is not None:
                node = E(item.concept)
            else:  # an item the authority agenda lacks: described as the document prints it
                organ_code = m._actor(o.organ.value) or slug(o.organ.value.iri)
                node = m.entity(f"agenda/{organ_code.removeprefix('un')}/{period.value}/{item.number.value}")
                scheme = m.entity(f"agenda/{organ_code.removeprefix('un')}/{period.value}")
                g.add((node, RDF.type, UNKG.AgendaItem))
                g.add((node, RDF.type, SKOS.Concept))
                g.add((node, SKOS.inScheme, scheme))
                g.add((node, SKOS.notation, literal(item.number.value)))
                if item.title:
                    g.add((node, SKOS.prefLabel, text(item.title.value)))
                g.add((scheme, RDF.type, SKOS.ConceptScheme))
                g.add((scheme, UNKG.organ, E(o.organ.value)))
                g.add((scheme, UNKG.session, literal(period.value)))
            g.add((work, DCTERMS.subject, node))
            entry_no += 1
            entry = URIRef(f"{work}#agenda_{entry_no}")  # the item in its place in the masthead
            g.add((work, UNKG.agendaEntry, entry))
            g.add((entry, RDF.type, UNKG.AgendaEntry))
            g.add((entry, SCHEMA.position, literal(entry_no)))
            g.add((entry, UNKG.agendaItem, node))
            if item.title:  # the title as this version prints it
                g.add((entry, DCTERMS.title, text(item.title.value)))

    # sender, signature, recipients
    if doc.sender:
        _sender(g, m, auth, work, doc.sender, lang)
    for r in doc.recipients:
        g.add((work, SCHEMA.recipient, E(r.value)))

    # circulation request: one node per organ named
    if doc.circulation:
        for k, target in enumerate(doc.circulation.targets, 1):
            node = URIRef(f"{work}#circulation_{k}")
            g.add((work, UNKG.circulationRequest, node))
            g.add((node, RDF.type, UNKG.CirculationRequest))
            g.add((node, SCHEMA.position, literal(k)))
            g.add((node, UNKG.organ, E(target.organ.value)))
            for j, n in enumerate(target.agenda_items, 1):
                entry = URIRef(f"{node}_agenda_{j}")
                g.add((node, UNKG.agendaEntry, entry))
                g.add((entry, RDF.type, UNKG.AgendaEntry))
                g.add((entry, SCHEMA.position, literal(j)))
                g.add((entry, UNKG.agendaItemNumber, literal(n.value)))

    # annexes: parts of the Work, each with the autonomous work it carries
    parts = {"main": expr}
    for k, annex in enumerate(doc.annexes, 1):
        node = URIRef(f"{work}!annex_{k}")
        parts[f"annex_{k}"] = node
        g.add((work, DCTERMS.hasPart, node))
        g.add((node, DCTERMS.isPartOf, work))
        g.add((node, RDF.type, DOCO.Appendix))
        g.add((node, SCHEMA.position, literal(k)))
        g.add((node, UNKG.annexLabel, literal(annex.label.value)))
        number = _roman_value(annex.label.value)
        if number:
            g.add((node, UNKG.annexNumber, literal(number)))
        if annex.title:
            g.add((node, DCTERMS.title, text(annex.title.value)))
        if annex.date:
            g.add((node, DCTERMS.date, literal(annex.date.value.isoformat(), XSD.date)))
        if annex.place:
            g.add((node, SCHEMA.locationCreated, E(annex.place.value)))
        if annex.author and annex.author.person:
            g.add((node, DCTERMS.creator, E(annex.author.person)))
        elif annex.author and annex.author.name and annex.author.label:
            # a signatory the authority data does not know: a person of this annex, named as signed
            person = URIRef(f"{node}#author")
            g.add((node, DCTERMS.creator, person))
            g.add((person, RDF.type, SCHEMA.Person))
            g.add((person, SCHEMA.name, string(annex.author.name.value, lang=lang)))
            g.add((person, SKOS.prefLabel, string(annex.author.label, lang="en")))
        _carried_work(g, auth, node, annex, doc, text)

    # mentions: allot:mentions from the part to the entity, and an annotation anchoring it in the text
    source_text = doc.source.text if doc.source.text is not None else normalise(doc.source.raw)
    for i, mention in enumerate(doc.mentions, 1):
        _mention(g, parts, expr, i, mention, source_text, lang)
    add_citations(g, m, doc, parts, expr, source_text, lang, QUOTE_CONTEXT)  # what its text cites

    # provenance of the graph
    graph_node = g.identifier
    source = URIRef(f"{base}/source/{iri_segment(doc.source.key)}/{iri_segment(lang)}.txt")
    build = URIRef(f"{base}/id/software/unkg/{__version__}")
    g.add((graph_node, PROV.wasDerivedFrom, source))
    g.add((graph_node, PROV.wasGeneratedBy, build))
    g.add((source, RDF.type, PROV.Entity))
    g.add((source, DCTERMS.identifier, string(f"sha256:{doc.source.sha256}")))
    if doc.source.ocr is not None:  # the text, or part of it, read from page images (a scan)
        g.add((source, UNKG.readBy, literal("ocr")))
    _tolerant_readings(g, expr, doc, lang)
    g.add((build, RDF.type, PROV.SoftwareAgent))
    g.add((build, RDF.type, SCHEMA.SoftwareApplication))
    g.add((build, SCHEMA.name, string("unkg", lang="en")))
    g.add((build, SCHEMA.softwareVersion, literal(__version__)))
    return g


def _tolerant_readings(g: Graph, expr: URIRef, doc: Document, lang: str) -> None:
    """Each value read only with tolerance for OCR damage (parse/tolerant.py), for a cataloguer to check: a
    reading (read by "ocr-tolerant") naming the card's field and quoting, with its place, the text read."""
    n = 0
    for name in ("kind", "symbols", "issued", "original_language", "date", "title", "organs", "sender",
                 "recipients", "circulation", "annexes"):
        for fact in facts_in(getattr(doc, name)):
            if fact.origin == TOLERANT and fact.span is not None:
                n += 1
                node = URIRef(f"{expr}#reading_{n}")
                g.add((expr, UNKG.tolerantReading, node))
                g.add((node, RDF.type, UNKG.TolerantReading))
                g.add((node, UNKG.readBy, literal(TOLERANT)))
                g.add((node, UNKG.field, literal(name)))
                g.add((node, UNKG.exact, string(fact.surface or "", lang=lang)))
                g.add((node, UNKG.start, literal(fact.span.start)))
                g.add((node, UNKG.end, literal(fact.span.end)))


def _roman_value(label: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10}
    if not label or any(c not in values for c in label):
        return None
    total = 0
    for i, c in enumerate(label):
        v = values[c]
        total += -v if i + 1 < len(label) and values[label[i + 1]] > v else v
    return total


def _sender(g: Graph, m: Minter, auth: Authorities, work: URIRef, agent: Agent, lang: str) -> None:
    """The sender as a person, and the capacity in which the letter presents them as a
    prov:Attribution of the letter (not a statement that the person holds the post)."""
    if agent.person is not None:
        person = resource(agent.person.iri)
    elif agent.name is not None:
        person = URIRef(f"{work}#sender")
        g.add((person, RDF.type, SCHEMA.Person))
        g.add((person, SCHEMA.name, string(agent.name.value, lang=lang)))
    else:
        person = None
    role = None
    if agent.function is not None:
        fn = agent.function.value
        if agent.state is not None and fn.kind == "function":
            role = m.post(fn, agent.state.value)
            g.add((role, RDF.type, ORG.Post))
            g.add((role, ORG.role, resource(fn.iri)))
            g.add((role, UNKG.state, resource(agent.state.value.iri)))
            for label_lang, template in auth.post_labels(fn.iri).items():
                names = auth.labels.get(agent.state.value.iri, {}).get(label_lang)
                if names:
                    g.add((role, SKOS.prefLabel, string(template.replace("{state}", names[0]), lang=label_lang)))
        else:
            role = resource(fn.iri)
    att = URIRef(f"{work}#signature")
    if person is not None or role is not None:  # a note verbale is sent by the mission itself
        g.add((work, SCHEMA.sender, person if person is not None else role))
    g.add((work, PROV.qualifiedAttribution, att))
    g.add((att, RDF.type, PROV.Attribution))
    if person is not None:
        g.add((att, PROV.agent, person))
    if role is not None:
        g.add((att, PROV.hadRole, role))
    if agent.rank is not None:
        g.add((att, UNKG.rank, resource(agent.rank.value.iri)))
    if agent.name is not None:
        g.add((att, UNKG.nameAsWritten, string(agent.name.value, lang=lang)))
    g.add((att, UNKG.signed, literal(bool(agent.signed and agent.signed.value))))


def _carried_work(g: Graph, auth: Authorities, node: URIRef, annex, doc: Document, text) -> None:
    """The autonomous work an annex carries: an address (undo:Address) when its title says so, else a
    document; its author, date and place; and the event it was delivered at or adopted by, when the
    title names one (a quoted theme)."""
    content = URIRef(f"{node}#content")
    g.add((node, UNKG.carries, content))
    cls = auth.content_class(annex.title.value if annex.title else "", doc.language.value)
    g.add((content, RDF.type, resource(cls) if cls else UNDO.Document))
    if annex.title:
        g.add((content, DCTERMS.title, text(annex.title.value)))
    if annex.author and annex.author.person:
        g.add((content, DCTERMS.creator, resource(annex.author.person.iri)))
    elif annex.author and annex.author.name and annex.author.label:
        g.add((content, DCTERMS.creator, URIRef(f"{node}#author")))
    if annex.date:
        g.add((content, DCTERMS.date, literal(annex.date.value.isoformat(), XSD.date)))
    events = [mm for mm in doc.mentions
              if mm.kind == "event" and annex.title and mm.surface.span and annex.title.span
              and annex.title.span.start <= mm.surface.span.start < annex.title.span.end]
    for ev in events:
        event = URIRef(f"{node.split('!')[0]}#event_{_event_key(ev)}")
        g.add((content, UNKG.deliveredAt, event))
        g.add((event, RDF.type, SCHEMA.Event))
        g.add((event, SCHEMA.name, text(ev.surface.value)))
        if annex.date:
            g.add((event, SCHEMA.startDate, literal(annex.date.value.isoformat(), XSD.date)))
        if annex.place:
            g.add((event, SCHEMA.location, resource(annex.place.value.iri)))


def _event_key(m: Mention) -> str:
    import hashlib

    return hashlib.sha256(m.surface.value.encode("utf-8")).hexdigest()[:12]


def _mention(g: Graph, parts: dict, expr: URIRef, i: int, m: Mention, source: Text, lang: str) -> None:
    part = parts.get(m.part, expr)
    if m.entity is not None:
        g.add((part, ALLOT.mentions, resource(m.entity.iri)))
    ann = URIRef(f"{expr}#mention_{i}")
    g.add((ann, RDF.type, UNDO.Annotation))
    g.add((ann, OA.hasTarget, part))
    if m.entity is not None:
        g.add((ann, OA.hasBody, resource(m.entity.iri)))
    g.add((ann, UNKG.mentionKind, literal(m.kind)))
    anchor(g, ann, m.surface, source, lang, QUOTE_CONTEXT)
