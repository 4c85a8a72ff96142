"""The curated authority data (``source/authorities/**/*.ttl``) as a look-up table for the parser.

Each resource's kind comes from its ``rdf:type`` (`KINDS`), its canonical English label from
``skos:prefLabel@en``, and the names documents use for it from ``skos:prefLabel`` and ``skos:altLabel``
in each language, plus the forms those names take in running text, ``skos:hiddenLabel`` (matched, never
displayed: the Russian cases of States' names, "Исламской Республики Иран", written by
``scripts/state_name_forms.py``). Relative IRIs in the files resolve against ``{base}/id/``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from .errors import InputError
from .model import Entity
from .vocab import SCHEMA, UNKG


KINDS: dict[URIRef, str] = {
    SCHEMA.Country: "state",
    UNKG.Organ: "organ",
    ORG.FormalOrganization: "organization",
    SCHEMA.Organization: "organization",
    SCHEMA.Person: "person",
    SCHEMA.Place: "place",
    SCHEMA.City: "place",
    SCHEMA.AdministrativeArea: "place",
    SCHEMA.Legislation: "instrument",
    ORG.Role: "function",
    ORG.Post: "post",
    UNKG.DiplomaticRank: "rank",
    UNKG.Designation: "designation",
    UNKG.AgendaItem: "agenda item",
}


@functools.lru_cache(maxsize=65536)
def _fold(label: str) -> str:
    from .text import normalise

    lines = normalise(label).lines
    return lines[0].text if lines else ""


def _alternation(names: list[tuple[str, str]], flags: int) -> str:
    """A regular expression matching what ``name1suffix1|name2suffix2|…`` matches, and by the same alternative:
    the names (in order of preference) grouped by their first letter, ``a(?:bc|d)|x(?:y|z)``, and the rests
    of a group's names by their next letter, and so on (``ab(?:c|d)`` is ``a(?:b(?:c|d))``). At each place
    in a text `re` then tries the names of one letter instead of every name (three times faster over a
    document; the next letters a quarter faster again over the many names of States). Names whose first
    letters `flags` make the same letter (IGNORECASE: ``i`` and ``ı``) share a group and keep their order;
    letters of different groups never match the same character, so the order of the groups does not matter
    (the names come longest first: one that ends where others of its group go on comes after them, and so
    does its group, the empty one, which matches where they do)."""
    classes: list[list[str]] = []  # first letters that match the same characters
    for c in dict.fromkeys(name[:1] for name, _ in names):
        same = next((k for k in classes if re.fullmatch(re.escape(k[0]), c, flags)), None)
        if same is None:
            classes.append([c])
        else:
            same.append(c)
    parts = []
    for letters in classes:
        members = [(name, suffix) for name, suffix in names if name[:1] in letters]
        if len(letters) == 1 and letters[0] and len(members) > 1:
            parts.append(f"{re.escape(letters[0])}(?:{_alternation([(n[1:], s) for n, s in members], flags)})")
        elif len(letters) == 1:
            rest = "|".join(re.escape(name[1:]) + suffix for name, suffix in members)
            parts.append(f"{re.escape(letters[0])}(?:{rest})")
        else:
            parts.append("|".join(re.escape(name) + suffix for name, suffix in members))
    return "|".join(parts)


def _whole_words(names: list[str]) -> str | None:
    r"""A regular expression matching, without flags, what ``(?<!\w)(?:name1|name2|…)(?!\w)`` matches with
    IGNORECASE, and by the same name, when the names start with a few ASCII characters (as organs' names
    do): None otherwise. It opens with the characters a name can start with (each ASCII letter in either
    case, and any non-ASCII one: the Kelvin sign is a K) as a class, which `re` scans for in C (written as
    the ASCII characters no name starts with, negated: a range up to U+10FFFF takes `re` 5 ms to compile);
    the grouped names' pattern opens with a look-behind that `re` tries at every character of a text, and
    is then about a third slower on a letter. Over names that start with most letters the class skips little
    and each group's look-behind costs more: those keep `_alternation`."""
    firsts = list(dict.fromkeys(name[:1] for name in names))
    if len(firsts) > 10 or not all(c.isascii() and c for c in firsts) \
            or len({c.casefold() for c in firsts}) < len(firsts):  # (each letter its own group)
        return None
    can_start = "".join(c.lower() + c.upper() for c in firsts)
    cannot = "".join(chr(o) for o in range(128) if chr(o) not in can_start)
    groups = "|".join(rf"(?<={re.escape(c)})(?:" + "|".join(re.escape(n[1:]) for n in names if n[:1] == c) + ")"
                      for c in firsts)  # (the letter just read, then the rest of its names, in order)
    return rf"[^{re.escape(cannot)}](?<!\w.)(?i:{groups})(?!\w)"


