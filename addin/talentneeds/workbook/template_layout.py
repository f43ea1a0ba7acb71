"""The template's layout: where each result is, and the pieces every sheet is built from.

The formulas of the sheets (template_inputs, template_plan, template) and the summary
of `talentneeds compute` all read these, so they cannot drift apart.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from talentneeds import examples
from talentneeds.model import assumptions as A
from talentneeds.model import plan as plan_model
from talentneeds.model.archetypes import Archetype
from talentneeds import udfs
from talentneeds.model.calendar import quarter_labels
from talentneeds.model.limits import MAX_HORIZON_QUARTERS
from talentneeds.workbook.spec import Formula, Highlight, Input, Text, Validation

SHEET_NAMES = ("Dashboard", "Start", "Assumptions", "Teams", "Staff", "Roles", "Needs", "Candidates", "Cohort", "Plan", "Scenarios",
               "Checks", "xlwings.conf")
UDF_MODULE = "talentneeds.udfs"

# Where the results are: the formulas below and the summary of `talentneeds compute` both
# use these, so the two cannot drift apart.
NEEDS_TABLE = "A6:D9"          # TEAM_NEEDS: header + Amplifier, Iterator, Connector x Low, Mid, High
BOTTLENECK_TABLE = "A25:E29"   # BOTTLENECK: header + 3 archetypes + the Bottleneck row
BOTTLENECK_ROW = 29
COHORT_BY_HEADS = "A9:D13"     # COHORT_MIX: header + 3 archetypes + Total
COHORT_BY_VALUE = "F9:I13"
COHORT_GROSS = "K9:N13"        # COHORT_MIX of the gross need, by the weighting on Assumptions
POINT_COLUMNS = {"low": "B", "mid": "C", "high": "D"}
NEW_TEAMS_CELL = "B3"
# The example plan's quarters: eight, labelled from the example's plan start (the Schedule's
# Quarter column computes them in the workbook, with QUARTER_LABELS, from the input AsOf)
QUARTERS = tuple(quarter_labels(examples.AS_OF, 8))
PLAN_WIDTH = len(plan_model.PLAN_COLUMNS)  # the columns HIRING_PLAN returns
PLAN_ROW = 15  # the Base plan's header row on Plan: its spill, chart, highlights and readers start here
PLAN_TABLE = f"A{PLAN_ROW}:{get_column_letter(PLAN_WIDTH)}{PLAN_ROW + len(QUARTERS)}"   # HIRING_PLAN on Plan: header + one row per quarter
PLAN_COLUMN = {name: get_column_letter(1 + i) for i, name in enumerate(plan_model.PLAN_COLUMNS)}  # on Plan
# How far a plan can spill: its header and the most quarters a plan has. Formulas that
# read a plan read this whole reach (blank rows are skipped), so they follow its spill
# when the schedule grows or shrinks; nothing else is placed in it.
PLAN_REACH_ROWS = 1 + plan_model.MAX_QUARTERS
# The Schedule has a row for every quarter the Horizon can ask for; the rows past the
# Horizon are blank, and a plan skips blank rows, so the plan follows the Horizon
SCHEDULE_ROWS = MAX_HORIZON_QUARTERS
SCHEDULE_COLUMN = PLAN_WIDTH + 2  # the Schedule table: beside the plan, so both grow downwards freely
SCHEDULE_CELL = f"{get_column_letter(SCHEDULE_COLUMN)}4"
SCHEDULE_LABELS = f"{get_column_letter(SCHEDULE_COLUMN)}5:{get_column_letter(SCHEDULE_COLUMN)}{4 + SCHEDULE_ROWS}"
# The heads chart's ranges: defined names reaching down the Base plan as far as the
# Horizon, so the chart shows the plan's quarters and no empty ones, whatever the Horizon
_CHART_SERIES = {"Quarters": "Quarter", "Amplifiers": "Amplifiers", "Iterators": "Iterators",
                 "Connectors": "Connectors", "Capacity": "Management capacity"}
CHART_NAMES = {f"PlanChart{name}": f"OFFSET(Plan!${PLAN_COLUMN[column]}${PLAN_ROW + 1},0,0,Horizon,1)"
               for name, column in _CHART_SERIES.items()}
# QUARTER_LABELS of the plan start, one per Schedule row: the Schedule's Quarter column reads them
LABELS_COLUMN = SCHEDULE_COLUMN + 4
LABELS_CELL = f"{get_column_letter(LABELS_COLUMN)}5"
LABELS_REACH = f"{LABELS_CELL}:{get_column_letter(LABELS_COLUMN)}{4 + MAX_HORIZON_QUARTERS}"  # QUARTER_LABELS at its longest
# PLAN_COST of the Base plan, beside the labels: header, one row per quarter, Total
COST_COLUMN = LABELS_COLUMN + 2
PLAN_COST_HEADER = tuple(udfs.PLAN_COST([["Quarter", "Amplifiers", "Iterators", "Connectors", "Hires Amplifiers", "Hires Iterators", "Hires Connectors", "Promotions"], [1, 0, 0, 0, 0, 0, 0, 0]], 0)[0])
# The Fast growth scenario's schedule, right of the cost table: labelled like the Schedule
# (a Quarter and a New teams column under their header), so that its plan names quarters too
FAST_SCHEDULE_COLUMN = COST_COLUMN + len(PLAN_COST_HEADER) + 1
FAST_SCHEDULE_CELL = f"{get_column_letter(FAST_SCHEDULE_COLUMN)}4"
# PLAN_DISTRIBUTION of the Base plan: header + three outcomes at three percentiles, right of the chart
DISTRIBUTION_TABLE = "M4:P7"
DISTRIBUTION_HEADER = ("Outcome", "P10", "P50", "P90")
# Scenarios: (name, schedule table, promote, pool factor, research leads shared by, the
# Amplifiers' time to hire: None for the Assumptions' one); the plans of all but Base sit
# below the comparison, Base is the Plan sheet's. Managers hard to hire promotes nobody:
# with promotion, the candidates on Staff and those becoming eligible fill every Amplifier
# seat as it opens, so a slower hire changes nothing (the example's plan is the Base's);
# against No internal promotion it shows what the slow hire alone costs
SCENARIOS = (
    ("Base", "Schedule", True, 1, 1, None),
    ("No internal promotion", "Schedule", False, 1, 1, None),
    ("Restructure", "Schedule", True, 2, 2, None),
    ("Fast growth", "Fast growth schedule", True, 1, 1, None),
    ("Managers hard to hire", "Schedule", False, 1, 1, 2 * plan_model.TIME_TO_HIRE[Archetype.AMPLIFIER]),
)
SCENARIO_COLUMNS = ("B", "C", "D", "E", "F")
HEADLINE_ROWS = range(13, 16)  # PLAN_HEADLINE values (fully staffed, peak backlog, bound quarters)
COST_ROW = 16                  # each scenario's total cost
# the scenarios' plans side by side, each free to spill downwards: PLAN_WIDTH columns, a
# gap, the plan's PLAN_COST (4 columns), a gap
SCENARIO_PLAN_ROW = 19
SCENARIO_BLOCK = PLAN_WIDTH + 1 + len(PLAN_COST_HEADER) + 1
SCENARIO_PLAN_COLUMNS = {name: 1 + SCENARIO_BLOCK * i for i, (name, *_) in enumerate(SCENARIOS[1:])}
INTERNAL_AMPLIFIERS_CELL = "B12"
# Assumptions' rows that other sheets' texts name (Checks' labels, Needs' notes)
PLAN_START_ROW = 18
HIRES_AVAILABLE_ROWS = range(21, 24)  # Iterators, Connectors, Amplifiers
HORIZON_ROW = 36


# The header rows our table functions return (asked of the functions themselves), for the
# widths and alignment of the columns they spill into.
TEAM_NEEDS_HEADER = tuple(udfs.TEAM_NEEDS(1, True)[0])
BOTTLENECK_HEADER = tuple(udfs.BOTTLENECK(1, 1, 1)[0])
COHORT_MIX_HEADER = tuple(udfs.COHORT_MIX(1, 1, 1, 0)[0])
PLAN_HEADER = plan_model.PLAN_COLUMNS

# conditional formats: good (green), bad (red), attention (amber)
GOOD, GOOD_TEXT = "C6EFCE", "006100"
BAD, BAD_TEXT = "FFC7CE", "9C0006"
ATTENTION, ATTENTION_TEXT = "FFEB9C", "9C5700"
CHECK_STATUS = '=IF(AllChecksOK,"All checks pass","A check fails: see Checks")'


def _check_status(cell: str) -> tuple:
    """The master check, shown on a sheet: green when every check passes, red otherwise."""
    return (Formula(cell, CHECK_STATUS),
            Highlight(cell, "=AllChecksOK", GOOD, GOOD_TEXT),
            Highlight(cell, "=NOT(AllChecksOK)", BAD, BAD_TEXT))


def _plan_highlights(column: int, row: int) -> tuple:
    """A plan's management-bound quarters (the whole row) and backlog above 0 (amber)."""
    first, last = get_column_letter(column), get_column_letter(column + PLAN_WIDTH - 1)
    backlog, bound = get_column_letter(column + 12), get_column_letter(column + 13)
    body = f"{first}{row + 1}:{last}{row + PLAN_REACH_ROWS - 1}"
    return (Highlight(body, f"=${bound}{row + 1}=TRUE", BAD, BAD_TEXT),
            Highlight(f"{backlog}{row + 1}:{backlog}{row + PLAN_REACH_ROWS - 1}",
                      f"=AND(ISNUMBER({backlog}{row + 1}),{backlog}{row + 1}>0)", ATTENTION, ATTENTION_TEXT))


