"""Importing an HR roster into the Staff table: reading (every format, every bad value
named), and writing (the table's rows replaced at the XML level, everything else kept)."""

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from talentneeds import examples
from talentneeds.model.pipeline import Person
from talentneeds.roster.importer import ImportResult, import_roster
from talentneeds.roster.parse import parse_roster
from talentneeds.roster.problems import RosterFileError, RosterProblems, StaffTableError, duplicate_problems
from talentneeds.roster.read import read_roster
from talentneeds.roster.write import recalculate_on_load

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "workbook_templates" / "talent-needs.xlsx"
MACRO_TEMPLATE = ROOT / "workbook_templates" / "talent-needs.xlsm"
STAFF_SHEET = "xl/worksheets/sheet4.xml"
STAFF_TABLE = "xl/tables/table2.xml"
FORMULA = "ARCHETYPE(Staff[[#This Row],[Role]],Roles[#All])"
HEADER = ["Name", "Role", "Team", "Start date", "Soft skills"]


def rows(*lines):
    """(line number, values) as a CSV reader gives them, numbered from 1."""
    return list(enumerate(lines, start=1))


def parse(*lines, **options):
    return parse_roster(rows(*lines), source="hr.csv", **options)


def write_csv(path, records, delimiter=",", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows(records)
    return path


def template_copy(folder, source=TEMPLATE):
    target = Path(folder) / f"book{source.suffix}"
    shutil.copyfile(source, target)
    return target


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def sheet_xml(path):
    return members(path)[STAFF_SHEET].decode("utf-8")


def people(count, start=dt.date(2020, 1, 6)):
    roles = ["Research Engineer", "People Manager", "Research Scientist", "Research Lead",
             "Technical Program Manager"]
    return [[f"Person {i:03d}", roles[i % len(roles)], f"Team {i % 4}",
             (start + dt.timedelta(days=37 * i)).isoformat(), "yes" if i % 3 == 0 else "no"]
            for i in range(count)]


def staff_values(path, first=4, last=None):
    book = openpyxl.load_workbook(path)
    sheet = book["Staff"]
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=first, max_row=last or sheet.max_row,
                                                              max_col=6)]


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("headers", [
    ("Name", "Role", "Team", "Start date", "Soft skills"),
    ("full name", "TITLE", "Department", "Hire Date", "People skills"),
    ("Employee", "Job title", "Group", "date_hired", "Manager-ready"),
    ("Employee Name", "Position", "Org unit", "Joined", "Management potential"),
    ("PERSON", "job-title", "org. unit", "Joining date", "soft_skills"),
    (" Name ", "role:", "team", "Start", "SOFT   SKILLS"),
])
def test_header_synonyms_ignoring_case_spaces_and_punctuation(headers):
    roster = parse(list(headers), ["Ana Li", "Research Engineer", "Evals", "2024-01-15", "yes"])
    assert roster.people == [Person(None, dt.date(2024, 1, 15), True, "line 2", "Ana Li", "Research Engineer", "Evals")]
    assert roster.columns == dict(zip(("name", "role", "team", "start", "soft"), (h.strip() for h in headers)))


def test_extra_columns_are_ignored_and_listed_and_a_missing_soft_skills_column_is_false():
    roster = parse(["Employee ID", "Name", "Email", "Role", "Start date"],
                   ["17", "Ana Li", "ana@example.org", "Research Engineer", "2024-01-15"])
    assert roster.people[0].soft_skills is False and roster.people[0].team is None
    assert "ignored columns: Employee ID, Email" in roster.notes
    assert "no Soft skills column: Soft skills set to FALSE for everyone" in roster.notes
    assert "no Team column: Team left blank" in roster.notes


@pytest.mark.parametrize("missing", ["Name", "Role", "Start date"])
def test_a_missing_required_column_is_named_with_the_headers_found(missing):
    headers = [h for h in HEADER if h != missing] + ["Email"]
    with pytest.raises(RosterFileError) as error:
        parse(headers, ["x"] * len(headers))
    message = str(error.value)
    assert f"no {missing} column" in message
    assert "headers found in line 1: " + ", ".join(repr(h) for h in headers) in message


def test_a_column_found_twice_is_refused_naming_both():
    with pytest.raises(RosterFileError, match=r"line 1: columns A 'Name' and C 'Employee' are all Name"):
        parse(["Name", "Role", "Employee", "Start date"], ["a", "b", "c", "2024-01-01"])


def test_the_header_may_follow_a_title_row():
    roster = parse(["HR export 2026-06-30"], [], HEADER, ["Ana Li", "Research Engineer", "Evals", "2024-01-15", "y"])
    assert [p.label for p in roster.people] == ["line 4"]
    assert "header found in line 3" in roster.notes


def test_an_empty_file_and_a_header_without_people_are_errors():
    with pytest.raises(RosterFileError, match="hr.csv: the file is empty"):
        parse([], ["", " "])
    with pytest.raises(RosterFileError, match=r"hr.csv: no people below the header \(line 1\)"):
        parse(HEADER, ["", "", "", "", ""])


# ---------------------------------------------------------------- values