@dataclass(frozen=True)
class AgendaEntry:
    entity: Entity
    titles: dict[str, str]  # language -> title


HEAD_FINAL = {"zh"}  # languages whose noun phrases end with their head noun (讲话 in …发表的讲话)
# where names need not stand as whole words: Chinese has no spaces, Arabic attaches prepositions in
# front of a name (لأذربيجان), Russian inflects its end (Азербайджана). A Russian name whose entity has
# its case forms in the data (skos:hiddenLabel@ru) is a whole word: "Иранский" does not name Iran.
BOUNDARIES = {"zh": "none", "ar": "right", "ru": "left"}


@dataclass
class Authorities:
    graph: Graph = field(default_factory=Graph, repr=False)
    entities: dict[str, Entity] = field(default_factory=dict)
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # iri -> lang -> labels
    forms: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # iri -> lang -> hidden labels
    period_unit: dict[str, str] = field(default_factory=dict)  # organ iri -> "session" | "year"
    first_year: dict[str, int] = field(default_factory=dict)  # organ iri -> first year
    agenda: dict[tuple[str, int], dict[str, AgendaEntry]] = field(default_factory=dict)
    _finders: dict[tuple[str, frozenset[str]], list] = field(  # [pattern (or its text), flags, names]
        default_factory=dict, repr=False
    )
    # a present Member's IRI -> the former States that sat under its present name, each with the period
    # (start, end) of that membership: ("Yemen" was the Yemen Arab Republic's name until 22 May 1990)
    earlier: dict[str, list[tuple[_dt.date, _dt.date, Entity]]] = field(default_factory=dict)
    # (lang, kinds) as `find` is called -> its finder's compiled pattern and table (no frozenset made per call;
    # as few keys as the parser has calls of `find`, times the languages)
    _by_call: dict[tuple, tuple] = field(default_factory=dict, repr=False)  # (and the names as written: a memo)
    _tables: dict[tuple, dict] = field(default_factory=dict, repr=False)  # (lang, kinds) as `lookup` is called
    # answers of the look-ups below, asked again for every document (the graph does not change once loaded)
    _memo: dict[tuple, object] = field(default_factory=dict, repr=False)

    def of_kind(self, *kinds: str) -> list[Entity]:
        # (asked again for every document, some 14 times for a real letter: each answer listed once, and copied)
        return list(self._remember(("of_kind", kinds),
                                   lambda: tuple(e for e in self.entities.values() if e.kind in kinds)))

    def names(self, entity: Entity, lang: str) -> list[str]:
        return self.labels.get(entity.iri, {}).get(lang, [])

    def _finder(self, lang: str, kinds: frozenset[str]):
        key = (lang, kinds)
        if key not in self._finders:
            table: dict[str, Entity] = {}
            whole: set[str] = set()  # names matched as whole words where the language would not need it
            for iri in sorted(self.entities):
                ent = self.entities[iri]
                if ent.kind not in kinds:
                    continue
                forms = self.forms.get(iri, {}).get(lang, [])
                for label in self.labels.get(iri, {}).get(lang, []) + forms:
                    name = self._key(label, lang)
                    table.setdefault(name, ent)
                    if forms and table[name] is ent:
                        whole.add(name)
            alts = sorted(table, key=lambda s: (-len(s), s))
            flags = 0 if lang in ("zh",) else re.IGNORECASE
            left = BOUNDARIES.get(lang) == "left"  # each name declined in the data ends a word
            fast = _whole_words(alts) if lang not in BOUNDARIES else None
            if fast is not None:  # (the whole words' pattern below, found faster)
                body, flags = fast, 0
            else:
                body = _alternation([(a, r"(?!\w)" if left and a in whole else "") for a in alts], flags)
                if lang not in BOUNDARIES:  # a name is a whole word: "woman" does not name Oman
                    body = rf"(?<!\w)(?:{body})(?!\w)"
                elif BOUNDARIES[lang] == "right":
                    body = rf"(?:{body})(?!\w)"
                elif BOUNDARIES[lang] == "left":
                    body = rf"(?<!\w)(?:{body})"
            self._finders[key] = [body if alts else None, flags, table]  # compiled by `find` when first needed
        return self._finders[key]

    @staticmethod
    def _key(label: str, lang: str) -> str:
        folded = _fold(label)
        return folded if lang == "zh" else folded.casefold()

    def find(self, text: str, lang: str, *kinds: str) -> list[tuple[int, int, Entity]]:
        """Every non-overlapping occurrence of a known name in `text`, longest names first."""
        try:
            pattern, table, seen = self._by_call[lang, kinds]
        except KeyError:
            finder = self._finder(lang, frozenset(kinds))
            if isinstance(finder[0], str):  # (a lookup needs only the table: no time spent compiling for it)
                finder[0] = re.compile(finder[0], finder[1])
            pattern, table, seen = self._by_call[lang, kinds] = finder[0], finder[2], {}
        if pattern is None:
            return []
        found = []
        for m in pattern.finditer(text):
            name = m.group(0)
            ent = seen.get(name)  # (each name as written looked up once: its key is a normalised fold)
            if ent is None:
                # (None: the pattern's case-insensitive match is not a name once folded: "İndia" matches
                # "india" letter by letter, but casefold() makes its İ two characters; passed over)
                ent = table.get(self._key(name, lang))
                if ent is None:
                    continue
                if len(seen) < 4096:
                    seen[name] = ent
            found.append((m.start(), m.end(), ent))
        return found

    def lookup(self, name: str, lang: str, *kinds: str) -> Entity | None:
        """The entity whose name is exactly `name`."""
        try:
            table = self._tables[lang, kinds]
        except KeyError:  # (kept by the arguments as given, as `find` keeps its finders)
            table = self._tables[lang, kinds] = self._finder(lang, frozenset(kinds))[2]
        return table.get(self._key(name, lang))

    def as_of(self, entity: Entity, date: _dt.date | None) -> tuple[Entity, Entity | None]:
        """`entity` as a document of `date` names it: the former State that sat under the present Member's
        name at that date, if one did. The second value is that former State when `date` is None (the
        name is ambiguous: the caller warns), else None."""
        periods = self.earlier.get(entity.iri)
        if not periods:
            return entity, None
        if date is None:
            return entity, periods[0][2]
        for start, end, former in periods:
            if start <= date < end:
                return former, None
        return entity, None

    def agenda_items(self, organ: Entity, session: int) -> dict[str, AgendaEntry]:
        return self.agenda.get((organ.iri, session), {})

    # -- look-ups for the mapping ------------------------------------------------------------------
    def _remember(self, key: tuple, compute):
        try:
            return self._memo[key]
        except KeyError:
            found = self._memo[key] = compute()
            return found

    def value(self, iri: str, pred: URIRef) -> str | None:
        def compute() -> str | None:
            v = self.graph.value(URIRef(iri), pred)
            return None if v is None else str(v)

        return self._remember(("value", iri, pred), compute)

    def _by_notation(self, cls: URIRef, notation: str) -> str | None:
        def compute() -> str | None:
            for s in self.graph.subjects(SKOS.notation, Literal(notation)):
                if (s, RDF.type, cls) in self.graph:
                    return str(s)
            return None

        return self._remember(("notation", cls, notation), compute)

    def language_iri(self, code: str) -> str | None:
        return self._by_notation(DCTERMS.LinguisticSystem, code)

    def akn_code(self, code: str) -> str:
        iri = self.language_iri(code)
        found = self.value(iri, UNKG.aknCode) if iri else None
        return found or code

    def kind_iri(self, notation: str) -> str | None:
        return self._by_notation(UNKG.CommunicationKind, notation)

    def post_labels(self, function_iri: str) -> dict[str, str]:
        return dict(self._remember(("post", function_iri), lambda: {
            lit.language: str(lit)
            for lit in self.graph.objects(URIRef(function_iri), UNKG.postLabel)
            if isinstance(lit, Literal) and lit.language
        }))

    def english_label(self, iri: str) -> str | None:
        """The resource's ``skos:prefLabel`` in English."""
        return self._remember(("label-en", iri), lambda: next(
            (str(v) for v in self.graph.objects(URIRef(iri), SKOS.prefLabel)
             if isinstance(v, Literal) and v.language == "en"), None))

    def see_also(self, iri: str) -> list[str]:
        """The resource's ``rdfs:seeAlso`` links."""
        return self._remember(("see-also", iri),
                              lambda: [str(o) for o in self.graph.objects(URIRef(iri), RDFS.seeAlso)])

    def agenda_source(self, organ_iri: str, session: int) -> str | None:
        """The ``dcterms:source`` of the agenda of an organ's session (the document that lists it)."""
        def compute() -> str | None:
            for scheme in self.graph.subjects(UNKG.session, None):
                number = self.graph.value(scheme, UNKG.session)
                if str(self.graph.value(scheme, UNKG.organ)) == organ_iri and number is not None \
                        and int(number) == session:
                    source = self.graph.value(scheme, DCTERMS.source)
                    return str(source) if source is not None else None
            return None

        return self._remember(("agenda-source", organ_iri, session), compute)

    def _content_keywords(self, lang: str) -> list[tuple[str, str]]:
        """(keyword, class) of every kind of annex content, in `lang`, in the order they are tried."""
        def compute() -> list[tuple[str, str]]:
            found = []
            for kind in sorted(self.graph.subjects(RDF.type, UNKG.ContentKind)):
                cls = self.graph.value(kind, UNKG.contentClass)
                for kw in self.graph.objects(kind, UNKG.titleKeyword):
                    if isinstance(kw, Literal) and kw.language == lang and cls is not None:
                        found.append((str(kw), str(cls)))
            return found

        return self._remember(("content", lang), compute)

    def content_class(self, title: str, lang: str) -> str | None:
        """The class of the work an annex carries, from the keyword at the head of its title."""
        best: tuple[int, str] | None = None
        for kw, cls in self._content_keywords(lang):
            hay, needle = (title, kw) if lang == "zh" else (title.casefold(), kw.casefold())
            pos = hay.rfind(needle) if lang in HEAD_FINAL else hay.find(needle)
            if pos < 0:
                continue
            rank = -(pos + len(needle)) if lang in HEAD_FINAL else pos
            if best is None or rank < best[0]:
                best = (rank, cls)
        return best[1] if best else None


