"""The Excel functions, called as Excel calls them, against the source's figures."""

import datetime as dt

import pytest

from talentneeds import udfs

TEAMS = range(1, 21)
ROSTER_HEADER = ["Name", "Role", "Start date", "Soft skills"]


@pytest.mark.parametrize("x", TEAMS)
def test_source_figures_for_1_to_20_teams(x):
    assert udfs.AMPLIFIERS_NEEDED(x, "low") == x
    assert udfs.AMPLIFIERS_NEEDED(x, "high") == 2 * x
    assert udfs.ITERATORS_NEEDED(x, "low") == 5 * x
    assert udfs.ITERATORS_NEEDED(x, "high") == 10 * x
    assert udfs.AMPLIFIERS_NEEDED(x) == 1.5 * x  # point defaults to mid


def test_capacity_and_leverage_figures():
    assert udfs.ITERATOR_CAPACITY(1, "low") == 5
    assert udfs.ITERATOR_CAPACITY(1, "high") == 10
    assert udfs.MANAGER_LEVERAGE("low") == 2.5
    assert udfs.MANAGER_LEVERAGE("high") == 5
    assert udfs.ITERATOR_HEADROOM(2, 12, "low") == -2        # 2 x 5 - 12
    assert udfs.AMPLIFIERS_FOR(30, "high") == 3              # 30 / 10


@pytest.mark.parametrize("x", [1, 2, 5, 20])
@pytest.mark.parametrize("k", [0, 1, 3, 10, 100])
def test_promoting_k_lowers_amplifier_hires_by_k_never_below_zero(x, k):
    for point, per_team in (("low", 1), ("high", 2)):
        need = per_team * x
        assert udfs.AMPLIFIER_HIRES(x, k, point) == max(0, need - k)
        promoted = min(k, need)
        assert udfs.ITERATOR_HIRES(x, k, point) - udfs.ITERATOR_HIRES(x, 0, point) == promoted


def test_exactly_one_year_on_the_roster_is_not_yet_a_candidate():
    roster = [ROSTER_HEADER, ["Ann", "Research Engineer", dt.datetime(2023, 3, 1), True]]
    assert udfs.INTERNAL_AMPLIFIERS(roster, dt.datetime(2024, 3, 1)) == 0
    assert udfs.INTERNAL_AMPLIFIERS(roster, dt.datetime(2024, 3, 2)) == 1
    # the same as Excel serial numbers (Office.js): 45352 = 2024-03-01, 44986 = 2023-03-01
    serial_roster = [ROSTER_HEADER, ["Ann", "Research Engineer", 44986, True]]
    assert udfs.INTERNAL_AMPLIFIERS(serial_roster, 45352) == 0
    assert udfs.INTERNAL_AMPLIFIERS(serial_roster, 45353) == 1


def test_internal_amplifiers_on_a_roster_with_blank_rows_and_extra_columns():
    roster = [
        ["Name", "Team", "Role", "Start date", "Soft skills", "Notes"],
        ["Ann", "Evals", "Research Engineer", 43831, "yes", "x"],      # 2020-01-01: yes
        [None] * 6,
        ["Bo", "Evals", "Research Scientist", 43831, "no", None],      # no soft skills
        ["Cy", "Evals", "People Manager", 43831, "yes", None],         # already an Amplifier
        ["Di", "Evals", "Member of Technical Staff", 45200, True, None],  # 2023-10-01: 3 months
        ["Ed", "Evals", "Senior Research Engineer", 44200, True, None],  # 2021-01-04: yes
    ]
    assert udfs.INTERNAL_AMPLIFIERS(roster, "2024-01-01") == 2
    assert udfs.INTERNAL_AMPLIFIERS(roster, "2024-01-01", None, None, 0.5) == 1
    assert udfs.INTERNAL_AMPLIFIERS(roster, "2024-01-01", 5) == 0         # nobody has > 5 years
    assert udfs.INTERNAL_AMPLIFIERS(roster, "2024-01-01", None, False) == 3  # Bo counts too


def test_table_functions_spill_with_a_header_row():
    assert udfs.TEAM_NEEDS(2) == [
        ["Archetype", "Low", "Mid", "High"],
        ["Amplifier", 2, 3, 4], ["Iterator", 10, 15, 20], ["Connector", 0, 0, 0]]
    assert udfs.TEAM_NEEDS(2, False)[0] == ["Amplifier", 2, 3, 4]
    table = udfs.BOTTLENECK(3, 25)
    assert table[0] == ["Archetype", "Available", "Per team", "Teams staffable", "Binding"]
    assert table[1] == ["Amplifier", 3, 1.5, 2, True]     # 3 / 1.5
    assert table[2] == ["Iterator", 25, 7.5, 3, False]    # 25 / 7.5 = 3.33
    assert table[-1] == ["Bottleneck", "", "", 2, "Amplifier"]
    mix = udfs.COHORT_MIX(30, 4.5, 22.5)
    assert [row[3] for row in mix[1:]] == [5, 25, 0, 30]
    assert [row[3] for row in udfs.COHORT_MIX(30, 4.5, 22.5, 0, "value")[1:]] == [13, 17, 0, 30]