@pytest.mark.parametrize("text, expected", [
    ("2024-01-15", dt.date(2024, 1, 15)),
    ("2024-1-5", dt.date(2024, 1, 5)),
    ("2024/01/15", dt.date(2024, 1, 15)),
    ("15/01/2024", dt.date(2024, 1, 15)),
    ("01/15/2024", dt.date(2024, 1, 15)),
    ("15-01-2024", dt.date(2024, 1, 15)),
    ("15.01.2024", dt.date(2024, 1, 15)),
    ("05.03.2024", dt.date(2024, 3, 5)),  # dots: always day first
    ("15 Jan 2024", dt.date(2024, 1, 15)),
    ("15 January 2024", dt.date(2024, 1, 15)),
    ("15-Jan-2024", dt.date(2024, 1, 15)),
    ("Jan 15, 2024", dt.date(2024, 1, 15)),
    ("September 3, 2024", dt.date(2024, 9, 3)),
    ("2024-01-15 00:00:00", dt.date(2024, 1, 15)),
    ("07/07/2024", dt.date(2024, 7, 7)),  # day and month equal: either order
    ("2031-09-01", dt.date(2031, 9, 1)),  # joining in the future is allowed
])
def test_each_date_format(text, expected):
    assert parse(HEADER, ["Ana", "Research Engineer", "", text, ""]).people[0].start_date == expected


def start_dates(texts, **options):
    lines = [["p" + str(i), "Research Engineer", "", text, ""] for i, text in enumerate(texts)]
    return [p.start_date for p in parse(HEADER, *lines, **options).people]


def test_day_first_is_decided_by_a_first_part_above_12():
    roster = parse(HEADER, ["a", "R", "", "03/04/2024", ""], ["b", "R", "", "15/01/2024", ""])
    assert [p.start_date for p in roster.people] == [dt.date(2024, 4, 3), dt.date(2024, 1, 15)]
    assert "dates read day-first ('15/01/2024' in line 3 can only be day-first)" in roster.notes


def test_month_first_is_decided_by_a_second_part_above_12():
    assert start_dates(["03/04/2024", "01/15/2024"]) == [dt.date(2024, 3, 4), dt.date(2024, 1, 15)]


def test_day_first_and_month_first_in_one_column_is_an_error():
    with pytest.raises(RosterProblems) as error:
        start_dates(["15/01/2024", "01/15/2024"])
    assert str(error.value) == ("hr.csv, column 'Start date': some dates are day-first ('15/01/2024', line 2) "
                                "and some month-first ('01/15/2024', line 3); make them consistent")


def test_an_undecidable_column_asks_for_day_first_or_month_first():
    with pytest.raises(RosterProblems) as error:
        start_dates(["03/04/2024", "2024-05-06", "11/12/2023"])
    assert str(error.value) == ("hr.csv, column 'Start date': cannot tell whether dates like '03/04/2024' "
                                "(line 2) are day-first or month-first: no day in the column is above 12; "
                                "give --day-first or --month-first")
    assert start_dates(["03/04/2024", "11/12/2023"], date_order="day") == [dt.date(2024, 4, 3), dt.date(2023, 12, 11)]
    assert start_dates(["03/04/2024", "11/12/2023"], date_order="month") == [dt.date(2024, 3, 4), dt.date(2023, 11, 12)]


def test_a_given_order_that_a_date_contradicts_names_that_date():
    with pytest.raises(RosterProblems, match=r"line 2, column 'Start date': \"01/15/2024\" is not a date "
                                             r"\(read day-first\): month must be in 1..12"):
        start_dates(["01/15/2024"], date_order="day")


@pytest.mark.parametrize("text, message", [
    ("45306", "is a number, not a date (an Excel serial number is not accepted from a CSV file"),
    ("31/02/2024", "is not a date (read day-first): day is out of range for month"),
    ("2024-13-01", "is not a date: month must be in 1..12"),
    ("15/01/24", "has a two-digit year"),
    ("1949-12-31", "is out of range: a start date must be from 1950 to 2100"),
    ("2101-01-01", "is out of range: a start date must be from 1950 to 2100"),
    ("next Monday", "is not a date; valid: a date like 2024-01-15, 15/01/2024, 15.01.2024, 15 Jan 2024 or "
                    "Jan 15, 2024"),
    ("15 Jnu 2024", "has no month 'jnu'"),
    ("2024-01-15 09:30", "has a time of day (09:30); give the date only"),
])
def test_a_bad_date_names_line_column_value_and_what_is_valid(text, message):
    with pytest.raises(RosterProblems) as error:
        parse(["Name", "Role", "Hire date"], ["Ana", "R", "20/01/2024"], ["Bo", "R", text])
    assert str(error.value).startswith(f"hr.csv line 3, column 'Hire date': \"{text}\" ")
    assert message in str(error.value)


@pytest.mark.parametrize("text, expected", [
    ("TRUE", True), ("false", False), ("Yes", True), ("no", False), ("y", True), ("N", False),
    ("1", True), ("0", False), ("x", True), ("X", True), ("", False), ("  ", False)])
def test_soft_skills_values(text, expected):
    assert parse(HEADER, ["Ana", "R", "T", "2024-01-15", text]).people[0].soft_skills is expected


