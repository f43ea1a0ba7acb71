"""Computed values stored next to the formulas, in a copy; everything else kept."""

import datetime as dt
import hashlib
import os
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.engines import cached_values, compute
from talentneeds.engines.cached_values import write_cached_values
from talentneeds.excel.boundary import CellError
from talentneeds.ooxml import PackageError
from talentneeds.workbook.builder import build_template

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "talent-needs.xlsx"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


# ---------------------------------------------------------------- the template, computed

@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("computed")
    formulas_only = build_template(tmp_path_factory.mktemp("built") / "formulas-only.xlsx", computed=False)
    digest = hashlib.sha256(formulas_only.read_bytes()).hexdigest()
    values = compute(formulas_only, folder / "out.xlsx")
    return {"values": values, "out": folder / "out.xlsx", "folder": folder, "digest": digest,
            "in": formulas_only}


NA = CellError("#N/A", "")


def test_the_input_is_byte_identical_and_nothing_is_left_behind(computed):
    assert hashlib.sha256(computed["in"].read_bytes()).hexdigest() == computed["digest"]
    assert sorted(p.name for p in computed["folder"].iterdir()) == ["out.xlsx"]


def test_the_committed_template_is_the_computed_build(computed):
    """The template ships with its values stored; computing it again changes nothing."""
    assert computed["out"].read_bytes() == TEMPLATE.read_bytes()


def test_the_copy_no_longer_asks_for_a_full_recalculation_on_opening(computed):
    def calculation(path):
        with zipfile.ZipFile(path) as archive:
            return ET.fromstring(archive.read("xl/workbook.xml")).find("m:calcPr", NS).attrib

    assert calculation(computed["in"]) == {"calcId": "124519", "fullCalcOnLoad": "1"}
    assert calculation(computed["out"]) == {"calcId": "191029"}


def test_data_only_reads_back_every_computed_value(computed):
    from openpyxl.utils.datetime import to_excel

    book = load_workbook(computed["out"], data_only=True)
    # a number in a date-formatted cell (PROMOTION_CANDIDATES' Eligible from) reads as a datetime
    read = {key: (to_excel(value) if isinstance(value, dt.datetime) else value)
            for key in computed["values"] for value in [book[key[0]][key[1]].value]}
    # openpyxl reads an empty text result ("" in the bottleneck's total row) as None
    expected = {key: (None if value == "" else value) for key, value in computed["values"].items()}
    assert read == expected
    assert read[("Needs", "C17")] == 1.5 and read[("Checks", "B18")] is True
    assert read[("Needs", "E29")] == "Amplifier, Iterator" and read[("Staff", "F14")] == "Iterator"


def test_every_formula_array_range_table_name_validation_and_chart_is_kept(computed):
    source, out = load_workbook(computed["in"]), load_workbook(computed["out"])
    assert out.sheetnames == source.sheetnames
    for before in source.worksheets:
        after = out[before.title]
        for row in before.iter_rows():
            for cell in row:
                kept = after[cell.coordinate].value
                if isinstance(cell.value, ArrayFormula):
                    assert isinstance(kept, ArrayFormula)
                    assert (kept.ref, kept.text) == (cell.value.ref, cell.value.text)
                elif cell.value is not None:
                    assert kept == cell.value, (before.title, cell.coordinate)
        assert dict(after.tables.items()) == dict(before.tables.items())  # name -> ref
        assert [(str(v.sqref), v.formula1, v.formula2) for v in after.data_validations.dataValidation] == \
               [(str(v.sqref), v.formula1, v.formula2) for v in before.data_validations.dataValidation]
        assert len(after._charts) == len(before._charts)
    assert {n: d.attr_text for n, d in out.defined_names.items()} == \
           {n: d.attr_text for n, d in source.defined_names.items()}
    assert out["Staff"].tables["Staff"].tableColumns[5].calculatedColumnFormula.attr_text == \
           "ARCHETYPE(Staff[[#This Row],[Role]],Roles[#All])"
    assert len(out["Needs"]._charts) == len(out["Cohort"]._charts) == 1


