"""Monte Carlo over every range: whole heads per team, percentiles, the plan's spread.

Distributions are worked out by hand from the rules in the module docstring of
talentneeds.model.uncertainty.
"""

import math
import time
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from talentneeds.errors import InvalidInput
from talentneeds.model import limits, plan, uncertainty
from talentneeds.model.archetypes import Archetype
from talentneeds.model.ranges import Range

A, I, C = Archetype.AMPLIFIER, Archetype.ITERATOR, Archetype.CONNECTOR
ONLY_AMPLIFIERS = {A: Range(1, 2), I: Range(0, 0), C: Range(0, 0)}


def law(per_team, distribution="uniform"):
    heads, probabilities = uncertainty.head_distribution(per_team, distribution)
    return dict(zip(heads.tolist(), probabilities.tolist()))


def approx_law(expected):
    return pytest.approx({k: float(v) for k, v in expected.items()}, abs=1e-12)


# ------------------------------------------------------------- one team, by hand

def test_whole_number_bounds_give_each_whole_number_equally():
    assert law(Range(1, 2)) == approx_law({1: Fraction(1, 2), 2: Fraction(1, 2)})
    assert law(Range(5, 10)) == approx_law({k: Fraction(1, 6) for k in range(5, 11)})


def test_pert_gives_each_whole_number_the_mass_of_its_unit_interval():
    # Beta(3, 3) CDF F(x) = 10x^3 - 15x^4 + 6x^5 over low - 1/2 .. high + 1/2.
    # 0-2: width 3; 0 owns x in [0, 1/3]: F(1/3) = 10/27 - 15/81 + 6/243 = 153/729 = 17/81
    assert law(Range(0, 2), "pert") == approx_law({0: Fraction(17, 81), 1: Fraction(47, 81), 2: Fraction(17, 81)})
    # 5-10: width 6; 5 owns [0, 1/6]: 10/216 - 15/1296 + 6/7776 = 276/7776 = 23/648
    pert = law(Range(5, 10), "pert")
    assert pert[5] == pytest.approx(23 / 648) and pert[10] == pytest.approx(23 / 648)
    assert sum(pert.values()) == pytest.approx(1)
    # 1-2: each owns half of a symmetric distribution
    assert law(Range(1, 2), "pert") == approx_law({1: Fraction(1, 2), 2: Fraction(1, 2)})


def test_bounds_that_are_not_whole_split_between_neighbours():
    # 0.5-1.5: points 0.5 and 1.5 (1/2 each); 0.5 -> 0 or 1, 1.5 -> 1 or 2, half each
    assert law(Range(0.5, 1.5)) == approx_law({0: Fraction(1, 4), 1: Fraction(1, 2), 2: Fraction(1, 4)})
    # 0.2-0.4: points 0.2 and 0.4; P(1) = (0.2 + 0.4) / 2 = 0.3
    assert law(Range(0.2, 0.4)) == approx_law({0: Fraction(7, 10), 1: Fraction(3, 10)})
    # zero width: a whole number is itself; 2.5 is 2 or 3
    assert law(Range(3, 3)) == {3: 1.0}
    assert law(Range(2.5, 2.5)) == approx_law({2: Fraction(1, 2), 3: Fraction(1, 2)})


@given(st.floats(0, 40), st.floats(0, 40), st.sampled_from(uncertainty.DISTRIBUTIONS))
def test_the_mean_need_per_team_is_the_middle_of_the_range(x, y, distribution):
    per_team = Range(min(x, y), max(x, y))
    heads, probabilities = uncertainty.head_distribution(per_team, distribution)
    assert probabilities.sum() == pytest.approx(1)
    assert (probabilities > 0).all() and (np.diff(heads) > 0).all()
    assert heads @ probabilities == pytest.approx(per_team.at("mid"), abs=1e-9)
    assert math.floor(per_team.low) <= heads[0] and heads[-1] <= math.ceil(per_team.high)


