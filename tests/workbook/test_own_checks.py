"""compute judges a workbook by its own checks (issue 15, noticed last session): the
formula cells with a label in the column of the cell AllChecksOK names, read from the
workbook, not the present template's rows. A workbook made from an earlier template has
its checks elsewhere; before, compute reported the present template's rows (empty there)
as failing and exited 1."""

from pathlib import Path

import openpyxl
import pytest

from talentneeds import cli
from talentneeds.workbook import template as T
from talentneeds.workbook.builder import build, save
from talentneeds.workbook.checks import workbook_checks
from talentneeds.workbook.spec import Formula, Sheet, Text

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "talent-needs.xlsx"


def _with_checks(path: Path, items: tuple) -> Path:
    """The template with its Checks sheet replaced by ``items`` (not computed)."""
    description = tuple(Sheet("Checks", items) if sheet.title == "Checks" else sheet for sheet in T.TEMPLATE)
    return save(build(description, T.EXTRA_NAMES), path)


# Three checks at rows 7-9 (an older layout: two rows of notes above them), the master at B11
SHIFTED = (
    Text("A1", "Checks", "Title"), Text("A3", "A note"), Text("A4", "Another note"),
    Text("A6", "Check", "Heading"), Text("B6", "OK", "Heading"),
    Text("A7", "Old: Amplifiers low <= high", "Label"), Formula("B7", "=AmplifiersLow<=AmplifiersHigh"),
    Text("A8", "Old: span low <= high", "Label"), Formula("B8", "=SpanLow<=SpanHigh"),
    Text("A9", "Old: every role has an archetype", "Label"),
    Formula("B9", "=SUMPRODUCT(--ISERROR(Staff[Archetype]))=0"),
)
MASTER = (Text("A11", "All checks pass", "Heading"), Formula("B11", "=AND(B7:B9)", name="AllChecksOK"))


def _compute(path: Path, tmp_path, capsys) -> tuple[int, str]:
    code = cli.main(["compute", str(path), "-o", str(tmp_path / "computed.xlsx")])
    return code, capsys.readouterr().err.strip()


def test_the_templates_own_checks_are_its_rows_and_master():
    checks = workbook_checks(TEMPLATE.read_bytes())
    assert [check.cell for check in checks.checks] == [f"B{row}" for row in range(4, 17)]  # 13 checks
    assert checks.checks[0].label == "Amplifiers per team: low <= high"
    assert checks.master.cell == "B18" and checks.master.label == "All checks pass"


def test_a_workbook_with_its_checks_elsewhere_passes_by_its_own_checks(tmp_path, capsys):
    path = _with_checks(tmp_path / "shifted.xlsx", SHIFTED + MASTER)
    checks = workbook_checks(path.read_bytes())
    assert [(c.cell, c.label) for c in checks.checks] == [
        ("B7", "Old: Amplifiers low <= high"), ("B8", "Old: span low <= high"),
        ("B9", "Old: every role has an archetype")]
    assert checks.master.cell == "B11"
    # by the present template's rows, B4:B16 are empty here: 13 failing checks, exit 1
    assert _compute(path, tmp_path, capsys) == (0, "")


def test_its_failing_check_is_named_by_its_own_cell_and_label(tmp_path, capsys):
    path = _with_checks(tmp_path / "shifted.xlsx", SHIFTED + MASTER)
    book = openpyxl.load_workbook(path)
    book["Assumptions"]["B5"] = 3  # AmplifiersLow above AmplifiersHigh (2)
    book.save(path)
    assert _compute(path, tmp_path, capsys) == (
        1, "talentneeds: check failed: Checks!B7 (Old: Amplifiers low <= high); 1 check(s) fail in all")


def test_a_master_that_fails_while_every_labelled_check_holds_is_named_itself(tmp_path, capsys):
    # a check typed in without a label (B10) is not one of the checks, but the master reads it
    unlabelled = (Formula("B10", "=SpanLow>SpanHigh"), Text("A11", "All checks pass", "Heading"),
                  Formula("B11", "=AND(B7:B10)", name="AllChecksOK"))
    path = _with_checks(tmp_path / "unlabelled.xlsx", SHIFTED + unlabelled)
    assert _compute(path, tmp_path, capsys) == (
        1, "talentneeds: check failed: Checks!B11 (All checks pass); 1 check(s) fail in all")


