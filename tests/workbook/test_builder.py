"""The template: built reproducibly, equal to the committed file, and well-formed."""

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from talentneeds import cli, examples
from talentneeds.model.roles import DEFAULT_ROLES, NOT_COUNTED_ROLES
from talentneeds.workbook.builder import build_template
from talentneeds.workbook.template import SHEET_NAMES, TEMPLATE

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbook_templates" / "talent-needs.xlsx"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("template") / "talent-needs.xlsx")


def test_the_build_is_byte_for_byte_the_committed_template(built, tmp_path):
    again = build_template(tmp_path / "again.xlsx")
    assert built.read_bytes() == again.read_bytes()
    assert built.read_bytes() == COMMITTED.read_bytes(), \
        "workbook_templates/talent-needs.xlsx is stale: rebuild it with `talentneeds template -o ... --force`"


def test_sheets_in_order(built):
    assert openpyxl.load_workbook(built).sheetnames == list(SHEET_NAMES)


def test_tables_hold_the_example(built):
    wb = openpyxl.load_workbook(built)
    assert wb["Teams"].tables["Teams"].ref == "A4:D7"          # header + 3 new teams
    assert wb["Staff"].tables["Staff"].ref == f"A4:F{4 + len(examples.ROSTER)}"
    # the research titles, then the common non-research ones (operations, recruiting, ...): Not counted
    assert wb["Roles"].tables["Roles"].ref == f"A4:B{4 + len(DEFAULT_ROLES) + len(NOT_COUNTED_ROLES)}"
    roles = {wb["Roles"][f"A{r}"].value: wb["Roles"][f"B{r}"].value for r in range(5, 5 + len(DEFAULT_ROLES) + len(NOT_COUNTED_ROLES))}
    assert roles["Recruiter"] == "Not counted" and roles["Research Engineer"] == "Iterator"
    staff = wb["Staff"]
    assert [c.value for c in staff[4]] == [*examples.ROSTER_HEADER, "Archetype"]
    assert staff["B5"].value == examples.ROSTER[0][1]
    column = [c for c in staff.tables["Staff"].tableColumns if c.name == "Archetype"][0]
    assert column.calculatedColumnFormula.attr_text.startswith("ARCHETYPE(")


def test_named_inputs_are_validated_input_cells(built):
    wb = openpyxl.load_workbook(built)
    names = wb.defined_names
    for name in ("AmplifiersLow", "AmplifiersHigh", "IteratorsLow", "IteratorsHigh", "SpanLow",
                 "SpanHigh", "Point", "OutputShare", "FillRate", "CounterfactualShare",
                 "MinTenureYears", "SoftSkillsRequired", "TakeUp", "AsOf", "CohortSize", "Weighting",
                 "TimeToHireAmplifiers", "TimeToHireIterators", "TimeToHireConnectors", "Horizon",
                 "AnnualCostAmplifiers", "AnnualCostIterators", "AnnualCostConnectors", "HireCost"):
        (sheet, ref), = names[name].destinations
        cell = wb[sheet][ref.replace("$", "")]
        assert cell.style == "Input TN", name
        assert cell.protection.locked is False, name
        validated = [dv for dv in wb[sheet].data_validations.dataValidation
                     if ref.replace("$", "") in str(dv.sqref)]
        assert len(validated) == 1, name
    point = [dv for dv in wb["Assumptions"].data_validations.dataValidation if dv.type == "list"]
    assert {dv.formula1 for dv in point} >= {'"low,mid,high"', '"heads,value"'}


def test_only_input_cells_are_unlocked_on_protected_sheets(built):
    wb = openpyxl.load_workbook(built)
    for ws in wb.worksheets:
        if not ws.protection.sheet:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and cell.protection.locked is False:
                    assert cell.style == "Input TN", (ws.title, cell.coordinate)


