"""Claims 7 and 9: the binding archetype and the cohort mix."""

import pytest

from talentneeds.errors import ImpossiblePlan, InvalidInput
from talentneeds.model import bottleneck, cohort
from talentneeds.model.archetypes import Archetype
from talentneeds.model.ranges import Range

A, I, C = Archetype.AMPLIFIER, Archetype.ITERATOR, Archetype.CONNECTOR


def test_amplifiers_bind_when_managers_are_scarce():
    # mid: 1.5 Amplifiers and 7.5 Iterators per team. 3 / 1.5 = 2 teams; 25 / 7.5 = 3.33 -> 3
    result = bottleneck.bottleneck({A: 3, I: 25, C: 0})
    teams = {row.archetype: row.teams for row in result.rows}
    assert teams == {A: 2, I: 3, C: None}
    assert result.binding == (A,) and result.teams == 2


def test_ties_bind_together_and_connectors_bind_when_teams_need_them():
    per_team = {A: Range(1, 1), I: Range(5, 5), C: Range(1, 1)}
    result = bottleneck.bottleneck({A: 4, I: 20, C: 4}, "mid", per_team)
    assert result.binding == (A, I, C) and result.binding_label == "Amplifier, Iterator, Connector"
    result = bottleneck.bottleneck({A: 4, I: 20, C: 1}, "mid", per_team)
    assert result.binding == (C,) and result.teams == 1


def test_whole_teams_survive_float_division():
    assert bottleneck.whole_teams(0.3, 0.1) == 3  # 0.3 / 0.1 = 2.9999999999999996 in floats


def test_nothing_binds_when_no_archetype_is_needed():
    zero = {A: Range(0, 0), I: Range(0, 0), C: Range(0, 0)}
    result = bottleneck.bottleneck({A: 1, I: 1}, "mid", zero)
    assert result.binding == () and result.teams is None and result.binding_label == "none"


def test_cohort_by_heads_follows_the_needs():
    # 3 teams at mid: 4.5 A, 22.5 I -> shares 1/6, 5/6 of 30 seats = 5, 25
    seats = cohort.cohort_mix(30, cohort.weights({A: 4.5, I: 22.5, C: 0}, "heads"))
    assert [s.seats for s in seats] == [5, 25, 0]
    assert [round(s.share, 6) for s in seats] == [round(1 / 6, 6), round(5 / 6, 6), 0]


def test_cohort_by_value_weights_amplifiers_by_leverage():
    # value: 4.5 x 3.75 = 16.875 vs 22.5 -> quotas 30 x 16.875/39.375 = 12.857, 17.143
    # floors 12 + 17 = 29; the one seat left goes to the larger remainder (0.857): 13, 17
    seats = cohort.cohort_mix(30, cohort.weights({A: 4.5, I: 22.5, C: 0}, "value"))
    assert [s.seats for s in seats] == [13, 17, 0]
    # a number is the leverage to use: 4.5 x 5 = 22.5 = Iterators -> 15, 15
    seats = cohort.cohort_mix(30, cohort.weights({A: 4.5, I: 22.5, C: 0}, 5))
    assert [s.seats for s in seats] == [15, 15, 0]


def test_largest_remainder_adds_up_and_breaks_exact_ties_in_order():
    assert cohort.largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert cohort.largest_remainder(7, [0.2, 0.3, 0.5]) == [1, 2, 4]  # 1.4, 2.1, 3.5 -> +1 to 3.5
    assert cohort.largest_remainder(0, [1, 2, 3]) == [0, 0, 0]


@pytest.mark.parametrize("size", [-1, 2.5, float("nan"), 10**10, True])
def test_cohort_size_must_be_a_whole_number(size):
    with pytest.raises(InvalidInput, match="cohort_size must be a whole number"):
        cohort.cohort_mix(size, {A: 1})


def test_a_cohort_with_nothing_to_share_between_is_impossible():
    with pytest.raises(ImpossiblePlan, match="all 0"):
        cohort.cohort_mix(10, {A: 0, I: 0, C: 0})


def test_unknown_weighting_names_the_valid_ones():
    with pytest.raises(InvalidInput, match='weighting must be "heads", "value"'):
        cohort.weights({A: 1}, "quality")
