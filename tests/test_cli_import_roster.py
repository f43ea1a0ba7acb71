"""`talentneeds import-roster`, through main(argv): a summary on success, one line
`talentneeds: ...` and a non-zero exit for every user mistake, never a traceback."""

import csv
import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from talentneeds import cli

TEMPLATE = Path(__file__).resolve().parents[1] / "workbook_templates" / "talent-needs.xlsx"
HEADER = ["Name", "Role", "Team", "Start date", "Soft skills"]


def write_csv(path, records):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(records)
    return str(path)


def roster(folder, count=3, name="hr.csv"):
    return write_csv(Path(folder) / name, [HEADER] + [
        [f"Person {i}", "Research Engineer", "Evals", f"2023-0{1 + i % 9}-15", "yes"] for i in range(count)])


@pytest.fixture
def book(tmp_path):
    target = tmp_path / "plan.xlsx"
    shutil.copyfile(TEMPLATE, target)
    return str(target)


def names(path, first=5, last=8):
    sheet = openpyxl.load_workbook(path)["Staff"]
    return [sheet[f"A{r}"].value for r in range(first, last + 1)]


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("talentneeds: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0][len("talentneeds: "):]


def test_imports_into_the_workbook_itself_and_says_what_to_run_next(tmp_path, book, capsys):
    source = write_csv(tmp_path / "hr.csv", [["Employee", "Job title", "Hire date", "Badge"],
                                             ["Ana Li", "Research Engineer", "15/01/2024", "7"],
                                             ["Bo Wu", "People Manager", "02/03/2021", "8"]])
    assert cli.main(["import-roster", source, "--into", book]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"imported 2 people from {source} into {book} (Staff!A5:F6); "
                      f"run `talentneeds compute {book}` for the numbers")
    assert "  ignored column: Badge" in out
    assert "  no Soft skills column: Soft skills set to FALSE for everyone" in out
    assert "  no Team column: Team left blank" in out
    sheet = openpyxl.load_workbook(book)["Staff"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=7, max_col=5)] == [
        ["Ana Li", "Research Engineer", None, dt.datetime(2024, 1, 15), False],
        ["Bo Wu", "People Manager", None, dt.datetime(2021, 3, 2), False],
        [None] * 5]


def test_output_copy_refuses_an_existing_file_without_force(tmp_path, book, capsys):
    out = tmp_path / "copy.xlsx"
    out.write_bytes(b"keep me")
    source = roster(tmp_path)
    assert cli.main(["import-roster", source, "--into", book, "-o", str(out)]) == 1
    assert one_error_line(capsys) == f"{out} exists; use --force to overwrite it, or -o to choose another name"
    assert out.read_bytes() == b"keep me"
    assert cli.main(["import-roster", source, "--into", book, "-o", str(out), "--force"]) == 0
    assert f"into {out} (Staff!A5:F7)" in capsys.readouterr().out
    assert names(out) == ["Person 0", "Person 1", "Person 2", None]
    assert Path(book).read_bytes() == TEMPLATE.read_bytes()


def test_the_output_keeps_the_workbooks_suffix(tmp_path, book, capsys):
    assert cli.main(["import-roster", roster(tmp_path), "--into", book, "-o", str(tmp_path / "x.xlsm")]) == 1
    assert one_error_line(capsys) == f"{tmp_path / 'x.xlsm'}: the output must be a .xlsx file like the workbook"


def test_a_users_roster_needs_replace_or_append(tmp_path, book, capsys):
    assert cli.main(["import-roster", roster(tmp_path, 3), "--into", book]) == 0
    capsys.readouterr()
    second = write_csv(tmp_path / "new.csv", [HEADER, ["Zoe", "Research Lead", "", "2020-02-02", "no"]])
    assert cli.main(["import-roster", second, "--into", book]) == 1
    assert one_error_line(capsys).endswith("give --replace to replace them or --append to add the roster after them")
    assert cli.main(["import-roster", second, "--into", book, "--replace", "--append"]) == 1
    assert one_error_line(capsys) == "give either --replace or --append, not both"
    assert cli.main(["import-roster", second, "--into", book, "--append"]) == 0
    assert "(Staff!A8:F8)" in capsys.readouterr().out
    assert names(book) == ["Person 0", "Person 1", "Person 2", "Zoe"]
    assert cli.main(["import-roster", second, "--into", book, "--replace"]) == 0
    assert names(book) == ["Zoe", None, None, None]


