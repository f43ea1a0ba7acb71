"""The Talent Needs template, described declaratively.

Inputs live on Assumptions, Teams, Staff and Roles (one input style, the only unlocked
cells); calculations and outputs on Needs, Cohort and Checks; Start explains and shows
the master check. Every formula calls our functions or Excel's, never a constant
assumption: point labels ("low", "mid", "high") and weightings sit in cells too.
"""

from __future__ import annotations

from openpyxl.utils.cell import absolute_coordinate

from talentneeds.workbook.spec import Chart, Formula, Highlight, Sheet, Text
from talentneeds.workbook.template_layout import *  # noqa: F403  (the layout is read as template.X)
from talentneeds.workbook.template_layout import _check_status
from talentneeds.workbook.template_inputs import ASSUMPTIONS, ROLES, STAFF, START, TEAMS
from talentneeds.workbook.template_plan import PLAN, SCENARIOS_SHEET, _plan_reach, heads_chart
from talentneeds.workbook.template_plan import SCENARIO_INPUT_ROWS  # noqa: F401 (read as template.X)
from talentneeds.workbook.template_people import CANDIDATES

# (row, label, formula, shown in the summary of `talentneeds compute`)
NEEDS_ROWS = (
    (15, "Amplifiers needed", "=AMPLIFIERS_NEEDED(NewTeams,{p},AmplifiersLow,AmplifiersHigh)", False),
    (16, "Promoted from within", "=MIN(InternalAmplifiers,{c}15)", True),
    (17, "Amplifier hires (external)",
     "=AMPLIFIER_HIRES(NewTeams,InternalAmplifiers,{p},AmplifiersLow,AmplifiersHigh)", True),
    (18, "Iterators needed", "=ITERATORS_NEEDED(NewTeams,{p},IteratorsLow,IteratorsHigh)", False),
    (19, "Iterator hires incl. backfill",
     "=ITERATOR_HIRES(NewTeams,InternalAmplifiers,{p},IteratorsLow,IteratorsHigh,AmplifiersLow,AmplifiersHigh)", True),
    (20, "Connectors needed", "=CONNECTORS_NEEDED(NewTeams,{p},ConnectorsLow,ConnectorsHigh)", False),
    (21, "Manager leverage (employees)",
     "=MANAGER_LEVERAGE({p},OutputShare,FillRate,CounterfactualShare,SpanLow,SpanHigh)", True),
    (22, "Iterators those Amplifiers can manage", "=ITERATOR_CAPACITY({c}15,{p},SpanLow,SpanHigh)", False),
)

NEEDS_ROW_FORMATS = {21: "0.00"}  # leverage: 3.75 employees, not 3.8

def _plan_sum(column: str) -> str:
    return f"=SUM(Plan!{PLAN_COLUMN[column]}16:{PLAN_COLUMN[column]}{15 + PLAN_REACH_ROWS - 1})"


# Needs counts candidates on the plan start; the plan promotes people as they become
# eligible and hires when each is needed: where the two differ, these rows say by how much
_BESIDE_THE_PLAN = (
    ("Promoted over the plan", _plan_sum("Promotions"),
     "Needs counts the candidates on the plan start; the plan also promotes people who become eligible later"),
    ("Amplifier hires over the plan", _plan_sum("Hires Amplifiers"),
     "the plan hires the Amplifiers promotion does not give it, when they are needed, and replaces leavers; "
     "the Bottleneck counts the Amplifier hires available (Assumptions)"),
    ("Management-bound quarters", f"=Scenarios!B{HEADLINE_ROWS[2]}",
     "quarters in which Iterators wait for a manager: the Bottleneck above counts heads, the plan when they arrive"),
)

