"""Import an HR roster (CSV or Excel) into the Staff table of a Talent Needs workbook.

Two halves, kept apart:

* **Reading** (:func:`read_roster`, :func:`parse_roster`): the roster file becomes a list
  of :class:`Person`. Columns are found by header (case, spaces, punctuation and common
  synonyms ignored); every value is checked and every problem collected, each naming the
  file, the row or line as the user sees it, the column's header, the value and what
  would be valid. Nothing is guessed silently: a date like ``03/04/2024`` is read
  day-first or month-first only when another date in the column decides it (or the user
  says so), a number is never taken for an Excel serial date in a CSV, and whatever was
  trimmed, defaulted or ignored is reported (:attr:`Roster.notes`).
* **Writing** (:func:`write_roster`): the people replace the Staff table's body rows (or
  follow them, ``append``) at the XML level, like :mod:`talentneeds.engines.cached_values`
  stores computed values: the Staff sheet's XML is scanned with expat for byte offsets,
  the rows of the table are rebuilt, and every other byte of the sheet and every other
  zip member is kept as it was. The table part's ``ref`` (and its autoFilter's), the
  sheet's ``<dimension>`` and the workbook's ``<calcPr fullCalcOnLoad="1">`` (the cached
  values are stale now) are the only other changes; ``styles.xml`` gains a quote-prefixed
  copy of a column's style when a text starts like a formula (``=``, ``+``, ``-``,
  ``@``), so that Excel keeps it text when the cell is edited.

:func:`import_roster` puts the two together with the user-facing policy (never replace
a roster that is not the template's example without ``replace``; refuse duplicates
without ``allow_duplicates``; never overwrite an output file without ``force``).
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import datetime as dt
import io
import numbers
import re
import shlex
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

# private helpers of the cached-values writer, shared on purpose: the same defused expat
# parser, the same way of finding parts, the same text escaping
from talentneeds.engines.cached_values import (
    _CELL,
    CachedValuesError,
    _apply,
    _copy_zip,
    _escape_text,
    _ooxml_string,
    _parser,
    _relationships,
    _rels_part,
    _tag_end,
    _target,
    _workbook_part,
    _worksheet_parts,
)
from talentneeds import excel_text
from talentneeds.errors import InvalidInput, shown
from talentneeds.workbook import roster_text

ROSTER_SUFFIXES = (".csv", ".xlsx", ".xlsm")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_TEXT = excel_text.EXCEL_MAX_TEXT  # counted in UTF-16 code units
FIRST_YEAR, LAST_YEAR = 1950, 2100
HEADER_SEARCH_ROWS = 20  # the header may follow a title or a note: look this far down
FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may take for a formula
TABLE_NAME = "Staff"

# ---------------------------------------------------------------- errors


class RosterImportError(InvalidInput):
    """A roster cannot be imported as it is; the message says why and what would do."""


class RosterFileError(RosterImportError):
    """The roster or workbook file itself: unsupported type, unreadable, a required
    column missing, an output that exists."""


# Problems named in one message, at most; beyond, it says how many more there are.
SHOWN_PROBLEMS = 20


class RosterProblems(RosterImportError):
    """Bad values (or duplicates) in the roster: every one is in :attr:`problems`; the
    message names every one (the first SHOWN_PROBLEMS, then how many more), so that a
    user fixes them all in one go."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        shown_problems = "; ".join(str(p) for p in self.problems[:SHOWN_PROBLEMS])
        more = f" (and {count - SHOWN_PROBLEMS} more)" if count > SHOWN_PROBLEMS else ""
        super().__init__(shown_problems + more if count == 1 else f"{count} problems: {shown_problems}{more}")


class StaffTableError(RosterImportError):
    """The workbook's Staff table cannot take the roster as asked (its own roster would be
    replaced, it would grow over other cells, it is not a Talent Needs Staff table)."""


@dataclass(frozen=True)
class Problem:
    where: str    # "roster.csv line 7, column 'Hire date'"
    message: str  # '"31/02/2024" is not a date ...'

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


# ---------------------------------------------------------------- the roster

FIELDS = ("name", "role", "team", "start", "soft")
LABELS = {"name": "Name", "role": "Role", "team": "Team", "start": "Start date", "soft": "Soft skills"}
REQUIRED = ("name", "role", "start")
SYNONYMS = {
    "name": ("name", "full name", "employee", "employee name", "person", "person name", "staff name"),
    "role": ("role", "title", "job title", "position", "job role", "role title"),
    "team": ("team", "department", "dept", "group", "org unit", "organisational unit", "organizational unit"),
    "start": ("start date", "hire date", "start", "date hired", "joined", "joining date", "date joined",
              "hired", "date of joining"),
    "soft": ("soft skills", "people skills", "manager ready", "management potential"),
}


def header_key(text: object) -> str:
    """A header as it is matched: NFKC, lower case, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)).casefold() if ch.isalnum())


_FIELD_OF = {header_key(synonym): name for name, synonyms in SYNONYMS.items() for synonym in synonyms}


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    team: str | None
    start: dt.date
    soft_skills: bool
    row: int  # the line (CSV) or row (Excel) of the roster file


@dataclass
class Roster:
    people: list[Person]
    source: str                      # the file, as the user named it
    row_word: str                    # "line" (CSV) or "row" (Excel)
    columns: dict[str, str]          # field -> the header it was found under
    ignored: list[str] = field(default_factory=list)   # headers of columns not imported
    notes: list[str] = field(default_factory=list)     # what was defaulted, trimmed, decided


class _Bad(Exception):
    """A value is not valid; the message says why and what is."""


class _Undecided(_Bad):
    """A date like 03/04/2024 in a column whose order is undecided (reported for the column)."""


class _CellError:
    """An Excel error value (#N/A ...) read from a spreadsheet cell."""

    def __init__(self, code: str):
        self.code = code


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trim(text: str) -> str:
    """Surrounding spaces off; tabs and line breaks are kept (a leading tab can be part of
    a formula-like text that must be stored exactly)."""
    return text.strip(" \u00a0")


_DATE_FORMS = "a date like 2024-01-15, 15/01/2024, 15.01.2024, 15 Jan 2024 or Jan 15, 2024"
_BOOL_FORMS = "TRUE/FALSE, yes/no, y/n, 1/0, or x/blank"
_TRUE = frozenset({"true", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "no", "n", "0"})
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


def _date_text(text: str, order: str | None) -> dt.date:
    """A date typed as text; ``order`` "day" or "month" for 03/04/2024 (None: undecided)."""
    text = " ".join(text.split()).casefold()
    timed = _TIME.match(text)
    if timed:
        text = timed.group(1)
        if any(int(part or 0) for part in timed.group(2, 3, 4, 5)):
            raise _Bad(f"has a time of day ({timed.group(2)}:{timed.group(3)}); give the date only")
    if _NUMBER.match(text):
        raise _Bad("is a number, not a date (an Excel serial number is not accepted from a CSV file: it "
                   f"cannot be checked); export the dates as text, {_DATE_FORMS}")
    if _SHORT_YEAR.match(text):
        raise _Bad(f"has a two-digit year; give the year in full, {_DATE_FORMS}")
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
            raise _Bad(f"is not a date: neither {first} nor {second} can be a month; valid: {_DATE_FORMS}")
        raise _Undecided("could be day-first or month-first")
    if match := _DAY_MONTH.match(text):
        return _make_date(int(match.group(3)), _month(match.group(2)), int(match.group(1)))
    if match := _MONTH_DAY.match(text):
        return _make_date(int(match.group(3)), _month(match.group(1)), int(match.group(2)))
    raise _Bad(f"is not a date; valid: {_DATE_FORMS}")


def _month(name: str) -> int:
    if name not in _MONTHS:
        raise _Bad(f"has no month {name!r}; valid: {_DATE_FORMS}")
    return _MONTHS[name]


def _make_date(year: int, month: int, day: int, how: str = "") -> dt.date:
    try:
        date = dt.date(year, month, day)
    except ValueError as error:
        raise _Bad(f"is not a date{f' ({how})' if how else ''}: {error}; valid: {_DATE_FORMS}") from None
    return _in_range(date)


def _in_range(date: dt.date) -> dt.date:
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise _Bad(f"is out of range: a start date must be from {FIRST_YEAR} to {LAST_YEAR}")
    return date


def _date_order_evidence(text: str) -> tuple[int, int] | None:
    """(first, second) of a 03/04/2024-style date (slash or dash), else None."""
    match = _NUMERIC.match(" ".join(text.split()))
    if match is None or match.group(2) == ".":
        return None
    return int(match.group(1)), int(match.group(3))


def _date_value(value: object, order: str | None) -> dt.date:
    if isinstance(value, _CellError):
        raise _Bad(f"the cell shows {value.code}; fix that cell first")
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise _Bad(f"has a time of day ({value:%H:%M}); give the date only")
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, str):
        return _date_text(value, order)
    if isinstance(value, bool):
        raise _Bad(f"is a TRUE/FALSE value, not a date; valid: {_DATE_FORMS}")
    if isinstance(value, numbers.Real):
        raise _Bad("is a number, not a date (is the column formatted as a date in the spreadsheet?); "
                   f"valid: {_DATE_FORMS}")
    raise _Bad(f"is not a date; valid: {_DATE_FORMS}")


