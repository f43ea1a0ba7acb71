"""The quarterly hiring plan: a stock-and-flow model in whole heads.

Expected values are worked out by hand in the comments, from the rules in the module
docstring of talentneeds.model.plan; properties are checked over random plans.
"""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from talentneeds.errors import ImpossiblePlan, InvalidInput
from talentneeds.model import plan
from talentneeds.model.archetypes import Archetype
from talentneeds.model.pipeline import Person
from talentneeds.model.ranges import Range

A, I, C = Archetype.AMPLIFIER, Archetype.ITERATOR, Archetype.CONNECTOR
PLURALS = ("Amplifiers", "Iterators", "Connectors")
NO_ATTRITION = {A: 0, I: 0, C: 0}
# 1 - (1 - 0.68359375) ** 0.25 = 1 - (81/256) ** (1/4) = 1 - 3/4: a quarter of the heads a quarter
QUARTER_LEAVES = 0.68359375


def column(frame, name):
    return frame[name].tolist()


# ----------------------------------------------------------------- a plan worked by hand

HAND = dict(
    per_team={A: Range(1, 1), I: Range(4, 4), C: Range(1, 1)},
    span=Range(3, 3), time_to_hire=1, ramp_quarters=1,
    attrition={A: 0, I: QUARTER_LEAVES, C: 0},
    starting_heads={A: 1, I: 4}, starting_candidates=1, connectors_shared_by=2,
)


def test_a_four_quarter_plan_worked_by_hand():
    frame = plan.hiring_plan([1, 0, 1, 0], detail=True, **HAND)
    # Targets (ramp 1: a team is full size in its first quarter). Teams: 1, 1, 2, 2.
    #   Amplifiers 1 + 1 x teams       = 2, 2, 3, 3
    #   Iterators  4 + 4 x teams       = 8, 8, 12, 12
    #   Connectors ceil(1 x teams / 2) = ceil(0.5), ceil(0.5), ceil(1), ceil(1) = 1, 1, 1, 1
    assert column(frame, "Teams") == [1, 1, 2, 2]
    assert column(frame, "Target Amplifiers") == [2, 2, 3, 3]
    assert column(frame, "Target Iterators") == [8, 8, 12, 12]
    assert column(frame, "Target Connectors") == [1, 1, 1, 1]
    # Iterators leave at 1/4 a quarter of the start-of-quarter heads, cumulative expected floored:
    #   Q1 4 x .25 = 1   -> cum 1   -> 1
    #   Q2 2 x .25 = .5  -> cum 1.5 -> floor 1 - 1 = 0
    #   Q3 6 x .25 = 1.5 -> cum 3   -> 3 - 1 = 2
    #   Q4 6 x .25 = 1.5 -> cum 4.5 -> 4 - 3 = 1
    # Q1: start A1 I4 C0. 1 Iterator leaves (I 3). The 1 starting candidate fills the open
    #     Amplifier seat (2 - 1): A 2, I 2. Requests: I 8 - 2 = 6 and C 1, due in Q2.
    #     Capacity floor(2 x 3) = 6, headroom 6 - 2 = 4. Open seats 0 + 6 + 1 = 7; the
    #     seats of the Q1 leaver and of the promoted Iterator are turnover whose replacements
    #     are on their way (time to hire 1: seats vacated this quarter, min(6 in transit,
    #     1 leaver + 1 promoted) = 2): backlog 7 - 2 = 5.
    # Q2: start A2 I2 C1-due. No leavers, no open seats not already requested.
    #     Arrivals: C 1; Iterators: 6 due but headroom 6 - 2 = 4 -> 4 join, 2 wait: bound.
    #     End A2 I6 C1; capacity 6, headroom 0; open seats 8 - 6 = 2, no leavers: backlog 2.
    # Q3: start A2 I6 C1. 2 Iterators leave (I 4). Open Amplifier seat 3 - 2 = 1, no
    #     candidates (new hires need > 1 year) -> 1 Amplifier requested. Iterators requested
    #     12 - 4 - 2 waiting = 6. Arrivals: the 2 waiting fit the headroom 6 - 4 = 2: not bound.
    #     End A2 I6 C1; capacity 6, headroom 0; open seats (3 - 2) + (12 - 6) = 7. Iterators
    #     in transit: 8 requested so far... 6 + 6 - 4 - 2 joined = 6, none waiting; cover
    #     min(6, 2 leavers + 0 promoted) = 2: backlog 1 + (6 - 2) = 5.
    # Q4: start A2 I6 C1. 1 Iterator leaves (I 5). Requests: Iterators 12 - 5 - 6 = 1 (due
    #     after the plan). Arrivals: 1 Amplifier (A 3, capacity 9); 6 Iterators due, headroom
    #     9 - 5 = 4 -> 4 join, 2 wait: bound. End A3 I9 C1; open seats 12 - 9 = 3. In transit:
    #     6 + 1 - 4 = 3 requested and not joined, of which 2 wait for managers: 1; cover
    #     min(1, 1 leaver) = 1: backlog 3 - 1 = 2.
    expected = {
        "Quarter": [1, 2, 3, 4],
        "Teams": [1, 1, 2, 2],
        "Amplifiers": [2, 2, 2, 3],
        "Iterators": [2, 6, 6, 9],
        "Connectors": [0, 1, 1, 1],
        "Hires Amplifiers": [0, 0, 0, 1],
        "Hires Iterators": [0, 4, 2, 4],
        "Hires Connectors": [0, 1, 0, 0],
        "Promotions": [1, 0, 0, 0],
        "Leavers": [1, 0, 2, 1],
        "Management capacity": [6, 6, 6, 9],
        "Iterator headroom": [4, 0, 0, 0],
        "Backlog": [5, 2, 5, 2],
        "Management-bound": [False, True, False, True],
        # the targets worked out above, in the plan's own columns
        "Target Amplifiers": [2, 2, 3, 3], "Target Iterators": [8, 8, 12, 12], "Target Connectors": [1, 1, 1, 1],
    }
    assert list(frame.columns[:len(plan.PLAN_COLUMNS)]) == list(plan.PLAN_COLUMNS)
    assert {name: column(frame, name) for name in plan.PLAN_COLUMNS} == expected
    assert column(frame, "Requested Iterators") == [6, 0, 6, 1]
    assert column(frame, "Requested Amplifiers") == [0, 0, 1, 0]
    assert column(frame, "Waiting Iterators") == [0, 2, 0, 2]
    assert column(frame, "Open seats") == [7, 2, 7, 3]
    assert column(frame, "Headroom before Iterator hires") == [4, 4, 2, 4]

    headline = plan.plan_headline(frame)
    assert headline.fully_staffed_quarter is None   # still 2 short in the last quarter
    assert headline.peak_backlog == 5
    assert headline.management_bound_quarters == (2, 4) and headline.management_bound_count == 2


