"""The documentation of the unkg ontology, served at ``/ontology`` (the ontology's own IRI): read from the
ontology the build published (``build/ontology.ttl``, a copy of ``ontology/unkg.ttl``), each term with its
anchor (``/ontology#Organ`` is the term ``unkg:Organ``), its labels and comments in the reader's language
and the others, its domain and range, and its alignments to the reused vocabularies. The same path gives
the ontology as Turtle or JSON-LD by content negotiation."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..vocab import PREFIXES

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KINDS = ((OWL + "Class", "classes", "Classes"), (OWL + "ObjectProperty", "object", "Object properties"),
         (OWL + "DatatypeProperty", "datatype", "Datatype properties"))
# the relations a term's entry shows, in this order (their names come from the labels file, as elsewhere)
RELATIONS = (RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range", OWL + "equivalentClass",
             OWL + "equivalentProperty", SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "broadMatch",
             RDFS + "seeAlso")
SHOWN = {RDF_TYPE, RDFS + "label", RDFS + "comment", RDFS + "isDefinedBy", *RELATIONS}


def ontology_file(folder: Path | None, ontology_dir: Path) -> Path:
    """The ontology served: the one the build in use published, else the project's."""
    if folder is not None and (folder / "ontology.ttl").is_file():
        return folder / "ontology.ttl"
    return ontology_dir / "unkg.ttl"


def triples(path: Path) -> list[ox.Triple]:
    return sorted(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), key=str)


def view(triples_: list[ox.Triple], lang: str, term_name) -> dict:
    """The page's values: the ontology's header and its terms by kind, sorted by name. `term_name` names a
    property or class (``Pages.term``)."""
    about: dict[str, list[ox.Triple]] = {}
    for t in triples_:
        if isinstance(t.subject, ox.NamedNode):
            about.setdefault(t.subject.value, []).append(t)
    ontology = next((s for s, ts in about.items() if any(t.predicate.value == RDF_TYPE and t.object.value
                                                          == OWL + "Ontology" for t in ts)), None)
    namespace = (ontology or "") + "#"
    header = _entry(ontology, about.get(ontology, []), lang, term_name, namespace) if ontology else None
    kinds = []
    for kind, key, heading in KINDS:
        terms = [_entry(s, ts, lang, term_name, namespace) for s, ts in about.items()
                 if s != ontology and any(t.predicate.value == RDF_TYPE and t.object.value == kind for t in ts)]
        kinds.append({"key": key, "heading": heading, "terms": sorted(terms, key=lambda e: e["anchor"].lower())})
    return {"iri": ontology or "", "header": header, "kinds": kinds,
            "version": _first(about.get(ontology, []), OWL + "versionInfo")}


def _entry(iri: str, ts: list[ox.Triple], lang: str, term_name, namespace: str) -> dict:
    labels = _texts(ts, RDFS + "label")
    comments = _texts(ts, RDFS + "comment")
    relations = []
    for predicate in RELATIONS:
        values = sorted(t.object.value for t in ts if t.predicate.value == predicate and isinstance(t.object, ox.NamedNode))
        if values:
            relations.append({"name": term_name(predicate, lang), "objects": [_link(v, namespace) for v in values]})
    others = sorted({(t.predicate.value, t.object.value) for t in ts if t.predicate.value not in SHOWN})
    for predicate, value in others:
        relations.append({"name": term_name(predicate, lang), "objects": [_link(value, namespace)]})
    anchor = iri[len(namespace):] if iri.startswith(namespace) else iri.rsplit("/", 1)[-1]
    return {"iri": iri, "anchor": anchor, "curie": curie(iri), "label": _pick(labels, lang),
            "comment": _pick(comments, lang), "labels": labels, "comments": comments, "relations": relations}


def _texts(ts: list[ox.Triple], predicate: str) -> list[dict]:
    found = [{"lang": t.object.language or "", "value": t.object.value} for t in ts
             if t.predicate.value == predicate and isinstance(t.object, ox.Literal)]
    return sorted(found, key=lambda x: (x["lang"] != "en", x["lang"], x["value"]))


def _pick(texts: list[dict], lang: str) -> str:
    for want in (lang, "en"):
        for x in texts:
            if x["lang"] == want:
                return x["value"]
    return texts[0]["value"] if texts else ""


def _first(ts: list[ox.Triple], predicate: str) -> str:
    return next((t.object.value for t in ts if t.predicate.value == predicate), "")


def _link(value: str, namespace: str) -> dict:
    """A value as a link: one of our terms to its anchor on this page, another IRI to itself."""
    if value.startswith(namespace):
        return {"href": "#" + value[len(namespace):], "text": curie(value)}
    if "://" in value:
        return {"href": value, "text": curie(value)}
    return {"href": None, "text": value}


def curie(iri: str) -> str:
    """`iri` as a prefixed name with the project's prefixes, when one fits."""
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    for prefix, ns in (("owl", OWL), ("rdfs", RDFS), ("xsd", "http://www.w3.org/2001/XMLSchema#"),
                       ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"), ("time", "http://www.w3.org/2006/time#")):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
