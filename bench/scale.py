"""Side by side, on the same synthetic corpus: the straightforward pipeline (the project's parser, one rdflib
graph for the corpus, pySHACL on it, rdflib's Turtle and JSON-LD serialisers) and ``unkg build``.

    python bench/scale.py [--sizes 1000 10000] [--seed 1] [--work DIR] [--skip-straightforward]

For each size it generates the corpus (bench/corpus.py, about 1 % of the documents with a defect), runs each
pipeline in its own process (the straightforward one up to 10,000 documents: its one graph outgrows memory)
and prints wall time, CPU time (the process and its workers), peak memory (the whole process tree, sampled),
triples, documents refused, and the validation results as a set of (focus node, path, constraint, severity,
value); it exits 1 if the two sets differ. Then it changes one document and rebuilds (the incremental case).
Last, how the cost grows from one size to the next (100,000 against 10,000: the cost ratio and the peak
memory). Not a test: figures depend on the machine (printed with them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
UNKG = str(Path(sys.executable).with_name("unkg"))


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc (read with plain system
    calls: the sampling must take little of the CPU the measured pipeline is using)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
            children.setdefault(int(stat.rsplit(b")", 1)[1].split()[1]), []).append(int(name))
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            pass
    return total


PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_S = 0.5  # how often memory is sampled


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run `cmd`; wall and CPU time (with its children), peak memory of its process tree (sampled by a
    thread every `SAMPLE_S`, while this one waits for the exit: the wall time is exact, not a multiple of the
    sampling period)."""
    import tempfile
    import threading

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:  # never a full pipe
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out_file, stderr=err_file)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss(proc.pid))
                done.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        proc.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak": peak[0], "code": proc.returncode, "stdout": out.decode(),
            "stderr": err.decode()}


def project(folder: Path, size: int, seed: int) -> Path:
    """A project folder with the generated corpus and a copy of unkg's default shapes, ontology, authorities…"""
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import generate

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    from unkg.config import DEFAULTS

    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    for name in ("shapes", "ontology", "queries", "templates", "crosswalks"):  # the defaults, as its own folders
        shutil.copytree(DEFAULTS / name, folder / name)
    shutil.copytree(DEFAULTS / "authorities", folder / "source" / "authorities")
    generate(folder / "source", size, seed)
    return folder


def unkg_results(build: Path) -> set[tuple]:
    """The validation results of `unkg build`, from its reports."""
    import pyoxigraph as ox

    sh = "http://www.w3.org/ns/shacl#"
    found = set()
    for f in sorted((build / "reports").glob("*.ttl")):
        triples = list(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))
        by_node: dict = {}
        for t in triples:
            by_node.setdefault(t.subject, {})[t.predicate.value] = t.object
        for props in by_node.values():
            if f"{sh}focusNode" not in props:
                continue
            found.add(tuple(_str(props.get(f"{sh}{k}")) for k in ("focusNode", "resultPath",
                                                                  "sourceConstraintComponent", "resultSeverity",
                                                                  "value")))
    return found


def _str(term) -> str | None:
    if term is None:
        return None
    import pyoxigraph as ox

    return term.value if isinstance(term, ox.NamedNode) else str(term)


def straightforward(folder: Path, results_file: Path) -> None:
    """The straightforward pipeline, in this process (run by `measure` as a child)."""
    from pyshacl import validate
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH

    from unkg import authority
    from unkg.build import documents
    from unkg.errors import InputError
    from unkg.mapping import authority_graph, map_document
    from unkg.parse import parse_file
    from unkg.validate import load_shapes

    base = "https://w3id.org/unkg"
    auth = authority.load(folder / "source" / "authorities", base)
    shapes = load_shapes(folder / "shapes", base)
    corpus = Graph()
    for t in authority_graph(auth, base):
        corpus.add(t)
    refused = []
    for path in documents(folder / "source" / "documents"):
        try:
            doc = parse_file(path, auth)
        except InputError:
            refused.append(f"{path.parent.name}/{path.stem}")
            continue
        for t in map_document(doc, auth, base):
            corpus.add(t)
    _, report, _ = validate(corpus, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True)
    found = set()
    def get(r, p):
        v = report.value(r, p)
        return None if v is None else (str(v) if isinstance(v, URIRef) else str(ox_literal(v)))

    for r in report.subjects(SH.focusNode, None):
        found.add((get(r, SH.focusNode), get(r, SH.resultPath), get(r, SH.sourceConstraintComponent),
                   get(r, SH.resultSeverity), get(r, SH.value)))
    out = folder / "straightforward"
    out.mkdir(exist_ok=True)
    corpus.serialize(out / "dataset.ttl", format="turtle")
    corpus.serialize(out / "dataset.jsonld", format="json-ld")
    results_file.write_text(json.dumps({"results": sorted(map(list, found), key=str), "refused": refused,
                                        "triples": len(corpus)}), encoding="utf-8")


def ox_literal(v) -> str:
    """An rdflib literal written as Oxigraph writes it (for comparing values across the two pipelines)."""
    import pyoxigraph as ox

    if v.language:
        return str(ox.Literal(str(v), language=v.language))
    if v.datatype:
        return str(ox.Literal(str(v), datatype=ox.NamedNode(str(v.datatype))))
    return str(ox.Literal(str(v)))