def test_the_plan_without_detail_has_exactly_the_plan_columns():
    frame = plan.hiring_plan([1, 0, 1, 0], **HAND)
    assert tuple(frame.columns) == plan.PLAN_COLUMNS
    assert frame["Management-bound"].dtype == bool


def test_targets_ramp_linearly_round_up_and_share_connectors():
    # 2 teams in Q1 and 1 in Q3, ramp 2: a team counts 1/2 in its first quarter, then 1.
    #   ramped teams: Q1 2 x .5 = 1, Q2 2, Q3 2 + .5 = 2.5, Q4 3
    # mid needs: Amplifiers 1.5 a team -> ceil(1.5, 3, 3.75, 4.5) = 2, 3, 4, 5
    #            Iterators 7.5 a team  -> ceil(7.5, 15, 18.75, 22.5) = 8, 15, 19, 23
    # Connectors 1 a team shared by 2 -> ceil(0.5, 1, 1.25, 1.5) = 1, 1, 2, 2
    per_team = {A: Range(1, 2), I: Range(5, 10), C: Range(1, 1)}
    frame = plan.hiring_plan([2, 0, 1, 0], per_team=per_team, ramp_quarters=2,
                             connectors_shared_by=2, detail=True)
    assert column(frame, "Target Amplifiers") == [2, 3, 4, 5]
    assert column(frame, "Target Iterators") == [8, 15, 19, 23]
    assert column(frame, "Target Connectors") == [1, 1, 2, 2]


def test_a_need_that_is_whole_but_a_float_hair_above_is_not_rounded_up():
    # 10 teams x 0.7 = 7.000000000000001 in floats: 7 heads, not 8
    per_team = {A: Range(0.7, 0.7), I: Range(0, 0), C: Range(0, 0)}
    frame = plan.hiring_plan([10], per_team=per_team, ramp_quarters=1, detail=True)
    assert column(frame, "Target Amplifiers") == [7]


