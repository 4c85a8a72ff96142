"""Citations: the documents and provisions a communication's body and annexes cite (`Citation`), with their spans.

What is found, in one pass of the language's rules (`citations_rules`) over each paragraph:

- document symbols (``S/2022/641``, ``A/RES/77/247``, ``S/RES/2641 (2022)``; a joint symbol ``A/80/500–S/2025/656``
  is two), except the document's own and the masthead's footnote (a paragraph that is a symbol and nothing else,
  "* A/45/50.": the preliminary list its agenda line points to);
- resolutions and decisions named in words (``resolution 2641 (2022)``, ``résolution 2231 (2015) du Conseil de
  sécurité``, ``第2231(2015)号决议``, lists of them), given the symbol of the organ the text names, else of the
  organ whose numbering style the number has (``../data/citations.toml``: a number and a year is the Security
  Council's, a session and a number the General Assembly's), else of the resolution the document cites
  elsewhere with the same number ("Resolution 2231" after "resolution 2231 (2015)");
- articles of instruments the authority data knows (``Article 51 of the Charter of the United Nations`` ->
  "Charter of the United Nations, Article 51");
- letters and notes verbales cited by their date (``my letter dated 24 August 2022``), which take the symbol
  that follows them in the sentence in parentheses; a report or statement word before a symbol gives it its
  kind.

What the text gives only partly (a letter without its symbol, "Resolution 2231" and nothing else, a resolution
whose organ numbers otherwise) is kept with no symbol and reported in a warning naming its words; nothing is
guessed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..model import Citation, Entity
from ..text import _HYPHENS, Piece, is_cjk
from .citations_rules import Rules, fold, rules, shared
from .context import Context
from .cuts import warn_dropped
from .masthead import is_furniture

_NEAR = 300  # the farthest (in characters) a letter's or report's words stand from the symbol that is theirs
_JOINT = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")
_ENDS = re.compile(r"[。；！？]|[.;!?](?=\s)")


@dataclass
class Hit:
    """One match of the rules in a paragraph: its family (see `citations_rules`), where, and what it read."""

    family: str
    part: str
    piece: Joined
    start: int
    end: int
    kind: str | None = None
    organ: str | None = None  # English label
    items: list[tuple[int, int, dict]] = field(default_factory=list)  # numbers: (start, end, what each reads)
    instrument: Entity | None = None
    symbol: str | None = None  # a symbol's canonical form
    linked: bool = False  # a letter whose symbol follows it


def find_citations(ctx: Context, parts: dict) -> tuple[Citation, ...]:
    """The citations of the body and annexes of `parts` (the parser's parts of a `Document`), in text order;
    the unresolved ones reported in the warnings of `ctx`."""
    r = rules(ctx.auth, ctx.lang)
    if r is None:
        return ()
    own = {s.value for s in parts.get("symbols", ())}
    hits: list[list[Hit]] = [scan(r, piece, part) for part, piece in _texts(ctx, r, parts, own)]
    found = resolve(ctx, r, hits, own)
    cut = parts.get("cut")  # (a citation on the line where the text appears to stop may be cut: "S/1")
    if cut is not None and any(c.surface.span.end_line >= cut.line for c, _ in found):
        found = [(c, why) for c, why in found if c.surface.span.end_line < cut.line]
        warn_dropped(ctx, cut.line, ["cites"], cut)
    report_unresolved(ctx, found)
    return tuple(c for c, _ in found)


def report_unresolved(ctx: Context, found: list[tuple[Citation, str]]) -> None:
    """A warning for each citation left without its symbol, naming its words (once for words said again)."""
    seen: dict[str, list[tuple[Citation, str]]] = {}
    for c, why in found:
        if c.symbol is None:
            seen.setdefault(c.surface.value, []).append((c, why))
    for words, cs in seen.items():
        times = f" ({len(cs)} times)" if len(cs) > 1 else ""
        ctx.warn(f"unresolved {cs[0][0].kind} citation {words!r}{times}: {cs[0][1]}", cs[0][0].surface.span)


def _texts(ctx: Context, r: Rules, parts: dict, own: set[str]):
    """(part, piece) of each paragraph of the body and of each annex's title and paragraphs that holds one of the
    words every citation holds (`Rules.triggers`, looked for in the paragraph's text as written), page furniture
    left out (a paragraph that runs over a page break)."""
    facts = [("main", f) for f in parts.get("paragraphs", ())]
    for n, annex in enumerate(parts.get("annexes", ()), 1):
        facts += [(f"annex_{n}", f) for f in ((annex.title,) if annex.title else ()) + tuple(annex.paragraphs)]
    for part, fact in facts:
        if fact.span is not None and r.triggers.search(fact.value.lower() if r.fold_case else fact.value):
            yield part, _piece(ctx, fact.span, own)


def _piece(ctx: Context, span, own: set[str]) -> Joined:
    """The normalised text of a paragraph's span (its first and last lines are the paragraph's; a line between
    them may be page furniture, left out)."""
    lines = ctx.text.lines[span.line - 1:span.end_line]
    pieces = []
    for k, ln in enumerate(lines):
        if ln.blank or (0 < k < len(lines) - 1 and is_furniture(ln, own)):
            continue
        p = ln.piece
        a = 0 if span.start <= p.starts[0] else bisect.bisect_left(p.starts, span.start)
        b = len(p.text) if span.end >= p.ends[-1] else bisect.bisect_left(p.starts, span.end)
        pieces.append(p if (a, b) == (0, len(p.text)) else p.sub(a, b))
    return Joined(pieces)


class Joined:
    """Lines' pieces read as one text, joined as `text.join` joins them (one space between two lines, none after
    a hyphen or next to a CJK character), with the raw offsets of any of its ranges (`offsets`, as
    `Piece.offsets`): made without building the per-character offsets of the whole, which only a citation's
    words need."""

    def __init__(self, pieces: list[Piece]) -> None:
        self.pieces = [p for p in pieces if p.text]
        texts, self.at = [], []
        n = 0
        for p in self.pieces:
            if texts and texts[-1][-1] not in _HYPHENS and not is_cjk(texts[-1][-1]) and not is_cjk(p.text[0]):
                texts.append(" ")
                n += 1
            self.at.append(n)
            texts.append(p.text)
            n += len(p.text)
        self.text = "".join(texts)

    def offsets(self, a: int, b: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self.at, a) - 1)
        j = max(0, bisect.bisect_right(self.at, b - 1) - 1)
        first, last = self.pieces[i], self.pieces[j]
        start = first.starts[min(a - self.at[i], len(first.text) - 1)]
        return start, last.ends[min(b - 1 - self.at[j], len(last.text) - 1)]


# -- the pass ----------------------------------------------------------------------------------------------


def scan(r: Rules, piece: Joined, part: str) -> list[Hit]:
    """The rules' matches in `piece`, in order (none in the masthead's footnote: a symbol alone)."""
    text = piece.text
    if r.symbol_full.fullmatch(text):
        return []
    out = []
    for m in r.pattern.finditer(text):
        name = m.lastgroup
        family = r.family[name]
        hit = Hit(family, part, piece, m.start(), m.end())
        groups = {k[len(name) + 1:]: v for k, v in m.groupdict().items() if v is not None and k.startswith(name + "_")}
        kinds = r.kinds.get(name, {})
        hit.kind = next((kind for g, kind in kinds.items() if g in groups), None)
        organ = groups.get("organ") or groups.get("organ2")
        hit.organ = r.organs.get(fold(organ)) if organ else None
        if family == "act":
            a, b = m.span(f"{name}_list")
            hit.items = [(x.start(), x.end(), _style(r, x)) for x in r.styles.finditer(text, a, b)]
        elif family in ("article", "bare"):
            a, b = m.span(f"{name}_list")
            hit.items = [(x.start(), x.end(), {"n": r.number(x.group(0))}) for x in r.article_item.finditer(text, a, b)]
            if "instrument" in groups:
                hit.instrument = r.instruments.get(fold(groups["instrument"]))
            else:
                hit.instrument = next((e for g, e in r.short_instruments.items() if g in groups), None)
        elif family == "symbol":
            hit.symbol, hit.end = _canonical(m.group(0), m.start())
            if not any(c.isdigit() for c in hit.symbol):
                continue
            hit.kind = next((k for mark, k in shared()["symbol_kinds"].items() if mark in hit.symbol), "document")
        out.append(hit)
    return out


def _style(r: Rules, m: re.Match[str]) -> dict:
    """What one number of a list reads: its style and its groups (n, year, session)."""
    style = m.lastgroup
    return {"style": style, **{k[len(style) + 1:]: v for k, v in m.groupdict().items()
                                if v is not None and k.startswith(style + "_")}}


def _canonical(written: str, start: int) -> tuple[str, int]:
    """A symbol as written -> its canonical form, and where it ends in the text (a full stop after it is the
    sentence's; a parenthesis after a symbol that is not a resolution's is not part of it)."""
    m = re.match(r"(?P<sym>[^\s(]+?)\.*(?:\s?(?P<tail>\([^)]*\)))?$", written)
    sym, tail = m.group("sym"), m.group("tail")
    if tail and "/RES/" in sym:
        return f"{sym} {tail}", start + len(written)
    return sym, start + len(sym)


# -- what each cites ---------------------------------------------------------------------------------------


def resolve(ctx: Context, r: Rules, pieces: list[list[Hit]], own: set[str]) -> list[tuple[Citation, str]]:
    """The citations of the hits of each paragraph (see the module docstring for the rules), each with why it
    has no symbol ("" when it has one)."""
    common = shared()
    named = {h.organ for hits in pieces for h in hits if h.organ and h.family in ("named", "act")}
    named |= {organ for organ, d in common["organs"].items()
              if d.get("own_series") and any(s.startswith(d["own_series"]) for s in own)}
    acts = []  # (hit, number's index, symbol, why not, organ)
    for hits in pieces:
        for h in hits:
            if h.family == "act":
                acts += [(h, i, *_act(common, named & r.rivals, h, item)) for i, (_, _, item) in enumerate(h.items)]
    # "Resolution 2231": the resolution of that number (and kind, and organ when named) the document cites
    known: dict[tuple, set[str]] = {}
    for h, i, symbol, _, organ in acts:
        if symbol:
            for key in ((h.kind, h.items[i][2]["n"]), (h.kind, h.items[i][2]["n"], organ)):
                known.setdefault(key, set()).add(symbol)
    symbols = {}
    for h, i, symbol, why, _ in acts:
        if symbol is None and h.items[i][2]["style"] == "bare":
            same = known.get((h.kind, h.items[i][2]["n"]) + ((h.organ,) if h.organ else ()), set())
            symbol, why = (next(iter(same)), "") if len(same) == 1 else (None, why)
        symbols[(id(h), i)] = (symbol, why)
    articles = {}
    for hits in pieces:
        for h in hits:
            if h.family == "article" and h.instrument:
                for _, _, item in h.items:
                    articles.setdefault(item["n"], set()).add(h.instrument)

    out: list[tuple[Citation, str]] = []
    for hits in pieces:
        _kinds_of_symbols(r, hits)
        for h in hits:
            out.extend(_citations(ctx, r, h, symbols, articles, own))
    return out


def _act(common: dict, rivals_named: set[str], h: Hit, item: dict) -> tuple[str | None, str, str | None]:
    """The canonical form of one resolution or decision named in words, or None and why; and its organ."""
    style, organ = item["style"], h.organ
    if style == "bare":
        return None, "neither its organ nor its year or session is given", organ
    if organ is None:
        for rule in common["unnamed"]:
            if rule["style"] != style:
                continue
            rivals = sorted(rivals_named & set(rule.get("rivals", ())))
            if rivals:
                return None, f"its organ is not named, and the text names the {rivals[0]}, which numbers so too", None
            if _in_sessions(rule, item):
                organ = rule["organ"]
        if organ is None:
            return None, "its organ is not named, and its number does not tell it", None
    form = common["organs"].get(organ, {}).get(h.kind or "", {}).get(style)
    if form is None:
        return None, f"the {organ} does not number its {h.kind}s so", organ
    return form.format(**{k: v for k, v in item.items() if k != "style"}), "", organ


def _in_sessions(rule: dict, item: dict) -> bool:
    """Whether a number's session is among the regular sessions in which the rule's organ numbered so (a
    special or emergency special session always is)."""
    if "sessions" not in rule or item.get("session", "").startswith(("S-", "ES-")):
        return True
    s = item["session"]
    value = int(s) if s.isdigit() else _roman(s)
    return rule["sessions"][0] <= value <= rule["sessions"][1]


def _roman(s: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = values[a]
        total += -v if b in values and values[b] > v else v
    return total


def _kinds_of_symbols(r: Rules, hits: list[Hit]) -> None:
    """A symbol in parentheses (or after "document") takes the kind of the letter or report the sentence cites
    before it (other citations may stand between); the second of a joint symbol, the first's."""
    for i, h in enumerate(hits):
        if h.family != "symbol":
            continue
        text = h.piece.text
        prev = hits[i - 1] if i else None
        if prev is not None and prev.family == "symbol" and _JOINT.fullmatch(text, prev.end, h.start):
            if prev.kind in ("letter", "note verbale", "report", "statement"):
                h.kind = prev.kind
            continue
        before = text[max(0, h.start - 60):h.start].rstrip()
        if not (before.endswith("(") or (r.symbol_lead and r.symbol_lead.search(before))):
            continue
        for j in range(i - 1, -1, -1):
            w = hits[j]
            if w.family == "symbol" or h.start - w.end > _NEAR or _sentence_ends(text[w.end:h.start]):
                break
            if w.family in ("letter", "lead"):
                if "/RES/" not in (h.symbol or "") and "/PRST/" not in (h.symbol or ""):
                    h.kind = w.kind
                w.linked = True
                break


