"""The Excel functions of "one plan, one story" (issue 15): time to hire per archetype,
calendar labels and horizon, targets in the plan. Expected values are worked by hand."""

import datetime as dt

from talentneeds import udfs

N = None
# HIRING_PLAN's arguments after schedule, by name, so that a call reads like a formula
PLAN_ARGS = ("roster", "as_of", "point", "per_team", "span_low", "span_high", "time_to_hire", "attrition",
             "ramp_quarters", "min_tenure_years", "soft_skills_required", "take_up", "promote", "pool_factor",
             "connectors_shared_by", "catalog", "quarters")


def plan(schedule, **named):
    return udfs.HIRING_PLAN(schedule, *[named.get(name) for name in PLAN_ARGS])


def col(table, name):
    return [row[table[0].index(name)] for row in table[1:]]


# One manager, span exactly 5 (capacity 5), 5 Iterators in post (starting heads come from a
# roster of 1 Amplifier and 5 Iterators who started long ago, without soft skills so that
# nobody is promoted); one new team of 1 Amplifier and 5 Iterators in quarter 1; nobody leaves.
ROSTER = [["Archetype", "Start date", "Soft skills"], ["Amplifier", dt.date(2015, 1, 1), False],
          *[["Iterator", dt.date(2015, 1, 1), False]] * 5]
LATE = dict(roster=ROSTER, as_of=dt.date(2027, 1, 1), per_team=[[1, 1], [5, 5], [0, 0]], span_low=5,
            span_high=5, attrition=0, ramp_quarters=1)


def test_an_amplifier_two_quarters_away_makes_quarter_2_management_bound():
    # time to hire 1 for all: the manager and the 5 Iterators arrive in Q2; capacity 10: none wait
    fast = plan([[1, 0, 0]], time_to_hire=1, **LATE)
    assert col(fast, "Management-bound") == [False, False, False]
    # Amplifiers 2, Iterators 1, Connectors 1 (a range of three): in Q2 the Iterators find
    # capacity 5 full and wait; the manager comes in Q3 and they join
    slow = plan([[1, 0, 0]], time_to_hire=[[2, 1, 1]], **LATE)
    assert col(slow, "Management-bound") == [False, True, False]
    assert col(slow, "Amplifiers") == [1.0, 1.0, 2.0] and col(slow, "Iterators") == [5.0, 5.0, 10.0]
    assert udfs.PLAN_HEADLINE(slow)[2] == ["Management-bound quarters", 1.0]
    # left out, the default is Amplifiers 2, Iterators 1, Connectors 2: the slow plan
    assert plan([[1, 0, 0]], **LATE) == slow
    assert plan([[1]], time_to_hire=[[1, 1]]) == (
        "#VALUE! time_to_hire must be one number or three (Amplifier, Iterator, Connector), got 2 cells")
    assert plan([[1]], time_to_hire=[[2.5], [1], [1]]) == (
        "#VALUE! time_to_hire for Amplifier must be a whole number from 0 to 200, got 2.5")


def test_the_plan_shows_each_archetypes_target():
    # targets: 1 + 1 = 2 Amplifiers, 5 + 5 = 10 Iterators, 0 Connectors in every quarter
    slow = plan([[1, 0, 0]], time_to_hire=[[2, 1, 1]], **LATE)
    assert col(slow, "Target Amplifiers") == [2.0] * 3
    assert col(slow, "Target Iterators") == [10.0] * 3
    assert col(slow, "Target Connectors") == [0.0] * 3


def test_quarter_labels_cross_a_year_boundary():
    # a plan starting 15 November 2026: quarters start 15 Nov, 15 Feb, 15 May, 15 Aug
    assert udfs.QUARTER_LABELS(dt.datetime(2026, 11, 15), 4) == [["Q4 2026"], ["Q1 2027"], ["Q2 2027"], ["Q3 2027"]]
    # 46357 is 2026-12-01 as an Excel serial (46023 = 2026-01-01, + 334 days to 1 December)
    assert udfs.QUARTER_LABELS(46357, 5.0)[-1] == ["Q4 2027"]
    assert udfs.QUARTER_LABELS(dt.date(2026, 1, 1), 3) == "#VALUE! quarters must be a whole number from 4 to 40, got 3"
    assert udfs.QUARTER_LABELS(dt.date(2026, 1, 1), 41).endswith("from 4 to 40, got 41")
    assert udfs.QUARTER_LABELS("soon", 4).startswith("#VALUE! start must be a date")
    assert udfs.QUARTER_LABELS(dt.date(9999, 6, 1), 4).startswith("#VALUE! start must leave room for 4 quarters")


