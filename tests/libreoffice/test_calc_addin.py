"""The Calc add-in: generated from the FunctionSpecs, run by LibreOffice itself.

The parts that need no LibreOffice (IDL, CalcAddIns.xcu) are checked everywhere; the
rest skips where soffice is missing (CI installs it). One LibreOffice start serves the
workbook tests (module fixture).
"""

import os
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds import cli, udfs
from talentneeds.excel.boundary import specs
from talentneeds.libreoffice.oxt import calc_addins_xcu, idl, idl_name

HAS_OFFICE = shutil.which("soffice") is not None or bool(os.environ.get("CI"))
needs_office = pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice (soffice) is not installed")
OOR = "{http://openoffice.org/2001/registry}"


def test_idl_has_one_method_per_function_with_camel_case_arguments():
    text = idl(specs(udfs))
    assert text.count("[in] any") == sum(len(s.args) for s in specs(udfs))
    assert "sequence< sequence< any > > TEAM_NEEDS([in] any teams, [in] any header, [in] any perTeam);" in text
    assert "any AMPLIFIERS_NEEDED([in] any teams, [in] any point, [in] any low, [in] any high);" in text
    assert idl_name("as_of") == "asOf" and idl_name("per_team") == "perTeam" and idl_name("teams") == "teams"


def test_the_configuration_carries_every_function_and_argument_description():
    root = ElementTree.fromstring(calc_addins_xcu(specs(udfs)))
    functions = root.find("node/node/node")
    assert len(specs(udfs)) == len(functions) == 22
    for spec, node in zip(specs(udfs), functions):
        props = {p.get(f"{OOR}name"): p.find("value").text for p in node.findall("prop")}
        assert props["DisplayName"] == props["CompatibilityName"] == spec.name
        assert props["Description"] == spec.description and props["CategoryDisplayName"] == "Talent Needs"
        params = node.find("node")
        assert [p.get(f"{OOR}name") for p in params] == [idl_name(a.name) for a in spec.args]
        assert [p.find("prop/value").text for p in params] == [a.name for a in spec.args]
        assert [p.findall("prop")[1].find("value").text for p in params] == [a.description for a in spec.args]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """LibreOffice's values and its own .xlsx copies of two small workbooks."""
    from talentneeds.libreoffice.engine import formula_cells, read_values
    from talentneeds.libreoffice.office import convert, throwaway_profile
    from talentneeds.libreoffice.oxt import build_oxt

    folder = tmp_path_factory.mktemp("calc-addin")
    assert cli.main(["libreoffice", "build", "-o", str(folder / "talentneeds.oxt")]) == 0
    oxt = folder / "talentneeds.oxt"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Calc"
    ws["A1"] = "=AMPLIFIERS_NEEDED(4)"
    ws["A2"] = '=AMPLIFIERS_NEEDED("abc")'
    ws["A3"] = '=ARCHETYPE("Chef")'
    ws["A4"] = "=ISERROR(A2)"
    ws["B1"] = ArrayFormula("B1:E4", "=TEAM_NEEDS(3)")
    ws["A6"] = ArrayFormula("A6:D10", "=COHORT_MIX(10,0,0)")
    ws["A12"] = "=AMPLIFIERS_NEEDED(4,H12)"  # H12 is blank
    wb.save(folder / "small.xlsx")
    demo = folder / "demo.xlsx"
    assert cli.main(["demo", "-o", str(demo)]) == 0
    sources = [folder / "small.xlsx", demo]
    with throwaway_profile(oxt) as profile:
        messages = convert(sources, folder / "out", profile)
    saved = [folder / "out" / s.name for s in sources]
    return {"oxt": oxt, "messages": messages, "saved": saved, "sources": sources,
            "values": [read_values(out, formula_cells(s)) for s, out in zip(sources, saved)]}


@needs_office
def test_the_oxt_holds_the_type_library_configuration_component_and_package(office):
    names = zipfile.ZipFile(office["oxt"]).namelist()
    assert {"META-INF/manifest.xml", "description.xml", "CalcAddIns.xcu", "TalentNeeds.rdb",
            "talentneeds_calc.py", "pythonpath/talentneeds/udfs.py"} <= set(names)


