"""A real spreadsheet engine opens the template and the computed demo: LibreOffice headless.

`.ci/run` installs LibreOffice; where it is absent (a developer machine) these tests
skip with that reason.

LibreOffice is told to recalculate every formula on loading (its own default for .xlsx is
to trust the stored values, which would make any comparison with ours one that cannot
fail). Our functions do not exist in LibreOffice, so for the value comparison the cells
that call them are frozen to the values we computed (``engines.frozen``); every other formula -- Excel's
own functions over those values and the inputs -- is then computed by LibreOffice and
must equal what our engine stored.
"""

import math
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from talentneeds import cli
from talentneeds.engines.frozen import freeze_our_functions
from talentneeds.workbook.builder import build_template

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"),
                                reason="LibreOffice (soffice) is not installed")

ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def test_ci_has_libreoffice():
    """In CI a missing LibreOffice is a failure, never a silent skip."""
    assert SOFFICE is not None


def libreoffice_round_trip(source: Path, folder: Path) -> Path:
    """Open ``source`` in LibreOffice, recalculate every formula, save it as .xlsx in ``folder``."""
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE)
    out = folder / "out"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180)
    result = out / f"{source.stem}.xlsx"
    assert done.returncode == 0 and result.exists(), done.stdout + done.stderr
    return result


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    source = build_template(folder / "talent-needs.xlsx")
    return source, libreoffice_round_trip(source, folder)


@pytest.fixture(scope="module")
def macro_enabled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("macro-enabled")
    source = build_template(folder / "talent-needs.xlsm")
    return source, libreoffice_round_trip(source, folder)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    source = folder / "talent-plan-demo.xlsx"
    assert cli.main(["demo", "-o", str(source)]) == 0
    return source, libreoffice_round_trip(source, folder)


def differences(ours: dict, saved: Path) -> dict:
    theirs = openpyxl.load_workbook(saved, data_only=True)
    differ = {}
    for (sheet, cell), value in ours.items():
        other = theirs[sheet][cell].value
        same = (math.isclose(value, other, rel_tol=1e-12, abs_tol=1e-12)
                if isinstance(value, (int, float)) and not isinstance(value, bool)
                and isinstance(other, (int, float)) and not isinstance(other, bool)
                else value == other)
        if not same:
            differ[(sheet, cell)] = (value, other)
    return differ


def validated_cells(ws) -> dict:
    """Every validated cell with its rule. By cell, not by count: LibreOffice 25.2 saves
    cells that share a rule as one validation over several ranges, and writes a second
    formula ("0") where the rule has one: compared only where the rule uses it."""
    rules = {}
    for rule in ws.data_validations.dataValidation:
        operator = rule.operator or "between"
        two = rule.type in ("whole", "decimal", "date", "time", "textLength") and operator in ("between", "notBetween")
        for cell_range in rule.sqref.ranges:
            for cell in cell_range.cells:
                rules[cell] = (rule.type, operator if rule.type != "custom" else None, rule.formula1,
                               rule.formula2 if two else None)
    return rules


@pytest.mark.parametrize("which", ["template", "macro_enabled", "demo"])
def test_what_libreoffice_opens_is_the_spilled_workbook(which, request):
    """The files under test here hold dynamic arrays (cm="1" on every array formula's
    anchor, xl/metadata.xml), so the tests below show LibreOffice opens spills."""
    import re
    import zipfile

    source, _ = request.getfixturevalue(which)
    with zipfile.ZipFile(source) as archive:
        assert b"fDynamic=\"1\"" in archive.read("xl/metadata.xml")
        needs = archive.read("xl/worksheets/sheet6.xml")
    anchors = re.findall(rb'<c r="([A-Z]+\d+)"([^>]*)><f t="array"', needs)
    assert [(cell, b' cm="1"' in attributes) for cell, attributes in anchors] == [(b"A6", True), (b"A25", True)]