def test_only_the_sheets_with_formulas_change_in_the_zip(computed):
    with zipfile.ZipFile(computed["in"]) as before, zipfile.ZipFile(computed["out"]) as after:
        assert after.namelist() == before.namelist()
        changed = {n for n in before.namelist() if before.read(n) != after.read(n)}
        # Start Staff Needs Cohort Plan Scenarios Checks Dashboard Candidates, and the workbook part's calcPr
        assert changed == {f"xl/worksheets/sheet{i}.xml" for i in (1, 4, 6, 7, 8, 9, 10, 12, 13)} | {"xl/workbook.xml"}
        needs = after.read("xl/worksheets/sheet6.xml").decode()
    # the dynamic array's cell metadata (cm) is kept: it stays a spill
    assert re.search(r'<c r="A6" s="\d+" cm="1" t="str"><f t="array" ref="A6:D9">TEAM_NEEDS\(NewTeams,TRUE,PerTeam\)'
                     r"</f><v>Archetype</v></c>", needs)
    assert re.search(r'<c r="C17" s="\d+"><f>AMPLIFIER_HIRES\(NewTeams,InternalAmplifiers,C\$14,AmplifiersLow,'
                     r'AmplifiersHigh\)</f><v>1.5</v></c>', needs)


def test_the_output_is_a_normal_file(computed):
    umask = os.umask(0)
    os.umask(umask)
    assert computed["out"].stat().st_mode & 0o777 == 0o666 & ~umask


# ---------------------------------------------------------------- Excel-style sheet XML

ROOT = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
        'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
        'xr:uid="{00000000-0001-0000-0000-000000000000}">')
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def _with_sheet_xml(tmp_path: Path, sheet_data: str, root: str = ROOT, dimension: str = "A1:B2") -> Path:
    """A workbook from openpyxl whose first sheet XML is replaced by ``sheet_data`` in an
    Excel-like document (declaration, mc:Ignorable, x14ac, ...)."""
    source = tmp_path / "source.xlsx"
    wb = Workbook()
    wb.active.title = "Data"
    wb.save(source)
    prefix = root[1:root.index(" ")].split(":")[0] + ":" if ":" in root[1:root.index(" ")] else ""
    close = f"</{prefix}worksheet>"
    xml = (DECLARATION + root + f'<{prefix}dimension ref="{dimension}"/>' + sheet_data
           + f'<{prefix}pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
           + close)
    path = tmp_path / "in.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else zin.read(info.filename)
            zout.writestr(info, data)
    return path


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


EXCEL_LIKE = (
    '<sheetData>'
    '<row r="1" spans="1:5" x14ac:dyDescent="0.25"><c r="A1"><v>2</v></c>'
    '<c r="B1"><f t="shared" ref="B1:B2" si="0">A1*10</f><v>999</v></c>'
    '<c r="C1" t="inlineStr"><is><t>label</t></is></c>'
    '<c r="D1"><f t="array" ref="D1:E2">A1:A2*2</f><v>1</v></c></row>'
    '<row r="2" spans="1:5" x14ac:dyDescent="0.25"><c r="A2"><v>3</v></c>'
    '<c r="B2"><f t="shared" si="0"/><v>1</v></c><c r="D2"><v>0</v></c><c r="E2"><v>0</v></c></row>'
    '</sheetData>')


def test_excel_style_xml_keeps_its_declaration_namespaces_and_other_cells(tmp_path):
    path = _with_sheet_xml(tmp_path, EXCEL_LIKE, dimension="A1:E2")
    values = {("Data", "B1"): 20, ("Data", "B2"): 30.0, ("Data", "D1"): 4, ("Data", "E1"): NA,
              ("Data", "D2"): 6, ("Data", "E2"): NA, ("Data", "C1"): "not a formula", ("Data", "A1"): 1}
    skipped = write_cached_values(path, tmp_path / "out.xlsx", values)
    assert sorted(skipped) == [("Data", "A1"), ("Data", "C1")]
    before, after = _sheet_xml(path), _sheet_xml(tmp_path / "out.xlsx")
    ET.fromstring(after.encode())  # well-formed
    assert after.startswith(DECLARATION + ROOT)
    # everything outside the patched cells (and E1, created for the array range) is unchanged
    patched = re.compile(r'<c r="(B1|B2|D1|D2|E1|E2)".*?</c>|<c r="E2"><v>0</v></c>')
    assert patched.sub("", after) == patched.sub("", before)
    assert '<c r="B1"><f t="shared" ref="B1:B2" si="0">A1*10</f><v>20</v></c>' in after
    assert '<c r="B2"><f t="shared" si="0"/><v>30</v></c>' in after
    assert '<c r="D1"><f t="array" ref="D1:E2">A1:A2*2</f><v>4</v></c><c r="E1" t="e"><v>#N/A</v></c>' in after
    data = load_workbook(tmp_path / "out.xlsx", data_only=True)["Data"]
    assert [[c.value for c in row] for row in data["A1:E2"]] == [[2, 20, "label", 4, "#N/A"], [3, 30, None, 6, "#N/A"]]
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "out.xlsx") as zout:
        assert zout.namelist() == zin.namelist()
        assert all(zin.read(n) == zout.read(n) for n in zin.namelist()
                   if n not in ("xl/worksheets/sheet1.xml", "xl/workbook.xml"))
        calculation = re.compile(rb"<calcPr [^>]*>")
        assert calculation.findall(zin.read("xl/workbook.xml")) == [b'<calcPr calcId="124519" fullCalcOnLoad="1" />']
        assert calculation.findall(zout.read("xl/workbook.xml")) == [b'<calcPr calcId="191029"/>']
        assert calculation.sub(b"", zout.read("xl/workbook.xml")) == calculation.sub(b"", zin.read("xl/workbook.xml"))


