"""The search on `/`: the letters that match a search and the facet values chosen, a page of them in the
order asked for, each facet's values with how many of those letters have them, and the timeline — all from
the index the build wrote (``build/search.sqlite``: `unkg.build.search`), opened read-only.

Every state of the page is its URL: ``q`` (words; a phrase in double quotes), one parameter per facet
(``organ=general-assembly&state=japan``; repeated, every value must hold), ``sort`` (``-date``, ``date``,
``rank``), ``page``, ``stack`` (the timeline's stacks: ``organ`` or ``state``) and ``lang`` (the reader's).
Anything else, or a malformed value, is refused (`Invalid`: a 400). The words of a search are only ever
phrases for FTS5 (each quoted), never its syntax.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode

from ..searchdoc import LANGS, config, spaced
from .timeline import layout

INDEX = "search.sqlite"
PAGE_SIZE = 20  # letters per page
SHOWN = 8  # facet values shown before "more"
MAX_Q = 500  # characters of a search
MAX_PAGE = 1_000_000
SORTS = ("-date", "date", "rank")
STACKS = ("organ", "state")
WEIGHTS = (10.0, 8.0, 3.0, 1.0)  # bm25 weights of the index's columns: title, symbols, names, body
_PHRASE = re.compile(r'"([^"]*)"?|([^\s"]+)')
_KEY = re.compile(r"[^\x00-\x1f\x7f]{1,300}")


class Invalid(ValueError):
    """A request the search refuses (a 400, or `status`)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def phrases(q: str) -> list[str]:
    """The search's words as FTS5 phrases: each word, or each double-quoted phrase, quoted (so no character
    of it is FTS5 syntax), the characters of unspaced scripts as words; those with no word character dropped."""
    out = []
    for m in _PHRASE.finditer(q):
        text = spaced(m.group(1) if m.group(1) is not None else m.group(2)).strip()
        if re.search(r"\w", text):
            out.append('"' + " ".join(text.split()).replace('"', '""') + '"')
    return out