def _source(name: str) -> tuple[str, str]:
    assumption = next(a for a in A.ASSUMPTIONS if a.name == name)
    return ("Source: " + assumption.source), assumption.note


def _non_negative(message: str) -> Validation:
    return Validation("decimal", "0", operator="greaterThanOrEqual", message=message)


def _share(message: str) -> Validation:
    return Validation("decimal", "0", "1", operator="between", message=message)


def _range_row(row: int, label: str, low_name: str, high_name: str, value, unit: str,
               source_key: str) -> tuple:
    source, note = _source(source_key)
    low_cell, high_cell = f"B{row}", f"C{row}"
    return (
        Text(f"A{row}", label, "Label"),
        Input(low_cell, low_name, value.low, _non_negative(f"{label}: low must be a number >= 0")),
        Input(high_cell, high_name, value.high,
              Validation("custom", f"AND(ISNUMBER({high_cell}),{high_cell}>={low_cell})",
                         message=f"{label}: high must be a number >= low")),
        Text(f"D{row}", unit), Text(f"E{row}", source), Text(f"F{row}", note),
    )


def _value_row(row: int, label: str, name: str, value, unit: str, source: str, note: str,
               validation: Validation | None, number_format: str = "General") -> tuple:
    return (
        Text(f"A{row}", label, "Label"),
        Input(f"B{row}", name, value, validation, number_format),
        Text(f"D{row}", unit), Text(f"E{row}", source), Text(f"F{row}", note),
    )


def _assumption_value(name: str, label: str, row: int, validation: Validation, unit: str,
                      number_format: str = "General") -> tuple:
    assumption = next(a for a in A.ASSUMPTIONS if a.name == name)
    return _value_row(row, label, assumption.name.title().replace("_", ""), assumption.value, unit,
                      "Source: " + assumption.source, assumption.note, validation, number_format)
