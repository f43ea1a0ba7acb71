"""Each limit is stated once (model/limits.py) and read the same from a cell and from the model."""

import datetime as dt

import pytest

from talentneeds import udfs
from talentneeds.errors import InvalidInput
from talentneeds.model import calendar, cohort, limits, plan, uncertainty

N = None


def _refusal(call) -> str:
    with pytest.raises(InvalidInput) as error:
        call()
    return str(error.value)


@pytest.mark.parametrize("from_cell, from_model, expected", [
    (lambda: udfs.HIRING_PLAN([[1]], *[N] * 14, 0), lambda: plan.plan_setup([1], connectors_shared_by=0),
     "must be a number from 1 to 1000, got 0"),
    (lambda: udfs.HIRING_PLAN([[1]], *[N] * 13, 0.5), lambda: plan.plan_setup([1], candidate_pool_factor=0.5),
     "must be a number from 1 to 100, got 0.5"),
    (lambda: udfs.HIRING_PLAN([[1]], *[N] * 8, 0), lambda: plan.plan_setup([1], ramp_quarters=0),
     "must be a whole number from 1 to 200, got 0"),
    (lambda: udfs.HIRING_PLAN([[1]], *[N] * 9, 101), lambda: plan.plan_setup([1], min_tenure_years=101),
     "must be a number from 0 to 100, got 101"),
    (lambda: udfs.HIRING_PLAN([[1]], *[N] * 11, 2), lambda: plan.plan_setup([1], take_up=2),
     "must be a number from 0 to 1, got 2"),
    (lambda: udfs.NEEDS_DISTRIBUTION(3, N, N, -1), lambda: uncertainty.needs_distribution(3, seed=-1),
     "must be a whole number from 0 to 4,294,967,295, got -1"),
    (lambda: udfs.NEEDS_DISTRIBUTION(3, N, 0), lambda: uncertainty.needs_distribution(3, trials=0),
     "must be a whole number from 1 to 10,000,000, got 0"),
    (lambda: udfs.NEEDS_DISTRIBUTION(2e9), lambda: uncertainty.needs_distribution(2_000_000_000),
     "must be a whole number from 0 to 1,000,000,000, got 2e+09"),
    (lambda: udfs.COHORT_MIX(2.5, 1, 1), lambda: cohort.check_cohort_size(2.5),
     "must be a whole number from 0 to 1,000,000,000, got 2.5"),
    (lambda: udfs.QUARTER_LABELS(dt.date(2026, 1, 1), 3), lambda: calendar.check_horizon(3),
     "must be a whole number from 4 to 40, got 3"),
])
def test_a_limit_reads_the_same_from_a_cell_and_from_the_model(from_cell, from_model, expected):
    cell = from_cell()
    assert cell.startswith("#VALUE! ") and cell.endswith(expected)
    assert _refusal(from_model).endswith(expected)


def test_the_bounds_are_the_limits():
    assert (limits.SEED.low, limits.SEED.high, limits.SEED.whole) == (0, 2 ** 32 - 1, True)
    assert limits.TEAMS.high == limits.MAX_TEAMS == 1_000_000_000
    assert limits.TEAMS_PER_QUARTER.high == limits.MAX_TEAMS_PER_QUARTER == 100_000
