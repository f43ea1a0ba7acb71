"""Freezing our functions' cells to constants, for applications that lack them."""

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.engines.frozen import freeze_our_functions, functions_called

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "talent-needs.xlsx"


def test_functions_called():
    assert functions_called("=ROUNDUP(TEAM_NEEDS(B3,TRUE),0)+sum(A1:A2)") == {"ROUNDUP", "TEAM_NEEDS", "SUM"}
    assert functions_called("=A1+1") == set()
    assert functions_called('="unterminated') == set()


def test_our_cells_become_constants_and_the_rest_stays(tmp_path):
    out = tmp_path / "frozen.xlsx"
    native = freeze_our_functions(TEMPLATE, out)
    formulas, values = load_workbook(out), load_workbook(out, data_only=True)
    needs = formulas["Needs"]
    # TEAM_NEEDS over A6:D9 and AMPLIFIER_HIRES in C17 are now the values worked out by hand
    assert [[c.value for c in row] for row in needs["A6:D9"]] == [
        ["Archetype", "Low", "Mid", "High"], ["Amplifier", 3, 4.5, 6], ["Iterator", 15, 22.5, 30],
        ["Connector", 0, 0, 0]]
    assert needs["C17"].value == 1.5
    assert formulas["Staff"]["F5"].value == values["Staff"]["F5"].value == "Connector"  # Research Lead
    # native formulas keep their text and their stored value
    assert needs["B3"].value == "=SUM(Teams[Count])" and native[("Needs", "B3")] == 3
    assert formulas["Checks"]["B18"].value.startswith("=AND(") and native[("Checks", "B18")] is True
    # the only array formulas left are native: the Fast growth schedule's (=Schedule[Quarter] and IF)
    assert [(ws.title, c.coordinate, c.value.text) for ws in formulas.worksheets for row in ws.iter_rows()
            for c in row if isinstance(c.value, ArrayFormula)] == [
        ("Plan", "AD5", "=Schedule[Quarter]"),
        ("Plan", "AE5", '=IF(Schedule[Quarter]="","",Schedule[New teams]*FastGrowth)')]
    with zipfile.ZipFile(TEMPLATE) as before, zipfile.ZipFile(out) as after:
        assert after.namelist() == before.namelist()
        charts = [n for n in before.namelist() if n.startswith("xl/charts/")]
        assert len(charts) == 5 and all(before.read(n) == after.read(n) for n in charts)
