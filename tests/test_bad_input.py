"""Bad input gets one clear message naming the file (and the line where it applies), exit code 2,
never a traceback; a document with a part missing yields the parts found plus warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from unkg.errors import InputError
from unkg.facts import card
from unkg.parse import parse_file, parse_text

from conftest import SEED, run_unkg

SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")


def _fails(path: Path, *words: str, line: int | None = None) -> str:
    result = run_unkg("facts", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    if line is not None:
        assert f"{path}:{line}:" in result.stderr, result.stderr
    return result.stderr


def test_missing_file(tmp_path):
    _fails(tmp_path / "nope.txt", "cannot read")


@pytest.mark.parametrize("content", [b"", b"   \n\n \t\n"], ids=["empty", "blank"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    _fails(path, "empty file")


def test_binary_file(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _fails(path, "binary file", line=3)  # the PNG signature holds two newlines before the NUL


def test_non_utf8_file_names_the_line(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(" 大  会\n\n".encode("utf-8") + "第七十九届会议\n".encode("gbk"))
    _fails(path, "not UTF-8", line=3)


@pytest.mark.parametrize(
    "content",
    [
        "今天天气很好，我们去公园散步，然后在湖边吃了午饭。\n",
        "This is the README of some other project. It explains how to install it.\n",
        "1234 5678\n---\n",
    ],
    ids=["chinese-prose", "english-prose", "no-words"],
)
def test_not_a_communication(tmp_path, content):
    path = tmp_path / "other.txt"
    path.write_text(content, encoding="utf-8")
    _fails(path, "not a UN communication")


def test_truncated_seed_via_the_command_line(tmp_path):
    """A file cut short is read (exit 0): its card has what was found and a warning naming the line where
    the text appears to stop (it was refused with exit 2 before issue 16)."""
    import json

    path = tmp_path / "cut.txt"
    path.write_text("\n".join(SEED_LINES[:56]) + "\n", encoding="utf-8")  # inside annex I
    result = run_unkg("facts", str(path))
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["date"] == "2025-05-28" and got["sender"]["name"] == "托菲格·穆萨耶夫"
    assert any("appears to stop at line 56" in w and "truncated" in w for w in got["warnings"]), got["warnings"]


def _cut(k: int) -> str:
    return "\n".join(SEED_LINES[:k]) + "\n"


def _is_paragraph_end_in_last_annex(k: int) -> bool:
    """A cut that the text cannot tell from a complete document: at the end of a paragraph (a line
    ending a sentence) inside the last annex, after its title (line 146)."""
    line = SEED_LINES[k - 1].strip()
    return k > 146 and line.endswith("。")


def _within(cut, whole) -> bool:
    """Is every value `cut` gives also `whole`'s (a missing value, null or [], is no disagreement)?"""
    if cut in (None, [], False):
        return True
    if isinstance(cut, dict):
        return isinstance(whole, dict) and all(_within(v, whole.get(k)) for k, v in cut.items())
    if isinstance(cut, list) and isinstance(whole, list) and all(isinstance(x, dict) for x in cut):
        return len(cut) <= len(whole) and all(_within(x, y) for x, y in zip(cut, whole))
    return cut == whole


def test_truncated_seed_at_every_line(auth):
    """Every cut gives a card (no refusal): a warning names the line where the text appears to stop (at or
    before the cut), or the cut is one the text cannot tell from a complete document; and no value of the
    cut card differs from the whole document's."""
    full = card(parse_text(_cut(len(SEED_LINES)), auth, "seed"))
    last = max(i for i, ln in enumerate(SEED_LINES, 1) if ln.strip())
    undetected = []
    for k in range(1, last):
        if not SEED_LINES[k - 1].strip():
            continue  # the same text as the cut one line above
        doc = parse_text(_cut(k), auth, "cut.txt")
        got = card(doc)
        cut = [w for w in got["warnings"] if "appears to stop at line" in w]
        if cut:
            assert doc.suspected_truncation is not None and doc.suspected_truncation.line <= k, (k, cut)
            assert f"line {doc.suspected_truncation.line}" in cut[0]
        else:
            assert _is_paragraph_end_in_last_annex(k), f"cut at line {k} was not reported: {got}"
            undetected.append(k)
        # a cut invents nothing: every value it gives is the complete document's
        for key, value in got.items():
            if key != "warnings":
                assert _within(value, full[key]), (k, key, value)
    assert len(undetected) == 13, undetected


