"""The floor, and the commands that read no workbook, measured against it.

The floor is what any Python tool built on numpy and pandas pays before doing anything:
``python -c 'import numpy, pandas'``. ``talentneeds --help`` and ``talentneeds functions``
are timed against it, each run in its own child process (wall time; peak RSS from
``getrusage(RUSAGE_CHILDREN)``), interleaved so that a slow moment hits all alike.
"""

from __future__ import annotations

import sys

from bench.common import Timing, fmt_ratio, met, progress, run_measured, table
from bench.workbooks import TALENTNEEDS

FLOOR = [sys.executable, "-c", "import numpy, pandas"]
GOAL_RATIO = 1.2  # --help and functions: at most 1.2x the floor
COMMANDS = {
    "floor: `python -c 'import numpy, pandas'`": FLOOR,
    "`talentneeds --help`": [str(TALENTNEEDS), "--help"],
    "`talentneeds functions`": [str(TALENTNEEDS), "functions"],
}


def run(repeats: int) -> tuple[str, dict]:
    """Returns the section's text and {"floor": {"wall", "peak"}, "help": ..., "functions": ...}."""
    samples: dict[str, list[dict]] = {label: [] for label in COMMANDS}
    for r in range(repeats):
        for label, command in COMMANDS.items():
            progress(f"start-up: {label}, run {r + 1} of {repeats}")
            result = run_measured(command)
            if result["returncode"] != 0:
                raise RuntimeError(f"{command} failed: {result['tail']}")
            samples[label].append(result)
    medians = {label: {"wall": Timing([s["wall"] for s in runs]).median,
                       "peak": Timing([s["peak_mib"] for s in runs]).median}
               for label, runs in samples.items()}
    floor_label, help_label, functions_label = COMMANDS
    floor = medians[floor_label]
    rows = []
    for label, m in medians.items():
        is_floor = label == floor_label
        ratio = m["wall"] / floor["wall"]
        rows.append([label, f"{m['wall'] * 1e3:,.0f} ms", "1x (the baseline)" if is_floor else fmt_ratio(ratio),
                     "" if is_floor else met(ratio <= GOAL_RATIO), f"{m['peak']:,.0f} MiB"])
    text = "\n".join([
        "### Start-up: the floor, and the commands that read no workbook",
        "",
        f"Median of {repeats} runs each, interleaved, every run a fresh process. Goal: `--help` and `functions` "
        f"at most {GOAL_RATIO:g}x the floor (the floor is also the baseline of the workbook goals below).",
        "",
        table(["command", "wall", "vs floor", f"<= {GOAL_RATIO:g}x", "peak RSS"], rows),
    ])
    return text, {"floor": floor, "help": medians[help_label], "functions": medians[functions_label]}
