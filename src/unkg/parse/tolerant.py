"""OCR-damaged text layers (1980s–1990s scans): the text with its damaged words repaired, for a second reading.

A scan's text layer misreads letters ("1srae1", "SECURITY OXJNCIL", "l997"), and may keep one word per line.
The exact reading comes first and is never changed: only when it left a part of the card empty does `repair`
give a text whose lines read as the damaged ones should, with the formulas' fixed wording and the authority
data's names repaired where they differ from the text only by OCR's confusions (``[tolerant]`` in
``data/formulas/<lang>.toml``):

- a word that differs from a word of the formulas or of a name only by letters OCR confuses (1/l/I, 0/O, 5/S,
  8/B; in longer words rn/m, c/e) is that word; a number written with such letters ("l997") is the number;
- a phrase of the formulas is recognised with a few letters misread, dropped or doubled (`regex`'s fuzzy
  matching: "SECURITY OXJNCIL" is the Security Council);
- a name of the authority data (States, organs, posts) is recognised by edit distance (`rapidfuzz`);
- (a text whose lines hold one word each is read re-lined before: `relined.py`, and the reading it gives is
  the one repaired here).

Page furniture (job numbers, print codes, page numbers) is never repaired, so never read as a name. Every
repaired character keeps its place in the raw text (a `Piece`'s offsets): what is read from the repaired text
is cited, and quoted as written, from the original. `merge` (in `tolerant_merge`) takes from the second reading
only what the first left empty, each value marked as read with tolerance and named in a warning.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Callable

import regex
from rapidfuzz import fuzz, process

from ..authority import Authorities
from ..text import Piece, Text
from .formulas import raw
from .lexicon import lexicon
from .masthead import is_furniture

_WORD = re.compile(r"[^\s'’]+")  # (an elided article apart: "L'EGYPTE")
_EDGE = "([{\"'“‘«*"
_TAIL = ")]}\"'”’».,;:*"


@dataclass(frozen=True)
class Tolerance:
    """A language's ``[tolerant]`` section, compiled."""

    lang: str
    confusions: tuple[tuple[str, str], ...]
    long_confusions: tuple[tuple, ...]  # (a, b) or (a, b, least word length), by default 5
    digits: dict[str, str]
    phrases: tuple[tuple[str, "regex.Pattern[str]"], ...]
    hints: tuple["regex.Pattern[str]", ...]  # for each phrase, what a line must hold to hold it (`_hint`)
    names: tuple[str, ...]
    ratio: int
    damaged_ratio: int
    one_word_lines: float
    fold_accents: bool
    skeletons: dict[str, str] = dataclasses.field(default_factory=dict, compare=False, repr=False)  # (memo)
    phrase_edits: dict[str, tuple] = dataclasses.field(default_factory=dict, compare=False, repr=False)  # (memo)

    def skeleton(self, word: str) -> str:
        """`word` with every OCR confusion made one letter (words of five letters or more: also the long
        confusions), and without its accents when the language's capitals may drop them."""
        found = self.skeletons.get(word)
        if found is None:
            found = self._skeleton(word)
            if len(self.skeletons) < 1 << 16:  # (the same words are folded again for every title line tried)
                self.skeletons[word] = found
        return found

    def _skeleton(self, word: str) -> str:
        s = word.casefold()
        if self.fold_accents:
            s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
        for a, b, *least in self.long_confusions:
            if len(s) >= (least[0] if least else 5):
                s = s.replace(a.casefold(), b.casefold())
        for a, b in self.confusions:
            s = s.replace(a.casefold(), b.casefold())
        return s


