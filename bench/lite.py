"""Section 5: xlwings Lite's runtime (Pyodide 0.27.7, 32-bit WebAssembly, under Node)
beside CPython on this machine.

* **Start**: what a Lite start costs before the first function runs -- Pyodide itself,
  its numpy and pandas, micropip installing the workbook's requirements.txt (Lite's
  xlwings pin and our wheel, from local files here, so no download time), and importing
  main.py, i.e. the functions (numpy and pandas timed on their own). CPython: the same
  imports in a fresh process.
* **One recalculation of the template**: every call our functions get when the template
  (with its example) recalculates, recorded with its arguments from the engine in this
  checkout, run once plainly and once through ``xlwings.server.custom_functions_call``
  (what Lite runs for every cell); first run after the import and median of the repeats.
* **Sizes**: the wheel, and what it and its dependencies take once installed in Pyodide.

The Pyodide figures need the harness of tests/pyodide (``make pyodide``); without it the
section says so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, TEMPLATE, fmt_ratio, fmt_time, progress, table

HARNESS = ROOT / "tests" / "pyodide"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _harness():
    if str(HARNESS) not in sys.path:
        sys.path.insert(0, str(HARNESS))
    import harness

    return harness


def _jsonable(value):
    """A recorded argument as JSON, dates as Excel serial numbers (as Office.js sends them)."""
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return (dt.datetime.combine(value, dt.time()) - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def record_calls(workbook: Path = TEMPLATE) -> list:
    """In this process: recalculate ``workbook`` with the engine and record every call of
    our functions with its arguments (patches talentneeds.udfs: run it in a child)."""
    import functools

    from talentneeds import udfs

    calls: list = []

    def recorded(name, function):
        @functools.wraps(function)
        def call(*args):
            calls.append([name, _jsonable(list(args))])
            return function(*args)
        return call

    for name in udfs.__all__:
        setattr(udfs, name, recorded(name, getattr(udfs, name)))
    from talentneeds.engines.formula_engine import WorkbookEngine

    engine = WorkbookEngine(workbook)
    calls.clear()  # the calls of loading are not a recalculation
    engine.calculate()
    return calls


def record_calls_in_child(workbook: Path = TEMPLATE) -> list:
    done = subprocess.run([sys.executable, "-m", "bench.lite", "--record", str(workbook)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"recording the calls of {workbook} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


CPYTHON_CHILD = """
import asyncio, json, sys, time
sys.path.insert(0, sys.argv[1])
request = json.load(sys.stdin)
started = time.perf_counter()
import pandas
pandas_s = time.perf_counter() - started
import talentneeds.udfs as main
import_s = time.perf_counter() - started - pandas_s
import xlwings, xlwings.server as server
import driver
recalculation = asyncio.run(driver.recalculation(request["calls"], main, server, xlwings.__version__,
                                                 request["repeats"]))
print(json.dumps({"import_pandas_s": pandas_s, "import_main_s": import_s, "recalculation": recalculation}))
"""


def cpython(calls: list, repeats: int) -> dict:
    """The functions in a fresh CPython with the Office.js decorators, as in Lite."""
    env = {**os.environ, **_harness().ENV}
    done = subprocess.run([sys.executable, "-c", CPYTHON_CHILD, str(HARNESS)], cwd=ROOT, env=env, text=True,
                          input=json.dumps({"calls": calls, "repeats": repeats}), capture_output=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"the CPython run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pyodide(calls: list, repeats: int, folder: Path) -> dict:
    harness = _harness()
    built = harness.build_wheel(folder / "dist")
    lite = folder / "lite"
    lite.mkdir()
    import xlwings

    # the xlwings of this CPython (the harness has it): its Office.js path is the one compared
    answer, node = harness.run_in_pyodide(built["wheel"], lite, xlwings.__version__, calls=calls,
                                          repeats=repeats, only_recalculation=True)
    answer["node"] = node
    answer["wheel_bytes"] = built["wheel"].stat().st_size
    return answer


def _kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB"


def run(repeats: int) -> tuple[str, dict]:
    progress("xlwings Lite: recording the template's calls")
    calls = record_calls_in_child()
    heading = "## 5. xlwings Lite's runtime (Pyodide) beside CPython"
    missing = _harness().harness_missing()
    if missing:
        return f"{heading}\n\nNot measured: {missing}.", {"missing": missing}
    progress("xlwings Lite: CPython")
    ours = cpython(calls, repeats)
    progress("xlwings Lite: Pyodide under Node")
    with tempfile.TemporaryDirectory(prefix="talentneeds-lite-") as folder:
        theirs = pyodide(calls, repeats, Path(folder))
    node, sizes = theirs["node"], theirs["installed_bytes"]
    rows = [
        ["Pyodide itself (loadPyodide)", "", fmt_time(node["load_pyodide_s"]), ""],
        ["numpy + pandas (Pyodide's loadPackage)", "", fmt_time(node["load_packages_s"]), ""],
        ["micropip: xlwings pin + our wheel (local files)", "", fmt_time(theirs["install_s"]), ""],
    ]
    for key, label in (("import_pandas_s", "import numpy and pandas"),
                       ("import_main_s", "then import the functions (main.py: talentneeds.udfs, xlwings)")):
        rows.append([label, fmt_time(ours[key]), fmt_time(theirs[key]), fmt_ratio(theirs[key] / ours[key])])
    for path, label in (("plain", "plain calls"), ("office_js", "through custom_functions_call")):
        for which in ("first", "median"):
            a, b = ours["recalculation"]["seconds"][path][which], theirs["recalculation"]["seconds"][path][which]
            rows.append([f"one recalculation, {len(calls)} calls, {label}: {which}", fmt_time(a), fmt_time(b),
                         fmt_ratio(b / a)])
    text = "\n\n".join([
        heading,
        __doc__.split("\n\n", 1)[1].strip(),
        f"Pyodide: Python {theirs['versions']['python']}, numpy {theirs['versions']['numpy']} "
        f"({theirs['intp_bits']}-bit index), xlwings {theirs['versions']['xlwings']}; CPython: Python "
        f"{sys.version.split()[0]}, the same xlwings; {repeats} repeats.",
        table(["what", "CPython", "Pyodide", "Pyodide / CPython"], rows),
        "Through `custom_functions_call`, CPython is the slower one: outside Pyodide xlwings tries "
        "`from pyodide.ffi import JsNull` for every argument cell and the failed import searches `sys.path` "
        "(section 1's notes); in Pyodide that import succeeds.",
        table(["size", ""], [["our wheel", _kib(theirs["wheel_bytes"])],
                             *[[f"installed in Pyodide: {name}", _kib(n)] for name, n in sizes.items()]]),
    ])
    return text, {"cpython": ours, "pyodide": {k: v for k, v in theirs.items() if k != "recalculation"},
                  "calls": len(calls)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--record"]:
        print(json.dumps(record_calls(Path(argv[1]))))
        return 0
    text, _ = run(repeats=int(argv[0]) if argv else 3)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