def test_every_bad_value_is_collected_and_the_first_shown_with_the_count_of_the_rest():
    with pytest.raises(RosterProblems) as error:
        parse(["Name", "Job title", "Dept", "Start date", "Manager ready"],
              ["", "Research Engineer", "Evals", "2024-01-15", "yes"],
              ["Bo", " ", "Evals", "2024-01-15", "maybe"],
              ["Cy", "Research Engineer", "Evals", "", "no"])
    problems = [str(p) for p in error.value.problems]
    assert problems == [
        "hr.csv line 2, column 'Name': a blank cell: every person needs a Name",
        "hr.csv line 3, column 'Job title': a blank cell: every person needs a Role",
        "hr.csv line 3, column 'Manager ready': \"maybe\" is not a yes/no value; valid: TRUE/FALSE, yes/no, "
        "y/n, 1/0, or x/blank",
        "hr.csv line 4, column 'Start date': a blank cell: every person needs a Start date; valid: a date like "
        "2024-01-15, 15/01/2024, 15.01.2024, 15 Jan 2024 or Jan 15, 2024",
    ]
    assert str(error.value) == "4 problems: " + "; ".join(problems)  # every one, in one line


def test_names_and_roles_are_trimmed_and_blank_rows_skipped_and_counted():
    roster = parse(HEADER, ["  Ana Li ", " Research Engineer", " Evals ", "2024-01-15", ""], ["", "", ""], [],
                   ["Bo", "People Manager", "", "2024-01-15", ""])
    assert [(p.name, p.role, p.team, p.label) for p in roster.people] == [
        ("Ana Li", "Research Engineer", "Evals", "line 2"), ("Bo", "People Manager", None, "line 5")]
    assert "trimmed spaces around 3 values" in roster.notes and "skipped 2 blank lines" in roster.notes


def test_formula_like_text_is_kept_exactly():
    hostile = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x","y")', "\t=1"]
    roster = parse(HEADER, *[[text, text, text, "2024-01-15", ""] for text in hostile])
    assert [(p.name, p.role, p.team) for p in roster.people] == [(t, t, t) for t in hostile]


def test_duplicates_name_the_rows():
    problems = duplicate_problems([("line 5", "Ana Li"), ("line 6", "Bo"), ("line 9", "ana  LI"),
                                      ("line 12", "AnaLi")], "hr.csv")
    assert [str(p) for p in problems] == [
        "hr.csv: lines 5, 9 and 12: 'Ana Li' 3 times (the same name, ignoring case and spaces); use "
        "--allow-duplicates if they are different people"]
    assert str(duplicate_problems([("Staff row 7", "Bo"), ("line 2", "bo")], "x")[0]).startswith(
        "x: Staff row 7 and line 2: 'Bo' twice")


# ---------------------------------------------------------------- files

