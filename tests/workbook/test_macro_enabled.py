"""The macro-enabled variant: the template plus xlwings' standalone VBA project."""

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser

from talentneeds import cli
from talentneeds.workbook.builder import build_template
from talentneeds.workbook.macro_enabled import MacroEnabledError, macro_enabled_copy, xlwings_vba_project
from talentneeds.workbook.template import SHEET_NAMES

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_XLSX = ROOT / "workbook_templates" / "talent-needs.xlsx"
COMMITTED_XLSM = ROOT / "workbook_templates" / "talent-needs.xlsm"
XLWINGS_QUICKSTART = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("xlsm") / "talent-needs.xlsm")


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_the_build_is_byte_for_byte_the_committed_variant(built):
    assert built.read_bytes() == COMMITTED_XLSM.read_bytes(), \
        "workbook_templates/talent-needs.xlsm is stale: rebuild it with `talentneeds template -o ... --force`"


def test_the_vba_project_is_xlwings_own_and_every_other_part_is_the_template(built):
    with zipfile.ZipFile(XLWINGS_QUICKSTART) as quickstart:
        theirs = quickstart.read("xl/vbaProject.bin")
    with zipfile.ZipFile(built) as xlsm, zipfile.ZipFile(COMMITTED_XLSX) as xlsx:
        assert xlsm.read("xl/vbaProject.bin") == theirs == xlwings_vba_project()
        assert xlsm.namelist() == xlsx.namelist() + ["xl/vbaProject.bin"]
        changed = {n for n in xlsx.namelist() if xlsx.read(n) != xlsm.read(n)}
        assert changed == {"[Content_Types].xml", "xl/_rels/workbook.xml.rels"}
        types = xlsm.read("[Content_Types].xml").decode()
        relationships = xlsm.read("xl/_rels/workbook.xml.rels").decode()
    assert 'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"' in types
    assert "spreadsheetml.sheet.main+xml" not in types
    assert '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject" />' in types
    vba = re.findall(r'<Relationship Type="[^"]*/vbaProject" Target="vbaProject.bin" Id="(rId\d+)" />', relationships)
    assert len(vba) == 1 and relationships.count(f'Id="{vba[0]}"') == 1


def test_the_vba_project_has_the_xlwings_module_of_the_installed_version(built):
    modules = vba_modules(built)
    assert set(modules) >= {"xlwings.bas", "Dictionary.cls", "ThisWorkbook.cls", "Sheet1.cls"}
    xlwings_module = modules["xlwings.bas"]
    assert re.search(r"^Sub ImportPythonUDFs\(\)", xlwings_module, re.M)  # what the README tells users to run
    assert f'"xlwings64-{xlwings.__version__}.dll"' in xlwings_module
    # the module reads its settings from the sheet PROJECT_NAME & ".conf": ours
    project = re.search(r'PROJECT_NAME As String = "([^"]+)"', xlwings_module).group(1)
    assert f"{project}.conf" in SHEET_NAMES


def test_document_modules_bind_to_the_workbook_and_its_sheets(built):
    wb = openpyxl.load_workbook(built, keep_vba=True)
    assert wb.code_name == "ThisWorkbook"
    assert [ws.sheet_properties.codeName for ws in wb.worksheets] == [f"Sheet{i}" for i in range(1, len(SHEET_NAMES) + 1)]
    assert wb.sheetnames == list(SHEET_NAMES)


def test_compute_keeps_the_vba_project_and_the_suffix(tmp_path, capsys):
    source = tmp_path / "plan.xlsm"
    source.write_bytes(COMMITTED_XLSM.read_bytes())
    assert cli.main(["compute", str(source)]) == 0
    computed = tmp_path / "plan-computed.xlsm"
    with zipfile.ZipFile(computed) as archive:
        assert archive.read("xl/vbaProject.bin") == xlwings_vba_project()
    assert computed.read_bytes() == COMMITTED_XLSM.read_bytes()  # already computed: nothing changes
    assert cli.main(["compute", str(source), "-o", str(tmp_path / "plan.xlsx")]) == 1
    assert "must be a .xlsm file like the input" in capsys.readouterr().err


def test_refuses_a_workbook_that_already_has_a_vba_project(tmp_path):
    with pytest.raises(MacroEnabledError, match="already has a VBA project"):
        macro_enabled_copy(COMMITTED_XLSM, tmp_path / "again.xlsm")
    assert not (tmp_path / "again.xlsm").exists()


def test_a_workbook_part_elsewhere_gets_its_vba_project_next_to_it(tmp_path):
    """The workbook part is found through the package relationships: its relationships
    part and its folder are book/, not xl/; the next free relationship id is rId3."""
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    rels_ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    source = tmp_path / "book.xlsx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="urn:ct"><Default Extension="xml" ContentType="a/xml"/>'
                                                f'<Override PartName="/book/main.xml" ContentType="{main}"/></Types>')
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{rels_ns}"><Relationship Id="rId1" Type="http://'
                                        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
                                        ' Target="book/main.xml"/></Relationships>')
        archive.writestr("book/main.xml", "<workbook/>")
        archive.writestr("book/_rels/main.xml.rels", f'<Relationships xmlns="{rels_ns}"><Relationship Id="rId1" '
                                                     'Type="t" Target="a.xml"/><Relationship Id="rId2" Type="t" '
                                                     'Target="b.xml"/></Relationships>')
    target = macro_enabled_copy(source, tmp_path / "book.xlsm")
    with zipfile.ZipFile(target) as xlsm:
        assert xlsm.namelist() == ["[Content_Types].xml", "_rels/.rels", "book/main.xml", "book/_rels/main.xml.rels",
                                   "book/vbaProject.bin"]
        assert xlsm.read("[Content_Types].xml").decode() == (
            '<Types xmlns="urn:ct"><Default Extension="xml" ContentType="a/xml"/><Override PartName="/book/main.xml" '
            'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject" /></Types>')
        assert xlsm.read("book/_rels/main.xml.rels").decode().endswith(
            '<Relationship Id="rId2" Type="t" Target="b.xml"/><Relationship Type="http://schemas.microsoft.com/office/'
            '2006/relationships/vbaProject" Target="vbaProject.bin" Id="rId3" /></Relationships>')
        assert xlsm.read("book/vbaProject.bin") == xlwings_vba_project()