def test_no_constant_assumption_inside_a_formula(built):
    wb = openpyxl.load_workbook(built)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)
                if isinstance(text, str) and text.startswith("="):
                    assert not re.search(r'"(low|mid|high|heads|value)"', text), (ws.title, cell.coordinate)
                    # numbers in formulas are only the structural 0 of ROUNDUP/COUNTIF
                    assert set(re.findall(r"(?<![A-Z$\d])\d+(?:\.\d+)?(?![\d:])", re.sub(r"[A-Z]+\$?\d+", "", text))) <= {"0"}, (ws.title, cell.coordinate, text)


def test_array_functions_fill_their_whole_range_and_never_show_as_implicit_intersection(built):
    with zipfile.ZipFile(built) as archive:
        sheets = {name: archive.read(name).decode() for name in archive.namelist()
                  if name.startswith("xl/worksheets/sheet")}
    xml = "\n".join(sheets.values())
    arrays = dict(re.findall(r'<f t="array" ref="([A-Z]+\d+(?::[A-Z]+\d+)?)">(\w+)\(', xml))
    # TEAM_NEEDS is 4x4, BOTTLENECK 5x5 (header, 3 archetypes, Bottleneck), COHORT_MIX 5x4 (net
    # by heads, by value; gross), HIRING_PLAN 9x17 (header + 8 quarters; Plan and four scenarios),
    # each with its PLAN_COST 10x4 (header, 8 quarters, Total), PLAN_HEADLINE 3x1 (five scenarios),
    # QUARTER_LABELS 8x1, PLAN_DISTRIBUTION 4x4, PROMOTION_CANDIDATES 16x6 (15 Iterators on Staff); UNKNOWN_TITLES one cell (the example's titles are
    # all on Roles); the Fast growth schedule's New teams, IF over the Schedule's 40 rows (its
    # Quarter column, =Schedule[Quarter], calls no function)
    assert arrays == {"D8": "UNKNOWN_TITLES", "A6:D9": "TEAM_NEEDS", "A25:E29": "BOTTLENECK", "A9:D13": "COHORT_MIX",
                      "F9:I13": "COHORT_MIX", "K9:N13": "COHORT_MIX", "A15:Q23": "HIRING_PLAN",
                      "A19:Q27": "HIRING_PLAN", "X19:AN27": "HIRING_PLAN", "AU19:BK27": "HIRING_PLAN",
                      "BR19:CH27": "HIRING_PLAN",
                      "Y4:AB13": "PLAN_COST", "S19:V28": "PLAN_COST", "AP19:AS28": "PLAN_COST",
                      "BM19:BP28": "PLAN_COST", "CJ19:CM28": "PLAN_COST",
                      "W5:W12": "QUARTER_LABELS", "M4:P7": "PLAN_DISTRIBUTION",
                      "AE5:AE44": "IF", "A6:F21": "PROMOTION_CANDIDATES", **{f"{c}13:{c}15": "PLAN_HEADLINE" for c in "BCDEF"}}
    for table_function in ("TEAM_NEEDS", "BOTTLENECK", "COHORT_MIX", "HIRING_PLAN", "PLAN_HEADLINE", "UNKNOWN_TITLES"):
        plain = re.findall(rf"<f>[^<]*{table_function}\(", xml)
        assert not plain, f"{table_function} written as an ordinary formula"
    assert "_xlfn.SINGLE" not in xml and "@" not in re.sub(r"#[A-Za-z ]+", "", "".join(re.findall(r"<f[^>]*>([^<]*)</f>", xml)))


