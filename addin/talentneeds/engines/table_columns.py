"""Tables' columns as the engine takes them: constant columns as blocks, calculated
columns as array formulas. Both edit the evaluation copy (openpyxl) before it is compiled.

* :func:`take_constant_blocks` -- see :class:`Block`;
* :func:`calculated_columns_as_arrays` -- ``=F([@Col], ...)`` on every row becomes one
  array formula over the column.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.engines.compat import blank, cell_map, error_value
from talentneeds.engines.udf_adapter import ROWS_SUFFIX
from talentneeds.roster.values import datetime_to_serial

__all__ = ["Block", "block_value", "calculated_columns_as_arrays", "take_constant_blocks", "to_engine"]


def to_engine(value: object) -> object:
    """An input value as the engine stores a cell."""
    if value is None:
        return [[blank()]]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date):  # a datetime too
        return datetime_to_serial(value)
    if isinstance(value, (int, float, np.number)):
        return float(value)
    if isinstance(value, str):
        error = error_value(value)
        return value if error is None else error
    raise TypeError(f"cannot put a {type(value).__name__} into a cell: {value!r}")


def block_value(value: object) -> object:
    """A cell's constant as the engine reads it from openpyxl (see ExcelModel.compile_cell)."""
    if value is None:
        return blank()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 15)
    if isinstance(value, (dt.date, str)):  # a date (a datetime too) as its serial number, as formulas
        return to_engine(value)            # makes of a date cell; a text naming an error as that error
    return value


class Block:
    """The constants of a table's columns, handed to the engine as one array.

    Why: ``formulas`` makes a node for every cell it loads, and a 50,000-row roster has
    a quarter of a million constant cells, which took minutes and gigabytes. A table's
    constant columns go in instead as one constant range -- the way the engine holds an
    array formula's result -- and the ranges formulas read out of the table are
    assembled from it. The values are those the engine would have read cell by cell."""

    def __init__(self, sheet: str, min_row: int, min_col: int, values: np.ndarray):
        self.sheet, self.min_row, self.min_col, self.values = sheet, min_row, min_col, values
        max_row, max_col = min_row + values.shape[0] - 1, min_col + values.shape[1] - 1
        self.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"

    def contains(self, row: int, col: int) -> bool:
        rows, cols = self.values.shape
        return self.min_row <= row < self.min_row + rows and self.min_col <= col < self.min_col + cols


_BLOCK_MIN_CELLS = 2  # a one-cell block saves nothing


def tables(workbook):
    """(sheet, table, (first, last column), (first, last data row)) of every table."""
    for ws in workbook.worksheets:
        for table in ws.tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            first = min_row + (table.headerRowCount if table.headerRowCount is not None else 1)
            yield ws, table, (min_col, max_col), (first, max_row - (table.totalsRowCount or 0))


def take_constant_blocks(workbook) -> list[Block]:
    """Move the constant columns of every table's data rows out of ``workbook`` (the
    evaluation copy) into blocks: each maximal run of adjacent columns in which no data
    cell holds a formula."""
    blocks = []
    for ws, table, (min_col, max_col), (first, last) in tables(workbook):
        if last < first:
            continue
        cells = cell_map(ws)
        constant = [all(cells.get((r, c)) is None or cells[(r, c)].data_type != "f"
                        for r in range(first, last + 1))
                    for c in range(min_col, max_col + 1)]
        runs, start = [], None
        for offset, is_constant in enumerate([*constant, False]):
            if is_constant and start is None:
                start = offset
            elif not is_constant and start is not None:
                runs.append((min_col + start, min_col + offset - 1))
                start = None
        for first_col, last_col in runs:
            if (last - first + 1) * (last_col - first_col + 1) < _BLOCK_MIN_CELLS:
                continue
            values = np.empty((last - first + 1, last_col - first_col + 1), object)
            for r in range(first, last + 1):
                for c in range(first_col, last_col + 1):
                    cell = cells.pop((r, c), None)
                    values[r - first, c - first_col] = block_value(
                        None if cell is None else _cell_constant(cell))
            blocks.append(Block(ws.title, first, first_col, values))
    return blocks


def _cell_constant(cell) -> object:
    if cell.data_type == "e":
        return str(cell.value)
    return cell.value


_THIS_ROW = r"(?:\[\[#This Row\],\[(?P<a>[^\[\]]+)\]\]|\[@\[(?P<b>[^\[\]]+)\]\]|\[@(?P<c>[^\[\]@]+)\])"


def calculated_columns_as_arrays(workbook, names: frozenset[str]) -> list[tuple[str, str]]:
    """Turn each calculated table column ``=F([@Col], b, ...)`` -- F one of our functions
    that returns one value, the other arguments not row-relative, every data cell holding
    exactly the column's formula -- into one array formula ``=F__ROWS(T[Col], b, ...)``
    over the column (see ``udf_adapter.register_row_functions``). Returns (sheet, range)
    of each column turned."""
    from talentneeds import udfs
    from talentneeds.excel.boundary import specs

    single = {spec.name for spec in specs(udfs) if not spec.returns_table} & names
    turned = []
    for ws, table, (min_col, _), (first, last) in tables(workbook):
        columns = {c.name.upper(): c.name for c in table.tableColumns}
        for offset, column in enumerate(table.tableColumns):
            formula = column.calculatedColumnFormula
            text = getattr(formula, "attr_text", None) if formula is not None else None
            if not text or last <= first:
                continue
            pattern = re.compile(rf"^\s*(?P<f>[A-Za-z_][\w.]*)\(\s*(?:{re.escape(table.displayName)})?"
                                 rf"{_THIS_ROW}\s*(?P<rest>(?:,.*)?)\)\s*$", re.I | re.S)
            match = pattern.match(text)
            if (match is None or match["f"].upper() not in single
                    or re.search(r"#This Row|@", match["rest"], re.I)):
                continue
            source = (match["a"] or match["b"] or match["c"]).strip()
            if source.upper() not in columns:
                continue
            col = min_col + offset
            expected = "=" + text
            sheet_cells = cell_map(ws)
            cells = [sheet_cells.get((r, col)) for r in range(first, last + 1)]
            if any(c is None or c.data_type != "f" or c.value != expected for c in cells):
                continue
            letter = get_column_letter(col)
            ref = f"{letter}{first}:{letter}{last}"
            for r in range(first + 1, last + 1):
                del sheet_cells[(r, col)]
            ws.cell(first, col).value = ArrayFormula(
                ref, f"={match['f']}{ROWS_SUFFIX}({table.displayName}[[#Data],[{columns[source.upper()]}]]"
                     f"{match['rest']})")
            turned.append((ws.title, ref))
    return turned