def versions_in(summary: str) -> int:
    """Documents built and refused, from `unkg build`'s summary line."""
    built = int(summary.split(" document(s) built")[0].rsplit(" ", 1)[-1])
    refused = int(summary.split(" refused")[0].rsplit(" ", 1)[1])
    return built + refused


def row(name: str, m: dict, triples, refused) -> str:
    return (f"  {name:<16} {m['wall']:>9.1f} {m['cpu']:>9.1f} {m['peak'] / 2**20:>9.0f} {triples:>10} "
            f"{refused:>8}")


STRAIGHTFORWARD_MAX = 10_000  # beyond, the straightforward pipeline's one graph does not fit (4.2 GiB at 10,000)
BUILDS: dict[int, dict] = {}  # size -> the measure of its `unkg build`


def run_size(size: int, seed: int, work: Path, skip: bool) -> bool:
    skip = skip or size > STRAIGHTFORWARD_MAX
    folder = project(work / f"corpus-{size}", size, seed)
    print(f"\n{size} documents ({len(json.loads((folder / 'source' / 'defects.json').read_text()))} with a "
          f"defect), seed {seed}")
    print(f"  {'pipeline':<16} {'wall s':>9} {'CPU s':>9} {'peak MiB':>9} {'triples':>10} {'refused':>8}")
    fast = measure([UNKG, "build"], folder)
    if fast["code"] not in (0, 1):
        print(fast["stderr"][-2000:])
        return False
    summary = fast["stdout"].strip().splitlines()[-1]
    triples = int(summary.split(" triples")[0].rsplit(" ", 1)[1])
    refused = int(summary.split(" refused")[0].rsplit(" ", 1)[1])
    print(row("unkg build", fast, triples, refused), flush=True)
    BUILDS[size] = fast
    ours = unkg_results(folder / "build")
    same = True
    if not skip:
        results_file = work / f"straightforward-{size}.json"
        base = measure([PYTHON, __file__, "--straightforward", str(folder), str(results_file)], folder)
        if base["code"] != 0:
            print(base["stderr"][-2000:])
            return False
        data = json.loads(results_file.read_text())
        theirs = {tuple(r) for r in data["results"]}
        print(row("straightforward", base, data["triples"], len(data["refused"])))
        print(f"  ratio (straightforward / unkg build): wall {base['wall'] / fast['wall']:.1f}x, "
              f"CPU {base['cpu'] / fast['cpu']:.1f}x" + ("  (target at 10,000: >= 20x)" if size == 10_000 else ""))
        same = ours == theirs
        print(f"  validation results: unkg build {len(ours)}, straightforward {len(theirs)}: "
              + ("identical" if same else "DIFFERENT"))
        if not same:
            for r in sorted(ours - theirs, key=str)[:10]:
                print("    only unkg build:     ", r)
            for r in sorted(theirs - ours, key=str)[:10]:
                print("    only straightforward:", r)
    # incremental: one document changed, everything else reused (three times, a different document each)
    english = sorted((folder / "source" / "documents").glob("*/en.txt"))
    times = []
    for i, path in enumerate(english[1:4]):
        text = path.read_text(encoding="utf-8")
        signed = next(line for line in text.splitlines() if line.startswith("(Signed) "))
        path.write_text(text.replace(signed, f"(Signed) Rebuild Number{'x' * i}"), encoding="utf-8")
        again = measure([UNKG, "build"], folder)
        summary = again["stdout"].strip().splitlines()[-1]
        reused = int(summary.split(" reused")[0].rsplit("(", 1)[1])
        if reused != versions_in(summary) - 1:
            print(f"  the rebuild did not reuse all but one document: {summary}")
            return False
        times.append(again["wall"])
    start = measure([PYTHON, "-c", "import unkg.cli"], folder)
    print(f"  rebuild after changing one document: median wall {sorted(times)[1]:.2f} s of "
          f"{', '.join(f'{t:.2f}' for t in times)} (interpreter and imports {start['wall']:.2f} s)")
    return same


def growth() -> None:
    """How the cost grows from the smallest size to each larger one (at 100,000 against 10,000 the targets
    are a cost at most 11 times and a peak of at most 1 GiB)."""
    sizes = sorted(BUILDS)
    for small, large in zip(sizes, sizes[1:]):
        a, b = BUILDS[small], BUILDS[large]
        target = "  (target: <= 11x, peak <= 1024 MiB)" if (small, large) == (10_000, 100_000) else ""
        print(f"\n{large:,} against {small:,} documents ({large / small:.0f}x the documents): wall "
              f"{b['wall'] / a['wall']:.1f}x, CPU {b['cpu'] / a['cpu']:.1f}x; peak memory {b['peak'] / 2**20:.0f} MiB "
              f"(was {a['peak'] / 2**20:.0f}){target}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--skip-straightforward", action="store_true")
    ap.add_argument("--straightforward", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.straightforward:
        straightforward(*args.straightforward)
        return 0
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
          f"{platform.platform()}")
    ok = True
    for size in args.sizes:
        ok &= run_size(size, args.seed, args.work, args.skip_straightforward)
    growth()
    if not ok:
        print("\nthe validation results differ: see above", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