NEEDS = Sheet("Needs", (
    Text("A1", "Needs", "Title"),
    Text("A3", "New teams", "Label"), Formula(NEW_TEAMS_CELL, "=SUM(Teams[Count])", name="NewTeams"),
    Text("A5", "What the new teams need (FTE)", "Heading"),
    Formula("A6", "=TEAM_NEEDS(NewTeams,TRUE,PerTeam)", spill=NEEDS_TABLE, number_format="0.0",
            header=TEAM_NEEDS_HEADER),
    Text("F5", "Whole heads", "Heading"),
    Text("F6", "Low", "NumberHeading"), Text("G6", "Mid", "NumberHeading"), Text("H6", "High", "NumberHeading"),
    *(Formula(f"{col}{row}", f"=ROUNDUP({src}{row},0)", number_format="0")
      for row in (7, 8, 9) for col, src in (("F", "B"), ("G", "C"), ("H", "D"))),
    Text("A11", "Where the Amplifiers come from", "Heading"),
    Text("A12", "Promotion candidates on Staff", "Label"),
    Formula(INTERNAL_AMPLIFIERS_CELL, "=INTERNAL_AMPLIFIERS(Staff[#All],AsOf,MinTenureYears,SoftSkillsRequired,TakeUp,Roles[#All])",
            name="InternalAmplifiers", number_format="0.0"),
    Text("C12", "Iterators with tenure > the minimum and the soft skills, x take-up"),
    Text("B14", "low", "NumberHeading"), Text("C14", "mid", "NumberHeading"), Text("D14", "high", "NumberHeading"),
    *(item for row, label, text, _ in NEEDS_ROWS for item in (
        Text(f"A{row}", label, "Label"),
        *(Formula(f"{c}{row}", text.format(p=f"{c}$14", c=c), number_format=NEEDS_ROW_FORMATS.get(row, "0.0"))
          for c in POINT_COLUMNS.values()))),
    Text("A24", "Bottleneck: whole teams each archetype can staff (at the planning point)", "Heading"),
    Formula("A25", "=BOTTLENECK(InternalAmplifiers+AmplifiersAvailable,IteratorsAvailable,ConnectorsAvailable,"
                   "Point,PerTeam)",
            spill=BOTTLENECK_TABLE, number_format="0.0", header=BOTTLENECK_HEADER,
            column_formats=(("D", "0"), ("E", "General"))),  # whole teams; TRUE/FALSE
    Highlight("A26:E28", "=$E26=TRUE", ATTENTION, ATTENTION_TEXT),  # the binding archetype
    Text(f"A{BOTTLENECK_ROW + 1}", f"Available: Amplifiers = the promotion candidates ({INTERNAL_AMPLIFIERS_CELL}) + "
                                   "the Amplifier hires available; Iterators, Connectors = the hires available "
                                   f"(Assumptions, rows {HIRES_AVAILABLE_ROWS[0]}-{HIRES_AVAILABLE_ROWS[-1]})"),
    Text("A31", "Beside the plan (Base scenario, over its quarters)", "Heading"),
    *(item for row, (label, formula, note) in enumerate(_BESIDE_THE_PLAN, start=32) for item in (
        Text(f"A{row}", label, "Label"), Formula(f"B{row}", formula, number_format="0"), Text(f"C{row}", note))),
    *_check_status("D1"),
    Chart("bar", "Needs of the new teams (FTE)", "G11", "A7:A9",
          (("B6", "B7:B9"), ("C6", "C7:C9"), ("D6", "D7:D9")), y_title="FTE"),
), column_widths={"A": 36, "B": 14, "C": 14, "D": 14, "E": 22, "F": 10, "G": 10, "H": 10})

def _at_point(row: int) -> str:
    """A Needs row's value at the planning point (its low / mid / high columns)."""
    first, last = min(POINT_COLUMNS.values()), max(POINT_COLUMNS.values())
    return f"=INDEX(Needs!${first}${row}:${last}${row},MATCH(Point,Needs!${first}$14:${last}$14,0))"


# (label, the Needs row of the heads from outside, the Needs row of the gross need)
COHORT_ROWS = (("Amplifiers", 17, 15), ("Iterators", 19, 18), ("Connectors", 20, 20))