def test_charts_on_needs_cohort_and_plan(built):
    wb = openpyxl.load_workbook(built)
    # the Dashboard shows the Needs chart and the Plan chart again, drawn from those sheets
    assert [len(wb[name]._charts) for name in ("Needs", "Cohort", "Plan", "Dashboard")] == [1, 1, 1, 2]
    assert len(wb["Needs"]._charts[0].series) == 3     # Low, Mid, High
    assert len(wb["Cohort"]._charts[0].series) == 2    # by heads, by value
    with zipfile.ZipFile(built) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        drawings_rels = {n: archive.read(n).decode() for n in archive.namelist() if "worksheets/_rels" in n}
        plan_chart = archive.read(charts[-1]).decode()
    assert len(charts) == 5
    assert sum("drawing" in rel for rel in drawings_rels.values()) == 4
    # the Plan's heads stack by archetype, with management capacity as a line over them
    bar = plan_chart[plan_chart.index("<barChart>"):plan_chart.index("</barChart>")]
    line = plan_chart[plan_chart.index("<lineChart>"):plan_chart.index("</lineChart>")]
    assert '<grouping val="stacked" />' in bar and '<overlap val="100" />' in bar
    # series: title cell, categories (the quarters' labels: the plan's Quarter column), values --
    # Amplifiers, Iterators, Connectors -- as names reaching down the plan as far as the Horizon
    assert re.findall(r"<f>([^<]*)</f>", bar) == [
        f"{ref}" for column, name in zip("CDE", ("Amplifiers", "Iterators", "Connectors"))
        for ref in (f"Plan!${column}$15", "[0]!PlanChartQuarters", f"[0]!PlanChart{name}")]
    assert re.findall(r"<f>([^<]*)</f>", line) == ["Plan!$K$15", "[0]!PlanChartQuarters", "[0]!PlanChartCapacity"]
    assert {name: wb.defined_names[name].attr_text for name in ("PlanChartQuarters", "PlanChartCapacity")} == {
        "PlanChartQuarters": "OFFSET(Plan!$A$16,0,0,Horizon,1)", "PlanChartCapacity": "OFFSET(Plan!$K$16,0,0,Horizon,1)"}


def test_teams_start_is_chosen_from_the_plans_quarters(built):
    wb = openpyxl.load_workbook(built)
    (rule,) = [dv for dv in wb["Teams"].data_validations.dataValidation if "C5" in str(dv.sqref)]
    assert (rule.type, rule.formula1, str(rule.sqref)) == ("list", "PlanQuarters", "C5:C7")
    (sheet, ref), = wb.defined_names["PlanQuarters"].destinations
    # the Schedule's Quarter column, labelled from the plan start 2026-07-01: Q3 2026 ... Q2 2028,
    # then blank up to the 40 quarters the Horizon can ask for
    assert (sheet, ref) == ("Plan", "$S$5:$S$44")
    assert [wb["Plan"][f"S{r}"].value for r in (5, 6, 12, 44)] == [
        '=IF(ROW()-ROW(Schedule[[#Headers],[Quarter]])>Horizon,"",'
        'T(INDEX(QuarterLabels,ROW()-ROW(Schedule[[#Headers],[Quarter]]))))'] * 4
    assert [wb["Teams"][f"C{r}"].value for r in (5, 6, 7)] == ["Q3 2026", "Q4 2026", "Q1 2027"]


def test_xlwings_conf_names_the_udf_module(built):
    ws = openpyxl.load_workbook(built)["xlwings.conf"]
    assert (ws["A1"].value, ws["B1"].value) == ("UDF Modules", "talentneeds.udfs")


def test_every_function_the_template_calls_exists(built):
    from talentneeds import udfs

    with zipfile.ZipFile(built) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    called = set(re.findall(r"\b([A-Z][A-Z_]{3,})\(", xml))
    ours = called & {name for name in udfs.__all__}
    native = called - ours
    assert len(ours) >= 10
    # ISLOGICAL only in conditional formats and OFFSET only in the charts' names (drawn by Excel
    # and LibreOffice, never computed by us)
    assert native <= {"SUM", "ROUNDUP", "MIN", "IF", "AND", "COUNTIF", "COUNT", "ROWS", "COLUMNS", "ISNUMBER",
                      "SUMPRODUCT", "ISERROR", "SUMIFS", "ISLOGICAL", "INDEX", "MATCH", "OFFSET", "T"}


def test_cli_template_refuses_to_overwrite_and_needs_xlsx(tmp_path, capsys):
    target = tmp_path / "t.xlsx"
    assert cli.main(["template", "-o", str(target)]) == 0
    assert cli.main(["template", "-o", str(target)]) == 1
    assert "exists; use --force" in capsys.readouterr().err
    assert cli.main(["template", "-o", str(tmp_path / "t.xls")]) == 1
    assert cli.main(["template", "-o", str(target), "--force"]) == 0
    assert len(TEMPLATE) == len(SHEET_NAMES)
