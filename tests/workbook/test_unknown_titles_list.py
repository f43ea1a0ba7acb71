"""Issue 15's must-show, in the workbook: a roster with four unknown titles. import-roster
warns naming all four, compute names all four, and the computed workbook lists them on
Checks beside the check that fails, with how many people hold each (counted by hand)."""

import contextlib
import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from talentneeds import cli
from talentneeds.workbook import template as T

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "talent-needs.xlsx"
HEADER = ["Name", "Role", "Team", "Start date", "Soft skills"]
# 9 people: Chef 3 (one typed "chef", one "CHEF": the catalogue ignores case), Gardener 2,
# Pilot 1, Barista 1; and 2 whose titles Roles knows (Research Engineer, People Manager)
PEOPLE = [("Ann", "Chef"), ("Bob", "Research Engineer"), ("Cat", "Gardener"), ("Dan", "chef"), ("Eve", "Pilot"),
          ("Fay", "Gardener"), ("Gus", "CHEF"), ("Hal", "People Manager"), ("Ida", "Barista")]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The template with the roster imported: (the workbook, what import-roster printed)."""
    folder = tmp_path_factory.mktemp("unknown")
    source = folder / "hr.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *[[name, title, "Ops", "2023-01-15", "no"] for name, title in PEOPLE]])
    book = folder / "plan.xlsx"
    shutil.copyfile(TEMPLATE, book)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli.main(["import-roster", str(source), "--into", str(book)]) == 0
    return book, printed.getvalue()


def test_import_roster_warns_naming_all_four(imported):
    _, out = imported
    assert "imported 9 people" in out
    assert 'warning: 4 titles not in the catalogue on Roles: "Chef", "Gardener", "Pilot", "Barista"; ' in out


def test_the_computed_workbook_lists_the_four_with_their_people(imported, tmp_path, capsys):
    book, _ = imported
    computed = tmp_path / "computed.xlsx"
    assert cli.main(["compute", str(book), "-o", str(computed)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.endswith('; 4 titles not in the catalogue on Roles: "Chef", "Gardener", "Pilot", "Barista" '
                        "(add each on Roles with its archetype)")
    # the failing check's label points at the list, which is beside it
    check_row = int(T.UNKNOWN_TITLES_CELL[1:])
    label = f"Every role on Staff has an archetype (Staff, column F; titles not on Roles: {T.UNKNOWN_TITLES_CELL})"
    assert f"Checks!B{check_row} ({label})" in err
    values = openpyxl.load_workbook(computed, data_only=True)["Checks"]
    assert values[f"A{check_row}"].value == label and values[f"B{check_row}"].value is False
    assert [[cell.value for cell in row] for row in values["D8:E13"]] == [
        ["Unknown title", "People"], ["Chef", 3], ["Gardener", 2], ["Pilot", 1], ["Barista", 1], [None, None]]
    # the spill took the size of the list (header and four rows), as Excel 365 resizes one
    formulas = openpyxl.load_workbook(computed)["Checks"]
    assert formulas["D8"].value.ref == "D8:E12"


def test_the_template_says_none_in_one_cell(tmp_path):
    values = openpyxl.load_workbook(TEMPLATE, data_only=True)["Checks"]
    assert values["D8"].value == "No unknown titles" and values["D9"].value is None and values["E8"].value is None
    assert values["D7"].value == "Titles on Staff that Roles does not list"


def _template_with(path: Path, edit) -> Path:
    book = openpyxl.load_workbook(TEMPLATE)
    edit(book["Staff"])
    book.save(path)
    return path


def test_compute_names_role_cells_with_no_title_and_judges_a_formula_by_its_result(tmp_path, capsys):
    # the Staff table's header is row 4, Role in column B: B5 blank, B6 the number 7 (ARCHETYPE
    # refuses both), B7 a formula showing "Chef" (unknown), B8 the text "=Pilot" (quote prefix,
    # as import-roster stores such a title; unknown); before, the blank and the number were not
    # named at all and the formula was named by its text, '="Chef"'
    def edit(staff):
        assert staff.tables["Staff"].ref.startswith("A4:") and staff["B4"].value == "Role"
        staff["B5"], staff["B6"], staff["B7"], staff["B8"] = None, 7, '="Chef"', "=Pilot"
        staff["B8"].data_type, staff["B8"].quotePrefix = "s", True

    path = _template_with(tmp_path / "roles.xlsx", edit)
    assert cli.main(["compute", str(path), "-o", str(tmp_path / "computed.xlsx")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Checks!B8 (Every role on Staff has an archetype" in err
    assert err.endswith('; 2 titles not in the catalogue on Roles: "Chef", "=Pilot" (add each on Roles with its '
                        'archetype); '
                        "2 Role cells on Staff hold no title (blank, or a number or date): Staff!B5, Staff!B6; "
                        "type a title Roles lists")


def test_a_totals_row_is_not_a_title(tmp_path):
    from talentneeds.workbook.titles import workbook_titles

    typed = [row[1].value for row in openpyxl.load_workbook(TEMPLATE)["Staff"]["A5:F24"]]

    def edit(staff):  # a Total row under the 20 people, shown as Excel shows one
        table = staff.tables["Staff"]
        table.ref, table.totalsRowCount = "A4:F25", 1
        staff["B25"] = "Total"

    staff = workbook_titles(_template_with(tmp_path / "totals.xlsx", edit).read_bytes())
    assert staff.titles == typed and len(typed) == 20 and staff.untitled == []
