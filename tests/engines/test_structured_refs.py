"""Structured table references -> A1: the forms Excel writes, and clear errors for the rest."""

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table

from talentneeds.engines.structured_refs import (
    StructuredReferenceError, TableIndex, rewrite_formula, rewrite_workbook,
)

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "talent-needs.xlsx"
NAMES = frozenset({"ASOF", "NTEAMS"})


def _book() -> Workbook:
    """The prototype's tables: Staff A1:E5 (Name, Role, Start, Active, FTE) and
    Teams A1:B4 (Teams, Size); plus Costs A1:B4 with a totals row and awkward names."""
    wb = Workbook()
    staff = wb.active
    staff.title = "Staff"
    for row in (["Name", "Role", "Start", "Active", "FTE"], ["Ann", "Amplifier", 1, True, 1.0],
                ["Bob", "Amplifier", 2, False, 0.5], ["Cy", "Iterator", None, True, None],
                ["Di", "Amplifier", 3, True, "n/a"]):
        staff.append(row)
    staff.add_table(Table(displayName="Staff", ref="A1:E5"))
    teams = wb.create_sheet("Teams")
    for row in (["Teams", "Size"], [1, 5], [2, 7], [3, 6]):
        teams.append(row)
    teams.add_table(Table(displayName="Teams", ref="A1:B4"))
    costs = wb.create_sheet("Cost sheet")
    for row in (["Cost [USD]", "#Items"], [10, 1], [20, 2], [None, None]):
        costs.append(row)
    costs.add_table(Table(displayName="Costs", ref="A1:B4", totalsRowCount=1))
    wb.create_sheet("Calc")
    wb.defined_names["AsOf"] = DefinedName("AsOf", attr_text="Calc!$A$1")
    return wb


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> TableIndex:
    # saved and read back: tableColumns are only filled in when openpyxl writes a table
    path = tmp_path_factory.mktemp("refs") / "book.xlsx"
    _book().save(path)
    return TableIndex(load_workbook(path))


@pytest.mark.parametrize("formula, expected", [
    ("=INTERNAL_AMPLIFIERS(Staff[#All], AsOf)", "=INTERNAL_AMPLIFIERS('Staff'!$A$1:$E$5, AsOf)"),
    ("=SUM(Teams[Teams])", "=SUM('Teams'!$A$2:$A$4)"),
    ("=SUM(Teams[[#Data],[Size]])", "=SUM('Teams'!$B$2:$B$4)"),
    ("=COUNTA(Staff[#Headers])", "=COUNTA('Staff'!$A$1:$E$1)"),
    ("=COUNTA(Staff[[#Headers],[#Data],[FTE]])", "=COUNTA('Staff'!$E$1:$E$5)"),
    ("=COUNTA(Staff[[Name]:[Role]])", "=COUNTA('Staff'!$A$2:$B$5)"),
    ('=IF(A1="Teams[Teams]",SUM(Teams),0)', "=IF(A1=\"Teams[Teams]\",SUM('Teams'!$A$2:$B$4),0)"),
    ("=SUM(teams[size])", "=SUM('Teams'!$B$2:$B$4)"),
    ("=ROWS(Teams[])", "=ROWS('Teams'!$A$2:$B$4)"),
    ("=ROWS(Teams[#Data])", "=ROWS('Teams'!$A$2:$B$4)"),
    ("=COUNTA(Staff[[#All],[Role]:[Start]])", "=COUNTA('Staff'!$B$1:$C$5)"),
    ("=COUNTA(Staff[ [#Headers], [Role] ])", "=COUNTA('Staff'!$B$1)"),
    ("=SUM(Teams!Teams[Size])", "=SUM('Teams'!$B$2:$B$4)"),
    ("=SUM(Costs[Cost '[USD']])", "=SUM('Cost sheet'!$A$2:$A$3)"),
    ("=SUM(Costs['#Items])", "=SUM('Cost sheet'!$B$2:$B$3)"),
    ("=Costs[[#Totals],[Cost '[USD']]]", "='Cost sheet'!$A$4"),
    ("=SUM(Costs[[#Data],[#Totals],['#Items]])", "=SUM('Cost sheet'!$B$2:$B$4)"),
    ("=SUM(A1:B2)+AsOf", "=SUM(A1:B2)+AsOf"),
])
def test_rewrites_the_prototype_cases_and_more(tables, formula, expected):
    assert rewrite_formula(formula, tables, "Calc", "C10", global_names=NAMES) == expected


@pytest.mark.parametrize("formula, cell, expected", [
    ("=Teams[@Size]*2", "C3", "='Teams'!$B$3*2"),  # beside the table, same row
    ("=[@Size]*2", "B3", "='Teams'!$B$3*2"),        # inside the table: its own table
    ("=Teams[[#This Row],[Size]]", "C3", "='Teams'!$B$3"),
    ("=Teams[@[Size]]", "C3", "='Teams'!$B$3"),
    ("=SUM(Teams[@])", "C3", "=SUM('Teams'!$A$3:$B$3)"),
])
def test_this_row_forms_resolve_to_the_row_of_the_cell(tables, formula, cell, expected):
    assert rewrite_formula(formula, tables, "Teams", cell) == expected


