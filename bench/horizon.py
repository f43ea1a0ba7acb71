"""Section: what a Horizon other than the template's 8 quarters costs `compute`.

With a Horizon of N quarters the plan's spills grow from 8 rows to N: the quarter labels
(Plan!W5), then the plans that read them (HIRING_PLAN on Plan and Scenarios), then the cost
tables that read the plans (PLAN_COST). Each level's new size is known only once the level
before it has been resized, and other formulas read the grown cells, so compute settles the
spills in as many passes as the chain is long. The template workbook with its Horizon typed
as 8 (the baseline, nothing resized) and as 12 and 40, each computed in a child process
(loading, evaluating with the spills resized, writing the copy; Python start-up and imports
not counted), interleaved.

Goal, as a ratio within one run: a Horizon of 40 costs at most 2x the template's 8.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.common import TEMPLATE, Timing, fmt_ratio, in_child, met, progress, table

HORIZONS = (8, 12, 40)
GOAL_40_VS_8 = 2.0  # Horizon 40 / Horizon 8: at most


def build(folder: Path, horizons=HORIZONS) -> dict[int, Path]:
    """The template with its Horizon typed as each of ``horizons`` (as Excel saves an edit)."""
    from tests.workbook_edits import edited, horizon

    return {n: edited(TEMPLATE, folder / f"horizon-{n}.xlsx", horizon(n)) for n in horizons}


def compute_once(source: Path, out: Path) -> dict:
    """In this process: ``compute`` the workbook; seconds, and the plan's rows."""
    import time

    from talentneeds.engines import compute
    from talentneeds.engines.spills import dynamic_arrays

    start = time.perf_counter()
    compute(source, out)
    seconds = time.perf_counter() - start
    plan = next(s for s in dynamic_arrays(out) if (s.sheet, s.anchor) == ("Plan", "A15"))
    _, first, _, last = plan.bounds()
    return {"seconds": seconds, "plan_rows": last - first + 1}


def run(repeats: int, horizons=HORIZONS) -> tuple[str, dict]:
    with tempfile.TemporaryDirectory(prefix="talentneeds-bench-horizon-") as folder:
        paths = build(Path(folder), horizons)
        runs: dict[int, list[dict]] = {n: [] for n in horizons}
        for r in range(repeats):  # interleaved, so that a busy moment hits every Horizon alike
            for n in horizons:
                progress(f"horizon: {n} quarters, run {r + 1} of {repeats}")
                runs[n].append(in_child("bench.horizon", str(paths[n]), str(Path(folder) / "out.xlsx")))
    seconds = {n: Timing([x["seconds"] for x in found]).median for n, found in runs.items()}
    rows = {n: runs[n][0]["plan_rows"] for n in horizons}
    base = seconds[horizons[0]]
    summary = {"seconds": seconds, "plan_rows": rows, "longest_vs_template": seconds[horizons[-1]] / base}
    text = "\n".join([
        "## Horizon: the plan's spills resized",
        "",
        __doc__.split("\n\n", 1)[1].strip(),
        "",
        f"Median of {repeats} runs each:",
        "",
        table(["Horizon", "plan rows (with its header)", "compute (no start-up)", "vs Horizon 8"],
              [[f"{n} quarters", f"{rows[n]}", f"{seconds[n]:.2f} s", fmt_ratio(seconds[n] / base)]
               for n in horizons]),
        "",
        table(["goal", "result", "target", ""], [
            [f"Horizon {horizons[-1]} / Horizon {horizons[0]}", fmt_ratio(summary["longest_vs_template"]),
             f"<= {GOAL_40_VS_8:g}x", met(summary["longest_vs_template"] <= GOAL_40_VS_8)],
        ]),
    ])
    return text, summary


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(compute_once(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 3)[0])
