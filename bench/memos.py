"""Whether the parsed-roster and parsed-catalogue memos of ``excel/tables.py`` matter:
load and recalculate a workbook with them, without the roster memo, and without either,
each run in a child process, interleaved; the time inside ``tables.roster`` and
``tables.catalog`` and the recalculation, median of the repeats.

    .venv/bin/python -m bench.memos                      # the template, 5 repeats
    .venv/bin/python -m bench.memos --people 5000 -n 3   # a synthetic 1,000-team workbook
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import TEMPLATE

MODES = ("on", "roster-off", "off")

CHILD = r'''
import json, sys, time
from pathlib import Path
from talentneeds.excel import tables
mode, path = sys.argv[1], Path(sys.argv[2])
kept = tables._remembered
if mode == "off":
    tables._remembered = lambda cache, size, key, make: make()
elif mode == "roster-off":
    tables._remembered = lambda cache, size, key, make: (
        make() if cache is tables._ROSTERS else kept(cache, size, key, make))
spent = {"roster": [0.0, 0], "catalog": [0.0, 0]}
for name in spent:
    def timed(*args, _original=getattr(tables, name), _name=name, **options):
        start = time.perf_counter()
        try:
            return _original(*args, **options)
        finally:
            spent[_name][0] += time.perf_counter() - start
            spent[_name][1] += 1
    setattr(tables, name, timed)
from talentneeds.engines.formula_engine import WorkbookEngine
start = time.perf_counter()
engine = WorkbookEngine(path)
loaded = time.perf_counter()
engine.calculate()
print(json.dumps({"load": loaded - start, "calculate": time.perf_counter() - loaded, "spent": spent}))
'''


def measure(path: Path, repeats: int) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {mode: [] for mode in MODES}
    for repeat in range(repeats):
        for mode in MODES if repeat % 2 == 0 else MODES[::-1]:
            out = subprocess.run([sys.executable, "-c", CHILD, mode, str(path)], capture_output=True, text=True,
                                 check=True).stdout
            runs[mode].append(json.loads(out.strip().splitlines()[-1]))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memos")
    parser.add_argument("--people", type=int, help="a synthetic workbook of this many people (teams: a fifth)")
    parser.add_argument("-n", "--repeats", type=int, default=5)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = TEMPLATE
        if options.people:
            from talentneeds.workbook.synthetic import synthetic_workbook

            path = synthetic_workbook(Path(folder) / "synthetic.xlsx", options.people // 5, options.people)
        runs = measure(path, options.repeats)
    print("| memos | calls roster / catalog | inside roster+catalog | recalculation |\n|---|---|---|---|")
    for mode, found in runs.items():
        inside = statistics.median(r["spent"]["roster"][0] + r["spent"]["catalog"][0] for r in found)
        calculate = statistics.median(r["calculate"] for r in found)
        calls = found[0]["spent"]
        print(f"| {mode} | {calls['roster'][1]:,} / {calls['catalog'][1]:,} | {inside * 1000:.1f} ms | "
              f"{calculate:.3f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
