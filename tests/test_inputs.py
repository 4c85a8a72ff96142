"""Inputs that cannot be read, or say something the file name or folder does not (issue 15): every failure
to read a file is one line naming the file (and the page of a PDF), exit 2, never a traceback; the sidecar's
values are typed and checked; the text's language wins over the file name's, with a warning; any folder
name gives valid IRIs."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from unkg.errors import InputError
from unkg.parse import parse_file

from conftest import ROOT, SEED, run_unkg, shared_path

CORPUS_PDF = ("corpus", "en", "en_A-80-500_S-2025-656.pdf")


def one_line_error(path: Path, *words: str) -> str:
    """`unkg facts path` fails with exit 2 and exactly one line on stderr, naming the file."""
    result = run_unkg("facts", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"unkg: error: {path}"), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def make_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with one page per list of lines, each line shown in Helvetica (a real text layer), written
    by pypdf with no compression, so its objects can be found and damaged in the bytes."""
    import pypdf
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = pypdf.PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for lines in pages:
        page = writer.add_blank_page(595, 842)
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 770 Td"]
        ops += [f"({ln}) Tj T*" for ln in lines]
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops + ["ET"]).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


LETTER = [["S/2025/100", "United Nations", "Security Council", "Distr.: General", "2 June 2025"],
          ["I have the honour to inform you of the decision of the Government of the country."]]


def _page_object(data: bytes, n: int) -> re.Match:
    """The n-th (1-based) page object's dictionary in an uncompressed PDF."""
    pages = list(re.finditer(rb"<<\n/Type /Page\n", data))
    return pages[n - 1]


# -- 1. PDFs that cannot be read -------------------------------------------------------------------------


def test_the_made_pdf_is_readable(tmp_path, auth):
    """The damaged PDFs below are damaged copies of a PDF that reads: the failures are the damage's."""
    from unkg.parse import read_text

    path = tmp_path / "ok.pdf"
    path.write_bytes(make_pdf(LETTER))
    text = read_text(path)
    assert "S/2025/100" in text and "decision of the Government" in text


@pytest.mark.parametrize("page", [1, 2])
def test_pdf_with_a_page_that_cannot_be_loaded(tmp_path, page):
    data = make_pdf(LETTER)
    m = _page_object(data, page)
    path = tmp_path / "broken-page.pdf"
    path.write_bytes(data[:m.start()] + b"<<\n/Type /Xage\n" + data[m.end():])  # not a page any more
    one_line_error(path, f"page {page} of 2", "cannot be loaded")


def test_pdf_whose_page_tree_points_nowhere(tmp_path):
    data = make_pdf(LETTER)
    kids = re.search(rb"/Kids \[ (\d+) 0 R (\d+) 0 R \]", data)
    path = tmp_path / "dangling-kid.pdf"
    path.write_bytes(data[:kids.start(2)] + b"999" + data[kids.end(2):])
    one_line_error(path, "page 2 of 2")


@pytest.mark.parametrize("share", [0.1, 0.5, 0.9])
def test_truncated_pdf(tmp_path, share):
    data = make_pdf(LETTER)
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * share)])
    one_line_error(path, "not a readable PDF")


def test_pdf_with_a_content_stream_turned_to_noise(tmp_path):
    """Flipped bytes in a page's content stream: PDFium reads what it can; whatever comes of it is one
    line (here: the text left is no communication), never a traceback."""
    data = bytearray(make_pdf(LETTER))
    for m in re.finditer(rb"stream\n", bytes(data)):
        for i in range(m.end(), m.end() + 40):
            data[i] ^= 0xA5
    path = tmp_path / "noise.pdf"
    path.write_bytes(bytes(data))
    one_line_error(path)