def test_leavers_are_the_cumulative_expected_leavers_rounded_down():
    # 3 Iterators, a quarter of them leaving each quarter, nobody hired within the plan:
    #   Q1 3 x .25 = .75 -> cum .75 -> 0      (3 left)
    #   Q2 3 x .25 = .75 -> cum 1.5 -> 1      (2 left)
    #   Q3 2 x .25 = .5  -> cum 2.0 -> 2 - 1 = 1 (1 left)
    #   Q4 1 x .25 = .25 -> cum 2.25 -> 0     (1 left)
    frame = plan.hiring_plan([0, 0, 0, 0], starting_heads={I: 3}, attrition={A: 0, I: QUARTER_LEAVES, C: 0},
                             time_to_hire=200, promote=False, detail=True)
    assert column(frame, "Leavers") == [0, 1, 1, 0]
    assert column(frame, "Iterators") == [3, 2, 1, 1]
    assert column(frame, "Open seats") == [0, 1, 2, 2]
    # every empty seat is a leaver's, its replacement asked for and on its way (for 200
    # quarters): turnover, not backlog
    assert column(frame, "Backlog") == [0, 0, 0, 0]


def test_annual_attrition_is_converted_to_quarterly():
    assert plan.quarterly_rate(QUARTER_LEAVES) == pytest.approx(0.25)
    assert plan.quarterly_rate(0) == 0 and plan.quarterly_rate(1) == 1
    # four quarters at the quarterly rate lose the annual share
    assert 1 - (1 - plan.quarterly_rate(0.15)) ** 4 == pytest.approx(0.15)


def test_take_up_and_a_wider_candidate_pool_fill_amplifier_seats_first():
    # 2 starting candidates, half take up -> 1; the pool widened 3x -> 1 + 2 more = 3.
    # 4 teams need 4 Amplifiers: 3 promoted, 1 hired; each promotion is an Iterator seat
    # to backfill: Iterators target 10 (4 teams x 0 + 10 starting), 10 - 3 = 7 -> 3 requested.
    per_team = {A: Range(1, 1), I: Range(0, 0), C: Range(0, 0)}
    options = dict(per_team=per_team, starting_heads={I: 10}, starting_candidates=2, take_up=0.5,
                   candidate_pool_factor=3, attrition=NO_ATTRITION, time_to_hire=0,
                   span=Range(100, 100), ramp_quarters=1, detail=True)
    frame = plan.hiring_plan([4], **options)
    assert column(frame, "Promotions") == [3]
    assert column(frame, "Requested Amplifiers") == [1]
    assert column(frame, "Requested Iterators") == [3]
    assert column(frame, "Amplifiers") == [4] and column(frame, "Iterators") == [10]
    assert column(frame, "Candidate pool") == [0]
    # without restructuring only the 1 who takes up is promoted; switched off, nobody
    assert column(plan.hiring_plan([4], **(options | {"candidate_pool_factor": 1})), "Promotions") == [1]
    off = plan.hiring_plan([4], **(options | {"promote": False}))
    assert column(off, "Promotions") == [0] and column(off, "Hires Amplifiers") == [4]


def test_new_hires_become_candidates_once_tenure_is_more_than_the_minimum():
    # Q1: 1 team needs 1 Amplifier (hired: no candidates) and 2 Iterators, who join in Q1.
    # With > 1 year they are candidates from Q1 + 5 = Q6 (at Q5 they have exactly 1 year).
    # Q7: a second team's Amplifier seat is filled by promoting one of them.
    per_team = {A: Range(1, 1), I: Range(2, 2), C: Range(0, 0)}
    options = dict(per_team=per_team, starting_heads={A: 1}, attrition=NO_ATTRITION, time_to_hire=0,
                   ramp_quarters=1, span=Range(10, 10), soft_skills_required=False, detail=True)
    frame = plan.hiring_plan([1, 0, 0, 0, 0, 0, 1], **options)
    assert column(frame, "Candidate pool") == [0, 0, 0, 0, 0, 2, 1]
    assert column(frame, "Promotions") == [0, 0, 0, 0, 0, 0, 1]
    assert column(frame, "Hires Amplifiers") == [1, 0, 0, 0, 0, 0, 0]
    assert column(frame, "Hires Iterators") == [2, 0, 0, 0, 0, 0, 3]  # 2 for the team + 1 backfill
    # a minimum of 0 years: candidates from the next quarter
    frame = plan.hiring_plan([1, 0, 1], **(options | {"min_tenure_years": 0}))
    assert column(frame, "Candidate pool") == [0, 2, 1]
    # only the soft-skilled share of new hires become candidates (cumulative, rounded down)
    frame = plan.hiring_plan([1, 0, 0, 0, 0, 0, 1], **(options | {"soft_skills_required": True,
                                                                   "new_hire_soft_skills_share": 0.5}))
    assert column(frame, "Candidate pool") == [0, 0, 0, 0, 0, 1, 0]