def _sentence_ends(between: str) -> bool:
    """Whether a sentence ends in `between`."""
    return _sentence_end(between) < len(between)


def _sentence_end(text: str, start: int = 0) -> int:
    """Where the sentence that runs at `start` ends (a full stop after an abbreviation or an initial does not end
    one: "Mr.", "No.", "A.")."""
    for m in _ENDS.finditer(text, start):
        if m.group(0) == ".":
            word = re.search(r"(\w+)$", text[max(start, m.start() - 8):m.start()])
            if word and len(word.group(1)) <= 3 and word.group(1)[0].isupper():
                continue
        return m.start()
    return len(text)


def _citations(ctx: Context, r: Rules, h: Hit, symbols: dict, articles: dict,
               own: set[str]) -> list[tuple[Citation, str]]:
    """The citations of one hit, each with why it has no symbol."""
    if h.family == "symbol":
        if h.symbol in own:
            return []
        return [(Citation(h.kind or "document", ctx.written(h.piece, h.start, h.end), h.part, h.symbol), "")]
    if h.family == "letter":  # (one its sentence says is annexed is the one the text transmits: "(see annex)")
        if h.linked or r.annex_ref.search(h.piece.text, h.end, _sentence_end(h.piece.text, h.end)):
            return []
        return [(Citation(h.kind or "letter", ctx.written(h.piece, h.start, h.end), h.part, None),
                 "no symbol follows it in its sentence")]
    if h.family not in ("act", "article", "bare"):
        return []
    out = []
    for i, (a, b, item) in enumerate(h.items):
        words = ctx.written(h.piece, h.start if i == 0 else a, h.end if i == len(h.items) - 1 else b)
        if h.family == "act":
            symbol, why = symbols[(id(h), i)]
            out.append((Citation(h.kind or "resolution", words, h.part, symbol), why))
            continue
        n, instrument = item["n"], h.instrument
        if instrument is None and len(articles.get(n, ())) == 1:
            instrument = next(iter(articles[n]))
        form = shared()["article_form"].format(instrument=instrument.label, n=n) if instrument and n else None
        why = "" if form else "it names no instrument the authority data knows"
        out.append((Citation("article", words, h.part, form, instrument, str(n) if n else None), why))
    return out
