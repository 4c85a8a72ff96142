"""The rules of citation, compiled: the language's ``[citations]`` table of ``data/formulas/<lang>.toml`` and the
rules every language shares, ``data/citations.toml`` (both described in ``data/formulas/README.md``), made into
one regular expression per language, matched once over each paragraph (`Rules.pattern`), and the tables that
read its matches (organs, instruments, numbering styles, canonical forms).

Each family of citation is one or more alternatives of that expression: a resolution or decision named in words
(``act``), an article of an instrument (``article``), an article naming none (``bare``), a letter cited by its date
(``letter``), a document symbol (``symbol``, the same in every language), a word that says what a symbol after it
is (``lead``: a report, a statement) and the name of an organ that numbers its resolutions as another does
(``named``: a rival, ../data/citations.toml). Their named groups are prefixed with the alternative's name, so that
one expression holds them all; `Rules.family` says which family an alternative is.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Callable

from ..authority import Authorities
from ..model import Entity
from .formulas import _flags, alternation, formulas, languages, raw, unspaced_formulas

_GROUP = re.compile(r"\(\?P<(\w+)>")


@cache
def shared() -> dict:
    """``data/citations.toml``: the rules of citation every language shares."""
    return tomllib.loads(resources.files("unkg").joinpath("data/citations.toml").read_text(encoding="utf-8"))


def fold(name: str) -> str:
    """The key a name is looked up by: white space made one space, case folded, one apostrophe."""
    return " ".join(name.replace("’", "'").split()).casefold()


def _plain(pattern: str) -> str:
    """`pattern` without its named groups (kept as groups that capture nothing)."""
    return _GROUP.sub("(?:", pattern)


def _prefixed(pattern: str, prefix: str) -> str:
    return _GROUP.sub(lambda m: f"(?P<{prefix}_{m.group(1)}>", pattern)


def symbol_pattern(data: dict | None = None) -> str:
    """A cited document symbol (with case: "s/he" is not one): a series root, slash-separated parts, and for a
    resolution its year or session in parentheses; Latin letters and digits only around it (a CJK character
    may touch it: 见S/2022/641)."""
    data = data or shared()
    roots = alternation(data["series"])
    return (rf"(?-i:(?<![A-Za-z0-9/.])(?:{roots})(?:/[A-Za-z0-9][A-Za-z0-9.]*)+"
            r"(?:\s?\((?:(?:19|20)\d\d|(?:S-|ES-)?[IVXL]+)\))?)")


@dataclass(frozen=True)
class Rules:
    """The compiled rules of citation of one language (see the module docstring)."""

    lang: str
    pattern: re.Pattern[str]
    family: dict[str, str]  # alternative's name -> family
    kinds: dict[str, dict[str, str]]  # alternative's name -> its kind groups (k0, k1, …) -> the kind each names
    organs: dict[str, str]  # folded name -> the organ's English label
    instruments: dict[str, Entity]  # folded name -> the instrument
    short_instruments: dict[str, Entity]  # group i<n> -> the instrument a short form names ("the Charter")
    styles: re.Pattern[str]  # one number of a list, in any numbering style (groups <style> and <style>_<group>)
    article_item: re.Pattern[str]
    number: Callable[[str], int | None]  # an article's number as written -> its value
    symbol_lead: re.Pattern[str] | None
    rivals: frozenset[str]  # organs whose naming makes an unnamed resolution uncertain
    symbol_full: re.Pattern[str]  # a paragraph that is a symbol and nothing else (the masthead's footnote)
    triggers: re.Pattern[str]  # a word every citation holds (in lower case where the language has case)
    fold_case: bool  # whether to look for the triggers in the text in lower case
    annex_ref: re.Pattern[str]  # the body's mention of an annex ("see annex"), the language's `annex_ref`


def rules(auth: Authorities, lang: str) -> Rules | None:
    """The rules of `lang`, compiled once per authority data (None: the language has no ``[citations]``)."""
    return auth._remember(("citations", lang), lambda: _compile(auth, lang))


def _names(auth: Authorities, lang: str, kind: str) -> dict[str, Entity]:
    """Every name of the authority data's entities of `kind` in `lang` (case forms included), folded."""
    out: dict[str, Entity] = {}
    for ent in auth.of_kind(kind):
        for name in auth.labels.get(ent.iri, {}).get(lang, []) + auth.forms.get(ent.iri, {}).get(lang, []):
            out.setdefault(fold(name), ent)
    return out


def _alternation(names) -> str:
    """Names as the text writes them: a space stands for any white space, either apostrophe for the other."""
    body = alternation(names).replace(r"\ ", r"\s+")
    return re.sub(r"[’']", "[’']", body)


def _kind_groups(table: dict[str, str], kinds: dict[str, str]) -> str:
    """An alternation of the words of `table` (kind -> pattern), each in a group k<n> that says its kind."""
    out = []
    for kind, words in table.items():
        name = f"k{len(kinds)}"
        kinds[name] = kind
        out.append(f"(?P<{name}>{words})")
    return "(?:" + "|".join(out) + ")"


