"""The shapes: conform to SHACL-for-SHACL, accept the valid examples, and reject each invalid example
with exactly the shapes and paths it names (tests/shapes/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from unkg.validate import ShapeSets, load_shapes, validate_graph

from conftest import default, shared_path

EXAMPLES = Path(__file__).parent / "shapes"
SHAPES_NS = "https://w3id.org/unkg/shapes#"
PATHS = {"schema:": "https://schema.org/", "dcterms:": "http://purl.org/dc/terms/",
         "skos:": "http://www.w3.org/2004/02/skos/core#", "oa:": "http://www.w3.org/ns/oa#",
         "allot:": "https://w3id.org/akn/ontology/allot/", "dcat:": "http://www.w3.org/ns/dcat#",
         "foaf:": "http://xmlns.com/foaf/0.1/", "sh:": "http://www.w3.org/ns/shacl#",
         "rdfs:": "http://www.w3.org/2000/01/rdf-schema#", "owl:": "http://www.w3.org/2002/07/owl#"}


def _expand(curie: str) -> str | None:
    if curie == "-":
        return None
    for prefix, ns in PATHS.items():
        if curie.startswith(prefix):
            return ns + curie[len(prefix):]
    raise ValueError(curie)


def _expected(path: Path, key: str) -> set[tuple[str, str | None]]:
    found = re.findall(rf"^# {key}: shapes:(\S+) (\S+)$", path.read_text(encoding="utf-8"), re.M)
    return {(SHAPES_NS + shape, _expand(p)) for shape, p in found}


@pytest.fixture(scope="module")
def shapes(settings):
    return load_shapes(default("shapes"), settings.base)


@pytest.fixture(scope="module")
def with_authorities(settings):
    from unkg import authority
    from unkg.mapping import authority_graph

    auth = authority.load(settings.authorities_dir, settings.base)
    return authority_graph(auth, settings.base)


def _validate(path: Path, shapes, authorities):
    data = Graph()
    data.parse(path, format="turtle")
    return validate_graph(data + authorities, shapes)


def _fired(report, severity):
    return {(r.source or r.shape, r.path) for r in report.results if r.severity == severity}


VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))


@pytest.mark.parametrize("example", VALID, ids=[p.stem for p in VALID])
def test_valid_example_conforms(example, shapes, with_authorities):
    report = _validate(example, shapes, with_authorities)
    assert report.conforms, report.text(example.name)
    assert _fired(report, "Warning") == _expected(example, "warns"), report.text(example.name)


@pytest.mark.parametrize("example", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_example_fires_exactly_its_shapes(example, shapes, with_authorities):
    expected = _expected(example, "fires")
    assert expected, f"{example.name} names no shape"
    report = _validate(example, shapes, with_authorities)
    assert not report.conforms
    assert _fired(report, "Violation") == expected, report.text(example.name)


def test_examples_exist():
    assert len(VALID) >= 3 and len(INVALID) >= 10


def test_shapes_conform_to_shacl_for_shacl(shapes):
    from pyshacl import validate

    shacl_shacl = Graph()
    shacl_shacl.parse(shared_path("validators", "shacl-shacl", "shacl-shacl.ttl"), format="turtle")
    conforms, _, text = validate(shapes, shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_every_message_is_in_english_and_chinese(shapes):
    from rdflib.namespace import SH

    for shape in set(shapes.subjects(SH.message, None)):
        langs = {m.language for m in shapes.objects(shape, SH.message)}
        assert {"en", "zh"} <= langs, shape


# -- the profiles: the shapes of the catalogue, the SHACL reports and the ontology (unkg/validate/shapes.py) --

PROFILE_VALID = sorted(EXAMPLES.glob("*/valid/*.ttl"))
PROFILE_INVALID = sorted(EXAMPLES.glob("*/invalid/*.ttl"))


def _profile_id(p: Path) -> str:
    return f"{p.parent.parent.name}/{p.stem}"


@pytest.fixture(scope="module")
def shape_sets(settings):
    return ShapeSets(default("shapes"), settings.base)


def _validate_profile(path: Path, shape_sets, authorities):
    """The example validated against the shapes chosen for it, which must be its folder's profile."""
    data = Graph()
    data.parse(path, format="turtle")
    assert [p.name for p in shape_sets.select(data)] == [path.parent.parent.name]
    return validate_graph(data + authorities, shape_sets.shapes_for(data))


@pytest.mark.parametrize("example", PROFILE_VALID, ids=[_profile_id(p) for p in PROFILE_VALID])
def test_valid_profile_example_conforms(example, shape_sets, with_authorities):
    report = _validate_profile(example, shape_sets, with_authorities)
    assert report.conforms, report.text(example.name)
    assert _fired(report, "Warning") == _expected(example, "warns"), report.text(example.name)


@pytest.mark.parametrize("example", PROFILE_INVALID, ids=[_profile_id(p) for p in PROFILE_INVALID])
def test_invalid_profile_example_fires_exactly_its_shapes(example, shape_sets, with_authorities):
    expected = _expected(example, "fires")
    assert expected, f"{example.name} names no shape"
    report = _validate_profile(example, shape_sets, with_authorities)
    assert not report.conforms
    assert _fired(report, "Violation") == expected, report.text(example.name)


def test_every_profile_has_examples(shape_sets):
    names = {p.name for p in shape_sets.profiles}
    assert names == {"catalog", "ontology", "report"}
    for name in names:
        assert any(EXAMPLES.glob(f"{name}/valid/*.ttl")) and any(EXAMPLES.glob(f"{name}/invalid/*.ttl")), name


def test_a_communication_or_an_empty_graph_gets_the_communication_shapes(shape_sets):
    letter = Graph().parse(VALID[0], format="turtle")
    assert shape_sets.select(letter) == [shape_sets.communication]
    assert shape_sets.select(Graph()) == [shape_sets.communication]


def test_a_profile_the_project_lacks_is_the_package_s(tmp_path, settings):
    import shutil

    shutil.copy(default("shapes") / "communication.shacl.ttl", tmp_path / "communication.shacl.ttl")
    (tmp_path / "ontology.profile.ttl").write_text(
        "<urn:x:s> a <http://www.w3.org/ns/shacl#NodeShape> ; "
        "<http://www.w3.org/ns/shacl#targetClass> <urn:x:C> .\n", encoding="utf-8")
    sets = ShapeSets(tmp_path, settings.base)
    own = {p.name: p for p in sets.profiles}
    assert set(own) == {"catalog", "ontology", "report"}
    assert {str(c) for c in own["ontology"].classes} == {"urn:x:C"}  # the project's own replaces the package's
    assert len(sets.communication.shapes) < len(load_shapes(default("shapes"), settings.base))


def test_profile_shapes_conform_to_shacl_for_shacl(shape_sets):
    from pyshacl import validate

    shacl_shacl = Graph()
    shacl_shacl.parse(shared_path("validators", "shacl-shacl", "shacl-shacl.ttl"), format="turtle")
    for profile in shape_sets.profiles:
        conforms, _, text = validate(profile.shapes, shacl_graph=shacl_shacl, inference="none")
        assert conforms, (profile.name, text)


def test_every_profile_message_is_in_english_and_chinese(shape_sets):
    from rdflib.namespace import SH

    for profile in shape_sets.profiles:
        for shape in set(profile.shapes.subjects(SH.message, None)):
            langs = {m.language for m in profile.shapes.objects(shape, SH.message)}
            assert {"en", "zh"} <= langs, shape
