"""Each hook into formulas' and openpyxl's internals (talentneeds.engines.compat), on its own.

If one of these fails after upgrading formulas or openpyxl, the hook it names is the
one to read again; the engine uses no other internals.
"""

import datetime as dt
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import formulas
import numpy as np
import pytest
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.engines import compat
from talentneeds.engines.compat import (
    UnsupportedVersionError, add_constant_range, array_type, blank, cell_map, cell_node, cells_in_order,
    check_versions, drop_external_links, error_type, error_value, formula_wrappers, function_table, has_node,
    parse_error_type,
    hold_book, is_unimplemented, load_workbook_as_formulas_does, model_progress, new_model, node_id, precedents,
    release_books, value_at, wrap_ranges,
)


def _full_table() -> dict:
    """formulas' whole table, merged as formulas.functions.get_functions merges it."""
    from formulas import functions

    merged = {}
    for name in functions.SUBMODULES:
        merged.update(importlib.import_module(name, "formulas.functions").FUNCTIONS)
    merged.update(functions.FUNCTIONS)
    return merged


@pytest.mark.parametrize("package, version, supported", [
    ("formulas", "1.3.4", True), ("formulas", "1.3.9", True), ("formulas", "1.3.3", False),
    ("formulas", "1.4.0", False), ("formulas", "1.4.0rc1", False), ("openpyxl", "3.1.0", True),
    ("openpyxl", "3.1.5", True), ("openpyxl", "3.2.0b1", False), ("openpyxl", "3.0.10", False),
])
def test_versions_are_checked(monkeypatch, package, version, supported):
    check_versions.cache_clear()
    check_versions()  # the installed versions are supported ones
    check_versions.cache_clear()
    monkeypatch.setattr(importlib.import_module(package), "__version__", version)
    try:
        if supported:
            check_versions()
        else:
            pin = {"formulas": ">=1.3.4,<1.4", "openpyxl": ">=3.1,<3.2"}[package]
            with pytest.raises(UnsupportedVersionError, match=rf"^{package} {re.escape(version)} is installed; "
                               rf"the workbook engine supports {package}{pin} \(pip install '{package}{pin}'\)$"):
                check_versions()
    finally:
        check_versions.cache_clear()


def test_the_supported_versions_are_the_ones_pyproject_pins():
    text = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    for name, supported in (("formulas", compat.FORMULAS_VERSIONS), ("openpyxl", compat.OPENPYXL_VERSIONS)):
        assert f'"{name}{compat._pin(supported)}"' in text


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


def _loaded(path, **hooks):
    model = new_model(hooks.get("before_load", lambda book: None),
                      hooks.get("around_compile", lambda sheet, crd, value, node, compile, check_formula: compile()))
    with model_progress():
        model.loads(str(path)).finish()
    return model


def test_new_model_checks_each_book_before_loading_it(tmp_path):
    seen = []

    def refuse(book):
        seen.append(book)
        raise PermissionError("not this one")

    with pytest.raises(PermissionError, match="not this one"):
        _loaded(_tiny_book(tmp_path), before_load=refuse)
    assert seen == [str(tmp_path / "tiny.xlsx")]


def test_new_model_compiles_each_cell_with_a_value_through_the_callback(tmp_path):
    seen = []

    def around(sheet, crd, value, node, compile, check_formula):
        seen.append((sheet, crd, value, node(), check_formula))
        return compile()

    model = _loaded(_tiny_book(tmp_path), around_compile=around)
    # the used range A1:B2 has 4 positions (openpyxl's iter_rows makes a cell for each);
    # B2 is blank and never reaches the callback; no cell is text, so each may be a formula
    assert sorted(seen) == [("SHEET", "A1", 2, "'[tiny.xlsx]SHEET'!A1", True),
                            ("SHEET", "A2", 45292, "'[tiny.xlsx]SHEET'!A2", True),
                            ("SHEET", "B1", "=A1*3", "'[tiny.xlsx]SHEET'!B1", True)]
    assert model.calculate()["'[tiny.xlsx]SHEET'!B1"].value[0, 0] == 6


def test_node_ids_are_the_ones_formulas_gives(tmp_path):
    model = _loaded(_tiny_book(tmp_path))
    assert node_id("tiny.xlsx", "Sheet", "$B$1") == "'[tiny.xlsx]SHEET'!B1"
    assert has_node(model, node_id("tiny.xlsx", "Sheet", "B1"))
    assert cell_node("B1", {"sheet": "SHEET", "excel": "TINY.XLSX", "filename": "tiny.xlsx", "directory": ""}) \
        == "'[tiny.xlsx]SHEET'!B1"


