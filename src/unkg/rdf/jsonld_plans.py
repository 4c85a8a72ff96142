"""rdflib's JSON-LD converter from RDF (`Converter.from_graph` with a context, so with native types, and
``use_rdf_type=False``), its choices worked out once: for a statement, the key its value goes under and how
the value is written depend only on the predicate and the kind of value (an IRI; a literal's datatype and
language), so each is decided by the converter's own rules the first time and remembered. The converter
looks the graph up again for every value (is it a list? a blank node used elsewhere?); a graph with neither
lists nor blank nodes needs none of that, and any other graph is left to the converter (`nodes` gives None).
The node objects are the converter's, in canonical form (`canonical`: their lists sorted, as the writer
wants them)."""

from __future__ import annotations

import json

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
from rdflib.plugins.shared.jsonld.context import UNDEF, Context
from rdflib.plugins.shared.jsonld.keys import ID, LANG, LIST, SET, VOCAB

_FIRST = str(RDF.first)
_NILS = frozenset([RDF.nil])  # (`in` hashes a term in C and compares only where the hash is the same)
_CACHED_IRIS = 20_000  # compact IRIs remembered (the authority data's recur in every document)


class _Plans:
    def __init__(self, context: Context):
        self.context = context
        self.id_key = context.id_key  # (a property that looks its aliases up by a generator: read once)
        self._plans: dict[tuple, tuple] = {}
        self._short: dict[str, str] = {}
        self._symbols: dict[str, str] = {}

    def shrink(self, iri) -> str:
        short = self._short.get(iri)
        if short is None:
            short = str(self.context.shrink_iri(iri))  # (it gives the IRI itself, a term, where it has no prefix)
            if len(self._short) < _CACHED_IRIS:
                self._short[iri] = short
        return short

    def symbol(self, iri) -> str:
        """`Context.to_symbol`, remembered as `shrink` is (a class, a vocabulary's value: the same few recur)."""
        symbol = self._symbols.get(iri)
        if symbol is None:
            symbol = self.context.to_symbol(iri)
            if len(self._symbols) < _CACHED_IRIS:
                self._symbols[iri] = symbol
        return symbol

    def nodes(self, graph: Graph | list) -> list | None:
        """The node objects of `graph` (or of its triples in a list), or None when it has a list or a blank
        node."""
        nodemap: dict[str, dict] = {}
        lists: list[tuple[dict, str]] = []  # (node, key) of every list value made (to be sorted at the end)
        plans = self._plans
        subject = s_node = None
        for s, p, o in graph:
            # (exact types: rdflib's terms are ABCs, whose isinstance is Python code when it fails; a
            # subclass of them, which the mapping never makes, is left to the converter)
            if type(s) is not URIRef:
                return None
            kind = type(o)
            if kind is Literal:
                key = (p, o.datatype, o.language)
            elif kind is URIRef and o not in _NILS:
                key = (p,)
            else:
                return None
            if s is not subject:  # (a subject's triples come together: its node is found once for them)
                subject, node_id = s, self.shrink(s)
                s_node = nodemap.get(node_id)
                if s_node is None:
                    s_node = nodemap[node_id] = {self.id_key: node_id}
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = self._plan(p, o)
                if plan is None:
                    return None
            p_key, use_set, write = plan
            node = write(o)
            value = s_node.get(p_key)  # (as the converter adds a value, a falsy one replaced)
            if value:
                if not isinstance(value, list):
                    value = [value]
                    lists.append((s_node, p_key))
                value.append(node)
            elif use_set:
                value = [node]
                lists.append((s_node, p_key))
            else:
                value = node
            s_node[p_key] = value
        # in canonical form: what `canonical` does to the node objects, done where it changes something (their
        # list values; the nodes in the order of their ids, each distinct, where ``@id`` is not aliased)
        for node, key in lists:
            node[key] = canonical(node[key])
        if self.id_key != "@id":
            return canonical(list(nodemap.values()))
        return [nodemap[node_id] for node_id in sorted(nodemap)]

    def _plan(self, p, o):
        """(key, use_set, value writer) as `Converter.add_to_node` decides them for `o` (None: not handled)."""
        context = self.context
        if str.__eq__(p, _FIRST):  # (a list's statement: the graph is left to the converter)
            return None
        if isinstance(o, Literal):
            datatype = str(o.datatype) if o.datatype else None
            term = context.find_term(str(p), datatype, language=o.language)
        else:
            term = None
            for coercion in (ID, VOCAB, UNDEF):
                term = context.find_term(str(p), coercion, None)
                if term:
                    break
        write = None
        use_set = not context.active
        if term:
            p_key = term.name
            if term.type:
                write = self._coerce(o, term.type)
            elif term.language and o.language == term.language:
                write = str
            elif context.language and (term.language is None and o.language is None):
                write = str
            if LIST in term.container or LANG in term.container:
                return None
            if SET in term.container:
                use_set = True
        else:
            p_key = context.to_symbol(p)
            key_term = context.terms.get(p_key)
            if key_term and (key_term.type or key_term.container):
                p_key = p
            if p == RDF.type:
                if isinstance(o, URIRef):
                    write = self.symbol
                p_key = context.type_key
        return p_key, use_set, write or self._raw(o)

    def _coerce(self, o, coerce_type):
        """`Converter.type_coerce` for values like `o` (None where it gives None)."""
        if coerce_type == ID:
            return self.shrink if isinstance(o, URIRef) else (lambda v: v)
        if coerce_type == VOCAB and isinstance(o, URIRef):
            return self.symbol
        if isinstance(o, Literal) and str(o.datatype) == coerce_type:
            return lambda v: v
        return None

    def _raw(self, o):
        """`Converter.to_raw_value` for values like `o` (neither lists nor blank nodes)."""
        context = self.context
        if isinstance(o, URIRef):
            id_key = context.id_key
            return lambda v: {id_key: self.shrink(v)}
        native = o.datatype in PLAIN_LITERAL_TYPES  # (the converter's native types are on with a context)
        if native and context.active:
            return lambda v: v.toPython()
        if o.datatype:
            type_key, value_key, symbol = context.type_key, context.value_key, context.to_symbol(o.datatype)
            if native:
                return lambda v: {type_key: symbol, value_key: v.toPython()}
            return lambda v: {type_key: symbol, value_key: str(v)}
        if o.language and o.language != context.language:
            lang_key, value_key, lang = context.lang_key, context.value_key, o.language
            return lambda v: {lang_key: lang, value_key: str(v)}
        if not context.active or context.language and not o.language:
            value_key = context.value_key
            return lambda v: {value_key: v.toPython() if native else str(v)}
        return (lambda v: v.toPython()) if native else str


_NESTED = (dict, list)  # (what `canonical` looks into: any other value is itself)


def canonical(value):
    """`value` with its lists sorted (JSON-LD arrays are sets here: the same graph gives the same bytes):
    strings as strings, node objects and references by their ``@id``, any other by its JSON. A dict none of
    whose values is a list or a dict is itself (most are: a reference, a literal's value object), the others
    copied where a value changes. Sorting again changes nothing."""
    if isinstance(value, dict):
        out = None
        for k, v in value.items():
            if isinstance(v, _NESTED):
                if out is None:
                    out = dict(value)
                out[k] = canonical(v)
        return value if out is None else out
    if isinstance(value, list):
        items = [canonical(v) if isinstance(v, _NESTED) else v for v in value]
        if len(items) < 2:
            return items
        if all(isinstance(v, str) for v in items):
            return sorted(items)
        ids = [v.get("@id") if isinstance(v, dict) else None for v in items]
        if all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):  # node objects, references
            return [v for _, v in sorted(zip(ids, items), key=lambda pair: pair[0])]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value
