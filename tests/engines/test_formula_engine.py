"""The committed template, evaluated without Excel, gives the model's figures.

Every expected number below is worked out by hand from the source's figures, not read
from the engine: Amplifiers 1-2 per team (mid 1.5), Iterators 5-10 (mid 7.5), no
Connectors, span of control 5-10 (mid 7.5), output share 0.5, fill rate and
counterfactual share 1; the example org starts 3 teams, has 3 promotion candidates on
2026-07-01 (Carmen Ortiz, Esi Mensah and Mateo Alvarez: Iterators with the soft skills
and more than a year's tenure; Gabriel Rossi has exactly one year, Nadia Rahman less),
can hire 25 Iterators and 1 Connector, and trains a cohort of 30.
"""

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

import pandas as pd

from talentneeds import examples, udfs
from talentneeds.excel import tables
from talentneeds.model import plan as plan_model
from talentneeds.model.archetypes import Archetype
from talentneeds.model.roles import DEFAULT_ROLES, NOT_COUNTED_ROLES
from talentneeds.workbook import template as T
from talentneeds.engines import compute
from talentneeds.engines.formula_engine import FormulaEngineError, WorkbookEngine
from talentneeds.engines.structured_refs import StructuredReferenceError
from talentneeds.excel.boundary import CellError

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "talent-needs.xlsx"
TIMINGS = {}


@pytest.fixture(scope="module")
def engine() -> WorkbookEngine:
    start = time.perf_counter()
    loaded = WorkbookEngine(TEMPLATE)
    TIMINGS["load"] = time.perf_counter() - start
    return loaded


@pytest.fixture(scope="module")
def base(engine) -> dict:
    start = time.perf_counter()
    values = engine.calculate()
    TIMINGS["calculate"] = time.perf_counter() - start
    return values


NA = CellError("#N/A", "")  # Excel's padding of an array range: no message of ours


def cells(values, sheet, *addresses):
    return [values[(sheet, a)] for a in addresses]


def grid(values, sheet, columns, rows):
    return [[values[(sheet, f"{c}{r}")] for c in columns] for r in rows]


# ---------------------------------------------------------------- the template as committed

def test_new_teams_and_what_they_need(base):
    assert base[("Needs", "B3")] == 3  # NewTeams: 1 + 1 + 1
    assert grid(base, "Needs", "ABCD", range(6, 10)) == [
        ["Archetype", "Low", "Mid", "High"],
        ["Amplifier", 3, 4.5, 6],        # 3 teams x 1, 1.5, 2
        ["Iterator", 15, 22.5, 30],      # 3 teams x 5, 7.5, 10
        ["Connector", 0, 0, 0],
    ]
    assert grid(base, "Needs", "FGH", range(7, 10)) == [[3, 5, 6], [15, 23, 30], [0, 0, 0]]  # ROUNDUP


def test_where_the_amplifiers_come_from(base):
    assert base[("Needs", "B12")] == 3  # InternalAmplifiers
    assert grid(base, "Needs", "BCD", range(15, 23)) == [
        [3, 4.5, 6],          # Amplifiers needed
        [3, 3, 3],            # promoted: MIN(3, needed)
        [0, 1.5, 3],          # Amplifier hires: needed - 3, never below 0
        [15, 22.5, 30],       # Iterators needed
        [18, 25.5, 33],       # Iterator hires: needed + a backfill per promoted Iterator
        [0, 0, 0],            # Connectors needed
        [2.5, 3.75, 5],       # manager leverage: 0.5 x span 5, 7.5, 10
        [15, 33.75, 60],      # Iterators those Amplifiers can manage: needed x span
    ]


def test_bottleneck(base):
    assert grid(base, "Needs", "ABCDE", range(25, 30)) == [
        ["Archetype", "Available", "Per team", "Teams staffable", "Binding"],
        ["Amplifier", 5, 1.5, 3, True],          # 3 candidates + 2 hires available: floor(5 / 1.5)
        ["Iterator", 25, 7.5, 3, True],          # floor(25 / 7.5)
        ["Connector", 1, 0, "no limit", False],  # none needed per team
        ["Bottleneck", "", "", 3, "Amplifier, Iterator"],
    ]