def test_has_node_tells_cells_of_the_model_from_others(tmp_path):
    model = _loaded(_tiny_book(tmp_path))
    assert has_node(model, "'[tiny.xlsx]SHEET'!A1") and has_node(model, "'[tiny.xlsx]SHEET'!B1")
    assert not has_node(model, "'[tiny.xlsx]SHEET'!C7")


def test_precedents_lead_from_a_formula_cell_to_the_cells_it_reads(tmp_path):
    graph = precedents(_loaded(_tiny_book(tmp_path)))
    formula = next(iter(graph["'[tiny.xlsx]SHEET'!B1"]))  # B1 is computed by its formula ...
    assert "'[tiny.xlsx]SHEET'!A1" in graph[formula]      # ... which reads A1


def test_data_ranges_are_the_cells_and_ranges_a_model_holds_without_names(tmp_path):
    book = Workbook()
    ws = book.active
    ws.title = "Sheet"
    ws["A1"], ws["A2"], ws["B1"], ws["C1"] = 2, 3, "=SUM(A1:A2)", "=Total*2"
    book.create_sheet("Other")["A1"] = "=Sheet!B1"
    from openpyxl.workbook.defined_name import DefinedName

    book.defined_names["Total"] = DefinedName("Total", attr_text="Sheet!$B$1")
    book.save(tmp_path / "ranges.xlsx")
    found = set(compat.data_ranges(_loaded(tmp_path / "ranges.xlsx")))
    # the range SUM reads, each formula's cell, the cell the name and the other sheet read; the
    # name itself is no range of its own (its value is B1's)
    assert {("SHEET", "A1:A2"), ("SHEET", "B1"), ("SHEET", "C1"), ("OTHER", "A1")} <= found
    assert None not in found and all(sheet in ("SHEET", "OTHER") for sheet, _ in found)


def test_value_at_reads_ranges_and_plain_values(tmp_path):
    solution = _loaded(_tiny_book(tmp_path)).calculate()
    assert value_at(solution["'[tiny.xlsx]SHEET'!B1"], 0, 0) == 6
    assert value_at(7.5, 0, 0) == 7.5


def test_add_constant_range_feeds_the_formulas_that_read_it(tmp_path):
    import numpy as np

    book = Workbook()
    book.active.title = "Sheet"
    book.active["C1"] = "=SUM(A1:B2)"
    book.active["C2"] = "=B2"
    book.save(tmp_path / "block.xlsx")
    model = new_model(lambda book: None, lambda sheet, crd, value, node, compile, check_formula: compile())
    with model_progress():
        model.loads(str(tmp_path / "block.xlsx"))
        add_constant_range(model, "'[block.xlsx]SHEET'!A1:B2", np.array([[1.0, 2.0], [3.0, 4.0]], object))
        model.finish()
    solution = model.calculate()
    assert solution["'[block.xlsx]SHEET'!C1"].value[0, 0] == 10  # 1 + 2 + 3 + 4
    assert solution["'[block.xlsx]SHEET'!C2"].value[0, 0] == 4


def test_blank_and_error_values_are_the_engines(tmp_path):
    book = Workbook()
    book.active.title = "Sheet"
    book.active["A1"], book.active["B1"], book.active["B2"] = 1, "=ISBLANK(A1)", "=ISERROR(A1)"
    book.save(tmp_path / "blank.xlsx")
    model = _loaded(tmp_path / "blank.xlsx")
    node = "'[blank.xlsx]SHEET'!A1"
    assert model.calculate()["'[blank.xlsx]SHEET'!B1"].value[0, 0].item() is False
    assert model.calculate(inputs={node: [[blank()]]})["'[blank.xlsx]SHEET'!B1"].value[0, 0].item() is True
    assert model.calculate(inputs={node: error_value("#N/A")})["'[blank.xlsx]SHEET'!B2"].value[0, 0].item() is True
    assert str(error_value("#DIV/0!")) == "#DIV/0!"
    assert error_value("#NOPE!") is None and error_value("text") is None


