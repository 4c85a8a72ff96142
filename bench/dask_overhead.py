"""The Dask engine's overhead: on the same synthetic corpus, ``unkg build --jobs 2`` (the local pool) and
``unkg build --engine dask --jobs 2`` (a LocalCluster of two worker processes), each a build from nothing.

    python bench/dask_overhead.py [--sizes 10000] [--runs 3] [--seed 1] [--work DIR]

For each size it generates the corpus (bench/corpus.py), runs each engine `--runs` times in its own process
(alternating, so a machine that gets busier slows both), and prints the median wall and CPU time of each (CPU:
the process and its workers, Dask's included), the ratio dask / local, and whether the two builds are the same
bytes (every file but the store's database and the build's bookkeeping); it exits 1 if they are not. Not a
test: figures depend on the machine (printed with them).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import ROOT, UNKG, measure, project  # noqa: E402

BOOKKEEPING = ("store", ".unkg-complete", ".unkg-state.json")
ENGINES = {"local": ["--jobs", "2"], "dask": ["--engine", "dask", "--jobs", "2"]}


def tree(folder: Path) -> str:
    """One digest of every file of a build (names and bytes) but the store's database and the bookkeeping."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and rel.parts[0] not in BOOKKEEPING:
            h.update(str(rel).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def run_size(size: int, runs: int, seed: int, work: Path) -> bool:
    folder = project(work / f"dask-{size}", size, seed)
    times: dict[str, list[dict]] = {name: [] for name in ENGINES}
    digests: dict[str, set[str]] = {name: set() for name in ENGINES}
    for i in range(runs):
        for name, args in ENGINES.items():
            measure([UNKG, "clean"], folder)  # each build from nothing
            m = measure([UNKG, "build", *args], folder)
            if m["code"] not in (0, 1):
                print(m["stderr"], file=sys.stderr)
                raise SystemExit(f"unkg build {' '.join(args)} failed (exit {m['code']})")
            times[name].append(m)
            digests[name].add(tree(folder / "build"))
            print(f"  {size} documents, {name}, run {i + 1}: {m['wall']:.1f} s wall, {m['cpu']:.1f} s CPU",
                  flush=True)
    same = len(digests["local"] | digests["dask"]) == 1
    print(f"\n| documents | engine | wall s (median of {runs}) | CPU s (median) |\n|---|---|---|---|")
    for name in ENGINES:
        print(f"| {size:,} | {name} | {statistics.median(m['wall'] for m in times[name]):.1f} "
              f"| {statistics.median(m['cpu'] for m in times[name]):.1f} |")
    ratio = (statistics.median(m["wall"] for m in times["dask"])
             / statistics.median(m["wall"] for m in times["local"]))
    cpu = (statistics.median(m["cpu"] for m in times["dask"])
           / statistics.median(m["cpu"] for m in times["local"]))
    print(f"\ndask / local: {ratio:.2f}x wall, {cpu:.2f}x CPU; the same bytes: {'yes' if same else 'NO'}\n")
    return same


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    args = ap.parse_args(argv)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
          f"{platform.platform()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    ok = all([run_size(size, args.runs, args.seed, args.work) for size in args.sizes])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