def test_bad_values_are_all_printed_in_one_line(tmp_path, book, capsys):
    source = write_csv(tmp_path / "hr.csv", [HEADER, ["Ana", "R", "", "32/01/2024", "yes"],
                                             ["", "R", "", "2024-01-01", "maybe"]])
    assert cli.main(["import-roster", source, "--into", book]) == 1
    assert one_error_line(capsys) == (
        f"3 problems: {source} line 2, column 'Start date': \"32/01/2024\" is not a date (read day-first): day is "
        "out of range for month; valid: a date like 2024-01-15, 15/01/2024, 15.01.2024, 15 Jan 2024 or Jan 15, 2024; "
        f"{source} line 3, column 'Name': a blank cell: every person needs a Name; "
        f"{source} line 3, column 'Soft skills': \"maybe\" is not a yes/no value; valid: TRUE/FALSE, yes/no, y/n, "
        "1/0, or x/blank")
    assert Path(book).read_bytes() == TEMPLATE.read_bytes()


def test_more_than_twenty_bad_values_name_twenty_and_count_the_rest(tmp_path, book, capsys):
    # 25 people each with a Soft skills value that is no yes/no: lines 2 to 26
    source = write_csv(tmp_path / "hr.csv", [HEADER, *[[f"P{n}", "Research Engineer", "", "2024-01-01", "maybe"]
                                                       for n in range(25)]])
    assert cli.main(["import-roster", source, "--into", book]) == 1
    line = one_error_line(capsys)
    assert line.startswith(f"25 problems: {source} line 2, column 'Soft skills'") and line.endswith(" (and 5 more)")
    assert line.count('"maybe" is not a yes/no value') == 20 and f"{source} line 21," in line
    assert f"{source} line 22," not in line


def test_titles_the_catalogue_does_not_know_are_named_in_a_warning(tmp_path, book, capsys):
    titles = ["Chief Vibes Officer", "Chef", "Research Engineer", "Wizard", "Chef", "Head of Snacks", "Research Scientist"]
    source = write_csv(tmp_path / "hr.csv", [HEADER, *[[f"P{n}", title, "", "2024-01-01", "yes"]
                                                       for n, title in enumerate(titles)]])
    assert cli.main(["import-roster", source, "--into", book]) == 0
    out = capsys.readouterr().out
    # imported all the same (the user adds the titles on Roles); each unknown title once
    assert "imported 7 people" in out
    assert ('warning: 4 titles not in the catalogue on Roles: "Chief Vibes Officer", "Chef", "Wizard", '
            '"Head of Snacks"; add each on Roles with its archetype (Amplifier, Iterator, Connector or Not counted)'
            in out)


def test_ambiguous_dates_ask_for_an_order_and_accept_it(tmp_path, book, capsys):
    source = write_csv(tmp_path / "hr.csv", [HEADER, ["Ana", "Research Engineer", "", "03/04/2024", ""]])
    assert cli.main(["import-roster", source, "--into", book]) == 1
    assert "give --day-first or --month-first" in one_error_line(capsys)
    assert cli.main(["import-roster", source, "--into", book, "--day-first", "--month-first"]) == 1
    assert one_error_line(capsys) == "give either --day-first or --month-first, not both"
    assert cli.main(["import-roster", source, "--into", book, "--month-first"]) == 0
    assert openpyxl.load_workbook(book)["Staff"]["D5"].value == dt.datetime(2024, 3, 4)


def test_duplicates_are_refused_unless_allowed(tmp_path, book, capsys):
    source = write_csv(tmp_path / "hr.csv", [HEADER, ["Ana Li", "R", "", "2024-01-01", ""],
                                             ["Bo", "R", "", "2024-01-01", ""], ["ana li ", "R", "", "2024-01-01", ""]])
    assert cli.main(["import-roster", source, "--into", book]) == 1
    assert one_error_line(capsys) == (f"{source}: lines 2 and 4: 'Ana Li' twice (the same name, ignoring case and "
                                      "spaces); use --allow-duplicates if they are different people")
    assert cli.main(["import-roster", source, "--into", book, "--allow-duplicates"]) == 0
    assert names(book, 5, 7) == ["Ana Li", "Bo", "ana li"]


