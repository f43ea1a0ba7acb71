"""The value grammar every roster reader shares: blanks, numbers typed as text, yes/no
words, Excel error codes, dates typed as text, and Excel's serial dates.

Standard library only (and :mod:`talentneeds.model.limits`): the Excel functions import it (and run in Pyodide without
openpyxl), the roster import uses the same rules. A value that does not fit raises
:class:`BadValue`, whose message says why and what is valid; each caller puts the
argument's or the column's name in front.

Excel's 1900 date system is defined here once (:data:`EXCEL_EPOCH`) rather than taken
from ``openpyxl.utils.datetime``: the functions must convert serials without openpyxl,
and the import writes the serials they read, so both sides use these two functions.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from talentneeds.model.limits import is_number

# Excel's 1900 date system: serial 1 is 1900-01-01, and Excel counts a 29 February
# 1900 that never was (serial 60), so from serial 61 on the epoch is 1899-12-30.
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_DATE = EXCEL_EPOCH.date()
_BEFORE_LEAP_BUG = dt.date(1899, 12, 31)
MAX_EXCEL_SERIAL = 2958465  # 9999-12-31

# Every error value Excel shows in a cell (as xlwings reads it with err_to_str=True).
ERROR_CODES = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!",
                         "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!",
                         "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"})

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
DATE_FORMS = "a date like 2024-01-15, 15/01/2024, 15.01.2024, 15 Jan 2024 or Jan 15, 2024"


class BadValue(ValueError):
    """A value is not valid; the message says why and what is (the caller names where)."""


class Undecided(BadValue):
    """A date like 03/04/2024 whose day/month order nothing decides."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def number_text(text: str) -> float | None:
    """A number typed as text ("4", " 2.5 ", "1e3", "80%" is 0.8), else None."""
    text = text.strip().replace("\u00a0", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return None
    number = float(text)
    return number / 100 if percent else number


def yes_no(value: object) -> bool | None:
    """TRUE/FALSE, yes/no, y/n, x, 1/0 as a boolean, number or text; None if it is none of them."""
    if isinstance(value, bool):
        return value
    if is_number(value):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        key = value.strip().casefold()
        if key in TRUE_WORDS:
            return True
        if key in FALSE_WORDS:
            return False
    return None


def error_code(value: object) -> str | None:
    """The Excel error code a text cell holds ("#N/A" ...), else None."""
    if isinstance(value, str):
        code = value.strip().upper()
        if code in ERROR_CODES:
            return code
    return None


# ---------------------------------------------------------------- serial dates

def date_to_excel_serial(day: dt.date) -> float:
    """Excel's serial number of a date, as its own date functions (EDATE) return it; the
    inverse of :func:`excel_serial_to_date` (before 1 March 1900 Excel counts a 29 February
    1900 that did not exist, so those serials are one less)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if day < dt.date(1900, 3, 1):
        return float((day - _BEFORE_LEAP_BUG).days)
    return float((day - _EPOCH_DATE).days)


def datetime_to_serial(value: dt.date) -> float:
    """A date or datetime as the engines store it: days since :data:`EXCEL_EPOCH`, the
    time of day a fraction (LibreOffice's serials too; before March 1900, where Excel
    counts its extra leap day, one more than Excel's: see :func:`date_to_excel_serial`)."""
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86400
    return float((value - _EPOCH_DATE).days)


def excel_serial_to_date(serial: float) -> dt.date:
    whole = math.floor(serial)
    if whole == 60:
        raise BadValue("the Excel date serial 60 is 29 February 1900, a day that did not exist")
    if whole < 60:
        return _BEFORE_LEAP_BUG + dt.timedelta(days=whole)
    return _EPOCH_DATE + dt.timedelta(days=whole)


# ---------------------------------------------------------------- dates typed as text

_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_TIME = re.compile(r"^(.*?)[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_SHORT_YEAR = re.compile(r"^\d{1,2}([/.-])\d{1,2}\1\d{2}$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{4})$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?[ -](\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def date_text(text: str, order: str | None = None, *, times: bool = False) -> dt.date:
    """A date typed as text; ``order`` "day" or "month" for 03/04/2024 (None: only an
    order the date itself shows). A time of day is refused unless ``times`` (midnight
    is no time of day)."""
    text = " ".join(text.split()).casefold()
    timed = _TIME.match(text)
    if timed:
        text = timed.group(1)
        if not times and any(int(part or 0) for part in timed.group(2, 3, 4, 5)):
            raise BadValue(f"has a time of day ({timed.group(2)}:{timed.group(3)}); give the date only")
    if _NUMBER.match(text):
        raise BadValue("is a number, not a date (an Excel serial number is not accepted from a CSV file: it "
                       f"cannot be checked); export the dates as text, {DATE_FORMS}")
    if _SHORT_YEAR.match(text):
        raise BadValue(f"has a two-digit year; give the year in full, {DATE_FORMS}")
    if match := _ISO.match(text) or _YMD_SLASH.match(text):
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.match(text):
        first, sep, second, year = int(match.group(1)), match.group(2), int(match.group(3)), int(match.group(4))
        if sep == ".":  # 15.01.2024 is written day first wherever it is written
            return _make_date(year, second, first)
        if first == second or order == "day" or (order is None and first > 12 >= second):
            return _make_date(year, second, first, "read day-first")
        if order == "month" or (order is None and second > 12 >= first):
            return _make_date(year, first, second, "read month-first")
        if first > 12 and second > 12:
            raise BadValue(f"is not a date: neither {first} nor {second} can be a month; valid: {DATE_FORMS}")
        raise Undecided("could be day-first or month-first")
    if match := _DAY_MONTH.match(text):
        return _make_date(int(match.group(3)), _month(match.group(2)), int(match.group(1)))
    if match := _MONTH_DAY.match(text):
        return _make_date(int(match.group(3)), _month(match.group(1)), int(match.group(2)))
    raise BadValue(f"is not a date; valid: {DATE_FORMS}")


def date_order_evidence(text: str) -> tuple[int, int] | None:
    """(first, second) of a 03/04/2024-style date (slash or dash), else None."""
    match = _NUMERIC.match(" ".join(text.split()))
    if match is None or match.group(2) == ".":
        return None
    return int(match.group(1)), int(match.group(3))


def _month(name: str) -> int:
    if name not in _MONTHS:
        raise BadValue(f"has no month {name!r}; valid: {DATE_FORMS}")
    return _MONTHS[name]


def _make_date(year: int, month: int, day: int, how: str = "") -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise BadValue(f"is not a date{f' ({how})' if how else ''}: {error}; valid: {DATE_FORMS}") from None
