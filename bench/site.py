"""The site on a large build: how long `unkg serve` takes to answer the index page, a facet click, a search
and an entity page (a State's), and what the search index costs the build.

    python bench/site.py [--size 10000] [--seed 1] [--runs 7] [--work DIR] [--reuse]

Generates the synthetic corpus (bench/corpus.py) and builds it with ``unkg build`` (``--reuse``: keep a build
already in DIR), then times, with the application in this process (werkzeug's test client: no network, the
whole WSGI answer, template rendered), each page: one warm-up request, then the median and the slowest of
``--runs``. Also times assembling the search index alone (``build/search.py``: what every build, incremental
too, spends on it) and prints its size. Not a test: figures depend on the machine (printed with them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNKG = str(Path(sys.executable).with_name("unkg"))


def built(work: Path, size: int, seed: int, reuse: bool) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from scale import project

    folder = work / f"site-{size}"
    if reuse and (folder / "build" / "search.sqlite").is_file():
        print(f"reusing the build in {folder}")
        return folder
    project(folder, size, seed)
    start = time.monotonic()
    done = subprocess.run([UNKG, "build"], cwd=folder, capture_output=True, text=True)
    print(f"unkg build of {size} documents: {time.monotonic() - start:.1f} s (exit {done.returncode}); "
          f"{done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:]}")
    return folder


def index_cost(folder: Path) -> tuple[float, float, int]:
    """Seconds (wall, CPU) to assemble the search index from the build's per-document files, and its size."""
    from unkg.build.search import write_index

    build = Path(os.path.realpath(folder / "build"))
    entries = json.loads((build / "manifest.json").read_text(encoding="utf-8"))["documents"]
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        os.symlink(build / "search", Path(tmp) / "search")
        start, cpu = time.monotonic(), time.process_time()
        write_index(Path(tmp), entries)
        took, cpu = time.monotonic() - start, time.process_time() - cpu
        same = (Path(tmp) / "search.sqlite").read_bytes() == (build / "search.sqlite").read_bytes()
    if not same:
        print("note: the index assembled again differs from the build's (unkg changed since the build?)")
    return took, cpu, (build / "search.sqlite").stat().st_size


def timed(client, url: str, runs: int) -> tuple[float, float, int, int]:
    client.get(url)  # warm-up: the first request of a kind compiles its template
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), response.status_code, len(response.data)


def timed_call(call, runs: int) -> tuple[float, float]:
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "unkg-bench")
    parser.add_argument("--reuse", action="store_true", help="keep a build already in the work folder")
    args = parser.parse_args()
    from werkzeug.test import Client

    from unkg.config import load_settings
    from unkg.serve.app import App

    folder = built(args.work, args.size, args.seed, args.reuse)
    took, cpu, size = index_cost(folder)
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"search index: {size / 2**20:.1f} MiB, assembled in {took:.2f} s ({cpu:.2f} s of CPU)")
    start = time.monotonic()
    app = App(load_settings(folder, env={}))
    print(f"app opened in {time.monotonic() - start:.2f} s")
    try:
        client = Client(app)
        facets = client.get("/search.json").get_json()["facets"]
        state = facets["state"][0]["key"]
        second = facets["agenda"][0]["key"]
        letter = client.get("/search.json?sort=date").get_json()["letters"][0]["href"]
        pages = [
            ("index page /", "/"),
            ("facet click (a State)", f"/?state={state}"),
            ("two facets (a State, an agenda item)", f"/?state={state}&agenda={second}"),
            ("facet click (the largest organ)", f"/?organ={facets['organ'][0]['key']}"),
            ("search (one word)", "/?q=humanitarian"),
            ("search (a word of every English letter)", "/?q=honour"),
            ("search + facet, by rank", f"/?q=statement&state={state}&sort=rank"),
            ("last page", "/?page=" + str(client.get("/search.json").get_json()["pages"])),
            ("timeline by State", "/?stack=state"),
            ("entity page (a State)", f"/id/state/{state}"),
            ("  its timeline alone", None),
            ("letter page", letter),
        ]
        print(f"\n{'page':<40} {'median ms':>10} {'max ms':>8} {'status':>6} {'KiB':>6}")
        iri = f"{app.settings.base}/id/state/{state}"
        for name, url in pages:
            if url is None:  # the State page's timeline (serve/search.py), without the page around it
                median, worst = timed_call(lambda: app.search.timeline_for("state", iri, "en"), args.runs)
                print(f"{name:<40} {median * 1000:>10.1f} {worst * 1000:>8.1f}")
                continue
            median, worst, status, length = timed(client, url, args.runs)
            print(f"{name:<40} {median * 1000:>10.1f} {worst * 1000:>8.1f} {status:>6} {length / 1024:>6.0f}")
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
