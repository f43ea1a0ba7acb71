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
                   "the plan (Teams, column C: one of Plan!S5:S44)); 1 check(s) fail in all")


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


def test_managers_hard_to_hire_is_a_scenario_with_its_own_time_to_hire(engine, template):
    values = engine.calculate(inputs={("Assumptions", "B25"): 3})
    row = T.SCENARIO_INPUT_ROWS["Managers hard to hire"]
    # every scenario takes the Assumptions' time to hire, but this one's Amplifiers (an input: 4)
    assert [values[("Scenarios", f"G{r}")] for r in T.SCENARIO_INPUT_ROWS.values() if r != row] == [3] * 4
    assert ("Scenarios", f"G{row}") not in values and values[("Scenarios", f"H{row}")] == 1
    # and, as No internal promotion, it promotes nobody (the workbook's Promote inputs), so
    # that the slow hire shows
    promote = openpyxl.load_workbook(template)["Scenarios"]
    assert [promote[f"B{r}"].value for r in T.SCENARIO_INPUT_ROWS.values()] == [True, False, True, True, False]


def _scenario_plan(values, name: str, column: str) -> list:
    """A column of a scenario's plan (below its header), one value per quarter."""
    from openpyxl.utils import get_column_letter

    first = T.SCENARIO_PLAN_COLUMNS[name] + T.PLAN_HEADER.index(column)
    return [values[("Scenarios", f"{get_column_letter(first)}{row}")]
            for row in range(T.SCENARIO_PLAN_ROW + 1, T.SCENARIO_PLAN_ROW + 1 + len(T.QUARTERS))]


# All three teams start in Q3 2026, at once (ramp 1 quarter), nobody leaves (attrition 0).
_THREE_TEAMS_AT_ONCE = {("Teams", "D5"): 3, ("Teams", "D6"): 0, ("Teams", "D7"): 0, ("Assumptions", "B31"): 1,
                        **{("Assumptions", f"B{row}"): 0 for row in (28, 29, 30)}}


@pytest.mark.parametrize("scenario, time_to_hire_cell", [
    ("Managers hard to hire", ("Scenarios", f"G{T.SCENARIO_INPUT_ROWS['Managers hard to hire']}")),
    ("No internal promotion", ("Assumptions", "B25")),  # the Assumptions' time to hire Amplifiers
])
def test_an_amplifier_time_to_hire_of_2_makes_a_quarter_management_bound_that_1_does_not(
        engine, scenario, time_to_hire_cell):
    # By hand, from the model's rules (model/plan.py), with no promotion: Staff starts with 3
    # Amplifiers, 15 Iterators, 2 Connectors; 3 teams need 3 x 1.5 = 4.5 -> 5 Amplifiers and
    # 3 x 7.5 = 22.5 -> 23 Iterators (span 7.5 at mid), all asked for in quarter 1 (Q3 2026),
    # when the managers have room for floor(3 x 7.5) = 22 Iterators, 7 more than the 15.
    # Iterators arrive a quarter later, in Q4 2026. Time to hire Amplifiers 1: the 5 arrive with
    # them, room for floor(8 x 7.5) = 60, all 23 join (38): nothing waits.
    # Time to hire 2: in Q4 2026 the managers are still 3: 7 of the 23 join (22), 16 wait --
    # management-bound; in Q1 2027 the 5 Amplifiers arrive (room 60 - 22 = 38) and the 16
    # join: 38 Iterators.
    one = engine.calculate(inputs={**_THREE_TEAMS_AT_ONCE, time_to_hire_cell: 1})
    two = engine.calculate(inputs={**_THREE_TEAMS_AT_ONCE, time_to_hire_cell: 2})
    assert _scenario_plan(one, scenario, "Amplifiers")[:3] == [3, 8, 8]
    assert _scenario_plan(one, scenario, "Iterators")[:3] == [15, 38, 38]
    assert _scenario_plan(one, scenario, "Management-bound") == [False] * 8
    assert _scenario_plan(two, scenario, "Amplifiers")[:3] == [3, 3, 8]
    assert _scenario_plan(two, scenario, "Iterators")[:3] == [15, 22, 38]
    assert _scenario_plan(two, scenario, "Management-bound") == [False, True] + [False] * 6
    column = T.SCENARIO_COLUMNS[[name for name, *_ in T.SCENARIOS].index(scenario)]
    headline = [two[("Scenarios", f"{column}{row}")] for row in T.HEADLINE_ROWS]
    assert headline[0] == "Q1 2027" and headline[2] == 1  # fully staffed from Q1 2027; 1 bound quarter
    assert [one[("Scenarios", f"{column}{row}")] for row in T.HEADLINE_ROWS][::2] == ["Q4 2026", 0]


