"""The documents' manifest entries while a build runs, kept small: each entry (what ``manifest.json`` records
of a document, with its bookkeeping) as its JSON, compressed against the first entry stored (entries of one
build are alike: the same keys, the same IRIs' stems), about 300 bytes instead of 7 KiB of Python objects.
A build of 100,000 documents holds them all until it writes its manifest; as dicts they alone would take
most of a gigabyte.

`Entries` is a mapping of key -> entry dict: reading an entry decodes it (a new dict each time: change it
by storing it again), `raw` gives its JSON as the manifest writes it (keys sorted)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, MutableMapping

import orjson

_LEVEL = 6
_WBITS = -15  # raw deflate: no header or checksum (the bytes never leave the process)


class _Stored(MutableMapping):
    """A mapping of key -> dict whose values are kept as bytes (`_data`); subclasses say how."""

    def __init__(self):
        self._data: dict[str, bytes] = {}

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Entries(_Stored):
    def __init__(self, entries=None):
        super().__init__()
        self._zdict: bytes | None = None
        if entries is not None:
            self.update(entries)

    def __setitem__(self, key: str, entry: dict) -> None:
        self.set_raw(key, orjson.dumps(entry, option=orjson.OPT_SORT_KEYS))

    def set_raw(self, key: str, raw: bytes) -> None:
        """Store the entry whose JSON (keys sorted) is `raw`."""
        if self._zdict is None:
            self._zdict = raw
        c = zlib.compressobj(_LEVEL, zlib.DEFLATED, _WBITS, 8, zlib.Z_DEFAULT_STRATEGY, self._zdict)
        self._data[key] = c.compress(raw) + c.flush()

    def raw(self, key: str) -> bytes:
        """The entry's JSON, keys sorted."""
        d = zlib.decompressobj(_WBITS, zdict=self._zdict)
        return d.decompress(self._data[key]) + d.flush()

    def sibling(self) -> "Entries":
        """An empty `Entries` compressing as this one does (the same dictionary), so that an entry can be
        taken from one into the other as it is (`take`)."""
        other = Entries()
        other._zdict = self._zdict
        return other

    def take(self, key: str, other: "Entries") -> None:
        """`other`'s entry of `key` as this one's, without decoding it (`other` is a `sibling`)."""
        assert other._zdict is self._zdict
        self._data[key] = other._data[key]

    def __getitem__(self, key: str) -> dict:
        return orjson.loads(self.raw(key))


    def items_sorted(self) -> Iterator[tuple[str, dict]]:
        """(key, entry) in key order, one decoded at a time."""
        for key in sorted(self._data):
            yield key, self[key]


class Packed(_Stored):
    """A mapping of key -> small dict kept as its JSON (about 200 bytes for a document's input, against a
    kilobyte of Python objects): each value read is a new dict."""

    def __setitem__(self, key: str, value: dict) -> None:
        # a copy: the bytes orjson gives hold a buffer of 4 KiB, whatever their length
        self._data[key] = bytes(memoryview(orjson.dumps(value)))

    def __getitem__(self, key: str) -> dict:
        return orjson.loads(self._data[key])