def test_csv_with_a_bom_semicolons_and_a_quoted_field(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes("\ufeffName;Role;Start date\r\n\"Li; Ana\";Research Engineer;15.01.2024\r\n".encode())
    roster = read_roster(path)
    assert roster.people == [Person(None, dt.date(2024, 1, 15), False, "line 2", "Li; Ana", "Research Engineer", None)]
    assert roster.columns["name"] == "Name"  # the BOM is not part of the header
    assert "columns separated by semicolons" in roster.notes


def test_csv_tab_separated(tmp_path):
    path = write_csv(tmp_path / "hr.csv", [HEADER, ["Ana", "Research Engineer", "Evals", "2024-01-15", "1"]], "\t")
    assert read_roster(path).people[0].team == "Evals"


def test_csv_in_windows_1252_is_read_and_said(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes("Name,Role,Start date\nJosé Müller,Research Engineer €,2024-01-15\n".encode("cp1252"))
    roster = read_roster(path)
    assert (roster.people[0].name, roster.people[0].role) == ("José Müller", "Research Engineer €")
    assert roster.notes[0] == "read as Windows-1252 (not UTF-8)"


def test_csv_line_numbers_count_lines_inside_quoted_fields(tmp_path):
    path = write_csv(tmp_path / "hr.csv", [HEADER, ["Ana\nLi", "R", "", "2024-01-15", ""],
                                           ["Bo", "R", "", "soon", ""]])
    with pytest.raises(RosterProblems, match=r"hr.csv line 4, column 'Start date': \"soon\" is not a date"):
        read_roster(path)


@pytest.mark.parametrize("name", ["roster.xls", "roster.txt", "roster.json", "roster"])
def test_other_file_types_are_refused_naming_the_suffix(tmp_path, name):
    path = tmp_path / name
    path.write_text("Name,Role,Start date\n")
    suffix = Path(name).suffix or "a file without a suffix"
    with pytest.raises(RosterFileError) as error:
        read_roster(path)
    assert str(error.value) == f"{path}: cannot read {suffix} files; give a .csv, .xlsx or .xlsm roster"


def test_an_excel_roster_with_real_dates_on_a_named_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Readme"
    book.active["A1"] = "the roster is on HR"
    sheet = book.create_sheet("HR")
    sheet.append(["Export of 2026-06-30"])
    sheet.append([])
    sheet.append(["Employee", "Title", "Department", "Hire date", "Manager ready"])
    sheet.append(["Ana Li", "Research Engineer", "Evals", dt.datetime(2024, 1, 15), True])
    sheet.append(["Bo Wu", "People Manager", 42, dt.date(2021, 3, 1), 0])
    sheet.append(["Cy", "Research Lead", None, "15 Jan 2019", "x"])
    path = tmp_path / "hr.xlsx"
    book.save(path)
    roster = read_roster(path, sheet="hr")
    assert [(p.name, p.role, p.team, p.start_date, p.soft_skills, p.label) for p in roster.people] == [
        ("Ana Li", "Research Engineer", "Evals", dt.date(2024, 1, 15), True, "row 4"),
        ("Bo Wu", "People Manager", "42", dt.date(2021, 3, 1), False, "row 5"),
        ("Cy", "Research Lead", None, dt.date(2019, 1, 15), True, "row 6")]
    with pytest.raises(RosterFileError, match=r"no Name or Role or Start date column \(headers found in row 1: "
                                              r"'the roster is on HR'\)"):
        read_roster(path)  # the first sheet
    with pytest.raises(RosterFileError, match=r"no sheet 'Staff' \(sheets: Readme, HR\)"):
        read_roster(path, sheet="Staff")


def test_an_excel_roster_names_sheet_row_and_column_of_a_bad_value(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["Ana", "Research Engineer", "Evals", 45306, True])  # a number, not formatted as a date
    sheet.append(["Bo", "Research Engineer", "Evals", dt.datetime(2024, 1, 15, 9, 30), "sometimes"])
    path = tmp_path / "hr.xlsx"
    book.save(path)
    with pytest.raises(RosterProblems) as error:
        read_roster(path)
    assert [str(p) for p in error.value.problems] == [
        f"{path} row 2, column 'Start date': 45306 is a number, not a date (is the column formatted as a date "
        "in the spreadsheet?); valid: a date like 2024-01-15, 15/01/2024, 15.01.2024, 15 Jan 2024 or Jan 15, 2024",
        f"{path} row 3, column 'Start date': the date 2024-01-15 has a time of day (09:30); give the date only",
        f"{path} row 3, column 'Soft skills': \"sometimes\" is not a yes/no value; valid: TRUE/FALSE, yes/no, "
        "y/n, 1/0, or x/blank"]


# ---------------------------------------------------------------- writing: what changes

@pytest.fixture
def imported(tmp_path):
    """A 3-person CSV imported into a copy of the template."""
    roster = write_csv(tmp_path / "hr.csv", [
        ["Employee", "Job title", "Department", "Hire date", "Manager ready", "Email"],
        ["Ana Li", "Research Engineer", "Evals", "15/01/2024", "yes", "ana@example.org"],
        ["Bo Wu", "People Manager", "", "03/04/2023", "", "bo@example.org"],
        ["Cy Oh", "Research Lead", "Control", "2019-09-02", "no", ""]])
    book = template_copy(tmp_path)
    out = tmp_path / "out.xlsx"
    result = import_roster(roster, book, out)
    return {"result": result, "book": book, "out": out, "roster": roster}


def test_the_summary_says_what_was_imported_and_how(imported):
    result = imported["result"]
    assert result.summary().splitlines()[0] == (
        f"imported 3 people from {imported['roster']} into {imported['out']} (Staff!A5:F7); "
        f"run `talentneeds compute {imported['out']}` for the numbers")
    assert "ignored column: Email" in result.notes
    assert "replaced the template's example roster (20 people)" in result.notes
    assert "dates read day-first ('15/01/2024' in line 2 can only be day-first)" in result.notes


def test_the_people_are_in_the_table_with_its_styles_and_formula(imported):
    assert staff_values(imported["out"], 4, 8) == [
        ["Name", "Role", "Team", "Start date", "Soft skills", "Archetype"],
        ["Ana Li", "Research Engineer", "Evals", dt.datetime(2024, 1, 15), True, "=" + FORMULA],
        ["Bo Wu", "People Manager", None, dt.datetime(2023, 4, 3), False, "=" + FORMULA],
        ["Cy Oh", "Research Lead", "Control", dt.datetime(2019, 9, 2), False, "=" + FORMULA],
        [None] * 6]
    sheet = openpyxl.load_workbook(imported["out"])["Staff"]
    template = openpyxl.load_workbook(TEMPLATE)["Staff"]
    for row in (5, 6, 7):
        for col in "ABCDEF":
            assert sheet[f"{col}{row}"].style_id == template[f"{col}5"].style_id
    assert sheet["D5"].number_format == "yyyy-mm-dd"
    assert sheet.tables["Staff"].ref == "A4:F7"
    assert sheet.tables["Staff"].autoFilter.ref == "A4:F7"


def test_only_the_staff_sheet_its_table_and_the_workbook_part_change(imported):
    before, after = members(imported["book"]), members(imported["out"])
    assert list(before) == list(after)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["xl/tables/table2.xml", "xl/workbook.xml", STAFF_SHEET]
    xml = after[STAFF_SHEET].decode()
    assert '<dimension ref="A1:F7" />' in xml
    old = before[STAFF_SHEET].decode().replace('<dimension ref="A1:F24" />', '<dimension ref="A1:F7" />')
    assert xml[:xml.index('<row r="5">')] == old[:old.index('<row r="5">')]  # header and above as they were
    assert xml[xml.index("</sheetData>"):] == old[old.index("</sheetData>"):]
    assert re.findall(r"<row r=\"(\d+)\"", xml) == ["1", "2", "4", "5", "6", "7"]
    assert re.search(rb"<calcPr [^>]*fullCalcOnLoad=\"1\"", after["xl/workbook.xml"])
    assert after["xl/workbook.xml"].replace(b' fullCalcOnLoad="1"', b"") == before["xl/workbook.xml"]
    table = after[STAFF_TABLE].decode()
    assert table == before[STAFF_TABLE].decode().replace('ref="A4:F24"', 'ref="A4:F7"')
    assert '<calculatedColumnFormula>' + FORMULA in table


def test_the_input_workbook_is_not_touched_when_writing_a_copy(imported):
    assert imported["book"].read_bytes() == TEMPLATE.read_bytes()


def test_into_the_workbook_itself_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    book = template_copy(folder)
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *people(4)])
    result = import_roster(roster, book)
    assert result.written == str(book) and result.cells == "Staff!A5:F8"
    assert sorted(p.name for p in folder.iterdir()) == ["book.xlsx"]
    assert [r[0] for r in staff_values(book, 5, 9)] == ["Person 000", "Person 001", "Person 002", "Person 003", None]