def test_custom_ranges_through_arguments():
    assert udfs.AMPLIFIERS_NEEDED(4, "high", 1, 3) == 12
    assert udfs.ITERATORS_NEEDED(4, 0.5, 4, 8) == 24
    assert udfs.CONNECTORS_NEEDED(4, "high", 0, 0.5) == 2
    per_team = [[1, 1], [4, 4], [1, 1]]
    assert udfs.TEAM_NEEDS(3, True, per_team)[3] == ["Connector", 3, 3, 3]
    assert udfs.BOTTLENECK(10, 40, 2, "mid", per_team)[-1] == ["Bottleneck", "", "", 2, "Connector"]


def test_text_numbers_and_single_cell_ranges_are_accepted():
    assert udfs.AMPLIFIERS_NEEDED("4", "HIGH") == 8
    assert udfs.AMPLIFIERS_NEEDED([[4]], [["low"]]) == 4
    assert udfs.ITERATORS_NEEDED(2, "0.5") == 15


@pytest.mark.parametrize("call, message", [
    (lambda: udfs.AMPLIFIERS_NEEDED("abc"), '#VALUE! teams must be a number >= 0, got "abc"'),
    (lambda: udfs.AMPLIFIERS_NEEDED(-1), "#VALUE! teams must be a number >= 0, got -1"),
    (lambda: udfs.AMPLIFIERS_NEEDED(None), "#VALUE! teams is required: a number >= 0, got a blank cell"),
    (lambda: udfs.AMPLIFIERS_NEEDED(3, "max"),
     '#VALUE! point must be "low", "mid", "high" or a number from 0 to 1, got "max"'),
    (lambda: udfs.AMPLIFIERS_NEEDED(3, "mid", 3, 2), "#VALUE! low (3) must be <= high (2)"),
    (lambda: udfs.COHORT_MIX(2.5, 1, 1), "#VALUE! cohort_size must be a whole number from 0 to 1,000,000,000, got 2.5"),
    (lambda: udfs.COHORT_MIX(10, 0, 0), "#NUM! amplifiers, iterators and connectors are all 0"),
    (lambda: udfs.ARCHETYPE("Wizard"), '#N/A role "Wizard" is not in the catalogue'),
    (lambda: udfs.MANAGER_LEVERAGE("mid", 2), "#VALUE! output_share must be a number from 0 to 1, got 2"),
    (lambda: udfs.AMPLIFIERS_FOR(5, "mid", 0, 0), "#NUM! a span of control of 0 cannot manage any Iterators"),
])
def test_bad_input_is_an_excel_style_error_naming_the_argument(call, message):
    result = call()
    assert isinstance(result, str) and result.startswith(message)


def test_archetype_with_the_default_and_a_custom_catalogue():
    assert udfs.ARCHETYPE("Research Engineer") == "Iterator"
    assert udfs.ARCHETYPE("People Manager") == "Amplifier"
    assert udfs.ARCHETYPE("Research Lead") == "Connector"
    catalog = [["Role", "Archetype"], ["Research Engineer", "Connector"]]
    assert udfs.ARCHETYPE("research engineer", catalog) == "Connector"


# ---------------------------------------------------------------- the quarterly plan

N = None


def test_hiring_plan_reads_a_schedule_as_a_row_or_a_column_with_an_optional_header():
    # an empty org, instant hires, no attrition, full size at once: quarter 1 hires
    # ceil(1.5) = 2 Amplifiers and ceil(7.5) = 8 Iterators; capacity floor(2 x 7.5) = 15
    column = udfs.HIRING_PLAN([["New teams"], [1], [0]], N, N, N, N, N, N, 0, 0, 1)
    row = udfs.HIRING_PLAN([[1, 0, None, None]], N, N, N, N, N, N, 0, 0, 1)
    assert column == row
    # ... and the targets: 2 Amplifiers, 8 Iterators, 0 Connectors
    assert column[1] == [1.0, 1.0, 2.0, 8.0, 0.0, 2.0, 8.0, 0.0, 0.0, 0.0, 15.0, 7.0, 0.0, False, 2.0, 8.0, 0.0]
    assert len(column) == 3  # header + 2 quarters: the trailing blanks are not quarters


def test_hiring_plan_restructure_shares_research_leads():
    # 4 teams needing 1 Connector each, shared by 2 teams: ceil(4 / 2) = 2 Connectors
    per_team = [[1, 1], [5, 5], [1, 1]]
    shared = udfs.HIRING_PLAN([[4]], N, N, N, per_team, N, N, 0, 0, 1, N, N, N, N, N, 2)
    alone = udfs.HIRING_PLAN([[4]], N, N, N, per_team, N, N, 0, 0, 1)
    header = shared[0]
    assert shared[1][header.index("Connectors")] == 2.0 and alone[1][header.index("Connectors")] == 4.0


