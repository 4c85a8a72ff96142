"""The shapes: conform to SHACL-for-SHACL, accept the valid examples, and reject each invalid example
with exactly the shapes and paths it names (tests/shapes/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from unkg.validate import load_shapes, validate_graph

from conftest import default, shared_path

EXAMPLES = Path(__file__).parent / "shapes"
SHAPES_NS = "https://w3id.org/unkg/shapes#"
PATHS = {"schema:": "https://schema.org/", "dcterms:": "http://purl.org/dc/terms/",
         "skos:": "http://www.w3.org/2004/02/skos/core#", "oa:": "http://www.w3.org/ns/oa#",
         "allot:": "https://w3id.org/akn/ontology/allot/"}


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