def test_without_the_master_name_column_b_of_checks_is_read(tmp_path, capsys):
    unnamed = (Text("A11", "All checks pass", "Heading"), Formula("B11", "=AND(B7:B9)"))
    path = _with_checks(tmp_path / "unnamed.xlsx", SHIFTED + unnamed)
    book = openpyxl.load_workbook(path)
    book["Assumptions"]["B8"] = 20  # SpanLow above SpanHigh (10)
    book.save(path)
    # the master cell is then a check like the others (it has a label)
    assert _compute(path, tmp_path, capsys) == (
        1, "talentneeds: check failed: Checks!B8 (Old: span low <= high); Checks!B11 (All checks pass); "
           "2 check(s) fail in all")


@pytest.mark.parametrize("edit", ["B5", None])
def test_the_present_template_still_fails_where_it_should(tmp_path, capsys, edit):
    path = tmp_path / "plan.xlsx"
    book = openpyxl.load_workbook(TEMPLATE)
    if edit:
        book["Assumptions"][edit] = 3
    book.save(path)
    # Amplifiers low 3 > high 2: the check itself, and AMPLIFIERS_NEEDED refuses the range, so
    # the needs, the cohort, the plan and the scenarios that read it fail too (not the
    # promotion candidates, which do not)
    expected = (1, "talentneeds: check failed: Checks!B4 (Amplifiers per team: low <= high); Checks!B9 (The needs "
                   "compute); Checks!B11 (Cohort seats add up to the cohort size); Checks!B12 (The plan computes); "
                   "Checks!B13 (Every scenario computes); 5 check(s) fail in all") if edit else (0, "")
    assert _compute(path, tmp_path, capsys) == expected


def test_a_master_name_pointing_at_an_empty_cell_fails_rather_than_passing_unread(tmp_path, capsys):
    # AllChecksOK moved to Checks!C40: column C holds no labelled formula (no checks) and row 40
    # is below the sheet's last row; before, nothing was read there and compute exited 0
    from openpyxl.workbook.defined_name import DefinedName

    path = tmp_path / "odd-name.xlsx"
    book = openpyxl.load_workbook(TEMPLATE)
    del book.defined_names["AllChecksOK"]
    book.defined_names["AllChecksOK"] = DefinedName("AllChecksOK", attr_text="Checks!$C$40")
    book.save(path)
    checks = workbook_checks(path.read_bytes())
    assert checks.checks == () and (checks.master.cell, checks.master.label) == ("C40", "AllChecksOK")
    assert _compute(path, tmp_path, capsys) == (1, "talentneeds: check failed: Checks!C40 (AllChecksOK); "
                                                   "1 check(s) fail in all")


def _named(path: Path, place: str, chart_sheet: bool = False) -> bytes:
    """The template with AllChecksOK naming ``place`` (and a chart sheet Chart1, if asked)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.load_workbook(TEMPLATE)
    if chart_sheet:
        chart = BarChart()
        chart.add_data(Reference(book["Checks"], min_col=2, min_row=4, max_row=5))
        book.create_chartsheet("Chart1").add_chart(chart)
    del book.defined_names["AllChecksOK"]
    book.defined_names["AllChecksOK"] = DefinedName("AllChecksOK", attr_text=place)
    book.save(path)
    return path.read_bytes()


@pytest.mark.parametrize("place, chart_sheet", [("Checks!$B$0", False), ("Checks!", False), ("Chart1!$A$1", True)])
def test_a_master_name_that_is_no_cell_of_a_worksheet_leaves_column_b_of_checks(tmp_path, place, chart_sheet):
    # no row 0, no cell, a chart sheet (no cells): read as a workbook without the name; before, the
    # first two raised openpyxl's CellCoordinatesException and the chart sheet an AttributeError
    checks = workbook_checks(_named(tmp_path / "named.xlsx", place, chart_sheet))
    # the template's 13 checks, and its master B18 as a check of its own (it has a label)
    assert [check.cell for check in checks.checks] == [f"B{row}" for row in range(4, 17)] + ["B18"]
    assert checks.master is None


def test_a_workbook_with_no_check_to_read_fails_rather_than_passing(tmp_path, capsys):
    # a Checks sheet with notes only and no AllChecksOK: nothing to judge by; before, exit 0
    path = _with_checks(tmp_path / "none.xlsx", (Text("A1", "Checks", "Title"), Text("A3", "A note")))
    assert _compute(path, tmp_path, capsys) == (
        1, "talentneeds: check failed: Checks!B:B (no checks found: no cell named AllChecksOK and no formula "
           "with a label to its left here); 1 check(s) fail in all")
