"""Time each stage of the pipeline on the seed: parse, map, validate, serialise.

Prints one table of medians over several runs (the machine is shared and noisy: read ratios, not
absolutes). Not a test: run it with `make bench`.

    python bench/stages.py [--runs N]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from unkg import authority
from unkg.config import load_settings
from unkg.mapping import authority_graph, map_document
from unkg.parse import parse_file
from unkg.pipeline import Pipeline
from unkg.rdf import write
from unkg.validate import Validator, load_shapes, validate_graph

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "documents" / "000_5b684ff4652c0d37" / "zh.txt"


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    settings = load_settings(ROOT, env={})
    rows = []
    t, auth = timed(lambda: authority.load(settings.authorities_dir, settings.base), args.runs)
    rows.append(("load authorities", t, f"{len(auth.graph)} triples"))
    t, shapes = timed(lambda: load_shapes(settings.shapes_dir, settings.base), args.runs)
    rows.append(("load shapes", t, f"{len(shapes)} triples"))
    t, doc = timed(lambda: parse_file(SEED, auth), args.runs)
    rows.append(("parse (text -> IR)", t, f"{len(doc.mentions)} mentions"))
    t, graph = timed(lambda: map_document(doc, auth, settings.base), args.runs)
    rows.append(("map (IR -> RDF)", t, f"{len(graph)} triples"))
    data = graph + authority_graph(auth, settings.base)
    validator = Validator(shapes, authority_graph(auth, settings.base))
    t, results = timed(lambda: validator.validate(graph) + validator.authority_results(), args.runs)
    rows.append(("validate (compiled shapes)", t, f"{len(results)} results (what the build runs)"))
    t, report = timed(lambda: validate_graph(data, shapes), args.runs)
    reference = ("validate (pySHACL)", t, f"{len(report.results)} results (--reference; not in the total)")
    t, quads = timed(lambda: write.quads([graph]), args.runs)
    rows.append(("sort quads", t, ""))
    items = write.triples_of(quads)
    writer = write.JsonLd(write.load_context(settings.ontology_dir / "context.jsonld"))
    for name, fn in (("serialise Turtle", lambda: write.turtle(items)),
                     ("serialise N-Quads", lambda: write.nquads(quads)),
                     ("serialise JSON-LD (compacted)", lambda: writer.named_graph_and_line(graph)[0])):
        t, out = timed(fn, args.runs)
        rows.append((name, t, f"{len(out):,} bytes"))
    total = sum(r[1] for r in rows)
    print(f"unkg stages on the seed, median of {args.runs} runs; {platform.machine()}, "
          f"Python {platform.python_version()}")
    print(f"{'stage':32} {'ms':>9} {'share':>6}  note")
    for name, t, note in rows:
        print(f"{name:32} {t * 1000:9.1f} {t / total:6.1%}  {note}")
    print(f"{'total':32} {total * 1000:9.1f}")
    name, t, note = reference
    print(f"{name:32} {t * 1000:9.1f} {'':6}  {note}")
    pipeline = Pipeline(settings)
    t, outcome = timed(lambda: pipeline.process(SEED.parent.name, [SEED]), args.runs)
    print(f"{'the whole document':32} {t * 1000:9.1f} {'':6}  Pipeline.process, what a build's worker runs: "
          f"{len(outcome.files)} files, MARC, Dublin Core and Akoma Ntoso included")


if __name__ == "__main__":
    main()