def test_a_failed_import_leaves_the_workbook_as_it_was(tmp_path):
    book = template_copy(tmp_path)
    roster = write_csv(tmp_path / "hr.csv", [HEADER, ["Ana", "R", "", "someday", ""]])
    with pytest.raises(RosterProblems):
        import_roster(roster, book)
    assert book.read_bytes() == TEMPLATE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "hr.csv"]


# ---------------------------------------------------------------- formula injection

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x","y")', "\t=1", "\r+2"]


def test_formula_like_text_is_stored_as_text_never_as_a_formula(tmp_path):
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *[[t, t, t, "2024-01-15", ""] for t in HOSTILE]])
    out = tmp_path / "out.xlsx"
    result = import_roster(roster, template_copy(tmp_path), out)
    assert f"stored {3 * len(HOSTILE)} texts starting with =, +, -, @ or a tab as text, never as a formula" \
        in result.notes
    xml = sheet_xml(out)
    for row in range(5, 5 + len(HOSTILE)):
        for col in "ABC":
            cell = re.search(rf'<c r="{col}{row}"[^>]*>(.*?)</c>', xml, re.DOTALL)
            assert 't="inlineStr"' in cell.group(0) and "<f>" not in cell.group(1)
        assert re.search(rf'<c r="F{row}"[^>]*><f>', xml)  # the Archetype formula, as in every row
    sheet = openpyxl.load_workbook(out)["Staff"]
    example = openpyxl.load_workbook(TEMPLATE)["Staff"]["A5"]
    assert not example.quotePrefix
    for offset, text in enumerate(HOSTILE):
        for col in "ABC":
            cell = sheet[f"{col}{5 + offset}"]
            assert (cell.value, cell.data_type) == (text, "s")
            assert cell.quotePrefix  # Excel keeps it text when the cell is edited
            # otherwise still the column's input style: fill, font, unlocked
            assert (cell.fill.fgColor.rgb, cell.font.color.rgb, cell.protection.locked) == (
                example.fill.fgColor.rgb, example.font.color.rgb, False)
    assert not sheet["A4"].quotePrefix and not sheet["D5"].quotePrefix


def test_quote_prefixed_styles_are_added_once_and_reused(tmp_path):
    roster = write_csv(tmp_path / "hr.csv", [HEADER, ["=a", "=b", "", "2024-01-15", ""],
                                             ["=c", "R", "", "2024-01-15", ""]])
    out = tmp_path / "out.xlsx"
    import_roster(roster, template_copy(tmp_path), out)
    styles = members(out)["xl/styles.xml"].decode()
    before = members(TEMPLATE)["xl/styles.xml"].decode()
    assert styles.count("<xf ") == before.count("<xf ") + 1
    cell_xfs = styles[styles.index("<cellXfs"):styles.index("</cellXfs>")]
    xfs = re.findall(r"<xf [^>]*?(?:/>|>.*?</xf>)", cell_xfs)
    assert xfs[-1] == xfs[4].replace('quotePrefix="0"', 'quotePrefix="1"')  # a copy of the Name column's style
    assert re.findall(r'<c r="A5" s="(\d+)"', sheet_xml(out)) == [str(len(xfs) - 1)]
    assert re.search(r'<cellXfs count="(\d+)"', styles).group(1) == str(int(re.search(
        r'<cellXfs count="(\d+)"', before).group(1)) + 1)
    out2 = tmp_path / "out2.xlsx"  # importing into the result again reuses the added style
    import_roster(roster, out, out2, existing="replace")
    assert members(out2)["xl/styles.xml"] == members(out)["xl/styles.xml"]


# ---------------------------------------------------------------- the table grows and shrinks

def with_user_cells(path, cells):
    """The workbook with cells added to the Staff sheet ({"H10": "text"}), as a user would."""
    parts = members(path)
    xml = parts[STAFF_SHEET].decode()
    for ref, text in cells.items():
        row = int(re.sub(r"\D", "", ref))
        cell = f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
        match = re.search(rf'<row r="{row}">.*?</row>', xml)
        if match:
            xml = xml[:match.end() - len("</row>")] + cell + xml[match.end() - len("</row>"):]
        else:
            xml = xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')
    parts[STAFF_SHEET] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_shorter_roster_frees_the_rows_but_keeps_cells_outside_the_table(tmp_path):
    book = with_user_cells(template_copy(tmp_path), {"H10": "my note", "G24": "last"})
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *people(3)])
    out = tmp_path / "out.xlsx"
    import_roster(roster, book, out)
    sheet = openpyxl.load_workbook(out)["Staff"]
    assert sheet["H10"].value == "my note" and sheet["G24"].value == "last"
    assert all(sheet[f"{c}{r}"].value is None for r in range(8, 25) for c in "ABCDEF")
    xml = sheet_xml(out)
    assert re.findall(r'<row r="(\d+)"', xml) == ["1", "2", "4", "5", "6", "7", "10", "24"]
    assert '<row r="10"><c r="H10" t="inlineStr"><is><t>my note</t></is></c></row>' in xml
    assert '<dimension ref="A1:H24" />' in xml
    assert sheet.tables["Staff"].ref == "A4:F7"


