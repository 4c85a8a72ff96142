"""A synthetic corpus of communications, as text, for measuring the whole pipeline at scale.

    python bench/corpus.py OUT N [--seed S] [--defects 0.01]

writes ``OUT/documents/<key>/<lang>.txt`` (Chinese and English, alternating), ``OUT/expected/<key>.<lang>.json``
(the facts card the generator meant) and ``OUT/defects.json`` (the keys given a deliberate defect, and which).
The same N and seed give the same files. Documents vary the way real ones do: the sending State and the
sender's function, one to three recipients (identical letters), the organs (General Assembly session 79, the
Security Council's eightieth year, or both), one to three agenda items, with or without symbols, zero to
three annexes, lines wrapped as PDFs wrap them. Phrases are in ``bench/corpus.toml``; States and agenda items
come from the project's authority data.

Defects (about ``--defects`` of the documents): ``no-date`` (the title gives no date), ``annex-sequence``
(annexes numbered I, III), ``untitled-annex`` (an annex without its title line). Their expected cards are
not written: they are for the validation comparison, not the consistency check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import textwrap
import tomllib
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

ROOT = Path(__file__).resolve().parent.parent
PHRASES = tomllib.loads((Path(__file__).parent / "corpus.toml").read_text(encoding="utf-8"))
SCHEMA = "https://schema.org/"
ROMAN = ["I", "II", "III", "IV"]
ZH_ROMAN = ["一", "二", "三", "四"]
ZH_DIGITS = "〇一二三四五六七八九"
DEFECTS = ("no-date", "annex-sequence", "untitled-annex")


def label(g: Graph, node, lang: str) -> str | None:
    for lit in g.objects(node, SKOS.prefLabel):
        if isinstance(lit, Literal) and lit.language == lang:
            return str(lit)
    return None


class Authority:
    """States and the agenda of the 79th session, from unkg's default authority data."""

    def __init__(self, folder: Path):
        g = Graph()
        for f in sorted(folder.rglob("*.ttl")):
            g.parse(f, format="turtle", publicID="https://w3id.org/unkg/id/")
        self.states: dict[str, list[tuple[str, str]]] = {"en": [], "zh": []}  # (English name, name in language)
        for s in sorted(g.subjects(RDF.type, URIRef(SCHEMA + "Country"))):
            if g.value(s, URIRef("http://purl.org/dc/terms/isReplacedBy")) is not None:
                continue  # a State no longer a Member does not write letters dated 2025
            en, zh = label(g, s, "en"), label(g, s, "zh")
            # names that read simply after "of" (no article, no comma, one word)
            if en and en.isalpha() and en not in ("Bahamas", "Comoros", "Gambia", "Maldives", "Netherlands",
                                                  "Philippines", "Seychelles", "Sudan"):
                self.states["en"].append((en, en))
                if zh:
                    self.states["zh"].append((en, zh))
        self.items = []
        scheme = URIRef("https://w3id.org/unkg/id/agenda/ga/79")
        for item in sorted(g.subjects(SKOS.inScheme, scheme)):
            number = str(g.value(item, SKOS.notation))
            self.items.append((number, label(g, item, "en"), label(g, item, "zh")))
        self.items.sort(key=lambda i: int(i[0]))


def en_date(d: dt.date) -> str:
    return f"{d.day} {PHRASES['en']['months'][d.month - 1]} {d.year}"


def zh_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def en_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def zh_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]


def wrap_en(text: str) -> list[str]:
    return textwrap.wrap(text, 82)


def wrap_zh(text: str, width: int = 39) -> list[str]:
    """Chinese lines break anywhere; a leading indent counts in the width."""
    return [text[i:i + width] for i in range(0, len(text), width)]


def spaced(lines: list[str]) -> list[str]:
    """Lines as Chinese PDFs' text layers give them: a blank line after each."""
    return [w for line in lines for w in (line, "")]


