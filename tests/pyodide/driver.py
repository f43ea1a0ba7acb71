"""Runs inside Pyodide (tests/pyodide/run.mjs) and does what xlwings Lite does with a
workbook: micropip installs the xlwings the workbook pins and then each line of its
requirements.txt, imports its main.py as the module ``main``, and registers and calls
the functions that module holds through xlwings' Office.js code path.

Lite sets ``XLWINGS_ON_SERVER`` so that ``xlwings.func`` is the Office.js decorator;
``XLWINGS_LICENSE_KEY=noncommercial`` lets ``xlwings.server`` run that code path here
(nothing in the package depends on it). The answer is JSON: results, metadata, timings.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import sys
import time
from importlib import metadata

def installed_bytes(distribution: str) -> int:
    return sum(f.locate().stat().st_size for f in metadata.files(distribution) or ())


async def install(request: dict) -> float:
    import micropip

    started = time.perf_counter()
    await micropip.install(request["xlwings_wheel"])
    for line in request["requirements"].splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            # every dependency is already there, so micropip needs no index (offline)
            await micropip.install(line)
    return time.perf_counter() - started


def import_main(main_py: str):
    """main.py's text as the module ``main``, made as xlwings' own WebAssembly runtime
    makes it (xlwings-server's wasm_runtime.create_module_from_string)."""
    started = time.perf_counter()
    import pandas  # noqa: F401 - timed on its own: most of a start is numpy and pandas
    pandas_s = time.perf_counter() - started
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("main", loader=None))
    exec(main_py, module.__dict__)
    sys.modules["main"] = module
    return module, pandas_s, time.perf_counter() - started - pandas_s


async def recalculation(calls: list, main, server, version: str, repeats: int) -> dict:
    """One recalculation of a workbook = every recorded call once, plainly and through
    custom_functions_call (what Lite runs per cell): the first and the median of repeats."""
    import lite_cases

    def plain() -> None:
        for name, args in calls:
            getattr(main, name)(*args)

    async def office_js() -> None:
        for name, args in calls:
            try:
                await server.custom_functions_call(lite_cases.office_js_payload(name, args, version), main)
            except Exception:  # noqa: BLE001 - an error cell is a result; timed all the same
                pass

    timings: dict = {"plain": [], "office_js": []}
    for _ in range(repeats):
        started = time.perf_counter()
        plain()
        timings["plain"].append(time.perf_counter() - started)
        started = time.perf_counter()
        await office_js()
        timings["office_js"].append(time.perf_counter() - started)
    results = [lite_cases.outcome(lambda: getattr(main, name)(*args)) for name, args in calls]
    summary = {k: {"first": v[0], "median": statistics.median(v)} for k, v in timings.items()}
    return {"seconds": summary, "calls": len(calls), "results": lite_cases.nan_free(results)}


async def main(request_path: str) -> str:
    request = json.load(open(request_path))
    os.environ.update(request["env"])
    install_s = await install(request)
    main, pandas_s, import_s = import_main(request["main_py"])

    import numpy as np
    import xlwings
    import xlwings.server as server

    import lite_cases

    udfs = sys.modules["talentneeds.udfs"]
    answer = {
        "platform": sys.platform,
        "intp_bits": np.dtype(np.intp).itemsize * 8,
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "xlwings": xlwings.__version__,
                     "talentneeds": metadata.version("talentneeds")},
        "install_s": install_s,
        "import_pandas_s": pandas_s,
        "import_main_s": import_s,
        "installed_bytes": {d: installed_bytes(d) for d in ("talentneeds", "xlwings", "numpy", "pandas")},
        "engine_modules_loaded": sorted(m for m in sys.modules
                                        if m.partition(".")[0] in ("openpyxl", "formulas", "scipy", "defusedxml")),
    }
    if "calls" in request:  # one recalculation of a workbook (bench.lite records the template's)
        answer["recalculation"] = await recalculation(request["calls"], main, server, xlwings.__version__,
                                                      request.get("repeats", 5))
    if request.get("only_recalculation"):
        return json.dumps(answer)
    answer.update({
        "plain": lite_cases.nan_free(lite_cases.run_plain(udfs)),
        # through main, as Lite calls them: the module main.py is
        "office_js": lite_cases.nan_free(await lite_cases.run_office_js(main, server, xlwings.__version__)),
        "meta": server.custom_functions_meta(main),
    })
    return json.dumps(answer)
