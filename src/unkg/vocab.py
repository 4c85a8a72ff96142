"""The vocabularies the graph uses: one namespace per prefix, read from the package's JSON-LD context
(``defaults/ontology/context.jsonld``, where every prefix the published JSON-LD uses is declared), so the
prefixes of Turtle, JSON-LD, the pages and the SPARQL queries are the same, written once; and the six
official languages (``data/languages.toml``), the codes of the language versions."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

from rdflib import Namespace


class _Terms(Namespace):
    """A namespace whose terms are made once: rdflib's makes a new term at every ``NS.name`` (the mapping
    asks for the same few hundred thousands of times). A term made is kept as an attribute of the namespace
    itself, so the next ``NS.name`` is found as any attribute is (``__getattr__`` is asked only for what is
    not one): bounded by the vocabularies' names the code uses."""

    def __getattr__(self, name: str):
        term = super().__getattr__(name)
        setattr(self, name, term)
        return term


def _prefixes() -> dict[str, Namespace]:
    text = resources.files("unkg").joinpath("defaults/ontology/context.jsonld").read_text(encoding="utf-8")
    context = json.loads(text)["@context"]
    return {name: _Terms(iri) for name, iri in context.items()
            if isinstance(iri, str) and not name.startswith("@") and iri.endswith(("/", "#"))}


PREFIXES = _prefixes()  # in the context's order (the order Turtle files declare them in)
UNDO = PREFIXES["undo"]
ALLOT = PREFIXES["allot"]
DCTERMS = PREFIXES["dcterms"]
SCHEMA = PREFIXES["schema"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]
OA = PREFIXES["oa"]
DOCO = PREFIXES["doco"]
UNKG = PREFIXES["unkg"]
ORG = PREFIXES["org"]
OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
RDF = _Terms("http://www.w3.org/1999/02/22-rdf-syntax-ns#")  # (not in the context: JSON-LD has its own keywords)
SH = "http://www.w3.org/ns/shacl#"  # (the reports' vocabulary: not in the published data's context)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

LANGUAGES: tuple[str, ...] = tuple(tomllib.loads(
    resources.files("unkg").joinpath("data/languages.toml").read_text(encoding="utf-8"))["official"])
