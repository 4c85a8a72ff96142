"""The compiled shapes' shortcuts (unkg.validate.fast) give pySHACL's results where they do not apply too: focus
nodes the authority data also describes (their values merged with the document's), classes with superclasses
(rdfs:subClassOf in the document or in the authority data), the namespace test on IRIs in every position, and
SPARQL constraints reading only some statements of a predicate (those with the objects their patterns name)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from unkg import authority
from unkg.mapping import authority_graph
from unkg.validate import load_shapes, validate

from conftest import default

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""
SHAPES = PREFIXES + """
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:integer ; sh:message "p" ] ,
                [ sh:path ex:q ; sh:class ex:C ; sh:message "q" ] ,
                [ sh:path ex:r ; sh:hasValue ex:v ; sh:message "r" ] .
"""
AUTHORITY = PREFIXES + "ex:a ex:p 1 ; ex:r ex:v . ex:k a ex:D . "
SUBCLASS = "ex:D rdfs:subClassOf ex:C . "
DOCUMENTS = {
    "described by the authority data, one more value": ("ex:a a ex:C ; ex:p 2 .", ""),
    "described by the authority data, no more values": ("ex:a a ex:C ; ex:q ex:a .", ""),  # (no result)
    "described by the authority data, a wrong value": ('ex:a a ex:C ; ex:p "x" ; ex:r ex:w .', ""),
    "a subclass in the authority data": ("ex:m a ex:D ; ex:q ex:k .", SUBCLASS),
    "a subclass in the document": ("ex:E rdfs:subClassOf ex:C . ex:n a ex:E ; ex:p 1 ; ex:r ex:v ; ex:q ex:n, ex:k .",
                                   ""),
    "a subclass's instance, no subclass": ("ex:m a ex:D ; ex:q ex:k . ex:c a ex:C ; ex:q ex:k .", ""),
    "typed by the authority data": ("ex:b ex:q ex:k .", "ex:b a ex:C ; ex:p 1 ; ex:r ex:v . "),
    "a chain of subclasses": ("ex:F rdfs:subClassOf ex:D . ex:o a ex:F ; ex:q ex:o .", SUBCLASS),
}


def results(graph: Graph, shapes: Graph, auth: Graph) -> tuple[list, list]:
    compiled = validate(graph, shapes, auth).results
    reference = validate(graph, shapes, auth, reference=True).results
    return list(compiled), list(reference)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_equal_to_pyshacl_beyond_the_shortcuts(name):
    document, extra = DOCUMENTS[name]
    shapes = Graph().parse(data=SHAPES, format="turtle")
    auth = Graph().parse(data=AUTHORITY + extra, format="turtle")
    compiled, reference = results(Graph().parse(data=PREFIXES + document, format="turtle"), shapes, auth)
    assert compiled == reference
    assert reference or "no more" in name  # (the comparison is not between empty lists)


def test_namespace_test_on_iris_in_every_position(settings):
    # (a blank node with a foreign IRI is a focus node for pySHACL, not for the compiled shapes, whose
    # SPARQL cannot name it: documents have no blank nodes)
    auth = authority_graph(authority.load(settings.authorities_dir, settings.base), settings.base)
    shapes = load_shapes(default("shapes"), settings.base)
    base = settings.base
    graph = Graph().parse(data=f"""
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://foreign.example/s> schema:name "a"@en .
<{base}/x/1> <http://foreign.example/p> "v"@en .
<{base}/x/2> dcterms:relation <http://foreign.example/o> .
<{base}/x/3> schema:name "http://foreign.example/literal"@en ; dcterms:relation <{base}/x/2> .
_:b schema:name "b"@en ; dcterms:relation <{base}/x/1> .
<{base}/x/4> dcterms:relation _:b .
""", format="turtle")
    compiled, reference = results(graph, shapes, auth)
    assert compiled == reference
    assert {r.focus for r in reference if "Namespaces" in r.shape} == {
        "http://foreign.example/s", f"{base}/x/1", f"{base}/x/2"}


# SPARQL constraints reading rdf:type statements: of one class only, of any class, or both (in one query or two)
CONSTANT = "SELECT $this ?value WHERE { $this <http://example.org/q> ?value . ?value a <http://example.org/D> . }"
ANY = ("SELECT $this ?value WHERE { $this <http://example.org/q> ?value . ?value a ?t . "
       "FILTER (?t != <http://example.org/D>) }")
BOTH = ("SELECT $this ?value WHERE { $this <http://example.org/q> ?value . ?value a <http://example.org/D> . "
        "FILTER EXISTS { ?value a ?t . FILTER (?t != <http://example.org/D>) } }")
NOT_EXISTS = ("SELECT $this ?value WHERE { $this <http://example.org/q> ?value . "
              "FILTER NOT EXISTS { ?value a <http://example.org/E> } }")

SUBJECT = ("SELECT $this ?value WHERE { $this <http://example.org/q> ?value . <http://example.org/k> a ?t . "
           "FILTER (?t = <http://example.org/E>) }")  # (a subject named, not an object)
SUBJECT_EXISTS = ("SELECT $this ?value WHERE { $this <http://example.org/q> ?value . "
                  "FILTER EXISTS { <http://example.org/k> a ?t . FILTER (?t = <http://example.org/E>) } }")


@pytest.mark.parametrize("queries", [[CONSTANT], [ANY], [BOTH], [NOT_EXISTS], [CONSTANT, ANY], [NOT_EXISTS, CONSTANT],
                                     [SUBJECT], [SUBJECT_EXISTS]],
                         ids=["constant", "any", "both", "not exists", "constant and any", "not exists and constant",
                              "subject", "subject in exists"])
def test_sparql_reading_statements_of_some_objects(queries):
    constraints = " , ".join(f'[ sh:select """{q}""" ; sh:message "{n}" ]' for n, q in enumerate(queries))
    shapes = Graph().parse(data=PREFIXES + f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql {constraints} .",
                           format="turtle")
    graph = Graph().parse(data=PREFIXES + """ex:a a ex:C ; ex:q ex:k, ex:l, ex:m . ex:k a ex:D, ex:E . ex:l a ex:D .
                                             ex:m a ex:F .""", format="turtle")
    compiled, reference = results(graph, shapes, Graph())
    assert compiled == reference
    assert reference


@pytest.mark.parametrize("document", ["ex:a ex:q ex:k . ex:k ex:r ex:v .", "ex:a ex:s ex:k . ex:k ex:r ex:v ."],
                         ids=["objects of the predicate", "no statement of it"])
def test_target_objects_of(document):
    shapes = Graph().parse(data=PREFIXES + """ex:T a sh:NodeShape ; sh:targetObjectsOf ex:q ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "t" ] .""", format="turtle")
    graph = Graph().parse(data=PREFIXES + document, format="turtle")
    compiled, reference = results(graph, shapes, Graph())
    assert compiled == reference
    assert reference or "ex:s" in document
