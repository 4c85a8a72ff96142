"""The synthetic corpus (bench/corpus.py): reproducible from its seed, and the parser recovers the facts card
the generator meant for each document (a consistency check of generator and parser, not a substitute for
the real corpus)."""

from __future__ import annotations

import sys

from unkg.facts import card
from unkg.parse import parse_file

from conftest import ROOT, compare_card, load_json

sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402


def test_the_parser_recovers_every_generated_card(tmp_path, auth):
    generate(tmp_path, 80, seed=5, defects=0)
    expected = sorted((tmp_path / "expected").glob("*.json"))
    assert len(expected) == 80
    langs = set()
    problems = {}
    for exp in expected:
        key, lang, _ = exp.name.split(".")
        langs.add(lang)
        got = card(parse_file(tmp_path / "documents" / key / f"{lang}.txt", auth))
        diff = compare_card(got, load_json(exp))
        if diff:
            problems[exp.name] = diff
    assert not problems, problems
    assert langs == {"zh", "en"}


def test_the_corpus_varies_as_real_ones_do(tmp_path):
    generate(tmp_path, 120, seed=3, defects=0)
    cards = [load_json(p) for p in sorted((tmp_path / "expected").glob("*.json"))]
    assert {len(c["recipients"]) for c in cards} == {1, 2, 3}
    assert {len(c["annexes"]) for c in cards} == {0, 1, 2, 3}
    assert {tuple(o["organ"] for o in c["organs"]) for c in cards} == {
        ("General Assembly",), ("Security Council",), ("General Assembly", "Security Council")}
    assert {c["sender"]["function"] for c in cards} == {"Permanent Representative", "Chargé d'affaires a.i."}
    assert len({c["sender"]["state"] for c in cards}) > 20
    assert any(c["symbols"] for c in cards) and any(not c["symbols"] for c in cards)


def test_the_same_seed_gives_the_same_corpus(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    defects = generate(a, 200, seed=9), generate(b, 200, seed=9)
    assert defects[0] == defects[1] and len(defects[0]) == 2  # about 1 %
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    generate(tmp_path / "c", 200, seed=10)  # another seed, another corpus
    first = "documents/syn-000000/zh.txt"
    assert (tmp_path / "c" / first).read_bytes() != (a / first).read_bytes()
