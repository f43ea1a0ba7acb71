"""One roster vocabulary and one value grammar: the Excel functions' roster argument and
import-roster read the same headers, dates and yes/no words to the same people."""

import datetime as dt

import pytest

from talentneeds import udfs
from talentneeds.excel import tables
from talentneeds.roster import values
from talentneeds.roster.parse import parse_roster

# An HR export's headers and spellings (none of them the template's own words)
HR_ROSTER = [
    ["Employee name", "Job title", "Dept", "Hire date", "Manager ready"],
    ["Ann", "Research Engineer", "Evals", "15/01/2020", "x"],         # day-first: 15 is no month
    ["Bo", "Research Scientist", "Evals", "Jan 15, 2022", "n"],
    ["Cy", "Research Engineer", "Evals", "2023-06-01", "yes"],        # 7 months by 2024-01-01
    ["Di", "Member of Technical Staff", "Evals", "15.01.2021", "Y"],  # dotted: always day-first
]
# worked by hand from the rows above
PEOPLE = [("Ann", dt.date(2020, 1, 15), True), ("Bo", dt.date(2022, 1, 15), False),
          ("Cy", dt.date(2023, 6, 1), True), ("Di", dt.date(2021, 1, 15), True)]


def test_the_excel_functions_and_the_import_read_an_hr_export_to_the_same_people():
    in_excel = tables.roster(HR_ROSTER)
    imported = parse_roster(enumerate(HR_ROSTER, start=1), source="hr.csv").people
    assert [(p.name, p.start_date, p.soft_skills) for p in in_excel] == PEOPLE
    assert [(p.name, p.start_date, p.soft_skills) for p in imported] == PEOPLE
    assert [p.team for p in in_excel] == [p.team for p in imported] == ["Evals"] * 4


def test_internal_amplifiers_on_an_hr_export():
    # more than 1 year by 2024-01-01: Ann, Bo, Di; with soft skills: Ann, Di
    assert udfs.INTERNAL_AMPLIFIERS(HR_ROSTER, "2024-01-01") == 2
    assert udfs.INTERNAL_AMPLIFIERS(HR_ROSTER, "2024-01-01", None, False) == 3


def test_a_date_whose_order_nothing_decides_is_refused_by_both():
    rows = [["Name", "Role", "Start date"], ["Ann", "Research Engineer", "03/04/2024"]]
    with pytest.raises(Exception, match=r"roster row 2: Start date must be a date"):
        tables.roster(rows)
    with pytest.raises(Exception, match=r"cannot tell whether dates like '03/04/2024'"):
        parse_roster(enumerate(rows, start=1), source="hr.csv")


@pytest.mark.parametrize("serial, day", [
    # Excel's 1900 system: 1 = 1900-01-01, 59 = 1900-02-28, (60 = the 29 February that never was),
    # 61 = 1900-03-01; 45352 = 2024-03-01 (45352 - 61 = 45291 days after 1900-03-01)
    (1, dt.date(1900, 1, 1)), (59, dt.date(1900, 2, 28)), (61, dt.date(1900, 3, 1)), (45352, dt.date(2024, 3, 1))])
def test_excel_serials_both_ways(serial, day):
    assert values.excel_serial_to_date(serial) == day
    assert values.date_to_excel_serial(day) == serial
    if serial >= 61:  # the engines' stored values: a time of day is the fraction
        assert values.datetime_to_serial(dt.datetime.combine(day, dt.time(18))) == serial + 0.75


def test_serial_60_is_refused():
    with pytest.raises(values.BadValue, match="29 February 1900"):
        values.excel_serial_to_date(60)


@pytest.mark.parametrize("text, expected", [
    ("x", True), (" Yes ", True), ("Y", True), ("1", True), ("TRUE", True),
    ("n", False), ("No", False), ("0", False), ("false", False), ("maybe", None), ("", None)])
def test_yes_no_words(text, expected):
    assert values.yes_no(text) is expected


def test_the_roster_package_imports_nothing_of_the_engines():
    """The roster reads and edits packages through talentneeds.ooxml, not through the
    cached-values writer of engines/ (the engines use the roster's value grammar)."""
    import ast
    from pathlib import Path

    import talentneeds.roster

    folder = Path(talentneeds.roster.__file__).parent
    importers = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("talentneeds.engines") \
                    or isinstance(node, ast.Import) and any(a.name.startswith("talentneeds.engines") for a in node.names):
                importers.add(path.name)
    assert importers == set()
