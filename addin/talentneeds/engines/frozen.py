"""A computed workbook for applications that lack our functions: LibreOffice, viewers.

LibreOffice recalculates every array formula when it opens a file, whatever values are
stored, and it has no Talent Needs functions, so our tables would show #NAME? there.
:func:`freeze_our_functions` writes a copy in which every cell that calls one of our
functions holds the value we computed as a constant; every other formula -- Excel's
own functions over those values and the inputs -- stays a formula. Charts, tables,
names and formats are kept (the copy is made at the XML level, not through openpyxl).
Used to render pictures of the sheets and to compare LibreOffice's arithmetic with ours.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.engines.cached_values import Address, write_cached_values
from talentneeds.excel.boundary import CellError

__all__ = ["freeze_our_functions", "functions_called"]


def functions_called(formula: str) -> set[str]:
    """The names of the functions a formula calls, upper case."""
    try:
        items = Tokenizer(formula).items
    except TokenizerError:
        return set()
    return {token.value.rstrip("(").upper() for token in items
            if token.type == Token.FUNC and token.subtype == Token.OPEN}


def freeze_our_functions(in_path: str | Path, out_path: str | Path) -> dict[Address, object]:
    """Write ``out_path``: ``in_path`` (a computed workbook) with the cells that call our
    functions frozen to their stored values. Returns the stored values of the formulas
    that stay, {(sheet, "A1"): value}."""
    from talentneeds.udfs import __all__ as ours

    formulas, values = load_workbook(in_path), load_workbook(in_path, data_only=True)
    native: dict[Address, object] = {}
    frozen: dict[Address, object] = {}
    anchors: list[Address] = []
    for ws in formulas.worksheets:
        stored = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value
                if not (isinstance(text, str) and text.startswith("=")):
                    continue
                if not functions_called(text) & set(ours):
                    native[(ws.title, cell.coordinate)] = stored[cell.coordinate].value
                    continue
                anchors.append((ws.title, cell.coordinate))
                area = cell.value.ref if isinstance(cell.value, ArrayFormula) else cell.coordinate
                min_col, min_row, max_col, max_row = range_boundaries(area)
                for r in range(min_row, max_row + 1):
                    for c in range(min_col, max_col + 1):
                        frozen[(ws.title, f"{get_column_letter(c)}{r}")] = _stored(stored.cell(r, c))
    write_cached_values(in_path, out_path, frozen, frozen=anchors)
    return native


def _stored(cell) -> object:
    """A stored value as the writer takes it: an error cell is an error again (openpyxl
    reads it as its code's text, which would be written back as text)."""
    return CellError(cell.value, "") if cell.data_type == "e" else cell.value