# ---------------------------------------------------------------- needs of many teams

def test_one_team_of_1_to_2_is_1_at_p10_and_2_at_p90():
    frame = uncertainty.needs_distribution(1, per_team=ONLY_AMPLIFIERS)
    assert list(frame.columns) == ["P10", "P50", "P90"]
    assert list(frame.index) == ["Amplifier", "Iterator", "Connector"] and frame.index.name == "Archetype"
    assert frame.loc["Amplifier", "P10"] == 1 and frame.loc["Amplifier", "P90"] == 2
    assert frame.loc["Iterator"].tolist() == [0, 0, 0]


def test_two_teams_of_1_to_2_follow_the_hand_computed_distribution():
    # 2 teams, 1 or 2 each: totals 2 (1/4), 3 (1/2), 4 (1/4); cumulative 1/4, 3/4, 1
    # P10 -> 2, P50 -> 3, P90 -> 4 (far from the edges at 25 % and 75 %)
    frame = uncertainty.needs_distribution(2, percentiles=(10, 50, 90), per_team=ONLY_AMPLIFIERS)
    assert frame.loc["Amplifier"].tolist() == [2, 3, 4]


def test_many_teams_concentrate_around_the_middle_as_the_central_limit_says():
    # 10,000 teams x 10^6 trials, never teams x trials in memory.
    # Amplifiers 1 or 2: mean 1.5, sd 0.5 per team -> total 15,000, sd 50; P10 = 15,000 - 1.2816 x 50
    # Iterators 5..10: variance (6^2 - 1) / 12 = 35/12 per team -> sd 100 x 1.7078; P10 = 75,000 - 218.9
    started = time.perf_counter()
    frame = uncertainty.needs_distribution(10_000, trials=1_000_000)
    assert time.perf_counter() - started < 10
    assert abs(frame.loc["Amplifier", "P10"] - (15_000 - 1.2816 * 50)) <= 2
    assert abs(frame.loc["Amplifier", "P50"] - 15_000) <= 1
    assert abs(frame.loc["Iterator", "P90"] - (75_000 + 1.2816 * 170.78)) <= 2


def test_a_billion_teams_cost_no_more_than_one():
    frame = uncertainty.needs_distribution(1_000_000_000, trials=2_000)
    assert frame.loc["Amplifier", "P50"] == pytest.approx(1.5e9, rel=1e-4)


@given(st.integers(0, 50), st.lists(st.floats(0, 100), min_size=1, max_size=6),
       st.integers(0, limits.MAX_SEED), st.sampled_from(uncertainty.DISTRIBUTIONS))
def test_percentiles_rise_with_p_and_stay_between_all_low_and_all_high(teams, percentiles, seed, distribution):
    ordered = sorted(percentiles)
    frame = uncertainty.needs_distribution(teams, ordered, trials=300, seed=seed, distribution=distribution)
    for archetype, per_team in ((A, Range(1, 2)), (I, Range(5, 10))):
        row = frame.loc[archetype.value].to_numpy()
        assert (np.diff(row) >= 0).all()
        assert (teams * per_team.low <= row).all() and (row <= teams * per_team.high).all()


def test_the_same_seed_gives_the_same_numbers_and_another_seed_may_not():
    first = uncertainty.needs_distribution(7, (5, 37.5, 95), trials=500, seed=42, distribution="pert")
    again = uncertainty.needs_distribution(7, (5, 37.5, 95), trials=500, seed=42, distribution="pert")
    pd.testing.assert_frame_equal(first, again)
    # one trial per seed: the ten seeds cannot all draw the same total for 30 teams of 5-10
    singles = {uncertainty.needs_distribution(30, 50, trials=1, seed=s).loc["Iterator", "P50"] for s in range(10)}
    assert len(singles) > 1


