"""The search row's shortcuts read what pyoxigraph's plain reads give."""

from __future__ import annotations

import pyoxigraph as ox

from unkg.searchdoc import first_labels, literals_by_subject, solutions

EX = "http://example.org/"


def test_a_solution_by_position_is_the_solution_by_name():
    """Each variable's value (None where unbound: an OPTIONAL, a UNION's other branch), None for a variable
    the query does not select, as pyoxigraph reads a solution by name."""
    store = ox.Store()
    a, b, p, q = (ox.NamedNode(EX + n) for n in "abpq")
    store.extend([ox.Quad(a, p, ox.Literal("x", language="fr")), ox.Quad(b, p, ox.BlankNode("n")),
                  ox.Quad(a, q, ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))])
    query = f"""SELECT ?z ?s ?o ?n ?w WHERE {{ {{ ?s <{p.value}> ?o OPTIONAL {{ ?s <{q.value}> ?n }} }}
                UNION {{ BIND (1 AS ?w) }} }}"""
    plain = list(store.query(query))
    fast = list(solutions(store.query(query)))
    assert len(fast) == len(plain) == 3
    for by_name, solution in zip(plain, fast):
        for name in ("z", "s", "o", "n", "w", "unselected"):
            assert solution[name] == by_name[name]
    assert any(s["n"] is None for s in fast) and any(s["n"] is not None for s in fast)


def test_literals_are_read_by_their_subjects_iri():
    """A label's predicate, language tag, N-Triples form and text, as the literal gives them; nothing of a
    blank node's, of a predicate not read or of an IRI object."""
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    a, g = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "g")
    quads = [ox.Quad(a, label, ox.Literal("Un \"a\"", language="fr"), g), ox.Quad(a, label, ox.Literal("A"), g),
             ox.Quad(ox.BlankNode("b"), label, ox.Literal("B"), g),
             ox.Quad(a, ox.NamedNode(EX + "p"), ox.Literal("C"), g), ox.Quad(a, label, ox.NamedNode(EX + "c"), g)]
    assert literals_by_subject(quads) == {EX + "a": [
        (label.value, "fr", '"Un \\"a\\""@fr', 'Un "a"'), (label.value, "", '"A"', "A")]}


def test_labels_worked_out_from_the_authority_datas_first_are_those_of_every_literal_at_once():
    """The authority data's first labels, then the document's literals: each tag's first form of both, the
    authority data's own left as they were."""
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    alt = "http://www.w3.org/2004/02/skos/core#altLabel"
    authority = [(label, "en", '"B"@en', "B"), (label, "fr", '"A"@fr', "A"), (alt, "es", '"Z"@es', "Z"),
                 (label, "en", '"C"@en', "C")]
    document = [(label, "en", '"A"@en', "A"), (label, "fr", '"B"@fr', "B"), (label, "", '"D"', "D"),
                (alt, "en", '"0"@en', "0")]
    first = first_labels(authority, {})
    kept = {tag: list(value) for tag, value in first.items()}
    assert first_labels(document, dict(first)) == first_labels(authority + document, {}) == {
        "en": ['"A"@en', "A"], "fr": ['"A"@fr', "A"], "": ['"D"', "D"]}
    assert first == kept