COHORT = Sheet("Cohort", (
    Text("A1", "Cohort mix", "Title"),
    Text("A2", "A cohort trains the heads that must come from outside: promotion from within lowers the "
               "Amplifiers to hire and adds an Iterator seat to backfill for each promoted Iterator."),
    Text("A3", "At the planning point (FTE)", "Heading"), Text("B3", "From outside", "NumberHeading"),
    Text("C3", "Gross", "NumberHeading"),
    *(item for row, (label, net, gross) in enumerate(COHORT_ROWS, start=4) for item in (
        Text(f"A{row}", label, "Label"),
        Formula(f"B{row}", _at_point(net), number_format="0.0"),
        Formula(f"C{row}", _at_point(gross), number_format="0.0"))),
    Text("A7", "Seats for the heads from outside (net of promotion)", "Heading"),
    Text(f"{COHORT_GROSS[0]}7", "Seats by the gross need (before promotion)", "Heading"),
    Text("A8", "Weighted by", "Label"), Text("B8", "heads", "Heading"), Text("G8", "value", "Heading"),
    Formula(f"{chr(ord(COHORT_GROSS[0]) + 1)}8", "=Weighting", style="Heading"),
    *_check_status("F1"),
    Formula("A9", "=COHORT_MIX(CohortSize,B4,B5,B6,B8)", spill=COHORT_BY_HEADS, number_format="0.00",
            header=COHORT_MIX_HEADER,
            column_formats=(("C", "0%"), ("D", "0"))),  # weight, share, whole seats
    Formula("F9", "=COHORT_MIX(CohortSize,B4,B5,B6,G8)", spill=COHORT_BY_VALUE, number_format="0.00",
            header=COHORT_MIX_HEADER,
            column_formats=(("H", "0%"), ("I", "0"))),
    Formula(COHORT_GROSS.split(":")[0], "=COHORT_MIX(CohortSize,C4,C5,C6,Weighting)", spill=COHORT_GROSS,
            number_format="0.00", header=COHORT_MIX_HEADER,
            column_formats=((chr(ord(COHORT_GROSS[0]) + 2), "0%"), (chr(ord(COHORT_GROSS[0]) + 3), "0"))),
    Text("A15", "Seats from outside by the weighting chosen on Assumptions", "Heading"),
    *(item for row, label in zip((16, 17, 18), ("Amplifiers", "Iterators", "Connectors")) for item in (
        Text(f"A{row}", label, "Label"),
        Formula(f"D{row}", f"=IF(Weighting=B8,D{row - 6},I{row - 6})", number_format="0"))),
    Chart("bar", "Cohort seats from outside: by heads vs by value", "F15", "A10:A12",
          (("B8", "D10:D12"), ("G8", "I10:I12")), y_title="Seats"),
), column_widths={"A": 26, "B": 12, "C": 12, "D": 10, "E": 3, "F": 12, "G": 12, "H": 12, "I": 10, "J": 3,
                  "K": 12, "L": 12, "M": 12, "N": 10})


_SCENARIO_RESULTS = f"B{HEADLINE_ROWS.start}:{SCENARIO_COLUMNS[-1]}{COST_ROW}"

_FIRST_CHECK_ROW = 4
# UNKNOWN_TITLES of Staff beside the check that every role has an archetype (the fifth), its
# label pointing at it; it spills down: a header and one row per title, or one cell if none
UNKNOWN_TITLES_CELL = f"D{_FIRST_CHECK_ROW + 4}"

