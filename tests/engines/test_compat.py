"""Each hook into formulas' and openpyxl's internals (talentneeds.engines.compat), on its own.

If one of these fails after upgrading formulas or openpyxl, the hook it names is the
one to read again; the engine uses no other internals.
"""

import datetime as dt
import importlib
import json
import subprocess
import sys

import formulas
import pytest
from openpyxl import Workbook

from talentneeds.engines import compat
from talentneeds.engines.compat import (
    UnsupportedVersionError, cell_map, check_versions, compile_cell, formula_wrappers, function_table, hold_book,
    load_workbook_as_formulas_does, model_progress,
)


def _full_table() -> dict:
    """formulas' whole table, merged as formulas.functions.get_functions merges it."""
    from formulas import functions

    merged = {}
    for name in functions.SUBMODULES:
        merged.update(importlib.import_module(name, "formulas.functions").FUNCTIONS)
    merged.update(functions.FUNCTIONS)
    return merged


def test_versions_are_checked(monkeypatch):
    check_versions()  # the installed versions are the supported ones
    check_versions.cache_clear()
    monkeypatch.setattr(formulas, "__version__", "1.4.0")
    with pytest.raises(UnsupportedVersionError, match=r"formulas 1\.4\.0 is installed; .* supports 1\.3\.x"):
        check_versions()
    check_versions.cache_clear()


def test_the_statistical_names_read_from_source_are_those_the_modules_define():
    stat = importlib.import_module("formulas.functions.stat")
    comp = importlib.import_module("formulas.functions.comp")
    assert compat._statistical_names() == set(stat.FUNCTIONS) | set(comp.FUNCTIONS)


def test_the_lazy_table_gives_every_name_the_function_formulas_own_table_gives():
    full = _full_table()
    table = compat._LazyFunctionTable(importlib.import_module("formulas.functions").FUNCTIONS,
                                      importlib.import_module("formulas.functions").not_implemented)
    assert len(full) > 600
    assert all(table[name] is function for name, function in full.items())
    assert "NO.SUCH.FUNCTION" not in table
    assert table.get("NO.SUCH.FUNCTION") is None
    assert table["NO.SUCH.FUNCTION"] is importlib.import_module("formulas.functions").not_implemented


_FRESH = """
import json, sys
from talentneeds.engines.compat import function_table
table = function_table()
found = {name: name in table for name in sys.argv[1:]}
print(json.dumps({"found": found, "scipy": sorted(m for m in sys.modules if m.split('.')[0] == 'scipy')}))
"""


def _in_fresh_process(*names: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _FRESH, *names], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_statistics_module_is_imported_without_scipy():
    # COUNT, COUNTIF and MIN live in formulas' statistics module, which imports scipy
    report = _in_fresh_process("SUM", "COUNT", "COUNTIF", "MIN", "NORM.S.DIST", "NO.SUCH.FUNCTION")
    assert report == {"found": {"SUM": True, "COUNT": True, "COUNTIF": True, "MIN": True, "NORM.S.DIST": True,
                                "NO.SUCH.FUNCTION": False}, "scipy": []}


