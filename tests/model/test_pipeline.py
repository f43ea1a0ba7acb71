"""Claims 5-6: internal promotion candidates and external hires with backfill."""

import datetime as dt

import pytest

from talentneeds.errors import InvalidInput
from talentneeds.model import pipeline
from talentneeds.model.archetypes import Archetype
from talentneeds.model.pipeline import Person

I, A = Archetype.ITERATOR, Archetype.AMPLIFIER


def iterator(start, soft=True):
    return Person(I, start, soft, label="row")


def test_exactly_one_year_of_tenure_is_not_yet_a_candidate():
    # "been with the org > 1 year": strictly more
    person = iterator(dt.date(2023, 3, 1))
    assert not pipeline.is_candidate(person, dt.date(2024, 3, 1))
    assert pipeline.is_candidate(person, dt.date(2024, 3, 2))


def test_tenure_counts_calendar_years_across_a_leap_day():
    # 2024 has 29 February: 2023-06-01 .. 2024-06-01 is 366 days but still exactly one year
    person = iterator(dt.date(2023, 6, 1))
    assert not pipeline.is_candidate(person, dt.date(2024, 6, 1))
    assert pipeline.is_candidate(person, dt.date(2024, 6, 2))
    # a start on 29 February reaches one year on 28 February of the next year
    leap = iterator(dt.date(2024, 2, 29))
    assert not pipeline.is_candidate(leap, dt.date(2025, 2, 28))
    assert pipeline.is_candidate(leap, dt.date(2025, 3, 1))


def test_fractional_minimum_tenure_counts_months():
    person = iterator(dt.date(2023, 1, 15))
    # 1.5 years = 18 months -> 2024-07-15
    assert not pipeline.is_candidate(person, dt.date(2024, 7, 15), min_tenure_years=1.5)
    assert pipeline.is_candidate(person, dt.date(2024, 7, 16), min_tenure_years=1.5)


def test_only_iterators_with_soft_skills_are_candidates():
    start, as_of = dt.date(2020, 1, 1), dt.date(2024, 1, 1)
    assert not pipeline.is_candidate(Person(A, start, True), as_of)
    assert not pipeline.is_candidate(Person(Archetype.CONNECTOR, start, True), as_of)
    assert not pipeline.is_candidate(iterator(start, soft=False), as_of)
    assert pipeline.is_candidate(iterator(start, soft=False), as_of, soft_skills_required=False)


def test_a_missing_soft_skills_value_is_an_error_when_soft_skills_are_required():
    person = Person(I, dt.date(2020, 1, 1), None, label="roster row 4")
    with pytest.raises(InvalidInput, match="roster row 4 has no Soft skills value"):
        pipeline.is_candidate(person, dt.date(2024, 1, 1))
    assert pipeline.is_candidate(person, dt.date(2024, 1, 1), soft_skills_required=False)


def test_internal_amplifiers_is_candidates_times_take_up():
    as_of = dt.date(2024, 1, 1)
    roster = [iterator(dt.date(2020, 1, 1)), iterator(dt.date(2021, 1, 1)),
              iterator(dt.date(2022, 1, 1)), iterator(dt.date(2023, 6, 1)),  # 7 months: no
              iterator(dt.date(2020, 1, 1), soft=False)]                   # no soft skills
    assert pipeline.internal_amplifiers(roster, as_of) == 3
    assert pipeline.internal_amplifiers(roster, as_of, take_up=0.5) == 1.5
    with pytest.raises(InvalidInput, match="take_up must be a number from 0 to 1"):
        pipeline.internal_amplifiers(roster, as_of, take_up=2)
    with pytest.raises(InvalidInput, match="min_tenure_years"):
        pipeline.internal_amplifiers(roster, as_of, min_tenure_years=-1)


@pytest.mark.parametrize("teams", [1, 3, 7, 20])
@pytest.mark.parametrize("k", [0, 1, 2, 5, 50])
def test_promoting_k_lowers_amplifier_hires_by_k_and_raises_iterator_hires(teams, k):
    for point, per_team in (("low", 1), ("high", 2)):
        need = teams * per_team
        base = pipeline.hires(teams, 0, point)
        after = pipeline.hires(teams, k, point)
        actually_promoted = min(k, need)
        assert after.amplifier_hires == max(0, need - k)
        assert base.amplifier_hires - after.amplifier_hires == actually_promoted
        assert after.iterator_hires - base.iterator_hires == actually_promoted
        assert after.iterator_hires == teams * (5 if point == "low" else 10) + actually_promoted


def test_add_months_clamps_to_the_end_of_short_months():
    assert pipeline.add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert pipeline.add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