LABELLED = [["Quarter", "New teams"], ["Q4 2026", 1], ["Q1 2027", None], ["Q2 2027", 0], ["Q3 2027", 0]]


def test_a_labelled_schedule_labels_the_plan_and_the_headline():
    labelled = plan(LABELLED, time_to_hire=1, **LATE)
    numbered = plan([[1, 0, 0, 0]], time_to_hire=1, **LATE)
    assert col(labelled, "Quarter") == ["Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027"]
    assert [row[1:] for row in labelled] == [row[1:] for row in numbered]
    # 6 seats short in Q1 (on their way), none from Q2: fully staffed from "Q1 2027"
    assert udfs.PLAN_HEADLINE(labelled)[0] == ["Fully staffed from quarter", "Q1 2027"]
    assert plan([["Quarter", "New teams"], ["Q4 2026", 1], ["Q4 2026", 0]]) == (
        '#VALUE! quarter labels must differ; "Q4 2026" labels two quarters')
    assert plan([["Quarter", "New teams"], [None, 1], ["Q1 2027", 0]]).startswith(
        "#VALUE! schedule row 2 Quarter is blank")
    assert plan([["When", "How many"], ["Q4 2026", 1]]).startswith(
        "#VALUE! schedule must be a single row or a single column, or a Quarter and a New teams column")


def test_the_horizon_extends_a_schedule_with_quiet_quarters():
    extended = plan([[1, 0]], time_to_hire=1, quarters=6, **LATE)
    assert col(extended, "Quarter") == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert col(extended, "Teams") == [1.0] * 6
    assert plan([[1, 0]], quarters=3) == "#VALUE! quarters must be a whole number from 4 to 40, got 3"
    assert plan([[1, 0, 0, 0, 0]], quarters=4) == "#VALUE! quarters must be at least the schedule's 5 quarters, got 4"
    assert plan(LABELLED, quarters=6).startswith("#VALUE! quarters must be left out with a labelled schedule")
    # PLAN_DISTRIBUTION reads the same schedules and names the fully-staffed quarter by its
    # label: the late-manager org with hires in a quarter and nothing drawn (every range a
    # single value) is staffed from Q2 in every trial, as the plan above
    distribution = udfs.PLAN_DISTRIBUTION(LABELLED, [[10, 90]], 20, N, N, LATE["roster"], LATE["as_of"],
                                          LATE["per_team"], 5, 5, 1, 0, 1)
    assert distribution[3] == ["Fully staffed quarter", "Q1 2027", "Q1 2027"]
    numbered = udfs.PLAN_DISTRIBUTION([[1, 0, 0, 0]], [[10, 90]], 20, N, N, LATE["roster"], LATE["as_of"],
                                      LATE["per_team"], 5, 5, 1, 0, 1)
    assert numbered[3] == ["Fully staffed quarter", 2.0, 2.0] and numbered[1:3] == distribution[1:3]


STAFF = [["Name", "Role", "Team", "Start date", "Soft skills"],
         ["Ada", "Research Engineer", "Interpretability", dt.date(2024, 2, 29), True],
         ["Bo", "Research Scientist", "Evals", dt.date(2023, 3, 1), True],
         ["Cy", "People Manager", "Evals", dt.date(2020, 3, 1), True],
         ["Di", "Research Engineer", None, dt.date(2020, 3, 1), False]]
HEADER = ["Name", "Role", "Team", "Eligible from", "Soft skills", "Candidate"]
# Eligible from is an Excel date serial, as EDATE returns one. 45352 = 2024-03-01 (see
# tests/excel/test_runtimes.py); 2025-03-01 is 365 days on (no 29 February between);
# 2021-03-01 is 365 + 365 + 366 = 1096 days before 2024-03-01; 2024-08-30 is 31 + 30 + 31
# + 30 + 31 + 29 = 182 days after it.
MAR_2_2024, MAR_1_2025, MAR_2_2021, AUG_30_2024 = 45353.0, 45717.0, 44257.0, 45534.0