def roster_person(start, soft=True, archetype=I, row=1):
    return Person(archetype, start, soft, label=f"roster row {row}")


def test_a_roster_gives_the_starting_heads_and_when_each_iterator_becomes_a_candidate():
    as_of = dt.date(2024, 1, 1)  # quarters start 2024-01-01, 04-01, 07-01, 10-01
    roster = [
        roster_person(dt.date(2022, 6, 1)),            # 1 year on 2023-06-01: candidate in Q1
        roster_person(dt.date(2023, 1, 1)),            # exactly 1 year on 2024-01-01: Q2
        roster_person(dt.date(2023, 9, 15)),           # 1 year on 2024-09-15: Q4 (10-01)
        roster_person(dt.date(2020, 1, 1), soft=False),  # never: no soft skills
        roster_person(dt.date(2020, 1, 1), archetype=A),
        roster_person(dt.date(2020, 1, 1), archetype=C),
    ]
    setup = plan.plan_setup([0, 0, 0, 0], roster=roster, as_of=as_of)
    assert setup.starting_heads == {A: 1, I: 4, C: 1}
    assert setup.starting_candidates.tolist() == [1, 1, 0, 1]
    # new hires get the roster's soft-skills share: 3 of its 4 Iterators
    assert setup.new_hire_soft_skills_share == 0.75
    # without soft skills required everyone is a candidate once the tenure is there
    setup = plan.plan_setup([0, 0, 0, 0], roster=roster, as_of=as_of, soft_skills_required=False)
    assert setup.starting_candidates.tolist() == [2, 1, 0, 1] and setup.new_hire_soft_skills_share == 1


def test_staff_who_start_later_join_in_the_quarter_they_start():
    # Quarters start 2024-01-01, 04-01, 07-01, 10-01. Per new team 1 Amplifier, 2 Iterators,
    # span 2, instant hires, no attrition, full size at once, no promotions.
    as_of = dt.date(2024, 1, 1)
    roster = [
        roster_person(dt.date(2020, 1, 1), archetype=A),    # in post
        roster_person(dt.date(2020, 1, 1)),                 # in post
        roster_person(dt.date(2024, 2, 15)),                # starts within quarter 1: in post from quarter 1
        roster_person(dt.date(2024, 7, 1)),                 # joins in quarter 3
        roster_person(dt.date(2024, 8, 20), archetype=A),   # joins in quarter 3
        roster_person(dt.date(2025, 1, 1)),                 # after the plan's last quarter: not in it
    ]
    options = dict(roster=roster, as_of=as_of, per_team={A: Range(1, 1), I: Range(2, 2), C: Range(0, 0)},
                   span=Range(2, 2), time_to_hire=0, attrition=0, ramp_quarters=1, promote=False)
    setup = plan.plan_setup([1, 0, 0, 0], **options)
    assert setup.starting_heads == {A: 1, I: 2, C: 0}
    assert setup.joins(A).tolist() == [0, 0, 1, 0] and setup.joins(I).tolist() == [0, 0, 1, 0]
    frame = plan.hiring_plan([1, 0, 0, 0], **options, detail=True)
    # targets: the roster's 2 Amplifiers and 3 Iterators (in post or to come) + 1 and 2: 3 and 5.
    # Q1: 1 A + 2 I in post; the 2 to come keep their seats, so hires are 3-1-1 = 1 A and 5-2-1 = 2 I;
    # capacity 2 x 2 = 4 Iterators, 2 there: both hires join. Heads 2 A, 4 I.
    # Q3: the roster's Amplifier and Iterator join: 3 A, 5 I (capacity 6).
    assert column(frame, "Amplifiers") == [2, 2, 3, 3]
    assert column(frame, "Iterators") == [4, 4, 5, 5]
    assert column(frame, "Hires Amplifiers") == [1, 0, 0, 0] and column(frame, "Hires Iterators") == [2, 0, 0, 0]
    assert column(frame, "Joined Amplifiers") == [0, 0, 1, 0] and column(frame, "Joined Iterators") == [0, 0, 1, 0]
    # their seats are open until they join, but nobody is hired for them: no backlog
    assert column(frame, "Open seats") == [2, 2, 0, 0]
    assert column(frame, "Roster starters to come") == [2, 2, 0, 0]
    assert column(frame, "Backlog") == [0, 0, 0, 0]