def test_scipy_is_imported_when_a_statistical_function_needs_it(tmp_path):
    book = Workbook()
    ws = book.active
    ws["A1"], ws["A2"], ws["A3"] = "=NORM.S.DIST(0,TRUE)", "=BINOM.DIST(3,10,0.5,FALSE)", "=COUNT(1,2,4)"
    book.save(tmp_path / "stat.xlsx")
    script = f"""
import json, sys
from talentneeds.engines.formula_engine import WorkbookEngine
values = WorkbookEngine({str(tmp_path / 'stat.xlsx')!r}).calculate()
print(json.dumps({{"values": [values[("Sheet", a)] for a in ("A1", "A2", "A3")], "scipy": "scipy.stats" in sys.modules}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["values"][0] == 0.5  # half a standard normal's mass is below 0
    assert report["values"][1] == pytest.approx(120 / 1024)  # C(10, 3) of 2**10 equally likely outcomes
    assert report["values"][2] == 3.0
    assert report["scipy"] is True


def test_the_stand_ins_reach_the_real_scipy():
    stat = importlib.import_module("formulas.functions.stat")
    assert stat.interp1d([0.0, 1.0], [0.0, 2.0])(0.25) == pytest.approx(0.5)
    assert stat.linalg.lstsq([[1.0], [1.0]], [2.0, 4.0])[0][0] == pytest.approx(3.0)  # the mean of 2 and 4


def test_function_table_is_what_formulas_parser_looks_names_up_in():
    from formulas import functions

    table = function_table()
    assert functions.get_functions() is table
    assert formulas.get_functions() is table
    assert function_table() is table


def _tiny_book(tmp_path):
    book = Workbook()
    ws = book.active
    ws.title = "Sheet"
    ws["A1"], ws["A2"], ws["B1"] = 2, dt.datetime(2024, 1, 1), "=A1*3"
    book.save(tmp_path / "tiny.xlsx")
    return tmp_path / "tiny.xlsx"


def test_load_workbook_as_formulas_does_reads_dates_as_serial_numbers(tmp_path):
    ws = load_workbook_as_formulas_does(str(_tiny_book(tmp_path))).active
    assert ws["A2"].value == 45292  # days from 1899-12-30 to 2024-01-01
    assert ws["B1"].value == "=A1*3"


def test_hold_book_makes_the_model_use_the_book_in_memory(tmp_path):
    workbook = load_workbook_as_formulas_does(str(_tiny_book(tmp_path)))
    workbook.active["A1"].value = 5  # only in memory: the file still says 2
    model = formulas.ExcelModel()
    hold_book(model, "not-a-file.xlsx", workbook)
    with model_progress():
        model.loads("not-a-file.xlsx").finish()
    solution = model.calculate()
    assert solution["'[not-a-file.xlsx]SHEET'!B1"].value[0, 0] == 15


def test_model_progress_reports_instead_of_drawing(tmp_path, capsys):
    book = Workbook()
    book.active["A1"], book.active["A2"], book.active["B1"] = 1, 2, "=SUM(A1:A2)"  # a range: completed
    book.save(tmp_path / "range.xlsx")
    seen = []
    model = formulas.ExcelModel()
    with model_progress(lambda done, total: seen.append((done, total))):
        model.loads(str(tmp_path / "range.xlsx")).finish()
    assert seen and seen[-1][0] == seen[-1][1] > 0
    assert capsys.readouterr().err == ""
    assert formulas.excel.tqdm.__name__ == "tqdm"  # formulas' own bar is back


def test_compile_cell_is_formulas_own_compilation():
    cell = compile_cell("A1", "=1+2", {"sheet": "SHEET", "excel": "BOOK.XLSX", "directory": ""}, True, {})
    assert cell.func() == 3


def test_formula_wrappers_yield_each_formula_cell_and_allow_replacing_it(tmp_path):
    model = formulas.ExcelModel()
    with model_progress():
        model.loads(str(_tiny_book(tmp_path))).finish()
    wrappers = list(formula_wrappers(model))
    assert [node for _, node in wrappers] == ["'[tiny.xlsx]SHEET'!B1"]
    wrapper, node = wrappers[0]
    original = wrapper.func
    wrapper.func = lambda *args: original(*args) + 1
    assert model.calculate()[node].value[0, 0] == 7


def test_cell_map_is_the_sheets_own_cells(tmp_path):
    ws = load_workbook_as_formulas_does(str(_tiny_book(tmp_path))).active
    cells = cell_map(ws)
    assert sorted(cells) == [(1, 1), (1, 2), (2, 1)]
    del cells[(1, 1)]
    assert [c.coordinate for row in ws.iter_rows() for c in row if c.value is not None] == ["B1", "A2"]


_INLINE = ('<sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>plain</t></is></c></row>'
           '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">  spaced </t></is></c></row>'
           '<row r="3"><c r="A3" t="inlineStr"><is><r><t>rich</t></r><r><rPr><b/></rPr><t> text</t></r></is></c></row>'
           '<row r="4"><c r="A4" t="inlineStr"><is><t>base</t><rPh sb="0" eb="1"><t>hint</t></rPh></is></c></row>'
           '<row r="5"><c r="A5" t="inlineStr"><is><t/></is></c></row>'
           '</sheetData>')


def test_plain_inline_strings_read_as_openpyxl_reads_them(tmp_path):
    import re
    import zipfile

    from formulas.excel.xlreader import load_workbook

    Workbook().save(tmp_path / "empty.xlsx")
    with zipfile.ZipFile(tmp_path / "empty.xlsx") as source, \
            zipfile.ZipFile(tmp_path / "inline.xlsx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<sheetData\s*/>|<sheetData>.*</sheetData>", _INLINE.encode(), data, flags=re.S)
            target.writestr(item, data)
    ours = load_workbook_as_formulas_does(str(tmp_path / "inline.xlsx")).active
    theirs = load_workbook(str(tmp_path / "inline.xlsx")).active
    values = [ours[f"A{r}"].value for r in range(1, 6)]
    # by hand: the text of <t>; the runs' texts joined; a phonetic hint is not part of the text
    assert values == ["plain", "  spaced ", "rich text", "base", ""]
    assert values == [theirs[f"A{r}"].value for r in range(1, 6)]
    assert {ours[f"A{r}"].data_type for r in range(1, 6)} == {"s"}
    from openpyxl.worksheet import _reader
    assert _reader.Text.__name__ == "Text"  # openpyxl's own class is back
