"""The language of a text, told from its letters and words (never from the file name), and the names
of languages: used by the parser and, through the callable it is handed, by OCR (pdf.py)."""

from __future__ import annotations

import collections
import functools
import re
import unicodedata
from functools import cache
from pathlib import Path

from ..authority import Authorities
from ..text import char_counts
from .formulas import languages
from .lexicon import lexicon


@cache
def _scripts() -> dict[str, tuple[str, ...]]:
    """Each script a formulas file names -> the languages written in it. Ties between scripts go, as they
    always have, to a script of one language before a shared one, then to the later language code."""
    by_script: dict[str, list[str]] = {}
    for code, how in languages().items():
        by_script.setdefault(how["script"], []).append(code)
    order = sorted(by_script, key=lambda s: max(by_script[s]), reverse=True)
    order.sort(key=lambda s: len(by_script[s]) > 1)
    return {script: tuple(by_script[script]) for script in order}


@functools.lru_cache(maxsize=8192)
def _script_of(ch: str) -> str | None:
    """The script (of those the formulas files name) a letter is written in."""
    name = unicodedata.name(ch, "")
    return next((s for s in _scripts() if name.startswith(s)), None)


def detect_language(raw: str, auth: Authorities | None = None) -> str | None:
    """The ISO 639-1 code of the text's language, from its letters and words (never the file name): the
    script most of its letters are written in (the formulas files name each language's script), and
    where several languages share that script (Latin), the function words it uses and, with `auth`, the
    names of organs and organisations it spells (a masthead's "Security Council", each worth a few
    words: a text cut short has few words, and its last may be a fragment, "LE" of "LETTER")."""
    scripts = _scripts()
    written = {_script_of(ch) for ch in set(raw) if ch.isalpha()} - {None}
    if len(written) > 1:  # (letters are counted only where they are written in several scripts)
        counts = dict.fromkeys(scripts, 0)
        for ch, n in char_counts(raw).items():
            if ch.isalpha() and (of := _script_of(ch)) is not None:
                counts[of] += n
        script = max(counts, key=lambda k: counts[k])
    elif written:
        script = written.pop()
    else:
        return None
    if len(scripts[script]) == 1:
        return scripts[script][0]
    words = collections.Counter(re.findall(r"[a-zà-ÿ]+", raw.casefold()))  # (the one shared script is Latin)
    scores = {lang: sum(words.get(w, 0) for w in fw) for lang, fw in _function_words().items()}  # (a few
    # function words looked up, not the text's every word tried)
    if auth is not None:
        for lang in scores:
            if lang in languages():
                scores[lang] += 3 * len(auth.find(raw, lang, "organ", "organization"))
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] else None


@cache
def _function_words() -> dict[str, frozenset[str]]:
    return {lang: frozenset(fw) for lang, fw in lexicon()["function_words"].items()}


def known_language(code: str, auth: Authorities | None) -> bool:
    """Whether `code` names a language the project knows: one of the authority data's languages or one
    the lexicon (data/languages.toml) has names or function words for."""
    lex = lexicon()
    return (code in lex["names"] or code in lex["function_words"]
            or (auth is not None and auth.language_iri(code) is not None))


def language_name(code: str) -> str:
    names = lexicon()["names"].get(code)
    return f"{code} ({names[0]})" if names else code


def file_language(path: Path, auth: Authorities | None) -> str | None:
    """The language a file's name gives (``fr.txt`` -> fr), when its stem is a language code we know."""
    stem = path.stem.casefold()
    return stem if known_language(stem, auth) else None
