"""Section: what a long spill costs -- the Candidates sheet's PROMOTION_CANDIDATES list.

The synthetic 1,000-team / 5,000-person workbook lists its 2,136 Iterators: the list spills
from the template's 16 rows to 2,137 x 6 cells. Three ways of computing it, each a child
process timing the same function (loading the workbook, evaluating it with its spills
resized, writing the copy with the values; Python start-up and imports not counted):

* *without the list*: the same workbook built without the Candidates sheet (the baseline);
* *with the list, resized in place* (this code): nothing reads the list, so its new cells
  take their values from the array just computed;
* *with the list, loaded again* (``settle_in_place=False``, what every resize did before):
  the resized copy is loaded and calculated a second time.

Goals, as ratios within one run: the list costs at most 30 % on top of the workbook without
it, and resizing in place is at least 1.5x faster than loading again.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from pathlib import Path

from bench.common import Timing, fmt_ratio, in_child, met, progress, table

TEAMS, PEOPLE = 1_000, 5_000
GOAL_LIST_VS_NONE = 1.3   # with the list / without it: at most
GOAL_RELOAD_VS_IN_PLACE = 1.5  # loading again / resizing in place: at least
MODES = ("without the list", "with the list, resized in place", "with the list, loaded again")


def build(folder: Path, teams: int = TEAMS, people: int = PEOPLE) -> dict[str, Path]:
    """The synthetic workbook with the Candidates sheet, and the same one without it."""
    from talentneeds.workbook import template as T
    from talentneeds.workbook.synthetic import synthetic_workbook

    with_list = synthetic_workbook(folder / "with-list.xlsx", teams, people)
    everything = T.TEMPLATE
    try:
        T.TEMPLATE = tuple(sheet for sheet in everything if sheet.title != "Candidates")
        without = synthetic_workbook(folder / "without-list.xlsx", teams, people)
    finally:
        T.TEMPLATE = everything
    return {MODES[0]: without, MODES[1]: with_list, MODES[2]: with_list}


def compute_once(source: Path, out: Path, in_place: bool) -> dict:
    """In this process: load, evaluate with the spills resized, write; seconds and the spill cells."""
    import resource
    import time

    from talentneeds.engines.formula_engine import WorkbookEngine
    from talentneeds.engines.spills import compute_spilling, dynamic_arrays

    start = time.perf_counter()
    engine = WorkbookEngine(source)
    found = dynamic_arrays(source)
    compute_spilling(source, out, found, engine, settle_in_place=in_place)
    seconds = time.perf_counter() - start
    cells = sum(_size(s.ref) for s in dynamic_arrays(out) if s.sheet == "Candidates")
    return {"seconds": seconds, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "candidate_cells": cells}


def _size(ref: str) -> int:
    from openpyxl.utils import range_boundaries

    c1, r1, c2, r2 = range_boundaries(ref)
    return (c2 - c1 + 1) * (r2 - r1 + 1)


def _in_child(source: Path, out: Path, in_place: bool) -> dict:
    return in_child("bench.spills", str(source), str(out), "1" if in_place else "0")


def run(repeats: int, teams: int = TEAMS, people: int = PEOPLE) -> tuple[str, dict]:
    with tempfile.TemporaryDirectory(prefix="talentneeds-bench-spills-") as folder:
        progress(f"spills: building the {teams:,}-team / {people:,}-person workbook with and without the list")
        paths = build(Path(folder), teams, people)
        runs: dict[str, list[dict]] = {mode: [] for mode in MODES}
        for r in range(repeats):  # interleaved, so that a busy moment hits every mode alike
            for mode in MODES:
                progress(f"spills: {mode}, run {r + 1} of {repeats}")
                runs[mode].append(_in_child(paths[mode], Path(folder) / "out.xlsx", mode != MODES[2]))
    seconds = {mode: Timing([x["seconds"] for x in found]).median for mode, found in runs.items()}
    peak = {mode: Timing([x["peak_mib"] for x in found]).median for mode, found in runs.items()}
    cells = runs[MODES[1]][0]["candidate_cells"]
    base, in_place, again = (seconds[m] for m in MODES)
    summary = {"seconds": seconds, "peak_mib": peak, "cells": cells,
               "list_vs_none": in_place / base, "reload_vs_in_place": again / in_place,
               "per_cell": (in_place - base) / cells if cells else float("nan")}
    rows = [[mode, f"{seconds[mode]:.2f} s", fmt_ratio(seconds[mode] / base), f"{peak[mode]:,.0f} MiB"]
            for mode in MODES]
    text = "\n".join([
        "## Spills: a long list",
        "",
        __doc__.split("\n\n", 1)[1].strip(),
        "",
        f"{teams:,} teams / {people:,} people; the list fills {cells:,} cells. Median of {repeats} runs each:",
        "",
        table(["compute", "wall (no start-up)", "vs without the list", "peak RSS"], rows),
        "",
        table(["goal", "result", "target", ""], [
            ["with the list (resized in place) / without it", fmt_ratio(summary["list_vs_none"]),
             f"<= {GOAL_LIST_VS_NONE:g}x", met(summary["list_vs_none"] <= GOAL_LIST_VS_NONE)],
            ["loaded again / resized in place", fmt_ratio(summary["reload_vs_in_place"]),
             f">= {GOAL_RELOAD_VS_IN_PLACE:g}x", met(summary["reload_vs_in_place"] >= GOAL_RELOAD_VS_IN_PLACE)],
            ["what one cell of the list adds (resized in place)", f"{summary['per_cell'] * 1e6:,.0f} µs",
             "(measured)", ""],
        ]),
    ])
    return text, summary


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(compute_once(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "1")))
    else:
        print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 3)[0])
