"""Quarter labels, a plan's labels and horizon, eligibility dates and a plan's cost, in the
model (the Excel functions' tests are in tests/test_udfs_plan_story.py)."""

import datetime as dt

import pytest

from talentneeds.errors import InvalidInput
from talentneeds.model import calendar, cost, plan
from talentneeds.model.archetypes import Archetype
from talentneeds.model.pipeline import Person, eligibility

A, I, C = Archetype.AMPLIFIER, Archetype.ITERATOR, Archetype.CONNECTOR


@pytest.mark.parametrize("day, label", [
    (dt.date(2026, 1, 1), "Q1 2026"), (dt.date(2026, 3, 31), "Q1 2026"), (dt.date(2026, 4, 1), "Q2 2026"),
    (dt.date(2026, 9, 30), "Q3 2026"), (dt.date(2026, 12, 31), "Q4 2026"),
])
def test_a_day_is_labelled_by_its_calendar_quarter(day, label):
    assert calendar.quarter_label(day) == label


def test_labels_step_three_months_across_a_year_boundary():
    # 31 October 2026 + 3 months = 31 January 2027, + 3 = 30 April (clamped), + 3 = 31 July
    assert calendar.quarter_labels(dt.date(2026, 10, 31), 4) == ["Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027"]
    assert len(calendar.quarter_labels(dt.date(2026, 1, 1), 40)) == 40
    for quarters in (3, 41, 4.5, True, float("inf"), "8"):
        with pytest.raises(InvalidInput, match="quarters must be a whole number from 4 to 40"):
            calendar.quarter_labels(dt.date(2026, 1, 1), quarters)


def test_a_plan_carries_its_labels_and_refuses_two_alike():
    frame = plan.hiring_plan([1, 0], labels=["Q4 2026", "Q1 2027"], time_to_hire=1)
    assert frame["Quarter"].tolist() == ["Q4 2026", "Q1 2027"]
    with pytest.raises(InvalidInput, match="labels must give one label for each of the 2 quarters, got 1"):
        plan.hiring_plan([1, 0], labels=["Q4 2026"])
    with pytest.raises(InvalidInput, match='quarter labels must differ; "Q4 2026" labels two quarters'):
        plan.hiring_plan([1, 0], labels=["Q4 2026", "Q4 2026"])
    with pytest.raises(InvalidInput, match="the label of quarter 2 must be a text"):
        plan.hiring_plan([1, 0], labels=["Q4 2026", " "])


def test_the_horizon_pads_the_schedule_with_quarters_without_new_teams():
    assert plan.horizon_schedule([2, 1], 5).tolist() == [2, 1, 0, 0, 0]
    assert plan.horizon_schedule([2, 1]).tolist() == [2, 1]
    with pytest.raises(InvalidInput, match="quarters must be at least the schedule's 5 quarters, got 4"):
        plan.horizon_schedule([1] * 5, 4)


def test_eligibility_is_the_day_after_the_minimum_tenure():
    roster = [Person(I, dt.date(2024, 2, 29), True), Person(A, dt.date(2020, 1, 1), True),
              Person(I, dt.date(2023, 3, 1), False)]
    found = eligibility(roster, dt.date(2025, 3, 1))
    assert [(e.eligible_from, e.candidate) for e in found] == [
        (dt.date(2025, 3, 1), True),    # 29 Feb 2024 + 1 year = 28 Feb 2025; more than a year from 1 March
        (dt.date(2024, 3, 2), False),   # exactly a year on 1 March 2024; no soft skills: never a candidate
    ]
    assert eligibility(roster, dt.date(2025, 3, 1), 0, False)[1].eligible_from == dt.date(2023, 3, 2)


def test_a_plans_cost_by_hand():
    # 2 quarters: heads at the end A 1, I 5 then A 2, I 10; hires A 1, I 5 in quarter 2
    quarters = cost.plan_cost([1, 2], {A: [1, 2], I: [5, 10], C: [0, 0]}, {A: [0, 1], I: [0, 5], C: [0, 0]},
                              {A: 200_000, I: 160_000, C: 240_000}, {A: 30_000, I: 20_000, C: 40_000})
    # Q1 (200k + 800k) / 4 = 250k; Q2 (400k + 1.6M) / 4 = 500k + 30k + 100k hiring
    assert [(q.people, q.hiring, q.total) for q in quarters] == [(250_000, 0, 250_000), (500_000, 130_000, 630_000)]
    with pytest.raises(InvalidInput, match="annual_cost for Iterator must be a number >= 0, got -1"):
        cost.plan_cost([1], {A: [1], I: [1], C: [0]}, {A: [0], I: [0], C: [0]}, {A: 1, I: -1, C: 1})