def test_a_longer_roster_grows_the_table_past_cells_beside_it(tmp_path):
    book = with_user_cells(template_copy(tmp_path), {"H40": "beside"})
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *people(50)])
    out = tmp_path / "out.xlsx"
    result = import_roster(roster, book, out)
    assert result.cells == "Staff!A5:F54"
    sheet = openpyxl.load_workbook(out)["Staff"]
    assert sheet.tables["Staff"].ref == "A4:F54"
    assert sheet["H40"].value == "beside" and sheet["A40"].value == "Person 035"
    assert sheet["F54"].value == "=" + FORMULA and sheet["A55"].value is None
    assert '<dimension ref="A1:H54" />' in sheet_xml(out)


def test_growing_over_a_non_empty_cell_is_refused_naming_it(tmp_path):
    book = with_user_cells(template_copy(tmp_path), {"C40": "Total", "A60": "later"})
    original = book.read_bytes()
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *people(50)])
    with pytest.raises(StaffTableError) as error:
        import_roster(roster, book)
    assert str(error.value) == (f"{book}: the Staff table would grow to row 54 over the non-empty cell "
                                "Staff!C40; move what is below the table out of the way (or import into a copy "
                                "of the template)")
    assert book.read_bytes() == original


def test_a_calculation_chain_naming_removed_formulas_is_dropped(tmp_path):
    book = template_copy(tmp_path)
    parts = members(book)
    parts["xl/calcChain.xml"] = (b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                 b'<c r="F24" i="4"/></calcChain>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/calcChain" Target="calcChain.xml" Id="rId99" /></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    out = tmp_path / "out.xlsx"
    import_roster(write_csv(tmp_path / "hr.csv", [HEADER, *people(2)]), book, out)
    after = members(out)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]
    assert after["xl/_rels/workbook.xml.rels"] == members(TEMPLATE)["xl/_rels/workbook.xml.rels"]
    openpyxl.load_workbook(out)  # still a valid package


# ---------------------------------------------------------------- the roster already there

def test_the_users_own_roster_is_never_replaced_silently(tmp_path):
    book = template_copy(tmp_path)
    import_roster(write_csv(tmp_path / "first.csv", [HEADER, *people(3)]), book)
    mine = book.read_bytes()
    second = write_csv(tmp_path / "second.csv", [HEADER, ["Zoe", "Research Engineer", "", "2025-05-05", ""]])
    with pytest.raises(StaffTableError) as error:
        import_roster(second, book)
    assert str(error.value) == (f"{book}: the Staff table already holds 3 people who are not the template's "
                                "example (first \"Person 000\" in Staff row 5); give --replace to replace them or "
                                "--append to add the roster after them")
    assert book.read_bytes() == mine

    replaced = tmp_path / "replaced.xlsx"
    result = import_roster(second, book, replaced, existing="replace")
    assert "replaced the 3 people who were on Staff (--replace)" in result.notes
    assert [r[0] for r in staff_values(replaced, 5, 6)] == ["Zoe", None]

    appended = tmp_path / "appended.xlsx"
    result = import_roster(second, book, appended, existing="append")
    assert result.cells == "Staff!A8:F8"
    assert [r[0] for r in staff_values(appended, 5, 9)] == ["Person 000", "Person 001", "Person 002", "Zoe", None]
    assert openpyxl.load_workbook(appended)["Staff"].tables["Staff"].ref == "A4:F8"
    assert staff_values(appended, 5, 7) == staff_values(book, 5, 7)  # the kept rows as they were


def test_append_checks_duplicates_across_both(tmp_path):
    book = template_copy(tmp_path)
    import_roster(write_csv(tmp_path / "first.csv", [HEADER, *people(3)]), book)
    again = write_csv(tmp_path / "again.csv", [HEADER, ["person 001", "Research Engineer", "", "2025-05-05", ""]])
    with pytest.raises(RosterProblems) as error:
        import_roster(again, book, existing="append")
    assert str(error.value) == (f"{again} and {book}: Staff row 6 and line 2: 'Person 001' twice (the same name, "
                                "ignoring case and spaces); use --allow-duplicates if they are different people")
    result = import_roster(again, book, existing="append", allow_duplicates=True)
    assert any(n.startswith("kept 1 duplicate name (--allow-duplicates)") for n in result.notes)
    assert [r[0] for r in staff_values(book, 5, 8)] == ["Person 000", "Person 001", "Person 002", "person 001"]


def test_append_to_the_template_keeps_the_example(tmp_path):
    out = tmp_path / "out.xlsx"
    import_roster(write_csv(tmp_path / "hr.csv", [HEADER, *people(2)]), template_copy(tmp_path), out,
                  existing="append")
    names = [r[0] for r in staff_values(out, 5, 27)]
    assert names == [p[0] for p in examples.ROSTER] + ["Person 000", "Person 001", None]


