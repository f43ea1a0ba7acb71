"""The template's plan sheets: Plan (the Base scenario's quarterly plan, its Schedule)
and Scenarios (the plan under other choices, compared)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from talentneeds.model import plan as plan_model
from talentneeds.workbook.spec import Chart, Formula, Input, Sheet, Table, Text, Validation
from talentneeds.workbook.template_layout import *  # noqa: F403
from talentneeds.workbook.template_layout import _check_status, _plan_highlights

_PLAN_ARGUMENTS = ("Staff[#All],AsOf,Point,PerTeam,SpanLow,SpanHigh,{time_to_hire},Attrition,RampQuarters,"
                   "MinTenureYears,SoftSkillsRequired,TakeUp,{promote},{pool},{shared},Roles[#All]")
# the Base plan's schedule: labelled (a Quarter and a New teams column under their header),
# so that the plan, its headline and its cost name quarters by their labels
BASE_SCHEDULE = "Schedule[[#All],[Quarter]:[New teams]]"
_FAST_QUARTER, _FAST_NEW_TEAMS = get_column_letter(FAST_SCHEDULE_COLUMN), get_column_letter(FAST_SCHEDULE_COLUMN + 1)
FAST_SCHEDULE = f"Plan!${_FAST_QUARTER}$4:${_FAST_NEW_TEAMS}${4 + SCHEDULE_ROWS}"
_FAST_LABELS = f"{_FAST_QUARTER}5:{_FAST_QUARTER}{4 + SCHEDULE_ROWS}"
_FAST_TEAMS = f"{_FAST_NEW_TEAMS}5:{_FAST_NEW_TEAMS}{4 + SCHEDULE_ROWS}"


def _plan_reach(column: int, row: int) -> str:
    """The range a plan spilled from (column, row) can fill."""
    return f"{get_column_letter(column)}{row}:{get_column_letter(column + PLAN_WIDTH - 1)}{row + PLAN_REACH_ROWS - 1}"


def _scenario_plan(name: str, rows: int = len(QUARTERS) + 1) -> str:
    column = SCENARIO_PLAN_COLUMNS[name]
    return (f"{get_column_letter(column)}{SCENARIO_PLAN_ROW}:"
            f"{get_column_letter(column + PLAN_WIDTH - 1)}{SCENARIO_PLAN_ROW + rows - 1}")


def _time_to_hire(scenario_row: int) -> str:
    return f"Scenarios!$G${scenario_row}:$I${scenario_row}"


def _hiring_plan(schedule: str, scenario_row: int, time_to_hire: str = "TimeToHire") -> str:
    arguments = _PLAN_ARGUMENTS.format(promote=f"Scenarios!$B${scenario_row}", time_to_hire=time_to_hire,
                                       pool=f"Scenarios!$C${scenario_row}", shared=f"Scenarios!$D${scenario_row}")
    return f"=HIRING_PLAN({schedule},{arguments})"


def _schedule(table: str) -> str:
    """A scenario's schedule: the Schedule's, or the Fast growth schedule's, Quarter and New
    teams columns under their header."""
    return BASE_SCHEDULE if table == "Schedule" else FAST_SCHEDULE


def _cost_table(column: int, row: int, plan: str) -> Formula:
    """PLAN_COST of the plan spilled at ``plan``: header, one row per quarter, a Total row."""
    first, last = get_column_letter(column), get_column_letter(column + len(PLAN_COST_HEADER) - 1)
    return Formula(f"{first}{row}", f"=PLAN_COST({plan},AnnualCost,HireCost)",
                   spill=f"{first}{row}:{last}{row + len(QUARTERS) + 1}", number_format="#,##0",
                   header=PLAN_COST_HEADER)


def _cost_total(column: int, row: int, sheet: str = "") -> str:
    """The Total row's total of a cost table spilled from (column, row), wherever it ends:
    the Total column's sum less its largest value, the Total row (no quarter costs less than
    nothing). LibreOffice finds no "Total" text in an add-in's array result (SUMIF gives 0,
    MATCH #N/A), so the row is not looked up by its label."""
    total = get_column_letter(column + len(PLAN_COST_HEADER) - 1)
    cells = f"{sheet}{total}{row + 1}:{total}{row + PLAN_REACH_ROWS}"
    return f"=SUM({cells})-MAX({cells})"


def heads_chart(anchor: str, size: tuple[float, float], data_sheet: str | None = None) -> Chart:
    """The Base plan's heads per quarter (stacked) and its management capacity (a line),
    over the Horizon's quarters (the PlanChart names)."""
    return Chart("bar", "Heads per quarter, and management capacity", anchor, "PlanChartQuarters",
                 tuple((f"{PLAN_COLUMN[name]}{PLAN_ROW}", f"PlanChart{name}") for name in ("Amplifiers", "Iterators", "Connectors")),
                 y_title="Heads", stacked=True, size=size, data_sheet=data_sheet,
                 lines=((f"{PLAN_COLUMN['Management capacity']}{PLAN_ROW}", "PlanChartCapacity"),))


