"""Convert what Excel passes for an argument into a model value, or say what is wrong.

Excel hands a function numbers (floats), text, booleans, blanks (None or ""), dates
(datetimes in classic xlwings, serial numbers in Office.js) and ranges (lists of
rows). Every converter here names the argument in its error and says what is valid.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Sequence

from talentneeds.errors import ErrorInCell, InvalidInput, shown
from talentneeds.model.limits import as_float

# Excel's 1900 date system: serial 1 is 1900-01-01, and Excel counts a 29 February
# 1900 that never was (serial 60), so from serial 61 on the epoch is 1899-12-30.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_EXCEL_SERIAL = 2958465  # 9999-12-31
_TEXT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
                      "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
# What an error cell arrives as when xlwings reads it with err_to_str=True.
EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!",
                          "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"})
_PLAIN_SCALARS = frozenset({float, int, bool})  # cells that are never a range or an error
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        raise ErrorInCell(name, value.strip().upper())
    return value


def parse_number_text(text: str) -> float | None:
    text = text.strip().replace("\u00a0", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return None
    number = float(text)
    return number / 100 if percent else number


def number(value: object, name: str, *, default: float | None = None, minimum: float = 0.0,
           maximum: float | None = None, whole: bool = False) -> float:
    """A finite number in [minimum, maximum]; a blank gives ``default`` or, if None, an error.

    Numbers typed as text ("4", "80%") are accepted; booleans and dates are not.
    """
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
            raise InvalidInput(f"{name} is required: {_describe_number(minimum, maximum, whole)}, got a blank cell")
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
        raise InvalidInput(f"{name} must be {_describe_number(minimum, maximum, whole)}, got {shown(value)}")
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
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise InvalidInput(f"{name} must be TRUE or FALSE (or yes/no, y/n, 1/0), got {shown(value)}")


def date_to_excel_serial(day: dt.date) -> float:
    """Excel's serial number of a date, as its own date functions (EDATE) return it; the
    inverse of :func:`excel_serial_to_date` (before 1 March 1900 Excel counts a 29 February
    1900 that did not exist, so those serials are one less)."""
    if day < dt.date(1900, 3, 1):
        return float((day - dt.date(1899, 12, 31)).days)
    return float((day - _EXCEL_EPOCH).days)


def excel_serial_to_date(serial: float) -> dt.date:
    whole = math.floor(serial)
    if whole == 60:
        raise InvalidInput("the Excel date serial 60 is 29 February 1900, a day that did not exist")
    if whole < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=whole)
    return _EXCEL_EPOCH + dt.timedelta(days=whole)


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
            return excel_serial_to_date(float(value))
    if isinstance(value, str):
        text = value.strip()
        for fmt in _TEXT_DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise InvalidInput(f"{name} must be {valid}, got {shown(value)}")


def non_blank_rows(value: object) -> list[tuple[int, list]]:
    """(row number within the range, counted from 1; cells) for every row that is not all blank."""
    return [(i, row) for i, row in enumerate(rows_of(value), start=1)
            if not all(is_blank(cell) for cell in row)]


def header_key(cell: object) -> str:
    """Header matching ignores case, spaces, punctuation and Unicode forms: "Start date" ==
    "start_date" == "Ｓｔａｒｔ ｄａｔｅ" (full-width, NFKC)."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", str(cell)).lower()) if not is_blank(cell) else ""


def find_columns(header: Sequence, wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each wanted field, found by any of its header aliases."""
    keys = [header_key(cell) for cell in header]
    found = {}
    for field, aliases in wanted.items():
        for alias in aliases:
            if alias in keys:
                found[field] = keys.index(alias)
                break
    return found
