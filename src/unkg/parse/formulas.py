"""The formulas of the language versions, read from ``data/formulas/<lang>.toml`` (see its README): one
file per language, and a language with a file is a language the parser reads. A file says which script
its letters are written in (language detection) and whether its words are written with spaces between
them (which reader takes it: `spaced`, or `unspaced` for Chinese); the rest is the wording, compiled
here into regular expressions."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .lexicon import lexicon, make_date

FOLDER = "data/formulas"


def alternation(words) -> str:
    """A regular expression matching any of `words`, the longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@cache
def raw(lang: str) -> dict:
    """The formulas file of `lang` as written."""
    return tomllib.loads(resources.files("unkg").joinpath(f"{FOLDER}/{lang}.toml").read_text(encoding="utf-8"))


@cache
def languages() -> dict[str, dict]:
    """Every language that has a formulas file (by code, in order) -> how it is written: ``script`` (the
    start of its letters' Unicode names: LATIN, CYRILLIC, ARABIC, CJK) and ``spaces``."""
    folder = resources.files("unkg").joinpath(FOLDER)
    codes = sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))
    return {code: {"script": raw(code)["script"], "spaces": raw(code)["spaces"]} for code in codes}


def _filler(data: dict, date: str, more: dict[str, str]):
    """The function that fills a pattern's placeholders: {date}, {kind}, {item}, `more` ({number}, …),
    and {items} (numbered groups ``nums0``, ``nums1``… when `numbered`: an alternation uses it twice)."""
    item = data["item"]
    items = rf"(?P<nums>{item}(?:{data['item_split']}{item})*)"
    simple = {"{date}": date, "{kind}": alternation(data["kinds"]), "{item}": item, **more}

    def fill(p: str, *, numbered: bool = False) -> str:
        for key, value in simple.items():
            p = p.replace(key, value)
        if numbered:
            parts = p.split("{items}")
            p = parts[0] + "".join(items.replace("?P<nums>", f"?P<nums{k}>") + part
                                   for k, part in enumerate(parts[1:]))
        return p.replace("{items}", items)

    return fill, items


def _flags(data: dict) -> int:
    """Patterns are matched ignoring case unless the file says ``ignore_case = false``."""
    return re.IGNORECASE if data.get("ignore_case", True) else 0


@dataclass(frozen=True)
class Formulas:
    """The formulas of a language written with spaces (English, French, Spanish, Russian, Arabic)."""

    lang: str
    months: dict[str, int]
    kinds: dict[str, str]
    date: re.Pattern[str]
    title: re.Pattern[str]
    title_start: re.Pattern[str]
    sender_last: bool
    un_phrase: re.Pattern[str]
    recipient_split: re.Pattern[str]  # (with the file's case rule: a title in capitals lists "… AND …")
    strip: tuple[str, ...]
    period: re.Pattern[str]
    units: dict[str, str]
    item: re.Pattern[str]
    items: str
    subitems: dict[str, str]
    agenda: re.Pattern[str]
    agenda_open: re.Pattern[str]
    circulation: re.Pattern[str]
    circulation_items: re.Pattern[str]
    signed: re.Pattern[str]
    signed_words: tuple[str, ...]
    fuzzy_signed: bool
    annex_heading: re.Pattern[str]
    annex_heading_rest: re.Pattern[str]
    annex_numbers: dict[str, int]
    annex_ref: re.Pattern[str]
    date_line: re.Pattern[str]
    para_number: re.Pattern[str]
    sentence_end: str
    open_ends: str
    post_nominals: re.Pattern[str] | None
    enclosure_heading: re.Pattern[str] | None
    body_opening: re.Pattern[str] | None
    sender_lead: re.Pattern[str] | None
    title_head: re.Pattern[str] | None
    title_join: re.Pattern[str] | None
    recipient_function: re.Pattern[str] | None
    names: tuple[tuple[str, re.Pattern[str]], ...] = ()  # names the authority data may not know: (kind, pattern)


