"""Text and attribute values written into XML by hand (the MARC and Dublin Core writers), escaped as lxml
escapes them, so that a file written here is byte for byte the one lxml would write; a character XML 1.0
cannot hold is refused, as lxml refuses it."""

from __future__ import annotations

import re

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# what XML holds as character data as it is: _NOT_XML's complement without & < > and \r (one scan of most values
# instead of a scan and four replacements)
_AS_IT_IS = re.compile("[\t\n\x20-\x25\x27-\x3b\x3d\x3f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")


def text(value: str) -> str:
    """Character data."""
    if _AS_IT_IS.fullmatch(value):
        return value
    check(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def attribute(value: str) -> str:
    """An attribute's value, between double quotes."""
    check(value)
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def check(value: str) -> None:
    bad = _NOT_XML.search(value)
    if bad is not None:
        raise ValueError(f"a value holds a character XML cannot: {bad.group()!r} in {value!r}")
