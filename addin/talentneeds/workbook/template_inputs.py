"""The template's input sheets: Start (how to switch the functions on), Assumptions,
Teams, Staff and Roles. Input cells share one style and are the only unlocked cells."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from talentneeds import examples
from talentneeds.model import assumptions as A
from talentneeds.model import plan as plan_model
from talentneeds.model.archetypes import Archetype
from talentneeds.model.roles import DEFAULT_ROLES, NOT_COUNTED_ROLES
from talentneeds.workbook.spec import Formula, RangeValidation, Sheet, Table, Text, Validation
from talentneeds.model.limits import MAX_HORIZON_QUARTERS, MIN_HORIZON_QUARTERS
from talentneeds.workbook.template_layout import *  # noqa: F403
from talentneeds.workbook.template_layout import _assumption_value, _non_negative, _range_row, _share, _value_row

START = Sheet("Start", (
    Text("A1", "Talent Needs: how many Amplifiers, Iterators and Connectors your new teams need", "Title"),
    Text("A3", "Type only in the yellow cells: Assumptions (the plan start, horizon, times to hire and costs "
               "among them), Teams, Staff, Roles and the scenario choices (Scenarios). Read the results on "
               "Dashboard, Needs, Candidates (who the promotion candidates are), Cohort, Plan and Scenarios; Checks says whether they hold. Every other cell is "
               "a formula."),
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

# Time to hire: the source says only that filling the manager role "has been challenging"
TIME_TO_HIRE_NOTES = {
    Archetype.AMPLIFIER: 'the source: filling the manager role "has been challenging"; assumed twice '
                         "the Iterators' time, so Iterators hired meanwhile wait for their manager",
    Archetype.ITERATOR: "from asking for a hire to the person starting",
    Archetype.CONNECTOR: "agenda-setting research leads: assumed as slow to find as managers",
}
PERCENTILE_ROWS = range(33, 36)
PERCENTILES = (10, 50, 90)
COST_ROWS = range(39, 42)
ANNUAL_COSTS = (260_000, 220_000, 300_000)  # an example, as loaded annual costs go; no figure in the source
HIRE_COST = 25_000

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
    *_value_row(PLAN_START_ROW, "Plan starts on", "AsOf", examples.AS_OF, "date", "Example",
                "quarter 1 of the plan starts on this date (the quarter labels follow it); tenure is "
                "measured on it", Validation("date", "1", "2958465", "between", "Enter a date"), "yyyy-mm-dd"),
    *_value_row(19, "Cohort size", "CohortSize", examples.COHORT_SIZE, "seats", "Example",
                "e.g. a training cohort",
                Validation("whole", "0", "1000000000", "between", "Cohort size must be a whole number >= 0")),
    *_value_row(20, "Cohort weighting", "Weighting", "value", "heads or value", "Choice",
                "value weights Amplifiers by manager leverage",
                Validation("list", '"heads,value"', message="Weighting must be heads or value")),
    *_value_row(HIRES_AVAILABLE_ROWS[0], "Iterator hires available", "IteratorsAvailable", examples.ITERATORS_AVAILABLE,
                "heads", "Example", "Iterators you can hire for the new teams",
                _non_negative("Iterators available must be a number >= 0")),
    *_value_row(HIRES_AVAILABLE_ROWS[1], "Connector hires available", "ConnectorsAvailable", examples.CONNECTORS_AVAILABLE,
                "heads", "Example", "Connectors you can hire for the new teams",
                _non_negative("Connectors available must be a number >= 0")),
    *_value_row(HIRES_AVAILABLE_ROWS[2], "Amplifier hires available", "AmplifiersAvailable", examples.AMPLIFIERS_AVAILABLE,
                "heads", "Example", "Amplifiers you can hire from outside for the new teams; the Bottleneck "
                "(Needs) adds them to the promotion candidates", _non_negative(
                    "Amplifier hires available must be a number >= 0")),
    Text("A24", "The quarterly plan", "Heading"), Text("B24", "Value", "Heading"),
    Text("D24", "Unit", "Heading"), Text("E24", "Source", "Heading"), Text("F24", "Note", "Heading"),
    *(item for row, archetype, label in ((25, Archetype.AMPLIFIER, "Amplifiers"),
                                         (26, Archetype.ITERATOR, "Iterators"),
                                         (27, Archetype.CONNECTOR, "Connectors"))
      for item in _value_row(row, f"Time to hire: {label}", f"TimeToHire{label}",
                             plan_model.TIME_TO_HIRE[archetype], "quarters", "Source: assumption",
                             TIME_TO_HIRE_NOTES[archetype],
                             Validation("whole", "0", str(plan_model.MAX_QUARTERS), "between",
                                        f"Time to hire of {label} must be a whole number of quarters, 0-{plan_model.MAX_QUARTERS}"))),
    *(item for row, archetype, label in ((28, Archetype.AMPLIFIER, "Amplifiers"),
                                         (29, Archetype.ITERATOR, "Iterators"),
                                         (30, Archetype.CONNECTOR, "Connectors"))
      for item in _value_row(row, f"Attrition: {label}", f"Attrition{label}",
                             plan_model.ANNUAL_ATTRITION[archetype], "share leaving per year",
                             "Source: assumption", "typical voluntary attrition; set your own",
                             _share(f"Attrition of {label} must be from 0 to 1"), "0%")),
    *_value_row(31, "Ramp-up", "RampQuarters", plan_model.RAMP_QUARTERS, "quarters",
                "Source: assumption", "quarters a new team takes to reach full size",
                Validation("whole", "1", str(plan_model.MAX_QUARTERS), "between",
                           f"Ramp-up must be a whole number of quarters, 1-{plan_model.MAX_QUARTERS}")),
    *_value_row(32, "Fast growth: teams x", "FastGrowth", 2, "factor", "Choice",
                "the Fast growth scenario starts this many times the planned teams each quarter",
                Validation("whole", "0", "1000", "between", "Fast growth must be a whole number 0-1000")),
    *(item for row, label in zip(PERCENTILE_ROWS, ("low", "middle", "high")) for item in _value_row(
        row, f"Plan percentile: {label}", None, PERCENTILES[row - PERCENTILE_ROWS.start], "percentile",
        "Choice", "the Plan sheet shows the plan's totals at these percentiles (Monte Carlo over every range)",
        Validation("decimal", "0", "100", "between", "A percentile must be a number from 0 to 100"))),
    *_value_row(HORIZON_ROW, "Horizon", "Horizon", len(QUARTERS), "quarters", "Choice",
                "quarters labelled from the plan start; the plan, its cost, the scenarios and the charts "
                "follow it", Validation("whole", str(MIN_HORIZON_QUARTERS), str(MAX_HORIZON_QUARTERS),
                                                      "between", f"Horizon must be a whole number of quarters, "
                                                                 f"{MIN_HORIZON_QUARTERS}-{MAX_HORIZON_QUARTERS}")),
    Text("A38", "Cost (assumptions beyond the source, which gives no figures)", "Heading"),
    Text("B38", "Value", "Heading"), Text("D38", "Unit", "Heading"), Text("E38", "Source", "Heading"),
    Text("F38", "Note", "Heading"),
    *(item for row, label, value in zip(COST_ROWS, ("Amplifiers", "Iterators", "Connectors"), ANNUAL_COSTS)
      for item in _value_row(row, f"Loaded annual cost: {label}", f"AnnualCost{label}", value,
                             "per person per year", "Example", "salary, benefits and overheads of one "
                             "person; replace with your own", _non_negative(f"Annual cost of {label} must be "
                                                                             "a number >= 0"), "#,##0")),
    *_value_row(42, "Cost per external hire", "HireCost", HIRE_COST, "one-off, per hire", "Example",
                "recruiting fees, time of the interviewers; a promotion is no hire",
                _non_negative("Cost per external hire must be a number >= 0"), "#,##0"),
), column_widths={"A": 28, "B": 12, "C": 12, "D": 26, "E": 20, "F": 80}, tab_color="FFC000")

TEAMS = Sheet("Teams", (
    Text("A1", "Planned new teams", "Title"),
    Text("A2", "One row per team (Count > 1 for several alike). Add rows at the bottom of the table."),
    Table("Teams", "A4", ("Team", "Focus", "Start", "Count"),
          (("Scalable Oversight", "oversight of models smarter than the overseers", "Q3 2026", 1),
           ("Control Evaluations", "evaluations of control protocols", "Q4 2026", 1),
           ("Model Organisms", "demonstrations of misalignment", "Q1 2027", 1))),
    # a Start typed as it was in an old template ("2027-Q1") or outside the plan would not count
    RangeValidation("C5:C7", Validation("list", "PlanQuarters",
                                        message="Start must be one of the plan's quarters "
                                                f"(Plan, column {get_column_letter(SCHEDULE_COLUMN)})")),
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
    Table("Roles", "A4", ("Role", "Archetype"), tuple((title, str(kind)) for title, kind in DEFAULT_ROLES + NOT_COUNTED_ROLES)),
), column_widths={"A": 30, "B": 14}, protect=False, tab_color="FFC000", freeze="A5")
