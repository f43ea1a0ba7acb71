"""Drive Pyodide under Node the way xlwings Lite uses a workbook's files (shared by the
tests in this folder and by ``bench.lite``).

The wheel of this checkout is built with ``python -m build`` (no network), the workbook's
requirements.txt and main.py are written by ``talentneeds lite`` for that wheel, and
run.mjs + driver.py install and import them in Pyodide. The harness itself (Pyodide,
its numpy and pandas, xlwings wheels) is put together by ``make pyodide``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = HERE / ".cache"
LITE_XLWINGS = "0.33.20"
ENV = {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}


class HarnessMissing(RuntimeError):
    """Pyodide cannot run here; the message says what is missing."""


def harness_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (CACHE / "ready.json").exists() or not (HERE / "node_modules" / "pyodide").is_dir():
        return "the Pyodide harness is not provisioned: run `make pyodide`"
    return None


def build_wheel(out: Path) -> dict[str, Path]:
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"python -m build failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise RuntimeError(f"expected one wheel and one sdist in {out}: {sorted(p.name for p in out.iterdir())}")
    return {"wheel": wheels[0], "sdist": sdists[0]}


def run_in_pyodide(wheel: Path, folder: Path, xlwings_version: str = LITE_XLWINGS, **request) -> tuple[dict, dict]:
    """Run driver.py in Pyodide with Lite's xlwings pin and the requirements.txt and
    main.py that ``talentneeds lite`` writes for ``wheel``; its answer and Node's timings."""
    from talentneeds.lite import lite_files, write_lite_files

    missing = harness_missing()
    if missing:
        raise HarnessMissing(missing)
    xlwings_wheel = CACHE / "wheels" / f"xlwings-{xlwings_version}-py3-none-any.whl"
    files = lite_files(wheel=f"emfs:/wheels/{wheel.name}", xlwings_version=xlwings_version)
    write_lite_files(folder, files)
    request_path = folder / "request.json"
    request_path.write_text(json.dumps({
        "env": ENV, "xlwings_wheel": f"emfs:/wheels/{xlwings_wheel.name}",
        "requirements": (folder / "requirements.txt").read_text(), "main_py": (folder / "main.py").read_text(),
        **request}))
    proc = subprocess.run(["node", str(HERE / "run.mjs"), str(CACHE / "index"), str(request_path),
                           str(xlwings_wheel), str(wheel)], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"Pyodide run failed:\n{proc.stderr[-5000:]}")
    *_, answer, timings = proc.stdout.strip().splitlines()
    return json.loads(answer), json.loads(timings)