def test_part_missing_gives_the_rest_and_warnings(tmp_path, auth):
    lines = list(SEED_LINES)
    del lines[2]  # 第七十九届会议  第八十年: no session and no year
    path = tmp_path / "zh.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    doc = parse_file(path, auth)
    got = card(doc)
    assert got["organs"][0] == {"organ": "General Assembly"}
    assert got["organs"][1] == {"organ": "Security Council"}
    assert got["date"] == "2025-05-28" and got["sender"]["name"] == "托菲格·穆萨耶夫"
    messages = " | ".join(got["warnings"])
    assert "the masthead gives no session" in messages and "the masthead gives no year" in messages
    assert "agenda items but no organ with a session" in messages


def test_signature_name_missing(tmp_path, auth):
    lines = [ln for ln in SEED_LINES if not ln.startswith("托菲格")]
    path = tmp_path / "zh.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    got = card(parse_file(path, auth))
    assert got["sender"]["name"] is None and got["sender"]["signed"] is False
    assert got["sender"]["function"] == "Permanent Representative" and got["sender"]["rank"] == "Ambassador"
    assert any("no signatory name" in w for w in got["warnings"])


def test_bad_sidecar(tmp_path):
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "zh.txt").write_bytes(SEED.read_bytes())
    (folder / "document.toml").write_text('symbols = ["A/79/1"\n', encoding="utf-8")
    result = run_unkg("facts", str(folder / "zh.txt"))
    assert result.returncode == 2 and "document.toml" in result.stderr and "Traceback" not in result.stderr


def test_unknown_sidecar_key(tmp_path):
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "zh.txt").write_bytes(SEED.read_bytes())
    (folder / "document.toml").write_text('symbol = "A/79/1"\n', encoding="utf-8")
    result = run_unkg("facts", str(folder / "zh.txt"))
    assert result.returncode == 2 and "unknown key" in result.stderr


def test_pdf_without_a_text_layer(tmp_path):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(595, 842)
    path = tmp_path / "scan.pdf"
    doc.save(path)
    _fails(path, "no text layer")


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    _fails(path, "not a readable PDF")


def test_encrypted_pdf(tmp_path):
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    _fails(path, "encrypted PDF")


def test_language_without_a_parser_is_named(auth):
    """German versions exist (the UN's German Translation Section) but have no parser: the language is
    named in a warning and the masthead facts are still read."""
    from unkg.parse import parse_text

    text = ("S/2025/100\n\nVereinte Nationen\n\nSicherheitsrat\n\nSchreiben des Ständigen Vertreters an den "
            "Generalsekretär\n\nIch beehre mich, Ihnen die Erklärung der Regierung und den Text des Berichts "
            "zu übermitteln, die nicht veröffentlicht ist.\n")
    doc = parse_text(text, auth, "de.txt")
    assert doc.language.value == "de"
    assert any("no parser for language 'de'" in w.message for w in doc.warnings)
    assert [s.value for s in doc.symbols] == ["S/2025/100"]
    assert doc.title is None and doc.sender is None


def test_a_cut_text_is_built_with_the_truncation_warning_in_its_report(tmp_path):
    """The suspected cut reaches the graph (unkg:suspectedTruncation) and the SHACL report as a warning of
    the DocumentVersion-truncation shape; publishing is the shapes' decision, and a warning does not refuse."""
    import json

    from unkg.build import build
    from unkg.config import load_settings

    from conftest import SEED_KEY, make_project

    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    (project / "source" / "documents" / SEED_KEY / "zh.txt").write_text(_cut(56), encoding="utf-8")
    settings = load_settings(project, env={})
    report = build(settings, jobs=1)
    assert report.built == [f"{SEED_KEY}/zh"], report.refused
    fired = [r for _, r in report.results if r.shape == "https://w3id.org/unkg/shapes#DocumentVersion-truncation"]
    assert [(r.severity, r.path, r.value) for r in fired] == [
        ("Warning", "https://w3id.org/unkg/ontology#suspectedTruncation", None)]  # (sh:maxCount: no value)
    text = (settings.build_dir / "reports" / f"{SEED_KEY}.zh.txt").read_text(encoding="utf-8")
    assert "appears to be cut short" in text, text
    graph = (settings.build_dir / "documents" / f"{SEED_KEY}.zh.ttl").read_text(encoding="utf-8")
    assert "suspectedTruncation" in graph and '"line 56"' in graph
    card = json.loads((settings.build_dir / "facts" / f"{SEED_KEY}.zh.json").read_text(encoding="utf-8"))
    assert any("appears to stop at line 56" in w for w in card["warnings"])
