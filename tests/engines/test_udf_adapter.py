"""Our functions inside the formulas engine: arguments as xlwings gives them, results and
error messages back, omitted arguments, and a function table extended by our names only."""

import datetime as dt
import subprocess
import sys

import numpy as np
import pytest
import schedula as sh
from formulas.functions import Array
from formulas.tokens.operand import Error, XlError

from talentneeds import udfs
from talentneeds.engines import udf_adapter
from talentneeds.engines.compat import function_table
from talentneeds.engines.udf_adapter import (
    OMITTED, collecting, in_cell, mark_omitted_arguments, register_excel_functions, to_argument, to_result,
)
from talentneeds.excel.boundary import CellError

OURS = frozenset(udfs.__all__)


def test_arguments_arrive_as_xlwings_passes_them():
    grid = np.array([[1, "x"], [sh.EMPTY, Error.errors["#N/A"]]], object)
    assert to_argument(grid, table=True) == [[1.0, "x"], [None, "#N/A"]]
    assert to_argument(grid) == [[1.0, "x"], [None, "#N/A"]]
    assert to_argument(np.array([[3]], object)) == 3.0 and isinstance(to_argument(np.array([[3]], object)), float)
    assert to_argument(np.array([[3]], object), table=True) == [[3.0]]
    assert to_argument(np.array([[1, 2, 3]], object)) == [1.0, 2.0, 3.0]      # a row: a list
    assert to_argument(np.array([[1], [2]], object)) == [1.0, 2.0]             # a column: a list
    assert to_argument(np.array([[np.True_]], object)) is True
    assert to_argument(np.array([[sh.EMPTY]], object)) is None
    assert to_argument(OMITTED) is None and to_argument(OMITTED, table=True) is None
    assert to_argument("mid") == "mid" and to_argument(0) == 0.0 and to_argument(True) is True


def test_results_come_back_as_engine_values_with_the_message_kept():
    collected = {}
    with collecting(collected), in_cell("'[workbook.xlsx]S'!A1"):
        error = to_result(CellError("#VALUE!", 'teams must be a number >= 0, got "abc"'))
        table = to_result([["Archetype", "Low"], ["Amplifier", 3.0], ["Short"]])
        when = to_result(dt.date(2026, 7, 1))
    assert isinstance(error, XlError) and str(error) == "#VALUE!"
    assert collected == {"'[workbook.xlsx]S'!A1": ['#VALUE! teams must be a number >= 0, got "abc"']}
    assert isinstance(table, Array) and table.shape == (3, 2)
    assert table.tolist()[:2] == [["Archetype", "Low"], ["Amplifier", 3.0]]
    assert table[2, 0] == "Short" and table[2, 1] is Error.errors["#N/A"]  # padded as Excel pads
    assert when == 46204.0
    assert to_result("#hashtag is text") == "#hashtag is text"
    # only the boundary's error value is an error: text that reads like one (a quarter
    # labelled "#N/A x" by its user) stays text
    assert to_result("#N/A x") == "#N/A x"
    assert to_result(4.5) == 4.5 and to_result(True) is True


def test_a_table_placed_in_a_smaller_range_keeps_its_top_left_part():
    table = to_result([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert np.reshape(table, (2, 2)).tolist() == [[1, 2], [4, 5]]
    assert [[str(v) for v in row] for row in np.reshape(table, (2, 4)).tolist()] == [
        ["1", "2", "3", "#N/A"], ["4", "5", "6", "#N/A"]]
    assert np.reshape(table, (1, 9)).tolist() == [[1, 2, 3, 4, 5, 6, 7, 8, 9]]  # same size: a plain reshape
    assert np.reshape(to_result([[1, 2]]), (3, 2)).tolist() == [[1, 2]] * 3  # one row: repeated down


def test_messages_outside_a_calculation_are_dropped():
    assert str(to_result(CellError("#N/A", "unknown role"))) == "#N/A"  # no collector, and no error either


@pytest.mark.parametrize("formula, expected", [
    ("=AMPLIFIERS_NEEDED(3,,1,3)", f'=AMPLIFIERS_NEEDED(3,"{OMITTED}",1,3)'),
    ("=AMPLIFIERS_NEEDED(3,)", f'=AMPLIFIERS_NEEDED(3,"{OMITTED}")'),
    ("=AMPLIFIERS_NEEDED(, ,1)", f'=AMPLIFIERS_NEEDED("{OMITTED}", "{OMITTED}",1)'),
    ("=SUM(AMPLIFIERS_NEEDED(3,,1),IF(A1,,2))", f'=SUM(AMPLIFIERS_NEEDED(3,"{OMITTED}",1),IF(A1,,2))'),
    ("=AMPLIFIERS_NEEDED(MIN(1,2),,{1,2;3,4})", f'=AMPLIFIERS_NEEDED(MIN(1,2),"{OMITTED}",{{1,2;3,4}})'),
])
def test_omitted_arguments_of_our_functions_are_marked(formula, expected):
    assert mark_omitted_arguments(formula, OURS) == expected


@pytest.mark.parametrize("formula", [
    "=AMPLIFIERS_NEEDED()", "=AMPLIFIERS_NEEDED(3)", "=IF(A1,,2)", '=AMPLIFIERS_NEEDED("a,,b")', "text,,",
])
def test_formulas_without_omitted_arguments_of_ours_are_unchanged(formula):
    assert mark_omitted_arguments(formula, OURS) == formula


def test_registration_adds_our_fourteen_names_and_touches_nothing_else():
    table = function_table()
    table["SUM"], table["ARCHETYPE"]  # one of formulas' functions looked up, one of ours
    before = dict(table)
    assert register_excel_functions() == tuple(udfs.__all__)
    assert register_excel_functions() == tuple(udfs.__all__)  # idempotent
    assert set(table) - set(before) <= OURS
    assert all(table[name] is before[name] for name in before if name not in OURS)
    assert all(getattr(table[name], "__talentneeds_function__") is getattr(udfs, name) for name in OURS)


def test_registration_refuses_to_shadow_a_function_of_the_engine(monkeypatch):
    monkeypatch.setitem(function_table(), "ARCHETYPE", function_table()["SUM"])
    with pytest.raises(RuntimeError, match="already defines ARCHETYPE"):
        register_excel_functions()


def test_in_a_fresh_process_the_table_grows_by_exactly_our_names(tmp_path):
    script = """
import json
from formulas.functions import get_functions
from talentneeds.engines.udf_adapter import register_excel_functions
table = get_functions()
before = {k: v for k, v in table.items()}
register_excel_functions()
print(json.dumps({"added": sorted(set(table) - set(before)),
                  "changed": sorted(k for k in before if table[k] is not before[k])}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    report = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    assert report == {"added": sorted(OURS), "changed": []}


def test_an_unexpected_exception_becomes_value_error_with_a_message():
    def boom(teams):
        raise ZeroDivisionError("boom")

    adapted = udf_adapter.adapt(boom)
    collected = {}
    with collecting(collected), in_cell("cell"):
        assert str(adapted(np.array([[1]], object))) == "#VALUE!"
    assert collected["cell"][0].startswith("#VALUE! unexpected error in BOOM (ZeroDivisionError: boom)")