@pytest.mark.parametrize("damage", ["page", "truncated", "content"])
def test_damaged_corpus_pdf(tmp_path, damage):
    """A real UN PDF (compressed streams, fonts, object streams), damaged."""
    data = shared_path(*CORPUS_PDF).read_bytes()
    if damage == "page":
        data = re.sub(rb"/Type\s*/Page\b(?!s)", b"/Type /Xage", data, count=1)
    elif damage == "truncated":
        data = data[: len(data) // 2]
    else:
        flipped = bytearray(data)
        start = re.search(rb"stream\r?\n", data).end()
        for i in range(start + 10, start + 70, 3):
            flipped[i] ^= 0xFF
        data = bytes(flipped)
    path = tmp_path / f"{damage}.pdf"
    path.write_bytes(data)
    line = one_line_error(path)
    if damage == "page":
        assert "page 1 of" in line


def test_pdf_folder_symlinks_and_permissions(tmp_path):
    folder = tmp_path / "en.pdf"
    folder.mkdir()
    dangling = tmp_path / "fr.pdf"
    dangling.symlink_to(tmp_path / "gone.pdf")
    for path, words in ((folder, ("a folder", "expected a PDF")), (dangling, ("symbolic link", "not exist"))):
        with pytest.raises(InputError) as err:
            parse_file(path, None)
        assert err.value.file == str(path) and all(w in err.value.message for w in words), str(err.value)
        assert "\n" not in str(err.value)
    one_line_error(dangling, "symbolic link")


# -- 1. text files that cannot be read -------------------------------------------------------------------


def test_a_folder_named_like_a_text(tmp_path):
    folder = tmp_path / "doc" / "en.txt"
    folder.mkdir(parents=True)
    with pytest.raises(InputError, match="a folder; expected a UTF-8 text file") as err:
        parse_file(folder, None)
    assert err.value.file == str(folder)


def test_a_loop_of_symbolic_links(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    one_line_error(tmp_path / "a.txt", "symbolic links")


def test_a_dangling_symbolic_link(tmp_path):
    (tmp_path / "en.txt").symlink_to(tmp_path / "moved.txt")
    one_line_error(tmp_path / "en.txt", "symbolic link", "moved.txt")


def test_a_pipe_is_not_read(tmp_path):
    """A named pipe would block a reader for ever: refused before it is opened."""
    path = tmp_path / "en.txt"
    os.mkfifo(path)
    one_line_error(path, "not a regular file")


@pytest.mark.parametrize("name", ["zh.txt", "en.pdf"])
def test_no_permission_to_read(tmp_path, name, monkeypatch):
    """The file cannot be opened (EACCES). Tests run as root, whom permissions do not stop, so the
    refusal is made by the operating system's call failing as it does for another user."""
    path = tmp_path / name
    path.write_bytes(SEED.read_bytes())
    real = Path.read_bytes

    def refused(self):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(InputError, match="cannot read: Permission denied") as err:
        parse_file(path, None)
    assert err.value.file == str(path)


def test_no_permission_to_read_for_real():
    """A file its reader may not read (mode 0). As root (CI), the reading is done by a child process that
    has become another user (nobody), since permissions do not stop root."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="unkg-perm-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        path = folder / "zh.txt"
        path.write_bytes(SEED.read_bytes())
        path.chmod(0)
        if os.geteuid() != 0:
            with pytest.raises(InputError, match="cannot read: Permission denied"):
                parse_file(path, None)
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: another user, then the same call
            try:
                os.setgid(65534)
                os.setuid(65534)
                try:
                    parse_file(path, None)
                    message = "read"
                except InputError as exc:
                    message = str(exc)
                os.write(write, message.encode("utf-8"))
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as fh:
            message = fh.read().decode("utf-8")
        os.waitpid(pid, 0)
        assert message.startswith(f"{path}: cannot read: Permission denied"), message
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()


# -- 3. the sidecar's values are typed and checked ---------------------------------------------------------


def _with_sidecar(tmp_path: Path, sidecar: str) -> Path:
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "zh.txt").write_bytes(SEED.read_bytes())
    (folder / "document.toml").write_text(f"# facts the text does not give\n{sidecar}\n", encoding="utf-8")
    return folder / "zh.txt"


@pytest.mark.parametrize("sidecar, words", [
    ('symbols = "A/1/2"', ["'symbols' must be an array of document symbols", 'a string (\'A/1/2\')']),
    ("symbols = []", ["'symbols' must be an array of document symbols", "an array ([])"]),
    ("symbols = [1, 2]", ["'symbols' must be an array", "an integer (1) is not a document symbol"]),
    ('symbols = ["A/79/1", "see the letter"]', ["'see the letter') is not a document symbol"]),
    ('symbols = [["A/79/1"]]', ["an array (['A/79/1']) is not a document symbol"]),
    ('issued = "2025-05-30"', ["'issued' must be a TOML date (YYYY-MM-DD, unquoted)", "a string ('2025-05-30')"]),
    ("issued = 2025-05-30T10:00:00", ["'issued' must be a TOML date", "a date-time (2025-05-30T10:00:00)"]),
    ("issued = 20250530", ["'issued' must be a TOML date", "an integer (20250530)"]),
    ('original_language = "english"', ["'original_language' must be a language code", "a string ('english')"]),
    ('original_language = "xx"', ["'original_language' must be a language code", "en, es, fr, ru, zh"]),
    ('original_language = ["en"]', ["'original_language' must be a language code", "an array"]),
], ids=["symbols-string", "symbols-empty", "symbols-integers", "symbols-prose", "symbols-nested",
        "issued-string", "issued-datetime", "issued-integer", "language-name", "language-unknown",
        "language-array"])
def test_sidecar_values_are_checked(tmp_path, auth, sidecar, words):
    path = _with_sidecar(tmp_path, sidecar)
    with pytest.raises(InputError) as err:
        parse_file(path, auth)
    assert err.value.file == str(path.parent / "document.toml")
    assert err.value.line == 2, str(err.value)  # the key's line, below the comment
    for word in words:
        assert word in err.value.message, err.value.message


def test_a_string_of_symbols_is_one_line_from_the_command_line(tmp_path):
    """Before: `symbols = "A/1/2"` published five symbols, A, /, 1, / and 2."""
    path = _with_sidecar(tmp_path, 'symbols = "A/1/2"')
    line = one_line_error(path.parent / "document.toml", "'symbols' must be an array")
    assert line.startswith(f"unkg: error: {path.parent / 'document.toml'}:2: ")


def test_a_good_sidecar_gives_its_facts(tmp_path, auth):
    import datetime as dt

    path = _with_sidecar(tmp_path, 'symbols = ["A/79/900", "S/2025/400"]\noriginal_language = "ru"\n'
                                   "issued = 2025-06-02")
    doc = parse_file(path, auth)
    assert [s.value for s in doc.symbols] == ["A/79/900", "S/2025/400"]
    assert doc.original_language.value == "ru" and doc.issued.value == dt.date(2025, 6, 2)
    assert {s.origin for s in doc.symbols} == {"sidecar"}


def test_a_sidecar_that_is_a_folder(tmp_path, auth):
    folder = tmp_path / "doc"
    (folder / "document.toml").mkdir(parents=True)
    (folder / "zh.txt").write_bytes(SEED.read_bytes())
    with pytest.raises(InputError, match="a folder; expected a TOML file"):
        parse_file(folder / "zh.txt", auth)


# -- 4. the text's language wins over the file name's, with a warning ------------------------------------


ENGLISH = ROOT / "tests" / "cases" / "en-full-masthead" / "input.txt"


def test_english_text_named_french_is_read_as_english_with_a_warning(tmp_path, auth):
    from unkg.facts import card

    for name in ("fr.txt", "en.txt"):
        (tmp_path / name).write_bytes(ENGLISH.read_bytes())
    as_fr, as_en = parse_file(tmp_path / "fr.txt", auth), parse_file(tmp_path / "en.txt", auth)
    assert as_fr.language.value == "en"
    warned = [w.message for w in as_fr.warnings if "file name" in w.message]
    assert len(warned) == 1 and "fr (French)" in warned[0] and "en (English)" in warned[0], warned
    assert not any("file name" in w.message for w in as_en.warnings)
    fr_card, en_card = card(as_fr), card(as_en)
    assert fr_card["warnings"] == [warned[0]] + en_card["warnings"]
    assert {k: v for k, v in fr_card.items() if k != "warnings"} == {k: v for k, v in en_card.items()
                                                                   if k != "warnings"}


def test_the_warning_is_on_the_card_from_the_command_line(tmp_path):
    import json

    (tmp_path / "fr.txt").write_bytes(ENGLISH.read_bytes())
    result = run_unkg("facts", str(tmp_path / "fr.txt"))
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["language"] == "en"
    assert any("file name" in w and "fr (French)" in w for w in got["warnings"]), got["warnings"]


def test_too_little_text_to_tell_takes_the_file_names_language(tmp_path, auth):
    """A masthead only (no function word): the file name's language is used, and said so."""
    text = "S/2025/100\n\nVereinte Nationen\n\nSicherheitsrat\n"
    from unkg.parse import detect_language

    assert detect_language(text) is None
    (tmp_path / "de.txt").write_text(text, encoding="utf-8")
    doc = parse_file(tmp_path / "de.txt", auth)
    assert doc.language.value == "de"
    assert [s.value for s in doc.symbols] == ["S/2025/100"]
    assert any("could not be told from the text" in w.message and "de" in w.message for w in doc.warnings)
    (tmp_path / "other.txt").write_text(text, encoding="utf-8")  # no language in the name: as before
    with pytest.raises(InputError, match="no language could be told"):
        parse_file(tmp_path / "other.txt", auth)


def test_a_file_name_that_is_no_language_code_says_nothing(tmp_path, auth):
    (tmp_path / "input.txt").write_bytes(ENGLISH.read_bytes())
    doc = parse_file(tmp_path / "input.txt", auth)
    assert doc.language.value == "en" and not any("file name" in w.message for w in doc.warnings)


# -- 5. any folder name gives valid IRIs -------------------------------------------------------------------


KEYS = ["with space", "a#b", "100%", "what?x=1", "日本語の文書", "naïve", "two\nlines", "tab\there",
        "slash\\back", "<angle>", 'quote"d', "{brace}|pipe^`", "rtl\u202eoverride", "nbsp\u00a0x", "%41",
        "A", "..", "~tilde_.-"]


def _graph_of(key: str, auth, settings):
    from unkg.mapping import map_document
    from unkg.parse import parse_text

    doc = parse_text(SEED.read_text(encoding="utf-8"), auth, f"{key}/zh.txt", key=key)
    return map_document(doc, auth, settings.base)


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
def test_a_folder_name_gives_valid_iris_that_round_trip(key, auth, settings):
    import pyoxigraph as ox
    from rdflib import Graph, URIRef
    from rdflib.compare import isomorphic

    from unkg.mapping import iri_segment

    graph = _graph_of(key, auth, settings)
    iris = {t for triple in graph for t in triple if isinstance(t, URIRef)}
    local = [i for i in iris if "/local-" in i]
    assert local, "the seed has no symbol: its Work is named by its folder"
    for iri in iris:  # no character RFC 3987 forbids or reserves, whatever the folder name holds
        assert not re.search(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f\u00a0\u202a-\u202e\u200e\u200f]", iri), repr(iri)
        assert "?" not in iri, repr(iri)
    segment = f"/local-{iri_segment(key)}"
    for iri in local:  # the key is one path segment, ended by the path, a part (!) or a fragment
        assert re.search(rf"{re.escape(segment)}(?:$|[/!#])", iri), (iri, segment)
    nt = graph.serialize(format="nt")
    parsed = list(ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))  # strict IRI checks
    assert len(parsed) == len(graph)
    back = Graph()
    back.parse(data=graph.serialize(format="turtle"), format="turtle")
    assert isomorphic(back, graph)


def test_the_key_is_percent_encoded_injectively():
    from unkg.mapping import iri_segment

    assert iri_segment("000_5b684ff4652c0d37") == "000_5b684ff4652c0d37"  # unchanged where nothing is wrong
    assert iri_segment("a b#c%d?e") == "a%20b%23c%25d%3Fe"
    assert iri_segment("日本語") == "日本語" and iri_segment("naïve") == "naïve"  # iunreserved kept (RFC 3987)
    assert iri_segment("two\nlines") == "two%0Alines"
    assert iri_segment("rtl\u202e") == "rtl%E2%80%AE"  # bidi controls are never written raw
    encoded = [iri_segment(k) for k in KEYS]
    assert len(set(encoded)) == len(KEYS)  # "%41" and "A" stay apart


def test_two_folders_differing_only_by_an_unsafe_character_are_two_works(auth, settings):
    from unkg.mapping import Minter
    from unkg.parse import parse_text

    raw = SEED.read_text(encoding="utf-8")
    a = parse_text(raw, auth, "x", key="doc 1")
    b = parse_text(raw, auth, "x", key="doc%201")
    m = Minter(settings.base, auth)
    assert m.work(a) != m.work(b)


def test_a_folder_with_a_newline_through_parse_file(tmp_path, auth, settings):
    from unkg.mapping import map_document

    folder = tmp_path / "letter #3\nof 100%"
    folder.mkdir()
    (folder / "zh.txt").write_bytes(SEED.read_bytes())
    doc = parse_file(folder / "zh.txt", auth)
    graph = map_document(doc, auth, settings.base)
    nt = graph.serialize(format="nt")
    assert "letter%20%233%0Aof%20100%25" in nt
    assert "letter #3" not in nt  # nothing from the folder name written raw
