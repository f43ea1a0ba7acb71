"""What a user installs: the wheel's metadata, and the Excel functions without the engine.

xlwings Lite installs the wheel with micropip into Pyodide, next to the xlwings its own
workbook pins (0.33.20 for a new one): so the unconditional requirements must be what
the Excel functions import and an xlwings range that pin satisfies, and the wheel must be
pure Python. The workbook engine (openpyxl, formulas -> scipy, defusedxml) is an extra.
"""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

HERE = Path(__file__).resolve().parent
ENGINE_MODULES = ("openpyxl", "formulas", "schedula", "scipy", "defusedxml")

# Installed in a child process before anything else: importing any of ENGINE_MODULES fails
# as it does where they are not installed.
BLOCKER = """
import sys
from importlib.abc import MetaPathFinder
BLOCKED = set(sys.argv[1].split(","))
class Blocker(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(archive.read(name))


def _run_blocked(code: str, blocked=ENGINE_MODULES, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("XLWINGS_ON_SERVER", "XLWINGS_LICENSE_KEY")}
    return subprocess.run([sys.executable, "-c", BLOCKER + code, ",".join(blocked)], capture_output=True,
                          text=True, timeout=120, env=env, cwd=cwd)


def test_the_wheel_is_pure_python_with_pep_639_licence(dist):
    wheel = dist["wheel"]
    assert wheel.name.endswith("-py3-none-any.whl")
    meta = _metadata(wheel)
    assert Version(meta["Metadata-Version"]) >= Version("2.4")
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["License"] is None  # the deprecated free-text field is gone
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dll", ".dylib"))]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_unconditional_requirements_fit_lite(dist):
    meta = _metadata(dist["wheel"])
    unconditional = [Requirement(r) for r in meta.get_all("Requires-Dist") if ";" not in r]
    assert sorted(r.name for r in unconditional) == ["numpy", "pandas", "xlwings"]
    xlwings = next(r for r in unconditional if r.name == "xlwings")
    # the versions xlwings Lite pins (0.33.20 in new workbooks) up to today's release
    for pinned in ("0.33.0", "0.33.20", "0.35.0", "0.37.8"):
        assert xlwings.specifier.contains(pinned), (pinned, str(xlwings.specifier))
    assert not any(s.operator in ("==", "===") for s in xlwings.specifier)
    # Pyodide 0.27's numpy and pandas (what Lite loads)
    numpy = next(r for r in unconditional if r.name == "numpy")
    pandas = next(r for r in unconditional if r.name == "pandas")
    assert numpy.specifier.contains("2.0.2") and pandas.specifier.contains("2.2.3")


def test_the_engine_and_the_exact_xlwings_are_extras(dist):
    meta = _metadata(dist["wheel"])
    conditional = [Requirement(r) for r in meta.get_all("Requires-Dist") if ";" in r]
    in_extra = {r.name: r for r in conditional}
    for name in ("openpyxl", "formulas", "defusedxml"):
        assert in_extra[name].marker.evaluate({"extra": "workbook"})
        assert not in_extra[name].marker.evaluate({"extra": ""})
    classic = [r for r in conditional if r.name == "xlwings"]
    assert len(classic) == 1 and str(classic[0].specifier) == "==0.37.8"
    assert classic[0].marker.evaluate({"extra": "classic"})


def test_twine_accepts_the_sdist_and_the_wheel(dist):
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(dist["wheel"]),
                           str(dist["sdist"])], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2


def test_the_blocker_blocks():
    proc = _run_blocked("import openpyxl")
    assert proc.returncode != 0 and "blocked by the test" in proc.stderr


def test_the_excel_functions_import_and_run_without_the_engine():
    """All 22 functions on every case, with the engine's modules unimportable: the same
    results as in this process, and none of those modules imported along the way."""
    from talentneeds import udfs
    import lite_cases

    code = f"""
import json, sys
sys.path.insert(0, {str(HERE)!r})
import lite_cases
from talentneeds import udfs
results = lite_cases.nan_free(lite_cases.run_plain(udfs))
loaded = sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED)
print(json.dumps({{"results": results, "loaded": loaded}}))
"""
    proc = _run_blocked(code)
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    assert answer["loaded"] == []
    assert answer["results"] == json.loads(json.dumps(lite_cases.nan_free(lite_cases.run_plain(udfs))))
    assert len({name for _, name, _ in lite_cases.CASES}) == 22


def test_the_command_line_without_the_workbook_extra_says_so_in_one_line(tmp_path):
    code = """
from talentneeds.cli import main
raise SystemExit(main(["template", "-o", "plan.xlsx"]))
"""
    proc = _run_blocked(code, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == ("talentneeds: this command needs the workbook extra (openpyxl is not installed): "
                           "pip install 'talentneeds[workbook]'\n")
    assert not (tmp_path / "plan.xlsx").exists()
    functions = _run_blocked('from talentneeds.cli import main\nraise SystemExit(main(["functions"]))')
    assert functions.returncode == 0 and "NEEDS_DISTRIBUTION(" in functions.stdout
