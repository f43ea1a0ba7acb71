"""Claims 7 and 9: the binding archetype and the cohort mix."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    # value: 4.5 x 3.75 = 16.875 vs 22.5 -> quotas 30 x 16.875/39.375 = 12.857, 17.143,
    # rounded to the nearest: 13 + 17 = 30 already (Sainte-Laguë's divisor is 39.375 / 30)
    seats = cohort.cohort_mix(30, cohort.weights({A: 4.5, I: 22.5, C: 0}, "value"))
    assert [s.seats for s in seats] == [13, 17, 0]
    # a number is the leverage to use: 4.5 x 5 = 22.5 = Iterators -> 15, 15
    seats = cohort.cohort_mix(30, cohort.weights({A: 4.5, I: 22.5, C: 0}, 5))
    assert [s.seats for s in seats] == [15, 15, 0]


# Worked by hand, one seat at a time to the highest weight / (2 x seats + 1):
WEBSTER_CASES = [
    # 1/1 each; then 1/3 each: ties go to the earlier entry
    (10, [1, 1, 1], [4, 3, 3]),
    # priorities .5, .3, .2, .167 (C), .1 (I) = .1 (C: I is earlier), .1, .071: A 1, I 2, C 4
    (7, [0.2, 0.3, 0.5], [1, 2, 4]),
    # every quota 2/3 rounds up to 1: one seat too many; the last one given was C's
    (2, [1, 1, 1], [1, 1, 0]),
    (0, [1, 2, 3], [0, 0, 0]),
    (5, [0, 1, 0], [0, 5, 0]),
    # the Alabama paradox under largest remainder (13 -> A 2, 14 -> A 1). Sainte-Laguë:
    # 25.5 I, 8.5 I, 6.5 C, 5.1 I, 3.9 A, 3.64 I, 2.83 I, 2.32 I, 2.17 C, 1.96 I, 1.7 I, 1.5 I,
    # 1.34 I (13th), then 3.9/3 = 1.3 (A) and 6.5/5 = 1.3 (C) tie: A first (14th), C (15th)
    (12, [3.9, 25.5, 6.5], [1, 9, 2]),
    (13, [3.9, 25.5, 6.5], [1, 10, 2]),
    (14, [3.9, 25.5, 6.5], [2, 10, 2]),
    (15, [3.9, 25.5, 6.5], [2, 10, 3]),
]


@pytest.mark.parametrize("total, weights, expected", WEBSTER_CASES)
def test_webster_seats_worked_by_hand(total, weights, expected):
    assert cohort.webster(total, weights) == expected


def one_seat_at_a_time(total, weights):
    """The textbook sequence, as a reference: no rounding, no shortcut."""
    exact = [Fraction(repr(float(w))) for w in weights]
    seats = [0] * len(exact)
    for _ in range(total):
        best = max(range(len(exact)), key=lambda i: (exact[i] / (2 * seats[i] + 1), -i))
        seats[best] += 1
    return seats


weights_lists = st.lists(st.one_of(st.integers(0, 40).map(float), st.floats(0, 1000), st.sampled_from([3.9, 25.5, 6.5, 0.1])),
                         min_size=3, max_size=3).filter(lambda w: sum(w) > 0)


@given(weights_lists, st.integers(0, 80))
def test_a_bigger_cohort_never_gives_an_archetype_fewer_seats(weights, total):
    smaller, bigger = cohort.webster(total, weights), cohort.webster(total + 1, weights)
    assert sum(smaller) == total and sum(bigger) == total + 1
    assert all(b >= s for s, b in zip(smaller, bigger)), (weights, total, smaller, bigger)
    assert smaller == one_seat_at_a_time(total, weights)


@given(weights_lists, st.integers(0, 10**9))
def test_a_large_cohort_is_a_divisor_allocation(weights, total):
    """Sainte-Laguë's defining property, for cohorts too big for the sequence: one divisor
    d rounds every weight to its seats, i.e. every next seat's priority w / (s + 1/2) is at
    most every held last seat's w / (s - 1/2)."""
    seats = cohort.webster(total, weights)
    exact = [Fraction(repr(float(w))) for w in weights]
    assert sum(seats) == total
    next_seat = max(w / (s + Fraction(1, 2)) for w, s in zip(exact, seats))
    held = [w / (s - Fraction(1, 2)) for w, s in zip(exact, seats) if s]
    assert not held or next_seat <= min(held)


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