@given(st.integers(0, 1000), st.integers(0, 20))
def test_a_range_of_zero_width_collapses_the_distribution(teams, heads):
    per_team = {A: Range(heads, heads), I: Range(3, 3), C: Range(0, 0)}
    frame = uncertainty.needs_distribution(teams, (0, 10, 50, 90, 100), trials=50, per_team=per_team)
    assert set(frame.loc["Amplifier"]) == {teams * heads}
    assert set(frame.loc["Iterator"]) == {teams * 3}


@given(st.lists(st.integers(-5, 40), min_size=1, max_size=300),
       st.lists(st.floats(0, 100), min_size=1, max_size=5), st.integers(1, 4))
def test_tally_percentiles_are_numpy_inverted_cdf_however_chunked(values, percentiles, chunks):
    tally = uncertainty.Tally()
    for part in np.array_split(np.array(values), chunks):
        tally.add(part)
    for p in percentiles:
        assert tally.percentile(p) == np.percentile(values, p, method="inverted_cdf")


def test_a_single_percentile_is_accepted():
    frame = uncertainty.needs_distribution(3, 50, per_team=ONLY_AMPLIFIERS)
    assert list(frame.columns) == ["P50"]
    assert list(uncertainty.needs_distribution(3, [12.5, 99]).columns) == ["P12.5", "P99"]


# ------------------------------------------------------------------------ the plan

PLAN = dict(starting_heads={A: 2, I: 8}, attrition=0, time_to_hire=1, ramp_quarters=2)


def test_the_plan_distribution_is_reproducible_and_ordered():
    first = uncertainty.plan_distribution([2, 1, 0, 0, 1, 0], trials=400, seed=3, **PLAN)
    again = uncertainty.plan_distribution([2, 1, 0, 0, 1, 0], trials=400, seed=3, **PLAN)
    pd.testing.assert_frame_equal(first, again)
    assert list(first.index) == ["Total needs", "Total hires", "Fully staffed quarter"]
    assert list(first.columns) == ["P10", "P50", "P90"]
    assert (first.diff(axis=1).iloc[:, 1:].fillna(0) >= 0).all().all()


def test_zero_width_ranges_collapse_the_plan_to_the_deterministic_plan():
    options = dict(PLAN, per_team={A: Range(1, 1), I: Range(6, 6), C: Range(1, 1)}, span=Range(4, 4),
                   attrition={A: 0.1, I: 0.2, C: 0}, connectors_shared_by=2)
    schedule = [1, 2, 0, 0, 0, 1, 0, 0]
    frame = plan.hiring_plan(schedule, detail=True, **options)
    total_needs = sum(frame[f"Target {p}"].iloc[-1] for p in ("Amplifiers", "Iterators", "Connectors")) - 10
    total_hires = frame[["Hires Amplifiers", "Hires Iterators", "Hires Connectors"]].to_numpy().sum()
    # 4 teams at full size: 4 Amplifiers + 24 Iterators + ceil(4 / 2) = 2 Connectors = 30
    assert total_needs == 30
    spread = uncertainty.plan_distribution(schedule, (0, 50, 100), trials=50, distribution="pert", **options)
    assert spread.loc["Total needs"].tolist() == [30, 30, 30]
    assert spread.loc["Total hires"].tolist() == [total_hires] * 3
    staffed = plan.plan_headline(frame).fully_staffed_quarter
    expected = [math.nan if staffed is None else staffed] * 3
    assert spread.loc["Fully staffed quarter"].tolist() == pytest.approx(expected, nan_ok=True)


def test_total_needs_lie_between_the_all_low_and_all_high_plans():
    schedule = [1, 1, 0, 2]
    low = plan.hiring_plan(schedule, "low", detail=True, **PLAN)
    high = plan.hiring_plan(schedule, "high", detail=True, **PLAN)

    def needs(frame):
        return sum(frame[f"Target {p}"].iloc[-1] for p in ("Amplifiers", "Iterators", "Connectors")) - 10

    spread = uncertainty.plan_distribution(schedule, (0, 10, 50, 90, 100), trials=500, **PLAN)
    row = spread.loc["Total needs"].to_numpy()
    assert needs(low) <= row[0] and row[-1] <= needs(high) and (np.diff(row) >= 0).all()


