"""Time each stage of the pipeline on the seed: parse, map, validate, serialise; with ``--corpus N``, the CPU
time per document of each stage over N generated documents (bench/corpus.py) in one process.

Prints one table of medians over several runs (the machine is shared and noisy: read ratios, not
absolutes). Not a test: run it with `make bench`.

    python bench/stages.py [--runs N] [--corpus N [--work DIR]]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from unkg import authority
from unkg.config import load_settings
from unkg.errors import InputError
from unkg.facts import card, dumps
from unkg.mapping import Minter, authority_graph, map_document, map_triples
from unkg.mapping_citations import network_entry
from unkg.parse import parse_file
from unkg.pipeline import Pipeline, report_text
from unkg.validate import results_turtle
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
    parser.add_argument("--runs", type=int, help="runs (passes over the corpus): default 7 (3 with --corpus)")
    parser.add_argument("--corpus", type=int, help="documents to generate and time stage by stage")
    parser.add_argument("--work", type=Path, help="where to generate them (default: a temporary folder)")
    args = parser.parse_args()
    if args.corpus:
        corpus_stages(args.corpus, args.runs or 3, args.work)
        return
    args.runs = args.runs or 7
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
    items = write.graph_triples(quads)
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


STAGES = ("parse", "map", "sort quads", "validate", "reports", "facts card", "Turtle", "N-Quads", "JSON-LD",
          "MARC, DC, AKN", "citations entry", "search row")


def corpus_stages(size: int, runs: int, work: Path | None) -> None:
    """CPU time (time.process_time) per document of each stage over a generated corpus, in this process,
    what a build's worker does for each document; medians of `runs` passes over the corpus (the first pass
    over a few documents beforehand, to load and compile what is loaded once)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from scale import project

    tmp = None if work else tempfile.mkdtemp(prefix="unkg-stages-")
    folder = project((work or Path(tmp)) / f"corpus-{size}", size, 1)
    try:
        settings = load_settings(folder, env={})
        pipeline = Pipeline(settings)
        jobs = [(d.name, sorted(d.glob("*.txt"))) for d in sorted((folder / "source" / "documents").iterdir())]
        for key, paths in jobs[:5]:
            pipeline.process(key, paths)
        passes: dict[str, list[float]] = {name: [] for name in STAGES + ("total", "Pipeline.process")}
        for _ in range(runs):
            spent = dict.fromkeys(STAGES, 0.0)
            for key, paths in jobs:
                _one_document(pipeline, key, paths, spent)
            for name, t in spent.items():
                passes[name].append(t / len(jobs))
            passes["total"].append(sum(spent.values()) / len(jobs))
            start = time.process_time()
            for key, paths in jobs:
                pipeline.process(key, paths)
            passes["Pipeline.process"].append((time.process_time() - start) / len(jobs))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"unkg stages over {size} generated documents, CPU ms per document, median of {runs} passes; "
          f"{platform.machine()}, Python {platform.python_version()}")
    total = statistics.median(passes["total"])
    print(f"{'stage':32} {'ms/doc':>9} {'share':>6}  passes")
    for name, times in passes.items():
        t = statistics.median(times)
        share = f"{t / total:6.1%}" if name in STAGES else ""
        print(f"{name:32} {t * 1000:9.2f} {share:>6}  {', '.join(f'{x * 1000:.2f}' for x in times)}")


def _one_document(pipeline: Pipeline, key: str, paths: list[Path], spent: dict[str, float]) -> None:
    """`Pipeline.process`'s steps for one document, each timed into `spent`."""
    clock = time.process_time
    accepted, searched = [], []
    for path in paths:
        t0 = clock()
        try:
            doc = parse_file(path, pipeline.auth)
        except InputError:
            spent["parse"] += clock() - t0
            continue
        t1 = clock()
        graph = map_triples(doc, pipeline.auth, pipeline.settings.base)
        t2 = clock()
        items = list(graph)
        quads = write.graph_quads(graph.identifier, items)
        t3 = clock()
        results = pipeline.validate(graph, quads, items)
        t4 = clock()
        results_turtle(results)
        report_text(results, f"{key}/{path.stem}")
        t5 = clock()
        for name, t in (("parse", t1 - t0), ("map", t2 - t1), ("sort quads", t3 - t2), ("validate", t4 - t3),
                        ("reports", t5 - t4)):
            spent[name] += t
        if any(r.severity == "Violation" for r in results):
            continue
        t0 = clock()
        dumps(card(doc)).encode("utf-8")
        t1 = clock()
        write.turtle(write.graph_triples(quads))
        t2 = clock()
        write.nquads(quads)
        t3 = clock()
        pipeline.jsonld.named_graph_and_line(graph, items)
        t4 = clock()
        for name, t in (("facts card", t1 - t0), ("Turtle", t2 - t1), ("N-Quads", t3 - t2), ("JSON-LD", t4 - t3)):
            spent[name] += t
        accepted.append(doc)
        searched.append((str(graph.identifier), doc.language.value, doc.source.raw, quads))
    if accepted:
        t0 = clock()
        pipeline.exchange.files(accepted)
        t1 = clock()
        network_entry(accepted, Minter(pipeline.settings.base, pipeline.auth))
        t2 = clock()
        pipeline.indexer().row(searched)
        t3 = clock()
        for name, t in (("MARC, DC, AKN", t1 - t0), ("citations entry", t2 - t1), ("search row", t3 - t2)):
            spent[name] += t


if __name__ == "__main__":
    main()