def test_a_later_starter_becomes_a_candidate_on_their_own_tenure():
    # min tenure 0.25 years (more than 3 months); quarters start 2024-01-01, 04-01, 07-01, 10-01, 2025-01-01.
    # Joined 2024-04-15 (quarter 2): 3 months on 2024-07-15, a candidate at the start of quarter 4 (10-01).
    roster = [roster_person(dt.date(2020, 1, 1), archetype=A), roster_person(dt.date(2024, 4, 15))]
    setup = plan.plan_setup([0] * 5, roster=roster, as_of=dt.date(2024, 1, 1), min_tenure_years=0.25)
    assert setup.starting_candidates.tolist() == [0, 0, 0, 0, 0]
    assert np.argwhere(setup.joining_candidates).tolist() == [[1, 3]]


def test_plain_starting_heads_assume_an_established_org():
    # 7 Iterators past the tenure, half with soft skills: floor(3.5) = 3 candidates
    assert plan.plan_setup([0], starting_heads={I: 7}).starting_candidates.tolist() == [3]
    assert plan.plan_setup([0], starting_heads={I: 7}, starting_candidates=5).starting_candidates.tolist() == [5]
    assert plan.plan_setup([0], starting_heads={I: 7}, soft_skills_required=False).starting_candidates.tolist() == [7]
    assert plan.plan_setup([0], starting_heads={"iterators": 7}).starting_heads == {A: 0, I: 7, C: 0}


def test_a_roster_row_without_soft_skills_is_named():
    roster = [roster_person(dt.date(2020, 1, 1)), Person(I, dt.date(2020, 1, 1), None, label="roster row 7")]
    with pytest.raises(InvalidInput, match="roster row 7 has no Soft skills value"):
        plan.plan_setup([1], roster=roster, as_of=dt.date(2024, 1, 1))


def test_headline_of_a_plan_that_catches_up():
    # no attrition, hires take a quarter: short in Q1 (hires on their way), staffed from Q2
    frame = plan.hiring_plan([1, 0, 0], starting_heads={A: 2}, attrition=NO_ATTRITION, ramp_quarters=1,
                             time_to_hire=1)
    # mid: ceil(1.5) = 2 Amplifiers and ceil(7.5) = 8 Iterators, all on their way in Q1
    assert column(frame, "Backlog") == [10, 0, 0]
    headline = plan.plan_headline(frame)
    assert headline.fully_staffed_quarter == 2 and headline.peak_backlog == 10
    assert headline.management_bound_quarters == ()
    # nothing to do at all: staffed from quarter 1
    assert plan.plan_headline(plan.hiring_plan([0, 0], attrition=0)).fully_staffed_quarter == 1


# One manager in post with a span of exactly 5 (capacity 5) and 5 Iterators; one new team
# of 1 Amplifier and 5 Iterators in quarter 1 (ramp 1, nobody leaves, no promotion). Q1 asks
# for 1 Amplifier and 5 Iterators; the Iterators arrive in Q2 (time to hire 1).
LATE_MANAGER = dict(per_team={A: Range(1, 1), I: Range(5, 5), C: Range(0, 0)}, span=Range(5, 5),
                    starting_heads={A: 1, I: 5}, attrition=NO_ATTRITION, ramp_quarters=1, promote=False)


def test_a_manager_two_quarters_away_makes_a_quarter_management_bound():
    # Amplifier time to hire 1: the manager arrives in Q2 with the Iterators; capacity
    # 2 x 5 = 10, 5 in post, headroom 5: all 5 join. Never management-bound.
    fast = plan.hiring_plan([1, 0, 0], time_to_hire={A: 1, I: 1, C: 1}, **LATE_MANAGER)
    assert column(fast, "Amplifiers") == [1, 2, 2] and column(fast, "Iterators") == [5, 10, 10]
    assert column(fast, "Management-bound") == [False, False, False]
    # Amplifier time to hire 2: in Q2 capacity is still 1 x 5 = 5, headroom 0, the 5 wait
    # (management-bound); the manager arrives in Q3 (capacity 10) and they join.
    slow = plan.hiring_plan([1, 0, 0], time_to_hire={A: 2, I: 1, C: 1}, **LATE_MANAGER)
    assert column(slow, "Amplifiers") == [1, 1, 2] and column(slow, "Iterators") == [5, 5, 10]
    assert column(slow, "Management-bound") == [False, True, False]
    assert column(slow, "Backlog") == [6, 6, 0]  # 1 + 5 seats short until Q3
    assert plan.plan_headline(slow).management_bound_quarters == (2,)
    # the default (Amplifiers 2, Iterators 1) is the slow plan; one number is every archetype
    assert plan.hiring_plan([1, 0, 0], **LATE_MANAGER).equals(slow)
    assert plan.hiring_plan([1, 0, 0], time_to_hire=1, **LATE_MANAGER).equals(fast)


