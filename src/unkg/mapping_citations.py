"""Citations in the graph: what a document's text cites (`model.Citation`), as its author's references.

Per citation, in the citing document's own named graph (its author's statement, DOMAIN.md section 5: the
letter refers to that document, which it does):

- ``dcterms:references`` from the citing part (the language version, or the annex ``{work}!annex_N``) to the
  cited Work (aligned to CiTO ``cito:cites`` in the ontology);
- the cited Work, named by its symbol alone (`cited_work`): ``{base}/akn/un/doc/{number}``, the number made
  from the symbol by the AKN4UN rule the Works of the collection are named by (`symbol_number`). A citation
  gives a symbol, not the date and organs the AKN Work IRI of a collection document also holds; so every
  document names its own symbols' Works as aliases of itself (``owl:sameAs``, as it does its local IRI), and a
  document cited by another of the collection is that one node under two names. The cited Work has its
  symbol (``dcterms:identifier``), ``undo:Document`` and the class its kind gives (authority data,
  ``authorities/citation-kinds.ttl``) and ``rdfs:seeAlso`` its page on the UN's resolver (undocs.org);
- an article of an instrument ("Charter of the United Nations, Article 51") is a provision minted under the
  instrument's authority entry, ``{instrument}/article/{n}`` (``unkg:Provision``, ``dcterms:isPartOf`` the
  instrument, ``unkg:articleNumber``, ``dcterms:identifier`` its canonical form);
- each occurrence is a ``unkg:Citation`` annotation, like a mention's: ``oa:hasTarget`` the part,
  ``oa:hasBody`` what it cites, ``unkg:citationKind`` (the kind as the text cites it), the quote and its
  offsets. A citation the text does not make certain (no symbol), or an article of an instrument the authority
  data does not know, has no body and no cited Work is invented: the annotation says why
  (``unkg:unresolvedReason``).
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from rdflib import Graph, URIRef

from .model import Citation, Document, Fact
from .rdf.terms import literal, string
from .text import Text
from .vocab import DCTERMS, OA, OWL, RDF, RDFS, SKOS, UNDO, UNKG


_NOT_NUMBER = re.compile(r"[^A-Za-z0-9.]+")


@functools.lru_cache(maxsize=4096)  # (a document's symbols are made numbers for each IRI that holds them)
def symbol_number(symbol: str) -> str:
    """A symbol as the number of an AKN4UN IRI: every run of characters other than ASCII letters, digits and
    dots made one "-" ("S/RES/2641 (2022)" -> "S-RES-2641-2022")."""
    return _NOT_NUMBER.sub("-", symbol).strip("-")


def cited_work(base: str, symbol: str) -> URIRef:
    """The Work a symbol names, whoever cites it (and the alias of a collection document with that symbol)."""
    return URIRef(f"{base}/akn/un/doc/{symbol_number(symbol)}")


def provision(instrument_iri: str, article: str) -> URIRef:
    """An article of an instrument of the authority data, under the instrument's IRI."""
    return URIRef(f"{instrument_iri.rstrip('/')}/article/{quote(article, safe='')}")


def is_provision(c: Citation) -> bool:
    return c.kind == "article" or c.article is not None


def target(base: str, c: Citation) -> URIRef | None:
    """What a citation cites, as a node: an article of a known instrument, a Work by its symbol, or None (an
    unresolved citation)."""
    if is_provision(c):  # (its canonical form, the symbol, is its identifier: without one, unresolved)
        return provision(c.instrument.iri, c.article) if c.instrument and c.article and c.symbol else None
    return cited_work(base, c.symbol) if c.symbol else None


def _kinds(auth) -> dict:
    """The citation kinds of the authority data (notation -> concept, concept -> class of its Works) and the
    resolver's template, read once per authority data (kept in its memo)."""
    def compute() -> dict:
        graph = auth.graph
        concepts = {str(n): s for s in sorted(graph.subjects(RDF.type, UNKG.CitationKind))
                    for n in graph.objects(s, SKOS.notation)}
        classes = {s: o for s in concepts.values() for o in sorted(graph.objects(s, UNKG.workClass))[:1]}
        templates = sorted(str(t) for t in graph.objects(None, UNKG.symbolResolver))
        return {"concepts": concepts, "classes": classes, "resolver": templates[0] if templates else None}

    return auth._remember(("citation-kinds",), compute)


def kind_concept(auth, kind: str) -> URIRef | None:
    """The authority data's concept for a kind of cited document ("resolution"), when it has one."""
    return _kinds(auth)["concepts"].get(kind)


