"""Crosswalks: how a catalogue record (`record.Record`) becomes the fields of an exchange format, read from a
TOML file under ``crosswalks/`` (``marc21.toml``, ``oai_dc.toml``).

A crosswalk is a list of rules. Each rule names its target (a MARC tag, or a Dublin Core element), and its
values as Python format strings over the record's facts (``"{date}"``, ``"UN. {label} ({ordinal} sess.)"``).
``each = "agenda"`` repeats the rule for every item of a list fact, whose own facts then come first;
``when = "session"`` keeps only the items where that fact is given, ``unless = "session"`` only those where it
is not; ``group = true`` (MARC) puts the subfields of every item into one field (041 with one $a per
language). A value that refers to a fact the
document does not give is left out (never written empty), and a rule left with no value is dropped.

The file is checked as it is loaded, before any record is written: every fact a rule names must exist in
the record, every MARC tag, indicator and subfield code must be well formed, every Dublin Core element
must be one of the fifteen.
"""

from __future__ import annotations

import dataclasses
import re
import string
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError
from .record import Record

DC_ELEMENTS = ("title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
               "format", "identifier", "source", "language", "relation", "coverage", "rights")
FORMATS = ("marc21", "oai_dc")


@dataclass(frozen=True)
class Template:
    """A value's template (a Python format string over the facts) and the facts it names, read once."""

    text: str
    names: tuple[str, ...]
    whole: str | None = None  # the fact the template is alone ("{title}": most are), filled by `format` at once

    @classmethod
    def read(cls, text: str) -> Template:
        names = tuple(name for _, name, _, _ in string.Formatter().parse(text) if name)
        return cls(text, names, names[0] if len(names) == 1 and text == "{" + names[0] + "}" else None)

    def fill(self, facts: dict[str, Any]) -> str | None:
        """The value, or None when a fact it names is not given (or it is blank)."""
        if self.whole is not None:  # (what format_map does with "{name}": format(value, ""))
            value = facts[self.whole]
            if value is None or value == "" or value == ():
                return None
            return format(value).strip() or None
        for name in self.names:
            value = facts[name]
            if value is None or value == "" or value == ():
                return None
        return self.text.format_map(facts).strip() or None


@dataclass(frozen=True)
class Rule:
    target: str  # a MARC tag (991) or a Dublin Core element (title)
    each: str | None
    when: str | None
    unless: str | None
    group: bool  # MARC: one field for all the items of `each` (041 with a $a per language)
    indicators: str  # MARC: two characters
    data: Template | None  # MARC control field (001-009): its value
    parts: tuple[tuple[str, Template], ...]  # MARC: (subfield code, template); Dublin Core: (("value", template),)
    lang: Template | None  # Dublin Core: xml:lang template


class Value(NamedTuple):
    """One field of the output: MARC (tag, indicators, data or subfields) or Dublin Core (element,
    text, language). (A named tuple: a record makes dozens, in a third of a frozen dataclass's time.)"""

    target: str
    indicators: str
    data: str | None
    parts: tuple[tuple[str, str], ...]
    lang: str | None = None


def _facts(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _item_type(hint: Any) -> type | None:
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and args and dataclasses.is_dataclass(args[0]):
        return args[0]
    return None


@dataclass(frozen=True)
class Crosswalk:
    format: str
    path: str
    leader: str | None
    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, path: Path) -> Crosswalk:
        where = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(where, "no such crosswalk file") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(where, f"not valid TOML: {exc}") from None
        fmt = data.get("format")
        if fmt not in FORMATS:
            raise InputError(where, f"'format' must be one of {', '.join(FORMATS)}, not {fmt!r}")
        leader = data.get("leader")
        if fmt == "marc21" and not (isinstance(leader, str) and len(leader) == 24):
            raise InputError(where, "a MARC 21 crosswalk needs a 24-character 'leader'")
        rules = [_rule(where, fmt, i, r) for i, r in enumerate(data.get("field", []), 1)]
        if not rules:
            raise InputError(where, "no [[field]] rules")
        return cls(fmt, where, leader, tuple(rules))

    def apply(self, record: Record) -> list[Value]:
        out: list[Value] = []
        top = _values(record)
        scopes: dict[str, list[dict[str, Any]]] = {}  # a list fact's items, each with the record's facts: once
        for rule in self.rules:
            if rule.each is None:
                items = [top]
            elif (items := scopes.get(rule.each)) is None:
                items = scopes[rule.each] = [{**top, **_values(item)} for item in getattr(record, rule.each)]
            grouped: list[tuple[str, str]] = []
            for facts in items:
                if rule.when and facts.get(rule.when) in (None, "", ()):
                    continue
                if rule.unless and facts.get(rule.unless) not in (None, "", ()):
                    continue
                if rule.data is not None:
                    data = rule.data.fill(facts)
                    if data is not None:
                        out.append(Value(rule.target, "", data, ()))
                    continue
                parts = tuple([(code, v) for code, t in rule.parts if (v := t.fill(facts)) is not None])
                if rule.group:
                    grouped += parts
                elif parts:
                    lang = rule.lang.fill(facts) if rule.lang else None
                    out.append(Value(rule.target, rule.indicators, None, parts, lang))
            if grouped:
                out.append(Value(rule.target, rule.indicators, None, tuple(grouped)))
        return out