def test_fully_staffed_quarter_per_trial():
    backlog = np.array([[0, 0, 0], [3, 0, 0], [0, 2, 0], [1, 0, 1], [0, 0, 0]])
    assert plan.fully_staffed_quarter(backlog).tolist() == [1, 2, 3, 4, 1]  # 4 = never (3 + 1)


def test_apportion_is_proportional_whole_and_adds_up():
    sizes = np.array([[2, 0, 6], [5, 5, 0], [0, 0, 0]])
    # 4 of 8 -> 1 and 3; 3 of 10 -> floor(1.5) = 1, then floor(3) - 1 = 2
    assert plan.apportion(np.array([4, 3, 0]), sizes).tolist() == [[1, 0, 3], [1, 2, 0], [0, 0, 0]]


# ------------------------------------------------------------------------- properties

def ranges(max_value=12):
    bounds = st.one_of(st.integers(0, max_value), st.floats(0, max_value, allow_nan=False))
    return st.tuples(bounds, bounds).map(lambda pair: Range(min(pair), max(pair)))


@st.composite
def plans(draw, roster=False):
    quarters = draw(st.integers(1, 12))
    schedule = draw(st.lists(st.integers(0, 4), min_size=quarters, max_size=quarters))
    options = dict(
        per_team={A: draw(ranges(3)), I: draw(ranges()), C: draw(ranges(2))},
        span=draw(ranges(12)),
        time_to_hire=draw(st.integers(0, 3) | st.fixed_dictionaries({a: st.integers(0, 3) for a in (A, I, C)})),
        attrition={a: draw(st.sampled_from([0, 0.1, 0.3, 0.68359375, 1]) | st.floats(0, 1)) for a in (A, I, C)},
        ramp_quarters=draw(st.integers(1, 4)),
        min_tenure_years=draw(st.sampled_from([0, 0.25, 0.5, 1, 1.3])),
        soft_skills_required=draw(st.booleans()),
        take_up=draw(st.sampled_from([0, 0.5, 1]) | st.floats(0, 1)),
        promote=draw(st.booleans()),
        candidate_pool_factor=draw(st.sampled_from([1, 2]) | st.floats(1, 4)),
        connectors_shared_by=draw(st.sampled_from([1, 2, 3]) | st.floats(1, 5)),
    )
    if roster:
        as_of = dt.date(2024, 1, 1)
        people = draw(st.lists(st.builds(
            Person, st.sampled_from([A, I, I, C]), st.dates(dt.date(2021, 1, 1), dt.date(2024, 12, 31)),
            st.booleans()), max_size=25))
        options |= dict(roster=people, as_of=as_of)
    else:
        starting = {a: draw(st.integers(0, 25)) for a in (A, I, C)}
        options |= dict(starting_heads=starting,
                        starting_candidates=draw(st.none() | st.integers(0, starting[I])))
    point = draw(st.sampled_from(["low", "mid", "high"]) | st.floats(0, 1))
    return schedule, point, options


def check_invariants(frame, setup, span):
    starting = setup.starting_heads
    for plural, archetype in zip(PLURALS, (A, I, C)):
        end = frame[plural].to_numpy()
        start = frame[f"Start {plural}"].to_numpy()
        # conservation, exactly, for every archetype and quarter (roster people who start
        # later join into the heads; nobody else does)
        joined = frame[f"Joined {plural}"].to_numpy()
        assert (joined == setup.joins(archetype)).all()
        assert (end == start + joined + frame[f"Hires {plural}"] - frame[f"Leavers {plural}"]
                + frame[f"Promoted in {plural}"] - frame[f"Promoted out {plural}"]).all()
        assert start[0] == starting[archetype] and (start[1:] == end[:-1]).all()
        assert (end <= frame[f"Target {plural}"]).all()
        assert (frame[f"Leavers {plural}"] <= start + joined).all()
    assert (frame["Open seats"] == sum(frame[f"Target {p}"] - frame[p] for p in PLURALS)).all()
    # seats kept for roster people still to come are open but not a backlog
    joins_left = sum(int(setup.joins(a).sum()) for a in (A, I, C)) - np.cumsum(
        sum(frame[f"Joined {p}"] for p in PLURALS))
    assert (frame["Roster starters to come"] == joins_left).all()
    # the backlog is the open seats less turnover covered by replacements on their way
    assert (frame["Backlog"] <= frame["Open seats"] - frame["Roster starters to come"]).all()
    no_turnover = all(setup.quarterly_attrition[a] == 0 for a in (A, I, C)) and not frame["Promotions"].any()
    if not any(setup.time_to_hire.values()) or no_turnover:
        assert (frame["Backlog"] == frame["Open seats"] - frame["Roster starters to come"]).all()
    # Iterators join only into the headroom, never below 0
    assert (frame["Hires Iterators"] <= frame["Headroom before Iterator hires"].clip(lower=0)).all()
    assert (frame["Management-bound"] == (frame["Waiting Iterators"] > 0)).all()
    assert (frame["Management capacity"] == np.floor(frame["Amplifiers"] * span + 1e-9)).all()
    assert (frame["Iterator headroom"] == frame["Management capacity"] - frame["Iterators"]).all()
    assert (frame["Leavers"] == sum(frame[f"Leavers {p}"] for p in PLURALS)).all()
    assert (frame["Candidate pool"] <= frame["Iterators"]).all()
    never_negative = [c for c in frame.columns if "headroom" not in c.lower() and c != "Management-bound"]
    assert (frame[never_negative] >= 0).all().all()
    # leavers over the plan are the expected leavers, rounded down
    for plural, archetype in zip(PLURALS, (A, I, C)):
        expected = sum(setup.quarterly_attrition[archetype] * (frame[f"Start {plural}"] + frame[f"Joined {plural}"]))
        assert expected - 1 < frame[f"Leavers {plural}"].sum() <= expected + 1e-6