def document(rng: random.Random, auth: Authority, n: int, lang: str, defect: str | None) -> tuple[str, dict]:
    """The text of one communication and its facts card."""
    state_en, state_zh = rng.choice(auth.states[lang])
    charge = rng.random() < 0.3
    recipients = ["Secretary-General"] + rng.choice(
        [[], [], ["President of the Security Council"], ["President of the General Assembly",
                                                          "President of the Security Council"]])
    kind = "identical letters" if len(recipients) > 1 else "letter"
    organs_pick = rng.choice(["both", "both", "ga", "sc"])
    if len(recipients) > 1 and "President of the Security Council" in recipients:
        organs_pick = "both" if organs_pick == "ga" else organs_pick
    ga, sc = organs_pick in ("both", "ga"), organs_pick in ("both", "sc")
    items = sorted(rng.sample(auth.items, rng.randint(1, 3)), key=lambda i: int(i[0])) if ga else []
    date = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(0, 230))
    issued = date + dt.timedelta(days=rng.randint(1, 5))
    with_symbols = rng.random() < 0.7
    number = 1000 + n
    symbols = ([f"A/79/{number}"] if ga else []) + ([f"S/2025/{number}"] if sc else []) if with_symbols else []
    annex_count = rng.choice([0, 0, 1, 1, 2, 3])
    if defect in ("annex-sequence", "untitled-annex") and annex_count < 2:
        annex_count = 2
    topic = rng.randrange(len(PHRASES["en"]["topics"]))
    given = rng.choice(PHRASES["names"][lang]["given"])
    family = rng.choice(PHRASES["names"][lang]["family"])
    name = f"{given} {family}" if lang == "en" else f"{given}·{family}"
    extra = rng.sample(range(len(PHRASES["en"]["extra"])), rng.randint(0, 2))
    labels = [("" if annex_count == 1 else ROMAN[k]) for k in range(annex_count)]
    if defect == "annex-sequence":
        labels[1] = "III"
    make = english if lang == "en" else chinese
    text, title = make(rng, state_en, state_zh, charge, recipients, kind, ga, sc, items, date, issued, symbols,
                       labels, topic, name, extra, defect)
    card = {
        "language": lang,
        "kind": kind,
        "symbols": symbols,
        "issued": issued.isoformat() if symbols else None,
        "original_language": "en" if symbols else None,
        "date": None if defect == "no-date" else date.isoformat(),
        "title": title,
        "organs": ([{"organ": "General Assembly", "session": 79,
                     "agenda_items": [{"number": i[0], "title": i[1] if lang == "en" else i[2]} for i in items]}]
                   if ga else []) + ([{"organ": "Security Council", "year": 2025}] if sc else []),
        "sender": {"name": name, "function": "Chargé d'affaires a.i." if charge else "Permanent Representative",
                   "state": state_en, "rank": None if charge else "Ambassador", "signed": True},
        "recipients": recipients,
        "circulate_as": ([{"organ": "General Assembly", "agenda_items": [i[0] for i in items]}] if ga else [])
        + ([{"organ": "Security Council"}] if sc else []),
        "annexes": [{"label": lab, "title": PHRASES[lang]["annex_title"].format(
            state=state_en if lang == "en" else state_zh, topic=PHRASES[lang]["topics"][topic]),
            "author": None, "date": None, "place": None} for lab in labels],
    }
    return text, card


def english(rng, state, _zh, charge, recipients, kind, ga, sc, items, date, issued, symbols, labels, topic,
            name, extra, defect) -> tuple[str, str]:
    P = PHRASES["en"]
    who = (f"the Chargé d'affaires a.i. of the Permanent Mission of {state} to the United Nations" if charge
           else f"the Permanent Representative of {state} to the United Nations")
    to = en_list(["the " + r for r in recipients])
    noun = "Identical letters" if kind == "identical letters" else "Letter"
    title = f"{noun} dated {en_date(date)} from {who} addressed to {to}"
    if defect == "no-date":
        title = f"{noun} from {who} addressed to {to}"
    lines: list[str] = []
    if symbols:
        lines += ["–".join(symbols), "", "United Nations", ""]
        lines += (["General Assembly"] if ga else []) + (["Security Council"] if sc else [])
        lines += ["", "Distr.: General", en_date(issued), "Original: English", ""]
    if ga:
        lines += ["General Assembly", P["session"]]
        numbers = [i[0] for i in items]
        lines += [("Agenda item " if len(numbers) == 1 else "Agenda items ") + en_list(numbers)]
        lines += [w for i in items for w in textwrap.wrap(i[1], 48)]  # the masthead's narrow column
        lines += [""]
    if sc:
        lines += ["Security Council", P["year"], ""]
    lines += wrap_en(title)
    topic_text = P["topics"][topic]
    if labels:
        see = "see annex" if len(labels) == 1 else "see annexes " + en_list([lab for lab in labels])
        lines += wrap_en(P["opening"].format(count=P["counts"][len(labels) - 1], state=state, topic=topic_text,
                                             see=see))
    else:
        lines += wrap_en(P["opening_plain"].format(state=state, topic=topic_text))
    for k in extra:
        lines += wrap_en(P["extra"][k].format(state=state))
    what = "the present letter" + (" and its annex" if len(labels) == 1 else " and its annexes" if labels else "")
    targets = []
    if ga:
        numbers = [i[0] for i in items]
        targets.append("of the General Assembly, under agenda item" + ("s " if len(numbers) > 1 else " ")
                       + en_list(numbers))
    if sc:
        targets.append("of the Security Council")
    lines += wrap_en(f"I should be grateful if you would have {what} circulated as a document "
                     + ", and ".join(targets) + ".")
    lines += [f"(Signed) {name}"] + (["Chargé d'affaires a.i."] if charge else ["Ambassador",
                                                                               "Permanent Representative"])
    letter = "identical letters" if kind == "identical letters" else "letter"
    for k, lab in enumerate(labels):
        date_part = "" if defect == "no-date" else f" dated {en_date(date)}"
        heading = f"Annex{' ' + lab if lab else ''} to the {letter}{date_part} from {who} addressed to {to}"
        lines += [""] + wrap_en(heading)
        if not (defect == "untitled-annex" and k == 1):
            lines += textwrap.wrap(P["annex_title"].format(state=state, topic=topic_text), 60)
        for sentence in P["annex_text"][:rng.randint(1, 3)]:
            lines += wrap_en(sentence.format(state=state, topic=topic_text))
    return "\n".join(lines) + "\n", title