@cache
def tolerance(lang: str) -> Tolerance | None:
    """The language's tolerance of OCR damage, or None when its formulas file has no ``[tolerant]``."""
    data = raw(lang).get("tolerant")
    if not data:
        return None
    steps = sorted(data["errors"])

    def budget(phrase: str) -> int:
        return max([n for length, n in steps if len(phrase) >= length], default=0)

    phrases, hints = [], []
    for p in sorted(data["phrases"], key=lambda w: (-len(w), w)):
        body = r"\s+".join(regex.escape(w) for w in p.split())
        n = budget(p)
        fuzzy = f"(?:{body}){{e<={n}}}" if n else f"(?:{body})"
        phrases.append((p, regex.compile(rf"(?<!\w){fuzzy}(?!\w)", regex.IGNORECASE | regex.ENHANCEMATCH)))
        hints.append(_hint(p, n))
    return Tolerance(
        lang=lang, confusions=tuple(tuple(c) for c in data["confusions"]),
        long_confusions=tuple(tuple(c) for c in data["long_confusions"]), digits=dict(data["digits"]),
        phrases=tuple(phrases), hints=tuple(hints), names=tuple(data["names"]), ratio=int(data["ratio"]),
        damaged_ratio=int(data["damaged_ratio"]), one_word_lines=float(data["one_word_lines"]),
        fold_accents=bool(data.get("fold_accents", False)),
    )