@given(plans())
def test_every_plan_conserves_heads_and_respects_the_managers(case):
    schedule, point, options = case
    frame = plan.hiring_plan(schedule, point, detail=True, **options)
    setup = plan.plan_setup(schedule, **options)
    check_invariants(frame, setup, setup.span.at(point))
    if not setup.promote:
        assert (frame["Promotions"] == 0).all()


@given(plans(roster=True))
def test_every_plan_from_a_roster_conserves_heads(case):
    schedule, point, options = case
    frame = plan.hiring_plan(schedule, point, detail=True, **options)
    setup = plan.plan_setup(schedule, **options)
    check_invariants(frame, setup, setup.span.at(point))


@given(plans())
def test_without_attrition_delay_or_a_management_limit_nothing_is_ever_short(case):
    schedule, point, options = case
    options |= dict(span=Range(10_000, 10_000), time_to_hire=0, attrition=0,
                    starting_heads=options["starting_heads"] | {A: max(1, options["starting_heads"][A])})
    frame = plan.hiring_plan(schedule, point, **options)
    assert (frame["Backlog"] == 0).all() and not frame["Management-bound"].any()
    assert plan.plan_headline(frame).fully_staffed_quarter == 1


@given(plans(), st.lists(st.floats(0, 1), min_size=1, max_size=4))
def test_trials_run_side_by_side_are_the_same_as_run_alone(case, points):
    # the vectorised loop must not mix trials: each column of a batch equals its own run
    schedule, _, options = case
    setup = plan.plan_setup(schedule, **options)
    needs = [plan.full_size_needs_at(setup, p) for p in points]
    batch = {a: np.vstack([n[a] for n in needs]) for a in (A, I, C)}
    spans = np.array([setup.span.at(p) for p in points])
    together = plan.simulate(setup, batch, spans).columns()
    for trial, p in enumerate(points):
        alone = plan.simulate(setup, needs[trial], spans[trial:trial + 1])
        for name, values in alone.columns().items():
            assert (together[name][trial] == values[0]).all(), name


# ---------------------------------------------------------------------- bad arguments

@pytest.mark.parametrize("schedule, message", [
    ("1,2", "schedule must be a list of new teams per quarter, got \"1,2\""),
    (5, "schedule must be a list of new teams per quarter, got 5"),
    ([], "schedule must list new teams for 1 to 200 quarters, got 0 quarters"),
    ([0] * 201, "schedule must list new teams for 1 to 200 quarters, got 201 quarters"),
    ([1, -1], "schedule quarter 2 must be a whole number from 0 to 100,000, got -1"),
    ([1.5], "schedule quarter 1 must be a whole number from 0 to 100,000, got 1.5"),
    ([True], "schedule quarter 1 must be a whole number from 0 to 100,000, got TRUE"),
    ([None], "schedule quarter 1 must be a whole number from 0 to 100,000, got a blank cell"),
])
def test_a_bad_schedule_is_named_with_what_is_valid(schedule, message):
    with pytest.raises(InvalidInput) as error:
        plan.hiring_plan(schedule)
    assert str(error.value) == message


