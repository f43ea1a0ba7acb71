"""Nothing the user typed or saved is lost by ``talentneeds compute``: their own sheets,
formats, comments, extra columns and tables survive, input cells keep their values, text
that looks like a formula stays text -- also for a workbook last saved by LibreOffice.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.table import Table, TableColumn

from talentneeds import cli
from test_libreoffice import SOFFICE, libreoffice_round_trip

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "talent-needs.xlsx"
HOSTILE = ("=1+1", "+SUM(1,2)", "-2+3", "@SUM(1)", '=HYPERLINK("http://example.com","x")', "=cmd|' /C calc'!A0")


def with_user_additions(path: Path) -> Path:
    """The template as a user leaves it: a sheet of their own with a table and a formula,
    a comment, a fill, an extra column on Teams, and team names and roster fields that
    start like formulas (typed as text)."""
    workbook = load_workbook(TEMPLATE)
    notes = workbook.create_sheet("My notes")
    notes["A1"] = "Budget owner"
    notes["B1"] = "Dana"
    notes["A3"], notes["B3"] = "Item", "Cost"
    notes["A4"], notes["B4"] = "Offsite", 1200
    notes["A5"], notes["B5"] = "Laptops", 8000
    notes.add_table(Table(displayName="Budget", ref="A3:B5"))
    notes["D1"] = "=Needs!B3*2"
    teams = workbook["Teams"]
    teams["A5"].comment = Comment("confirmed with the board", "Dana")
    teams["B6"].fill = PatternFill("solid", fgColor="FF0000")
    table = teams.tables["Teams"]
    teams["E4"] = "Owner"
    for row, owner in zip(range(5, 8), ("Ana", "Ben", "Cy")):
        teams[f"E{row}"] = owner
    table.ref = table.autoFilter.ref = "A4:E7"
    table.tableColumns.append(TableColumn(id=5, name="Owner"))
    for cell, text in zip(("A6", "A7"), HOSTILE[:2]):
        teams[cell].value = text
        teams[cell].data_type = "s"
    staff = workbook["Staff"]
    for cell, text in zip(("A5", "C5", "A6", "C6"), HOSTILE[2:]):
        staff[cell].value = text
        staff[cell].data_type = "s"
    workbook.save(path)
    return path


def inputs(path: Path) -> dict:
    """Every cell that is not a formula, with its value and type."""
    workbook = load_workbook(path)
    return {(ws.title, c.coordinate): (c.value, c.data_type) for ws in workbook.worksheets
            for row in ws.iter_rows() for c in row if c.data_type != "f" and c.value is not None
            and not _in_array(ws, c.coordinate)}


def _in_array(ws, coordinate):
    from openpyxl.utils import range_boundaries
    col, row = range_boundaries(coordinate)[:2]
    return any(lo_c <= col <= hi_c and lo_r <= row <= hi_r
               for lo_c, lo_r, hi_c, hi_r in (range_boundaries(ref) for ref in ws.array_formulae.values()))


def compute(source: Path, target: Path, capsys) -> None:
    assert cli.main(["compute", str(source), "-o", str(target)]) == 0, capsys.readouterr().err


def test_user_additions_and_inputs_survive_a_compute(tmp_path, capsys):
    source = with_user_additions(tmp_path / "mine.xlsx")
    target = tmp_path / "mine-computed.xlsx"
    compute(source, target, capsys)
    assert inputs(target) == inputs(source)
    workbook = load_workbook(target)
    assert workbook.sheetnames[-1] == "My notes"
    assert "Budget" in workbook["My notes"].tables and workbook["My notes"]["D1"].value == "=Needs!B3*2"
    teams = workbook["Teams"]
    assert teams["A5"].comment.text == "confirmed with the board"
    assert teams["B6"].fill.fgColor.rgb == "00FF0000"
    assert teams.tables["Teams"].ref == "A4:E7"
    values = load_workbook(target, data_only=True)
    assert values["My notes"]["D1"].value == 6  # 3 new teams x 2, computed by our engine
    assert values["Checks"]["B18"].value is True
    # only the calculation settings and sheets that hold formulas changed; every other part is byte for byte
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(target) as after:
        assert before.namelist() == after.namelist()
        changed = {name for name in before.namelist() if before.read(name) != after.read(name)}
    assert "xl/comments/comment1.xml" not in changed and "xl/styles.xml" not in changed
    assert changed <= {"xl/workbook.xml"} | {n for n in before.namelist() if n.startswith("xl/worksheets/sheet")}


def test_text_that_looks_like_a_formula_stays_text(tmp_path, capsys):
    source = with_user_additions(tmp_path / "mine.xlsx")
    target = tmp_path / "mine-computed.xlsx"
    compute(source, target, capsys)
    workbook = load_workbook(target)
    texts = [workbook["Teams"][c] for c in ("A6", "A7")] + [workbook["Staff"][c] for c in ("A5", "C5", "A6", "C6")]
    assert [(c.value, c.data_type) for c in texts] == [(text, "s") for text in HOSTILE]
    with zipfile.ZipFile(target) as package:
        formulas = [f for n in package.namelist() if n.startswith("xl/worksheets/")
                    for f in re.findall(r"<f[^>]*>([^<]*)</f>", package.read(n).decode())]
    assert formulas and not [f for f in formulas if any(s in f for s in ("1+1", "SUM(1", "2+3", "HYPERLINK", "cmd|"))]
    # the roster still counts those people: names and teams are free text
    assert load_workbook(target, data_only=True)["Checks"]["B18"].value is True


pytestmark_lo = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytestmark_lo
def test_a_workbook_last_saved_by_libreoffice_computes_and_keeps_the_additions(tmp_path, capsys):
    saved = libreoffice_round_trip(with_user_additions(tmp_path / "mine.xlsx"), tmp_path)
    target = tmp_path / "saved-computed.xlsx"
    compute(saved, target, capsys)
    assert inputs(target) == inputs(saved)
    workbook = load_workbook(target)
    assert "My notes" in workbook.sheetnames and workbook["Teams"]["A5"].comment is not None
    values = load_workbook(target, data_only=True)
    assert values["My notes"]["D1"].value == 6
    assert [values["Needs"][f"{c}7"].value for c in "BCD"] == [3, 4.5, 6]  # TEAM_NEEDS: 1-2 Amplifiers x 3 teams
    assert values["Cohort"]["D13"].value == 30 and values["Checks"]["B18"].value is True
    assert values["Teams"]["A6"].value == HOSTILE[0]