SCENARIO_INPUT_ROWS = {name: 5 + i for i, (name, *_) in enumerate(SCENARIOS)}
_SCHEDULE_ROW = "ROW()-ROW(Schedule[[#Headers],[Quarter]])"  # 1 for the Schedule's first quarter
# The Quarter column: blank past the Horizon (so the row is skipped); a label cell that a
# shorter spill left blank is "" too (T), not 0, so while compute resizes the labels' spill
# to a longer Horizon the plan is the shorter one, not an error. (INDEX(...)&"" did the same
# for our engine, but LibreOffice then found Plan!S5 unequal to the label it shows.)

PLAN = Sheet("Plan", (
    Text("A1", "Quarterly hiring plan", "Title"),
    Text("A2", "New teams per quarter come from the Teams table (its Start column), through the Schedule "
               f"(column {get_column_letter(SCHEDULE_COLUMN)}), labelled by the quarters of the plan start "
               f"(Assumptions); the Schedule's rows past the Horizon (up to {SCHEDULE_ROWS}) stay blank and "
               "the plan skips them."),
    Text("A3", "Quarter 1 starts on the plan start on Assumptions. Heads are at the end of each quarter; "
               "hires are arrivals."),
    Table("Schedule", SCHEDULE_CELL, ("Quarter", "New teams"),
          tuple((None, None) for _ in range(SCHEDULE_ROWS)),
          formulas={"Quarter": f'=IF({_SCHEDULE_ROW}>Horizon,"",T(INDEX(QuarterLabels,{_SCHEDULE_ROW})))',
                    "New teams": '=IF(Schedule[[#This Row],[Quarter]]="","",'
                                 'SUMIFS(Teams[Count],Teams[Start],Schedule[[#This Row],[Quarter]]))'},
          number_formats={"New teams": "0"}),
    Text(f"{_FAST_QUARTER}3", "Fast growth (Scenarios): the Schedule's teams x "
                                                        "Fast growth (Assumptions)", "Heading"),
    Text(FAST_SCHEDULE_CELL, "Quarter", "Heading"),
    Text(f"{_FAST_NEW_TEAMS}4", "New teams", "NumberHeading"),
    Formula(f"{_FAST_QUARTER}5", "=Schedule[Quarter]", spill=_FAST_LABELS),
    Formula(f"{_FAST_NEW_TEAMS}5",
            '=IF(Schedule[Quarter]="","",Schedule[New teams]*FastGrowth)', spill=_FAST_TEAMS, number_format="0"),
    Text(f"{get_column_letter(LABELS_COLUMN)}4", "Quarters", "Heading"),
    Formula(LABELS_CELL, "=QUARTER_LABELS(AsOf,Horizon)",
            spill=f"{LABELS_CELL}:{get_column_letter(LABELS_COLUMN)}{4 + len(QUARTERS)}"),
    Text(f"{get_column_letter(COST_COLUMN)}3", "What the plan costs (cost assumptions on Assumptions)", "Heading"),
    _cost_table(COST_COLUMN, 4, _plan_reach(1, PLAN_ROW)),
    Text("M3", "How sure: the plan's totals at the percentiles on Assumptions", "Heading"),
    Formula("M4", f"=PLAN_DISTRIBUTION({BASE_SCHEDULE},Percentiles,,,,"
                  "Staff[#All],AsOf,PerTeam,SpanLow,SpanHigh,TimeToHire,Attrition,RampQuarters,"
                  f"MinTenureYears,SoftSkillsRequired,TakeUp,Scenarios!$B$5,Scenarios!$C$5,Scenarios!$D$5,Roles[#All])",
            spill=DISTRIBUTION_TABLE, number_format="0", header=DISTRIBUTION_HEADER),
    Text("A14", "The plan (Base scenario)", "Heading"),
    Formula(f"A{PLAN_ROW}", _hiring_plan(BASE_SCHEDULE, SCENARIO_INPUT_ROWS["Base"]), spill=PLAN_TABLE, number_format="0",
            column_formats=(("N", "General"),), header=PLAN_HEADER),
    *_plan_highlights(1, PLAN_ROW),
    *_check_status("F1"),
    heads_chart("B4", (20, 5.2)),
), column_widths={"A": 12, "B": 11, "C": 12, **{c: 12 for c in "DEFGHIJM"}, "K": 20, "L": 16, "N": 17, "O": 18, "P": 17, "Q": 18,
                  get_column_letter(PLAN_WIDTH + 1): 3, get_column_letter(SCHEDULE_COLUMN): 12,
                  get_column_letter(SCHEDULE_COLUMN + 1): 11, get_column_letter(LABELS_COLUMN): 10,
                  get_column_letter(COST_COLUMN): 10, _FAST_QUARTER: 12, _FAST_NEW_TEAMS: 11}, freeze=f"A{PLAN_ROW + 1}")

_SCENARIO_HEADINGS = ("Promote", "Pool factor", "Leads shared by", "Schedule", "Time to hire: Amplifiers",
                      "Iterators", "Connectors")