@needs_office
def test_libreoffice_computes_our_functions_tables_and_errors(office):
    values = office["values"][0]
    assert values[("Calc", "A1")] == 6.0  # 4 teams x 1.5 Amplifiers (mid of 1-2)
    assert values[("Calc", "A2")].code == "#VALUE!" and values[("Calc", "A4")] is True
    assert values[("Calc", "A3")].code == "#N/A"
    table = [[values[("Calc", f"{c}{r}")] for c in "BCDE"] for r in range(1, 5)]
    assert table == [["Archetype", "Low", "Mid", "High"], ["Amplifier", 3.0, 4.5, 6.0],
                     ["Iterator", 15.0, 22.5, 30.0], ["Connector", 0.0, 0.0, 0.0]]
    assert {values[("Calc", f"{c}{r}")].code for c in "ABCD" for r in range(6, 11)} == {"#NUM!"}
    # the messages stay reachable: LibreOffice's standard error, one line each
    assert 'talentneeds: AMPLIFIERS_NEEDED: #VALUE! teams must be a number >= 0, got "abc"' in office["messages"]
    assert "talentneeds: ARCHETYPE: #N/A" in office["messages"]


@needs_office
def test_a_blank_cell_for_an_optional_argument_counts_as_0_in_calc(office):
    """A documented difference: Calc hands an add-in a blank cell as 0, so the point of
    =AMPLIFIERS_NEEDED(4,H12) with H12 blank is 0, the low end (4 x 1), in Calc, and the
    default "mid" (4 x 1.5) in Excel and in our engine."""
    from talentneeds.engines.formula_engine import WorkbookEngine

    assert office["values"][0][("Calc", "A12")] == 4.0
    assert WorkbookEngine(office["sources"][0]).calculate()[("Calc", "A12")] == 6.0


@needs_office
def test_an_xlsx_saved_by_libreoffice_keeps_our_excel_names_and_structured_references(office):
    small, demo = (openpyxl.load_workbook(path) for path in office["saved"])
    assert small["Calc"]["A1"].value == "=AMPLIFIERS_NEEDED(4)"
    assert small["Calc"]["B1"].value.text == "=TEAM_NEEDS(3)"
    internal = demo["Needs"]["B12"].value
    assert internal.startswith("=INTERNAL_AMPLIFIERS(") and "Staff[" in internal, internal
    # every formula of the demo as it was, our names and table references included; only
    # the constants TRUE/FALSE come back as the functions TRUE()/FALSE() (Excel reads both)
    source = openpyxl.load_workbook(office["sources"][1])
    changed, count = [], 0
    for ws in source.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)
                if isinstance(text, str) and text.startswith("="):
                    count += 1
                    other = demo[ws.title][cell.coordinate].value
                    if getattr(other, "text", other) != text:
                        changed.append((text, getattr(other, "text", other)))
    assert count > 90  # formulas (an array formula once)
    assert changed and all(theirs == ours.replace("TRUE", "TRUE()").replace("FALSE", "FALSE()")
                           for ours, theirs in changed), changed
    values = office["values"][1]
    assert values[("Needs", "B12")] == 3.0  # the demo's promotable people, through Staff[#All]
    assert values[("Checks", "B4")] is True


