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

import pytest

import lite_cases
from harness import HarnessMissing, run_in_pyodide
from talentneeds import udfs
from talentneeds.excel.boundary import specs

XLWINGS = {"lite-default": "0.33.20", "classic": "0.37.8"}


@pytest.fixture(scope="module")
def demo_calls() -> list:
    """Every call of our functions in one recalculation of the template (bench.lite)."""
    from bench.lite import record_calls_in_child

    return record_calls_in_child()


@pytest.fixture(scope="module", params=list(XLWINGS), ids=list(XLWINGS))
def pyodide(request, dist, demo_calls, tmp_path_factory):
    try:
        answer, timings = run_in_pyodide(dist["wheel"], tmp_path_factory.mktemp("lite"), XLWINGS[request.param],
                                         calls=demo_calls, repeats=1)
    except HarnessMissing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Pyodide tests cannot run in CI: {missing}")
        pytest.skip(str(missing))
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
    assert len(pyodide["meta"]["functions"]) == 22


def test_no_engine_module_is_imported(pyodide):
    assert pyodide["engine_modules_loaded"] == []


def test_all_22_functions_are_called(cpython):
    assert len({name for _, name, _ in lite_cases.CASES}) == len(specs(udfs)) == 22
    names = {key: name for key, name, _ in lite_cases.CASES}
    with_value = {names[key] for key, r in cpython.items() if "value" in r}
    with_error = {names[key] for key, r in cpython.items() if "error" in r}
    assert len(with_value) == 22  # every function computes something
    assert len(with_error) == 22  # and refuses something, with its message


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


def test_one_recalculation_of_the_template_gives_what_cpython_gives(pyodide, demo_calls):
    """Every call the template makes in a recalculation, with its recorded arguments."""
    assert len(demo_calls) == len(pyodide["recalculation"]["results"]) > 50
    expected = json.loads(json.dumps(lite_cases.nan_free(
        [lite_cases.outcome(lambda: getattr(udfs, name)(*args)) for name, args in demo_calls])))
    got = [{k: v for k, v in r.items() if k != "raised"} for r in pyodide["recalculation"]["results"]]
    assert got == expected
    assert not any("error" in r for r in expected)  # the template computes without an error cell