_CHECKS = (
    ("Amplifiers per team: low <= high", "=AmplifiersLow<=AmplifiersHigh"),
    ("Iterators per team: low <= high", "=IteratorsLow<=IteratorsHigh"),
    ("Connectors per team: low <= high", "=ConnectorsLow<=ConnectorsHigh"),
    ("Span of control: low <= high", "=SpanLow<=SpanHigh"),
    # an unknown title shows as an error value (xlwings Lite) or as "#N/A ..." text
    # (classic xlwings passes errors as text): count both
    (f"Every role on Staff has an archetype (Staff, column F; titles not on Roles: {UNKNOWN_TITLES_CELL})",
     '=SUMPRODUCT(--ISERROR(Staff[Archetype]))+COUNTIF(Staff[Archetype],"#*")=0'),
    ("The needs compute", "=COUNT(Needs!B15:D22)=ROWS(Needs!B15:D22)*COLUMNS(Needs!B15:D22)"),
    ("The promotion candidates compute", "=ISNUMBER(InternalAmplifiers)"),
    ("Cohort seats add up to the cohort size", "=AND(Cohort!D13=CohortSize,Cohort!I13=CohortSize)"),
    ("The plan computes", f"=COUNT(Plan!{_plan_reach(1, PLAN_ROW)})>0"),
    ("Every scenario computes",
     f"=SUMPRODUCT(--ISERROR(Scenarios!{_SCENARIO_RESULTS}))+COUNTIF(Scenarios!{_SCENARIO_RESULTS},\"#*\")=0"),
    # the mistakes that used to pass every check: a Start typed in another form ("2028-Q1")
    # or outside the plan counts on Needs but not in the plan; labels that are not the plan start's
    (f"Every team starts in a quarter of the plan (Teams, column C: one of Plan!{SCHEDULE_LABELS})",
     "=SUM(Teams[Count])=SUM(Schedule[New teams])"),
    (f"The plan's first quarter (Plan!{SCHEDULE_LABELS.split(':')[0]}) is the plan start's (Assumptions!B{PLAN_START_ROW})",
     f"=Plan!{SCHEDULE_LABELS.split(':')[0]}=Plan!{LABELS_CELL}"),
    (f"The Schedule has a row for each quarter of the Horizon (Assumptions!B{HORIZON_ROW})",
     "=ROWS(Schedule[Quarter])>=Horizon"),
)

CHECK_ROWS = range(_FIRST_CHECK_ROW, _FIRST_CHECK_ROW + len(_CHECKS))
MASTER_CHECK = ("Checks", f"B{CHECK_ROWS.stop + 1}")
_CHECK_CELLS = f"B{CHECK_ROWS.start}:B{CHECK_ROWS.stop - 1} {MASTER_CHECK[1]}"  # the blank row between left out

CHECKS = Sheet("Checks", (
    Text("A1", "Checks", "Title"),
    Text("A3", "Check", "Heading"), Text("B3", "OK", "NumberHeading"),
    *(item for i, (label, text) in enumerate(_CHECKS, start=CHECK_ROWS.start)
      for item in (Text(f"A{i}", label, "Label"), Formula(f"B{i}", text))),
    Text(f"A{CHECK_ROWS.stop + 1}", "All checks pass", "Heading"),
    Formula(MASTER_CHECK[1], f"=AND(B{CHECK_ROWS.start}:B{CHECK_ROWS.stop - 1})", name="AllChecksOK"),
    # green where a check holds, red where it fails or cannot be worked out (an error)
    Highlight(_CHECK_CELLS, f"=AND(ISLOGICAL(B{CHECK_ROWS.start}),B{CHECK_ROWS.start})", GOOD, GOOD_TEXT),
    Highlight(_CHECK_CELLS, f"=NOT(AND(ISLOGICAL(B{CHECK_ROWS.start}),B{CHECK_ROWS.start}))", BAD, BAD_TEXT),
    Text(f"D{_FIRST_CHECK_ROW + 3}", "Titles on Staff that Roles does not list", "Heading"),
    # no header styling: a spill grows with its last row's style, and here that is the one cell
    Formula(UNKNOWN_TITLES_CELL, "=UNKNOWN_TITLES(Staff[[#All],[Role]],Roles[#All])", spill=UNKNOWN_TITLES_CELL),
), column_widths={"A": 80, "B": 10, "C": 3, "D": 30, "E": 10})  # A: the labels name cells; none cut off

XLWINGS_CONF = Sheet("xlwings.conf", (
    Text("A1", "UDF Modules", "Label"), Text("B1", UDF_MODULE, "Label"),
), column_widths={"A": 18, "B": 24}, protect=False)