def test_promotion_candidates_on_the_day_after_a_year_including_a_leap_day_start():
    # Ada started on 29 February 2024: a year on is 28 February 2025 (no 29th), so tenure is
    # more than a year from 1 March 2025. Bo started 1 March 2023: on 1 March 2024 tenure is
    # exactly one year, not more: eligible from 2 March 2024. Cy is an Amplifier: not listed.
    # Di has no soft skills: a date, never a candidate while soft skills are required.
    on_the_day = udfs.PROMOTION_CANDIDATES(STAFF, dt.date(2024, 3, 1))
    assert on_the_day == [
        HEADER,
        ["Ada", "Research Engineer", "Interpretability", MAR_1_2025, True, False],
        ["Bo", "Research Scientist", "Evals", MAR_2_2024, True, False],
        ["Di", "Research Engineer", "", MAR_2_2021, False, False],
    ]
    day_after = udfs.PROMOTION_CANDIDATES(STAFF, dt.date(2024, 3, 2))
    assert [row[-1] for row in day_after[1:]] == [False, True, False]
    assert [row[-1] for row in udfs.PROMOTION_CANDIDATES(STAFF, dt.date(2025, 2, 28))[1:]] == [False, True, False]
    assert [row[-1] for row in udfs.PROMOTION_CANDIDATES(STAFF, dt.date(2025, 3, 1))[1:]] == [True, True, False]
    # soft skills not required: Di too; INTERNAL_AMPLIFIERS counts the same people
    relaxed = udfs.PROMOTION_CANDIDATES(STAFF, dt.date(2025, 3, 1), N, False)
    assert [row[-1] for row in relaxed[1:]] == [True, True, True]
    assert udfs.INTERNAL_AMPLIFIERS(STAFF, dt.date(2025, 3, 1), N, False) == 3.0
    # half a year: 6 calendar months after 29 Feb 2024 is 29 Aug 2024, eligible from the 30th
    assert udfs.PROMOTION_CANDIDATES(STAFF, dt.date(2024, 3, 1), 0.5)[1][3] == AUG_30_2024


def test_promotion_candidates_errors_name_the_argument():
    assert udfs.PROMOTION_CANDIDATES(STAFF, "someday").startswith("#VALUE! as_of must be a date")
    assert udfs.PROMOTION_CANDIDATES(STAFF, N, -1) == "#VALUE! min_tenure_years must be a number from 0 to 100, got -1"
    no_soft = [["Name", "Role", "Start date"], ["Ed", "Research Engineer", dt.date(2020, 1, 1)]]
    assert udfs.PROMOTION_CANDIDATES(no_soft, dt.date(2024, 1, 1)).startswith(
        "#VALUE! roster row 2 has no Soft skills value")
    assert udfs.PROMOTION_CANDIDATES([["Name"]]).startswith("#VALUE! roster needs a header row with a Start date")
    # no Iterators: the header alone
    assert udfs.PROMOTION_CANDIDATES([["Role", "Start date"], ["Manager", dt.date(2020, 1, 1)]]) == [HEADER]


def test_non_research_staff_stay_on_the_roster_and_out_of_every_count():
    assert udfs.ARCHETYPE("Recruiter") == "Not counted"
    assert udfs.ARCHETYPE("Senior Operations Manager") == "Not counted"  # not "Manager": an Amplifier
    assert udfs.ARCHETYPE("Engineering Manager") == "Amplifier"
    research = [["Name", "Role", "Start date", "Soft skills"],
                ["Ann", "Research Engineer", dt.date(2020, 1, 1), True],
                ["Bob", "People Manager", dt.date(2020, 1, 1), True]]
    # an HR export: the same two people, and three who are not counted (no Soft skills value
    # needed: they are never candidates); one is marked so in an Archetype-only row
    export = [["Name", "Role", "Archetype", "Start date", "Soft skills"],
              ["Ann", "Research Engineer", None, dt.date(2020, 1, 1), True],
              ["Cat", "Head of Operations", None, dt.date(2019, 1, 1), None],
              ["Bob", "People Manager", None, dt.date(2020, 1, 1), True],
              ["Dan", "Recruiter", None, dt.date(2021, 6, 1), None],
              ["Eve", None, "not counted", dt.date(2022, 6, 1), None]]
    as_of = dt.date(2024, 1, 1)
    assert udfs.INTERNAL_AMPLIFIERS(export, as_of) == udfs.INTERNAL_AMPLIFIERS(research, as_of) == 1.0
    assert [row[0] for row in udfs.PROMOTION_CANDIDATES(export, as_of)[1:]] == ["Ann"]
    # the plan starts from 1 Amplifier and 1 Iterator either way
    assert plan([[1, 0]], roster=export, as_of=as_of) == plan([[1, 0]], roster=research, as_of=as_of)
    # Q1: half a team (ramp 2) needs ceil(1.5 x 0.5) = 1 more Amplifier; Ann (tenure > 1 year,
    # soft skills) fills it: 2 Amplifiers, 0 Iterators, 0 Connectors; Cat and Dan are in no column
    assert plan([[1, 0]], roster=export, as_of=as_of)[1][2:5] == [2.0, 0.0, 0.0]
    # a catalogue may say so too, and names what is valid
    own = [["Role", "Archetype"], ["Chef", "Not counted"]]
    assert udfs.ARCHETYPE("Chef", own) == "Not counted"
    assert udfs.ARCHETYPE("Chef", [["Role", "Archetype"], ["Chef", "Nobody"]]) == (
        '#VALUE! catalog row 2: archetype must be "Amplifier", "Iterator", "Connector" or "Not counted", got "Nobody"')
    assert udfs.ARCHETYPE("Wizard") == ('#N/A role "Wizard" is not in the catalogue; add it with its archetype '
                                       "(Amplifier, Iterator, Connector or Not counted)")