def test_an_excel_roster_and_its_sheet(tmp_path, book, capsys):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Notes"])
    sheet = workbook.create_sheet("People")
    sheet.append(["Full name", "Position", "Group", "Joined", "People skills"])
    sheet.append(["Ana Li", "People Manager", "Evals", dt.datetime(2022, 5, 9), True])
    source = tmp_path / "hr.xlsx"
    workbook.save(source)
    assert cli.main(["import-roster", str(source), "--into", book]) == 1
    assert "no Name or Role or Start date column" in one_error_line(capsys)
    assert cli.main(["import-roster", str(source), "--into", book, "--sheet", "People"]) == 0
    staff = openpyxl.load_workbook(book)["Staff"]
    assert [c.value for c in staff[5][:5]] == ["Ana Li", "People Manager", "Evals", dt.datetime(2022, 5, 9), True]


@pytest.mark.parametrize("argv, message", [
    (["import-roster", "{roster}"], "give the workbook to fill: import-roster ROSTER --into WORKBOOK"),
    (["import-roster", "{folder}/missing.csv", "--into", "{book}"], "{folder}/missing.csv: no such file"),
    (["import-roster", "{folder}/people.ods", "--into", "{book}"],
     "{folder}/people.ods: cannot read .ods files; give a .csv, .xlsx or .xlsm roster"),
    (["import-roster", "{roster}", "--into", "{folder}/nope.xlsx"], "{folder}/nope.xlsx: no such file"),
    (["import-roster", "{roster}", "--into", "{roster}"], "{roster}: not an Excel workbook: the name ends in '.csv'; give a .xlsx or .xlsm file"),
    (["import-roster", "{roster}", "--into", "{book}", "--force"],
     "--force is for overwriting an existing -o OUTPUT; without -o the workbook itself is updated"),
    (["import-roster", "{roster}", "--into", "{book}", "-o", "{book}", "--force"],
     "{book} is the workbook itself; leave out -o to import into the workbook"),
    (["import-roster", "{roster}", "--into", "{book}", "--sheet", "X"],
     "{roster}: --sheet is for Excel rosters; a CSV file has no sheets"),
])
def test_user_mistakes_are_one_line(tmp_path, book, capsys, argv, message):
    (tmp_path / "people.ods").write_bytes(b"PK")
    values = {"roster": roster(tmp_path), "book": book, "folder": str(tmp_path)}
    assert cli.main([a.format(**values) for a in argv]) == 1
    assert one_error_line(capsys) == message.format(**values)
    assert Path(book).read_bytes() == TEMPLATE.read_bytes()


def test_a_damaged_workbook_is_one_line(tmp_path, capsys):
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:  # a Staff sheet that is not XML
        with zipfile.ZipFile(TEMPLATE) as source:
            for info in source.infolist():
                payload = source.read(info.filename)
                if info.filename == "xl/worksheets/sheet4.xml":
                    payload = payload[:len(payload) // 2]
                archive.writestr(info, payload)
    assert cli.main(["import-roster", roster(tmp_path), "--into", str(broken)]) == 1
    assert one_error_line(capsys).startswith(f"{broken}: cannot read the workbook (")
    # the same damage in an Excel roster
    assert cli.main(["import-roster", str(broken), "--into", str(TEMPLATE), "--sheet", "Staff", "-o",
                     str(tmp_path / "out.xlsx")]) == 1
    assert one_error_line(capsys).startswith(f"{broken}: cannot read the sheet 'Staff' (")


def test_a_zip_bomb_or_a_non_workbook_is_refused_before_import(tmp_path, capsys):
    import zipfile

    from talentneeds.cli import main

    bomb = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))  # ratio ~1000
    workbook = tmp_path / "plan.xlsx"
    workbook.write_text("not a zip")
    assert main(["import-roster", str(bomb), "--into", str(workbook)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("talentneeds: ") and "\n" not in err and "plan.xlsx" in err
    import shutil
    shutil.copy(Path(__file__).resolve().parents[1] / "workbook_templates" / "talent-needs.xlsx", workbook)
    assert main(["import-roster", str(bomb), "--into", str(workbook)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("talentneeds: ") and "\n" not in err and "roster.xlsx" in err and "zip bomb" in err
