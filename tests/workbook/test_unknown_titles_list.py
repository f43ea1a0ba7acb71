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
