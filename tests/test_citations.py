"""Citations (parse/citations.py): what the body and annexes cite, with spans, in the six languages; what the
text gives only partly is reported, never guessed; and the development corpus against a list read by hand
(tests/data/citations/corpus.toml), precision and recall both at least 95 %."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from unkg.facts import card
from unkg.model import Fact
from unkg.parse import parse_file, parse_text
from unkg.parse.citations import find_citations
from unkg.parse.context import Context
from unkg.text import normalise

from conftest import shared_path

HAND = Path(__file__).parent / "data" / "citations" / "corpus.toml"


def cite(auth, text: str, lang: str, own: tuple[str, ...] = ()):
    """The citations of `text` read as a body whose paragraphs are its lines, and the warnings."""
    ctx = Context("<text>", normalise(text), auth, lang)
    parts = {"symbols": tuple(Fact(s, None, s) for s in own),
             "paragraphs": tuple(ctx.written(ln.piece) for ln in ctx.text.lines if not ln.blank)}
    found = find_citations(ctx, parts)
    for c in found:  # every citation's span is its words in the text
        assert text[c.surface.span.start:c.surface.span.end] == c.surface.value
    return found, [w.message for w in ctx.warnings]


def symbols(found) -> list[str | None]:
    return [c.symbol for c in found]


# -- each language's formulas --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text, expected", [
    ("en", "Recalling Security Council resolution 2231 (2015) and General Assembly resolution 77/247,",
     ["S/RES/2231 (2015)", "A/RES/77/247"]),
    ("en", "in accordance with Article 51 of the Charter of the United Nations.",
     ["Charter of the United Nations, Article 51"]),
    ("en", "as provided for in the Charter of the United Nations, Article 51, and",
     ["Charter of the United Nations, Article 51"]),
    ("en", "the members listed in Article 23, paragraph 1, of the Charter and Articles 41 and 42 of the Charter",
     ["Charter of the United Nations, Article 23", "Charter of the United Nations, Article 41",
      "Charter of the United Nations, Article 42"]),
    ("en", "I refer to my letter dated 24 August 2022 (S/2022/641) on the matter.", ["S/2022/641"]),
    ("en", "the report of the Secretary-General (S/2003/1052) and the joint letter A/80/500–S/2025/656",
     ["S/2003/1052", "A/80/500", "S/2025/656"]),
    ("en", "resolutions 1267 (1999), 1989 (2011) and 2253 (2015) of the Security Council",
     ["S/RES/1267 (1999)", "S/RES/1989 (2011)", "S/RES/2253 (2015)"]),
    ("en", "A/RES/77/247 and S/RES/2641(2022) and statement S/PRST/2021/19.",
     ["A/RES/77/247", "S/RES/2641 (2022)", "S/PRST/2021/19"]),
    ("en", "the Definition of Aggression (General Assembly resolution 3314 (XXIX)) and resolution 1514 (XV)",
     ["A/RES/3314 (XXIX)", "A/RES/1514 (XV)"]),
    ("en", "Human Rights Council resolution 31/1 and Economic and Social Council resolution 2023/5",
     ["A/HRC/RES/31/1", "E/RES/2023/5"]),
    ("en", "General Assembly decision 77/555 and resolution ES-11/1",
     ["General Assembly decision 77/555", "A/RES/ES-11/1"]),
    ("fr", "Rappelant la résolution 2231 (2015) du Conseil de sécurité et la résolution 77/247 de l’Assemblée "
           "générale,", ["S/RES/2231 (2015)", "A/RES/77/247"]),
    ("fr", "conformément à l’Article 51 de la Charte des Nations Unies et à l’Article 2, paragraphe 4, de la Charte",
     ["Charter of the United Nations, Article 51", "Charter of the United Nations, Article 2"]),
    ("fr", "J’ai l’honneur de me référer à ma lettre datée du 1er avril 2025 (A/79/850-S/2025/200)",
     ["A/79/850", "S/2025/200"]),
    ("es", "Recordando la resolución 2231 (2015) del Consejo de Seguridad y la resolución 77/247 de la Asamblea "
           "General,", ["S/RES/2231 (2015)", "A/RES/77/247"]),
    ("fr", "en vertu de l'Article 51 de la Charte des Nations Unies", ["Charter of the United Nations, Article 51"]),
    ("es", "conforme a lo dispuesto en la resolución 2231 (2015)", ["S/RES/2231 (2015)"]),
    ("es", "de conformidad con el Artículo 51 de la Carta de las Naciones Unidas",
     ["Charter of the United Nations, Article 51"]),
    ("es", "Tengo el honor de referirme a mi carta de fecha 1 de abril de 2025 (A/79/850-S/2025/200) y",
     ["A/79/850", "S/2025/200"]),
    ("ru", "ссылаясь на резолюцию 2231 (2015) Совета Безопасности и резолюцию 77/247 Генеральной Ассамблеи",
     ["S/RES/2231 (2015)", "A/RES/77/247"]),
    ("ru", "резолюция 2231 (2015) и статья 51 Устава Организации Объединенных Наций",
     ["S/RES/2231 (2015)", "Charter of the United Nations, Article 51"]),
    ("ru", "в соответствии со статьей 51 Устава", ["Charter of the United Nations, Article 51"]),
    ("ru", "Имею честь сослаться на мое письмо от 1 апреля 2025 года (A/79/850-S/2025/200) и сообщить",
     ["A/79/850", "S/2025/200"]),
    ("ar", "إذ يشير إلى قرار مجلس الأمن 2231 (2015) والقرار 2641 (2022)", ["S/RES/2231 (2015)", "S/RES/2641 (2022)"]),
    ("ar", "القرار 2231 (2015)", ["S/RES/2231 (2015)"]),
    ("ar", "وفقا للمادة 51 من ميثاق الأمم المتحدة", ["Charter of the United Nations, Article 51"]),
    ("ar", "قراري مجلس الأمن 2666 (2022) و 2667 (2022)", ["S/RES/2666 (2022)", "S/RES/2667 (2022)"]),
    ("ar", "أتشرف بالإشارة إلى رسالتي المؤرخة 1 نيسان/أبريل 2025 (A/79/850-S/2025/200)، وبإبلاغكم",
     ["A/79/850", "S/2025/200"]),
    ("zh", "回顾安全理事会第2231(2015)号决议和大会第77/247号决议", ["S/RES/2231 (2015)", "A/RES/77/247"]),
    ("zh", "根据第2666（2022）号和第2667（2022）号决议", ["S/RES/2666 (2022)", "S/RES/2667 (2022)"]),
    ("zh", "《联合国宪章》第五十一条和《宪章》第2条", ["Charter of the United Nations, Article 51",
                                               "Charter of the United Nations, Article 2"]),
    ("zh", "谨提及我 2025 年 4 月 1 日的信(A/79/850–S/2025/200)，并通报", ["A/79/850", "S/2025/200"]),
])
def test_citations_in_each_language(auth, lang, text, expected):
    found, warnings = cite(auth, text, lang)
    assert symbols(found) and list(dict.fromkeys(symbols(found))) == expected
    assert not [w for w in warnings if "citation" in w]


def test_what_a_citation_carries(auth):
    text = "I refer to my letter dated 24 August 2022 (S/2022/641) and to Article 51 of the Charter."
    (letter, article), _ = cite(auth, text, "en")
    assert (letter.kind, letter.symbol, letter.surface.value, letter.part) == ("letter", "S/2022/641",
                                                                              "S/2022/641", "main")
    assert (article.kind, article.article, article.instrument.label) == ("article", "51",
                                                                         "Charter of the United Nations")
    assert article.surface.value == "Article 51 of the Charter"
    (report,), _ = cite(auth, "the report of the Secretary-General (S/16990)", "en")
    assert report.kind == "report"
    (res,), _ = cite(auth, "Security Council resolution 2231 (2015)", "en")
    assert (res.kind, res.surface.value) == ("resolution", "Security Council resolution 2231 (2015)")


def test_the_documents_own_symbols_and_the_mastheads_footnote_are_not_cited(auth):
    text = "* A/80/150.\nthe present letter A/80/500–S/2025/656 and its annex, and S/2025/100"
    found, _ = cite(auth, text, "en", own=("A/80/500", "S/2025/656"))
    assert symbols(found) == ["S/2025/100"]


def test_a_resolution_without_its_year_is_the_one_the_document_cites(auth):
    found, warnings = cite(auth, "Security Council resolution 2231 (2015)\nthe provisions of Resolution 2231", "en")
    assert symbols(found) == ["S/RES/2231 (2015)", "S/RES/2231 (2015)"]
    assert not [w for w in warnings if "citation" in w]


# -- what the text gives only partly ------------------------------------------------------------------------

@pytest.mark.parametrize("text, words, why", [
    ("I refer to my letter dated 24 August 2022 on the matter.", "my letter dated 24 August 2022", "no symbol"),
    ("the provisions of Resolution 2231 remain in force", "Resolution 2231", "neither its organ"),
    ("in accordance with Council resolution 77/247", "Council resolution 77/247", "does not number"),
    ("Human Rights Council resolution 31/1 and resolution 32/1", "resolution 32/1", "Human Rights Council"),
    ("its right of self-defence under Article 51.", "Article 51", "no instrument"),
    ("resolution 1296 (XLIV)", "resolution 1296 (XLIV)", "does not tell"),
])
def test_a_partial_citation_is_reported_and_nothing_is_guessed(auth, text, words, why):
    found, warnings = cite(auth, text, "en")
    partial = [c for c in found if c.symbol is None]
    assert [c.surface.value for c in partial] == [words]
    assert any(repr(words) in w and why in w for w in warnings), warnings


def test_an_unresolved_citation_is_a_warning_not_a_cite(auth):
    text = shared_path("corpus", "en", "en_S-2023-186.txt")
    got = card(parse_file(text, auth))
    assert "S/RES/2666 (2022)" in got["cites"] and not any("2023" in c and "letter" in c for c in got["cites"])
    assert any("the letter dated 25 January 2023" in w for w in got["warnings"])


CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("case, cites", [
    *[(f"{lang}-full-masthead", ["A/79/850", "S/2025/200"]) for lang in ("ar", "en", "es", "fr", "ru", "zh")],
    *[(f"{lang}-to-committee-chair", ["S/RES/1540 (2004)"]) for lang in ("en", "es", "fr", "ru")],
    ("en-1980s-former-member-name", ["S/16990"]),
])
def test_a_card_lists_each_cited_document_once_in_order(auth, case, cites):
    """The parser cases' letters, whole: the letter cited by its date and symbol ("my letter dated 1 April 2025
    (A/79/850-S/2025/200)" in each language), not the document's own symbols (A/79/900, S/2025/400)."""
    got = card(parse_text((CASES / case / "input.txt").read_text(encoding="utf-8"), auth))
    assert got["cites"] == cites and not set(got["symbols"]) & set(got["cites"])


# -- the development corpus, read by hand -------------------------------------------------------------------

def _path(name: str) -> Path:
    return shared_path("seed", name) if name.startswith("000_") else shared_path("corpus", "en", name)


def test_corpus_citations_against_the_list_read_by_hand(auth, record_property):
    hand = tomllib.loads(HAND.read_text(encoding="utf-8"))["documents"]
    tp = fp = fn = 0
    misses = []
    for name, want in hand.items():
        doc = parse_file(_path(name), auth)
        got = card(doc)["cites"]
        tp += len(set(got) & set(want["cites"]))
        fp += len(set(got) - set(want["cites"]))
        fn += len(set(want["cites"]) - set(got))
        if got != want["cites"]:
            misses.append(f"{name}: got {got}, read {want['cites']}")
        for words in want.get("unresolved", []):
            assert any(words in w.message for w in doc.warnings), (name, words)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    figures = (f"{len(hand)} documents, {sum(len(w['cites']) for w in hand.values())} citations read by hand: "
               f"precision {precision:.3f}, recall {recall:.3f}")
    print(figures)
    record_property("citations", figures)
    assert precision >= 0.95 and recall >= 0.95, "\n".join([figures, *misses])
