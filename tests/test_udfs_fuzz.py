"""Property-based fuzzing of every Excel function with arbitrary cell-like values.

Whatever a cell or range holds, every call returns a value or an Excel-style error
string: no exception escapes, no NaN or infinity is returned as a number, and no error
is an "unexpected" one (every bad input is caught on purpose, with a message).
"""

import datetime as dt
import inspect
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentneeds import examples, udfs
from talentneeds.excel.boundary import specs

EXCEL_ERROR_CODES = ("#VALUE!", "#NUM!", "#N/A")

scalars = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=12),
    st.booleans(),
    st.just(float("nan")),
    st.sampled_from([float("inf"), float("-inf"), 1e308, -1e308, 1e-320, 2**63, 10**30]),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=50),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from([dt.date(9999, 12, 31), dt.datetime(9999, 12, 31), dt.date(1, 1, 1), 2958465, 2958466]),
    st.sampled_from(["low", "mid", "high", "HIGH", "0.3", "4", "heads", "value", "yes", "n",
                     "Research Engineer", "People Manager", "Research Lead", "2024-03-01", "80%"]),
)
row_lists = st.lists(scalars, min_size=1, max_size=5)
ranges_2d = st.integers(1, 5).flatmap(
    lambda width: st.lists(st.lists(scalars, min_size=width, max_size=width), min_size=1, max_size=6))
roster_like = st.lists(
    st.tuples(st.sampled_from(["Research Engineer", "People Manager", "Wizard", None, "", 3]),
              st.one_of(st.integers(-5, 60000), st.dates(), st.none(), st.text(max_size=5)),
              st.one_of(st.booleans(), st.none(), st.sampled_from(["yes", "no", "maybe"]))),
    max_size=8,
).map(lambda rows: [["Role", "Start date", "Soft skills"], *[list(r) for r in rows], [None, None, None]])
per_team_like = st.lists(st.lists(st.one_of(st.floats(0, 20), scalars), min_size=2, max_size=2),
                         min_size=3, max_size=3)
# Numbers at and beyond what a double or a cell holds exactly: Python ints too large
# for a double, 2^53 and its neighbours, the largest double, and everything between.
extreme = st.one_of(
    st.sampled_from([10**400, -10**400, 2**1024, 2**63, 2**53 - 1, 2**53, 2**53 + 1, 1.7976931348623157e308,
                     1e300, 1e19, 1e16, 9.007199254740993e15]),
    st.integers(min_value=2**53 - 5, max_value=10**400),
    st.floats(min_value=1e15, max_value=1.7976931348623157e308),
)
extreme_per_team = st.lists(st.lists(st.one_of(st.floats(0, 20), extreme), min_size=2, max_size=2),
                            min_size=3, max_size=3).map(lambda rows: [sorted(row) for row in rows])
cell_like = st.one_of(scalars, scalars, scalars, row_lists, ranges_2d, roster_like, per_team_like,
                      st.just(examples.roster_range()))
extreme_like = st.one_of(scalars, extreme, extreme, extreme_per_team, st.lists(extreme, min_size=1, max_size=3),
                         st.just(examples.roster_range()))

FUNCTIONS = [getattr(udfs, spec.python_name) for spec in specs(udfs)]


def assert_cell_value(value):
    assert not isinstance(value, (list, tuple, dict)), value
    assert isinstance(value, (bool, str, float, dt.date)), type(value)
    if isinstance(value, float):
        assert math.isfinite(value), value
    if isinstance(value, str) and value.startswith(EXCEL_ERROR_CODES):
        assert "unexpected error" not in value, value


def assert_excel_result(result):
    if isinstance(result, list):
        assert result and all(isinstance(row, list) and len(row) == len(result[0]) for row in result)
        for row in result:
            for cell in row:
                assert_cell_value(cell)
    else:
        assert_cell_value(result)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
@given(data=st.data())
def test_every_function_returns_a_value_or_an_excel_error(function, data):
    parameters = list(inspect.signature(function).parameters.values())
    required = sum(1 for p in parameters if p.default is inspect.Parameter.empty)
    count = data.draw(st.integers(required, len(parameters)), label="argument count")
    args = [data.draw(cell_like, label=p.name) for p in parameters[:count]]
    assert_excel_result(function(*args))


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
@given(data=st.data())
def test_extreme_numbers_give_a_value_or_a_named_error(function, data):
    """Numbers beyond a double, beyond 2^53 or at the largest double, anywhere: a finite
    value or an error naming the argument, never an unexpected error."""
    parameters = list(inspect.signature(function).parameters.values())
    required = sum(1 for p in parameters if p.default is inspect.Parameter.empty)
    count = data.draw(st.integers(required, len(parameters)), label="argument count")
    args = [data.draw(extreme_like, label=p.name) for p in parameters[:count]]
    assert_excel_result(function(*args))


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
@given(data=st.data())
def test_plausible_inputs_mostly_compute(function, data):
    """With valid-looking arguments the functions return numbers or tables, not errors."""
    plausible = {
        "teams": st.integers(0, 50), "amplifiers": st.floats(0, 100), "iterators": st.floats(0, 500),
        "connectors": st.floats(0, 20), "point": st.sampled_from(["low", "mid", "high", 0.25, None]),
        "internal": st.floats(0, 10), "promoted": st.floats(0, 10), "cohort_size": st.integers(0, 200),
        "weighting": st.sampled_from(["heads", "value", 4.0, None]),
        "roster": st.just(examples.roster_range()), "as_of": st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
        "role_title": st.sampled_from([r[1] for r in examples.ROSTER]),
        "schedule": st.lists(st.integers(0, 5), min_size=1, max_size=12).map(lambda q: [[n] for n in q]),
        "percentiles": st.lists(st.floats(0, 100), min_size=1, max_size=5).map(lambda p: [p]),
        "trials": st.integers(1, 2_000), "seed": st.integers(0, 2**32 - 1),
        "plan": st.lists(st.integers(0, 5), min_size=1, max_size=12).map(
            lambda q: udfs.HIRING_PLAN([[n] for n in q])),
        "start": st.dates(dt.date(1900, 3, 1), dt.date(9000, 1, 1)), "quarters": st.integers(4, 40),
        "annual_cost": st.one_of(st.floats(0, 1e6), st.lists(st.floats(0, 1e6), min_size=3, max_size=3).map(
            lambda c: [c])),
        "hire_cost": st.floats(0, 1e5),
    }
    args = []
    for name in inspect.signature(function).parameters:
        if name not in plausible:
            break
        args.append(data.draw(plausible[name], label=name))
    result = function(*args)
    assert_excel_result(result)
    if function is udfs.COHORT_MIX and sum(args[1:4]) == 0:
        assert result.startswith("#NUM!")
    else:
        assert not (isinstance(result, str) and result.startswith("#")), (args, result)