def _values(obj: Any) -> dict[str, Any]:
    """The facts of a record, or of an item of one of its lists, by name: a dataclass's fields are its
    instance's attributes (``vars``; read, never changed)."""
    return vars(obj)


def _rule(where: str, fmt: str, n: int, raw: dict) -> Rule:
    target = str(raw.get("tag" if fmt == "marc21" else "element", ""))
    label = f"rule {n} ({target or 'no target'})"
    known = _facts(Record)
    each = raw.get("each")
    scope = dict(known)
    if each is not None:
        item = _item_type(known.get(each))
        if item is None:
            lists = [k for k, v in known.items() if _item_type(v)]
            raise InputError(where, f"{label}: 'each' names {each!r}, not a list fact; lists: {', '.join(lists)}")
        scope = {**known, **_facts(item)}
    when, unless, group = raw.get("when"), raw.get("unless"), bool(raw.get("group", False))
    for key, name in (("when", when), ("unless", unless)):
        if name is not None and name not in scope:
            raise InputError(where, f"{label}: {key!r} names an unknown fact {name!r}")
    if group and (fmt != "marc21" or each is None):
        raise InputError(where, f"{label}: 'group' applies to a MARC rule with 'each'")
    unknown = set(raw) - {"tag", "element", "each", "when", "unless", "group", "indicators", "data", "subfields",
                          "value", "lang"}
    if unknown:
        raise InputError(where, f"{label}: unknown keys {', '.join(sorted(unknown))}")

    def check(template: Any) -> Template:
        if not isinstance(template, str):
            raise InputError(where, f"{label}: a value must be a string, not {template!r}")
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
        except ValueError as exc:
            raise InputError(where, f"{label}: bad template {template!r}: {exc}") from None
        for name in names:
            if name not in scope:
                raise InputError(where, f"{label}: unknown fact {name!r} in {template!r}; known: "
                                 + ", ".join(sorted(scope)))
        return Template.read(template)

    if fmt == "marc21":
        if not re.fullmatch(r"[0-9]{3}", target) or target == "000":
            raise InputError(where, f"{label}: {target!r} is not a MARC tag (three digits, 001-999)")
        control = target < "010"
        if control:
            if "data" not in raw or "subfields" in raw:
                raise InputError(where, f"{label}: control field {target} takes 'data', not subfields")
            return Rule(target, each, when, unless, group, "", check(raw["data"]), (), None)
        indicators = raw.get("indicators", "  ")
        if not (isinstance(indicators, str) and re.fullmatch(r"[0-9a-z ]{2}", indicators)):
            raise InputError(where, f"{label}: indicators must be two characters (digits, a-z or blank), "
                             f"not {indicators!r}")
        parts = []
        for pair in raw.get("subfields", []):
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                    and re.fullmatch(r"[a-z0-9]", pair[0])):
                raise InputError(where, f"{label}: a subfield is [code, value] with code a-z or 0-9, not {pair!r}")
            parts.append((pair[0], check(pair[1])))
        if not parts:
            raise InputError(where, f"{label}: data field {target} needs 'subfields'")
        return Rule(target, each, when, unless, group, indicators, None, tuple(parts), None)
    if target not in DC_ELEMENTS:
        raise InputError(where, f"{label}: {target!r} is not a Dublin Core element ({', '.join(DC_ELEMENTS)})")
    if "value" not in raw:
        raise InputError(where, f"{label}: a Dublin Core rule needs a 'value'")
    lang = raw.get("lang")
    return Rule(target, each, when, unless, group, "", None, (("value", check(raw["value"])),),
                check(lang) if lang is not None else None)