@cache
def formulas(lang: str) -> Formulas:
    data = raw(lang)
    F = _flags(data)
    months = lexicon()["months"][lang]
    date = data["date"].replace("{month}", alternation(months))
    fill, items = _filler(data, date, {})

    def optional(key: str, flags: int = F, filled: bool = False) -> re.Pattern[str] | None:
        return re.compile(fill(data[key]) if filled else data[key], flags) if data.get(key) else None

    return Formulas(
        lang=lang, months={k.casefold(): v for k, v in months.items()}, kinds=data["kinds"],
        date=re.compile(date, F), title=re.compile(fill(data["title"]), F),
        title_start=re.compile(fill(data["title_start"]), F), sender_last=data["sender_last"],
        un_phrase=re.compile(data["un_phrase"], F), recipient_split=re.compile(data["recipient_split"], F),
        strip=tuple(data["strip"]), period=re.compile(data["period"], F), units=data["units"],
        item=re.compile(data["item"], F), items=items, subitems=data["subitems"],
        agenda=re.compile(fill(data["agenda"], numbered=True), F), agenda_open=re.compile(data["agenda_open"], F),
        circulation=re.compile(data["circulation"], F),
        circulation_items=re.compile(fill(data["circulation_items"]), F),
        signed=re.compile(data["signed"], F), signed_words=tuple(data["signed_words"]),
        fuzzy_signed=data["fuzzy_signed"], annex_heading=re.compile(data["annex_heading"], F),
        annex_heading_rest=re.compile(data["annex_heading_rest"], F), annex_numbers=data["annex_numbers"],
        annex_ref=re.compile(data["annex_ref"], F), date_line=re.compile(fill(data["date_line"]), F),
        para_number=re.compile(data["para_number"], F), sentence_end=data["sentence_end"],
        open_ends=data["open_ends"],
        post_nominals=optional("post_nominals", 0),  # honours are written in capitals (O.G.W., KCMG): with case
        enclosure_heading=optional("enclosure_heading"), body_opening=optional("body_opening"),
        sender_lead=optional("sender_lead"), title_head=optional("title_head", filled=True),
        title_join=optional("title_join"), recipient_function=optional("recipient_function"),
        # names are told by their capitals: matched with case
        names=tuple((n["kind"], re.compile(n["pattern"])) for n in data.get("names", ())),
    )


@dataclass(frozen=True)
class UnspacedFormulas:
    """The formulas of a language written without spaces between words (Chinese), and its numerals."""

    lang: str
    digits: dict[str, int]
    units: dict[str, int]
    kinds: dict[str, str]
    date: re.Pattern[str]
    title: re.Pattern[str]
    title_start: re.Pattern[str]
    title_end: re.Pattern[str]
    title_words: str
    title_examples: tuple[str, ...]
    periods: tuple[tuple[str, re.Pattern[str]], ...]
    item: re.Pattern[str]
    subitems: dict[str, str]
    agenda: re.Pattern[str]
    recipient_split: str
    circulation: re.Pattern[str]
    circulation_items: re.Pattern[str]
    signed: re.Pattern[str]
    annex_heading: re.Pattern[str]
    annex_ref: re.Pattern[str]
    date_place: tuple[re.Pattern[str], ...]
    held_in: re.Pattern[str]
    sentence_end: str
    open_ends: str
    names: tuple[tuple[str, re.Pattern[str]], ...]
    name_left_stops: str
    name_right_stops: str
    name_joiners: str

    def number(self, s: str) -> int:
        """Arabic digits, or a numeral of the language (七十九, 一百三十二; digit by digit, 二〇二五)."""
        if s.isdigit():
            return int(s)
        if all(c in self.digits for c in s):
            return int("".join(str(self.digits[c]) for c in s))
        total = current = 0
        for c in s:
            if c in self.digits:
                current = self.digits[c]
            elif c in self.units:
                total += (current or 1) * self.units[c]
                current = 0
            else:
                raise ValueError(s)
        return total + current

    def ends_sentence(self, s: str) -> bool:
        return bool(s) and s[-1] in self.sentence_end

    def read_date(self, m: re.Match[str]) -> dt.date | None:
        """The calendar date of a match of `date` (groups ``y``, ``m``, ``d``), or None."""
        try:
            return make_date(self.number(m.group("y")), self.number(m.group("m")), self.number(m.group("d")))
        except ValueError:
            return None


@cache
def unspaced_formulas(lang: str) -> UnspacedFormulas:
    data = raw(lang)
    F = _flags(data)
    digits, units = data["numerals"]["digits"], data["numerals"]["units"]
    numeral = "[" + "".join(re.escape(c) for c in [*digits, *units]) + "]"
    number = rf"(?:\d+|{numeral}+)"
    more = {"{number}": number, "{numeral}": numeral}
    date = data["date"].replace("{number}", number)
    fill, _ = _filler(data, date, more)

    def compiled(p: str) -> re.Pattern[str]:
        return re.compile(fill(p), F)

    return UnspacedFormulas(
        lang=lang, digits=digits, units=units, kinds=data["kinds"], date=compiled(date),
        title=compiled(data["title"]), title_start=compiled(data["title_start"]),
        title_end=compiled(data["title_end"]), title_words=data["title_words"],
        title_examples=tuple(data["title_examples"]),
        periods=tuple((unit, compiled(p)) for unit, p in data["periods"].items()),
        item=compiled(data["item"]), subitems=data["subitems"], agenda=compiled(data["agenda"]),
        recipient_split=data["recipient_split"], circulation=compiled(data["circulation"]),
        circulation_items=compiled(data["circulation_items"]), signed=compiled(data["signed"]),
        annex_heading=compiled(data["annex_heading"]), annex_ref=compiled(data["annex_ref"]),
        date_place=tuple(compiled(p) for p in data["date_place"]), held_in=compiled(data["held_in"]),
        sentence_end=data["sentence_end"], open_ends=data["open_ends"],
        names=tuple((n["kind"], compiled(n["pattern"])) for n in data["names"]),
        name_left_stops=data["name_left_stops"], name_right_stops=data["name_right_stops"],
        name_joiners=data["name_joiners"],
    )