def test_array_cells_and_rows_the_file_lacks_are_created_in_order(tmp_path):
    sheet_data = ('<sheetData><row r="1" spans="2:2"><c r="B1"><f t="array" ref="B1:D4">X()</f></c></row>'
                  '<row r="3" spans="1:1"><c r="A3"><v>7</v></c></row><row r="5"/></sheetData>')
    path = _with_sheet_xml(tmp_path, sheet_data, dimension="A1:B3")
    values = {("Data", f"{c}{r}"): 10 * r + i for r in range(1, 5) for i, c in enumerate("BCD")}
    assert write_cached_values(path, tmp_path / "out.xlsx", values) == []
    xml = _sheet_xml(tmp_path / "out.xlsx")
    rows = ET.fromstring(xml.encode()).findall("m:sheetData/m:row", NS)
    assert [(r.get("r"), r.get("spans"), [c.get("r") for c in r]) for r in rows] == [
        ("1", "2:4", ["B1", "C1", "D1"]),
        ("2", None, ["B2", "C2", "D2"]),
        ("3", "1:4", ["A3", "B3", "C3", "D3"]),
        ("4", None, ["B4", "C4", "D4"]),
        ("5", None, []),
    ]
    assert '<dimension ref="A1:D4"/>' in xml
    data = load_workbook(tmp_path / "out.xlsx", data_only=True)["Data"]
    assert [[c.value for c in row] for row in data["B1:D4"]] == [[10, 11, 12], [20, 21, 22], [30, 31, 32], [40, 41, 42]]


def test_a_prefixed_main_namespace_and_self_closing_rows_work(tmp_path):
    root = '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    sheet_data = ('<x:sheetData><x:row r="1"><x:c r="A1"><x:f t="array" ref="A1:B2">Y()</x:f></x:c></x:row>'
                  '<x:row r="2"/></x:sheetData>')
    path = _with_sheet_xml(tmp_path, sheet_data, root=root)
    write_cached_values(path, tmp_path / "out.xlsx", {("data", "A1"): 1, ("Data", "B1"): 2,
                                                      ("Data", "A2"): 3, ("Data", "B2"): 4})
    xml = _sheet_xml(tmp_path / "out.xlsx")
    assert ('<x:row r="2"><x:c r="A2"><x:v>3</x:v></x:c><x:c r="B2"><x:v>4</x:v></x:c></x:row>') in xml
    cells = ET.fromstring(xml.encode()).iter(f"{{{NS['m']}}}c")
    assert [(c.get("r"), c.findtext("m:v", namespaces=NS)) for c in cells] == [
        ("A1", "1"), ("B1", "2"), ("A2", "3"), ("B2", "4")]