def test_hiring_plan_attrition_per_archetype_and_errors_name_the_argument():
    assert udfs.HIRING_PLAN([[1]], N, N, N, N, N, N, N, [[0.1], [0.2], [0.1]])[0][0] == "Quarter"
    assert udfs.HIRING_PLAN([[1]], N, N, N, N, N, N, N, [[0.1, 0.2]]) == \
        "#VALUE! attrition must be one number or three (Amplifier, Iterator, Connector), got 2 cells"
    assert udfs.HIRING_PLAN([[1, 2], [3, 4]]).startswith("#VALUE! schedule must be a single row or a single column")
    assert udfs.HIRING_PLAN([[1], [-2]]) == "#VALUE! schedule quarter 2 must be a whole number >= 0, got -2"
    assert udfs.HIRING_PLAN([[1]], N, N, N, N, N, N, N, N, 0).startswith("#VALUE! ramp_quarters must be")
    assert udfs.HIRING_PLAN([[None]]).startswith("#VALUE! schedule must hold the new teams of at least one quarter")


def test_needs_distribution_percentiles_worked_out_by_hand():
    # one team: Amplifiers 1 or 2 (each 1/2), Iterators 5..10 (each 1/6). P10: the smallest
    # value whose cumulative share reaches 0.1 -> 1 and 5; P90 -> 2 and 10 (5/6 < 0.9)
    assert udfs.NEEDS_DISTRIBUTION(1, [[10, 90]]) == [
        ["Archetype", "P10", "P90"], ["Amplifier", 1.0, 2.0], ["Iterator", 5.0, 10.0], ["Connector", 0.0, 0.0]]
    # the same seed gives the same table; a range of zero width collapses to its value
    assert udfs.NEEDS_DISTRIBUTION(7, N, 500, 3) == udfs.NEEDS_DISTRIBUTION(7, N, 500, 3)
    assert udfs.NEEDS_DISTRIBUTION(7, N, 500, 3, [[2, 2], [6, 6], [0, 0]])[1:] == [
        ["Amplifier", 14.0, 14.0, 14.0], ["Iterator", 42.0, 42.0, 42.0], ["Connector", 0.0, 0.0, 0.0]]
    assert udfs.NEEDS_DISTRIBUTION(3, [[101]]) == "#VALUE! percentiles cell 1 must be a number from 0 to 100, got 101"
    assert udfs.NEEDS_DISTRIBUTION(3, N, 0).startswith("#VALUE! trials must be a whole number from 1 to")


def test_plan_headline_worked_out_by_hand():
    table = [["Quarter", "Backlog", "Management-bound"], [1, 3, True], [2, 0, False], [3, 2, True], [4, 0, False]]
    # backlog 0 from quarter 4 to the end; peak 3; quarters 1 and 3 were management-bound
    assert udfs.PLAN_HEADLINE(table) == [["Fully staffed from quarter", 4.0], ["Peak backlog", 3.0],
                                         ["Management-bound quarters", 2.0]]
    assert udfs.PLAN_HEADLINE(table, False) == [[4.0], [3.0], [2.0]]
    table[-1][1] = 1  # still short in the last quarter
    assert udfs.PLAN_HEADLINE(table)[0] == ["Fully staffed from quarter", "not within the plan"]
    assert udfs.PLAN_HEADLINE(udfs.HIRING_PLAN([[1], [0]], N, N, N, N, N, N, 0, 0, 1)) == [
        ["Fully staffed from quarter", 1.0], ["Peak backlog", 0.0], ["Management-bound quarters", 0.0]]
    assert udfs.PLAN_HEADLINE([["Quarter", "Backlog"], [1, 0]]) == \
        "#VALUE! plan must be a HIRING_PLAN table with its header row; no column Management-bound"
    assert udfs.PLAN_HEADLINE([["Quarter", "Backlog", "Management-bound"], [1, -1, False]]) == \
        "#VALUE! plan row 2 Backlog must be a whole number from 0 to 9,007,199,254,740,992, got -1"


def test_plan_distribution_collapses_to_the_plan_when_no_range_has_width():
    # 2 Amplifiers and 6 Iterators per team, span 6, instant hires, no attrition, full size at
    # once, an empty org: every trial needs 8 and hires 8, staffed in quarter 1
    table = udfs.PLAN_DISTRIBUTION([[1], [0]], [[10, 90]], 50, 0, N, N, N, [[2, 2], [6, 6], [0, 0]], 6, 6, 0, 0, 1)
    assert table == [["Outcome", "P10", "P90"], ["Total needs", 8.0, 8.0], ["Total hires", 8.0, 8.0],
                     ["Fully staffed quarter", 1.0, 1.0]]
    # managers who can take on one Iterator each are never enough: never staffed in the plan
    never = udfs.PLAN_DISTRIBUTION([[1], [0]], N, 50, 0, N, N, N, N, 1, 1)
    assert never[3] == ["Fully staffed quarter"] + ["not within the plan"] * 3
    assert udfs.PLAN_DISTRIBUTION([[1]], N, 0).startswith("#VALUE! trials must be a whole number from 1 to")
    assert udfs.PLAN_DISTRIBUTION([[1]], N, N, N, "triangle").startswith("#VALUE! distribution must be")