def _bool_value(value: object) -> bool:
    if isinstance(value, _CellError):
        raise _Bad(f"the cell shows {value.code}; fix that cell first")
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real) and float(value) in (0.0, 1.0):
        return bool(value)
    if isinstance(value, str):
        key = value.strip().casefold()
        if key in _TRUE:
            return True
        if key in _FALSE or not key:
            return False
    raise _Bad(f"is not a yes/no value; valid: {_BOOL_FORMS}")


def _text_value(value: object) -> str:
    """Text of a name, role or team cell (a number in a spreadsheet cell as it reads)."""
    if isinstance(value, _CellError):
        raise _Bad(f"the cell shows {value.code}; fix that cell first")
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        raise _Bad("is a TRUE/FALSE value; expected text")
    elif isinstance(value, numbers.Real):
        number = float(value)
        text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    elif isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise _Bad("is a date or time; expected text")
    else:
        raise _Bad("is not text")
    length = excel_text.utf16_length(text)
    if length > EXCEL_MAX_TEXT:
        raise _Bad(f"is {length:,} characters long (as Excel counts them); an Excel cell holds at most "
                   f"{EXCEL_MAX_TEXT:,}")
    return text


def _control_problem(value: object) -> str | None:
    """Why a text cell is refused for a control character, or None. Refused rather than
    removed: a NUL or an escape in an HR export means the export is damaged, and a
    silently cleaned name could match (or miss) a different person."""
    problem = excel_text.control_problem(value)
    return None if problem is None else f"{problem} and export again"


def _match_headers(values: Sequence[object]) -> tuple[dict[str, int], list[tuple[str, list[int]]]]:
    """{field: column index} of a candidate header row, and the fields found twice."""
    found: dict[str, list[int]] = {}
    for index, value in enumerate(values):
        if isinstance(value, str) and value.strip():
            name = _FIELD_OF.get(header_key(value))
            if name:
                found.setdefault(name, []).append(index)
    mapping = {name: indexes[0] for name, indexes in found.items()}
    twice = [(name, indexes) for name, indexes in found.items() if len(indexes) > 1]
    return mapping, twice


def _header_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def parse_roster(rows: Iterable[tuple[int, Sequence[object]]], *, source: str, row_word: str = "line",
                 date_order: str | None = None) -> Roster:
    """The people in ``rows`` ((line or row number, values), in file order): pure, no I/O.

    ``date_order``: "day" or "month" for dates like 03/04/2024; None decides from the
    column (a first part above 12 means day-first, a second part above 12 month-first).
    Raises :class:`RosterFileError` (no header, a required column missing or found twice)
    or :class:`RosterProblems` (every bad value).
    """
    if date_order not in (None, "day", "month"):
        raise ValueError(f"date_order must be 'day', 'month' or None, got {date_order!r}")
    rows = iter(rows)
    header_number, header, mapping = _find_header(rows, source, row_word)
    headers = [_header_text(v) for v in header]
    columns = {name: headers[index] for name, index in mapping.items()}
    ignored = [h for i, h in enumerate(headers) if i not in mapping.values() and h]
    unnamed = [i for i, h in enumerate(headers) if not h]

    def where(number: int | None, name: str) -> str:
        place = f"{source} {row_word} {number}" if number is not None else source
        return f"{place}, column {columns[name]!r}"

    raw = []
    blank_rows = trimmed = 0
    headless = None  # (number, column) of the first value in a column without a header
    index = [mapping.get(name) for name in FIELDS]
    for number, values in rows:
        if all(_blank(v) for v in values):
            blank_rows += 1
            continue
        width = len(values)
        raw.append((number, *[(values[i] if i is not None and i < width else None) for i in index]))
        if headless is None:
            stray = [i for i in unnamed if i < width and not _blank(values[i])] + [
                i for i in range(len(headers), width) if not _blank(values[i])]
            if stray:
                headless = (number, get_column_letter(stray[0] + 1))

    problems: list[Problem] = []
    order, note = _decide_date_order(raw, date_order, where(None, "start"), row_word, problems)
    order_problem = bool(problems)
    people = []
    for number, name, role, team, start, soft in raw:
        person: dict[str, object] = {}
        reported = len(problems)
        undecided = False
        controls = [(key, problem) for key, value in (("name", name), ("role", role), ("team", team),
                                                      ("start", start), ("soft", soft))
                    if key in mapping and (problem := _control_problem(value))]
        if controls:
            problems.extend(Problem(where(number, key), problem) for key, problem in controls)
            continue
        for key, value in (("name", name), ("role", role), ("team", team)):
            if key not in mapping or (key == "team" and _blank(value)):
                person[key] = None
                continue
            if _blank(value):
                problems.append(Problem(where(number, key), f"{shown(value)}: every person needs a {LABELS[key]}"))
                continue
            try:
                text = _text_value(value)
            except _Bad as error:
                problems.append(Problem(where(number, key), f"{shown(value)} {error}"))
                continue
            person[key] = _trim(text)
            trimmed += person[key] != text
        if _blank(start):
            problems.append(Problem(where(number, "start"), f"{shown(start)}: every person needs a Start date; "
                                    f"valid: {_DATE_FORMS}"))
        else:
            try:
                person["start"] = _date_value(start, order)
            except _Undecided as error:  # reported once, for the column; never dropped silently
                undecided = True
                if not order_problem:
                    problems.append(Problem(where(number, "start"), f"{shown(start)} {error}; give --day-first "
                                            "or --month-first"))
            except _Bad as error:
                problems.append(Problem(where(number, "start"), f"{shown(start)} {error}"))
        if "soft" in mapping:
            try:
                person["soft"] = _bool_value(soft)
            except _Bad as error:
                problems.append(Problem(where(number, "soft"), f"{shown(soft)} {error}"))
        else:
            person["soft"] = False
        if len(person) < 5 and len(problems) == reported and not (undecided and order_problem):
            raise AssertionError(f"{row_word} {number} was neither read nor reported")  # a bug, never a skip
        if len(person) == 5:
            people.append(Person(person["name"], person["role"], person["team"], person["start"],
                                 person["soft"], number))
    if problems:
        raise RosterProblems(problems)
    if not people:
        raise RosterFileError(f"{source}: no people below the header ({row_word} {header_number})")

    notes = []
    if header_number != 1:
        notes.append(f"header found in {row_word} {header_number}")
    if "soft" not in mapping:
        notes.append("no Soft skills column: Soft skills set to FALSE for everyone")
    if "team" not in mapping:
        notes.append("no Team column: Team left blank")
    if ignored:
        notes.append(f"ignored column{'s' if len(ignored) > 1 else ''}: {', '.join(ignored)}")
    if headless:
        notes.append(f"ignored values in columns without a header (first: {row_word} {headless[0]}, "
                     f"column {headless[1]})")
    if note:
        notes.append(note)
    if trimmed:
        notes.append(f"trimmed spaces around {trimmed} value{'s' if trimmed > 1 else ''}")
    if blank_rows:
        notes.append(f"skipped {blank_rows} blank {row_word}{'s' if blank_rows > 1 else ''}")
    renamed = [f"{header!r} as {LABELS[name]}" for name, header in columns.items()
               if header_key(header) != header_key(LABELS[name])]
    if renamed:
        notes.append(f"read {', '.join(renamed)}")
    return Roster(people, source, row_word, columns, ignored, notes)