def _hint(phrase: str, errors: int) -> "regex.Pattern[str]":
    """What a text must hold to hold `phrase` with at most `errors` letters misread, dropped or added: its
    letters (and the white space between its words) cut into ``errors + 1`` runs, one of which it holds as it
    is, since each error falls in one run at most. Searching for the runs is many times cheaper than the fuzzy
    search, which only a line that holds one needs."""
    items: list[str] = []
    for i, word in enumerate(phrase.split()):
        items += ([r"\s+"] if i else []) + [regex.escape(c) for c in word]
    k = errors + 1
    runs = ("".join(items[len(items) * j // k:len(items) * (j + 1) // k]) for j in range(k))
    return regex.compile("|".join(runs), regex.IGNORECASE)


@cache
def folder(lang: str) -> Callable[[str], str] | None:
    """A comparison key (NFKC, case-folded, without white space) that also makes one the letters OCR confuses
    ("SITUATI0N" is "SITUATION", "5ecurity" is "Security"), or None when the language has no tolerance."""
    tol = tolerance(lang)
    if tol is None:
        return None
    return lambda s: "".join(tol.skeleton(w) for w in unicodedata.normalize("NFKC", s).split())


@functools.lru_cache(maxsize=512)  # (a title's lines are mended again for each way of reading them)
def mended(text: str, lang: str) -> str:
    """`text` with each word that mixes digits and letters OCR confuses made whole: a number written with such
    letters is the number ("2OO3", "l9"), a word with a digit among its letters has its letters back ("Ju1y");
    for tests on a damaged line's shape only (values are read from the text as written)."""
    tol = tolerance(lang)
    if tol is None:
        return text
    words = _MIXED if text.isascii() else _WORDS  # (only a word mixing digits and other letters changes)
    return words.sub(lambda m: mend_word(m.group(0), tol), text)


_WORDS = re.compile(r"\w+")
_MIXED = re.compile(r"(?<!\w)\w*(?:\d[^\W\d]|[^\W\d]\d)\w*")  # (in ASCII, where a digit is \d: the words mixing
# them; a word that does not mix them has no part that does: tried only where a word starts, four times faster)


def mend_word(w: str, tol: Tolerance) -> str:
    """A word of `mended`."""
    if not any(c.isdigit() for c in w) or w.isdigit():
        return w
    if all(c.isdigit() or c in tol.digits for c in w):
        return "".join(tol.digits.get(c, c) for c in w)
    out = w
    for a, b in tol.confusions:
        if a.isdigit() and not b.isdigit():
            out = out.replace(a, b)
    return out


@dataclass(frozen=True)
class _Vocabulary:
    words: frozenset[str]  # case-folded words of the formulas and names
    skeletons: dict[str, str | None]  # skeleton -> the word (None: two words share it)
    single_names: tuple[str, ...]  # one-word names (case-folded), for the edit distance
    repairs: dict[str, str | None] = dataclasses.field(default_factory=dict, compare=False, repr=False)  # (memo)
    firsts: dict[str, str | None] = dataclasses.field(default_factory=dict, compare=False, repr=False)  # (memo)


_VOCABULARIES: dict[tuple[int, str], _Vocabulary] = {}


def vocabulary(auth: Authorities, tol: Tolerance) -> _Vocabulary:
    key = (id(auth), tol.lang)
    if key not in _VOCABULARIES:
        f = raw(tol.lang)
        words: set[str] = set()
        names: set[str] = set()
        sources = [p for p, _ in tol.phrases] + list(f["kinds"]) + list(f.get("signed_words", []))
        sources += list(lexicon()["months"].get(tol.lang, {})) + [n for ns in lexicon()["names"].values() for n in ns]
        for ent in auth.of_kind(*tol.names):
            for label in auth.names(ent, tol.lang) + auth.forms.get(ent.iri, {}).get(tol.lang, []):
                sources.append(label)
                if len(label.split()) == 1:
                    names.add(label.casefold())
        for s in sources:
            for w in re.split(r"[\s]+", s):
                w = w.strip(_EDGE + _TAIL).casefold()
                if len(w) >= 2:
                    words.add(w)
        skeletons: dict[str, str | None] = {}
        for w in sorted(words):
            k = tol.skeleton(w)
            skeletons[k] = w if skeletons.get(k, w) == w else None
        _VOCABULARIES[key] = _Vocabulary(frozenset(words), skeletons, tuple(sorted(n for n in names if len(n) >= 5)))
    return _VOCABULARIES[key]


def _cased(word: str, like: str) -> str:
    """`word` in the case of `like` (capitals, a capital first, or as it is)."""
    letters = [c for c in like if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if like[:1].isupper() or (like[:1] in "1|!0" and len(like) > 1):
        return word[:1].upper() + word[1:]
    return word


_DAMAGED = re.compile(r"[^\W\d_][\d|!~#;?%$&@]|[\d|!~#;?%$&@][^\W\d_]")


def _repair_word(core: str, tol: Tolerance, voc: _Vocabulary) -> str | None:
    """The word `core` (punctuation around it stripped) should be, or None when it reads as it is."""
    try:
        return voc.repairs[core]
    except KeyError:
        found = _repaired(core, tol, voc)
        if len(voc.repairs) < 1 << 16:  # (the same words come again in every document: "the", "United")
            voc.repairs[core] = found
        return found


def _repaired(core: str, tol: Tolerance, voc: _Vocabulary) -> str | None:
    folded = core.casefold()
    if folded in voc.words:
        return None
    number = "".join(tol.digits.get(c, c) for c in core)
    if len(core) >= 2 and number.isdigit() and not core.isdigit() and any(c.isdigit() for c in core):
        return number
    if "/" in core:  # a symbol's parts (S/2O25/6S6): numbers mended, the series kept
        parts = core.split("/")
        mended = [parts[0]] + [_repair_word(p, tol, voc) or p if p and any(c.isdigit() for c in p) else p
                               for p in parts[1:]]
        joined = "/".join(mended)
        return joined if joined != core else None
    word = voc.skeletons.get(tol.skeleton(core))
    if word:
        return _cased(word, core)
    if len(core) >= 5 and voc.single_names:
        damaged = bool(_DAMAGED.search(core))
        found = process.extractOne(folded, voc.single_names, scorer=fuzz.ratio,
                                   score_cutoff=tol.damaged_ratio if damaged else tol.ratio)
        if found is not None:
            return _cased(found[0], core)
    return None


def _replace(piece: Piece, edits: list[tuple[int, int, str]]) -> Piece:
    """`piece` with each ``(a, b, new)`` edit made (non-overlapping, any order): the new characters take the
    raw range of the characters they replace."""
    text, starts, ends = piece.text, list(piece.starts), list(piece.ends)
    for a, b, new in sorted(edits, reverse=True):
        s, e = piece.starts[a], piece.ends[b - 1]
        text = text[:a] + new + text[b:]
        starts[a:b] = [s] * len(new)
        ends[a:b] = [e] * len(new)
    return Piece(text, tuple(starts), tuple(ends))


def repair_line(piece: Piece, tol: Tolerance, voc: _Vocabulary) -> tuple[Piece, list[tuple[int, int]]]:
    """The line's text with its damaged words repaired, and the raw ranges repaired."""
    edits: list[tuple[int, int, str]] = []
    for m in _WORD.finditer(piece.text):
        tok = m.group(0)
        lead = len(tok) - len(tok.lstrip(_EDGE))
        core = tok[lead:].rstrip(_TAIL) or tok[lead:]
        if not core:
            continue
        new = _repair_word(core, tol, voc)
        if new is not None and new != core:
            edits.append((m.start() + lead, m.start() + lead + len(core), new))
    if edits:
        piece = _replace(piece, edits)
    done = [(piece.starts[a], piece.ends[a + len(new) - 1]) for a, _, new in _shifted(edits)]
    more = tol.phrase_edits.get(piece.text)
    if more is None:
        more = _phrase_edits(piece.text, tol)
        if len(tol.phrase_edits) < 1 << 13:  # (lines come again in many documents: "Agenda item 32")
            tol.phrase_edits[piece.text] = more
    if more:
        done += [(piece.starts[a], piece.ends[b - 1]) for a, b, _ in more]
        piece = _replace(piece, more)
    return piece, done


def _phrase_edits(text: str, tol: Tolerance) -> tuple[tuple[int, int, str], ...]:
    """The formulas' phrases `text` holds damaged: where, and the phrase in the case written."""
    taken: list[tuple[int, int]] = []
    more: list[tuple[int, int, str]] = []
    for (phrase, pattern), hint in zip(tol.phrases, tol.hints):
        if hint.search(text) is None:
            continue  # (it cannot hold the phrase)
        for m in pattern.finditer(text):
            seen, want = m.group(0).casefold(), phrase.casefold()
            if not any(m.fuzzy_counts) or seen.startswith(want) or want.startswith(seen):
                continue  # the phrase as written, or another form of its word ("items", "date"): not damage
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append(m.span())
            more.append((m.start(), m.end(), _cased(phrase, m.group(0))))
    return tuple(more)


def _shifted(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The edits' places in the edited text."""
    out, shift = [], 0
    for a, b, new in sorted(edits):
        out.append((a + shift, a + shift + len(new), new))
        shift += len(new) - (b - a)
    return out


def repair(text: Text, auth: Authorities, lang: str) -> tuple[Text, list[tuple[int, int]]] | None:
    """The text with its OCR damage repaired, and the raw ranges repaired; None when the language has no
    tolerance or nothing needed repair."""
    tol = tolerance(lang)
    if tol is None:
        return None
    voc = vocabulary(auth, tol)
    repaired: list[tuple[int, int]] = []
    out = []
    for ln in text.lines:
        if ln.blank or is_furniture(ln, set()):
            out.append(ln)
            continue
        piece, done = repair_line(ln.piece, tol, voc)
        if done:
            repaired += done
            ln = dataclasses.replace(ln, piece=piece, width=max(0, ln.width + len(piece.text) - len(ln.text)))
        out.append(ln)
    if not repaired:
        return None
    return Text(text.raw, tuple(out), text.cjk, text.full_width), sorted(repaired)



_FOLDED: dict[tuple[int, str, tuple[str, ...]], dict[str, object]] = {}


def folded_entity(auth: Authorities, lang: str, text: str, *kinds: str):
    """The entity of `kinds` the whole of `text` names once the letters OCR confuses are made one ("SECURITY
    C0UNCIL" is the Security Council), or None (also when two entities' names fold alike)."""
    fold = folder(lang)
    if fold is None:
        return None
    key = (id(auth), lang, kinds)
    if key not in _FOLDED:
        table: dict[str, object] = {}
        for ent in auth.of_kind(*kinds):
            for name in auth.names(ent, lang) + auth.forms.get(ent.iri, {}).get(lang, []):
                k = fold(name)
                table[k] = ent if table.get(k, ent) is ent else None
        _FOLDED[key] = table
    folded = fold(text)
    return _FOLDED[key].get(folded) if folded else None


def first_word_mended(auth: Authorities, lang: str, text: str) -> str | None:
    """`text` with its first word, OCR damaged, as the formulas' word it should be ("Anncx I" -> "Annex I"),
    when that word has as many letters (every offset kept); None when it reads as it is."""
    tol = tolerance(lang)
    if tol is None:
        return None
    voc = vocabulary(auth, tol)
    try:  # (asked of each line twice, as an annex's and as an enclosure's heading; short lines recur)
        return voc.firsts[text]
    except KeyError:
        m = _WORD.match(text)
        new = None if m is None else _repair_word(m.group(0), tol, voc)
        if new is None or len(new) != m.end() or new.casefold() == m.group(0).casefold():
            found = None
        else:
            found = new + text[m.end():]
        if len(voc.firsts) < 1 << 12:
            voc.firsts[text] = found
        return found
