"""The Talent Needs template, described declaratively.

Inputs live on Assumptions, Teams, Staff and Roles (one input style, the only unlocked
cells); calculations and outputs on Needs, Cohort and Checks; Start explains and shows
the master check. Every formula calls our functions or Excel's, never a constant
assumption: point labels ("low", "mid", "high") and weightings sit in cells too.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from talentneeds import examples
from talentneeds.model import assumptions as A
from talentneeds.model import plan as plan_model
from talentneeds.model.archetypes import Archetype
from talentneeds.model.roles import DEFAULT_ROLES
from talentneeds import udfs
from talentneeds.workbook.spec import Chart, Formula, Highlight, Input, Sheet, Table, Text, Validation

SHEET_NAMES = ("Dashboard", "Start", "Assumptions", "Teams", "Staff", "Roles", "Needs", "Cohort", "Plan", "Scenarios",
               "Checks", "xlwings.conf")
UDF_MODULE = "talentneeds.udfs"

# Where the results are: the formulas below and the summary of `talentneeds compute` both
# use these, so the two cannot drift apart.
NEEDS_TABLE = "A6:D9"          # TEAM_NEEDS: header + Amplifier, Iterator, Connector x Low, Mid, High
BOTTLENECK_TABLE = "A25:E29"   # BOTTLENECK: header + 3 archetypes + the Bottleneck row
BOTTLENECK_ROW = 29
COHORT_BY_HEADS = "A9:D13"     # COHORT_MIX: header + 3 archetypes + Total
COHORT_BY_VALUE = "F9:I13"
POINT_COLUMNS = {"low": "B", "mid": "C", "high": "D"}
NEW_TEAMS_CELL = "B3"
QUARTERS = tuple(f"{year}-Q{quarter}" for year, quarter in
                 ((2026, 3), (2026, 4), (2027, 1), (2027, 2), (2027, 3), (2027, 4), (2028, 1), (2028, 2)))
PLAN_WIDTH = len(plan_model.PLAN_COLUMNS)  # the columns HIRING_PLAN returns
PLAN_TABLE = f"A15:{get_column_letter(PLAN_WIDTH)}{15 + len(QUARTERS)}"   # HIRING_PLAN on Plan: header + one row per quarter
# How far a plan can spill: its header and the most quarters a plan has. Formulas that
# read a plan read this whole reach (blank rows are skipped), so they follow its spill
# when the schedule grows or shrinks; nothing else is placed in it.
PLAN_REACH_ROWS = 1 + plan_model.MAX_QUARTERS
SCHEDULE_COLUMN = PLAN_WIDTH + 2  # the Schedule table: beside the plan, so both grow downwards freely
SCHEDULE_CELL = f"{get_column_letter(SCHEDULE_COLUMN)}4"
# Scenarios: (name, schedule column, promote, pool factor, research leads shared by); the
# plans of all but Base sit below the comparison, Base is the Plan sheet's
SCENARIOS = (
    ("Base", "New teams", True, 1, 1),
    ("No internal promotion", "New teams", False, 1, 1),
    ("Restructure", "New teams", True, 2, 2),
    ("Fast growth", "Fast growth", True, 1, 1),
)
SCENARIO_COLUMNS = ("B", "C", "D", "E")
HEADLINE_ROWS = range(12, 15)  # PLAN_HEADLINE values (fully staffed, peak backlog, bound quarters)
# the scenarios' plans side by side (each PLAN_WIDTH columns and a gap), each free to spill downwards
SCENARIO_PLAN_ROW = 18
SCENARIO_PLAN_COLUMNS = {name: 1 + (PLAN_WIDTH + 1) * i for i, (name, *_) in enumerate(SCENARIOS[1:])}
INTERNAL_AMPLIFIERS_CELL = "B12"


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


START = Sheet("Start", (
    Text("A1", "Talent Needs: how many Amplifiers, Iterators and Connectors your new teams need", "Title"),
    Text("A3", "Type only in the yellow cells: Assumptions, Teams, Staff, Roles, the Schedule (Plan, column P) "
               "and the scenario choices (Scenarios). Read the results on Dashboard, Needs, Cohort, Plan "
               "and Scenarios; Checks says whether they hold. Every other cell is a formula."),
    Text("A5", "Switch on the functions: which route for whom", "Heading"),
    Text("A6", "Windows with Python installed: classic xlwings (steps from row 17)."),
    Text("A7", "Mac, Excel on the web, or no Python: xlwings Lite (steps from row 24)."),
    Text("A8", "No Excel at all: the talentneeds command line (steps from row 31)."),
    Text("A10", "Legend", "Heading"),
    Text("A11", "Input", "Input"),
    Text("B11", "an input: type over it (validated)"),
    Formula("A12", '=IF(AllChecksOK,"All checks pass","A check fails: see Checks")', name=None),
    Text("B12", "the master check (from the Checks sheet)"),
    Text("A14", "Defaults marked seed come from a public comment on the 2024 report 'Talent Needs "
                "of Technical AI Safety Teams'; the rest are editable assumptions."),
    Text("A16", "Windows with Python: classic xlwings", "Heading"),
    Text("A17", "1. In the talentneeds folder: pip install \".[classic]\" (Python 3.11+; it installs "
                "xlwings 0.37.8, the version whose VBA module talent-needs.xlsm carries)."),
    Text("A18", "2. Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings > "
                "tick Trust access to the VBA project object model."),
    Text("A19", "3. Open talent-needs.xlsm (or: talentneeds template -o plan.xlsm) and enable macros."),
    Text("A20", "4. Run the macro ImportPythonUDFs once (Alt+F8), then save. The xlwings.conf sheet "
                "already names talentneeds.udfs."),
    Text("A21", "5. If Python is not on the PATH: add a row Interpreter_Win with the full path of "
                "pythonw.exe to the xlwings.conf sheet."),
    Text("A23", "Mac, Excel on the web, or no Python: xlwings Lite", "Heading"),
    Text("A24", "1. Once, someone with Python builds the wheel (python -m build in the talentneeds folder) "
                "and puts dist/talentneeds-VERSION-py3-none-any.whl at an https address that allows "
                "cross-origin downloads (CORS)."),
    Text("A25", "2. talentneeds lite --wheel ADDRESS writes requirements.txt (xlwings==0.33.20 and the "
                "wheel's address) and main.py (from talentneeds.udfs import *)."),
    Text("A26", "3. Excel: Home > Add-ins > search xlwings > Add xlwings Lite; open this workbook and "
                "the xlwings Lite pane."),
    Text("A27", "4. Paste the two files into Lite's requirements.txt and main.py tabs (keep the xlwings "
                "version Lite already pins), then restart Lite: the functions are then live."),
    Text("A28", "Errors show as the cell's error value with the same message; no licence key is needed."),
    Text("A30", "No Excel at all: the command line", "Heading"),
    Text("A31", "1. In the talentneeds folder: pip install \".[workbook]\" (Python 3.11+; any OS)."),
    Text("A32", "2. talentneeds compute THIS.xlsx -o RESULT.xlsx evaluates every formula, ours and "
                "Excel's, and stores the values."),
    Text("A33", "3. Open RESULT.xlsx anywhere to read them; talentneeds demo does the same for the "
                "example."),
), column_widths={"A": 34, "B": 60}, tab_color="1F4E79")

ASSUMPTIONS = Sheet("Assumptions", (
    Text("A1", "Assumptions", "Title"),
    Text("A2", "Yellow cells are inputs. Each default says where it comes from."),
    Text("A4", "Per new team", "Heading"), Text("B4", "Low", "Heading"), Text("C4", "High", "Heading"),
    Text("D4", "Unit", "Heading"), Text("E4", "Source", "Heading"), Text("F4", "Note", "Heading"),
    *_range_row(5, "Amplifiers per team", "AmplifiersLow", "AmplifiersHigh", A.AMPLIFIERS_PER_TEAM,
                "FTE per new team", "amplifiers_per_team"),
    *_range_row(6, "Iterators per team", "IteratorsLow", "IteratorsHigh", A.ITERATORS_PER_TEAM,
                "FTE per new team", "iterators_per_team"),
    *_range_row(7, "Connectors per team", "ConnectorsLow", "ConnectorsHigh", A.CONNECTORS_PER_TEAM,
                "FTE per new team", "connectors_per_team"),
    *_range_row(8, "Span of control", "SpanLow", "SpanHigh", A.SPAN_OF_CONTROL,
                "Iterators per Amplifier", "span_of_control"),
    Text("A10", "Parameter", "Heading"), Text("B10", "Value", "Heading"),
    Text("D10", "Unit", "Heading"), Text("E10", "Source", "Heading"), Text("F10", "Note", "Heading"),
    *_value_row(11, "Planning point", "Point", "mid", "low, mid or high", "Choice",
                "where in each range to plan", Validation("list", '"low,mid,high"',
                                                          message="Point must be low, mid or high")),
    *_assumption_value("output_share", "Output share", 12, _share("Output share must be from 0 to 1"),
                       "share", "0%"),
    *_assumption_value("fill_rate", "Fill rate", 13, _share("Fill rate must be from 0 to 1"), "share", "0%"),
    *_assumption_value("counterfactual_share", "Counterfactual share", 14,
                       _share("Counterfactual share must be from 0 to 1"), "share", "0%"),
    *_assumption_value("min_tenure_years", "Minimum tenure", 15,
                       Validation("decimal", "0", "100", "between", "Minimum tenure must be 0-100 years"),
                       "years (strictly more than)"),
    *_assumption_value("soft_skills_required", "Soft skills required", 16,
                       Validation("list", '"TRUE,FALSE"', message="Soft skills required must be TRUE or FALSE"),
                       "TRUE/FALSE"),
    *_assumption_value("take_up", "Take-up", 17, _share("Take-up must be from 0 to 1"), "share", "0%"),
    *_value_row(18, "Tenure measured on", "AsOf", examples.AS_OF, "date", "Example",
                "replace with today's date or your plan date",
                Validation("date", "1", "2958465", "between", "Enter a date"), "yyyy-mm-dd"),
    *_value_row(19, "Cohort size", "CohortSize", examples.COHORT_SIZE, "seats", "Example",
                "e.g. a training cohort",
                Validation("whole", "0", "1000000000", "between", "Cohort size must be a whole number >= 0")),
    *_value_row(20, "Cohort weighting", "Weighting", "value", "heads or value", "Choice",
                "value weights Amplifiers by manager leverage",
                Validation("list", '"heads,value"', message="Weighting must be heads or value")),
    *_value_row(21, "Iterator hires available", "IteratorsAvailable", examples.ITERATORS_AVAILABLE,
                "heads", "Example", "Iterators you can hire for the new teams",
                _non_negative("Iterators available must be a number >= 0")),
    *_value_row(22, "Connector hires available", "ConnectorsAvailable", examples.CONNECTORS_AVAILABLE,
                "heads", "Example", "Connectors you can hire for the new teams",
                _non_negative("Connectors available must be a number >= 0")),
    Text("A24", "The quarterly plan", "Heading"), Text("B24", "Value", "Heading"),
    Text("D24", "Unit", "Heading"), Text("E24", "Source", "Heading"), Text("F24", "Note", "Heading"),
    *_value_row(25, "Time to hire", "TimeToHire", plan_model.TIME_TO_HIRE_QUARTERS, "quarters",
                "Source: assumption", "from asking for a hire to the person starting",
                Validation("whole", "0", str(plan_model.MAX_QUARTERS), "between",
                           "Time to hire must be a whole number of quarters, 0-200")),
    *(item for row, archetype, label in ((26, Archetype.AMPLIFIER, "Amplifiers"),
                                         (27, Archetype.ITERATOR, "Iterators"),
                                         (28, Archetype.CONNECTOR, "Connectors"))
      for item in _value_row(row, f"Attrition: {label}", f"Attrition{label}",
                             plan_model.ANNUAL_ATTRITION[archetype], "share leaving per year",
                             "Source: assumption", "typical voluntary attrition; set your own",
                             _share(f"Attrition of {label} must be from 0 to 1"), "0%")),
    *_value_row(29, "Ramp-up", "RampQuarters", plan_model.RAMP_QUARTERS, "quarters",
                "Source: assumption", "quarters a new team takes to reach full size",
                Validation("whole", "1", str(plan_model.MAX_QUARTERS), "between",
                           "Ramp-up must be a whole number of quarters, 1-200")),
    *_value_row(30, "Fast growth: teams x", "FastGrowth", 2, "factor", "Choice",
                "the Fast growth scenario starts this many times the planned teams each quarter",
                Validation("whole", "0", "1000", "between", "Fast growth must be a whole number 0-1000")),
), column_widths={"A": 28, "B": 12, "C": 12, "D": 26, "E": 20, "F": 80}, tab_color="FFC000")

TEAMS = Sheet("Teams", (
    Text("A1", "Planned new teams", "Title"),
    Text("A2", "One row per team (Count > 1 for several alike). Add rows at the bottom of the table."),
    Table("Teams", "A4", ("Team", "Focus", "Start", "Count"),
          (("Scalable Oversight", "oversight of models smarter than the overseers", "2026-Q3", 1),
           ("Control Evaluations", "evaluations of control protocols", "2026-Q4", 1),
           ("Model Organisms", "demonstrations of misalignment", "2027-Q1", 1))),
), column_widths={"A": 24, "B": 48, "C": 12, "D": 10}, protect=False, tab_color="FFC000", freeze="A5")

STAFF = Sheet("Staff", (
    Text("A1", "Roster", "Title"),
    Text("A2", "Everyone in the org today. Role is mapped to an archetype through the Roles sheet."),
    Table("Staff", "A4", (*examples.ROSTER_HEADER, "Archetype"),
          tuple(tuple(person) for person in examples.ROSTER),
          formulas={"Archetype": "=ARCHETYPE(Staff[[#This Row],[Role]],Roles[#All])"},
          number_formats={"Start date": "yyyy-mm-dd"}),
), column_widths={"A": 20, "B": 28, "C": 18, "D": 12, "E": 11, "F": 12}, protect=False,
    tab_color="FFC000", freeze="A5")

ROLES = Sheet("Roles", (
    Text("A1", "Role catalogue", "Title"),
    Text("A2", "Title -> archetype. Edit freely; titles are matched ignoring case, seniority words and levels."),
    Table("Roles", "A4", ("Role", "Archetype"), tuple((title, kind.value) for title, kind in DEFAULT_ROLES)),
), column_widths={"A": 30, "B": 14}, protect=False, tab_color="FFC000", freeze="A5")

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
    Formula("A25", "=BOTTLENECK(InternalAmplifiers,IteratorsAvailable,ConnectorsAvailable,Point,PerTeam)",
            spill=BOTTLENECK_TABLE, number_format="0.0", header=BOTTLENECK_HEADER,
            column_formats=(("D", "0"), ("E", "General"))),  # whole teams; TRUE/FALSE
    Highlight("A26:E28", "=$E26=TRUE", ATTENTION, ATTENTION_TEXT),  # the binding archetype
    *_check_status("D1"),
    Chart("bar", "Needs of the new teams (FTE)", "G11", "A7:A9",
          (("B6", "B7:B9"), ("C6", "C7:C9"), ("D6", "D7:D9")), y_title="FTE"),
), column_widths={"A": 36, "B": 14, "C": 14, "D": 14, "E": 22, "F": 10, "G": 10, "H": 10})

COHORT = Sheet("Cohort", (
    Text("A1", "Cohort mix", "Title"),
    Text("A3", "Needs at the planning point (FTE)", "Heading"),
    Text("A4", "Amplifiers", "Label"),
    Formula("B4", "=AMPLIFIERS_NEEDED(NewTeams,Point,AmplifiersLow,AmplifiersHigh)", number_format="0.0"),
    Text("A5", "Iterators", "Label"),
    Formula("B5", "=ITERATORS_NEEDED(NewTeams,Point,IteratorsLow,IteratorsHigh)", number_format="0.0"),
    Text("A6", "Connectors", "Label"),
    Formula("B6", "=CONNECTORS_NEEDED(NewTeams,Point,ConnectorsLow,ConnectorsHigh)", number_format="0.0"),
    Text("A8", "Weighted by", "Label"), Text("B8", "heads", "Heading"), Text("G8", "value", "Heading"),
    *_check_status("F1"),
    Formula("A9", "=COHORT_MIX(CohortSize,B4,B5,B6,B8)", spill=COHORT_BY_HEADS, number_format="0.00",
            header=COHORT_MIX_HEADER,
            column_formats=(("C", "0%"), ("D", "0"))),  # weight, share, whole seats
    Formula("F9", "=COHORT_MIX(CohortSize,B4,B5,B6,G8)", spill=COHORT_BY_VALUE, number_format="0.00",
            header=COHORT_MIX_HEADER,
            column_formats=(("H", "0%"), ("I", "0"))),
    Text("A15", "Seats by the weighting chosen on Assumptions", "Heading"),
    *(item for row, label in zip((16, 17, 18), ("Amplifiers", "Iterators", "Connectors")) for item in (
        Text(f"A{row}", label, "Label"),
        Formula(f"D{row}", f"=IF(Weighting=B8,D{row - 6},I{row - 6})", number_format="0"))),
    Chart("bar", "Cohort seats: by heads vs by value", "K3", "A10:A12",
          (("B8", "D10:D12"), ("G8", "I10:I12")), y_title="Seats"),
), column_widths={"A": 18, "B": 12, "C": 12, "D": 10, "E": 3, "F": 12, "G": 12, "H": 12, "I": 10})

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

_CHECKS = (
    ("Amplifiers per team: low <= high", "=AmplifiersLow<=AmplifiersHigh"),
    ("Iterators per team: low <= high", "=IteratorsLow<=IteratorsHigh"),
    ("Connectors per team: low <= high", "=ConnectorsLow<=ConnectorsHigh"),
    ("Span of control: low <= high", "=SpanLow<=SpanHigh"),
    # an unknown title shows as an error value (xlwings Lite) or as "#N/A ..." text
    # (classic xlwings passes errors as text): count both
    ("Every role on Staff has an archetype",
     '=SUMPRODUCT(--ISERROR(Staff[Archetype]))+COUNTIF(Staff[Archetype],"#*")=0'),
    ("The needs compute", "=COUNT(Needs!B15:D22)=ROWS(Needs!B15:D22)*COLUMNS(Needs!B15:D22)"),
    ("The promotion candidates compute", "=ISNUMBER(InternalAmplifiers)"),
    ("Cohort seats add up to the cohort size", "=AND(Cohort!D13=CohortSize,Cohort!I13=CohortSize)"),
    ("The plan computes", f"=COUNT(Plan!{_plan_reach(1, 15)})>0"),
    ("Every scenario computes",
     f"=SUMPRODUCT(--ISERROR(Scenarios!B{HEADLINE_ROWS.start}:E{HEADLINE_ROWS.stop - 1}))"
     f"+COUNTIF(Scenarios!B{HEADLINE_ROWS.start}:E{HEADLINE_ROWS.stop - 1},\"#*\")=0"),
)

CHECK_ROWS = range(4, 4 + len(_CHECKS))
MASTER_CHECK = ("Checks", f"B{CHECK_ROWS.stop + 1}")
_CHECK_CELLS = f"B{CHECK_ROWS.start}:B{CHECK_ROWS.stop - 1} {MASTER_CHECK[1]}"  # the blank row between left out

CHECKS = Sheet("Checks", (
    Text("A1", "Checks", "Title"),
    Text("A3", "Check", "Heading"), Text("B3", "OK", "NumberHeading"),
    *(item for i, (label, text) in enumerate(_CHECKS, start=4)
      for item in (Text(f"A{i}", label, "Label"), Formula(f"B{i}", text))),
    Text(f"A{CHECK_ROWS.stop + 1}", "All checks pass", "Heading"),
    Formula(MASTER_CHECK[1], f"=AND(B{CHECK_ROWS.start}:B{CHECK_ROWS.stop - 1})", name="AllChecksOK"),
    # green where a check holds, red where it fails or cannot be worked out (an error)
    Highlight(_CHECK_CELLS, f"=AND(ISLOGICAL(B{CHECK_ROWS.start}),B{CHECK_ROWS.start})", GOOD, GOOD_TEXT),
    Highlight(_CHECK_CELLS, f"=NOT(AND(ISLOGICAL(B{CHECK_ROWS.start}),B{CHECK_ROWS.start}))", BAD, BAD_TEXT),
), column_widths={"A": 42, "B": 10})

XLWINGS_CONF = Sheet("xlwings.conf", (
    Text("A1", "UDF Modules", "Label"), Text("B1", UDF_MODULE, "Label"),
), column_widths={"A": 18, "B": 24}, protect=False)

EXTRA_NAMES = {"PerTeam": "Assumptions!$B$5:$C$7", "Attrition": "Assumptions!$B$26:$B$28"}

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
    *_headline(5, "Amplifiers", "=Cohort!B4", "0.0"),
    *_headline(6, "Iterators", "=Cohort!B5", "0.0"),
    *_headline(7, "Connectors", "=Cohort!B6", "0.0"),
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
    Text("A23", "Cohort seats (the weighting chosen on Assumptions)", "Heading"),
    *_headline(24, "Amplifiers", "=Cohort!D16"),
    *_headline(25, "Iterators", "=Cohort!D17"),
    *_headline(26, "Connectors", "=Cohort!D18"),
    Chart("bar", "Needs of the new teams (FTE)", "D3", "A7:A9",
          (("B6", "B7:B9"), ("C6", "C7:C9"), ("D6", "D7:D9")), y_title="FTE", data_sheet="Needs",
          size=(16, 7)),
    Chart("bar", "Heads per quarter, and management capacity", "D18", f"P5:P{4 + len(QUARTERS)}",
          tuple((f"{column}15", f"{column}16:{column}{15 + len(QUARTERS)}") for column in "CDE"),
          y_title="Heads", stacked=True, size=(16, 7), data_sheet="Plan",
          lines=(("K15", f"K16:K{15 + len(QUARTERS)}"),)),
), column_widths={"A": 34, "B": 24, "C": 3}, tab_color="1F4E79", first_tab=True)

TEMPLATE = (START, ASSUMPTIONS, TEAMS, STAFF, ROLES, NEEDS, COHORT, PLAN, SCENARIOS_SHEET, CHECKS, XLWINGS_CONF,
            DASHBOARD)
