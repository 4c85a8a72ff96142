"""The namespace shape's SPARQL-based target, run without SPARQL.

The shapes' namespace test (``shapes/iri.shacl.ttl``) targets every node one of whose IRIs (itself, its
predicates, its IRI objects) starts with none of the known namespaces, tested by STRSTARTS and a REGEX of
escaped prefixes. Oxigraph compiles that regular expression again for every query, which was most of a
document's validation time. A target whose query is exactly of that form (whitespace aside) is recognised
here and read as its list of prefixes (`prefixes`); the validator then tests each IRI with ``str.startswith``,
which is what STRSTARTS and an anchored alternation of literal prefixes mean. Any other query, or a regular
expression with more than literal characters and ``\\.``, is left to Oxigraph (None).
"""

from __future__ import annotations

import re

_TEMPLATE = (
    "SELECT DISTINCT ?this WHERE { VALUES $this { %s } { ?this ?value ?o . } "
    "UNION { ?this ?p ?value . FILTER (isIRI(?value)) } "
    "UNION { ?this ?p ?o . BIND (?this AS ?value) FILTER (isIRI(?this)) } "
    "FILTER (!(@TESTS@)) }"
)
_STARTS = re.compile(r'STRSTARTS\(STR\(\?value\), "([^"\\]*)"\)')
_REGEX = re.compile(r'REGEX\(STR\(\?value\), "\^\(((?:[A-Za-z0-9/:#_~%=&,;@!\'-]|\\\\\.|\|)+)\)"\)')


def prefixes(query: str) -> tuple[str, ...] | None:
    """The prefixes an IRI may start with to pass the target's test, if `query` (a SPARQL target with its
    VALUES block, as compiled) is the namespace test; else None."""
    text = " ".join(query.split())
    head, _, tail = _TEMPLATE.partition("@TESTS@")
    if not (text.startswith(head) and text.endswith(tail)):
        return None
    tests = text[len(head):len(text) - len(tail)].split(" || ")
    found: list[str] = []
    for test in tests:
        m = _STARTS.fullmatch(test)
        if m:
            found.append(m.group(1))
            continue
        m = _REGEX.fullmatch(test)
        if not m:
            return None
        found += [alt.replace("\\\\.", ".") for alt in m.group(1).split("|")]
    return tuple(found) if found and all(found) else None