@pytest.mark.parametrize("hires, amplifiers, teams, binding", [
    (0, 3, 2, "Amplifier"),              # 3 promotion candidates / 1.5 per team = 2 teams
    (1, 4, 2, "Amplifier"),              # 4 / 1.5 = 2.67 -> 2
    (2, 5, 3, "Amplifier, Iterator"),    # 5 / 1.5 = 3.33 -> 3, as the 25 Iterators / 7.5 -> 3
    (4, 7, 3, "Iterator"),               # 7 / 1.5 = 4.67 -> 4: the Iterators bind at 3
])
def test_the_bottleneck_counts_the_amplifier_hires_available(engine, hires, amplifiers, teams, binding):
    values = engine.calculate(inputs={("Assumptions", "B23"): hires})
    assert values[("Needs", "B26")] == amplifiers and values[("Needs", "B12")] == 3
    assert (values[("Needs", f"D{T.BOTTLENECK_ROW}")], values[("Needs", f"E{T.BOTTLENECK_ROW}")]) == (teams, binding)
    assert f"Amplifiers: 3 promotion candidates + {hires} hires available" in summary(values)


def _computed_with_horizon(template, tmp_path, quarters, capsys):
    """The template with its Horizon (Assumptions!B36) typed as ``quarters``, computed by
    the CLI (which resizes the spills); its values and what compute printed."""
    from workbook_edits import edited, horizon

    path = edited(template, tmp_path / f"horizon-{quarters}.xlsx", horizon(quarters))
    out = tmp_path / f"horizon-{quarters}-computed.xlsx"
    assert cli.main(["compute", str(path), "-o", str(out)]) == 0
    return openpyxl.load_workbook(out, data_only=True), capsys.readouterr().out


def test_a_shorter_horizon_gives_a_shorter_plan(template, tmp_path, capsys):
    values, printed = _computed_with_horizon(template, tmp_path, 6, capsys)
    assert "Plan over 6 quarters from Q3 2026:" in printed
    plan = values["Plan"]
    assert [plan[f"A{row}"].value for row in range(16, 23)] == [
        "Q3 2026", "Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027", "Q4 2027", None]
    assert [plan[f"S{row}"].value for row in (10, 11)] == ["Q4 2027", None]  # the Schedule's rows beyond: blank
    assert values["Checks"][T.MASTER_CHECK[1]].value is True


def _column(sheet, column: str, rows) -> list:
    return [sheet[f"{column}{row}"].value for row in rows]


def test_a_horizon_of_12_quarters_gives_a_12_quarter_plan_cost_and_scenarios(template, tmp_path, capsys):
    values, printed = _computed_with_horizon(template, tmp_path, 12, capsys)
    # the plan starts 2026-07-01: quarters start 1 Jul, 1 Oct, 1 Jan, 1 Apr ... -> Q3 2026
    # to Q2 2029, the twelfth starting 2029-04-01
    labels = ["Q3 2026", "Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027", "Q4 2027",
              "Q1 2028", "Q2 2028", "Q3 2028", "Q4 2028", "Q1 2029", "Q2 2029"]
    plan, scenarios = values["Plan"], values["Scenarios"]
    assert _column(plan, "A", range(16, 29)) == [*labels, None]
    assert "Plan over 12 quarters from Q3 2026:" in printed
    # the teams start in the first three quarters, and ramp over 2: no new team after Q1
    # 2027, so no target moves after its quarter 4 (Q2 2027) and quarters 9-12 add none
    assert _column(plan, "B", range(24, 28)) == [3] * 4
    targets = [_column(plan, column, range(19, 28)) for column in "OPQ"]
    assert all(len(set(column)) == 1 for column in targets)
    # the cost: one row per quarter, then Total
    assert _column(plan, "Y", range(5, 19)) == [*labels, "Total", None]
    # every scenario's plan is 12 quarters long and labelled, Fast growth's too
    for name, first in T.SCENARIO_PLAN_COLUMNS.items():
        column = openpyxl.utils.get_column_letter(first)
        assert _column(scenarios, column, range(T.SCENARIO_PLAN_ROW + 1, T.SCENARIO_PLAN_ROW + 14)) == [*labels, None], name
    fast = T.SCENARIO_COLUMNS[[name for name, *_ in T.SCENARIOS].index("Fast growth")]
    assert scenarios[f"{fast}{T.HEADLINE_ROWS[0]}"].value in labels
    assert values["Checks"][T.MASTER_CHECK[1]].value is True


