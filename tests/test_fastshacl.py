"""The compiled shapes (unkg.validate: compiled.py, fast.py) give exactly pySHACL's results: on every shapes
example and on a generated corpus with deliberate defects; a shape using SHACL they do not implement is refused,
never ignored."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph

from unkg import authority
from unkg.errors import InputError
from unkg.mapping import authority_graph, map_document
from unkg.parse import parse_file
from unkg.validate import ShapeSets, Unsupported, Validator, load_shapes, validate, validate_graph

from conftest import ROOT, default, make_project, run_unkg

sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402

EXAMPLES = sorted((Path(__file__).parent / "shapes").glob("*/*.ttl"))
PROFILE_EXAMPLES = sorted((Path(__file__).parent / "shapes").glob("*/*/*.ttl"))  # catalog/valid/… (test_shapes)


def key(r):
    return (r.severity, r.focus, r.path, r.value, r.shape, r.constraint, r.source, r.message, r.message_zh)


@pytest.fixture(scope="module")
def setup(settings):
    auth = authority.load(settings.authorities_dir, settings.base)
    auth_graph = authority_graph(auth, settings.base)
    shapes = load_shapes(default("shapes"), settings.base)
    return auth, auth_graph, shapes, Validator(shapes, auth_graph)


@pytest.fixture(scope="module")
def shape_sets(settings):
    return ShapeSets(default("shapes"), settings.base)


def fast(validator, graph):
    return {key(r) for r in validator.validate(graph) + validator.authority_results()}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_equal_to_pyshacl_on_every_shapes_example(setup, example):
    _, auth_graph, shapes, validator = setup
    graph = Graph().parse(example)
    reference = {key(r) for r in validate_graph(graph + auth_graph, shapes).results}
    assert fast(validator, graph) == reference
    if example.parent.name == "invalid":
        assert any(r[0] == "Violation" for r in reference)  # the comparison is not between empty sets


def test_equal_to_pyshacl_on_a_generated_corpus_with_defects(setup, tmp_path):
    auth, auth_graph, shapes, validator = setup
    defects = generate(tmp_path, 30, seed=11, defects=0.1)
    compared, violations = 0, 0
    for path in sorted((tmp_path / "documents").glob("*/*.txt")):
        try:
            doc = parse_file(path, auth)
        except InputError:
            assert defects.get(path.parent.name) == "no-date"  # the only defect the parser refuses
            continue
        graph = map_document(doc, auth, "https://w3id.org/unkg")
        reference = {key(r) for r in validate_graph(graph + auth_graph, shapes).results}
        assert fast(validator, graph) == reference, path
        compared += 1
        violations += sum(r[0] == "Violation" for r in reference)
    assert compared >= 25 and violations >= 1


def test_a_shape_using_unimplemented_shacl_is_refused(setup, tmp_path):
    _, auth_graph, shapes, _ = setup
    extra = Graph().parse(data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:s> a sh:NodeShape ; sh:targetClass <https://w3id.org/un/ontology/undo/OfficialLetter> ;
    sh:property [ sh:path <https://schema.org/sender> ; sh:qualifiedMinCount 1 ;
                  sh:qualifiedValueShape [ sh:nodeKind sh:IRI ] ] .
""", format="turtle")
    with pytest.raises(Unsupported, match="qualifiedMinCount.*qualifiedValueShape"):
        Validator(shapes + extra, auth_graph)


def test_build_refuses_unimplemented_shapes_and_points_to_the_reference(tmp_path):
    folder = make_project(tmp_path)
    (folder / "shapes" / "extra.shacl.ttl").write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:s> a sh:NodeShape ; sh:targetClass <https://w3id.org/un/ontology/undo/OfficialLetter> ;
    sh:or ( [ sh:path <https://schema.org/sender> ; sh:minCount 1 ] ) .
""", encoding="utf-8")
    result = run_unkg("build", cwd=folder)
    assert result.returncode == 2 and "shacl#or" in result.stderr and "--reference" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("example", EXAMPLES + PROFILE_EXAMPLES,
                         ids=lambda p: str(p.relative_to(Path(__file__).parent / "shapes")))
def test_validate_gives_the_same_report_with_either_validator(setup, shape_sets, example):
    """validate(): the same results in the same order, so the same text and the same report bytes, whichever
    validator runs, with the shapes chosen for the graph (a profile's for the catalogue, reports, ontology)."""
    _, auth_graph, _, _ = setup
    graph = Graph().parse(example)
    shapes = shape_sets.shapes_for(graph)
    compiled = validate(graph, shapes, auth_graph)
    reference = validate(graph, shapes, auth_graph, reference=True)
    assert compiled.results == reference.results
    assert compiled.text(example.name) == reference.text(example.name)
    if example.parent.name == "invalid":
        assert not reference.conforms