def test_formulas_without_structured_references_come_back_unchanged(tables):
    formula = "=SUM( A1 , B1 )"
    assert rewrite_formula(formula, tables, "Calc", "A1") is formula
    assert rewrite_formula("plain text [x]", tables) == "plain text [x]"
    assert rewrite_formula(42, tables) == 42


@pytest.mark.parametrize("formula, sheet, cell, reason", [
    ("=SUM(Teams[Headcount])", "Calc", "B7", "no column 'HEADCOUNT'"),
    ("=SUM(Nope[Size])", "Calc", "B7", "no table named Nope"),
    ("=Teams[@Size]", "Calc", "B7", "#This Row is used outside the data rows"),
    ("=Teams[@Size]", "Teams", "B1", "#This Row is used outside the data rows"),
    ("=[@Size]", "Calc", "B7", "only valid inside a table"),
    ("=SUM(Teams[#Totals])", "Calc", "B7", "has no totals row"),
    ("=SUM(Teams[[#Headers],[#Totals]])", "Calc", "B7", "does not combine"),
    ("=SUM(Teams[[Teams],[Size]])", "Calc", "B7", "[First]:[Last]"),
    ("=SUM([Book.xlsx]Sheet!T[Col])", "Calc", "B7", "other workbooks"),
])
def test_unresolvable_references_name_the_sheet_cell_and_reference(tables, formula, sheet, cell, reason):
    with pytest.raises(StructuredReferenceError) as caught:
        rewrite_formula(formula, tables, sheet, cell)
    error = caught.value
    assert (error.sheet, error.cell) == (sheet, cell)
    assert error.reference in formula
    assert reason in str(error) and f"{sheet}!{cell}" in str(error) and error.reference in str(error)


def test_a_bad_reference_in_a_defined_name_names_the_name(tmp_path):
    wb = _book()
    wb.defined_names["Broken"] = DefinedName("Broken", attr_text="Teams[Nope]")
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(StructuredReferenceError, match="defined name Broken: cannot resolve Teams\\[Nope\\]"):
        rewrite_workbook(load_workbook(tmp_path / "b.xlsx"))


def test_rewrite_workbook_rewrites_cells_array_formulas_names_and_inlines_sheet_names(tmp_path):
    wb = _book()
    calc = wb["Calc"]
    calc["B1"] = "=SUM(Teams[Size])"
    calc["B2"] = ArrayFormula("B2:B4", "=Teams[Size]*2")
    calc["B5"] = "=LocalX*2"
    calc["B6"] = "=Calc!LocalX+LocalExpr"
    calc.defined_names["LocalX"] = DefinedName("LocalX", attr_text="Calc!$A$1")  # sheet-scoped
    calc.defined_names["LocalExpr"] = DefinedName("LocalExpr", attr_text="Calc!$A$1*10")
    wb.defined_names["Sizes"] = DefinedName("Sizes", attr_text="Teams[Size]")
    wb.save(tmp_path / "in.xlsx")
    book = load_workbook(tmp_path / "in.xlsx")
    assert rewrite_workbook(book) == 5
    calc = book["Calc"]
    assert calc["B1"].value == "=SUM('Teams'!$B$2:$B$4)"
    assert (calc["B2"].value.ref, calc["B2"].value.text) == ("B2:B4", "='Teams'!$B$2:$B$4*2")
    assert calc["B5"].value == "=Calc!$A$1*2"
    assert calc["B6"].value == "=Calc!$A$1+(Calc!$A$1*10)"
    assert book.defined_names["Sizes"].attr_text == "'Teams'!$B$2:$B$4"


def test_every_structured_reference_in_the_template_resolves():
    book = load_workbook(TEMPLATE)
    assert rewrite_workbook(book) > 20
    leftovers = [(ws.title, c.coordinate, c.value) for ws in book.worksheets for row in ws.iter_rows()
                 for c in row if c.data_type == "f" and "[" in str(getattr(c.value, "text", c.value))]
    assert leftovers == []
    roles_end = book["Roles"].tables["Roles"].ref.split(":")[1]  # e.g. B40
    assert book["Staff"]["F5"].value == f"=ARCHETYPE('Staff'!$B$5,'Roles'!$A$4:$B${roles_end[1:]})"
    assert book["Staff"]["F24"].value.startswith("=ARCHETYPE('Staff'!$B$24,")
    assert book["Needs"]["B3"].value == "=SUM('Teams'!$D$5:$D$7)"
    assert book["Needs"]["B12"].value.startswith("=INTERNAL_AMPLIFIERS('Staff'!$A$4:$F$24,AsOf,")
