"""Runs inside Pyodide (tests/pyodide/run.mjs): what xlwings Lite does with our package.

Lite sets ``XLWINGS_ON_SERVER`` so that ``xlwings.func`` is the Office.js decorator;
``XLWINGS_LICENSE_KEY=noncommercial`` lets ``xlwings.server`` run its Office.js code
path here (xlwings Server's non-commercial key; nothing here depends on it otherwise).
"""

from __future__ import annotations

import json
import os
import sys
import time


async def main(request_path: str) -> str:
    request = json.load(open(request_path))
    os.environ.update(request.get("env", {}))
    started = time.perf_counter()
    import talentneeds.udfs as udfs
    import_s = time.perf_counter() - started

    import numpy as np
    import xlwings
    import xlwings.server as server

    import lite_cases

    answer = {
        "platform": sys.platform,
        "intp_bits": np.dtype(np.intp).itemsize * 8,
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "xlwings": xlwings.__version__},
        "import_udfs_s": import_s,
        "plain": lite_cases.nan_free(lite_cases.run_plain(udfs)),
        "office_js": lite_cases.nan_free(await lite_cases.run_office_js(udfs, server, xlwings.__version__)),
        "meta": server.custom_functions_meta(udfs),
        "engine_modules_loaded": sorted(m for m in sys.modules
                                        if m.partition(".")[0] in ("openpyxl", "formulas", "scipy", "defusedxml")),
    }
    return json.dumps(answer)
