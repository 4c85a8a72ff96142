"""``unkg push`` into a local Oxigraph server, timed.

    python bench/push.py [--size 10000] [--runs 3] [--seed 1] [--work DIR] [--reuse] [--skip-gsp]

Generates a corpus of SIZE documents (bench/corpus.py) and builds it once (``--reuse``: keep a build already
in DIR of that size), starts ``oxigraph serve`` (the PyPI package ``oxigraph``) on a loopback port, and
times, with the command line as a user runs it:

- the first push into an empty server (Oxigraph's bulk loader; median of RUNS, each into a new server),
  then checks that the server's quads of the project equal the build's in number;
- a push again (nothing to send: the comparison of the server with the build);
- a push after one document changed and was rebuilt (one graph replaced);
- a first push by the plain Graph Store Protocol (``--protocol gsp``: one PUT per graph, what ``unkg push``
  did before), once, unless ``--skip-gsp``.

Not a test: the figures depend on the machine (printed with them). Exits 1 if a count differs.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNKG = str(BIN / "unkg")
BASE = "https://w3id.org/unkg/"


def listening_port(pid: int) -> int | None:
    """The TCP port process `pid` listens on, from /proc (its socket inodes in /proc/net/tcp)."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:
            return int(fields[1].rsplit(":", 1)[1], 16)
    return None


class Server:
    """``oxigraph serve`` on 127.0.0.1, on a port it chose, with a new database."""

    def __init__(self, work: Path):
        exe = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
        if not exe:
            sys.exit("the Oxigraph server is not installed (pip install oxigraph)")
        self.folder = Path(tempfile.mkdtemp(prefix="oxigraph-", dir=work))
        self.proc = subprocess.Popen([exe, "serve", "--location", str(self.folder), "--bind", "127.0.0.1:0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 60
        port = None
        while port is None and time.monotonic() < end:
            port = listening_port(self.proc.pid)
            time.sleep(0.05)
        if port is None:
            self.close()
            sys.exit("the Oxigraph server did not start")
        self.url = f"http://127.0.0.1:{port}"
        while True:
            try:
                self.count()
                break
            except OSError:
                if time.monotonic() > end:
                    self.close()
                    sys.exit("the Oxigraph server does not answer")
                time.sleep(0.05)

    def count(self) -> int:
        """The server's quads in the project's graphs."""
        query = f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{BASE}")) }}'
        request = urllib.request.Request(f"{self.url}/query?query={quote(query)}", headers={"Accept": "text/csv"})
        return int(urllib.request.urlopen(request, timeout=600).read().decode().split()[1])

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0 and not (cmd[1] == "build" and result.returncode == 1):  # 1: some refused
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stderr}")
    return wall, result.stdout.strip().splitlines()[-1]


def build_quads(folder: Path) -> int:
    with open(folder / "build" / "dataset.nq", "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--reuse", action="store_true", help="keep the corpus and build already in WORK")
    ap.add_argument("--skip-gsp", action="store_true", help="do not time the one-PUT-per-graph push")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    from scale import project

    args.work.mkdir(parents=True, exist_ok=True)
    folder = args.work / f"push-{args.size}"
    print(f"unkg push into a local Oxigraph server: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    if not (args.reuse and (folder / "build" / "dataset.nq").is_file()):
        project(folder, args.size, args.seed)
        wall, line = timed([UNKG, "build"], folder)
        print(f"built {args.size} documents in {wall:.1f} s: {line}", flush=True)
    quads = build_quads(folder)
    size_mb = (folder / "build" / "dataset.nq").stat().st_size / 1e6
    print(f"the build: {quads:,} quads ({size_mb:.0f} MB of N-Quads)", flush=True)
    ok = True

    def check(server: Server, what: str) -> None:
        nonlocal ok
        n = server.count()
        ok &= n == quads
        print(f"  {what}: the server holds {n:,} quads of the project, the build {quads:,}: "
              f"{'equal' if n == quads else 'DIFFERENT'}", flush=True)

    firsts = []
    for run in range(args.runs):
        server = Server(args.work)
        try:
            wall, line = timed([UNKG, "push", f"{server.url}/store"], folder)
            firsts.append(wall)
            print(f"first push, run {run + 1}: {wall:.1f} s ({quads / wall:,.0f} quads/s): {line}", flush=True)
            check(server, "after the first push")
            if run == args.runs - 1:  # the same server, pushed to again
                wall, line = timed([UNKG, "push", f"{server.url}/store"], folder)
                print(f"push again (nothing changed): {wall:.1f} s: {line}", flush=True)
                check(server, "after pushing again")
                doc = sorted((folder / "source" / "documents").glob("*/en.txt"))[0]  # a new signatory
                text = doc.read_text(encoding="utf-8")
                signed = next(line for line in text.splitlines() if line.startswith("(Signed) "))
                doc.write_text(text.replace(signed, signed[:9] + signed[9:][::-1]), encoding="utf-8")  # reversed
                build_wall, _ = timed([UNKG, "build"], folder)
                wall, line = timed([UNKG, "push", f"{server.url}/store"], folder)
                print(f"push after one document changed (rebuilt in {build_wall:.1f} s): {wall:.1f} s: {line}",
                      flush=True)
                quads = build_quads(folder)
                check(server, "after one document changed")
        finally:
            server.close()
    print(f"first push: median {statistics.median(firsts):.1f} s of {', '.join(f'{w:.1f}' for w in firsts)}")
    if not args.skip_gsp:
        server = Server(args.work)
        try:
            wall, line = timed([UNKG, "push", f"{server.url}/store", "--protocol", "gsp",
                                "--query-url", f"{server.url}/query"], folder)
            print(f"first push by the Graph Store Protocol (one PUT per graph): {wall:.1f} s "
                  f"({quads / wall:,.0f} quads/s): {line}", flush=True)
            check(server, "after the Graph Store Protocol push")
        finally:
            server.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