EXTRA_NAMES = {"PerTeam": "Assumptions!$B$5:$C$7", "TimeToHire": "Assumptions!$B$25:$B$27",
               "Attrition": "Assumptions!$B$28:$B$30", "Percentiles": "Assumptions!$B$33:$B$35",
               "AnnualCost": "Assumptions!$B$39:$B$41",
               # the labels of the plan's quarters (QUARTER_LABELS' reach) and the Schedule's quarters:
               # the Teams' Start is chosen from these
               "QuarterLabels": f"Plan!{absolute_coordinate(LABELS_REACH)}",
               "PlanQuarters": f"Plan!{absolute_coordinate(SCHEDULE_LABELS)}", **CHART_NAMES}

def _headline(row: int, label: str, formula: str, number_format: str = "0") -> tuple:
    return Text(f"A{row}", label, "Label"), Formula(f"B{row}", formula, number_format=number_format)


# The first tab: the numbers and charts a director looks at, each a reference to the sheet
# that computes it. Described last so that the other sheets keep their part names
# (sheet1.xml is Start ...); shown first (first_tab).
DASHBOARD = Sheet("Dashboard", (
    Text("A1", "Talent Needs at a glance", "Title"),
    *_check_status("B1"),
    Text("A3", "What the new teams need (FTE, planning point)", "Heading"),
    *_headline(4, "New teams", "=NewTeams"),
    *_headline(5, "Amplifiers", "=Cohort!C4", "0.0"),
    *_headline(6, "Iterators", "=Cohort!C5", "0.0"),
    *_headline(7, "Connectors", "=Cohort!C6", "0.0"),
    Text("A9", "Promote or hire: Amplifiers (mid)", "Heading"),
    *_headline(10, "Promoted from within", "=Needs!C16", "0.0"),
    *_headline(11, "Hired from outside", "=Needs!C17", "0.0"),
    *_headline(12, "Iterator hires incl. backfill", "=Needs!C19", "0.0"),
    Text("A14", "Bottleneck", "Heading"),
    *_headline(15, "Binding archetype", f"=Needs!E{BOTTLENECK_ROW}", "General"),
    *_headline(16, "Whole teams it can staff", f"=Needs!D{BOTTLENECK_ROW}"),
    Text("A18", "The plan (Base scenario)", "Heading"),
    *_headline(19, "Fully staffed from quarter", f"=Scenarios!B{HEADLINE_ROWS[0]}", "General"),
    *_headline(20, "Peak backlog (heads)", f"=Scenarios!B{HEADLINE_ROWS[1]}"),
    *_headline(21, "Management-bound quarters", f"=Scenarios!B{HEADLINE_ROWS[2]}"),
    Highlight("B20", "=AND(ISNUMBER(B20),B20>0)", ATTENTION, ATTENTION_TEXT),
    Highlight("B21", "=AND(ISNUMBER(B21),B21>0)", BAD, BAD_TEXT),
    *_headline(22, "Plan cost (total)", f"=Scenarios!B{COST_ROW}", "#,##0"),
    Text("A24", "Cohort seats for the heads from outside (weighting on Assumptions)", "Heading"),
    *_headline(25, "Amplifiers", "=Cohort!D16"),
    *_headline(26, "Iterators", "=Cohort!D17"),
    *_headline(27, "Connectors", "=Cohort!D18"),
    Chart("bar", "Needs of the new teams (FTE)", "D3", "A7:A9",
          (("B6", "B7:B9"), ("C6", "C7:C9"), ("D6", "D7:D9")), y_title="FTE", data_sheet="Needs",
          size=(16, 7)),
    heads_chart("D18", (16, 7), data_sheet="Plan"),
), column_widths={"A": 34, "B": 24, "C": 3}, tab_color="1F4E79", first_tab=True)

TEMPLATE = (START, ASSUMPTIONS, TEAMS, STAFF, ROLES, NEEDS, COHORT, PLAN, SCENARIOS_SHEET, CHECKS, XLWINGS_CONF,
            DASHBOARD, CANDIDATES)
