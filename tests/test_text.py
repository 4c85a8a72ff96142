"""Each guarantee of text.normalise() (see its module docstring)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from unkg import text as text_mod
from unkg.text import Text, join, normalise, paragraphs


def piece_of(raw: str, line: int = 1) -> str:
    return normalise(raw).lines[line - 1].text


# 1. the original is kept, and every normalised character maps back into it


def test_raw_is_kept_and_offsets_map_back():
    raw = " 托菲格·穆萨耶夫（签名）\n２０２５ 年 5 月\n"
    text = normalise(raw)
    assert text.raw == raw
    for line in text.lines:
        for ch, s, e in zip(line.piece.text, line.piece.starts, line.piece.ends):
            assert line.start <= s < e <= line.end
            original = raw[s:e]
            assert ch in original or ch == original.strip() or ch == " " or ord(original) >= 0xFF00
    second = text.lines[1].piece
    assert second.text == "2025年5月"
    start, end = second.offsets(0, 4)
    assert raw[start:end] == "２０２５"


def test_span_has_line_numbers():
    text = normalise("a\nbb\nccc\n")
    span = text.span_of(text.lines[2].piece)
    assert (span.line, span.end_line) == (3, 3)
    assert text.raw[span.start:span.end] == "ccc"


# 2. lines


def test_lines_indent_width_and_crlf():
    text = normalise("  大会\r\nabc\n")
    assert [ln.number for ln in text.lines] == [1, 2, 3]
    assert text.lines[0].indent == 2 and text.lines[0].width == 4 and text.lines[0].text == "大会"
    assert text.lines[1].text == "abc" and text.raw[text.lines[0].end] == "\r"
    assert text.lines[2].blank


def test_ambiguous_width_is_wide_in_cjk_text_only():
    cjk = normalise("“返回”的会议，这是中文文本\n")
    latin = normalise("“quoted” words in an English text\n")
    assert cjk.cjk and cjk.lines[0].width == 2 * len(cjk.lines[0].text)
    assert not latin.cjk and latin.lines[0].width == len(latin.lines[0].text)


# 3. Unicode where safe


def test_full_width_forms_are_folded():
    assert piece_of("托菲格（签名）") == "托菲格(签名)"
    assert piece_of("２０２５年") == "2025年"
    assert piece_of("Ａ／７９／１") == "A/79/1"


def test_space_variants_and_ligatures_are_folded():
    assert piece_of("a\u00a0b\u3000c") == "a b c"
    assert piece_of("\ufb01nal") == "final"


def test_meaningful_compatibility_characters_are_kept():
    assert piece_of("m² ① ™") == "m² ① ™"


def test_nfc_composes_combining_marks_and_keeps_the_cluster_span():
    text = normalise("Charge\u0301 d'affaires")
    assert text.lines[0].text == "Chargé d'affaires"
    piece = text.lines[0].piece
    start, end = piece.offsets(5, 6)
    assert text.raw[start:end] == "e\u0301"


def test_written_keeps_full_width_characters():
    text = normalise("托菲格（签名）\n")
    span = text.span_of(text.lines[0].piece)
    assert text.written(span) == "托菲格（签名）"


# 4. white space


def test_white_space_runs_and_ends():
    assert piece_of("  a   b \t c  ") == "a b c"


def test_no_space_next_to_cjk():
    assert piece_of("2025 年 5 月 28 日") == "2025年5月28日"
    assert piece_of("UNESCO 的 决定") == "UNESCO的决定"


def test_spaced_out_heading_collapses():
    assert piece_of(" 大  会  安全理事会 ") == "大会安全理事会"


# 5. wrapped lines joined


def _join(*lines: str) -> str:
    text = normalise("\n".join(lines))
    return join([ln.piece for ln in text.lines]).text


def test_join_latin_with_one_space():
    assert _join("the present", "letter") == "the present letter"


def test_join_after_hyphen_without_space():
    assert _join("peace-", "keeping") == "peace-keeping"
    assert _join("1987-", "1991 年") == "1987-1991年"


def test_join_cjk_without_space():
    assert _join("伊斯兰", "历史、艺术") == "伊斯兰历史、艺术"


def test_written_joins_lines_like_join():
    text = normalise("联合国难民事务高级专员的报告、与难民、 \n\n回返者\n")
    start = text.lines[0].start
    end = text.lines[2].end
    assert text.written(text.span(start, end)) == "联合国难民事务高级专员的报告、与难民、回返者"


# 6. paragraphs


def _paras(raw: str) -> list[str]:
    text = normalise(raw)
    return [b.text for b in paragraphs(text, text.lines)]


FULL = "这是一行很长的正文、一直写到版心的最右边为止、没有任何空余的地方了啊啊"


def test_indented_line_starts_a_paragraph():
    assert _paras(f" {FULL}\n\n {FULL}\n") == [FULL, FULL]


def test_unindented_line_after_a_full_line_continues():
    assert _paras(f" {FULL}\n\n续行。\n") == [FULL + "续行。"]


def test_unindented_line_after_a_short_line_starts_a_paragraph():
    # signature and closing lines are short: each stays on its own
    assert _paras(f" {FULL}\n\n分发为荷。\n\n常驻代表\n\n大使\n") == [FULL + "分发为荷。", "常驻代表", "大使"]


def test_blank_lines_do_not_end_a_paragraph():
    assert _paras(f" {FULL}\n\n\n\n{FULL}\n") == [FULL + FULL]


def test_full_width_is_the_documents_usual_width():
    text: Text = normalise(f" {FULL}\n{FULL}\n短\n")
    assert text.full_width == text.lines[1].width
    assert text.is_full(text.lines[0]) and not text.is_full(text.lines[2])


# -- the run-wise fast paths give exactly the character-by-character result (guarantees 3-5) -----------

MIXED = st.text(alphabet=st.sampled_from(list("ab Z-.,（）年月日联合国 \t\u3000\u00a0\u2003\u0301\u0308"
                                              "\uff12\ufb01\u1100\u1161\u11a8\u212b\u2010e\u0627\u064e")),
                max_size=40)
PLAIN = st.text(alphabet=st.sampled_from(list("ab Z-.,()、。年月日联合国 \t\u3000\u00a0\u2003\u2010e\u0627")),
                max_size=40)
LINES = st.one_of(MIXED, PLAIN)  # PLAIN: every line takes the fast path; MIXED: most take the other


@given(LINES, st.booleans())
@settings(max_examples=400, deadline=None, derandomize=True)
def test_line_piece_fast_path_equals_character_by_character(raw, fold):
    reference = text_mod._normalise_items(text_mod._clusters(raw, 0, len(raw), fold))
    assert text_mod._line_piece(raw, 0, len(raw), fold) == reference


@given(st.lists(LINES, max_size=5))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_join_fast_path_equals_character_by_character(lines):
    raw = "\n".join(lines)
    pieces, pos = [], 0
    for line in lines:
        pieces.append(text_mod._line_piece(raw, pos, pos + len(line)))
        pos += len(line) + 1
    assert text_mod.join(pieces) == text_mod._join_items(pieces)


# -- line numbers: one bisect over line starts computed once (parsing stays linear in the text's size) ----


@given(st.text(alphabet="ab \r\n大", max_size=60), st.data())
@settings(max_examples=300, deadline=None, derandomize=True)
def test_line_of_agrees_with_counting_newlines(raw, data):
    text = normalise(raw)
    offset = data.draw(st.integers(min_value=0, max_value=len(raw)))
    assert text.line_of(offset) == raw[:offset].count("\n") + 1


class _CountingLines(tuple):
    """A tuple of lines that counts how often it is walked through."""

    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_line_of_does_not_walk_the_lines_on_every_call():
    import dataclasses

    raw = "".join(f"line {i}\n" for i in range(2000))
    text = normalise(raw)
    counted = dataclasses.replace(text, lines=_CountingLines(text.lines))
    _CountingLines.walks = 0
    got = [counted.line_of(offset) for offset in range(0, len(raw), 7)]
    assert got == [raw[:offset].count("\n") + 1 for offset in range(0, len(raw), 7)]
    assert _CountingLines.walks <= 1, f"the lines were walked {_CountingLines.walks} times for {len(got)} calls"
