"""The timeline: letters per month as stacked bars, laid out here as numbers and words for the SVG the
template ``_timeline.html`` draws (autoescaped: every word in it is the data's, escaped there). One bar (an
SVG group of class ``month``) per month with letters, one segment per stack (an organ, a State…) in it; the
months without letters are gaps on the axis."""

from __future__ import annotations

WIDTH, HEIGHT = 720, 180  # the drawing's size (user units; it scales with the page)
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 28  # margins: the count axis on the left, the months below
STACKS = 8  # the largest stacks drawn as themselves; the rest as one "other"
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (``YYYY-MM``), both included."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def layout(counts: list[tuple[str, str, int]], names: dict[str, str], other: str, unit: tuple[str, str]) -> dict | None:
    """The drawing of `counts` — (month, stack, letters) — with `names` for the stacks and `other` for the
    stacks past the first few; `unit` the words for one letter and several. None when there is nothing."""
    if not counts:
        return None
    totals: dict[str, int] = {}
    for _, stack, n in counts:
        totals[stack] = totals.get(stack, 0) + n
    ranked = sorted(totals, key=lambda s: (-totals[s], names.get(s, s), s))
    kept = ranked if len(ranked) <= STACKS + 1 else ranked[:STACKS]
    folded = len(ranked) > len(kept)
    colour = {s: COLOURS[i] for i, s in enumerate(kept)}
    per: dict[str, dict[str, int]] = {}
    for month, stack, n in counts:
        into = stack if stack in colour else "\0other"
        per.setdefault(month, {}).setdefault(into, 0)
        per[month][into] += n
    months = month_range(min(per), max(per))
    most = max(sum(m.values()) for m in per.values())
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(months)
    bar = min(max(step * 0.8, 0.5), 40)
    bars = []
    for i, month in enumerate(months):
        if month not in per:
            continue
        stacks = per[month]
        total = sum(stacks.values())
        x = LEFT + i * step + (step - bar) / 2
        y = TOP + plot_h
        segments = []
        for stack in [*kept, "\0other"]:
            n = stacks.get(stack, 0)
            if not n:
                continue
            h = plot_h * n / most
            y -= h
            name = other if stack == "\0other" else names.get(stack, stack)
            segments.append({"x": _r(x), "y": _r(y), "w": _r(bar), "h": _r(h), "n": n, "name": name,
                             "colour": COLOURS[-1] if stack == "\0other" else colour[stack],
                             "title": f"{month} — {name}: {n} {unit[0] if n == 1 else unit[1]}"})
        bars.append({"month": month, "count": total, "segments": segments,
                     "title": f"{month}: {total} {unit[0] if total == 1 else unit[1]}"})
    # month labels: January of each year, or every few months when the range is short
    every = max(1, round(len(months) / 12))
    ticks = [{"x": _r(LEFT + i * step + step / 2), "text": m if len(months) <= 24 else m[:4]}
             for i, m in enumerate(months)
             if (len(months) <= 24 and i % every == 0) or (len(months) > 24 and m.endswith("-01"))]
    if len(months) > 24 and len(ticks) > 12:  # a long range: a year in every few
        ticks = ticks[::-(-len(ticks) // 12)]
    legend = [{"name": names.get(s, s), "colour": colour[s], "count": totals[s]} for s in kept]
    if folded:
        legend.append({"name": other, "colour": COLOURS[-1], "count": sum(totals[s] for s in ranked[len(kept):])})
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "ticks": ticks, "legend": legend, "most": most,
            "axis": {"x1": LEFT, "x2": WIDTH - RIGHT, "y": TOP + plot_h, "top": TOP, "label_y": HEIGHT - 8},
            "months": len(months), "first": months[0], "last": months[-1]}


def _r(v: float) -> float:
    return round(v, 2)