def test_duplicates_in_the_roster_are_refused_naming_the_lines(tmp_path):
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *people(4), ["person  002", "R", "", "2024-01-01", ""]])
    with pytest.raises(RosterProblems, match=r"hr.csv: lines 4 and 6: 'Person 002' twice"):
        import_roster(roster, template_copy(tmp_path))


def test_an_existing_output_needs_force_and_must_keep_the_suffix(tmp_path):
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *people(2)])
    book = template_copy(tmp_path)
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"precious")
    with pytest.raises(RosterFileError, match="out.xlsx exists; use --force to overwrite it"):
        import_roster(roster, book, out)
    assert out.read_bytes() == b"precious"
    import_roster(roster, book, out, force=True)
    assert staff_values(out, 5, 5)[0][0] == "Person 000"
    with pytest.raises(RosterFileError, match=r"out.xlsm: the output must be a .xlsx file like the workbook"):
        import_roster(roster, book, tmp_path / "out.xlsm")


def test_a_workbook_without_a_staff_table_is_refused(tmp_path):
    book = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(book)
    with pytest.raises(StaffTableError, match="has no table named 'Staff'"):
        import_roster(write_csv(tmp_path / "hr.csv", [HEADER, *people(1)]), book)


def test_the_macro_enabled_template_keeps_its_vba_project(tmp_path):
    book = template_copy(tmp_path, MACRO_TEMPLATE)
    out = tmp_path / "out.xlsm"
    import_roster(write_csv(tmp_path / "hr.csv", [HEADER, *people(30)]), book, out)
    before, after = members(book), members(out)
    assert "xl/vbaProject.bin" in after
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["xl/tables/table2.xml", "xl/workbook.xml", STAFF_SHEET]
    assert openpyxl.load_workbook(out, keep_vba=True)["Staff"]["A34"].value == "Person 029"


# ---------------------------------------------------------------- round trip and scale

def test_round_trip_import_then_compute(tmp_path):
    records = people(50)
    records[7][1] = "Research Engineer"
    records[8][1] = "People Manager"
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *records])
    out = tmp_path / "out.xlsx"
    import_roster(roster, template_copy(tmp_path), out)
    from talentneeds.engines import compute

    computed = tmp_path / "computed.xlsx"
    compute(out, computed)
    book = openpyxl.load_workbook(computed, data_only=True)
    assert book["Checks"]["B18"].value is True
    staff = book["Staff"]
    assert (staff["B12"].value, staff["F12"].value) == ("Research Engineer", "Iterator")
    assert (staff["B13"].value, staff["F13"].value) == ("People Manager", "Amplifier")
    assert (staff["B8"].value, staff["F8"].value) == ("Research Lead", "Connector")
    assert staff["A54"].value == "Person 049" and staff["A55"].value is None
    assert staff.tables["Staff"].ref == "A4:F54"


