"""The search row's pieces: CJK characters set apart for the index's tokenizer, and the row's JSON form."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from unkg.pipeline import Pipeline
from unkg.rdf import write
from unkg.searchdoc import spaced

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if (p / "input.txt").is_file())


def test_each_cjk_character_is_a_word_of_its_own():
    assert spaced("关于2025年") == " 关  于 2025 年 "
    assert spaced("ひらがなカタカナ한국") == "".join(f" {c} " for c in "ひらがなカタカナ한국")
    assert spaced("Letter dated 2 May") == "Letter dated 2 May"
    assert spaced("") == ""


@hsettings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from("ab 1\n中文々〇あア가é")))
def test_spaced_sets_apart_exactly_the_unspaced_characters(text):
    unspaced = set("中文々〇あア가")
    expected = "".join(f" {c} " if c in unspaced else c for c in text)
    assert spaced(text) == expected


def test_a_row_is_compact_json_with_sorted_keys_in_utf8(settings):
    """As the index's reader and the reference files expect: no spaces, keys sorted, characters as
    themselves (not \\u escapes), one line."""
    pipeline = Pipeline(settings)
    case = next(c for c in CASES if c.name.startswith("zh"))  # characters beyond ASCII, CJK set apart
    checked = pipeline.check(case / "input.txt")
    row = pipeline.indexer().row([(str(checked.graph.identifier), checked.doc.language.value,
                                   checked.doc.source.raw, write.quads([checked.graph]))])
    value = json.loads(row)
    assert value["letters"]
    assert row == (json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()
    assert row.count(b"\n") == 1


def test_a_label_a_document_gives_an_authority_entity_is_read_with_the_authority_datas(settings):
    """The labels of a row's values are those of the authority data and of the document's graphs, as the
    store holds them: a label the document's graph adds to an entity of the authority data is among them,
    and gone with the document."""
    import pyoxigraph as ox
    from unkg.vocab import SKOS

    pipeline = Pipeline(settings)
    checked = pipeline.check(CASES[0] / "input.txt")
    graph = str(checked.graph.identifier)
    quads = write.quads([checked.graph])
    indexer = pipeline.indexer()
    before = json.loads(indexer.row([(graph, checked.doc.language.value, checked.doc.source.raw, quads)]))
    iri = next(i for i, per in before["labels"].items() if "en" in per)  # an entity with an English label
    added = ox.Quad(ox.NamedNode(iri), ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Zzz", language="xx"),
                    ox.NamedNode(graph))
    after = json.loads(indexer.row([(graph, checked.doc.language.value, checked.doc.source.raw, quads + [added])]))
    assert after["labels"][iri] == {**before["labels"][iri], "xx": ['"Zzz"@xx', "Zzz"]}
    again = json.loads(indexer.row([(graph, checked.doc.language.value, checked.doc.source.raw, quads)]))
    assert again["labels"] == before["labels"]
