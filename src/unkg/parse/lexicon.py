"""The lexicon (``data/languages.toml``) and the small readers of words and numbers that every
language's reader shares: language names, a comparison key, calendar dates, Roman numerals, ordinal
words, and a name signed in Latin script as an English card gives it."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from functools import cache
from importlib import resources

ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


@cache
def lexicon() -> dict:
    data = resources.files("unkg").joinpath("data/languages.toml").read_text(encoding="utf-8")
    return tomllib.loads(data)


def language_code(name: str) -> str | None:
    return _language_codes().get(name.strip().casefold())


@cache
def _language_codes() -> dict[str, str]:
    """Every language name of the lexicon (case-folded) -> its code; the first code listing a name wins."""
    codes: dict[str, str] = {}
    for code, names in lexicon()["names"].items():
        for n in names:
            codes.setdefault(n.casefold(), code)
    return codes


def compact(s: str) -> str:
    """A comparison key: NFKC, case-folded, without any white space."""
    # (str.split's white space is re's \s: the same as re.sub(r"\s+", ""), without the regular expression)
    return "".join(unicodedata.normalize("NFKC", s).split()).casefold()


def make_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


_ORDINAL_GAPS = re.compile(r"[\s\-\u2010\u2011]+")  # between an ordinal's words
_LATIN_NAME = re.compile(r"^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F.'’\- ]*$")


def english_name(name: str) -> str | None:
    """The name of a person the authority data does not know, as an English card gives it: a name
    signed in Latin script reads the same in English, with a surname written in capitals (the UN's
    signature style, "Carl BILDT", "BAN Ki-moon") in ordinary case; None for other scripts."""
    name = " ".join(name.split())
    if not _LATIN_NAME.match(name) or not any(c.isalpha() for c in name):
        return None

    def word(w: str) -> str:
        letters = [c for c in w if c.isalpha()]
        if len(letters) < 2 or not all(c.isupper() for c in letters):
            return w  # initials ("A.") and words in ordinary case stay as written
        return re.sub(r"[A-Za-z\u00C0-\u024F]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), w)

    return " ".join(word(w) for w in name.split(" "))


def ordinal(phrase: str, lang: str = "en") -> int | None:
    """The number an ordinal phrase says ("Eightieth" 80, "Fifty-third" 53, "quatre-vingtième" 80,
    "soixante-dix-neuvième" 79, "Семьдесят девятая" 79, "التاسعة والسبعون" 79), from the lexicon; None
    when a word is not an ordinal word of the language."""
    table = lexicon().get("ordinals", {}).get(lang)
    if not table:
        return None
    words, multipliers = table["words"], set(table.get("multipliers", []))
    tokens = []
    for tok in _ORDINAL_GAPS.split(phrase.casefold()):
        if not tok:
            continue
        if tok not in words:
            for prefix in table.get("prefixes", []):
                if tok.startswith(prefix) and tok[len(prefix):] in words:
                    tok = tok[len(prefix):]
                    break
        if tok not in words:
            return None
        tokens.append(tok)
    total, i = 0, 0
    while i < len(tokens):
        value = words[tokens[i]]
        if i + 1 < len(tokens) and tokens[i + 1] in multipliers and 0 < value < 10:
            value *= words[tokens[i + 1]]
            i += 1
        total += value
        i += 1
    return total or None
