"""Claims 1-4 of the source, checked against its own figures."""

import math

import pytest

from talentneeds.errors import ImpossiblePlan, InvalidInput
from talentneeds.model import needs
from talentneeds.model.ranges import Range, point_fraction

TEAMS = range(1, 21)


@pytest.mark.parametrize("x", TEAMS)
def test_x_new_teams_need_1_to_2x_amplifiers_and_5_to_10x_iterators(x):
    # "(1-2)x Amplifiers (to be managers), and (5-10)x Iterators"
    assert needs.amplifiers_needed(x, "low") == x
    assert needs.amplifiers_needed(x, "high") == 2 * x
    assert needs.iterators_needed(x, "low") == 5 * x
    assert needs.iterators_needed(x, "high") == 10 * x
    assert needs.amplifiers_needed(x, "mid") == 1.5 * x
    assert needs.iterators_needed(x, "mid") == 7.5 * x
    assert needs.connectors_needed(x, "high") == 0


def test_a_numeric_point_interpolates_within_the_range():
    # low + p (high - low): 4 teams x (5 + 0.2 x 5) = 24
    assert needs.iterators_needed(4, 0.2) == pytest.approx(24)
    assert point_fraction(0) == 0 and point_fraction(1) == 1 and point_fraction(" HIGH ") == 1


@pytest.mark.parametrize("bad", ["middle", -0.1, 1.5, float("nan"), True, [0.5]])
def test_a_bad_point_names_point_and_what_is_valid(bad):
    with pytest.raises(InvalidInput, match=r'point must be "low", "mid", "high" or a number from 0 to 1'):
        point_fraction(bad)


def test_team_needs_table_is_archetype_by_low_mid_high():
    frame = needs.team_needs(3)
    assert list(frame.columns) == ["Low", "Mid", "High"]
    assert list(frame.index) == ["Amplifier", "Iterator", "Connector"]
    assert frame.loc["Amplifier"].tolist() == [3, 4.5, 6]
    assert frame.loc["Iterator"].tolist() == [15, 22.5, 30]
    assert frame.loc["Connector"].tolist() == [0, 0, 0]


def test_one_manager_supports_5_to_10_iterators():
    # "One manager creates bandwidth for 5-10 additional Iterator hires"
    assert needs.iterator_capacity(1, "low") == 5
    assert needs.iterator_capacity(1, "high") == 10
    assert needs.iterator_capacity(3, "mid") == 22.5


def test_headroom_is_capacity_minus_iterators_and_may_be_negative():
    assert needs.iterator_headroom(2, 7, "low") == 3      # 2 x 5 - 7
    assert needs.iterator_headroom(2, 25, "high") == -5   # 2 x 10 - 25


def test_amplifiers_for_divides_by_the_span():
    assert needs.amplifiers_for(30, "low") == 6    # 30 / 5: narrow span needs most managers
    assert needs.amplifiers_for(30, "high") == 3   # 30 / 10
    assert needs.amplifiers_for(0, "low", Range(0, 0)) == 0
    with pytest.raises(ImpossiblePlan, match="span"):
        needs.amplifiers_for(3, "low", Range(0, 4))


def test_manager_leverage_is_2_5_to_5_employees():
    # "responsible for ~half the output of their team, or is 'worth' 2.5-5 employees"
    assert needs.manager_leverage("low") == 2.5
    assert needs.manager_leverage("high") == 5
    # only if the hires are counterfactual and can be filled: both shares scale it
    assert needs.manager_leverage("high", fill_rate=0.8, counterfactual_share=0.5) == pytest.approx(2.0)


@pytest.mark.parametrize("name", ["output_share", "fill_rate", "counterfactual_share"])
def test_leverage_shares_must_be_between_0_and_1(name):
    with pytest.raises(InvalidInput, match=f"{name} must be a number from 0 to 1"):
        needs.manager_leverage("mid", **{name: 1.2})


@pytest.mark.parametrize("teams", [-1, float("inf"), float("nan"), "3", True])
def test_teams_must_be_a_finite_number_at_least_zero(teams):
    with pytest.raises(InvalidInput, match="teams must be"):
        needs.amplifiers_needed(teams)


def test_results_too_large_to_be_numbers_are_impossible_plans():
    with pytest.raises(ImpossiblePlan):
        needs.amplifiers_needed(1e308, "high", Range(1e308, 1e308))
    assert not math.isinf(needs.amplifiers_needed(1e300, "high"))


def test_range_rejects_low_above_high_and_bad_bounds():
    with pytest.raises(InvalidInput, match=r"low \(3\) must be <= high \(2\)"):
        Range(3, 2)
    with pytest.raises(InvalidInput):
        Range(-1, 2)
    with pytest.raises(InvalidInput):
        Range(0, float("inf"))
