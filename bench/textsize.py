"""Parse time against the size of the text: a real letter whose body is repeated until the text weighs
0.5, 1, 2, 4 and 8 MB (UTF-8), parsed from the raw text to the IR (normalise, detect the language, the
language's formulas, mentions).

Prints one table per letter (median of the runs at each size, and the time per MB) and the ratio of the
4 MB time to the 0.5 MB time: linear cost gives 8x (the size ratio), so the time per MB at 4 MB over the
time per MB at 0.5 MB is printed too (1.0 is linear; the target is well under 5; the quadratic line
numbering made it about 5.5: 2.4 s at 0.5 MB, 105 s at 4 MB). Not a test: figures depend on the machine
(printed with them).

    python bench/textsize.py [--sizes 0.5 1 2 4 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from unkg import authority
from unkg.config import load_settings
from unkg.errors import InputError
from unkg.parse import parse_text
from unkg.text import normalise

ROOT = Path(__file__).resolve().parent.parent
# (name, file, first and last line of the body repeated (1-based, inclusive), line the copies go after)
LETTERS = (
    ("zh seed (unspaced.py)", ROOT / "source" / "documents" / "000_5b684ff4652c0d37" / "zh.txt", 60, 140, 140),
    ("en case (spaced.py)", ROOT / "tests" / "cases" / "en-full-masthead" / "input.txt", 22, 24, 24),
)


def grown(path: Path, first: int, last: int, after: int, size: int) -> str:
    """The letter with lines first..last copied after line `after` as many times as it takes to weigh at
    least `size` bytes."""
    lines = path.read_text(encoding="utf-8").split("\n")
    body = lines[first - 1:last]
    head, tail = lines[:after], lines[after:]
    base = len("\n".join(lines).encode("utf-8"))
    per_copy = len("\n".join(body).encode("utf-8")) + 1
    copies = max(0, -(-(size - base) // per_copy))
    return "\n".join(head + body * copies + tail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 1, 2, 4, 8], help="sizes in MB")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings(ROOT, env={})
    auth = authority.load(settings.authorities_dir, settings.base)
    print(f"unkg parse time by text size, median of {args.runs} runs; {platform.machine()}, "
          f"Python {platform.python_version()}")
    for name, path, first, last, after in LETTERS:
        print(f"\n{name}: {path.relative_to(ROOT)}, lines {first}-{last} repeated")
        print(f"{'MB':>6} {'lines':>9} {'s':>8} {'s/MB':>7}  note")
        medians = {}
        for mb in args.sizes:
            raw = grown(path, first, last, after, int(mb * 1_000_000))
            times, note = [], ""
            for _ in range(args.runs):
                normalise.cache_clear()  # each run pays for normalising, as a fresh process does
                start = time.perf_counter()
                try:
                    doc = parse_text(raw, auth, str(path))
                    note = f"{len(doc.mentions)} mentions, {len(doc.warnings)} warnings"
                except InputError as exc:
                    note = f"input error: {exc.message}"
                times.append(time.perf_counter() - start)
            medians[mb] = t = statistics.median(times)
            size = len(raw.encode("utf-8")) / 1_000_000
            print(f"{size:6.2f} {raw.count(chr(10)) + 1:9,} {t:8.2f} {t / size:7.2f}  {note}")
        if 0.5 in medians and 4 in medians:
            ratio = medians[4] / medians[0.5]
            print(f"4 MB / 0.5 MB: {ratio:.1f}x the time for 8x the text; per MB: {ratio / 8:.2f}x")


if __name__ == "__main__":
    main()