def resolver_link(auth, symbol: str) -> URIRef | None:
    """The cited document's page on the UN's resolver: the authority data's ``unkg:symbolResolver`` template
    (on the scheme of cited kinds) with the symbol percent-encoded, its slashes and parentheses kept
    ("https://undocs.org/S/RES/2641%20(2022)")."""
    template = _kinds(auth)["resolver"]
    return URIRef(template.replace("{symbol}", quote(symbol, safe="/()"))) if template else None


def add_citations(g: Graph, m, doc: Document, parts: dict, expr: URIRef, source: Text, lang: str,
                  context: int) -> None:
    """The citations of `doc` into its graph `g` (`m` the mapping's Minter, `parts` its part nodes by name),
    and the aliases of its own Work by each of its symbols."""
    work = URIRef(m.work(doc))
    for sym in doc.symbols:
        g.add((work, OWL.sameAs, cited_work(m.base, sym.value)))
    for i, c in enumerate(doc.citations, 1):
        part = parts.get(c.part, expr)
        node = target(m.base, c)
        ann = URIRef(f"{expr}#citation_{i}")
        g.add((ann, RDF.type, UNKG.Citation))
        g.add((ann, OA.hasTarget, part))
        kind = kind_concept(m.auth, c.kind)
        if kind is not None:
            g.add((ann, UNKG.citationKind, kind))
        anchor(g, ann, c.surface, source, lang, context)
        if node is None:
            reason = UNKG.InstrumentNotKnown if is_provision(c) and c.symbol else UNKG.SymbolNotCertain
            g.add((ann, UNKG.unresolvedReason, reason))
            continue
        g.add((ann, OA.hasBody, node))
        g.add((part, DCTERMS.references, node))
        if is_provision(c):
            g.add((node, RDF.type, UNKG.Provision))
            g.add((node, DCTERMS.isPartOf, URIRef(c.instrument.iri)))
            g.add((node, UNKG.articleNumber, string(c.article)))
            g.add((node, DCTERMS.identifier, string(c.symbol)))
            continue
        g.add((node, RDF.type, UNDO.Document))
        cls = _kinds(m.auth)["classes"].get(kind)
        if cls is not None:
            g.add((node, RDF.type, cls))
        g.add((node, DCTERMS.identifier, string(c.symbol)))
        link = resolver_link(m.auth, c.symbol)
        if link is not None:
            g.add((node, RDFS.seeAlso, link))


def anchor(g: Graph, ann: URIRef, surface: Fact[str], source: Text, lang: str, context: int) -> None:
    """The quote of an annotation (a citation's, a mention's) and its place in the text: its words, their
    offsets and up to `context` characters either side."""
    g.add((ann, UNKG.exact, string(surface.value, lang=lang)))
    span = surface.span
    if span is None:
        return
    g.add((ann, UNKG.start, literal(span.start)))
    g.add((ann, UNKG.end, literal(span.end)))
    before = source.written(source.span(max(0, span.start - context), span.start))
    after = source.written(source.span(span.end, min(len(source.raw), span.end + context)))
    if before:
        g.add((ann, UNKG.prefix, string(before, lang=lang)))
    if after:
        g.add((ann, UNKG.suffix, string(after, lang=lang)))


def _part_order(part: str) -> tuple[int, int, str]:
    number = part.rpartition("_")[2]
    return (part != "main", int(number) if number.isdigit() else 0, part)


def network_entry(docs: list[Document], m) -> dict | None:
    """What the citation network (``build/citations.*``) keeps of one document, from the language versions
    built (`docs`; `m` the mapping's Minter): its Work, symbols (and their Work IRIs, its aliases), kind, and one
    edge per node its parts reference (as `add_citations` maps them): the symbol or provision cited, the kinds
    the text cites it as, the most occurrences one version has (versions are translations of one text), the
    parts and the languages that cite it. None without a version."""
    if not docs:
        return None
    first = docs[0]
    edges: dict[str, dict] = {}
    for doc in docs:
        counts: dict[str, int] = {}
        for c in doc.citations:
            node = target(m.base, c)
            if node is None:
                continue
            e = edges.setdefault(str(node), {"target": str(node), "cited": c.symbol or "", "kinds": set(),
                                             "occurrences": 0, "parts": set(), "languages": set()})
            e["kinds"].add(c.kind)
            e["parts"].add(c.part)
            e["languages"].add(doc.language.value)
            counts[str(node)] = counts.get(str(node), 0) + 1
        for node, n in counts.items():
            edges[node]["occurrences"] = max(edges[node]["occurrences"], n)
    symbols = [s.value for s in first.symbols]
    return {"work": m.work(first), "symbols": symbols, "aliases": [str(cited_work(m.base, s)) for s in symbols],
            "kind": first.kind.value if first.kind else "",
            "edges": [{**e, "kinds": sorted(e["kinds"]), "parts": sorted(e["parts"], key=_part_order),
                       "languages": sorted(e["languages"])} for _, e in sorted(edges.items())]}
