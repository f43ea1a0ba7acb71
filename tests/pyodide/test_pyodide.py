"""The Excel functions in xlwings Lite's own runtime: Pyodide 0.27.7 (32-bit WebAssembly)
under Node, the wheel this checkout builds installed with micropip next to a pinned
xlwings, exactly as Lite installs a workbook's requirements.txt.

Every case of lite_cases.py runs there and in this process, and the answers must be
identical: values, error messages, seeded percentiles. The same cases also go through
xlwings' Office.js code path (``xlwings.server.custom_functions_call``) in Pyodide.

The harness is put together by ``make pyodide`` (tests/pyodide/provision.py). Without it
these tests skip here and fail in CI (CI=true), where .ci/run provisions it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import lite_cases
from talentneeds import udfs
from talentneeds.cli import main
from talentneeds.excel.boundary import specs

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
XLWINGS = {"lite-default": "0.33.20", "classic": "0.37.8"}
ENV = {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}


def harness_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (CACHE / "ready.json").exists() or not (HERE / "node_modules" / "pyodide").is_dir():
        return "the Pyodide harness is not provisioned: run `make pyodide`"
    return None


def run_in_pyodide(wheel: Path, xlwings_version: str, folder: Path, **request) -> tuple[dict, dict]:
    """Run driver.py in Pyodide: Lite's xlwings pin, then the requirements.txt and main.py
    that ``talentneeds lite`` writes for this wheel."""
    missing = harness_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Pyodide tests cannot run in CI: {missing}")
        pytest.skip(missing)
    xlwings_wheel = CACHE / "wheels" / f"xlwings-{xlwings_version}-py3-none-any.whl"
    assert main(["lite", "--wheel", f"emfs:/wheels/{wheel.name}", "--xlwings", xlwings_version,
                 "-o", str(folder)]) == 0
    request_path = folder / "request.json"
    request_path.write_text(json.dumps({
        "env": ENV, "xlwings_wheel": f"emfs:/wheels/{xlwings_wheel.name}",
        "requirements": (folder / "requirements.txt").read_text(), "main_py": (folder / "main.py").read_text(),
        **request}))
    proc = subprocess.run(["node", str(HERE / "run.mjs"), str(CACHE / "index"), str(request_path),
                           str(xlwings_wheel), str(wheel)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-5000:]
    *_, answer, timings = proc.stdout.strip().splitlines()
    return json.loads(answer), json.loads(timings)


@pytest.fixture(scope="module", params=list(XLWINGS), ids=list(XLWINGS))
def pyodide(request, dist, tmp_path_factory):
    answer, timings = run_in_pyodide(dist["wheel"], XLWINGS[request.param],
                                     tmp_path_factory.mktemp("pyodide"))
    answer["node"] = timings
    return answer


@pytest.fixture(scope="module")
def cpython() -> dict:
    """The same cases in this process (64-bit numpy), compared as JSON as Pyodide's are."""
    return json.loads(json.dumps(lite_cases.nan_free(lite_cases.run_plain(udfs))))


def test_it_is_the_runtime_lite_runs(pyodide, request):
    assert pyodide["platform"] == "emscripten"
    assert pyodide["intp_bits"] == 32  # the reason the bincount fix exists
    assert pyodide["versions"]["python"].startswith("3.12.")
    assert pyodide["versions"]["numpy"] == "2.0.2"
    assert pyodide["versions"]["xlwings"] in XLWINGS.values()
    assert pyodide["versions"]["talentneeds"] == __import__("talentneeds").__version__


def test_the_lite_files_install_the_package_and_register_the_functions(pyodide):
    """requirements.txt and main.py from ``talentneeds lite``, used as Lite uses them:
    micropip installs the lines, main.py's functions are what Office.js is told about."""
    assert pyodide["installed_bytes"]["talentneeds"] > 0
    assert len(pyodide["meta"]["functions"]) == 18


def test_no_engine_module_is_imported(pyodide):
    assert pyodide["engine_modules_loaded"] == []


def test_all_18_functions_are_called(cpython):
    assert len({name for _, name, _ in lite_cases.CASES}) == len(specs(udfs)) == 18
    names = {key: name for key, name, _ in lite_cases.CASES}
    with_value = {names[key] for key, r in cpython.items() if "value" in r}
    with_error = {names[key] for key, r in cpython.items() if "error" in r}
    assert len(with_value) == 18  # every function computes something
    assert len(with_error) == 18  # and refuses something, with its message


@pytest.mark.parametrize("key", [key for key, _, _ in lite_cases.CASES])
def test_same_answer_as_cpython(pyodide, cpython, key):
    got, expected = dict(pyodide["plain"][key]), cpython[key]
    if "error" in expected:
        # Lite shows an error as the cell's error value: raised as xlwings' error type
        assert got.pop("raised") == "XlwingsError"
    assert got == expected


@pytest.mark.parametrize("key", [key for key, _, _ in lite_cases.CASES])
def test_office_js_path_gives_the_same_answer(pyodide, cpython, key):
    got, expected = pyodide["office_js"][key], cpython[key]
    if "error" in expected:
        assert got == {"error": expected["error"], "raised": "XlwingsError"}
    else:
        value = expected["value"]
        assert got == {"value": value if isinstance(value, list) else [[value]]}


def test_values_worked_out_by_hand(pyodide):
    plain = pyodide["plain"]
    assert plain["amp_4_high"] == {"value": 8.0}        # 4 teams x 2 Amplifiers
    assert plain["it_hires_4_2"] == {"value": 32.0}     # 4 x 7.5 + 2 promoted backfilled
    assert plain["internal_45352"] == {"value": 1.0}    # Ada has exactly one year: not yet
    assert plain["internal_45353"] == {"value": 2.0}    # a day later she is a candidate
    # one team: 1 or 2 Amplifiers, 5 to 10 Iterators: P10 and P90 are the ends
    assert plain["needs_1"] == {"value": [["Archetype", "P10", "P90"], ["Amplifier", 1.0, 2.0],
                                          ["Iterator", 5.0, 10.0], ["Connector", 0.0, 0.0]]}


def test_office_js_metadata_lists_our_18_functions(pyodide):
    functions = {f["id"]: f for f in pyodide["meta"]["functions"]}
    expected = {spec.name: spec for spec in specs(udfs)}
    assert set(functions) == set(expected)
    for name, spec in expected.items():
        assert functions[name]["description"] == spec.description
        assert [p["name"] for p in functions[name]["parameters"]] == [a.name for a in spec.args]
