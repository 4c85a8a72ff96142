"""Which shapes a graph is validated against.

The shapes folder's ``*.shacl.ttl`` are the communication shapes: what a publishable communication must
satisfy, the only shapes the build validates its documents with (``load_shapes``). Each ``NAME.profile.ttl``
beside them is a *profile*: the shapes of another kind of graph that unkg publishes, chosen from the shapes'
own targets:

- ``catalog.profile.ttl`` — the DCAT catalogue (``build/catalog.ttl``), DCAT-AP's mandatory properties;
- ``report.profile.ttl`` — the SHACL validation reports (``build/reports/*.ttl``);
- ``ontology.profile.ttl`` — the OWL ontology (``build/ontology.ttl``).

A profile applies to a graph that has an instance (an ``rdf:type`` statement in the graph itself) of a class
one of its node shapes targets with ``sh:targetClass``: a graph with a ``dcat:Catalog`` gets the catalogue
shapes, one with a ``sh:ValidationReport`` the report shapes. A graph several profiles apply to gets them
all; a graph none applies to is a communication graph and gets the communication shapes. So the
communication shapes, whose namespace check targets every node, are never applied to a catalogue, a report
or the ontology, and adding a profile is adding a file, not code.

A project's own ``shapes/`` folder replaces the package's communication shapes as a whole; a profile it
lacks is taken from the package (the catalogue, reports and ontology are written by unkg itself, whatever
the project's communication shapes), one it has replaces the package's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from ..config import DEFAULTS
from ..errors import InputError

PATTERN = "*.shacl.ttl"
PROFILE = ".profile.ttl"


def load_shapes(folder: Path, base: str) -> Graph:
    """Every ``*.shacl.ttl`` of `folder` (the communication shapes), with ``{base}`` replaced by the configured
    base."""
    files = sorted(folder.glob(PATTERN))
    if not files:
        raise InputError(str(folder), "no shapes (*.shacl.ttl) found")
    return _read(files, base)


@dataclass(frozen=True)
class Profile:
    """The shapes for one kind of graph."""

    name: str  # its file's name without .profile.ttl ("" for the communication shapes)
    shapes: Graph
    classes: frozenset[URIRef]  # the classes its node shapes target: a graph with an instance of one gets it


class ShapeSets:
    """The shapes folder read once: the communication shapes and the profiles (the module's docstring)."""

    def __init__(self, folder: Path, base: str):
        self.communication = Profile("", load_shapes(folder, base), frozenset())
        files = {p.name[:-len(PROFILE)]: p for p in sorted((DEFAULTS / "shapes").glob("*" + PROFILE))}
        files.update({p.name[:-len(PROFILE)]: p for p in sorted(folder.glob("*" + PROFILE))})
        self.profiles = []
        for name, path in sorted(files.items()):
            shapes = _read([path], base)
            classes = frozenset(c for c in shapes.objects(None, SH.targetClass) if isinstance(c, URIRef))
            self.profiles.append(Profile(name, shapes, classes))

    def select(self, data: Graph) -> list[Profile]:
        """The profiles that apply to `data`, or the communication shapes when none does."""
        types = set(data.objects(None, RDF.type))
        chosen = [p for p in self.profiles if not p.classes.isdisjoint(types)]
        return chosen or [self.communication]

    def shapes_for(self, data: Graph) -> Graph:
        """The shapes `data` is validated against."""
        chosen = self.select(data)
        if len(chosen) == 1:
            return chosen[0].shapes
        union = Graph()
        for p in chosen:
            union += p.shapes
        return union


def _read(files: list[Path], base: str) -> Graph:
    from ..rdf.read import parse_turtle_files

    return parse_turtle_files(files, transform=lambda text: text.replace("{base}", base.rstrip("/")))
