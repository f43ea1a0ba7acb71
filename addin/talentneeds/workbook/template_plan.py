"""The template's plan sheets: Plan (the Base scenario's quarterly plan, its Schedule)
and Scenarios (the plan under other choices, compared)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from talentneeds import examples
from talentneeds.model import assumptions as A
from talentneeds.model import plan as plan_model
from talentneeds.model.archetypes import Archetype
from talentneeds.model.roles import DEFAULT_ROLES
from talentneeds import udfs
from talentneeds.workbook.spec import Chart, Formula, Highlight, Input, Sheet, Table, Text, Validation
from talentneeds.workbook.template_layout import *  # noqa: F403
from talentneeds.workbook.template_layout import _check_status, _plan_highlights

_PLAN_ARGUMENTS = ("Staff[#All],AsOf,Point,PerTeam,SpanLow,SpanHigh,TimeToHire,Attrition,RampQuarters,"
                   "MinTenureYears,SoftSkillsRequired,TakeUp,{promote},{pool},{shared},Roles[#All]")


def _plan_reach(column: int, row: int) -> str:
    """The range a plan spilled from (column, row) can fill."""
    return f"{get_column_letter(column)}{row}:{get_column_letter(column + PLAN_WIDTH - 1)}{row + PLAN_REACH_ROWS - 1}"


def _scenario_plan(name: str, rows: int = len(QUARTERS) + 1) -> str:
    column = SCENARIO_PLAN_COLUMNS[name]
    return (f"{get_column_letter(column)}{SCENARIO_PLAN_ROW}:"
            f"{get_column_letter(column + PLAN_WIDTH - 1)}{SCENARIO_PLAN_ROW + rows - 1}")


def _hiring_plan(schedule_column: str, scenario_row: int) -> str:
    arguments = _PLAN_ARGUMENTS.format(promote=f"Scenarios!$B${scenario_row}",
                                       pool=f"Scenarios!$C${scenario_row}", shared=f"Scenarios!$D${scenario_row}")
    return f"=HIRING_PLAN(Schedule[{schedule_column}],{arguments})"


SCENARIO_INPUT_ROWS = {name: 5 + i for i, (name, *_) in enumerate(SCENARIOS)}

PLAN = Sheet("Plan", (
    Text("A1", "Quarterly hiring plan", "Title"),
    Text("A2", "New teams per quarter come from the Teams table (its Start column), through the Schedule "
               f"(column {get_column_letter(SCHEDULE_COLUMN)}): add quarters at its bottom and the plan grows."),
    Text("A3", "Quarter 1 starts on the Tenure date on Assumptions. Heads are at the end of each quarter; "
               "hires are arrivals."),
    Table("Schedule", SCHEDULE_CELL, ("Quarter", "New teams", "Fast growth"),
          tuple((quarter, None, None) for quarter in QUARTERS),
          formulas={"New teams": "=SUMIFS(Teams[Count],Teams[Start],Schedule[[#This Row],[Quarter]])",
                    "Fast growth": "=Schedule[[#This Row],[New teams]]*FastGrowth"},
          number_formats={"New teams": "0", "Fast growth": "0"}),
    Text("A14", "The plan (Base scenario)", "Heading"),
    Formula("A15", _hiring_plan("New teams", SCENARIO_INPUT_ROWS["Base"]), spill=PLAN_TABLE, number_format="0",
            column_formats=(("N", "General"),), header=PLAN_HEADER),
    *_plan_highlights(1, 15),
    *_check_status("F1"),
    Chart("bar", "Heads per quarter, and management capacity", "B4",
          f"{get_column_letter(SCHEDULE_COLUMN)}5:{get_column_letter(SCHEDULE_COLUMN)}{4 + len(QUARTERS)}",  # the Schedule's quarter labels
          tuple((f"{column}15", f"{column}16:{column}{15 + len(QUARTERS)}") for column in "CDE"),
          y_title="Heads", stacked=True, size=(22, 5.2),
          lines=(("K15", f"K16:K{15 + len(QUARTERS)}"),)),
), column_widths={"A": 12, "B": 11, "C": 12, **{c: 12 for c in "DEFGHIJM"}, "K": 20, "L": 16, "N": 17, "O": 18, "P": 17, "Q": 18,
                  get_column_letter(PLAN_WIDTH + 1): 3, get_column_letter(SCHEDULE_COLUMN): 12,
                  get_column_letter(SCHEDULE_COLUMN + 1): 11, get_column_letter(SCHEDULE_COLUMN + 2): 12}, freeze="A16")

SCENARIOS_SHEET = Sheet("Scenarios", (
    Text("A1", "Scenarios", "Title"),
    Text("A2", "The Plan sheet's plan under other choices: no promotion from within, the restructure "
               "(wider candidate pool, research leads shared), fast growth (more teams each quarter)."),
    Text("A4", "Scenario", "Heading"), Text("B4", "Promote", "NumberHeading"),
    Text("C4", "Pool factor", "NumberHeading"), Text("D4", "Leads shared by", "NumberHeading"), Text("E4", "Schedule", "Heading"),
    *(item for name, column, promote, pool, shared in SCENARIOS for item in (
        Text(f"A{SCENARIO_INPUT_ROWS[name]}", name, "Label"),
        Input(f"B{SCENARIO_INPUT_ROWS[name]}", None, promote,
              Validation("list", '"TRUE,FALSE"', message="Promote must be TRUE or FALSE")),
        Input(f"C{SCENARIO_INPUT_ROWS[name]}", None, pool,
              Validation("decimal", "1", "100", "between", "Pool factor must be a number from 1 to 100")),
        Input(f"D{SCENARIO_INPUT_ROWS[name]}", None, shared,
              Validation("decimal", "1", "1000", "between", "Leads shared by must be a number from 1 to 1000")),
        Text(f"E{SCENARIO_INPUT_ROWS[name]}", column))),
    Text("A11", "Headline", "Heading"),
    *(Text(f"{column}11", name, "NumberHeading") for column, (name, *_) in zip(SCENARIO_COLUMNS, SCENARIOS)),
    *(Text(f"A{row}", label, "Label") for row, label in zip(
        HEADLINE_ROWS, ("Fully staffed from quarter", "Peak backlog (heads)", "Management-bound quarters"))),
    Formula(f"B{HEADLINE_ROWS.start}", f"=PLAN_HEADLINE(Plan!{_plan_reach(1, 15)},FALSE)",
            spill=f"B{HEADLINE_ROWS.start}:B{HEADLINE_ROWS.stop - 1}", number_format="0"),
    *(Formula(f"{column}{HEADLINE_ROWS.start}",
              f"=PLAN_HEADLINE({_plan_reach(SCENARIO_PLAN_COLUMNS[name], SCENARIO_PLAN_ROW)},FALSE)",
              spill=f"{column}{HEADLINE_ROWS.start}:{column}{HEADLINE_ROWS.stop - 1}", number_format="0")
      for column, (name, *_) in zip(SCENARIO_COLUMNS[1:], SCENARIOS[1:])),
    *(item for name, column, *_ in SCENARIOS[1:] for item in (
        Text(f"{get_column_letter(SCENARIO_PLAN_COLUMNS[name])}{SCENARIO_PLAN_ROW - 1}", f"Plan: {name}", "Heading"),
        Formula(f"{get_column_letter(SCENARIO_PLAN_COLUMNS[name])}{SCENARIO_PLAN_ROW}",
                _hiring_plan(column, SCENARIO_INPUT_ROWS[name]), spill=_scenario_plan(name),
                number_format="0", header=PLAN_HEADER,
                column_formats=((get_column_letter(SCENARIO_PLAN_COLUMNS[name] + 13), "General"),)),
        *_plan_highlights(SCENARIO_PLAN_COLUMNS[name], SCENARIO_PLAN_ROW))),
    *_check_status("D1"),
), column_widths={"A": 30, **{get_column_letter(c): 14 for c in range(2, 2 + 3 * (PLAN_WIDTH + 1))}},
    pages_wide=3)  # printed one scenario plan to a page
