"""`unkg validate` and the build's refusal of documents that do not conform."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SEED_KEY, make_project, run_unkg

CASE = Path(__file__).parent / "cases" / "zh-identical-letters" / "input.txt"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("validate"))
    result = run_unkg("build", cwd=project, env={"UNKG_DUMPS": "nq ttl jsonld trig nt"})  # every format
    assert result.returncode == 0, result.stderr
    return project


def test_every_published_file_conforms(project):
    build = project / "build"
    files = sorted(str(p) for p in [*build.glob("dataset.*"), *(build / "documents").iterdir()])
    assert len(files) >= 7
    before = sorted(p.relative_to(build) for p in build.rglob("*"))
    result = run_unkg("validate", *files, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("conforms (0 violation(s)") == len(files)
    assert sorted(p.relative_to(build) for p in build.rglob("*")) == before  # the build is not written to


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> list[str]:
    """Every RDF file (Turtle, JSON-LD, TriG, N-Triples, N-Quads) of build/ of the seed project built in a
    temp folder in every format, listed before anything else is written there."""
    project = make_project(tmp_path_factory.mktemp("published"))
    result = run_unkg("build", cwd=project, env={"UNKG_DUMPS": "nq ttl jsonld trig nt"})
    assert result.returncode == 0, result.stderr
    build = (project / "build").resolve()
    return sorted(str(p) for p in build.rglob("*") if p.suffix in (".ttl", ".jsonld", ".trig", ".nt", ".nq")
                  and "store" not in p.relative_to(build).parts)


@pytest.mark.parametrize("validator", [[], ["--reference"]], ids=["compiled", "reference"])
def test_every_rdf_file_build_publishes_conforms(published, validator, tmp_path):
    """The catalogue, the ontology, the SHACL reports, the dataset files and every document conform, each to
    the shapes of its kind (the catalogue to DCAT-AP's, not to the communication shapes)."""
    names = {Path(f).name for f in published}
    assert {"catalog.ttl", "ontology.ttl", "context.jsonld", "dataset.ttl", "dataset.jsonld", "dataset.nq",
            f"{SEED_KEY}.zh.ttl", f"{SEED_KEY}.zh.jsonld"} <= names
    assert any(Path(f).parent.name == "reports" for f in published)
    result = run_unkg("validate", *validator, "--report-dir", str(tmp_path), *published)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("conforms (0 violation(s)") == len(published)


def test_the_catalogue_is_held_to_dcat_ap(published, tmp_path):
    catalog = next(Path(f) for f in published if Path(f).name == "catalog.ttl")
    broken = tmp_path / "catalog.ttl"
    broken.write_text(catalog.read_text(encoding="utf-8").replace("dcterms:publisher", "dcterms:creator"),
                      encoding="utf-8")
    for validator in ([], ["--reference"]):
        result = run_unkg("validate", *validator, "--report-dir", str(tmp_path / "reports"), str(broken))
        assert result.returncode == 1, result.stdout + result.stderr
        assert "does NOT conform (1 violation(s)" in result.stdout
        assert "A catalogue has exactly one publisher" in result.stdout


def test_violations_exit_1_with_a_readable_report(project):
    example = ROOT / "tests" / "shapes" / "invalid" / "01-no-date.ttl"
    result = run_unkg("validate", str(example), cwd=project)
    assert result.returncode == 1
    assert "does NOT conform (1 violation(s)" in result.stdout
    assert "Violations:" in result.stdout and "exactly one date" in result.stdout
    assert "path:  https://schema.org/dateSent" in result.stdout


def test_warnings_alone_exit_0(project):
    example = ROOT / "tests" / "shapes" / "valid" / "02-no-symbol-warns.ttl"
    result = run_unkg("validate", str(example), cwd=project)
    assert result.returncode == 0 and "Warnings:" in result.stdout


def test_unparsable_turtle_exits_2_with_file_and_line(project, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n", encoding="utf-8")
    result = run_unkg("validate", str(bad), cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{bad}:4:" in result.stderr and "not valid Turtle" in result.stderr and "column 8" in result.stderr


def test_jsonld_with_a_remote_context_exits_2(project, tmp_path):
    bad = tmp_path / "remote.jsonld"
    bad.write_text('{"@context": "https://schema.org/", "name": "x"}', encoding="utf-8")
    result = run_unkg("validate", str(bad), cwd=project)
    assert result.returncode == 2 and "never fetched" in result.stderr


def test_build_refuses_a_document_that_does_not_conform(project):
    text = CASE.read_text(encoding="utf-8")
    heading = "主席的同文信的附件 \n"
    assert heading in text
    # a second annex, labelled 三 where 二 belongs: annex labels must run I, II, III ...
    broken = text.replace(heading, "主席的同文信的附件一 \n") + (
        "   2025 年 3 月 4 日土耳其常驻联合国代表团临时代办给秘书长和安全理事会主席的同文信的附件三 \n\n"
        "  第二份声明 \n\n 土耳其共和国重申其立场。 \n\n2025 年 3 月 3 日，安卡拉 \n")
    folder = project / "source" / "documents" / "broken-annexes"
    folder.mkdir()
    (folder / "zh.txt").write_text(broken, encoding="utf-8")
    try:
        result = run_unkg("build", cwd=project)
        assert result.returncode == 1
        assert "refused broken-annexes/zh" in result.stderr and "out of sequence" in result.stderr
        build = project / "build"
        assert (build / "reports" / "broken-annexes.zh.txt").is_file()
        assert "does NOT conform" in (build / "reports" / "broken-annexes.zh.txt").read_text(encoding="utf-8")
        assert not (build / "documents" / "broken-annexes.zh.ttl").exists()
        assert "broken-annexes" not in (build / "dataset.nq").read_text(encoding="utf-8")
        assert (build / "documents" / f"{SEED_KEY}.zh.ttl").is_file()  # the others are published
    finally:
        shutil.rmtree(folder)


def test_shapes_the_compiled_validator_lacks_exit_2_and_point_to_the_reference(tmp_path):
    project = make_project(tmp_path, documents=False)
    (project / "shapes" / "extra.shacl.ttl").write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:s> a sh:NodeShape ; sh:targetClass <https://w3id.org/un/ontology/undo/OfficialLetter> ;
    sh:or ( [ sh:path <https://schema.org/sender> ; sh:minCount 1 ] ) .
""", encoding="utf-8")
    example = ROOT / "tests" / "shapes" / "valid" / "01-letter.ttl"
    result = run_unkg("validate", "--report-dir", str(tmp_path / "reports"), str(example), cwd=project)
    assert result.returncode == 2 and "shacl#or" in result.stderr and "--reference" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_unkg("validate", "--reference", "--report-dir", str(tmp_path / "reports"), str(example),
                      cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