def test_the_cost_of_a_two_quarter_plan():
    # The late-manager org with hires taking one quarter, over 2 quarters: Q1 ends with
    # 1 Amplifier and 5 Iterators, no hires; Q2 with 2 and 10 after hiring 1 and 5.
    two_quarters = plan([[1, 0]], time_to_hire=1, **LATE)
    assert [row[2:8] for row in two_quarters[1:]] == [[1, 5, 0, 0, 0, 0], [2, 10, 0, 1, 5, 0]]
    # annual cost 200k / 160k / 240k; one-off 30k / 20k / 40k per hire
    #   Q1 people (1 x 200k + 5 x 160k) / 4 = 250k; hiring 0
    #   Q2 people (2 x 200k + 10 x 160k) / 4 = 500k; hiring 1 x 30k + 5 x 20k = 130k
    cost = udfs.PLAN_COST(two_quarters, [[200_000], [160_000], [240_000]], [[30_000, 20_000, 40_000]])
    assert cost == [["Quarter", "People cost", "Hiring cost", "Total cost"],
                    [1.0, 250_000.0, 0.0, 250_000.0],
                    [2.0, 500_000.0, 130_000.0, 630_000.0],
                    ["Total", 750_000.0, 130_000.0, 880_000.0]]
    # one number for every archetype; hire cost left out is 0; labels are carried
    labelled = plan([["Quarter", "New teams"], ["Q4 2026", 1], ["Q1 2027", 0]], time_to_hire=1, **LATE)
    assert udfs.PLAN_COST(labelled, 100_000) == [
        ["Quarter", "People cost", "Hiring cost", "Total cost"],
        ["Q4 2026", 150_000.0, 0.0, 150_000.0],     # 6 people x 100k / 4
        ["Q1 2027", 300_000.0, 0.0, 300_000.0],     # 12 people x 100k / 4
        ["Total", 450_000.0, 0.0, 450_000.0]]


def test_plan_cost_errors_name_the_argument():
    two_quarters = plan([[1, 0]], time_to_hire=1, **LATE)
    assert udfs.PLAN_COST(two_quarters, N).startswith("#VALUE! annual_cost is required")
    assert udfs.PLAN_COST(two_quarters, -1) == "#VALUE! annual_cost must be a number >= 0, got -1"
    assert udfs.PLAN_COST(two_quarters, 1, [[1, 2]]) == (
        "#VALUE! hire_cost must be one number or three (Amplifier, Iterator, Connector), got 2 cells")
    assert udfs.PLAN_COST([["Quarter", "Backlog"], [1, 0]], 1).startswith(
        "#VALUE! plan must be a HIRING_PLAN table with its header row; no column Amplifiers")
    assert udfs.PLAN_COST(two_quarters, 1e308).startswith("#NUM! the cost of quarter 1 is more than")


def test_a_cohort_net_of_promotion_for_the_sources_three_teams():
    # 3 new teams at mid: 3 x 1.5 = 4.5 Amplifiers, 3 x 7.5 = 22.5 Iterators. A 7-seat cohort
    # by value (Amplifiers x leverage 3.75 at mid):
    #   gross: 16.875 vs 22.5 -> Amplifier share 16.875 / 39.375 = 3/7 -> 3 of 7 seats
    #   net of 3 promotions: 4.5 - 3 = 1.5 Amplifier hires, 22.5 + 3 backfill = 25.5
    #   Iterator hires; 1.5 x 3.75 = 5.625 vs 25.5 -> 7 x 5.625 / 31.125 = 1.27 -> 1 seat
    gross = udfs.COHORT_MIX(7, udfs.AMPLIFIERS_NEEDED(3), udfs.ITERATORS_NEEDED(3), 0, "value")
    net = udfs.COHORT_MIX(7, udfs.AMPLIFIER_HIRES(3, 3), udfs.ITERATOR_HIRES(3, 3), 0, "value")
    assert gross[1][0] == net[1][0] == "Amplifier"
    assert gross[1][3] == 3.0 and gross[2][3] == 4.0
    assert net[1][1] == 5.625 and net[2][1] == 25.5
    assert net[1][3] == 1.0 and net[2][3] == 6.0
