"""The Excel functions under the real runtimes' code paths, not just plain Python.

* Office.js (xlwings Server's code path, the same one xlwings Lite runs): a child
  process with ``XLWINGS_ON_SERVER=true`` imports ``talentneeds.udfs`` -- so
  ``xlwings.func``/``xlwings.arg`` are the Office.js decorators -- and runs
  ``xlwings.server.custom_functions_meta`` and ``custom_functions_call`` with the
  payload the Office.js add-in posts (every argument a 2-D list; dates as serials).
* Classic xlwings (Windows): a child process stubs pywin32 (``pythoncom``,
  ``pywintypes``, ``win32com.client``) so that ``xlwings.udfs`` imports on any OS,
  applies its ``xlfunc``/``xlarg`` through ``register_with_xlwings`` and runs
  ``generate_vba_wrapper`` (the VBA module "Import Python UDFs" writes) and
  ``import_udfs`` against a fake workbook that records what would be sent to Excel.

Both runtimes run in subprocesses: their environment variables and the attributes
they set on the functions must not leak into this process or other tests. This
process stays plain Python, where errors come back as strings.

Expected figures are worked out by hand from the source's ranges: 1-2 Amplifiers and
5-10 Iterators per team, 0 Connectors by default, span of control 5-10, a manager
responsible for half the team's output; "mid" is the midpoint of each range.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import xlwings

import talentneeds.udfs as udfs
from talentneeds.excel.boundary import specs

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_ENV = ("XLWINGS_ON_SERVER", "XLWINGS_LICENSE_KEY")

# name -> its Excel arguments in order, (argument, optional?) -- written out by hand.
SIGNATURES = {
    "AMPLIFIERS_NEEDED": [("teams", False), ("point", True), ("low", True), ("high", True)],
    "ITERATORS_NEEDED": [("teams", False), ("point", True), ("low", True), ("high", True)],
    "CONNECTORS_NEEDED": [("teams", False), ("point", True), ("low", True), ("high", True)],
    "TEAM_NEEDS": [("teams", False), ("header", True), ("per_team", True)],
    "ITERATOR_CAPACITY": [("amplifiers", False), ("point", True), ("span_low", True),
                          ("span_high", True)],
    "ITERATOR_HEADROOM": [("amplifiers", False), ("iterators", False), ("point", True),
                          ("span_low", True), ("span_high", True)],
    "AMPLIFIERS_FOR": [("iterators", False), ("point", True), ("span_low", True),
                       ("span_high", True)],
    "MANAGER_LEVERAGE": [("point", True), ("output_share", True), ("fill_rate", True),
                         ("counterfactual_share", True), ("span_low", True), ("span_high", True)],
    "INTERNAL_AMPLIFIERS": [("roster", False), ("as_of", True), ("min_tenure_years", True),
                            ("soft_skills_required", True), ("take_up", True), ("catalog", True)],
    "AMPLIFIER_HIRES": [("teams", False), ("internal", True), ("point", True), ("low", True),
                        ("high", True)],
    "ITERATOR_HIRES": [("teams", False), ("promoted", True), ("point", True), ("low", True),
                       ("high", True), ("amplifiers_low", True), ("amplifiers_high", True)],
    "BOTTLENECK": [("amplifiers", False), ("iterators", False), ("connectors", True),
                   ("point", True), ("per_team", True)],
    "COHORT_MIX": [("cohort_size", False), ("amplifiers", False), ("iterators", False),
                   ("connectors", True), ("weighting", True)],
    "ARCHETYPE": [("role_title", False), ("catalog", True)],
    "HIRING_PLAN": [("schedule", False), *[(name, True) for name in (
        "roster", "as_of", "point", "per_team", "span_low", "span_high", "time_to_hire", "attrition",
        "ramp_quarters", "min_tenure_years", "soft_skills_required", "take_up", "promote", "pool_factor",
        "connectors_shared_by", "catalog", "quarters")]],
    "NEEDS_DISTRIBUTION": [("teams", False), ("percentiles", True), ("trials", True), ("seed", True),
                           ("per_team", True), ("distribution", True)],
    "PLAN_HEADLINE": [("plan", False), ("labels", True)],
    "PLAN_DISTRIBUTION": [("schedule", False), *[(name, True) for name in (
        "percentiles", "trials", "seed", "distribution", "roster", "as_of", "per_team", "span_low", "span_high",
        "time_to_hire", "attrition", "ramp_quarters", "min_tenure_years", "soft_skills_required", "take_up",
        "promote", "pool_factor", "connectors_shared_by", "catalog", "quarters")]],
    "QUARTER_LABELS": [("start", False), ("quarters", False)],
    "PROMOTION_CANDIDATES": [("roster", False), ("as_of", True), ("min_tenure_years", True),
                             ("soft_skills_required", True), ("catalog", True)],
    "PLAN_COST": [("plan", False), ("annual_cost", False), ("hire_cost", True)],
    "UNKNOWN_TITLES": [("roster", False), ("catalog", True)],
}
# The range arguments, which must arrive as 2-D lists (xlwings option ndim=2).
TABLE_ARGS = {
    "TEAM_NEEDS": {"per_team"},
    "INTERNAL_AMPLIFIERS": {"roster", "catalog"},
    "BOTTLENECK": {"per_team"},
    "ARCHETYPE": {"catalog"},
    "HIRING_PLAN": {"schedule", "roster", "per_team", "time_to_hire", "attrition", "catalog"},
    "NEEDS_DISTRIBUTION": {"percentiles", "per_team"},
    "PLAN_HEADLINE": {"plan"},
    "PLAN_DISTRIBUTION": {"schedule", "percentiles", "roster", "per_team", "time_to_hire", "attrition", "catalog"},
    "PROMOTION_CANDIDATES": {"roster", "catalog"},
    "PLAN_COST": {"plan", "annual_cost", "hire_cost"},
    "UNKNOWN_TITLES": {"roster", "catalog"},
}
FUNCTION_COUNT = len(SIGNATURES)  # 14 of DESIGN section 3, 4 of the plan issue, 4 of issue 15
EXCEL_NAMES = {name.upper() for name in SIGNATURES}
SPECS = {spec.name: spec for spec in specs(udfs)}


def _run_child(script: str, request: object, env_updates: dict[str, str]) -> dict:
    """Run ``script`` in a fresh interpreter; it reads ``request`` (JSON) on stdin and
    writes its JSON answer to the file named by argv[1] (stdout is left to xlwings)."""
    env = {k: v for k, v in os.environ.items() if k not in RUNTIME_ENV}
    env.update(env_updates)  # for the child only; os.environ is not touched
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "answer.json"
        proc = subprocess.run([sys.executable, "-c", script, str(out)], input=json.dumps(request),
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, f"child failed:\n{proc.stdout}\n{proc.stderr}"
        return json.loads(out.read_text())


def test_signature_table_above_matches_the_specs():
    """The hand-written table is the reference both runtimes are checked against."""
    assert set(SPECS) == EXCEL_NAMES and len(SPECS) == FUNCTION_COUNT == 22
    for name, args in SIGNATURES.items():
        spec = SPECS[name.upper()]
        assert [(a.name, a.optional) for a in spec.args] == args
        assert {a.name for a in spec.args if a.table} == TABLE_ARGS.get(name, set())


# ============================================================== Office.js (xlwings Server)

OFFICE_JS_CHILD = r'''
import asyncio, json, sys
import xlwings, xlwings.server
import talentneeds.udfs as udfs
from talentneeds.excel import boundary

request = json.load(sys.stdin)
results = {}
for key, (func_name, args) in request.items():
    data = {"func_name": func_name, "args": args, "version": xlwings.__version__,
            "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US",
            "date_format": "yyyy-mm-dd", "caller_address": "Sheet1!A1"}
    try:
        results[key] = {"value": asyncio.run(xlwings.server.custom_functions_call(data, udfs))}
    except Exception as error:
        results[key] = {"raised": type(error).__name__,
                        "is_xlwings_error": isinstance(error, xlwings.XlwingsError),
                        "message": str(error)}
answer = {
    "meta": xlwings.server.custom_functions_meta(udfs),
    "results": results,
    "office_js_runtime": boundary.office_js_runtime(),
    "decorator_module": xlwings.func.__module__,
}
with open(sys.argv[1], "w") as f:
    json.dump(answer, f)
'''

# The roster range as Office.js sends it: the header row, then start dates as Excel
# serial numbers and soft skills as a boolean or text.
# Excel serials count days from 1899-12-30 (for serials > 60, because Excel keeps a
# 29 February 1900 that never was):
#   44986 = 2023-03-01 (2023-01-01 is serial 44927; + 31 Jan + 28 Feb days = 44986)
#   44000 = 2020-06-18 (2020-01-01 is serial 43831; + 31+29+31+30+31 days to 1 June,
#           + 17 = 44000)
#   45352 = 2024-03-01 (44986 + 366: the year from 2023-03-01 holds 29 February 2024)
#   45353 = 2024-03-02
# The Research Engineer (an Iterator) has exactly one year of tenure on 2024-03-01,
# which is not *more* than one year, and more than a year on 2024-03-02; the Research
# Scientist (an Iterator, soft skills "yes") has almost four years on either day.
ROSTER_SERIALS = [
    ["Name", "Role", "Start date", "Soft skills"],
    ["Ada", "Research Engineer", 44986, True],
    ["Bo", "Research Scientist", 44000, "yes"],
]
ROSTER_DATES = [  # the same roster as classic xlwings passes it (pywin32 gives datetimes)
    ["Name", "Role", "Start date", "Soft skills"],
    ["Ada", "Research Engineer", dt.datetime(2023, 3, 1), True],
    ["Bo", "Research Scientist", dt.datetime(2020, 6, 18), "yes"],
]
PER_TEAM = [["Amplifier", 1, 2], ["Iterator", 5, 10], ["Connector", 1, 1]]
# How a date reaches a custom function as a "formatted number" (CustomFunctionsRuntime
# 1.4 with allowCustomDataForDataTypeAny, which xlwings' metadata turns on), e.g. the
# result of another xlwings function that returned a date.
FORMATTED_45353 = {"type": "FormattedNumber", "basicValue": 45353, "numberFormat": "yyyy-mm-dd"}
NA_ERROR = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}

# key -> (python name, args as Office.js posts them, args as plain Python/classic passes them)
CALLS = {
    "amplifiers_needed_4_high": ("AMPLIFIERS_NEEDED", [[[4]], [["high"]]], (4, "high")),
    "iterator_capacity_1_low": ("ITERATOR_CAPACITY", [[[1]], [["low"]]], (1, "low")),
    "iterators_needed_2": ("ITERATORS_NEEDED", [[[2]]], (2,)),
    "amplifiers_for_30_low": ("AMPLIFIERS_FOR", [[[30]], [["low"]]], (30, "low")),
    "manager_leverage_no_args": ("MANAGER_LEVERAGE", [], ()),
    "archetype_research_engineer": ("ARCHETYPE", [[["Research Engineer"]]], ("Research Engineer",)),
    # optional arguments left out in the different ways Office.js can deliver them
    "omitted_as_null": ("AMPLIFIERS_NEEDED", [[[4]], None, None, None], (4, None, None, None)),
    "blank_cell_null": ("AMPLIFIERS_NEEDED", [[[4]], [[None]]], (4, None)),
    "blank_cell_empty_text": ("AMPLIFIERS_NEEDED", [[[4]], [[""]]], (4, "")),
    "trailing_args_absent": ("AMPLIFIERS_NEEDED", [[[4]]], (4,)),
    # tables
    "team_needs_3": ("TEAM_NEEDS", [[[3]]], (3,)),
    "team_needs_2_per_team": ("TEAM_NEEDS", [[[2]], [[False]], PER_TEAM], (2, False, PER_TEAM)),
    "cohort_mix_30": ("COHORT_MIX", [[[30]], [[4.5]], [[22.5]]], (30, 4.5, 22.5)),
    "bottleneck_4_30": ("BOTTLENECK", [[[4]], [[30]]], (4, 30)),
    # bad input
    "teams_abc": ("AMPLIFIERS_NEEDED", [[["abc"]]], ("abc",)),
    "teams_blank": ("AMPLIFIERS_NEEDED", [[[None]]], (None,)),
    "teams_true": ("AMPLIFIERS_NEEDED", [[[True]]], (True,)),
    "teams_two_cells": ("AMPLIFIERS_NEEDED", [[[1, 2]]], ([[1, 2]],)),
    "teams_na_error": ("AMPLIFIERS_NEEDED", [[[NA_ERROR]]], ("#N/A",)),
    # dates as serial numbers
    "roster_as_of_45352": ("INTERNAL_AMPLIFIERS", [ROSTER_SERIALS, [[45352]]],
                           (ROSTER_DATES, dt.datetime(2024, 3, 1))),
    "roster_as_of_45353": ("INTERNAL_AMPLIFIERS", [ROSTER_SERIALS, [[45353]]],
                           (ROSTER_DATES, dt.datetime(2024, 3, 2))),
    "roster_as_of_formatted": ("INTERNAL_AMPLIFIERS", [ROSTER_SERIALS, [[FORMATTED_45353]]],
                               (ROSTER_DATES, dt.datetime(2024, 3, 2))),
}


@pytest.fixture(scope="module")
def office_js():
    request = {key: [name, args] for key, (name, args, _) in CALLS.items()}
    answer = _run_child(OFFICE_JS_CHILD, request,
                        {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"})
    assert answer["office_js_runtime"] is True
    assert answer["decorator_module"] == "xlwings.pro.udfs_officejs"
    return answer


def _office_js(office_js, key):
    return office_js["results"][key]


def _plain(key):
    name, _, plain_args = CALLS[key]
    return getattr(udfs, name)(*plain_args)


def _as_office_js_result(plain):
    """Office.js results are always a matrix: a scalar x comes back as [[x]]."""
    return plain if isinstance(plain, list) else [[plain]]


def test_the_test_process_itself_stays_plain_python():
    assert not any(name in os.environ for name in RUNTIME_ENV)
    assert not hasattr(udfs.AMPLIFIERS_NEEDED, "__xlfunc__")  # xw.func is a no-op here
    assert udfs.AMPLIFIERS_NEEDED("abc") == '#VALUE! teams must be a number >= 0, got "abc"'


def test_office_js_metadata_lists_exactly_the_twenty_one_functions(office_js):
    functions = office_js["meta"]["functions"]
    ids = [f["id"] for f in functions]
    assert len(ids) == FUNCTION_COUNT and set(ids) == EXCEL_NAMES == set(SPECS)
    assert all(re.fullmatch(r"[A-Z]+(_[A-Z]+)*", i) for i in ids)
    # no namespace: the name Excel shows is the id
    assert [f["name"] for f in functions] == ids


def test_office_js_metadata_carries_our_descriptions_and_optional_flags(office_js):
    for function in office_js["meta"]["functions"]:
        spec = SPECS[function["id"]]
        assert function["description"] == spec.description
        params = function["parameters"]
        assert [(p["name"], p.get("optional", False)) for p in params] \
            == SIGNATURES[spec.python_name]
        assert [p["description"] for p in params] == [a.description for a in spec.args]
        # a required parameter has no "optional" key at all (not optional: false)
        assert all(p["optional"] is True for p in params if "optional" in p)
        assert not any(p.get("repeating") for p in params)
    assert office_js["meta"]["functions"][0]["result"] == {"dimensionality": "matrix", "type": "any"}


@pytest.mark.parametrize("key, expected", [
    ("amplifiers_needed_4_high", 8.0),       # 4 teams x 2 Amplifiers (high end of 1-2)
    ("iterator_capacity_1_low", 5.0),        # 1 Amplifier x span 5 (low end of 5-10)
    ("iterators_needed_2", 15.0),            # 2 teams x 7.5 (mid of 5-10)
    ("amplifiers_for_30_low", 6.0),          # 30 Iterators / narrow span 5
    ("manager_leverage_no_args", 3.75),      # 0.5 output share x 7.5 span x 1 x 1
    ("archetype_research_engineer", "Iterator"),
])
def test_office_js_scalar_results_match_plain_python(office_js, key, expected):
    assert _plain(key) == expected
    assert _office_js(office_js, key) == {"value": [[expected]]}


@pytest.mark.parametrize("key", ["omitted_as_null", "blank_cell_null", "blank_cell_empty_text",
                                 "trailing_args_absent"])
def test_office_js_blank_or_omitted_optionals_take_the_defaults(office_js, key):
    # 4 teams x 1.5 Amplifiers (mid of 1-2): point defaults to "mid"
    assert _plain(key) == 6.0
    assert _office_js(office_js, key) == {"value": [[6.0]]}


TEAM_NEEDS_3 = [
    ["Archetype", "Low", "Mid", "High"],
    ["Amplifier", 3.0, 4.5, 6.0],       # 3 teams x 1, 1.5, 2
    ["Iterator", 15.0, 22.5, 30.0],     # 3 teams x 5, 7.5, 10
    ["Connector", 0.0, 0.0, 0.0],       # 0 per team by default
]
TEAM_NEEDS_2_PER_TEAM = [  # no header; Connectors 1-1 per team from the per_team range
    ["Amplifier", 2.0, 3.0, 4.0],
    ["Iterator", 10.0, 15.0, 20.0],
    ["Connector", 2.0, 2.0, 2.0],
]
COHORT_MIX_30 = [  # 30 seats shared by heads 4.5 : 22.5 : 0, i.e. 1/6 and 5/6
    ["Archetype", "Weight", "Share", "Seats"],
    ["Amplifier", 4.5, pytest.approx(1 / 6), 5.0],
    ["Iterator", 22.5, pytest.approx(5 / 6), 25.0],
    ["Connector", 0.0, 0.0, 0.0],
    ["Total", 27.0, 1.0, 30.0],
]
BOTTLENECK_4_30 = [  # mid needs per team: 1.5 Amplifiers, 7.5 Iterators, 0 Connectors
    ["Archetype", "Available", "Per team", "Teams staffable", "Binding"],
    ["Amplifier", 4.0, 1.5, 2.0, True],      # 4 / 1.5 = 2.67 -> 2 whole teams
    ["Iterator", 30.0, 7.5, 4.0, False],     # 30 / 7.5 = 4
    ["Connector", 0.0, 0.0, "no limit", False],
    ["Bottleneck", "", "", 2.0, "Amplifier"],
]


@pytest.mark.parametrize("key, expected", [
    ("team_needs_3", TEAM_NEEDS_3),
    ("team_needs_2_per_team", TEAM_NEEDS_2_PER_TEAM),
    ("cohort_mix_30", COHORT_MIX_30),
    ("bottleneck_4_30", BOTTLENECK_4_30),
])
def test_office_js_table_results_match_plain_python(office_js, key, expected):
    plain = _plain(key)
    assert plain == expected
    # a table is already a matrix: the runtime passes it through unwrapped
    assert _office_js(office_js, key) == {"value": _as_office_js_result(plain)}


@pytest.mark.parametrize("key, message", [
    ("teams_abc", '#VALUE! teams must be a number >= 0, got "abc"'),
    ("teams_blank", "#VALUE! teams is required: a number >= 0, got a blank cell"),
    ("teams_true", "#VALUE! teams must be a number >= 0, got TRUE"),
    ("teams_two_cells", "#VALUE! teams must be a single cell, got a range of 1 x 2 cells"),
])
def test_office_js_bad_input_raises_xlwings_error_with_the_plain_python_message(
        office_js, key, message):
    assert _plain(key) == message  # plain Python returns the message as the cell value
    assert _office_js(office_js, key) == {"raised": "XlwingsError", "is_xlwings_error": True,
                                          "message": message}


def test_office_js_error_value_in_an_argument_passes_on_as_that_error(office_js):
    # xlwings declares allowErrorForDataTypeAny, so Excel passes an #N/A argument to the
    # function instead of propagating it. Without err_to_str, xlwings' officejs engine
    # turns it into None -- a blank, which would quietly take an optional argument's
    # default. With err_to_str it arrives as "#N/A" and the function passes it on.
    assert _office_js(office_js, "teams_na_error") == {
        "raised": "XlwingsError", "is_xlwings_error": True,
        "message": "#N/A teams comes from a cell that shows #N/A; fix that cell first"}


def test_excel_serials_used_here_are_the_dates_in_the_comments():
    epoch = dt.date(1899, 12, 30)
    assert dt.date(2023, 1, 1) - epoch == dt.timedelta(days=44927)
    assert epoch + dt.timedelta(days=44927 + 31 + 28) == dt.date(2023, 3, 1)
    assert dt.date(2020, 1, 1) - epoch == dt.timedelta(days=43831)
    assert epoch + dt.timedelta(days=43831 + 31 + 29 + 31 + 30 + 31 + 17) == dt.date(2020, 6, 18)
    for serial, date in [(44986, dt.date(2023, 3, 1)), (44000, dt.date(2020, 6, 18)),
                         (45352, dt.date(2024, 3, 1)), (45353, dt.date(2024, 3, 2))]:
        assert epoch + dt.timedelta(days=serial) == date
        # and xlwings' own conversion agrees
        assert xlwings.utils.datetime_to_xlserial(dt.datetime.combine(date, dt.time())) == serial
    assert 45352 - 44986 == 366


@pytest.mark.parametrize("key, expected", [
    ("roster_as_of_45352", 1.0),       # Ada has exactly one year: not yet a candidate
    ("roster_as_of_45353", 2.0),       # a day later she is
    ("roster_as_of_formatted", 2.0),   # as_of 45353 as a formatted number
])
def test_office_js_dates_arrive_as_serial_numbers(office_js, key, expected):
    # plain Python is given the same roster with datetimes, as classic xlwings passes it
    assert _plain(key) == expected
    assert _office_js(office_js, key) == {"value": [[expected]]}


# ============================================================== classic xlwings (VBA)

CLASSIC_CHILD = r'''
import io, json, sys, types

# xlwings/udfs.py imports these at module top; they exist only with pywin32 on Windows.
# Stand-ins with just the names it uses (CoInitialize runs only when a thread starts,
# com_error only in except clauses that a fake workbook never triggers).
class com_error(Exception):
    pass

stubs = {name: types.ModuleType(name)
         for name in ("pythoncom", "pywintypes", "win32com", "win32com.client")}
stubs["pythoncom"].CoInitialize = lambda: None
stubs["pywintypes"].com_error = com_error
stubs["win32com.client"].Dispatch = lambda *args, **kwargs: None
stubs["win32com"].client = stubs["win32com.client"]
sys.modules.update(stubs)

import xlwings
import xlwings.udfs
import talentneeds.udfs as udfs
from talentneeds.excel import boundary

answer = {"pro": xlwings.__pro__,
          "had_xlfunc_before": [s.python_name for s in boundary.specs(udfs)
                                if hasattr(getattr(udfs, s.python_name), "__xlfunc__")]}
same_object = []
for spec in boundary.specs(udfs):
    f = getattr(udfs, spec.python_name)
    g = boundary.register_with_xlwings(f, spec, func=xlwings.udfs.xlfunc, arg=xlwings.udfs.xlarg)
    same_object.append(g is f)
answer["register_returns_the_same_function"] = all(same_object)


class Workbook:
    """What import_udfs and generate_vba_wrapper touch of a COM Workbook."""
    def __init__(self, name):
        self.Name = name
        self.imported = []
        self.macro_options = []
        workbook = self

        class VBComponents:
            def __call__(self, name):
                return name
            def Remove(self, component):
                pass
            def Import(self, path):
                with open(path) as f:
                    workbook.imported.append(f.read())

        class Application:
            Version = "16.0"
            def MacroOptions(self, macro, **options):
                workbook.macro_options.append(dict(options, Macro=macro))

        self.VBProject = types.SimpleNamespace(VBComponents=VBComponents())
        self.Application = Application()


for name in ("TalentNeeds.xlsm", "TalentNeeds.xlam"):
    buffer = io.StringIO()
    xlwings.udfs.generate_vba_wrapper("talentneeds.udfs", udfs, buffer, Workbook(name))
    answer["vba " + name] = buffer.getvalue()

# import_udfs imports a module through get_udf_module, which needs COM for a first
# import (it looks for embedded code in the workbook); seed its cache as after a first
# call. filetime None means "not reloadable", so the cached module is used as is.
xlwings.udfs.udf_modules["talentneeds.udfs"] = {"filename": udfs.__file__, "filetime": None,
                                                "module": udfs}
workbook = Workbook("TalentNeeds.xlam")
xlwings.udfs.import_udfs("talentneeds.udfs", workbook)
answer["imported"] = workbook.imported
answer["macro_options"] = workbook.macro_options
answer["xlfunc"] = {s.python_name: {k: v for k, v in getattr(udfs, s.python_name).__xlfunc__.items()
                                    if k != "argmap"}
                    for s in boundary.specs(udfs)}
with open(sys.argv[1], "w") as f:
    json.dump(answer, f, default=repr)
'''


@pytest.fixture(scope="module")
def classic():
    answer = _run_child(CLASSIC_CHILD, None, {})
    assert answer["pro"] is False  # no licence key: import_udfs skips the embedded-code map
    return answer


def _vba_functions(vba: str) -> dict[str, tuple[str, str]]:
    """name -> (the argument list of its declaration, its body)."""
    blocks = re.findall(r"^Function (\w+)\(([^\n]*)\)\n(.*?)^End Function$", vba, re.M | re.S)
    names = [name for name, _, _ in blocks]
    assert len(names) == len(set(names))
    return {name: (args, body) for name, args, body in blocks}


def _vba_args(name: str) -> str:
    return ", ".join(f"Optional {a}" if optional else a for a, optional in SIGNATURES[name])


def test_classic_registration_happens_only_in_the_child(classic):
    assert classic["had_xlfunc_before"] == []  # on Linux xw.func/xw.arg are no-ops
    assert classic["register_returns_the_same_function"] is True
    assert not hasattr(udfs.AMPLIFIERS_NEEDED, "__xlfunc__")  # nothing leaked here


@pytest.mark.parametrize("workbook", ["TalentNeeds.xlsm", "TalentNeeds.xlam"])
def test_classic_vba_wrapper_declares_each_function_once_with_its_arguments(classic, workbook):
    vba = classic["vba " + workbook]
    assert vba.count("\nEnd Function\n") == FUNCTION_COUNT
    functions = _vba_functions(vba)
    # classic xlwings names the VBA function after the Python function, so the Python
    # names are the Excel names: Excel shows exactly UPPER_SNAKE
    assert set(functions) == set(SIGNATURES) == set(SPECS)
    for name, (args, _) in functions.items():
        assert args == _vba_args(name), name
    # spot checks, written out in full
    assert functions["AMPLIFIERS_NEEDED"][0] == "teams, Optional point, Optional low, Optional high"
    assert functions["MANAGER_LEVERAGE"][0] == (
        "Optional point, Optional output_share, Optional fill_rate, "
        "Optional counterfactual_share, Optional span_low, Optional span_high")
    assert functions["COHORT_MIX"][0] == (
        "cohort_size, amplifiers, iterators, Optional connectors, Optional weighting")


@pytest.mark.parametrize("workbook, vba_workbook", [("TalentNeeds.xlsm", "ThisWorkbook"),
                                                    ("TalentNeeds.xlam", "ActiveWorkbook")])
def test_classic_vba_wrapper_passes_every_argument_to_python_in_order(classic, workbook, vba_workbook):
    for name, (_, body) in _vba_functions(classic["vba " + workbook]).items():
        array = "Array(" + ", ".join(a for a, _ in SIGNATURES[name]) + ")"
        assert (f'{name} = XLPy.CallUDF("talentneeds.udfs", "{name}", {array}, '
                f"{vba_workbook}, Application.Caller)") in body
        assert f'{name} = XLPy.CallUDF("talentneeds.udfs", "{name}", {array})' in body
        assert f"{name} = Err.Description" in body  # a VBA-side failure shows as text
        assert "Application.Volatile" not in body  # none of them is volatile


VBA_KEYWORDS = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "const", "currency",
    "date", "declare", "dim", "do", "double", "each", "else", "elseif", "end", "enum", "eqv",
    "erase", "error", "event", "exit", "false", "for", "friend", "function", "get", "global",
    "gosub", "goto", "if", "imp", "implements", "in", "integer", "is", "let", "like", "long",
    "loop", "lset", "me", "mod", "new", "next", "not", "nothing", "null", "on", "option",
    "optional", "or", "paramarray", "preserve", "private", "public", "raiseevent", "redim",
    "rem", "resume", "return", "rset", "select", "set", "single", "static", "step", "stop",
    "string", "sub", "then", "to", "true", "type", "typeof", "until", "variant", "wend",
    "while", "with", "withevents", "xor",
}


def test_classic_names_are_legal_vba_identifiers(classic):
    # xlwings writes names into the VBA module unchecked; a keyword would break the
    # whole module's compilation, not just one function.
    functions = _vba_functions(classic["vba TalentNeeds.xlam"])
    names = set(functions) | {a for args in SIGNATURES.values() for a, _ in args}
    for name in names:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", name), name
        assert name.lower() not in VBA_KEYWORDS, name


def test_classic_xlfunc_records_category_docs_and_range_arguments(classic):
    for name, xlfunc in classic["xlfunc"].items():
        spec = SPECS[name.upper()]
        assert xlfunc["name"] == name
        assert xlfunc["category"] == "Talent Needs"
        assert xlfunc["ret"]["doc"] == spec.description
        assert xlfunc["sub"] is False and xlfunc["volatile"] is False
        assert xlfunc["call_in_wizard"] is True and xlfunc["async_mode"] is None
        assert [(a["name"], "optional" in a) for a in xlfunc["args"]] == SIGNATURES[name]
        assert [a["doc"] for a in xlfunc["args"]] == [a.description for a in spec.args]
        for a in xlfunc["args"]:
            table = a["name"] in TABLE_ARGS.get(name, set())
            # err_to_str: an error cell reaches the function as "#N/A", not as a blank
            expected = {"ndim": 2, "err_to_str": True} if table else {"err_to_str": True}
            assert a["options"] == expected, (name, a["name"])
            assert a["vba"] is None and a["vararg"] is False


def test_classic_import_udfs_sends_descriptions_and_category_to_excel(classic):
    [module] = classic["imported"]
    assert module.startswith('Attribute VB_Name = "xlwings_udfs"\n')
    assert module.count("\nEnd Function\n") == FUNCTION_COUNT
    assert set(_vba_functions(module)) == set(SIGNATURES)
    options = {o["Macro"]: o for o in classic["macro_options"]}
    assert set(options) == {f"'TalentNeeds.xlam'!{name}" for name in SIGNATURES}
    for name in SIGNATURES:
        spec = SPECS[name.upper()]
        sent = options[f"'TalentNeeds.xlam'!{name}"]
        assert sent["Category"] == "Talent Needs"
        # import_udfs cuts every text at 255 characters, Excel's limit: equality shows
        # that none of ours was cut
        assert sent["Description"] == spec.description
        assert sent["ArgumentDescriptions"] == [a.description for a in spec.args]