def test_values_are_encoded_as_excel_stores_them(tmp_path):
    sheet_data = "<sheetData><row r=\"1\">" + "".join(
        f'<c r="{c}1"><f>F()</f><v>stale</v></c>' for c in "ABCDEFGHIJKL") + "</row></sheetData>"
    path = _with_sheet_xml(tmp_path, sheet_data)
    values = {"A1": True, "B1": 0.1 + 0.2, "C1": 3.0, "D1": dt.date(2026, 7, 1), "E1": CellError("#DIV/0!", ""),
              "F1": CellError("#VALUE!", "teams must be a number"), "G1": 'a & <b> "c"\r\n', "H1": "ctl\x01 _x0041_",
              "I1": float("nan"), "J1": None, "K1": "#N/A", "L1": "#VALUE! teams must be a number"}
    write_cached_values(path, tmp_path / "out.xlsx", {("Data", k): v for k, v in values.items()})
    xml = _sheet_xml(tmp_path / "out.xlsx")
    assert '<c r="A1" t="b"><f>F()</f><v>1</v></c>' in xml
    assert '<c r="B1"><f>F()</f><v>0.30000000000000004</v></c>' in xml
    assert '<c r="C1"><f>F()</f><v>3</v></c>' in xml
    assert '<c r="D1"><f>F()</f><v>46204</v></c>' in xml
    assert '<c r="E1" t="e"><f>F()</f><v>#DIV/0!</v></c>' in xml
    assert '<c r="F1" t="e"><f>F()</f><v>#VALUE!</v></c>' in xml
    assert '<c r="G1" t="str"><f>F()</f><v>a &amp; &lt;b&gt; "c"&#13;\n</v></c>' in xml
    assert '<c r="H1" t="str"><f>F()</f><v>ctl_x0001_ _x005F_x0041_</v></c>' in xml
    assert '<c r="I1" t="e"><f>F()</f><v>#NUM!</v></c>' in xml
    assert '<c r="J1"><f>F()</f></c>' in xml
    # text that looks like an error (a label typed "#N/A", a function's text) stays text
    assert '<c r="K1" t="str"><f>F()</f><v>#N/A</v></c>' in xml
    assert '<c r="L1" t="str"><f>F()</f><v>#VALUE! teams must be a number</v></c>' in xml
    assert ET.fromstring(xml.encode()).find(".//m:c[@r='G1']/m:v", NS).text == 'a & <b> "c"\r\n'


def test_text_results_longer_than_a_cell_holds_as_excel_counts_them_are_value_errors(tmp_path):
    """Excel counts UTF-16 code units (an emoji outside the BMP is 2) and gives #VALUE!
    for a formula whose text exceeds 32,767 of them (REPT and CONCAT document this)."""
    sheet_data = "<sheetData><row r=\"1\">" + "".join(
        f'<c r="{c}1"><f>F()</f></c>' for c in "ABCD") + "</row></sheetData>"
    path = _with_sheet_xml(tmp_path, sheet_data)
    emoji = "\U0001F600"
    values = {"A1": "a" * 32_767, "B1": "a" * 32_768, "C1": emoji * 16_383 + "a", "D1": emoji * 16_384}
    write_cached_values(path, tmp_path / "out.xlsx", {("Data", k): v for k, v in values.items()})
    xml = _sheet_xml(tmp_path / "out.xlsx")
    assert f'<c r="A1" t="str"><f>F()</f><v>{"a" * 32_767}</v></c>' in xml
    assert '<c r="B1" t="e"><f>F()</f><v>#VALUE!</v></c>' in xml
    assert f'<c r="C1" t="str"><f>F()</f><v>{emoji * 16_383}a</v></c>' in xml
    assert '<c r="D1" t="e"><f>F()</f><v>#VALUE!</v></c>' in xml


def test_the_input_cannot_be_the_output_and_sheets_must_exist(tmp_path):
    path = _with_sheet_xml(tmp_path, EXCEL_LIKE)
    with pytest.raises(PackageError, match="is the input workbook"):
        write_cached_values(path, path, {("Data", "B1"): 1})
    with pytest.raises(PackageError, match="no sheet 'Nope'"):
        write_cached_values(path, tmp_path / "o.xlsx", {("Nope", "B1"): 1})
    with pytest.raises(ValueError, match="not a single cell address"):
        write_cached_values(path, tmp_path / "o.xlsx", {("Data", "B1:B2"): 1})
    assert not (tmp_path / "o.xlsx").exists()


def test_a_dtd_is_refused(tmp_path):
    bomb = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
    path = _with_sheet_xml(tmp_path, EXCEL_LIKE, root=bomb + ROOT)
    with pytest.raises(PackageError, match="DTD"):
        write_cached_values(path, tmp_path / "o.xlsx", {("Data", "B1"): 1})


def test_a_failed_write_leaves_the_old_output_and_no_temporary_file(tmp_path, monkeypatch):
    path = _with_sheet_xml(tmp_path, EXCEL_LIKE)
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous")

    def broken(source, handle, patched):
        handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(cached_values, "_copy_zip", broken)
    with pytest.raises(OSError, match="disk full"):
        write_cached_values(path, out, {("Data", "B1"): 1})
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx", "out.xlsx", "source.xlsx"]