def _find_header(rows: Iterator, source: str, row_word: str):
    """The header row: the first of the first non-blank rows that names every required
    column; its number, values and {field: column index}."""
    best = None  # (fields found, number, values, mapping)
    seen = 0
    for number, values in rows:
        if all(_blank(v) for v in values):
            continue
        mapping, twice = _match_headers(values)
        if all(name in mapping for name in REQUIRED):
            if twice:
                name, indexes = twice[0]
                found = " and ".join(f"{get_column_letter(i + 1)} {_header_text(values[i])!r}" for i in indexes)
                raise RosterFileError(f"{source} {row_word} {number}: columns {found} are all {LABELS[name]}; "
                                      "rename or remove all but one")
            return number, list(values), mapping
        if best is None or len(mapping) > len(best[0]):
            best = (mapping, number, values)
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        raise RosterFileError(f"{source}: the file is empty; expected a header row with the columns "
                              f"{', '.join(LABELS[n] for n in REQUIRED)} (and optionally Team, Soft skills)")
    mapping, number, values = best
    missing = [LABELS[name] for name in REQUIRED if name not in mapping]
    headers = [repr(_header_text(v)) for v in values if not _blank(v)]
    raise RosterFileError(
        f"{source}: no {' or '.join(missing)} column (headers found in {row_word} {number}: "
        f"{', '.join(headers)}); name, role and start date are required, e.g. 'Name', 'Role', 'Start date'")


def _decide_date_order(raw, given: str | None, where: str, word: str,
                       problems: list[Problem]) -> tuple[str | None, str]:
    """'day' or 'month' for the column's 03/04/2024-style dates, and a note saying how."""
    day_first = month_first = ambiguous = None  # (row number, text) of the first such date
    for number, _name, _role, _team, start, _soft in raw:
        if not isinstance(start, str):
            continue
        parts = _date_order_evidence(start)
        if parts is None:
            continue
        first, second = parts
        if first > 12 >= second and day_first is None:
            day_first = (number, start.strip())
        elif second > 12 >= first and month_first is None:
            month_first = (number, start.strip())
        elif first <= 12 and second <= 12 and first != second and ambiguous is None:
            ambiguous = (number, start.strip())
    if given:
        return given, (f"dates like 03/04/2024 read {given}-first (--{given}-first)"
                       if day_first or month_first or ambiguous else "")
    if day_first and month_first:
        problems.append(Problem(where, f"some dates are day-first ({day_first[1]!r}, {word} {day_first[0]}) "
                                f"and some month-first ({month_first[1]!r}, {word} {month_first[0]}); "
                                "make them consistent"))
        return None, ""
    if day_first or month_first:
        order, (number, text) = ("day", day_first) if day_first else ("month", month_first)
        return order, (f"dates read {order}-first ({text!r} in {word} {number} can only be {order}-first)"
                       if ambiguous else "")
    if ambiguous:
        problems.append(Problem(where, f"cannot tell whether dates like {ambiguous[1]!r} "
                                f"({word} {ambiguous[0]}) are day-first or month-first: no day in the "
                                "column is above 12; give --day-first or --month-first"))
    return None, ""


# ---------------------------------------------------------------- reading files

def read_roster(path: str | Path, *, sheet: str | None = None, date_order: str | None = None) -> Roster:
    """The people in a roster file: .csv (UTF-8, or Windows-1252/Latin-1; comma, semicolon
    or tab) or .xlsx/.xlsm (the first sheet, or ``sheet``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        raise RosterFileError(f"{path}: cannot read {suffix or 'a file without a suffix'!s} files; "
                              "give a .csv, .xlsx or .xlsm roster")
    if not path.is_file():
        raise RosterFileError(f"{path}: {_not_a_file(path)}")
    if suffix == ".csv":
        if sheet is not None:
            raise RosterFileError(f"{path}: --sheet is for Excel rosters; a CSV file has no sheets")
        rows, notes = _csv_rows(path)
        roster = parse_roster(rows, source=str(path), row_word="line", date_order=date_order)
        roster.notes[:0] = notes
        return roster
    with _ExcelRows(path, sheet) as (rows, source):
        return parse_roster(rows, source=source, row_word="row", date_order=date_order)


def _decode(path: Path) -> tuple[str, str | None]:
    """The CSV's text, its encoding told by evidence (see :mod:`roster_text`)."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise RosterFileError(f"{path}: this is an Excel workbook (a zip file), not CSV text; "
                              "name it .xlsx to import it")
    try:
        return roster_text.decode(data)
    except roster_text.NotText as error:
        raise RosterFileError(f"{path}: {error}") from None


def _not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as a roster: missing, or something other than a file
    (reading a named pipe would wait for a writer for ever)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file" if not path.is_symlink() else "is a symbolic link to a file that does not exist"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    kind = next((name for test, name in kinds if test(mode)), "something else")
    return f"is {kind}, not a regular file; give a .csv, .xlsx or .xlsm roster file"


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the first lines into the most
    consistent number of columns (a title line above the header does not count)."""
    sample = text[:65536]
    if len(text) > len(sample):  # drop a cut-off last line
        sample = sample[:sample.rfind("\n") + 1] or sample
    best, best_score = ",", (False, 0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            widths = [len(r) for r, _ in zip(csv.reader(io.StringIO(sample), delimiter=delimiter), range(50))
                      if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not widths:
            continue
        counts: dict[int, int] = {}
        for w in widths:
            counts[w] = counts.get(w, 0) + 1
        width, frequency = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (width > 1, frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path) -> tuple[Iterator[tuple[int, list[str]]], list[str]]:
    text, note = _decode(path)
    delimiter = sniff_delimiter(text)
    notes = [note] if note else []
    if delimiter != ",":
        notes.append(f"columns separated by {'semicolons' if delimiter == ';' else 'tabs'}")

    def rows():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        line = 1
        try:
            for record in reader:
                yield line, record
                line = reader.line_num + 1
        except csv.Error as error:
            raise RosterFileError(f"{path} line {reader.line_num}: not valid CSV ({error})") from None

    return rows(), notes


class _ExcelRows:
    """(rows, source) of a workbook's sheet, read-only and with cached values, closed on exit."""

    def __init__(self, path: Path, sheet: str | None):
        self.path, self.sheet, self.book = path, sheet, None

    def __enter__(self):
        from openpyxl import load_workbook

        try:
            self.book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 -- openpyxl's many ways of failing on a damaged file
            raise RosterFileError(f"{self.path}: cannot read the workbook ({type(error).__name__}: {error})") from None
        names = self.book.sheetnames
        worksheets = [ws.title for ws in self.book.worksheets]
        if self.sheet is None:
            if not worksheets:
                raise RosterFileError(f"{self.path}: the workbook has no worksheet")
            title = worksheets[0]
        else:
            title = next((n for n in worksheets if n == self.sheet), None) or next(
                (n for n in worksheets if n.casefold() == self.sheet.casefold()), None)
            if title is None:
                raise RosterFileError(f"{self.path}: no sheet {self.sheet!r} (sheets: {', '.join(names)})")
        source = str(self.path) if len(names) == 1 else f"{self.path} sheet {title!r}"
        return self._rows(self.book[title]), source

    def _rows(self, worksheet):
        try:
            for number, cells in enumerate(worksheet.iter_rows(min_row=1), start=1):
                yield number, [(_CellError(c.value) if getattr(c, "data_type", None) == "e" else c.value)
                               for c in cells]
        except (zipfile.BadZipFile, KeyError, ValueError, expat.ExpatError, ElementTree.ParseError, EOFError,
                zlib.error) as error:  # a damaged sheet: its XML or its zip member
            raise RosterFileError(f"{self.path}: cannot read the sheet {worksheet.title!r} "
                                  f"({type(error).__name__}: {error})") from None

    def __exit__(self, *exc):
        if self.book is not None:
            self.book.close()
        return False