def _number_reader(lang: str) -> Callable[[str], int | None]:
    spaced = raw(lang)["spaces"]

    def number(s: str) -> int | None:
        m = re.match(r"\d+", s)
        if m:
            return int(m.group(0))
        if spaced:
            return None
        try:
            return unspaced_formulas(lang).number(s)
        except ValueError:
            return None

    return number


def _compile(auth: Authorities, lang: str) -> Rules | None:
    data = raw(lang).get("citations") if lang in languages() else None
    if not data:
        return None
    common = shared()
    flags = _flags(raw(lang))
    how = formulas(lang) if raw(lang)["spaces"] else unspaced_formulas(lang)
    date = how.date.pattern
    organs = {k: e.label for k, e in _names(auth, lang, "organ").items()}
    organs.update({fold(k): v for k, v in data.get("organs", {}).items()})
    by_label = {e.label: e for e in auth.of_kind("instrument")}
    instruments = _names(auth, lang, "instrument")
    short: dict[str, Entity] = {}  # a group i<n> of `{instrument}` -> the instrument its short form names
    for label in data.get("instruments", {}):
        if label not in by_label:
            raise ValueError(f"formulas/{lang}.toml: no instrument {label!r} in the authority data")
        short[f"i{len(short)}"] = by_label[label]
    named = "|".join([f"(?P<instrument>{_alternation(instruments)})"] + [
        f"(?P<{g}>{data['instruments'][e.label]})" for g, e in short.items()])
    rivals = frozenset(r for rule in common["unnamed"] for r in rule.get("rivals", ()))
    kinds: dict[str, dict[str, str]] = {}

    # a list of numbers: styled ("2641 (2022)", "77/247") or, only where the first is bare, numbers alone
    styles = common["styles"]
    styled = "|".join(_plain(p) for s, p in styles.items() if s != "bare")
    one = rf"(?-i:(?<![\d/])(?:{styled})(?![\d/]))"  # (with case: a Roman session is in capitals)
    bare = rf"(?<![\d/]){_plain(styles['bare'])}(?![\d/])"
    split = data["numbers_split"]
    numbers = rf"(?P<list>{one}(?:(?:{split}){one})*|{bare}(?:(?:{split})(?<![\d/])\d{{3,4}}(?![\d/]))*)"
    item = data["article_number"]
    articles = rf"(?P<list>{item}(?:(?:{data['articles_split']}){item})*)"

    def fill(p: str) -> str:
        return (p.replace("{organ}", _alternation(organs)).replace("{numbers}", numbers)
                .replace("{articles}", articles).replace("{instrument}", f"(?:{named})")
                .replace("{date}", _plain(date)))

    alts: list[tuple[str, str, str]] = []  # (name, family, pattern)
    for family, key, letter in (("act", "act", "a"), ("article", "article", "r"), ("bare", "bare_article", "b"),
                                ("letter", "letter", "l")):
        patterns = data.get(key) or []
        for n, p in enumerate([patterns] if isinstance(patterns, str) else patterns):
            name, own = f"{letter}{n}", kinds.setdefault(f"{letter}{n}", {})
            for slot, table in (("{act}", "acts"), ("{letter}", "letters")):
                if slot in p:
                    p = p.replace(slot, _kind_groups(data[table], own))
            alts.append((name, family, fill(p)))
    alts.append(("s0", "symbol", symbol_pattern(common)))
    alts.append(("d0", "lead", _kind_groups(data.get("leads", {}), kinds.setdefault("d0", {}))))
    rival_names = [k for k, v in organs.items() if v in rivals]
    if rival_names:  # (a whole word where words are spaced)
        edge = ("(?<!\\w)", "(?!\\w)") if raw(lang)["spaces"] else ("", "")
        alts.append(("n0", "named", f"{edge[0]}(?P<organ>{_alternation(rival_names)}){edge[1]}"))
    pattern = "|".join(f"(?P<{name}>{_prefixed(p, name)})" for name, _, p in alts)
    if raw(lang)["spaces"]:  # every citation starts a word: the other places are passed over at once
        pattern = rf"(?<!\w)(?:{pattern})"
    style_alts = "|".join(f"(?P<{s}>{_prefixed(p, s)})" for s, p in styles.items())
    symbol = symbol_pattern(common)
    return Rules(
        lang=lang, pattern=re.compile(pattern, flags), family={name: fam for name, fam, _ in alts}, kinds=kinds,
        organs=organs, instruments=instruments, short_instruments=short,
        styles=re.compile(rf"(?<![\d/])(?:{style_alts})(?![\d/])"),
        article_item=re.compile(item, flags), number=_number_reader(lang),
        symbol_lead=re.compile(data["symbol_lead"], flags) if data.get("symbol_lead") else None,
        rivals=rivals, symbol_full=re.compile(rf"\*?\s*{symbol}[.,;]?"),
        triggers=re.compile(data["triggers"]), fold_case=bool(flags & re.IGNORECASE), annex_ref=how.annex_ref,
    )
