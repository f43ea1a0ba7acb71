"""The template tells one story (issue 15): the plan's quarters come from one plan start,
the cohort weighs the heads from outside, the plan shows its cost, and the mistakes that
used to pass every check fail one that names the cells. Expected values are worked by hand."""

import datetime as dt

import openpyxl
import pytest

from talentneeds import cli
from talentneeds.engines.formula_engine import WorkbookEngine
from talentneeds.workbook import template as T
from talentneeds.workbook.builder import build_template
from talentneeds.workbook.summary import plan_labels, summary

TEAM_START_CHECK, LABELS_CHECK, HORIZON_CHECK = (f"B{row}" for row in T.CHECK_ROWS[-3:])


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("story") / "plan.xlsx")


@pytest.fixture(scope="module")
def engine(template):
    return WorkbookEngine(template)


def _edited(template, tmp_path, edits):
    """A copy of the template with cells typed over, as a user would."""
    book = openpyxl.load_workbook(template)
    for (sheet, cell), value in edits.items():
        book[sheet][cell] = value
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def _compute_error(path, capsys):
    assert cli.main(["compute", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    return err


def test_a_team_start_typed_as_an_old_template_label_fails_a_check_naming_the_cells(template, tmp_path, capsys):
    # "2027-Q1" is how the old template wrote a quarter: Needs counts the team, the plan does not
    path = _edited(template, tmp_path, {("Teams", "C7"): "2027-Q1"})
    err = _compute_error(path, capsys)
    assert err == ("talentneeds: check failed: Checks!" + TEAM_START_CHECK + " (Every team starts in a quarter of "
                   "the plan (Teams, column C: one of Plan!S5:S12)); 1 check(s) fail in all")


def test_quarter_labels_that_are_not_the_plan_starts_fail_a_check_naming_the_cell(template, tmp_path, capsys):
    # a label typed over the Schedule's first quarter: the plan starts 2026-07-01, in Q3 2026
    path = _edited(template, tmp_path, {("Plan", "S5"): "Q1 2026"})
    err = _compute_error(path, capsys)
    assert f"Checks!{LABELS_CHECK} (The plan's first quarter (Plan!S5) is the plan start's (Assumptions!B18))" in err
    # the team starting in Q3 2026 is then in no plan quarter either
    assert f"Checks!{TEAM_START_CHECK} (Every team starts" in err and "2 check(s) fail in all" in err


def test_the_quarters_follow_the_plan_start_across_a_year_boundary(engine):
    # a plan starting 15 November 2026: quarters start 15 Nov, 15 Feb, 15 May, ... -> Q4 2026,
    # Q1 2027, Q2 2027, Q3 2027, Q4 2027, Q1 2028, Q2 2028, Q3 2028
    values = engine.calculate(inputs={("Assumptions", "B18"): dt.date(2026, 11, 15)})
    expected = ["Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027", "Q4 2027", "Q1 2028", "Q2 2028", "Q3 2028"]
    assert [values[("Plan", f"S{row}")] for row in range(5, 13)] == expected
    assert plan_labels(values) == expected
    assert "Plan over 8 quarters from Q4 2026:" in summary(values)
    # the example's first team starts in Q3 2026, before the plan: Needs counts 3 teams, the plan 2
    assert values[("Needs", "B3")] == 3 and values[("Plan", "B23")] == 2
    assert values[("Checks", TEAM_START_CHECK)] is False and values[("Checks", LABELS_CHECK)] is True


def test_the_cohort_weighs_the_heads_from_outside_for_the_sources_three_teams(engine):
    # 3 teams at mid: 4.5 Amplifiers and 22.5 Iterators; 3 promotion candidates on Staff. A
    # 7-seat cohort by value (Amplifiers x leverage 3.75): gross 16.875 : 22.5 -> 3 of 7 seats;
    # from outside 1.5 x 3.75 = 5.625 : 25.5 (22.5 + 3 backfills) -> 7 x 5.625 / 31.125 = 1.27 -> 1
    values = engine.calculate(inputs={("Assumptions", "B19"): 7})
    assert [values[("Cohort", f"B{row}")] for row in (4, 5)] == [1.5, 25.5]
    assert [values[("Cohort", f"I{row}")] for row in (10, 11, 13)] == [1, 6, 7]   # from outside, by value
    assert [values[("Cohort", f"N{row}")] for row in (10, 11, 13)] == [3, 4, 7]   # gross, beside
    assert values[("Cohort", "L8")] == "value"  # the gross split's weighting, labelled


def test_the_plan_costs_its_people_and_its_hires(engine):
    values = engine.calculate()
    cost = [[values[("Plan", f"{column}{row}")] for column in ("Y", "Z", "AA", "AB")] for row in (4, 5, 6)]
    assert cost[0] == ["Quarter", "People cost", "Hiring cost", "Total cost"]
    # Q3 2026: 4 Amplifiers, 14 Iterators, 2 Connectors in post, a quarter of their annual
    # cost: 4 x 65,000 + 14 x 55,000 + 2 x 75,000 = 1,180,000, no hires
    assert [values[("Plan", f"{c}16")] for c in "CDEFGH"] == [4, 14, 2, 0, 0, 0]
    assert cost[1] == ["Q3 2026", 1_180_000, 0, 1_180_000]
    # Q4 2026: 6, 16, 2 in post (1,420,000) and 5 Iterators hired at 25,000 each
    assert [values[("Plan", f"{c}17")] for c in "CDEFGH"] == [6, 16, 2, 0, 5, 0]
    assert cost[2] == ["Q4 2026", 1_420_000, 125_000, 1_545_000]
    # the scenarios and the Dashboard show the Base plan's total, the cost table's Total row
    total = values[("Plan", "AB13")]
    assert values[("Plan", "Y13")] == "Total" and values[("Scenarios", f"B{T.COST_ROW}")] == total
    assert values[("Dashboard", "B22")] == total


def test_managers_hard_to_hire_is_a_scenario_with_its_own_time_to_hire(engine):
    values = engine.calculate(inputs={("Assumptions", "B25"): 3})
    row = T.SCENARIO_INPUT_ROWS["Managers hard to hire"]
    # every scenario takes the Assumptions' time to hire, but this one's Amplifiers (an input: 4)
    assert [values[("Scenarios", f"G{r}")] for r in T.SCENARIO_INPUT_ROWS.values() if r != row] == [3] * 4
    assert ("Scenarios", f"G{row}") not in values and values[("Scenarios", f"H{row}")] == 1


def test_a_shorter_horizon_gives_a_shorter_plan(template, tmp_path, capsys):
    from workbook_edits import edited

    def six_quarters(parts):  # Assumptions!B36, typed as Excel saves it (openpyxl would drop the spills)
        parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(
            b'<c r="B36" s="4" t="n"><v>8</v></c>', b'<c r="B36" s="4" t="n"><v>6</v></c>')

    path = edited(template, tmp_path / "six.xlsx", six_quarters)
    out = tmp_path / "six-computed.xlsx"
    assert cli.main(["compute", str(path), "-o", str(out)]) == 0
    assert "Plan over 6 quarters from Q3 2026:" in capsys.readouterr().out
    values = openpyxl.load_workbook(out, data_only=True)
    plan = values["Plan"]
    assert [plan[f"A{row}"].value for row in range(16, 23)] == [
        "Q3 2026", "Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027", "Q4 2027", None]
    assert [plan[f"S{row}"].value for row in (10, 11)] == ["Q4 2027", None]  # the Schedule's rows beyond: blank
    assert values["Checks"][T.MASTER_CHECK[1]].value is True


def test_a_horizon_longer_than_the_schedule_fails_a_check_naming_the_cell(engine):
    values = engine.calculate(inputs={("Assumptions", "B36"): 12})
    assert values[("Checks", HORIZON_CHECK)] is False
    label = dict(T._CHECKS)  # label -> formula
    assert [text for text in label if "Horizon" in text] == [
        "The Schedule has a row for each quarter of the Horizon (Assumptions!B36)"]