def _scenario_inputs(name: str, column: str, promote, pool, shared, amplifiers_time) -> tuple:
    row = SCENARIO_INPUT_ROWS[name]
    hard = (Input(f"G{row}", None, amplifiers_time,
                  Validation("whole", "0", str(plan_model.MAX_QUARTERS), "between",
                             f"Time to hire must be a whole number of quarters, 0-{plan_model.MAX_QUARTERS}"))
            if amplifiers_time is not None else Formula(f"G{row}", "=TimeToHireAmplifiers", number_format="0"))
    return (
        Text(f"A{row}", name, "Label"),
        Input(f"B{row}", None, promote, Validation("list", '"TRUE,FALSE"', message="Promote must be TRUE or FALSE")),
        Input(f"C{row}", None, pool,
              Validation("decimal", "1", "100", "between", "Pool factor must be a number from 1 to 100")),
        Input(f"D{row}", None, shared,
              Validation("decimal", "1", "1000", "between", "Leads shared by must be a number from 1 to 1000")),
        Text(f"E{row}", column), hard,
        Formula(f"H{row}", "=TimeToHireIterators", number_format="0"),
        Formula(f"I{row}", "=TimeToHireConnectors", number_format="0"),
    )


def _scenario_plan_items(name: str, column: str) -> tuple:
    first = SCENARIO_PLAN_COLUMNS[name]
    row = SCENARIO_INPUT_ROWS[name]
    return (
        Text(f"{get_column_letter(first)}{SCENARIO_PLAN_ROW - 1}", f"Plan: {name}", "Heading"),
        Formula(f"{get_column_letter(first)}{SCENARIO_PLAN_ROW}",
                _hiring_plan(_schedule(column), row, _time_to_hire(row)), spill=_scenario_plan(name),
                number_format="0", header=PLAN_HEADER,
                column_formats=((get_column_letter(first + 13), "General"),)),
        *_plan_highlights(first, SCENARIO_PLAN_ROW),
        _cost_table(first + PLAN_WIDTH + 1, SCENARIO_PLAN_ROW, _plan_reach(first, SCENARIO_PLAN_ROW)),
    )


SCENARIOS_SHEET = Sheet("Scenarios", (
    Text("A1", "Scenarios", "Title"),
    Text("A2", "The Plan sheet's plan under other choices: no promotion from within, the restructure "
               "(wider candidate pool, research leads shared), fast growth (more teams each quarter), "
               "managers hard to hire (a longer time to hire Amplifiers, column G, and none promoted: with "
               "promotion the candidates fill the Amplifier seats and a slow hire changes nothing)."),
    Text("A4", "Scenario", "Heading"),
    *(Text(f"{get_column_letter(2 + i)}4", heading, "Heading" if heading == "Schedule" else "NumberHeading")
      for i, heading in enumerate(_SCENARIO_HEADINGS)),
    *(item for scenario in SCENARIOS for item in _scenario_inputs(*scenario)),
    Text(f"A{HEADLINE_ROWS.start - 1}", "Headline", "Heading"),
    *(Text(f"{column}{HEADLINE_ROWS.start - 1}", name, "NumberHeading")
      for column, (name, *_) in zip(SCENARIO_COLUMNS, SCENARIOS)),
    *(Text(f"A{row}", label, "Label") for row, label in zip(
        (*HEADLINE_ROWS, COST_ROW),
        ("Fully staffed from quarter", "Peak backlog (heads)", "Management-bound quarters", "Plan cost (total)"))),
    Formula(f"B{HEADLINE_ROWS.start}", f"=PLAN_HEADLINE(Plan!{_plan_reach(1, PLAN_ROW)},FALSE)",
            spill=f"B{HEADLINE_ROWS.start}:B{HEADLINE_ROWS.stop - 1}", number_format="0"),
    Formula(f"B{COST_ROW}", _cost_total(COST_COLUMN, 4, "Plan!"), number_format="#,##0"),
    *(Formula(f"{column}{HEADLINE_ROWS.start}",
              f"=PLAN_HEADLINE({_plan_reach(SCENARIO_PLAN_COLUMNS[name], SCENARIO_PLAN_ROW)},FALSE)",
              spill=f"{column}{HEADLINE_ROWS.start}:{column}{HEADLINE_ROWS.stop - 1}", number_format="0")
      for column, (name, *_) in zip(SCENARIO_COLUMNS[1:], SCENARIOS[1:])),
    *(Formula(f"{column}{COST_ROW}", _cost_total(SCENARIO_PLAN_COLUMNS[name] + PLAN_WIDTH + 1, SCENARIO_PLAN_ROW),
              number_format="#,##0")
      for column, (name, *_) in zip(SCENARIO_COLUMNS[1:], SCENARIOS[1:])),
    *(item for name, column, *_ in SCENARIOS[1:] for item in _scenario_plan_items(name, column)),
    *_check_status("D1"),
), column_widths={"A": 30, **{get_column_letter(c): 14 for c in range(2, 1 + len(SCENARIOS[1:]) * SCENARIO_BLOCK)}},
    pages_wide=4)  # printed one scenario plan to a page