def test_a_horizon_of_40_quarters_gives_a_40_quarter_plan(template, tmp_path, capsys):
    values, printed = _computed_with_horizon(template, tmp_path, 40, capsys)
    plan = values["Plan"]
    # 40 quarters from Q3 2026: ten years, the last Q2 2036
    assert _column(plan, "A", (16, 55, 56)) == ["Q3 2026", "Q2 2036", None]
    assert len([v for v in _column(plan, "S", range(5, 45)) if v]) == 40
    assert "Plan over 40 quarters from Q3 2026:" in printed
    assert values["Checks"][T.MASTER_CHECK[1]].value is True


def test_a_horizon_past_the_schedules_40_rows_fails_its_check(engine):
    # the Schedule has 40 rows (the Horizon's validation allows 4-40); 41, pasted past the
    # validation, is one quarter more than it can label
    values = engine.calculate(inputs={("Assumptions", f"B{T.HORIZON_ROW}"): 41})
    assert values[("Checks", HORIZON_CHECK)] is False
    assert engine.calculate(inputs={("Assumptions", f"B{T.HORIZON_ROW}"): 40})[("Checks", HORIZON_CHECK)] is True


def test_the_texts_that_name_assumption_cells_name_the_cells_of_those_inputs(template):
    # where the inputs are, read from the workbook's names, and the texts written out by hand
    book = openpyxl.load_workbook(template)
    names = ("AsOf", "Horizon", "IteratorsAvailable", "ConnectorsAvailable", "AmplifiersAvailable")
    assert [book.defined_names[name].attr_text for name in names] == [
        "Assumptions!$B$18", "Assumptions!$B$36", "Assumptions!$B$21", "Assumptions!$B$22", "Assumptions!$B$23"]
    labels = [book["Checks"][f"A{row}"].value for row in T.CHECK_ROWS]
    assert labels[-2].endswith("(Assumptions!B18)") and labels[-1].endswith("(Assumptions!B36)")
    assert book["Needs"][f"A{T.BOTTLENECK_ROW + 1}"].value.endswith("(Assumptions, rows 21-23)")


def test_a_chart_name_whose_row_count_name_is_gone_is_left_as_it_is():
    """render's copy for LibreOffice: a workbook whose Horizon name was deleted, or made a
    range, keeps the chart's name (LibreOffice then draws it empty) rather than failing."""
    from openpyxl.workbook.defined_name import DefinedName

    from talentneeds import render

    book = openpyxl.Workbook()
    book.active.title = "Assumptions"
    book.active["B36"] = 12
    assert render._one_cell_value(book, "Horizon") is None  # no such name
    book.defined_names["Horizon"] = DefinedName("Horizon", attr_text="Assumptions!$B$30:$B$36")
    assert render._one_cell_value(book, "Horizon") is None  # a range, not one cell
    book.defined_names["Horizon"] = DefinedName("Horizon", attr_text="Assumptions!$B$36")
    assert render._one_cell_value(book, "Horizon") == 12


def test_the_heads_charts_follow_the_horizon(template, tmp_path, capsys):
    """The charts read defined names that reach down the plan as far as the Horizon; a
    rendering copy for LibreOffice (which draws nothing from a name) gets those cells."""
    import zipfile

    from talentneeds import render
    from workbook_edits import edited, horizon

    with zipfile.ZipFile(template) as archive:
        charts = [archive.read(name) for name in archive.namelist() if name.startswith("xl/charts/")]
    heads = [chart for chart in charts if b"Heads per quarter" in chart]
    assert len(heads) == 2  # Plan and Dashboard
    assert all(b"<f>[0]!PlanChartQuarters</f>" in chart and b"<f>[0]!PlanChartCapacity</f>" in chart
               for chart in heads)
    book = openpyxl.load_workbook(template)
    assert book.defined_names["PlanChartAmplifiers"].attr_text == "OFFSET(Plan!$C$16,0,0,Horizon,1)"
    path = edited(template, tmp_path / "twelve.xlsx", horizon(12))
    out = tmp_path / "twelve-computed.xlsx"
    assert cli.main(["compute", str(path), "-o", str(out)]) == 0
    # the engine leaves the names no formula uses alone (formulas printed "Missing Reference")
    assert "Missing Reference" not in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        resolved = render._charts_by_range(out, archive)
    assert len(resolved) == 2
    for chart in resolved.values():  # 12 quarters from row 16
        assert b"<f>Plan!$A$16:$A$27</f>" in chart and b"<f>Plan!$K$16:$K$27</f>" in chart
        assert b"[0]!" not in chart