@needs_office
def test_compute_with_libreoffice_keeps_the_input_and_refuses_mistakes_in_one_line(tmp_path, capsys):
    demo = tmp_path / "demo.xlsx"
    assert cli.main(["demo", "-o", str(demo)]) == 0
    before = demo.read_bytes()
    out = tmp_path / "out.xlsx"
    assert cli.main(["compute", str(demo), "-o", str(out), "--engine", "libreoffice"]) == 0
    assert demo.read_bytes() == before
    ours = openpyxl.load_workbook(out, data_only=True)
    assert ours["Needs"]["B12"].value == 3 and ours["Checks"]["B4"].value is True
    assert set(zipfile.ZipFile(out).namelist()) == set(zipfile.ZipFile(demo).namelist())  # nothing lost
    capsys.readouterr()
    assert cli.main(["compute", str(demo), "-o", str(out), "--engine", "libreoffice"]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert cli.main(["compute", str(tmp_path / "nope.xlsx"), "--engine", "libreoffice"]) == 1
    assert not Path(tmp_path / "nope-computed.xlsx").exists()


@needs_office
def test_the_function_wizard_lists_every_function_with_its_arguments(office, tmp_path):
    """What Calc's Function Wizard shows, read from LibreOffice's own function list
    (com.sun.star.sheet.FunctionDescriptions) by its Python in a running office."""
    import json
    import subprocess

    from talentneeds.libreoffice.office import find_office, throwaway_profile

    probe = Path(__file__).with_name("function_wizard_probe.py")
    with throwaway_profile(office["oxt"]) as profile:
        done = subprocess.run([office_python(), str(probe), profile.resolve().as_uri(), str(find_office().soffice)],
                              capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    for spec in specs(udfs):
        assert shown[spec.name]["description"] == spec.description
        # every argument is `any`, which Calc always treats as optional: the Wizard marks
        # required ones (teams, ...) optional too; the functions still say when one is missing
        assert shown[spec.name]["arguments"] == [[a.name, a.description, True] for a in spec.args]


def office_python() -> str:
    """LibreOffice's Python: Debian's python3 with python3-uno (an office's own program/python elsewhere)."""
    from talentneeds.libreoffice.office import find_office

    own = find_office().program / "python"
    return str(own) if own.exists() else "/usr/bin/python3"


def test_without_libreoffice_compute_and_build_say_so_in_one_line(tmp_path, monkeypatch, capsys):
    import talentneeds.libreoffice.office as office_module

    monkeypatch.setattr(office_module.shutil, "which", lambda name: None)
    template = Path(__file__).parents[2] / "workbook_templates" / "talent-needs.xlsx"
    assert cli.main(["compute", str(template), "-o", str(tmp_path / "out.xlsx"), "--engine", "libreoffice"]) == 1
    assert cli.main(["libreoffice", "build", "-o", str(tmp_path / "t.oxt")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"talentneeds: {template}: LibreOffice not found; install it (Debian: apt-get install "
                   "libreoffice-calc-nogui)",
                   "talentneeds: LibreOffice not found; install it (Debian: apt-get install libreoffice-calc-nogui)"]
    assert not (tmp_path / "out.xlsx").exists() and not (tmp_path / "t.oxt").exists()


def test_build_refuses_a_wrong_name_or_an_existing_file(tmp_path, capsys):
    (tmp_path / "there.oxt").write_bytes(b"mine")
    assert cli.main(["libreoffice", "build", "-o", str(tmp_path / "addin.zip")]) == 1
    assert cli.main(["libreoffice", "build", "-o", str(tmp_path / "there.oxt")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"talentneeds: {tmp_path / 'addin.zip'}: give a name ending in .oxt",
        f"talentneeds: {tmp_path / 'there.oxt'} exists; use --force to overwrite it"]
    assert (tmp_path / "there.oxt").read_bytes() == b"mine"


@needs_office
def test_compute_with_libreoffice_works_from_an_activated_virtual_environment(tmp_path):
    """With a virtual environment's (or pyenv's) python3 first on PATH, LibreOffice's
    embedded Python took that Python's home and crashed; the office now starts with the
    system's folders first."""
    import subprocess
    import sys

    template = Path(__file__).parents[2] / "workbook_templates" / "talent-needs.xlsx"
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    done = subprocess.run([sys.executable, "-m", "talentneeds.cli", "compute", str(template), "-o",
                           str(tmp_path / "out.xlsx"), "--engine", "libreoffice"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["Needs"]["B12"].value == 3


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only as root")
def test_install_as_root_says_how_in_one_line(capsys):
    assert cli.main(["libreoffice", "install"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unopkg add --shared" in err