def test_cohort_by_heads_and_by_value(base):
    # the source's 3 teams at mid: 4.5 Amplifiers, 22.5 Iterators; 3 candidates promoted leave
    # 1.5 Amplifiers to hire from outside and 22.5 + 3 backfilled = 25.5 Iterators
    assert cells(base, "Cohort", "B4", "B5", "B6") == [1.5, 25.5, 0]
    assert cells(base, "Cohort", "C4", "C5", "C6") == [4.5, 22.5, 0]   # gross, beside
    heads = grid(base, "Cohort", "ABCD", range(9, 14))
    assert heads[0] == ["Archetype", "Weight", "Share", "Seats"]
    assert [row[3] for row in heads[1:]] == [2, 28, 0, 30]      # 30 x 1.5 / 27 = 1.67 -> 2
    assert [row[1] for row in heads[1:]] == [1.5, 25.5, 0, 27]
    value = grid(base, "Cohort", "FGHI", range(9, 14))
    # 1.5 x leverage 3.75 = 5.625 : 25.5; 30 x 5.625 / 31.125 = 5.42 -> 5
    assert [row[3] for row in value[1:]] == [5, 25, 0, 30]
    assert [row[1] for row in value[1:]] == [5.625, 25.5, 0, 31.125]
    gross = grid(base, "Cohort", "KLMN", range(9, 14))      # by the weighting on Assumptions: value
    assert [row[3] for row in gross[1:]] == [13, 17, 0, 30]     # 30 x 3/7 = 12.86 -> 13, 30 x 4/7 -> 17
    assert [row[1] for row in gross[1:]] == [16.875, 22.5, 0, 39.375]  # Amplifiers x leverage 3.75
    assert gross[1][2] == pytest.approx(3 / 7) and gross[2][2] == pytest.approx(4 / 7)
    # the weighting chosen ("value"): its seats for the heads from outside, I10:I12
    assert [base[("Cohort", f"D{row}")] for row in (16, 17, 18)] == [5, 25, 0]


def test_all_checks_pass(base):
    assert cells(base, "Checks", *[f"B{r}" for r in T.CHECK_ROWS], T.MASTER_CHECK[1]) == [True] * 14
    assert base[("Start", "A12")] == "All checks pass"


def test_every_archetype_in_the_staff_table_is_what_archetype_says(base):
    staff = load_workbook(TEMPLATE)["Staff"]
    rows = range(5, 25)
    assert [base[("Staff", f"F{r}")] for r in rows] == [udfs.ARCHETYPE(staff[f"B{r}"].value) for r in rows]
    assert base[("Staff", "F14")] == "Iterator"  # Jasmine Okafor, Research Scientist


def test_every_formula_cell_has_a_value_and_none_is_an_error(engine, base):
    book = load_workbook(TEMPLATE)
    expected = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    ref = getattr(c.value, "ref", c.coordinate)
                    top, bottom = (ref.split(":") + [ref])[:2]
                    for r in ws[f"{top}:{bottom}"]:
                        expected.update((ws.title, x.coordinate) for x in r)
    # 150 on Needs, Cohort, Staff, Start and Checks before the plan; the plan adds the
    # Schedule's 2 calculated columns x 8 quarters (16), the Plan's HIRING_PLAN 9 x 14 (126),
    # 4 scenario headlines x 3 (12), 3 more scenario plans (378) and 2 checks: 684; the
    # master check shown on Needs, Cohort, Plan and Scenarios (4) and the chosen weighting's
    # seats per archetype on Cohort (3 cells where there was 1): 690; the Dashboard's 15
    # headline numbers and its master check: 706; HIRING_PLAN's three target columns make
    # each of the 4 plans 9 x 17 (153 cells, not 126): 814
    # issue 15 adds 438: on Cohort the gross need beside the heads from outside and its seats (24);
    # on Needs the plan's totals beside it (3); on Plan the
    # Schedule's computed Quarter column (8), QUARTER_LABELS (8), PLAN_COST 10 x 4 (40) and
    # PLAN_DISTRIBUTION 4 x 4 (16); on Scenarios a fifth scenario's plan (153) and headline (3),
    # each scenario's time to hire (14 formulas, 1 input) and total cost (5), four PLAN_COST
    # tables (160); 3 checks; the Dashboard's plan cost (1): 1252
    # any Horizon up to 40 adds 136: the Schedule has 40 rows (its 2 columns: 80 cells, not
    # 24) and the Fast growth scenario's labelled schedule spills 2 x 40 (80): 1388;
    # UNKNOWN_TITLES on Checks, one cell for the example (every title is on Roles): 1389;
    # the Candidates sheet adds 98: its master check, the count of candidates and
    # PROMOTION_CANDIDATES 16 x 6 (header + the 15 Iterators on Staff): 1487
    assert set(base) == expected and len(base) == 150 + 16 + 153 + 12 + 3 * 153 + 2 + 4 + 2 + 16 + 438 + 136 + 1 + 98
    assert [k for k, v in base.items() if isinstance(v, str) and v.startswith("#")] == []
    assert engine.messages == {}