def load(folder: Path, base: str) -> Authorities:
    """Load every ``*.ttl`` below `folder` (in sorted order)."""
    files = sorted(folder.rglob("*.ttl"))
    if not files:
        raise InputError(str(folder), "no authority data (*.ttl) found")
    from .rdf.read import parse_turtle_files

    graph = parse_turtle_files(files, public_id=lambda _: base.rstrip("/") + "/id/")
    return from_graph(graph)


def from_graph(graph: Graph) -> Authorities:
    auth = Authorities(graph=graph)
    for s, _, cls in sorted(graph.triples((None, RDF.type, None))):
        kind = KINDS.get(cls)  # type: ignore[arg-type]
        if kind is None or not isinstance(s, URIRef):
            continue
        iri = str(s)
        by_lang: dict[str, list[str]] = {}
        for pred in (SKOS.prefLabel, SKOS.altLabel):
            for lit in sorted(graph.objects(s, pred)):
                if isinstance(lit, Literal) and lit.language:
                    by_lang.setdefault(lit.language, []).append(str(lit))
        english = by_lang.get("en", [])
        pref_en = [str(x) for x in graph.objects(s, SKOS.prefLabel) if isinstance(x, Literal) and x.language == "en"]
        label = pref_en[0] if pref_en else (english[0] if english else iri)
        if iri in auth.entities and auth.entities[iri].kind != kind:
            # an entity typed twice (e.g. a City that is also a Place) keeps its most specific kind
            continue
        auth.entities[iri] = Entity(iri, kind, label)
        auth.labels[iri] = by_lang
        hidden: dict[str, list[str]] = {}
        for lit in sorted(graph.objects(s, SKOS.hiddenLabel)):
            if isinstance(lit, Literal) and lit.language:
                hidden.setdefault(lit.language, []).append(str(lit))
        auth.forms[iri] = hidden
    _earlier_names(graph, auth)
    for organ, unit in graph.subject_objects(UNKG.periodUnit):
        auth.period_unit[str(organ)] = str(unit)
    for organ, year in graph.subject_objects(UNKG.firstYear):
        auth.first_year[str(organ)] = int(str(year))
    for scheme in graph.subjects(UNKG.session, None):
        organ = graph.value(scheme, UNKG.organ)
        session = graph.value(scheme, UNKG.session)
        if organ is None or session is None:
            continue
        items: dict[str, AgendaEntry] = {}
        for concept in graph.subjects(SKOS.inScheme, scheme):
            notation = graph.value(concept, SKOS.notation)
            ent = auth.entities.get(str(concept))
            if notation is None or ent is None:
                continue
            titles = {
                lit.language: str(lit)
                for lit in graph.objects(concept, SKOS.prefLabel)
                if isinstance(lit, Literal) and lit.language
            }
            items[str(notation)] = AgendaEntry(ent, titles)
        auth.agenda[(str(organ), int(session))] = items
    return auth


def _earlier_names(graph: Graph, auth: Authorities) -> None:
    """The former States whose United Nations name (a membership's label) is now a present Member's name
    (its English preferred label) and which that Member replaces (dcterms:replaces)."""
    for present, former in sorted(graph.subject_objects(DCTERMS.replaces)):
        ent, gone = auth.entities.get(str(present)), auth.entities.get(str(former))
        if ent is None or gone is None:
            continue
        for membership in sorted(graph.subjects(ORG.member, former)):
            labels = {str(x) for x in graph.objects(membership, RDFS.label) if isinstance(x, Literal)}
            start, end = graph.value(membership, SCHEMA.startDate), graph.value(membership, SCHEMA.endDate)
            if ent.label in labels and start is not None and end is not None:
                auth.earlier.setdefault(ent.iri, []).append((start.toPython(), end.toPython(), gone))