class Search:
    """The index of one build; `path` is resolved once, so a new build is a new `Search`."""

    def __init__(self, build_dir: Path):
        self.path = os.path.realpath(build_dir / INDEX)
        self.facets = config()["facet"]
        self.params = [f["param"] for f in self.facets]
        self.values: dict[int, tuple[str, str, str | None, int]] = {}  # id -> (facet, key, iri, total)
        self.ids: dict[tuple[str, str], int] = {}
        self.by_iri: dict[tuple[str, str], int] = {}
        self.labels: dict[tuple[int, str], str] = {}
        self.available = os.path.isfile(self.path)
        if not self.available:
            return
        with closing(self.connect()) as db:
            for vid, facet, key, iri, total in db.execute("SELECT id, facet, key, iri, total FROM value"):
                self.values[vid] = (facet, key, iri, total)
                self.ids[(facet, key)] = vid
                if iri is not None:
                    self.by_iri[(facet, iri)] = vid
            for vid, lang, text in db.execute("SELECT value, lang, label FROM label"):
                self.labels[(vid, lang)] = text
            self.count = int(db.execute("SELECT value FROM meta WHERE key = 'letters'").fetchone()[0])

    def connect(self) -> sqlite3.Connection:
        # immutable: the build never writes a published index, it replaces it (a new file)
        return sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)

    def label(self, vid: int, lang: str) -> str:
        return self.labels.get((vid, lang)) or self.labels.get((vid, "en")) or self.values[vid][1]

    # -- the request ---------------------------------------------------------------------------------
    def parse(self, args) -> dict:
        """The state of the page from the query's arguments (a werkzeug MultiDict); `Invalid` if malformed."""
        known = {"q", "sort", "page", "stack", "lang", *self.params}
        for name in args:
            if name not in known:
                raise Invalid(f"unknown parameter {name!r}: the search takes q, sort, page, stack, lang and the "
                              f"facets {', '.join(self.params)}")
        single = {}
        for name in ("q", "sort", "page", "stack", "lang"):
            got = args.getlist(name)
            if len(got) > 1:
                raise Invalid(f"{name} is given {len(got)} times: once at most")
            single[name] = got[0] if got else None
        q = (single["q"] or "").strip()
        if len(q) > MAX_Q or any(ord(c) < 32 and c not in "\t\n\r" for c in q):
            raise Invalid(f"the search is longer than {MAX_Q} characters, or holds control characters")
        sort = single["sort"] or ("rank" if q else "-date")
        if sort not in SORTS:
            raise Invalid(f"sort is one of {', '.join(SORTS)}, not {sort!r}")
        if sort == "rank" and not q:
            raise Invalid("sort=rank orders by how well letters match a search: give one (q)")
        page = single["page"] or "1"
        if not page.isascii() or not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
            raise Invalid(f"page is a whole number from 1 to {MAX_PAGE}, not {page!r}")
        stack = single["stack"] or "organ"
        if stack not in STACKS:
            raise Invalid(f"stack is one of {', '.join(STACKS)}, not {stack!r}")
        chosen: list[tuple[str, str]] = []
        for param in self.params:
            for key in args.getlist(param):
                if not _KEY.fullmatch(key):
                    raise Invalid(f"a value of {param} is 1 to 300 characters, without control characters")
                if (param, key) not in chosen:
                    chosen.append((param, key))
        return {"q": q, "sort": sort, "page": int(page), "stack": stack, "chosen": chosen,
                "lang": single["lang"] if single["lang"] in LANGS else None}

    def href(self, state: dict, **change) -> str:
        """The URL of the page in `state` with `change` (chosen=…, sort=…, page=…): its every state a URL."""
        s = {**state, **change}
        pairs = [("q", s["q"])] if s["q"] else []
        pairs += sorted(s["chosen"], key=lambda c: (self.params.index(c[0]), c[1]))
        default_sort = "rank" if s["q"] else "-date"
        if s["sort"] != default_sort:
            pairs.append(("sort", s["sort"]))
        if s["stack"] != "organ":
            pairs.append(("stack", s["stack"]))
        if s["page"] != 1:
            pairs.append(("page", str(s["page"])))
        if s["lang"]:
            pairs.append(("lang", s["lang"]))
        return "/?" + urlencode(pairs) if pairs else "/"

    # -- the answer ----------------------------------------------------------------------------------
    def _where(self, state: dict) -> tuple[str, list, str | None]:
        """The SQL condition on letters (``l``) of `state`, its parameters and the FTS5 query."""
        conds, params = [], []
        for param, key in state["chosen"]:
            conds.append("l.id IN (SELECT letter FROM facet WHERE value = ?)")
            params.append(self.ids.get((param, key), -1))  # a value no letter has: nothing
        match = " ".join(phrases(state["q"])) if state["q"] else None
        if state["q"] and not match:
            conds.append("0")  # words with no letter or digit in them: no letter matches
        elif match:
            conds.append("l.id IN (SELECT rowid FROM words WHERE words MATCH ?)")
            params.append(match)
        return (" AND ".join(conds) or "1"), params, match

    def results(self, state: dict, lang: str) -> dict:
        """The page of letters, the facets and the timeline of `state`, in the reader's `lang`."""
        where, params, match = self._where(state)
        with closing(self.connect()) as db:
            try:
                total = db.execute(f"SELECT COUNT(*) FROM letter l WHERE {where}", params).fetchone()[0]
                pages = max(1, -(-total // PAGE_SIZE))
                if state["page"] > pages:
                    raise Invalid(f"page {state['page']} is past the last page ({pages})", status=404)
                offset = (state["page"] - 1) * PAGE_SIZE
                ids = self._page(db, state, where, params, match, offset)
                letters = self._letters(db, ids, lang)
                facets = self._facets(db, state, where, params, lang, total)
                timeline = self._timeline(db, where, params, state["stack"], lang)
            except sqlite3.OperationalError as exc:  # never expected: the words are phrases
                raise Invalid(f"the search could not be run: {exc}") from None
        return {"total": total, "letters": letters, "page": state["page"], "pages": pages,
                "first": offset + 1 if total else 0, "last": offset + len(letters), "facets": facets,
                "timeline": timeline}

    def _page(self, db, state, where, params, match, offset) -> list[int]:
        if state["sort"] == "rank":
            title = "{title symbols} : (" + match + ")"
            sql = (f"SELECT words.rowid FROM words JOIN letter l ON l.id = words.rowid WHERE words MATCH ? AND {where} "
                   f"ORDER BY words.rowid IN (SELECT rowid FROM words WHERE words MATCH ?) DESC, "
                   f"bm25(words, {', '.join(map(str, WEIGHTS))}), words.rowid LIMIT ? OFFSET ?")
            rows = db.execute(sql, [match, *params, title, PAGE_SIZE, offset])
        else:
            order = "DESC" if state["sort"] == "-date" else "ASC"
            rows = db.execute(f"SELECT l.id FROM letter l WHERE {where} ORDER BY l.id {order} LIMIT ? OFFSET ?",
                              [*params, PAGE_SIZE, offset])
        return [r[0] for r in rows]

    def _letters(self, db, ids: list[int], lang: str) -> list[dict]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = {r[0]: r for r in db.execute(f"SELECT id, iri, date, symbols FROM letter WHERE id IN ({marks})", ids)}
        titles: dict[int, dict[str, str]] = {}
        for letter, tlang, text in db.execute(f"SELECT letter, lang, title FROM title WHERE letter IN ({marks})", ids):
            titles.setdefault(letter, {})[tlang] = text
        out = []
        for i in ids:
            _, iri, date, symbols = rows[i]
            have = titles.get(i, {})
            title = have.get(lang) or have.get("en") or next(iter(sorted(have.items())), ("", iri))[1]
            out.append({"iri": iri, "date": date or "", "symbols": symbols, "title": title})
        return out

    def _facets(self, db, state, where, params, lang, total) -> list[dict]:
        counts = {vid: v[3] for vid, v in self.values.items()}  # over every letter (the build counted them)
        if where != "1" and total > self.count / 2:  # most letters: their values' totals less the others'
            for vid, n in db.execute(f"SELECT value, COUNT(*) FROM facet WHERE letter IN "
                                     f"(SELECT l.id FROM letter l WHERE NOT ({where})) GROUP BY value", params):
                counts[vid] -= n
        elif where != "1":
            counts = dict(db.execute(f"SELECT value, COUNT(*) FROM facet WHERE letter IN "
                                     f"(SELECT l.id FROM letter l WHERE {where}) GROUP BY value", params).fetchall())
        chosen = state["chosen"]
        by_facet: dict[str, list] = {p: [] for p in self.params}
        for vid, n in counts.items():
            facet, key = self.values[vid][0], self.values[vid][1]
            if (facet, key) in chosen or not n:
                continue
            by_facet[facet].append({"key": key, "label": self.label(vid, lang), "count": n,
                                    "href": self.href(state, chosen=[*chosen, (facet, key)], page=1)})
        out = []
        for facet in self.facets:
            param = facet["param"]
            values = sorted(by_facet[param], key=lambda v: (-v["count"], v["label"], v["key"]))
            selected = [{"key": key, "label": self._chosen_label(param, key, lang),
                         "href": self.href(state, chosen=[c for c in chosen if c != (param, key)], page=1)}
                        for p, key in chosen if p == param]
            out.append({"param": param, "title": facet["title"].get(lang, facet["title"]["en"]),
                        "shown": values[:SHOWN], "more": values[SHOWN:], "selected": selected})
        return out

    def _chosen_label(self, param: str, key: str, lang: str) -> str:
        vid = self.ids.get((param, key))
        return self.label(vid, lang) if vid is not None else key

    def _timeline(self, db, where, params, stack: str, lang: str) -> dict | None:
        column = "organs" if stack == "organ" else "states"
        rows = db.execute(f"SELECT l.month, l.{column}, COUNT(*) FROM letter l WHERE {where} AND l.month IS NOT NULL "
                          f"GROUP BY l.month, l.{column}", params).fetchall()
        return self._drawn(rows, lang)

    def _drawn(self, rows, lang: str) -> dict | None:
        words = config()["timeline"]
        names = {}
        for _, stack, _ in rows:
            if stack not in names:
                names[stack] = (" + ".join(self.label(int(v), lang) for v in stack.split(","))
                                if stack else words["none"].get(lang, words["none"]["en"]))
        unit = (words["letter"].get(lang, words["letter"]["en"]), words["letters"].get(lang, words["letters"]["en"]))
        return layout([tuple(r) for r in rows], names, words["other"].get(lang, words["other"]["en"]), unit)

    def timeline_for(self, param: str, iri: str, lang: str) -> dict | None:
        """The timeline of the letters whose facet `param` has the value `iri` (a State's page:
        ``timeline_for("state", iri, lang)``), stacked by organ; None when there are none (or no index)."""
        if not self.available:
            return None
        vid = self.by_iri.get((param, iri))
        if vid is None:
            return None
        with closing(self.connect()) as db:
            rows = db.execute("SELECT l.month, l.organs, COUNT(*) FROM letter l JOIN facet f ON f.letter = l.id "
                              "WHERE f.value = ? AND l.month IS NOT NULL GROUP BY l.month, l.organs", (vid,)).fetchall()
        return self._drawn(rows, lang)