# ---------------------------------------------------------------- duplicates

def duplicate_problems(entries: Iterable[tuple[str, str]], source: str) -> list[Problem]:
    """Names that occur more than once: ``entries`` are (where, name) with where like
    "line 5" or "Staff row 7". Compared as :func:`excel_text.identity_key` does: case,
    spaces and invisible characters ignored, Unicode forms (NFKC) made equal."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for place, name in entries:
        seen.setdefault(excel_text.identity_key(name), []).append((place, name))
    problems = []
    for found in seen.values():
        if len(found) > 1:
            places = [p for p, _ in found]
            times = "twice" if len(found) == 2 else f"{len(found)} times"
            listed = _and(_merge_places(places))
            problems.append(Problem(source, f"{listed}: {found[0][1]!r} {times} (the same name, ignoring case "
                                    "and spaces); use --allow-duplicates if they are different people"))
    return problems


def _merge_places(places: list[str]) -> list[str]:
    """["line 5", "line 9"] -> ["lines 5", "9"] so that _and reads "lines 5 and 9"."""
    words = [p.rsplit(" ", 1) for p in places]
    if len({w[0] for w in words}) == 1:
        return [f"{words[0][0]}s {words[0][1]}"] + [w[1] for w in words[1:]]
    return places


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------- the workbook: XML

TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
CALC_CHAIN_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
_AFTER_CALC_PR = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                  "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")
_DROPPABLE_ROW_ATTRS = frozenset({"r", "spans", "x14ac:dyDescent"})


@dataclass
class _Node:
    """An element's byte offsets: start ("<"), tag_end (after the start tag's ">"), end
    (after the element), end_tag (offset of "</...>", -1 when self-closing)."""
    name: str
    attrs: list[tuple[str, str]]
    start: int
    tag_end: int = -1
    end: int = -1
    end_tag: int = -1

    def attr(self, key: str) -> str | None:
        return next((v for k, v in self.attrs if k == key), None)


def _close(node: _Node, data: bytes, parser) -> None:
    node.tag_end = _tag_end(data, node.start)
    if data[node.tag_end - 2:node.tag_end] == b"/>":
        node.end = node.tag_end
    else:
        node.end_tag = parser.CurrentByteIndex
        node.end = data.index(b">", node.end_tag) + 1


def _top_elements(data: bytes, depth_of_interest: int = 1) -> tuple[_Node, list[tuple[int, _Node]]]:
    """The root and every element down to ``depth_of_interest`` (depth, node), with offsets."""
    parser = _parser(namespaces=False)
    parser.ordered_attributes = True
    stack: list[_Node | None] = []
    found: list[tuple[int, _Node]] = []

    def start(name, attrs):
        depth = len(stack)
        if depth <= depth_of_interest:
            node = _Node(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
            found.append((depth, node))
            stack.append(node)
        else:
            stack.append(None)

    def end(_name):
        node = stack.pop()
        if node is not None:
            _close(node, data, parser)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(data, True)
    return found[0][1], found[1:]


def _prefix(root: _Node) -> str:
    return root.name.split(":")[0] + ":" if ":" in root.name else ""


def _set_attr(tag: bytes, name: str, value: str) -> bytes:
    """A start tag with attribute ``name`` set to ``value`` (added before the end when absent)."""
    escaped = _escape_text(value).replace('"', "&quot;").encode()
    pattern = re.compile(rb"(\s" + re.escape(name.encode()) + rb"\s*=\s*)([\"'])(.*?)\2", re.DOTALL)
    if pattern.search(tag):
        return pattern.sub(lambda m: m.group(1) + b'"' + escaped + b'"', tag, count=1)
    cut = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:cut].rstrip() + f' {name}="'.encode() + escaped + b'"' + tag[cut:]


@dataclass
class _Cell:
    col: int
    start: int
    end: int
    has_r: bool
    filled: bool = False     # has a value, inline string or formula
    formula: bool = False
    style: str | None = None
    formula_xml: str | None = None  # a plain formula's text as the XML has it (escaped)


@dataclass
class _Row:
    number: int
    node: _Node
    cells: list[_Cell] = field(default_factory=list)


@dataclass
class _SheetScan:
    prefix: str
    dimension: _Node | None
    sheet_data: _Node | None
    rows: list[_Row]
    merged: list[str]

    def q(self, local: str) -> str:
        return self.prefix + local


def _scan_sheet(data: bytes) -> _SheetScan:
    """Offsets of the sheet's dimension, sheetData, rows and cells; merged ranges."""
    parser = _parser(namespaces=False)
    parser.ordered_attributes = True
    state: dict[str, object] = {"prefix": None}
    names: dict[str, str] = {}
    rows: list[_Row] = []
    merged: list[str] = []
    stack: list[object] = []  # _Node, _Cell or None (not tracked)
    dimension = sheet_data = None

    def start(name, attrs):
        nonlocal dimension, sheet_data
        depth = len(stack)
        if depth == 0:
            prefix = name.split(":")[0] + ":" if ":" in name else ""
            if name[len(prefix):] != "worksheet":
                raise StaffTableError(f"not a worksheet: <{name}>")
            state["prefix"] = prefix
            names.update({k: prefix + k for k in ("dimension", "sheetData", "row", "c", "f", "v", "is",
                                                  "mergeCell", "mergeCells")})
            stack.append(None)
            return
        item = None
        if depth == 1 and name == names["dimension"]:
            item = dimension = _Node(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
        elif depth == 1 and name == names["sheetData"]:
            item = sheet_data = _Node(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
        elif depth == 2 and name == names["row"] and stack[1] is sheet_data:
            node = _Node(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
            r = node.attr("r")
            number = int(r) if r else (rows[-1].number + 1 if rows else 1)
            if rows and number <= rows[-1].number:
                raise StaffTableError(f"the sheet's rows are out of order (row {number} after row "
                                      f"{rows[-1].number}); open and save the workbook in Excel first")
            rows.append(_Row(number, node))
            item = node
        elif depth == 3 and name == names["c"] and isinstance(stack[2], _Node):
            row = rows[-1]
            attributes = dict(zip(attrs[::2], attrs[1::2]))
            ref, style = attributes.get("r"), attributes.get("s")
            if ref:
                match = _CELL.match(ref)
                if match is None:
                    raise StaffTableError(f"a cell of the sheet has the address {ref!r}")
                col = column_index_from_string(match.group(1).upper())
            else:
                col = row.cells[-1].col + 1 if row.cells else 1
            item = _Cell(col, parser.CurrentByteIndex, -1, bool(ref), style=style)
            row.cells.append(item)
        elif depth == 4 and isinstance(stack[3], _Cell):
            if name in (names["v"], names["is"], names["f"]):
                stack[3].filled = True
            if name == names["f"]:
                stack[3].formula = True
                item = _Node(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
        elif depth == 2 and name == names["mergeCell"] and stack[1] is not None:
            ref = dict(zip(attrs[::2], attrs[1::2])).get("ref")
            if ref:
                merged.append(ref)
        elif depth == 1 and name == names["mergeCells"]:
            item = _Node(name, [], parser.CurrentByteIndex)
        stack.append(item)

    def end(_name):
        item = stack.pop()
        if isinstance(item, _Node):
            _close(item, data, parser)
            if (len(stack) == 4 and isinstance(stack[3], _Cell) and item.end_tag >= 0
                    and item.attr("t") in (None, "normal")):  # not shared, not an array formula
                stack[3].formula_xml = data[item.tag_end:item.end_tag].decode("utf-8")
        elif isinstance(item, _Cell):
            tag_end = _tag_end(data, item.start)
            item.end = tag_end if data[tag_end - 2:tag_end] == b"/>" else data.index(b">", parser.CurrentByteIndex) + 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(data, True)
    if sheet_data is None:
        raise StaffTableError("the Staff sheet's XML has no sheetData")
    return _SheetScan(state["prefix"], dimension, sheet_data, rows, merged)


# ---------------------------------------------------------------- the Staff table

@dataclass
class StaffTable:
    """Where the Staff table is and what its columns are."""
    sheet: str               # the sheet's title
    sheet_part: str
    table_part: str
    ref: tuple[int, int, int, int]   # min col, header row, max col, last row
    columns: list[str]               # header names, left to right
    formulas: dict[int, str]         # column offset -> calculated column formula (escaped XML text)
    fields: dict[str, int]           # roster field -> column offset
    filtered: bool

    @property
    def first_body_row(self) -> int:
        return self.ref[1] + 1


def find_staff_table(archive: zipfile.ZipFile) -> StaffTable:
    """The workbook's table named Staff (any sheet)."""
    try:
        parts = _worksheet_parts(archive)
    except CachedValuesError as error:
        raise StaffTableError(str(error)) from None
    tables = []
    for title, part in parts.items():
        for rel in _relationships(archive, part):
            if rel.get("Type") == TABLE_REL and rel.get("TargetMode") != "External":
                table_part = _target(part, rel["Target"])
                if table_part in archive.namelist():
                    tables.append((title, part, table_part))
    for title, part, table_part in tables:
        root, elements = _top_elements(archive.read(table_part), depth_of_interest=3)
        name = root.attr("displayName") or root.attr("name") or ""
        if name.casefold() == TABLE_NAME.casefold():
            return _read_table(title, part, table_part, root, elements, archive.read(table_part))
    raise StaffTableError(f"the workbook has no table named {TABLE_NAME!r}; is it a Talent Needs workbook "
                          "(talentneeds template -o talent-needs.xlsx)?")


def _read_table(title, part, table_part, root: _Node, elements, data: bytes) -> StaffTable:
    prefix = _prefix(root)
    if (root.attr("headerRowCount") or "1") != "1":
        raise StaffTableError(f"the {TABLE_NAME} table has no header row; turn the header row on in Excel")
    if (root.attr("totalsRowCount") or "0") != "0":
        raise StaffTableError(f"the {TABLE_NAME} table has a total row; turn it off in Excel and import again")
    c1, r1, c2, r2 = range_boundaries(root.attr("ref"))
    columns, formulas = [], {}
    filtered = False
    for depth, node in elements:
        if depth == 2 and node.name == prefix + "tableColumn":
            columns.append(node.attr("name") or "")
        elif depth == 3 and node.name == prefix + "calculatedColumnFormula":
            formulas[len(columns) - 1] = data[node.tag_end:node.end_tag].decode("utf-8") if node.end_tag > 0 else ""
        elif depth == 2 and node.name == prefix + "filterColumn":
            filtered = True
    fields = {}
    for offset, name in enumerate(columns):
        field_name = _FIELD_OF.get(header_key(name))
        if field_name and field_name not in fields and offset not in formulas:
            fields[field_name] = offset
    missing = [LABELS[f] for f in REQUIRED if f not in fields]
    if missing:
        raise StaffTableError(f"the {TABLE_NAME} table has no {' or '.join(missing)} column (its columns: "
                              f"{', '.join(columns)})")
    return StaffTable(title, part, table_part, (c1, r1, c2, r2), columns, formulas, fields, filtered)


def existing_people(path: Path, table: StaffTable, data: bytes | None = None) -> list[tuple[int, dict[str, object]]]:
    """The Staff table's non-blank body rows: (row, {field: value}); from ``data`` (the
    workbook's bytes) when given."""
    from openpyxl import load_workbook

    c1, r1, c2, r2 = table.ref
    if r2 <= r1:
        return []
    try:
        book = load_workbook(path if data is None else io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 -- openpyxl's many ways of failing on a damaged file
        raise RosterFileError(f"{path}: cannot read the workbook ({type(error).__name__}: {error})") from None
    try:
        worksheet = book[table.sheet]
        found = []
        inputs = [i for i in range(c2 - c1 + 1) if i not in table.formulas]
        for number, values in enumerate(worksheet.iter_rows(min_row=r1 + 1, max_row=r2, min_col=c1, max_col=c2,
                                                            values_only=True), start=r1 + 1):
            values = list(values) + [None] * (c2 - c1 + 1 - len(values))
            if all(_blank(values[i]) for i in inputs):
                continue
            found.append((number, {name: values[offset] for name, offset in table.fields.items()}))
        return found
    finally:
        book.close()


def is_example_roster(people: list[tuple[int, dict[str, object]]]) -> bool:
    """Whether the rows are exactly the template's example roster (talentneeds.examples)."""
    from talentneeds import examples

    if len(people) != len(examples.ROSTER):
        return False
    for (_row, values), (name, role, team, start, soft) in zip(people, examples.ROSTER):
        got_start = values.get("start")
        if isinstance(got_start, dt.datetime):
            got_start = got_start.date()
        if (values.get("name"), values.get("role"), values.get("team", team), got_start,
                values.get("soft", soft)) != (name, role, team, start, soft):
            return False
    return True


# ---------------------------------------------------------------- writing

@dataclass
class ImportResult:
    people: int
    roster: str
    written: str          # the workbook written, as the user named it
    cells: str            # Staff!A5:F54: where the imported people are
    notes: list[str]

    def summary(self) -> str:
        count = f"{self.people} {'person' if self.people == 1 else 'people'}"
        lines = [(f"imported {count} from {self.roster} into {self.written} ({self.cells}); "
                  f"run `talentneeds compute {shlex.quote(self.written)}` for the numbers")]
        return "\n".join(lines + [f"  {note}" for note in self.notes])


def _sheet_ref(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _excel_serial(date: dt.date) -> int:
    return (date - dt.date(1899, 12, 30)).days


class _Styles:
    """Quote-prefixed copies of cell styles, added to styles.xml on demand."""

    def __init__(self, data: bytes | None):
        self.data = data
        self.added: list[bytes] = []
        self.cache: dict[str | None, str] = {}
        self.xfs: list[bytes] | None = None

    def quoted(self, style: str | None) -> str | None:
        if self.data is None:
            return style
        if style not in self.cache:
            self.cache[style] = self._quoted(style)
        return self.cache[style]

    def _load(self):
        root, elements = _top_elements(self.data, depth_of_interest=2)
        prefix = _prefix(root)
        self.cell_xfs = next((n for d, n in elements if d == 1 and n.name == prefix + "cellXfs"), None)
        self.prefix = prefix
        if self.cell_xfs is None or self.cell_xfs.end_tag < 0:
            self.xfs = []
            return
        inside = [n for d, n in elements if d == 2 and self.cell_xfs.start < n.start < self.cell_xfs.end
                  and n.name == prefix + "xf"]
        self.xfs = [self.data[n.start:n.end] for n in inside]

    def _quoted(self, style: str | None) -> str | None:
        if self.xfs is None:
            self._load()
        index = int(style) if style and style.isdigit() else 0
        if index >= len(self.xfs):
            return style  # a style the file does not have: leave the cell as it would be
        xf = self.xfs[index]
        tag_end = _tag_end(xf, 0)
        tag = xf[:tag_end]
        flag = re.search(rb"\squotePrefix\s*=\s*[\"']([^\"']*)[\"']", tag)
        if flag and flag.group(1) in (b"1", b"true"):
            return style
        clone = _set_attr(tag, "quotePrefix", "1") + xf[tag_end:]
        everything = self.xfs + self.added
        if clone in everything:
            return str(everything.index(clone))
        self.added.append(clone)
        return str(len(self.xfs) + len(self.added) - 1)

    def patched(self) -> bytes | None:
        if not self.added:
            return None
        node = self.cell_xfs
        start_tag = self.data[node.start:node.tag_end]
        count = len(self.xfs) + len(self.added)
        return _apply(self.data, [(node.start, node.tag_end, _set_attr(start_tag, "count", str(count))),
                                  (node.end_tag, node.end_tag, b"".join(self.added))])


def _text_cell(ref: str, style: str | None, text: str, styles: _Styles) -> str:
    if text.startswith(FORMULA_LIKE):
        style = styles.quoted(style)
    s = f' s="{style}"' if style is not None else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape_text(_ooxml_string(text))}</t></is></c>'


def _render_rows(people: Sequence[Person], first_row: int, table: StaffTable, styles_by_offset: list[str | None],
                 styles: _Styles, prefix: str) -> Iterator[bytes]:
    """The cells (bytes) of each new row, columns c1..c2, in order."""
    c1, _r1, c2, _r2 = table.ref
    letters = [get_column_letter(c) for c in range(c1, c2 + 1)]
    kind = {offset: name for name, offset in table.fields.items()}
    formulas = table.formulas  # escaped XML text, as the file has it
    for index, person in enumerate(people):
        row = str(first_row + index)
        parts = []
        for offset, letter in enumerate(letters):
            ref = letter + row
            style = styles_by_offset[offset]
            s = f' s="{style}"' if style is not None else ""
            what = kind.get(offset)
            if offset in formulas:
                parts.append(f'<c r="{ref}"{s}><f>{formulas[offset]}</f></c>')
            elif what in ("name", "role", "team") and getattr(person, what) is not None:
                parts.append(_text_cell(ref, style, getattr(person, what), styles))
            elif what == "start":
                parts.append(f'<c r="{ref}"{s}><v>{_excel_serial(person.start)}</v></c>')
            elif what == "soft":
                parts.append(f'<c r="{ref}"{s} t="b"><v>{1 if person.soft_skills else 0}</v></c>')
            elif style is not None:
                parts.append(f'<c r="{ref}"{s}/>')
        text = "".join(parts)
        if prefix:  # a prefixed spreadsheetml namespace: the same elements, prefixed
            text = re.sub(r"<(/?)(c|f|v|is|t)\b", lambda m: f"<{m.group(1)}{prefix}{m.group(2)}", text)
        yield text.encode("utf-8")


def _cell_bytes(data: bytes, cell: _Cell, row: int, prefix: str) -> bytes:
    """A kept cell as it was; given its address when the file left it implicit."""
    raw = data[cell.start:cell.end]
    if cell.has_r:
        return raw
    name_end = 1 + len(prefix) + 1  # "<" + "c" with prefix
    return raw[:name_end] + f' r="{get_column_letter(cell.col)}{row}"'.encode() + raw[name_end:]


def _row_tag(data: bytes, row: _Row, cols: list[int], prefix: str) -> bytes:
    node = row.node
    tag = data[node.start:node.tag_end]
    if node.end_tag < 0:  # <row .../>: open it
        tag = tag[:-2].rstrip() + b">"
    if node.attr("spans") and cols:
        tag = _set_attr(tag, "spans", f"{min(cols)}:{max(cols)}")
    if node.attr("r") is None:
        tag = _set_attr(tag, "r", str(row.number))
    return tag


def _rewrite_sheet(data: bytes, scan: _SheetScan, table: StaffTable, people: Sequence[Person], first_row: int,
                   new_last: int, styles: _Styles) -> tuple[bytes, bool]:
    """The sheet with ``people`` in rows first_row.. of the table's columns, the table ending at
    ``new_last`` (rows after it, up to the old end, freed); and whether a formula cell went."""
    c1, _r1, c2, old_last = table.ref
    prefix = scan.prefix
    row_name = scan.q("row")
    written_last = first_row + len(people) - 1
    low, high = first_row, max(written_last, old_last if new_last < old_last else written_last)
    numbers_ = [r.number for r in scan.rows]
    i0, i1 = bisect.bisect_left(numbers_, low), bisect.bisect_right(numbers_, high)
    existing = {r.number: r for r in scan.rows[i0:i1]}
    first_body = next((r for r in scan.rows if r.number == table.first_body_row), None)
    styles_by_offset: list[str | None] = [None] * (c2 - c1 + 1)
    if first_body is not None:
        for cell in first_body.cells:
            if c1 <= cell.col <= c2:
                styles_by_offset[cell.col - c1] = cell.style
    new_rows = _render_rows(people, first_row, table, styles_by_offset, styles, prefix)
    out: list[bytes] = []
    removed_formula = False
    for number in range(low, high + 1):
        row = existing.get(number)
        new = next(new_rows) if number <= written_last else None
        if row is None:
            if new is not None:
                out.append(f'<{row_name} r="{number}">'.encode() + new + f"</{row_name}>".encode())
            continue
        before = [c for c in row.cells if c.col < c1]
        after = [c for c in row.cells if c.col > c2]
        removed_formula = removed_formula or any(c.formula for c in row.cells if c1 <= c.col <= c2)
        if new is None and not before and not after and {k for k, _ in row.node.attrs} <= _DROPPABLE_ROW_ATTRS:
            continue  # a row that only held the table's cells: gone with them
        cols = [c.col for c in before] + ([*range(c1, c2 + 1)] if new else []) + [c.col for c in after]
        out.append(_row_tag(data, row, cols, prefix)
                   + b"".join(_cell_bytes(data, c, number, prefix) for c in before)
                   + (new or b"")
                   + b"".join(_cell_bytes(data, c, number, prefix) for c in after)
                   + f"</{row_name}>".encode())
    block = b"".join(out)
    edits = []
    if existing:
        edits.append((scan.rows[i0].node.start, scan.rows[i1 - 1].node.end, block))
    elif i1 < len(scan.rows):
        edits.append((scan.rows[i1].node.start, scan.rows[i1].node.start, block))
    elif scan.sheet_data.end_tag >= 0:
        edits.append((scan.sheet_data.end_tag, scan.sheet_data.end_tag, block))
    else:  # <sheetData/>
        node = scan.sheet_data
        opened = data[node.start:node.tag_end][:-2].rstrip() + b">"
        edits.append((node.start, node.end, opened + block + f"</{node.name}>".encode()))
    dimension = _dimension(scan, table, low, high, written_last)
    if scan.dimension is not None and dimension and dimension != scan.dimension.attr("ref"):
        node = scan.dimension
        edits.append((node.start, node.tag_end, _set_attr(data[node.start:node.tag_end], "ref", dimension)))
    return _apply(data, edits), removed_formula


def _dimension(scan: _SheetScan, table: StaffTable, low: int, high: int, written_last: int) -> str | None:
    """The used range once the rows low..high are rewritten."""
    c1, _r1, c2, _r2 = table.ref
    min_col = min_row = 10 ** 9
    max_col = max_row = 0
    for row in scan.rows:
        rewritten = low <= row.number <= high
        for cell in row.cells:
            if rewritten and c1 <= cell.col <= c2:
                continue
            min_col, max_col = min(min_col, cell.col), max(max_col, cell.col)
            min_row, max_row = min(min_row, row.number), max(max_row, row.number)
    if written_last >= low:
        min_col, max_col = min(min_col, c1), max(max_col, c2)
        min_row, max_row = min(min_row, low), max(max_row, written_last)
    if max_row == 0:
        return None
    first, last = f"{get_column_letter(min_col)}{min_row}", f"{get_column_letter(max_col)}{max_row}"
    return first if first == last else f"{first}:{last}"


def _check_room(scan: _SheetScan, table: StaffTable, first_row: int, last_row: int, sheet_ref: str) -> None:
    """Refuse to grow the table over cells, merged ranges or the end of the sheet."""
    c1, _r1, c2, old_last = table.ref
    if last_row > EXCEL_MAX_ROWS:
        raise StaffTableError(f"the {TABLE_NAME} table would need rows up to {last_row:,}; a sheet has "
                              f"{EXCEL_MAX_ROWS:,}")
    if last_row <= old_last:
        return
    numbers_ = [r.number for r in scan.rows]
    for row in scan.rows[bisect.bisect_right(numbers_, old_last):bisect.bisect_right(numbers_, last_row)]:
        for cell in row.cells:
            if c1 <= cell.col <= c2 and cell.filled:
                raise StaffTableError(
                    f"the {TABLE_NAME} table would grow to row {last_row} over the non-empty cell "
                    f"{sheet_ref}!{get_column_letter(cell.col)}{row.number}; move what is below the table "
                    "out of the way (or import into a copy of the template)")
    for ref in scan.merged:
        mc1, mr1, mc2, mr2 = range_boundaries(ref)
        if mc1 <= c2 and mc2 >= c1 and mr1 <= last_row and mr2 > old_last:
            raise StaffTableError(f"the {TABLE_NAME} table would grow to row {last_row} over the merged cells "
                                  f"{sheet_ref}!{ref}; unmerge or move them first")


def _other_tables_in_the_way(archive: zipfile.ZipFile, table: StaffTable, last_row: int, sheet_ref: str) -> None:
    c1, _r1, c2, old_last = table.ref
    if last_row <= old_last:
        return
    for rel in _relationships(archive, table.sheet_part):
        if rel.get("Type") != TABLE_REL:
            continue
        part = _target(table.sheet_part, rel["Target"])
        if part == table.table_part or part not in archive.namelist():
            continue
        root, _ = _top_elements(archive.read(part), depth_of_interest=0)
        tc1, tr1, tc2, tr2 = range_boundaries(root.attr("ref"))
        if tc1 <= c2 and tc2 >= c1 and tr1 <= last_row and tr2 > old_last:
            raise StaffTableError(f"the {TABLE_NAME} table would grow to row {last_row} into the table "
                                  f"{root.attr('displayName') or root.attr('name')} at {sheet_ref}!{root.attr('ref')}")


def _patch_table(data: bytes, new_ref: str, body_ref: str) -> bytes:
    root, elements = _top_elements(data, depth_of_interest=2)
    prefix = _prefix(root)
    edits = [(root.start, root.tag_end, _set_attr(data[root.start:root.tag_end], "ref", new_ref))]
    for depth, node in elements:
        if depth == 1 and node.name == prefix + "autoFilter" and node.attr("ref"):
            edits.append((node.start, node.tag_end, _set_attr(data[node.start:node.tag_end], "ref", new_ref)))
        elif depth in (1, 2) and node.name == prefix + "sortState" and node.attr("ref"):
            edits.append((node.start, node.tag_end, _set_attr(data[node.start:node.tag_end], "ref", body_ref)))
    return _apply(data, edits)


def _recalculate_on_load(data: bytes) -> bytes:
    """The workbook part asking for a full recalculation when it is opened."""
    root, elements = _top_elements(data, depth_of_interest=1)
    prefix = _prefix(root)
    calc = next((n for d, n in elements if d == 1 and n.name == prefix + "calcPr"), None)
    if calc is not None:
        if calc.attr("fullCalcOnLoad") in ("1", "true"):
            return data
        return _apply(data, [(calc.start, calc.tag_end,
                              _set_attr(data[calc.start:calc.tag_end], "fullCalcOnLoad", "1"))])
    after = next((n for d, n in elements if d == 1 and n.name[len(prefix):] in _AFTER_CALC_PR), None)
    position = after.start if after is not None else root.end_tag
    return _apply(data, [(position, position, f'<{prefix}calcPr fullCalcOnLoad="1"/>'.encode())])


def _without(data: bytes, keep) -> bytes:
    """The XML with the root's children for which ``keep(node)`` is false removed."""
    _root, elements = _top_elements(data, depth_of_interest=1)
    return _apply(data, [(n.start, n.end, b"") for d, n in elements if d == 1 and not keep(n)])


def _drop_calc_chain(archive: zipfile.ZipFile, workbook_part: str, patched: dict[str, bytes]) -> set[str]:
    """Remove the calculation chain (Excel rebuilds it; a chain naming a cell that no longer
    has a formula makes Excel repair the file). Returns the removed members."""
    rels_part = _rels_part(workbook_part)
    chains = [r for r in _relationships(archive, workbook_part) if r.get("Type") == CALC_CHAIN_REL]
    if not chains:
        return set()
    members = {_target(workbook_part, r["Target"]) for r in chains}
    ids = {r["Id"] for r in chains}
    patched[rels_part] = _without(archive.read(rels_part), lambda n: n.attr("Id") not in ids)
    types = "[Content_Types].xml"
    patched[types] = _without(archive.read(types),
                              lambda n: (n.attr("PartName") or "").lstrip("/") not in members)
    return members & set(archive.namelist())


@dataclass
class _Plan:
    table: StaffTable
    first_row: int
    new_last: int
    notes: list[str]
    existing: list[tuple[int, dict[str, object]]]
    sheet_xml: bytes
    scan: _SheetScan


def _infer_formulas(table: StaffTable, scan: _SheetScan) -> list[str]:
    """Columns without a calculated-column formula (LibreOffice does not write one) whose
    body rows all hold the same plain formula: that formula, for the new rows too. Returns
    the names of such columns."""
    c1, r1, c2, r2 = table.ref
    inferred = []
    body = [row for row in scan.rows if r1 < row.number <= r2]
    for offset in range(c2 - c1 + 1):
        if offset in table.formulas or offset in table.fields.values():
            continue
        texts = set()
        for row in body:
            cell = next((c for c in row.cells if c.col == c1 + offset), None)
            texts.add(cell.formula_xml if cell is not None else None)
        if len(body) == r2 - r1 and len(texts) == 1 and None not in texts:
            table.formulas[offset] = texts.pop()
            inferred.append(table.columns[offset])
    return inferred


def plan_import(workbook: Path, archive: zipfile.ZipFile, roster: Roster, existing_mode: str | None,
                data: bytes | None = None) -> _Plan:
    """Where the people go, and whether the workbook's own roster allows it."""
    table = find_staff_table(archive)
    sheet_ref = _sheet_ref(table.sheet)
    if table.filtered:
        raise StaffTableError(f"the {TABLE_NAME} table has a filter on; clear it in Excel and import again")
    for name in ("team", "soft"):
        if name in roster.columns and name not in table.fields:
            raise StaffTableError(f"the roster has a {LABELS[name]} column ({roster.columns[name]!r}) but the "
                                  f"{TABLE_NAME} table has none (its columns: {', '.join(table.columns)})")
    c1, r1, c2, r2 = table.ref
    sheet_xml = archive.read(table.sheet_part)
    scan = _scan_sheet(sheet_xml)
    notes = [f"{TABLE_NAME} column {name!r}: the formula its rows had, in every imported row"
             for name in _infer_formulas(table, scan)]
    current = existing_people(workbook, table, data)
    example = is_example_roster(current)
    count = len(roster.people)
    if current and not example and existing_mode is None:
        row, values = current[0]
        raise StaffTableError(
            f"the {TABLE_NAME} table already holds {len(current)} {'person' if len(current) == 1 else 'people'} "
            f"who are not the template's example (first {shown(values.get('name'))} in {sheet_ref} row {row}); "
            "give --replace to replace them or --append to add the roster after them")
    if existing_mode == "append" and current:
        first_row = current[-1][0] + 1
        new_last = max(r2, first_row + count - 1)
        notes.append(f"kept the {len(current)} {'person' if len(current) == 1 else 'people'} already on "
                     f"{TABLE_NAME}{' (the template example)' if example else ''}; added the roster after them")
    else:
        first_row = r1 + 1
        new_last = r1 + count
        if example:
            notes.append(f"replaced the template's example roster ({len(current)} people)")
        elif current:
            notes.append(f"replaced the {len(current)} {'person' if len(current) == 1 else 'people'} "
                         f"who were on {TABLE_NAME} (--replace)")
    unfed = [table.columns[o] for o in range(c2 - c1 + 1)
             if o not in table.formulas and o not in table.fields.values()]
    if unfed:
        notes.append(f"{TABLE_NAME} column{'s' if len(unfed) > 1 else ''} {', '.join(map(repr, unfed))} left "
                     "blank for the imported people")
    return _Plan(table, first_row, new_last, notes, current, sheet_xml, scan)


def write_roster(workbook: str | Path, people: Sequence[Person], data: bytes, plan: _Plan):
    """The writer for ``people`` in the Staff table as ``plan`` says, from ``data`` (the
    workbook's bytes, read once): (what changed, write(temporary)). What changed is
    {"cells": "Staff!A5:F54", "quoted": count of formula-like texts}; the caller puts the
    temporary file in place (see :mod:`talentneeds.files`)."""
    workbook = Path(workbook)
    table = plan.table
    sheet_ref = _sheet_ref(table.sheet)
    c1, r1, c2, _r2 = table.ref
    last_written = plan.first_row + len(people) - 1
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet_data, scan = plan.sheet_xml, plan.scan
    _check_room(scan, table, plan.first_row, last_written, sheet_ref)
    _other_tables_in_the_way(archive, table, last_written, sheet_ref)
    workbook_part = _workbook_part(archive)
    styles_part = next((_target(workbook_part, r["Target"]) for r in _relationships(archive, workbook_part)
                        if r.get("Type") == STYLES_REL), None)
    styles = _Styles(archive.read(styles_part) if styles_part in archive.namelist() else None)
    new_sheet, removed_formula = _rewrite_sheet(sheet_data, scan, table, people, plan.first_row,
                                                plan.new_last, styles)
    new_ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{plan.new_last}"
    body_ref = f"{get_column_letter(c1)}{r1 + 1}:{get_column_letter(c2)}{plan.new_last}"
    patched = {table.sheet_part: new_sheet,
               table.table_part: _patch_table(archive.read(table.table_part), new_ref, body_ref),
               workbook_part: _recalculate_on_load(archive.read(workbook_part))}
    quoted_styles = styles.patched()
    if quoted_styles is not None:
        patched[styles_part] = quoted_styles
    removed = _drop_calc_chain(archive, workbook_part, patched) if removed_formula else set()
    quoted = sum(1 for p in people for t in (p.name, p.role, p.team) if t and t.startswith(FORMULA_LIKE))
    cells = (f"{sheet_ref}!{get_column_letter(c1)}{plan.first_row}:{get_column_letter(c2)}{last_written}")
    return {"cells": cells, "quoted": quoted}, lambda temporary: _write_to(archive, temporary, patched, removed)


def _write_to(archive, path: Path, patched, removed) -> None:
    with open(path, "wb") as handle:
        _copy_zip(archive, handle, patched, removed)


# ---------------------------------------------------------------- the whole import

@contextlib.contextmanager
def _reading(workbook: str | Path):
    """Errors about the workbook named after it; a damaged file is one RosterFileError."""
    try:
        yield
    except StaffTableError as error:
        raise StaffTableError(f"{workbook}: {error}") from None
    except RosterImportError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, expat.ExpatError, ElementTree.ParseError, EOFError,
            zlib.error) as error:
        raise RosterFileError(f"{workbook}: cannot read the workbook ({type(error).__name__}: {error})") from None

def _unknown_titles(people, workbook_path: Path) -> str | None:
    """The roster's titles that the workbook's Roles table does not know, described; None if none."""
    from talentneeds.workbook.titles import describe_unknown, unknown_titles, workbook_titles

    with _reading(workbook_path):
        _, catalog = workbook_titles(workbook_path)
    unknown = unknown_titles((p.role for p in people if isinstance(p.role, str)), catalog)
    return describe_unknown(unknown, "Roles") if unknown else None


def import_roster(roster_path: str | Path, workbook: str | Path, output: str | Path | None = None, *,
                  sheet: str | None = None, date_order: str | None = None, existing: str | None = None,
                  allow_duplicates: bool = False, force: bool = False, progress=None) -> ImportResult:
    """Import the roster at ``roster_path`` into the Staff table of ``workbook`` (or of a
    copy at ``output``). ``progress`` (an ``engines.progress.Progress``) is told the stages.

    ``existing``: None (only an empty table or the template's example roster is replaced),
    "replace" or "append". Raises a :class:`RosterImportError` for every user mistake.
    """
    if existing not in (None, "replace", "append"):
        raise ValueError(f"existing must be None, 'replace' or 'append', got {existing!r}")
    workbook_path = Path(workbook)
    if not workbook_path.is_file():
        raise RosterFileError(f"{workbook}: no such file")
    if workbook_path.suffix.lower() not in WORKBOOK_SUFFIXES or not zipfile.is_zipfile(workbook_path):
        raise RosterFileError(f"{workbook}: not an Excel workbook (.xlsx or .xlsm)")
    from talentneeds.files import OutputError, check_output, read_regular, update_in_place, write_output

    if output is not None:
        target = Path(output)
        if target.suffix.lower() != workbook_path.suffix.lower():
            raise RosterFileError(f"{output}: the output must be a {workbook_path.suffix} file like the workbook")
        if target.exists() and target.resolve() == workbook_path.resolve():
            raise RosterFileError(f"{output} is the workbook itself; leave out -o to import into the workbook")
        try:
            check_output(target, force)
        except OutputError as error:
            raise RosterFileError(str(error)) from None
    from talentneeds.engines.progress import Progress

    progress = progress or Progress()
    progress.stage("reading the roster")
    roster = read_roster(roster_path, sheet=sheet, date_order=date_order)

    def prepare(data: bytes):
        from talentneeds.untrusted import UntrustedFileError, check_workbook_file

        try:  # the bytes read: a file swapped in after the command's first check is checked too
            check_workbook_file(workbook_path, data=data)
        except UntrustedFileError as error:
            raise RosterFileError(str(error)) from None
        progress.stage("reading the workbook's Staff table")
        with _reading(workbook):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                plan = plan_import(workbook_path, archive, roster, existing, data)
        entries = [(f"{roster.row_word} {p.row}", p.name) for p in roster.people]
        if existing == "append":
            entries = [(f"{plan.table.sheet} row {row}", str(values.get("name") or ""))
                       for row, values in plan.existing] + entries
        duplicates = duplicate_problems(entries, roster.source if existing != "append" else
                                        f"{roster.source} and {workbook}")
        if duplicates and not allow_duplicates:
            raise RosterProblems(duplicates)
        progress.stage("writing the people into the workbook", total=len(roster.people), unit="people")
        with _reading(workbook):
            written, write = write_roster(workbook_path, roster.people, data, plan)
        return (written, plan, duplicates), write

    try:
        if output is None:  # under a lock, from the bytes read, refused if the file changed meanwhile
            written, plan, duplicates = update_in_place(workbook_path, prepare)
        else:
            (written, plan, duplicates), write = prepare(read_regular(workbook_path))
            write_output(output, write, force)
    except OutputError as error:
        raise RosterFileError(str(error)) from None
    progress.advance(len(roster.people))
    progress.close()
    notes = list(roster.notes) + plan.notes
    if duplicates:
        notes.append(f"kept {len(duplicates)} duplicate name{'s' if len(duplicates) > 1 else ''} "
                     f"(--allow-duplicates), e.g. {duplicates[0].message.split(' (the same')[0]}")
    unknown = _unknown_titles(roster.people, workbook_path)
    if unknown:
        notes.append(f"warning: {unknown}; add each on Roles with its archetype (Amplifier, Iterator, Connector "
                     "or Not counted), or the counts that read Staff show #N/A")
    if written["quoted"]:
        notes.append(f"stored {written['quoted']} text{'s' if written['quoted'] > 1 else ''} starting with "
                     "=, +, -, @ or a tab as text, never as a formula")
    return ImportResult(len(roster.people), str(roster_path), str(output if output is not None else workbook),
                        written["cells"], notes)