def chinese(rng, _en, state, charge, recipients, kind, ga, sc, items, date, issued, symbols, labels, topic,
            name, extra, defect) -> tuple[str, str]:
    P = PHRASES["zh"]
    zh_post = {"Secretary-General": "秘书长", "President of the Security Council": "安全理事会主席",
               "President of the General Assembly": "大会主席"}
    who = f"{state}常驻联合国代表团临时代办" if charge else f"{state}常驻联合国代表"
    to = zh_list([zh_post[r] for r in recipients])
    noun = "同文信" if kind == "identical letters" else "信"
    title = f"{zh_date(date)}{who}给{to}的{noun}"
    if defect == "no-date":
        title = f"{who}给{to}的{noun}"
    lines: list[str] = []
    if symbols:
        lines += ["–".join(symbols), "", " 联 合 国 ", ""]
    lines += ["  ".join((["大  会"] if ga else []) + (["安全理事会"] if sc else [])), ""]
    if symbols:
        lines += ["Distr.: General", en_date(issued), "Chinese", "Original: English", ""]
    lines += ["  ".join(([P["session"]] if ga else []) + ([P["year"]] if sc else [])), ""]
    if ga:
        numbers = [i[0] for i in items]
        lines += ["议程项目 " + zh_list(numbers).replace("和", " 和 ").replace("、", "、"), ""]
        for i in items:
            lines += [w for part in wrap_zh(i[2], 24) for w in (part, "")]
    lines += spaced(wrap_zh("  " + title))
    topic_text = P["topics"][topic]
    paragraphs = []
    if labels:
        see = "见附件" if len(labels) == 1 else "见附件" + zh_list([ZH_ROMAN[ROMAN.index(lab)] for lab in labels])
        paragraphs.append(P["opening"].format(count=P["counts"][len(labels) - 1], state=state, topic=topic_text,
                                              see=see))
    else:
        paragraphs.append(P["opening_plain"].format(state=state, topic=topic_text))
    paragraphs += [P["extra"][k].format(state=state) for k in extra]
    what = "本信" + ("及其附件" if labels else "")
    targets = []
    if ga:
        targets.append("大会议程项目 " + zh_list([i[0] for i in items]).replace("和", " 和 ") + " 的文件")
    if sc:
        targets.append("安全理事会的文件")
    paragraphs.append(f"请将{what}作为" + "和".join(targets) + "分发为荷。")
    for p in paragraphs:
        lines += spaced(wrap_zh(" " + p))
    lines += (["临时代办", ""] if charge else ["常驻代表", "", "大使", ""]) + [f"{name}(签名)"]
    for k, lab in enumerate(labels):
        suffix = "" if not lab else ZH_ROMAN[ROMAN.index(lab)]
        lines += spaced(wrap_zh("   " + title + "的附件" + suffix))
        if not (defect == "untitled-annex" and k == 1):
            lines += spaced(wrap_zh("  " + P["annex_title"].format(state=state, topic=topic_text), 30))
        for sentence in P["annex_text"][:rng.randint(1, 3)]:
            lines += spaced(wrap_zh(" " + sentence.format(state=state, topic=topic_text)))
    return "\n".join(lines) + "\n", title


def generate(out: Path, count: int, seed: int = 1, defects: float = 0.01, authorities: Path | None = None) -> dict:
    """Write the corpus; returns {key: defect} for the defective documents."""
    auth = Authority(authorities or ROOT / "src" / "unkg" / "defaults" / "authorities")
    rng = random.Random(seed)
    bad: dict[str, str] = {}
    every = round(1 / defects) if defects > 0 else 0
    for n in range(count):
        lang = "zh" if n % 2 == 0 else "en"
        key = f"syn-{n:06d}"
        defect = DEFECTS[(n // every) % len(DEFECTS)] if every and n % every == every // 2 else None
        text, card = document(rng, auth, n, lang, defect)
        folder = out / "documents" / key
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{lang}.txt").write_text(text, encoding="utf-8")
        if defect:
            bad[key] = defect
        else:
            expected = out / "expected" / f"{key}.{lang}.json"
            expected.parent.mkdir(parents=True, exist_ok=True)
            expected.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "defects.json").write_text(json.dumps(bad, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--defects", type=float, default=0.01)
    args = ap.parse_args(argv)
    bad = generate(args.out, args.count, args.seed, args.defects)
    print(f"{args.count} documents in {args.out}, {len(bad)} with a defect", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
