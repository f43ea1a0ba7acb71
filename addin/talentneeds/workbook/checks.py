"""A workbook's own checks, read from the workbook: whichever version of the template
made it, it is judged by the checks it has, where it has them.

The master check is the cell the defined name ``AllChecksOK`` points at; the checks are
the formula cells in its column on its sheet that have a label to their left (on the
template, Checks!B4:B16 under Checks!B18). A workbook without the name is read as the
template lays it out: column B of the Checks sheet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException

MASTER_NAME = "AllChecksOK"
CHECKS_SHEET, CHECKS_COLUMN = "Checks", "B"

Values = dict[tuple[str, str], object]


@dataclass(frozen=True)
class Check:
    sheet: str
    cell: str    # "B8"
    label: str   # the text to its left


@dataclass(frozen=True)
class WorkbookChecks:
    checks: tuple[Check, ...]
    master: Check | None

    def failed(self, values: Values) -> list[Check]:
        """The checks whose computed value is not TRUE (FALSE, an error, nothing); the
        master check alone if it is not TRUE while every check is."""
        failed = [check for check in self.checks if values.get((check.sheet, check.cell)) is not True]
        if not failed and self.master is not None and values.get((self.master.sheet, self.master.cell)) is not True:
            return [self.master]
        return failed


def _master_cell(book) -> tuple[str, str] | None:
    """(sheet, "B18") of the workbook-wide name AllChecksOK, if it names one cell."""
    defined = book.defined_names.get(MASTER_NAME)
    if defined is None:
        return None
    try:
        destinations = list(defined.destinations)
    except (AttributeError, ValueError, TypeError):  # a name that is a formula, not a place
        return None
    if len(destinations) != 1 or ":" in destinations[0][1]:
        return None
    sheet, cell = destinations[0]
    try:
        coordinate_from_string(cell.replace("$", ""))
    except (CellCoordinatesException, ValueError):  # "Checks!$B$0", "Checks!": not a cell
        return None
    return (sheet, cell.replace("$", "")) if sheet in _worksheet_titles(book) else None


def _worksheet_titles(book) -> list[str]:
    """The sheets that have cells: a chart sheet has none to read."""
    return [sheet.title for sheet in book.worksheets]


def workbook_checks(data: bytes) -> WorkbookChecks:
    """The checks of the workbook whose bytes are ``data``."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)  # parses only the sheet read
    try:
        master = _master_cell(book)
        sheet, column = CHECKS_SHEET, column_index_from_string(CHECKS_COLUMN)
        if master is not None:
            sheet, column = master[0], column_index_from_string(coordinate_from_string(master[1])[0])
        if sheet not in _worksheet_titles(book):
            return _none_found(sheet, column)
        checks, master_check = [], None
        for number, row in enumerate(book[sheet].iter_rows(max_col=column, values_only=True), start=1):
            row = (*row, *(None,) * (column - len(row)))
            formula, label = row[column - 1], _label(row[:column - 1])
            cell = f"{get_column_letter(column)}{number}"
            if master is not None and (sheet, cell) == master:
                master_check = Check(sheet, cell, label or MASTER_NAME)
            elif isinstance(formula, str) and formula.startswith("=") and label is not None:
                checks.append(Check(sheet, cell, label))
        if master is not None and master_check is None:  # below the sheet's last row: empty, so it fails
            master_check = Check(sheet, master[1], MASTER_NAME)
        if not checks and master_check is None:
            return _none_found(sheet, column)
        return WorkbookChecks(tuple(checks), master_check)
    finally:
        book.close()


def _none_found(sheet: str, column: int) -> WorkbookChecks:
    """A workbook with no check to read fails, as a column that is never TRUE: judged by no
    check at all, any workbook would pass."""
    letter = get_column_letter(column)
    return WorkbookChecks((), Check(sheet, f"{letter}:{letter}", f"no checks found: no cell named {MASTER_NAME} "
                                                                 "and no formula with a label to its left here"))


def _label(cells: tuple) -> str | None:
    """The nearest text left of a check: its label."""
    return next((cell.strip() for cell in reversed(cells)
                 if isinstance(cell, str) and cell.strip() and not cell.startswith("=")), None)