def test_release_books_drops_the_workbooks_a_loaded_model_holds(tmp_path):
    workbook = load_workbook_as_formulas_does(str(_tiny_book(tmp_path)))
    model = formulas.ExcelModel()
    hold_book(model, "held.xlsx", workbook)
    with model_progress():
        model.loads("held.xlsx").finish()
    assert any(workbook in data.values() for data in model.books.values())
    release_books(model)
    assert not any(workbook in data.values() for data in model.books.values())
    assert model.calculate()["'[held.xlsx]SHEET'!B1"].value[0, 0] == 6  # calculating needs no book


def test_drop_external_links_leaves_formulas_no_other_book_to_load(tmp_path):
    from types import SimpleNamespace

    workbook = load_workbook_as_formulas_does(str(_tiny_book(tmp_path)))
    workbook._external_links = [SimpleNamespace(file_link=SimpleNamespace(Target="other.xlsx"))]
    model = formulas.ExcelModel()
    hold_book(model, "linked.xlsx", workbook)
    model.add_book("linked.xlsx")  # formulas maps link 1 to the book it names
    assert model.books["LINKED.XLSX"]["external_links"] == {"1": ("", "other.xlsx")}
    drop_external_links(workbook)
    model = formulas.ExcelModel()
    hold_book(model, "linked.xlsx", workbook)
    model.add_book("linked.xlsx")
    assert model.books["LINKED.XLSX"]["external_links"] == {}


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


def test_cells_in_order_are_the_cells_held_row_by_row_and_none_is_made(tmp_path):
    ws = load_workbook_as_formulas_does(str(_tiny_book(tmp_path))).active
    assert [c.coordinate for c in cells_in_order(ws)] == ["A1", "B1", "A2"]
    assert (2, 2) not in cell_map(ws)  # B2, inside the used range, was not made


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


def test_error_type_is_the_class_of_the_errors_the_engine_computes(tmp_path):
    book = Workbook()
    book.active.title = "Sheet"
    book.active["A1"], book.active["A2"] = "=1/0", '="#N/A"'
    book.save(tmp_path / "errors.xlsx")
    solution = _loaded(tmp_path / "errors.xlsx").calculate()
    division = value_at(solution["'[errors.xlsx]SHEET'!A1"], 0, 0)
    text = value_at(solution["'[errors.xlsx]SHEET'!A2"], 0, 0)
    assert isinstance(division, error_type()) and str(division) == "#DIV/0!"
    assert text == "#N/A" and not isinstance(text, error_type())  # text that looks like an error
    assert isinstance(error_value("#N/A"), error_type())


def test_parse_error_type_is_what_loading_an_unparsable_defined_name_raises(tmp_path):
    from openpyxl.workbook.defined_name import DefinedName

    book = Workbook()
    book.active.title = "Sheet"
    book.active["A1"] = "=Broken"
    book.defined_names["Broken"] = DefinedName("Broken", attr_text="Sheet!$B$0")
    book.save(tmp_path / "names.xlsx")
    with pytest.raises(parse_error_type()) as raised:
        _loaded(tmp_path / "names.xlsx")
    assert raised.value.args[-1] == "=Sheet!$B$0"


def test_wrap_ranges_hands_arrays_and_an_array_type_result_fills_the_array_range(tmp_path):
    seen = []

    def doubled(values):
        seen.append(type(values))
        return (np.asarray(values, dtype=float) * 2).view(array_type())

    table = function_table()
    table["TN_TEST_DOUBLED"] = wrap_ranges(doubled)
    try:
        book = Workbook()
        book.active.title = "Sheet"
        book.active["A1"], book.active["A2"] = 1, 2.5
        book.active["B1"] = ArrayFormula("B1:B2", "=TN_TEST_DOUBLED(A1:A2)")
        book.save(tmp_path / "doubled.xlsx")
        solution = _loaded(tmp_path / "doubled.xlsx").calculate()
    finally:
        del table["TN_TEST_DOUBLED"]
    result = solution["'[doubled.xlsx]SHEET'!B1:B2"]
    assert [value_at(result, i, 0) for i in (0, 1)] == [2.0, 5.0]  # 1 x 2, 2.5 x 2
    assert seen and all(issubclass(kind, np.ndarray) for kind in seen)


def test_is_unimplemented_tells_formulas_stand_in_from_a_function():
    table = function_table()
    assert is_unimplemented(table["TN_NO_SUCH_FUNCTION"])
    assert not is_unimplemented(table["SUM"])
    del table["TN_NO_SUCH_FUNCTION"]  # the defaultdict kept the stand-in it made