@pytest.mark.parametrize("which", ["template", "macro_enabled", "demo"])
def test_libreoffice_keeps_sheets_names_tables_validation_and_charts(which, request):
    source, saved = request.getfixturevalue(which)
    before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(saved)
    assert after.sheetnames == before.sheetnames
    assert set(after.defined_names) == set(before.defined_names)
    for ws in before.worksheets:
        other = after[ws.title]
        assert dict(other.tables.items()) == dict(ws.tables.items()), ws.title  # name -> ref
        assert validated_cells(other) == validated_cells(ws), ws.title
        assert len(other._charts) == len(ws._charts), ws.title


@pytest.mark.parametrize("which", ["template", "macro_enabled", "demo"])
def test_libreoffice_keeps_the_array_formulas_over_their_ranges(which, request):
    _, saved = request.getfixturevalue(which)
    wb = openpyxl.load_workbook(saved)
    refs = {(ws, cell): wb[ws][cell].value.ref for ws, cell in
            (("Needs", "A6"), ("Needs", "A25"), ("Cohort", "A9"), ("Cohort", "F9"), ("Plan", "A15"),
             ("Scenarios", "B13"), ("Scenarios", "E13"), ("Scenarios", "A19"), ("Scenarios", "AU19"),
             ("Plan", "Y4"), ("Plan", "W5"))}
    assert refs == {("Needs", "A6"): "A6:D9", ("Needs", "A25"): "A25:E29",
                    ("Cohort", "A9"): "A9:D13", ("Cohort", "F9"): "F9:I13", ("Plan", "A15"): "A15:Q23",
                    ("Scenarios", "B13"): "B13:B15", ("Scenarios", "E13"): "E13:E15",
                    ("Scenarios", "A19"): "A19:Q27", ("Scenarios", "AU19"): "AU19:BK27",
                    ("Plan", "Y4"): "Y4:AB13", ("Plan", "W5"): "W5:W12"}


def test_libreoffice_really_recalculates_on_loading(tmp_path):
    """A stale stored value is replaced: the comparison below is LibreOffice's own arithmetic."""
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["A2"] = 20, "=A1*2+1"
    source = tmp_path / "stale.xlsx"
    wb.save(source)  # openpyxl stores no value; LibreOffice must compute 41
    assert openpyxl.load_workbook(libreoffice_round_trip(source, tmp_path), data_only=True).active["A2"].value == 41


def test_libreoffice_computes_the_template_native_formulas(template):
    _, saved = template
    values = openpyxl.load_workbook(saved, data_only=True)
    assert values["Needs"]["B3"].value == 3            # =SUM(Teams[Count]): 1 + 1 + 1
    assert [values["Checks"][f"B{row}"].value for row in range(4, 8)] == [True] * 4  # low <= high


def test_every_native_formula_of_the_demo_has_libreoffices_value(demo, tmp_path):
    source, _ = demo
    ours = freeze_our_functions(source, tmp_path / "frozen.xlsx")
    assert len(ours) >= 20  # the checks, the sums and the ROUNDUPs, not a handful
    assert ours[("Needs", "G8")] == 23 and ours[("Checks", "B18")] is True  # ROUNDUP(22.5), all checks
    # SUMIFS over Teams; x FastGrowth in the Fast growth schedule (a native spill)
    assert ours[("Plan", "T5")] == 1 and ours[("Plan", "AE5")] == 2
    assert differences(ours, libreoffice_round_trip(tmp_path / "frozen.xlsx", tmp_path)) == {}


def test_a_failing_check_fails_in_libreoffice_too(tmp_path):
    """An unknown role title: ARCHETYPE gives #N/A, and the Staff check (ISERROR and
    COUNTIF) turns FALSE and the master check fails in both engines."""
    source = build_template(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(source)
    wb["Staff"]["B5"] = "Chief Vibes Officer"
    wb.save(source)
    assert cli.main(["compute", str(source), "-o", str(tmp_path / "computed.xlsx")]) == 1  # a failed check
    ours = freeze_our_functions(tmp_path / "computed.xlsx", tmp_path / "frozen.xlsx")
    # the master check: FALSE, or the #N/A that AND() passes on from the checks the role stops
    assert ours[("Checks", "B8")] is False and ours[("Checks", "B18")] is not True
    assert differences(ours, libreoffice_round_trip(tmp_path / "frozen.xlsx", tmp_path)) == {}
