"""unkg outside its checkout: the authority data, shapes, ontology, templates, crosswalks and queries ship in
the package (unkg/defaults/), and a project's own folder of the same name replaces the default."""

from __future__ import annotations

import glob
import shutil
import tomllib
from importlib import resources
from pathlib import Path

from conftest import ROOT, SEED, SEED_KEY, default, make_project, run_unkg, shared_path

from unkg.build import tool_fingerprint
from unkg.config import DEFAULT_FOLDERS, DEFAULTS, find_project, load_settings

PACKAGE = ROOT / "src" / "unkg"
STRICT_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<urn:x:symbol> a sh:NodeShape ; sh:targetClass <https://w3id.org/un/ontology/undo/OfficialLetter> ;
    sh:property [ sh:path dcterms:identifier ; sh:minCount 1 ; sh:message "a letter needs a symbol" ] .
"""


def _elsewhere(tmp_path: Path) -> Path:
    """An empty folder outside the checkout, with no project (no pyproject.toml with [tool.unkg]) above it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert find_project(folder) is None
    return folder


def test_the_package_holds_the_defaults():
    shipped = resources.files("unkg") / "defaults"
    for name in DEFAULT_FOLDERS:
        assert (shipped / name).is_dir(), name
        assert any(p.is_file() for p in (shipped / name).iterdir()), name
    assert (shipped / "shapes" / "communication.shacl.ttl").is_file()
    assert (shipped / "ontology" / "context.jsonld").is_file()
    assert (shipped / "queries" / "who-signed.rq").is_file()
    assert sorted((shipped / "authorities").iterdir(), key=str)  # the authority data is not empty
    assert not (ROOT / "shapes").exists() and not (ROOT / "source" / "authorities").exists()  # one copy


def test_the_package_data_globs_cover_every_default_file():
    """A wheel holds what pyproject's package-data globs match (setuptools globs them recursively from the
    package folder): a file under defaults/ that none matches would be missing from an installed unkg."""
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["unkg"]
    covered = {Path(p) for g in globs for p in glob.glob(g, root_dir=PACKAGE, recursive=True)}
    files = {p.relative_to(PACKAGE) for p in DEFAULTS.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert len(files) > 40
    assert sorted(map(str, files - covered)) == []
    for g in globs:  # and no glob is stale
        assert glob.glob(g, root_dir=PACKAGE, recursive=True), g


def test_settings_take_the_projects_folder_else_the_default(tmp_path):
    bare = load_settings(_elsewhere(tmp_path), env={})
    dirs = {name: getattr(bare, f"{name}_dir") for name in DEFAULT_FOLDERS}
    assert dirs == {name: DEFAULTS / name for name in DEFAULT_FOLDERS}
    (tmp_path / "own").mkdir()
    own = make_project(tmp_path / "own", documents=False)
    settings = load_settings(own, env={})
    assert settings.authorities_dir == own / "source" / "authorities"
    for name in ("shapes", "ontology", "templates", "crosswalks", "queries"):
        assert getattr(settings, f"{name}_dir") == own / name


def test_facts_of_a_text_from_anywhere(tmp_path):
    folder = _elsewhere(tmp_path)
    shutil.copy(SEED, folder / "letter.txt")
    there = run_unkg("facts", "letter.txt", cwd=folder)
    assert there.returncode == 0, there.stderr
    here = run_unkg("facts", str(SEED), cwd=ROOT)
    assert there.stdout == here.stdout
    assert '"date": "2025-05-28"' in there.stdout and there.stderr == ""


def test_facts_of_a_pdf_from_anywhere(tmp_path):
    pdf = shared_path("corpus", "en", "en_A-80-500_S-2025-656.pdf")
    folder = _elsewhere(tmp_path)
    there = run_unkg("facts", str(pdf), cwd=folder)
    assert there.returncode == 0, there.stderr
    assert there.stdout == run_unkg("facts", str(pdf), cwd=ROOT).stdout
    assert '"A/80/500"' in there.stdout


def test_build_and_query_by_name_from_anywhere(tmp_path):
    folder = _elsewhere(tmp_path)
    shutil.copytree(SEED.parent, folder / "source" / "documents" / SEED_KEY)
    result = run_unkg("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert (folder / "build" / "ontology.ttl").read_bytes() == (DEFAULTS / "ontology" / "unkg.ttl").read_bytes()
    row = ("托菲格·穆萨耶夫,Permanent Representative of Azerbaijan to the United Nations,Ambassador,true")
    for name in ("who-signed", "who-signed.rq"):
        answer = run_unkg("query", name, "--format", "csv", cwd=folder)
        assert answer.returncode == 0, answer.stderr
        assert answer.stdout.splitlines()[0] == "letter,name,capacity,rank,signed" and row in answer.stdout
    missing = run_unkg("query", "who-sent", cwd=folder)
    assert missing.returncode == 2 and "who-sent" in missing.stderr and "who-signed" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_a_projects_own_query_file_is_found_by_name_and_path(tmp_path):
    folder = _elsewhere(tmp_path)
    shutil.copytree(SEED.parent, folder / "source" / "documents" / SEED_KEY)
    assert run_unkg("build", cwd=folder).returncode == 0
    (folder / "queries").mkdir()
    (folder / "queries" / "dates.rq").write_text(
        "SELECT ?date WHERE { ?l <https://schema.org/dateSent> ?date }\n", encoding="utf-8")
    for arg in ("dates", "queries/dates.rq", str(folder / "queries" / "dates.rq")):
        answer = run_unkg("query", arg, "--format", "csv", cwd=folder)
        assert answer.stdout == "date\n2025-05-28\n", (arg, answer.stderr)
    shadowed = run_unkg("query", "who-signed", cwd=folder)  # the project's queries/ replaces the defaults'
    assert shadowed.returncode == 2 and "dates" in shadowed.stderr


def test_a_projects_own_shapes_replace_the_default_and_trigger_a_rebuild(tmp_path):
    folder = _elsewhere(tmp_path)
    shutil.copytree(SEED.parent, folder / "source" / "documents" / SEED_KEY)
    assert run_unkg("build", cwd=folder).returncode == 0
    shutil.copytree(default("shapes"), folder / "shapes")
    (folder / "shapes" / "strict.shacl.ttl").write_text(STRICT_SHAPE, encoding="utf-8")
    result = run_unkg("build", cwd=folder)  # the seed has no symbol: refused, though its text is unchanged
    assert result.returncode == 1, result.stderr
    assert f"refused {SEED_KEY}/zh" in result.stderr and "a letter needs a symbol" in result.stderr
    (folder / "shapes" / "strict.shacl.ttl").unlink()
    assert run_unkg("build", cwd=folder).returncode == 0


def test_the_tool_fingerprint_is_the_content_of_the_folders_in_effect(tmp_path):
    bare = load_settings(_elsewhere(tmp_path), env={})
    (tmp_path / "copy").mkdir()
    copy = load_settings(make_project(tmp_path / "copy", documents=False), env={})
    assert copy.shapes_dir != bare.shapes_dir
    assert tool_fingerprint(copy, False) == tool_fingerprint(bare, False)  # the same files, wherever they are
    for changed in (copy.templates_dir / "letter.html", copy.authorities_dir / "agenda" / "ga-79.ttl",
                    copy.crosswalks_dir / "marc21.toml"):
        before = changed.read_bytes()
        changed.write_bytes(before + b"\n")
        assert tool_fingerprint(copy, False) != tool_fingerprint(bare, False), changed
        changed.write_bytes(before)
    assert tool_fingerprint(copy, False) == tool_fingerprint(bare, False)