def test_fifty_thousand_people_in_reasonable_time(tmp_path):
    roster = tmp_path / "hr.csv"
    with open(roster, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Employee", "Title", "Department", "Hire date", "Manager ready"])
        for i in range(50_000):
            writer.writerow([f"Person {i}", "Research Engineer" if i % 5 else "People Manager", f"Team {i % 97}",
                             f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2000 + i % 25}", "yes" if i % 3 == 0 else ""])
    out = tmp_path / "out.xlsx"
    started = time.perf_counter()
    result = import_roster(roster, template_copy(tmp_path), out)
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"{elapsed:.1f} s"
    assert result.cells == "Staff!A5:F50004"
    xml = sheet_xml(out)
    assert xml.count("<f>" + FORMULA + "</f>") == 50_000
    last = re.search(r'<row r="50004">.*?</row>', xml).group(0)
    i = 49_999  # 20/08/2024: day-first, decided by the days above 12
    serial = (dt.date(2000 + i % 25, 1 + i % 12, 1 + i % 28) - dt.date(1899, 12, 30)).days
    assert '<t>Person 49999</t>' in last and f'<c r="D50004" s="8"><v>{serial}</v></c>' in last
    assert '<dimension ref="A1:F50004" />' in xml


# ---------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_imported_workbook(tmp_path):
    roster = write_csv(tmp_path / "hr.csv", [HEADER, *people(3), ["=1+1", "@cmd", "-2+3", "2024-01-15", "x"]])
    out = tmp_path / "imported.xlsx"
    import_roster(roster, template_copy(tmp_path), out)
    profile = tmp_path / "profile"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"), str(out)],
        capture_output=True, text=True, timeout=180)
    converted = tmp_path / "lo" / "imported.xlsx"
    assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
    sheet = openpyxl.load_workbook(converted)["Staff"]
    assert [sheet[f"A{r}"].value for r in range(5, 10)] == ["Person 000", "Person 001", "Person 002", "=1+1", None]
    assert [(sheet[f"{c}8"].value, sheet[f"{c}8"].data_type) for c in "ABC"] == [
        ("=1+1", "s"), ("@cmd", "s"), ("-2+3", "s")]
    assert sheet["D5"].value == dt.datetime(2020, 1, 6)
    assert sheet.tables["Staff"].ref == "A4:F8"


def test_a_filtered_table_is_refused(tmp_path):
    book = template_copy(tmp_path)
    parts = members(book)
    parts[STAFF_TABLE] = parts[STAFF_TABLE].replace(
        b'<autoFilter ref="A4:F24" />',
        b'<autoFilter ref="A4:F24"><filterColumn colId="2"><filters><filter val="Evals"/></filters>'
        b'</filterColumn></autoFilter>')
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(StaffTableError, match="the Staff table has a filter on; clear it in Excel and import again"):
        import_roster(write_csv(tmp_path / "hr.csv", [HEADER, *people(2)]), book)


@pytest.mark.parametrize("before, after", [
    (b'<calcPr calcId="191029"/>', b'<calcPr calcId="191029" fullCalcOnLoad="1"/>'),
    (b'<calcPr calcId="1" fullCalcOnLoad="0"></calcPr>', b'<calcPr calcId="1" fullCalcOnLoad="1"></calcPr>'),
    (b'<calcPr fullCalcOnLoad="1"/>', b'<calcPr fullCalcOnLoad="1"/>'),
    (b"<extLst/>", b'<calcPr fullCalcOnLoad="1"/><extLst/>'),
    (b"", b'<calcPr fullCalcOnLoad="1"/>'),
])
def test_the_workbook_asks_for_a_full_recalculation_on_opening(before, after):
    def part(middle):
        return (b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
                b'<sheet name="A" sheetId="1"/></sheets>' + middle + b"</workbook>")
    assert recalculate_on_load(part(before)) == part(after)


def test_the_summary_quotes_a_path_for_the_shell():
    result = ImportResult(1, "hr.csv", "my plan.xlsx", "Staff!A5:F5", [])
    assert result.summary() == ("imported 1 person from hr.csv into my plan.xlsx (Staff!A5:F5); "
                                "run `talentneeds compute 'my plan.xlsx'` for the numbers")


def rewrite(path, changes):
    """The package at ``path`` with members changed by ``changes`` ({name: function of the bytes})."""
    parts = members(path)
    for name, change in changes.items():
        parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_formula_column_without_a_calculated_column_formula_keeps_its_formula(tmp_path):
    """LibreOffice saves a table without calculatedColumnFormula (and <f aca="false">): the
    formula every body row had goes into the new rows too."""
    book = rewrite(template_copy(tmp_path), {
        STAFF_TABLE: lambda xml: re.sub(rb"<calculatedColumnFormula>.*?</calculatedColumnFormula>", b"", xml),
        STAFF_SHEET: lambda xml: xml.replace(b"<f>", b'<f aca="false">')})
    out = tmp_path / "out.xlsx"
    result = import_roster(write_csv(tmp_path / "hr.csv", [HEADER, *people(25)]), book, out)
    assert "Staff column 'Archetype': the formula its rows had, in every imported row" in result.notes
    assert sheet_xml(out).count(f"<f>{FORMULA}</f>") == 25

    (tmp_path / "second").mkdir()
    differing = rewrite(template_copy(tmp_path / "second"), {
        STAFF_TABLE: lambda xml: re.sub(rb"<calculatedColumnFormula>.*?</calculatedColumnFormula>", b"", xml),
        STAFF_SHEET: lambda xml: xml.replace(b"<f>ARCHETYPE(", b"<f>UPPER(", 1)})
    out2 = tmp_path / "out2.xlsx"
    result = import_roster(write_csv(tmp_path / "hr.csv", [HEADER, *people(2)]), differing, out2)
    assert "Staff column 'Archetype' left blank for the imported people" in result.notes
    assert "<f>" not in sheet_xml(out2)


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) is not installed")
def test_a_template_saved_by_libreoffice_takes_a_roster(tmp_path):
    """Shared strings, rows with every attribute spelled out, no calculated-column formula."""
    profile = tmp_path / "profile"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"), str(TEMPLATE)],
        capture_output=True, text=True, timeout=180)
    saved = tmp_path / "lo" / "talent-needs.xlsx"
    assert done.returncode == 0 and saved.exists(), done.stdout + done.stderr
    assert "xl/sharedStrings.xml" in members(saved) and b"calculatedColumnFormula" not in b"".join(
        data for name, data in members(saved).items() if name.startswith("xl/tables/"))
    out = tmp_path / "out.xlsx"
    result = import_roster(write_csv(tmp_path / "hr.csv", [HEADER, *people(3)]), saved, out)
    assert "replaced the template's example roster (20 people)" in result.notes  # read through shared strings
    sheet = openpyxl.load_workbook(out)["Staff"]
    assert [sheet[f"A{r}"].value for r in range(4, 9)] == ["Name", "Person 000", "Person 001", "Person 002", None]
    assert sheet["F7"].value.lower() == "=" + FORMULA.lower()
    assert sheet.tables["Staff"].ref == "A4:F7"


def test_no_undecidable_date_is_ever_dropped():
    with pytest.raises(RosterProblems) as error:
        start_dates(["13/14/2024"])
    assert "\"13/14/2024\" is not a date: neither 13 nor 14 can be a month" in str(error.value)
    with pytest.raises(RosterProblems) as error:  # the conflict is reported, and the people are not imported
        start_dates(["15/01/2024", "01/15/2024", "03/04/2024"])
    assert len(error.value.problems) == 1 and "make them consistent" in str(error.value)


def test_values_in_columns_without_a_header_are_reported_as_ignored():
    roster = parse(["Name", "", "Role", "Start date"], ["Ana", "", "R", "2024-01-01"],
                   ["Bo", "", "R", "2024-01-01", "stray"], ["Cy", "note", "R", "2024-01-01"])
    assert "ignored values in columns without a header (first: line 3, column E)" in roster.notes
    assert len(roster.people) == 3