@pytest.mark.parametrize("options, message", [
    (dict(time_to_hire=-1), "time_to_hire must be a whole number from 0 to 200, got -1"),
    (dict(time_to_hire=0.5), "time_to_hire must be a whole number from 0 to 200, got 0.5"),
    (dict(time_to_hire={A: 2, I: 1}), ("time_to_hire must give quarters for Amplifier, Iterator and "
                                       "Connector; missing Connector")),
    (dict(time_to_hire={A: 2.5, I: 1, C: 1}), "time_to_hire for Amplifier must be a whole number from 0 to 200, got 2.5"),
    (dict(ramp_quarters=0), "ramp_quarters must be a whole number from 1 to 200, got 0"),
    (dict(attrition=1.5), "attrition must be a number from 0 to 1, got 1.5"),
    (dict(attrition={A: 0.1, I: 0.1}), ("attrition must give an annual share for Amplifier, Iterator "
                                        "and Connector; missing Connector")),
    (dict(attrition={A: 0.1, I: -0.1, C: 0}), "attrition for Iterator must be a number from 0 to 1, got -0.1"),
    (dict(candidate_pool_factor=0.5), "candidate_pool_factor must be a number from 1 to 100, got 0.5"),
    (dict(connectors_shared_by=0), "connectors_shared_by must be a number from 1 to 1000, got 0"),
    (dict(take_up=2), "take_up must be a number from 0 to 1, got 2"),
    (dict(min_tenure_years=-1), "min_tenure_years must be a number from 0 to 100, got -1"),
    (dict(promote="yes"), 'promote must be TRUE or FALSE, got "yes"'),
    (dict(soft_skills_required=1), "soft_skills_required must be TRUE or FALSE, got 1"),
    (dict(new_hire_soft_skills_share=1.2), "new_hire_soft_skills_share must be a number from 0 to 1, got 1.2"),
    (dict(span=(5, 10)), "span must be a Range of Iterators per Amplifier, got a range"),
    (dict(per_team={A: Range(1, 2), I: Range(5, 10)}), "per_team must give a Range for Connector, got a blank cell"),
    (dict(per_team={"Manager": Range(1, 2)}), 'archetype must be "Amplifier", "Iterator" or "Connector", got "Manager"'),
    (dict(starting_heads={A: -2}), "starting_heads for Amplifier must be a whole number from 0 to 1,000,000,000, got -2"),
    (dict(starting_heads={I: 3}, starting_candidates=4),
     "starting_candidates must be a whole number from 0 to 3, got 4"),
    (dict(starting_heads={I: 3}, roster=[]), "give the starting org as a roster or as starting_heads, not both"),
    (dict(roster=[]), "as_of must be a date (the first day of quarter 1) when a roster is given, got a blank cell"),
    (dict(roster=[], as_of=dt.date(2024, 1, 1), starting_candidates=1),
     "starting_candidates is for starting_heads; with a roster, candidates are found from start dates and soft skills"),
    (dict(roster=["Ann"], as_of=dt.date(2024, 1, 1)), 'roster must hold Person rows, got "Ann"'),
])
def test_a_bad_option_is_named_with_the_value_and_what_is_valid(options, message):
    with pytest.raises(InvalidInput) as error:
        plan.hiring_plan([1, 0], **options)
    assert str(error.value) == message


def test_a_bad_point_is_refused():
    with pytest.raises(InvalidInput, match='point must be "low", "mid", "high" or a number from 0 to 1'):
        plan.hiring_plan([1], "middle")


def test_a_plan_too_large_to_count_is_impossible_not_wrong():
    per_team = {A: Range(1, 1), I: Range(1e6, 1e6), C: Range(0, 0)}
    with pytest.raises(ImpossiblePlan, match="more than 1,000,000,000 Iterators"):
        plan.hiring_plan([100_000] * 20, per_team=per_team)


def test_default_assumptions_are_named_and_labelled():
    assert plan.ANNUAL_ATTRITION == {A: 0.10, I: 0.15, C: 0.10}
    assert plan.TIME_TO_HIRE == {A: 2, I: 1, C: 2} and plan.RAMP_QUARTERS == 2
    assert plan.TIME_TO_HIRE_QUARTERS == 1  # one number for all: the Iterators' time
    assert plan.NEW_HIRE_SOFT_SKILLS_SHARE == 0.5
    assert plan.CANDIDATE_POOL_FACTOR == 1 and plan.CONNECTORS_SHARED_BY == 1
    assert plan.quarters_to_candidate(1) == 5 and plan.quarters_to_candidate(0) == 1
    assert math.isclose(plan.quarterly_rate(plan.ANNUAL_ATTRITION[I]), 1 - 0.85 ** 0.25)
