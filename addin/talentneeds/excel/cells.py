"""Convert what Excel passes for an argument into a model value, or say what is wrong.

Excel hands a function numbers (floats), text, booleans, blanks (None or ""), dates
(datetimes in classic xlwings, serial numbers in Office.js) and ranges (lists of
rows). Every converter here names the argument in its error and says what is valid.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers

from talentneeds.errors import ErrorInCell, InvalidInput, shown
from talentneeds.model.limits import Bound, as_float
from talentneeds.roster import values
from talentneeds.roster.values import MAX_EXCEL_SERIAL, is_blank
from talentneeds.roster.values import date_to_excel_serial  # noqa: F401 -- udfs' name for it
from talentneeds.roster.values import number_text as parse_number_text

_PLAIN_SCALARS = frozenset({float, int, bool})  # cells that are never a range or an error


def rows_of(value: object) -> list[list]:
    """Any argument as a list of rows: a scalar is one cell, a flat list one row."""
    if isinstance(value, (list, tuple)):
        if all(isinstance(row, (list, tuple)) for row in value):
            return [list(row) for row in value]
        return [list(value)]
    if hasattr(value, "tolist"):  # a numpy array from a converter
        return rows_of(value.tolist())
    return [[value]]


def single_cell(value: object, name: str) -> object:
    """Unwrap a one-cell range; refuse a bigger one; pass on an error the cell shows."""
    if value is None or type(value) in _PLAIN_SCALARS:
        return value
    if isinstance(value, (list, tuple)):
        rows = rows_of(value)
        cells = [cell for row in rows for cell in row]
        if len(cells) > 1:
            width = max(len(row) for row in rows)
            raise InvalidInput(f"{name} must be a single cell, got a range of {len(rows)} x {width} cells")
        value = cells[0] if cells else None
    code = values.error_code(value)
    if code is not None:
        raise ErrorInCell(name, code)
    return value


def number(value: object, name: str, *, default: float | None = None, minimum: float = 0.0,
           maximum: float | None = None, whole: bool = False, bound: Bound | None = None) -> float:
    """A finite number in [minimum, maximum]; a blank gives ``default`` or, if None, an error.
    ``bound`` (one of :mod:`talentneeds.model.limits`' bounds) stands for minimum, maximum
    and whole, and its wording is the model's.

    Numbers typed as text ("4", "80%") are accepted; booleans and dates are not.
    """
    if bound is not None:
        minimum, maximum, whole = bound.low, bound.high, bound.whole
    kind = type(value)
    # The common case, checked without the general path: without it a scalar function's call
    # took 1.5x as long (AMPLIFIERS_NEEDED 5.6 -> 8.6 us; make bench's goal: within 3x the model).
    if kind is float or kind is int:
        candidate = value if kind is float else as_float(value)  # an int may be beyond a double
        if math.isfinite(candidate) and candidate >= minimum and (maximum is None or candidate <= maximum) \
                and (not whole or candidate == math.floor(candidate)):
            return candidate
    value = single_cell(value, name)
    if is_blank(value):
        if default is None:
            raise InvalidInput(f"{name} is required: {(bound.describe() if bound else _describe_number(minimum, maximum, whole))}, got a blank cell")
        return default
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        candidate = None
    elif isinstance(value, numbers.Real):
        candidate = as_float(value)
    elif isinstance(value, str):
        candidate = parse_number_text(value)
    else:
        candidate = None
    if candidate is None or not math.isfinite(candidate) or candidate < minimum \
            or (maximum is not None and candidate > maximum) \
            or (whole and candidate != math.floor(candidate)):
        raise InvalidInput(f"{name} must be {(bound.describe() if bound else _describe_number(minimum, maximum, whole))}, got {shown(value)}")
    return candidate


def _describe_number(minimum: float, maximum: float | None, whole: bool) -> str:
    kind = "a whole number" if whole else "a number"
    if maximum is None:
        return f"{kind} >= {minimum:g}"
    shown_max = f"{int(maximum):,}" if float(maximum).is_integer() else f"{maximum:,.10g}"
    return f"{kind} from {minimum:g} to {shown_max}"


def text_or_number(value: object, name: str) -> str | float | None:
    """A single cell as text (stripped) or a number; blank gives None."""
    value = single_cell(value, name)
    if is_blank(value):
        return None
    if isinstance(value, str):
        parsed = parse_number_text(value)
        return parsed if parsed is not None else value.strip()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return as_float(value)
    raise InvalidInput(f"{name} must be text or a number, got {shown(value)}")


def boolean(value: object, name: str, *, default: bool | None = None) -> bool | None:
    """TRUE/FALSE, yes/no, y/n, 1/0 (as numbers or text); a blank gives ``default``."""
    value = single_cell(value, name)
    if is_blank(value):
        return default
    answer = values.yes_no(value)
    if answer is not None:
        return answer
    raise InvalidInput(f"{name} must be TRUE or FALSE (or yes/no, y/n, 1/0), got {shown(value)}")


def date(value: object, name: str, *, default: dt.date | None = None) -> dt.date:
    """A date from a datetime, an Excel serial number or text such as 2024-03-01."""
    value = single_cell(value, name)
    valid = "a date (a date cell, an Excel date serial number, or text like 2024-03-01)"
    if is_blank(value):
        if default is None:
            raise InvalidInput(f"{name} is required: {valid}, got a blank cell")
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if 1 <= value < MAX_EXCEL_SERIAL + 1:
            try:
                return values.excel_serial_to_date(float(value))
            except values.BadValue as error:
                raise InvalidInput(str(error)) from None
    if isinstance(value, str):
        try:
            return values.date_text(value, times=True)
        except values.BadValue:
            pass
    raise InvalidInput(f"{name} must be {valid}, got {shown(value)}")


def non_blank_rows(value: object) -> list[tuple[int, list]]:
    """(row number within the range, counted from 1; cells) for every row that is not all blank."""
    return [(i, row) for i, row in enumerate(rows_of(value), start=1)
            if not all(is_blank(cell) for cell in row)]