def test_never_fully_staffed_within_the_plan_is_nan():
    # one Iterator per manager (span 1-1) and a team needing 1-2 managers and 5-10
    # Iterators: the managers can never take on enough Iterators, always someone short
    spread = uncertainty.plan_distribution([1, 0, 0], trials=100, starting_heads={A: 2},
                                           span=Range(1, 1), attrition=0, time_to_hire=1)
    assert spread.loc["Fully staffed quarter"].isna().all()
    # with no attrition and instant hires into ample headroom: staffed from quarter 1
    spread = uncertainty.plan_distribution([1, 0, 0], trials=100, starting_heads={A: 5},
                                           attrition=0, time_to_hire=0)
    assert spread.loc["Fully staffed quarter"].tolist() == [1, 1, 1]


def test_the_plan_distribution_runs_in_chunks_with_the_same_answer_shape():
    # more trials than one chunk of a 200-quarter plan (200,000 cells / 200 = 1,000 trials)
    spread = uncertainty.plan_distribution([1] + [0] * 199, trials=1_500, **PLAN)
    assert spread.shape == (3, 3) and spread.loc["Total needs"].notna().all()


# ---------------------------------------------------------------------- bad arguments

@pytest.mark.parametrize("arguments, message", [
    (dict(teams=-1), "teams must be a whole number from 0 to 1,000,000,000, got -1"),
    (dict(teams=2.5), "teams must be a whole number from 0 to 1,000,000,000, got 2.5"),
    (dict(teams="3"), 'teams must be a whole number from 0 to 1,000,000,000, got "3"'),
    (dict(percentiles=(10, 101)), "percentiles must be numbers from 0 to 100, got 101"),
    (dict(percentiles=(-1,)), "percentiles must be numbers from 0 to 100, got -1"),
    (dict(percentiles=(float("nan"),)), "percentiles must be numbers from 0 to 100, got nan"),
    (dict(percentiles=()), "percentiles must be a list of numbers from 0 to 100, got a range"),
    (dict(percentiles="P50"), 'percentiles must be a list of numbers from 0 to 100, got "P50"'),
    (dict(trials=0), "trials must be a whole number from 1 to 10,000,000, got 0"),
    (dict(trials=10_000_001), "trials must be a whole number from 1 to 10,000,000, got 1e+07"),
    (dict(seed=-1), "seed must be a whole number from 0 to 4,294,967,295, got -1"),
    (dict(seed=1.5), "seed must be a whole number from 0 to 4,294,967,295, got 1.5"),
    (dict(seed=True), "seed must be a whole number from 0 to 4,294,967,295, got TRUE"),
    (dict(distribution="normal"), 'distribution must be "uniform" or "pert", got "normal"'),
    (dict(per_team={A: Range(1, 2)}), "per_team must give a Range for Iterator, got a blank cell"),
])
def test_bad_arguments_are_named_with_the_value_and_what_is_valid(arguments, message):
    arguments = {"teams": 3} | arguments
    with pytest.raises(InvalidInput) as error:
        uncertainty.needs_distribution(**arguments)
    assert str(error.value) == message


def test_the_plan_distribution_checks_its_own_arguments_and_the_plan_options():
    with pytest.raises(InvalidInput, match="trials must be a whole number from 1 to 10,000,000, got 0"):
        uncertainty.plan_distribution([1], trials=0)
    with pytest.raises(InvalidInput, match='distribution must be "uniform" or "pert", got "beta"'):
        uncertainty.plan_distribution([1], distribution="beta")
    with pytest.raises(InvalidInput, match="ramp_quarters must be a whole number from 1 to 200, got 0"):
        uncertainty.plan_distribution([1], ramp_quarters=0)