# ---------------------------------------------------------------- recalculation

PLAN_SHEETS = ("Plan", "Scenarios")
# the Dashboard only shows cells of the other sheets (test_the_dashboard_shows_...)
SHOWN_ELSEWHERE = ("Dashboard",)


def _changed(before, after):
    """The changed cells outside the plan sheets (those are checked against the model)."""
    return {k: after[k] for k in after if after[k] != before[k] and k[0] not in PLAN_SHEETS + SHOWN_ELSEWHERE}


def test_the_dashboard_shows_the_cells_it_names(base):
    shown = {(ws.title, c.coordinate): c.value for ws in load_workbook(TEMPLATE).worksheets
             if ws.title == "Dashboard" for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=") and "!" in c.value}
    assert len(shown) == 15
    for (sheet, cell), formula in shown.items():
        source_sheet, source = formula[1:].split("!")
        assert base[(sheet, cell)] == base[(source_sheet, source)], (cell, formula)
    assert base[("Dashboard", "B4")] == base[("Needs", "B3")] == 3  # =NewTeams
    assert base[("Dashboard", "B15")] == "Amplifier, Iterator" and base[("Dashboard", "B16")] == 3


def model_plan(schedule, roster, **options):
    """The quarterly plan straight from the model, with the template's defaults: the
    workbook must show exactly this (its header row and one row per quarter)."""
    # the template's Time to hire inputs are the model's defaults (Amplifiers 2, Iterators 1, Connectors 2)
    options.setdefault("labels", list(T.QUARTERS))  # the Base plan's schedule is labelled
    frame = plan_model.hiring_plan(schedule, "mid", roster=tables.roster(roster), as_of=dt.date(2026, 7, 1),
                                   **options)
    return [list(frame.columns), *frame.to_numpy(dtype=object).tolist()]


def workbook_plans(values):
    """Base (the Plan sheet), No internal promotion, Restructure, Fast growth."""
    first = [T.PLAN_TABLE.split(":")[0][1:], T.PLAN_TABLE.split(":")[1][1:]]
    plans = {"Base": grid(values, "Plan", "ABCDEFGHIJKLMN", range(int(first[0]), int(first[1]) + 1))}
    for name, first in T.SCENARIO_PLAN_COLUMNS.items():
        columns = [get_column_letter(c) for c in range(first, first + T.PLAN_WIDTH)]
        rows = range(T.SCENARIO_PLAN_ROW, T.SCENARIO_PLAN_ROW + len(T.QUARTERS) + 1)
        plans[name] = grid(values, "Scenarios", columns, rows)
    return plans


def assert_plans_are_the_models(values, schedule, roster):
    # Scenarios: Base; no promotion; restructure = candidate pool x 2, a research lead per 2
    # teams; fast growth = twice the teams each quarter (the template's scenario inputs)
    expected = {
        "Base": model_plan(schedule, roster),
        "No internal promotion": model_plan(schedule, roster, promote=False),
        "Restructure": model_plan(schedule, roster, candidate_pool_factor=2, connectors_shared_by=2),
        "Fast growth": model_plan([2 * n for n in schedule], roster),  # labelled like the Base
        "Managers hard to hire": model_plan(schedule, roster, promote=False,
                                            time_to_hire={**plan_model.TIME_TO_HIRE, Archetype.AMPLIFIER: 4}),
    }
    shown = workbook_plans(values)
    # the template's plan table shows the model's first columns (the Target columns that
    # HIRING_PLAN adds after Management-bound are not in its range yet)
    assert shown == {name: [row[:len(shown[name][0])] for row in plan] for name, plan in expected.items()}
    # beside Needs: the Base plan's promotions and Amplifier hires, summed over its quarters
    base_plan = pd.DataFrame(expected["Base"][1:], columns=expected["Base"][0])
    assert (values[("Needs", "B32")], values[("Needs", "B33")]) == (
        base_plan["Promotions"].sum(), base_plan["Hires Amplifiers"].sum())
    for column, name in zip("BCDEF", expected):
        headline = plan_model.plan_headline(pd.DataFrame(expected[name][1:], columns=expected[name][0]))
        assert [values[("Scenarios", f"{column}{row}")] for row in T.HEADLINE_ROWS] == [
            headline.fully_staffed_quarter, headline.peak_backlog, headline.management_bound_count]


def test_two_more_teams_change_exactly_what_depends_on_new_teams(engine, base):
    start = time.perf_counter()
    five = engine.calculate(inputs={("Teams", "D5"): 3})  # the first team's Count: 1 -> 3
    TIMINGS["recalculate"] = time.perf_counter() - start
    assert _changed(base, five) == {
        ("Needs", "B3"): 5,
        ("Needs", "B7"): 5, ("Needs", "C7"): 7.5, ("Needs", "D7"): 10,
        ("Needs", "B8"): 25, ("Needs", "C8"): 37.5, ("Needs", "D8"): 50,
        ("Needs", "F7"): 5, ("Needs", "G7"): 8, ("Needs", "H7"): 10,
        ("Needs", "F8"): 25, ("Needs", "G8"): 38, ("Needs", "H8"): 50,
        ("Needs", "B15"): 5, ("Needs", "C15"): 7.5, ("Needs", "D15"): 10,
        ("Needs", "B17"): 2, ("Needs", "C17"): 4.5, ("Needs", "D17"): 7,       # needed - 3
        ("Needs", "B18"): 25, ("Needs", "C18"): 37.5, ("Needs", "D18"): 50,
        ("Needs", "B19"): 28, ("Needs", "C19"): 40.5, ("Needs", "D19"): 53,   # needed + 3
        ("Needs", "B22"): 25, ("Needs", "C22"): 56.25, ("Needs", "D22"): 100,
        # the plan's totals beside Needs (the plan itself is checked against the model below)
        ("Needs", "B32"): 5, ("Needs", "B33"): 4,
        # the heads from outside: 7.5 - 3 promoted Amplifiers, 37.5 + 3 backfilled Iterators
        ("Cohort", "B4"): 4.5, ("Cohort", "C4"): 7.5, ("Cohort", "B5"): 40.5, ("Cohort", "C5"): 37.5,
        # by heads 4.5 : 40.5 = 1/10 of 30 seats: 3 and 27
        ("Cohort", "B10"): 4.5, ("Cohort", "C10"): 0.1, ("Cohort", "D10"): 3,
        ("Cohort", "B11"): 40.5, ("Cohort", "C11"): 0.9, ("Cohort", "D11"): 27, ("Cohort", "B13"): 45,
        # by value 4.5 x 3.75 = 16.875 : 40.5, 16.875 / 57.375 = 5/17 of 30 = 8.8: 9 and 21
        ("Cohort", "G10"): 16.875, ("Cohort", "H10"): 5 / 17, ("Cohort", "I10"): 9,
        ("Cohort", "G11"): 40.5, ("Cohort", "H11"): 12 / 17, ("Cohort", "I11"): 21, ("Cohort", "G13"): 57.375,
        ("Cohort", "D16"): 9, ("Cohort", "D17"): 21,   # the weighting chosen: value
        # gross by value 7.5 x 3.75 = 28.125 : 37.5 (still 3 : 4, so the same 13 and 17 seats)
        ("Cohort", "L10"): 28.125, ("Cohort", "L11"): 37.5, ("Cohort", "L13"): 65.625,
    }
    # unchanged: the promotion candidates, the bottleneck (it does not read NewTeams), the
    # cohort seats (shares are the same 1/6 : 5/6 and 3/7 : 4/7), every check
    assert five[("Needs", "B12")] == 3 and five[("Needs", "D29")] == 3
    assert five[("Checks", "B18")] is True  # the master check
    # the first quarter's Schedule row: 3 new teams (SUMIFS over Teams), 6 in fast growth
    fast = get_column_letter(T.FAST_SCHEDULE_COLUMN + 1)  # the Fast growth schedule's New teams
    assert (five[("Plan", "T5")], five[("Plan", f"{fast}5")]) == (3, 6)
    assert_plans_are_the_models(five, [3, 1, 1, 0, 0, 0, 0, 0], examples.roster_range())


def test_a_promotable_iterator_with_soft_skills_is_one_more_internal_amplifier(engine, base):
    staff = load_workbook(TEMPLATE)["Staff"]
    assert [staff[f"{c}14"].value for c in "ABDE"] == [
        "Jasmine Okafor", "Research Scientist", dt.datetime(2021, 10, 4), False]
    promoted = engine.calculate(inputs={("Staff", "E14"): True})
    assert _changed(base, promoted) == {
        ("Needs", "B12"): 4,
        ("Needs", "C16"): 4, ("Needs", "D16"): 4,        # MIN(4, 4.5), MIN(4, 6); low stays MIN(4, 3)
        ("Needs", "C17"): 0.5, ("Needs", "D17"): 2,      # 4.5 - 4, 6 - 4; low stays 0
        ("Needs", "C19"): 26.5, ("Needs", "D19"): 34,    # backfills: low stays 15 + 3
        ("Needs", "B26"): 6,                             # + 2 hires: floor(6 / 1.5) = 4 teams,
        ("Needs", "D26"): 4, ("Needs", "E26"): False,    # so only the Iterators bind (3 teams)
        ("Needs", "E29"): "Iterator",
        # from outside: 4.5 - 4 = 0.5 Amplifiers, 22.5 + 4 = 26.5 Iterators; by heads 0.5 / 27 of
        # 30 = 0.56 -> 1 seat (Sainte-Laguë), 29; by value 1.875 : 26.5 -> 1.98 -> 2, 28
        ("Cohort", "B4"): 0.5, ("Cohort", "B5"): 26.5,
        ("Cohort", "B10"): 0.5, ("Cohort", "C10"): 0.5 / 27, ("Cohort", "D10"): 1,
        ("Cohort", "B11"): 26.5, ("Cohort", "C11"): 26.5 / 27, ("Cohort", "D11"): 29,
        ("Cohort", "G10"): 1.875, ("Cohort", "H10"): 1.875 / 28.375, ("Cohort", "I10"): 2,
        ("Cohort", "G11"): 26.5, ("Cohort", "H11"): 26.5 / 28.375, ("Cohort", "I11"): 28, ("Cohort", "G13"): 28.375,
        ("Cohort", "D16"): 2, ("Cohort", "D17"): 28,
        # Jasmine, the 6th Iterator on Staff, is row 12 of the list: soft skills, a candidate; 4 of them
        ("Candidates", "E12"): True, ("Candidates", "F12"): True, ("Candidates", "B4"): 4,
    }
    roster = examples.roster_range()
    jasmine = next(row for row in roster if row[0] == "Jasmine Okafor")
    jasmine[roster[0].index("Soft skills")] = True
    assert_plans_are_the_models(promoted, [1, 1, 1, 0, 0, 0, 0, 0], roster)


def test_the_committed_plans_are_the_models(base):
    assert_plans_are_the_models(base, [1, 1, 1, 0, 0, 0, 0, 0], examples.roster_range())


def test_inputs_last_for_one_calculation_only(engine, base):
    engine.calculate(inputs={("Teams", "D5"): 3, ("Staff", "E14"): True})
    assert engine.calculate() == base


def test_a_later_as_of_date_makes_more_candidates(engine):
    later = engine.calculate(inputs={("Assumptions", "B18"): dt.date(2027, 7, 1)})
    assert later[("Needs", "B12")] == 5  # + Gabriel Rossi (2 years) and Nadia Rahman (1.4 years)


def test_a_blank_input_is_a_blank_cell(engine):
    assert engine.calculate(inputs={("Teams", "D5"): None})[("Needs", "B3")] == 2  # SUM skips blanks


def test_inputs_must_name_a_cell_the_model_has(engine):
    with pytest.raises(KeyError, match="no sheet 'Nope'"):
        engine.calculate(inputs={("Nope", "A1"): 1})
    with pytest.raises(KeyError, match="not a single cell"):
        engine.calculate(inputs={("Teams", "D5:D6"): 1})
    with pytest.raises(KeyError, match="Teams!Z99 is not an input"):
        engine.calculate(inputs={("Teams", "Z99"): 1})


def test_an_edited_copy_gives_what_inputs_give(engine, tmp_path):
    book = load_workbook(TEMPLATE)
    book["Teams"]["D5"] = 3
    book["Staff"]["E14"] = True
    book.save(tmp_path / "edited.xlsx")
    values = compute(tmp_path / "edited.xlsx", tmp_path / "computed.xlsx")
    assert values == engine.calculate(inputs={("Teams", "D5"): 3, ("Staff", "E14"): True})
    assert values[("Needs", "B3")] == 5 and values[("Needs", "B12")] == 4
    assert values[("Needs", "C17")] == 3.5  # 7.5 needed - 4 promoted


# ---------------------------------------------------------------- error messages

def test_a_function_error_shows_as_the_excel_error_and_keeps_its_message(engine):
    values = engine.calculate(inputs={("Assumptions", "B19"): 30.5})  # CohortSize
    why = "cohort_size must be a whole number from 0 to 1,000,000,000, got 30.5"
    assert values[("Cohort", "A9")] == values[("Cohort", "I13")] == CellError("#VALUE!", why)
    assert engine.messages[("Cohort", "A9")] == (
        "#VALUE! cohort_size must be a whole number from 0 to 1,000,000,000, got 30.5")
    assert engine.messages[("Cohort", "I13")] == engine.messages[("Cohort", "A9")]
    assert values[("Checks", "B11")] == CellError("#VALUE!", "") and ("Checks", "B11") not in engine.messages  # Excel's AND
    engine.calculate()
    assert engine.messages == {}


def test_an_unknown_role_is_na_with_the_reason_and_the_check_catches_it(engine):
    values = engine.calculate(inputs={("Staff", "B5"): "Chief Vibes Officer"})
    assert values[("Staff", "F5")].code == "#N/A"
    assert "not in the catalogue" in engine.messages[("Staff", "F5")]
    assert values[("Checks", "B8")] is False


# ---------------------------------------------------------------- small workbooks

def _workbook(tmp_path, formulas: dict, title="S") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for cell, formula in formulas.items():
        sheet[cell] = formula
    path = tmp_path / "small.xlsx"
    book.save(path)
    return path


def test_an_omitted_argument_takes_the_default_as_in_excel(tmp_path):
    path = _workbook(tmp_path, {"A1": 3, "B1": "=AMPLIFIERS_NEEDED(A1,,1,3)", "B2": "=AMPLIFIERS_NEEDED(A1,0,1,3)",
                                "B3": "=AMPLIFIERS_NEEDED(A1,)"})
    values = WorkbookEngine(path).calculate()
    assert values[("S", "B1")] == udfs.AMPLIFIERS_NEEDED(3, None, 1, 3) == 6   # mid of 1-3 per team
    assert values[("S", "B2")] == udfs.AMPLIFIERS_NEEDED(3, 0, 1, 3) == 3      # the point 0 is "low"
    assert values[("S", "B3")] == 4.5


def test_a_table_result_fills_an_array_range_of_another_size_as_excel_does(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet["A1"] = ArrayFormula("A1:E5", "=TEAM_NEEDS(3)")     # larger: padded with #N/A
    sheet["A7"] = ArrayFormula("A7:C8", "=TEAM_NEEDS(3)")     # smaller: the top-left part
    sheet["A10"] = ArrayFormula("A10:B11", "=AMPLIFIERS_NEEDED(3)")  # one value: repeated
    sheet["A13"] = "=TEAM_NEEDS(3)"                           # one cell: the top-left value
    sheet["A14"] = "=INDEX(TEAM_NEEDS(3),2,3)"
    sheet["A15"] = "=SUM(TEAM_NEEDS(3,FALSE))"
    book.save(tmp_path / "arrays.xlsx")
    values = WorkbookEngine(tmp_path / "arrays.xlsx").calculate()
    assert grid(values, "S", "ABCDE", [1, 4, 5]) == [
        ["Archetype", "Low", "Mid", "High", NA],
        ["Connector", 0, 0, 0, NA],
        [NA] * 5]
    assert grid(values, "S", "ABC", [7, 8]) == [["Archetype", "Low", "Mid"], ["Amplifier", 3, 4.5]]
    assert grid(values, "S", "AB", [10, 11]) == [[4.5, 4.5], [4.5, 4.5]]
    assert cells(values, "S", "A13", "A14", "A15") == ["Archetype", 4.5, 81]  # 3+4.5+6+15+22.5+30


def test_a_call_with_constant_arguments_keeps_its_message(tmp_path):
    # the engine evaluates such calls once, while loading
    engine = WorkbookEngine(_workbook(tmp_path, {"A1": '=AMPLIFIERS_NEEDED("abc")'}))
    assert engine.calculate() == {("S", "A1"): CellError("#VALUE!", 'teams must be a number >= 0, got "abc"')}
    assert engine.messages == {("S", "A1"): '#VALUE! teams must be a number >= 0, got "abc"'}


def test_a_second_load_takes_the_compiled_cells_and_files_their_messages_again(tmp_path):
    # compute loads a resized workbook again for each level of a spill chain (engines.spills)
    path = _workbook(tmp_path, {"A1": '=AMPLIFIERS_NEEDED("abc")', "A2": 3, "B2": "=AMPLIFIERS_NEEDED(A2)"})
    first = WorkbookEngine(path)
    compiled = []
    second = WorkbookEngine(path, compiled=_counting_compiles(first.compiled, compiled))
    assert compiled == []  # both formulas were taken from the first load
    expected = {("S", "A1"): CellError("#VALUE!", 'teams must be a number >= 0, got "abc"'), ("S", "B2"): 4.5}
    assert first.calculate() == second.calculate() == expected  # 3 teams x 1.5, the mid of 1-2
    assert second.messages == {("S", "A1"): '#VALUE! teams must be a number >= 0, got "abc"'}


def test_compiled_cells_are_not_taken_for_a_workbook_with_other_defined_names(tmp_path):
    path = _workbook(tmp_path, {"A1": 3, "B1": "=AMPLIFIERS_NEEDED(A1)"})
    first = WorkbookEngine(path)
    book = load_workbook(path)
    book.defined_names["Teams"] = DefinedName("Teams", attr_text="S!$A$1")
    book["S"]["C1"] = "=Teams"  # a name no formula uses is dropped before compiling
    book.save(tmp_path / "named.xlsx")
    compiled = []
    named = WorkbookEngine(tmp_path / "named.xlsx", compiled=_counting_compiles(first.compiled, compiled))
    assert compiled == [("S", "B1"), ("S", "C1")]  # B1's text is the same, but the names are not
    assert named.calculate() == {("S", "B1"): 4.5, ("S", "C1"): 3}


def _counting_compiles(cache, calls: list):
    """``cache`` with each compilation it makes (a cell it did not have) noted in ``calls``."""
    compiled = cache.compiled

    def counting(key, compile, collector):
        def noted():
            calls.append((key[0], key[1]))
            return compile()
        return compiled(key, noted, collector)

    cache.compiled = counting
    return cache


def test_a_reference_the_engine_cannot_resolve_is_named(tmp_path):
    source = load_workbook(TEMPLATE)
    source["Checks"]["C4"] = "=SUM(Teams[Headcount])"
    source.save(tmp_path / "bad.xlsx")
    with pytest.raises(StructuredReferenceError, match=r"Checks!C4: cannot resolve Teams\[Headcount\]"):
        WorkbookEngine(tmp_path / "bad.xlsx")


def test_a_formula_the_engine_cannot_parse_is_named(tmp_path):
    with pytest.raises(FormulaEngineError, match=r"S!B1: the formula engine cannot read '=SUM\(A1:A3'"):
        WorkbookEngine(_workbook(tmp_path, {"A1": 1, "B1": "=SUM(A1:A3"}))


def test_a_sheet_name_with_an_apostrophe_is_refused_not_miscomputed(tmp_path):
    with pytest.raises(FormulaEngineError, match="apostrophe"):
        WorkbookEngine(_workbook(tmp_path, {"A1": 1, "A2": "=A1*2"}, title="Team's plan"))


def test_the_input_file_is_only_read(tmp_path):
    copy = tmp_path / "t.xlsx"
    shutil.copy(TEMPLATE, copy)
    before = copy.read_bytes()
    WorkbookEngine(copy).calculate(inputs={("Teams", "D5"): 3})
    assert copy.read_bytes() == before


def test_report_timings(engine, base):
    """Not an assertion of speed: the numbers are printed for the record (pytest -s)."""
    engine.calculate()
    print({k: round(v, 3) for k, v in TIMINGS.items()})
    assert TIMINGS["load"] < 30


# ---------------------------------------------------------------- big tables, evaluated as blocks

def test_table_constants_and_the_calculated_column_are_evaluated_as_blocks(engine):
    # every table's constant columns (Schedule: only Quarter; the others are formulas)
    assert {(block.sheet, block.ref) for block in engine._blocks} == {
        ("Teams", "A5:D7"), ("Staff", "A5:E24"), ("Roles", f"A5:B{4 + len(DEFAULT_ROLES) + len(NOT_COUNTED_ROLES)}")}
    assert engine.calculated_columns == [("Staff", "F5:F24")]


def test_cell_by_cell_evaluation_gives_the_same_values(engine, base, tmp_path):
    """A calculated column with one cell's formula spelled differently is evaluated cell
    by cell (the fast path needs every cell to hold the column's formula): same values."""
    changed = tmp_path / "spelled.xlsx"
    workbook = load_workbook(TEMPLATE)
    workbook["Staff"]["F9"] = "=ARCHETYPE(Staff[[#This Row],[Role]], Roles[#All])"  # a space
    workbook.save(changed)
    slow = WorkbookEngine(changed)
    assert slow.calculated_columns == []
    assert slow.calculate() == base


def test_a_row_of_the_calculated_column_keeps_its_own_message(engine):
    values = engine.calculate(inputs={("Staff", "B12"): "Chief Vibes Officer"})
    assert values[("Staff", "F12")].code == "#N/A"
    assert "Chief Vibes Officer" in engine.messages[("Staff", "F12")]
    assert [k for k in engine.messages if k[0] == "Staff"] == [("Staff", "F12")]
    # Gabriel Rossi, Research Engineer; Ivan Petrov, Engineering Manager
    assert values[("Staff", "F11")] == "Iterator" and values[("Staff", "F13")] == "Amplifier"


def test_a_formula_reads_an_array_result_not_the_value_cached_in_its_cell(tmp_path):
    """Checks!B11 reads Cohort!D13, a cell of COHORT_MIX's array range; a stale value
    stored there (LibreOffice stores #NAME? for functions it does not know) is ignored."""
    stale = tmp_path / "stale.xlsx"
    workbook = load_workbook(TEMPLATE)
    workbook["Cohort"]["D13"] = 999
    workbook.save(stale)
    values = WorkbookEngine(stale).calculate()
    assert values[("Cohort", "D13")] == 30  # CohortSize: the seats add up to the cohort
    assert values[("Checks", "B11")] is True


def test_text_that_looks_like_an_error_stays_text_and_an_error_stays_an_error(tmp_path):
    """Worked by hand: ="#N/A" is the text #N/A, and so is =A3 when A3 is a label the user
    typed as #N/A (ISERROR of it is FALSE); =NA() and our function given "abc" are errors."""
    book = Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet["A1"] = '="#N/A"'
    sheet["A2"] = "=NA()"
    sheet["A3"] = "#N/A"
    sheet["A3"].data_type = "s"  # a typed label (openpyxl would otherwise store it as an error)
    sheet["A4"] = "=A3"
    sheet["A5"] = "=ISERROR(A3)"
    sheet["A6"] = '=AMPLIFIERS_NEEDED("abc")'
    book.save(tmp_path / "in.xlsx")
    values = compute(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    assert cells(values, "S", "A1", "A2", "A4", "A5", "A6") == [
        "#N/A", NA, "#N/A", False, CellError("#VALUE!", 'teams must be a number >= 0, got "abc"')]
    stored = load_workbook(tmp_path / "out.xlsx", data_only=True)["S"]
    assert [(stored[a].value, stored[a].data_type) for a in ("A1", "A2", "A4", "A6")] == [
        ("#N/A", "s"), ("#N/A", "e"), ("#N/A", "s"), ("#VALUE!", "e")]
