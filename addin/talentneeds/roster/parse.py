"""An HR export's rows become people: pure, no I/O (see :mod:`.read` for files).

Columns are found by header (:mod:`.schema`: case, spaces, punctuation and common
synonyms ignored); every value is checked (:mod:`.values`) and every problem collected,
each naming the file, the row or line as the user sees it, the column's header, the
value and what would be valid. Nothing is guessed silently: a date like ``03/04/2024``
is read day-first or month-first only when another date in the column decides it (or
the user says so), and whatever was trimmed, defaulted or ignored is reported
(:attr:`Roster.notes`).
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from talentneeds import excel_text
from talentneeds.errors import shown
from talentneeds.model.pipeline import Person
from talentneeds.roster.problems import Problem, RosterFileError, RosterProblems
from talentneeds.roster.schema import LABELS, field_of, header_key
from talentneeds.roster.values import DATE_FORMS, BadValue, Undecided, date_order_evidence, date_text, is_blank, yes_no

FIELDS = ("name", "role", "team", "start", "soft")  # the fields an import reads (not Archetype: a formula)
REQUIRED = ("name", "role", "start")
EXCEL_MAX_TEXT = excel_text.EXCEL_MAX_TEXT  # counted in UTF-16 code units
FIRST_YEAR, LAST_YEAR = 1950, 2100
HEADER_SEARCH_ROWS = 20  # the header may follow a title or a note: look this far down
_BOOL_FORMS = "TRUE/FALSE, yes/no, y/n, 1/0, or x/blank"


@dataclass
class Roster:
    people: list[Person]             # archetype None: the workbook's catalogue maps each Role
    source: str                      # the file, as the user named it
    row_word: str                    # "line" (CSV) or "row" (Excel)
    columns: dict[str, str]          # field -> the header it was found under
    ignored: list[str] = field(default_factory=list)   # headers of columns not imported
    notes: list[str] = field(default_factory=list)     # what was defaulted, trimmed, decided


class CellError:
    """An Excel error value (#N/A ...) read from a spreadsheet cell."""

    def __init__(self, code: str):
        self.code = code


def _trim(text: str) -> str:
    """Surrounding spaces off; tabs and line breaks are kept (a leading tab can be part of
    a formula-like text that must be stored exactly)."""
    return text.strip(" \u00a0")


def _in_range(date: dt.date) -> dt.date:
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise BadValue(f"is out of range: a start date must be from {FIRST_YEAR} to {LAST_YEAR}")
    return date


def _date_value(value: object, order: str | None) -> dt.date:
    if isinstance(value, CellError):
        raise BadValue(f"the cell shows {value.code}; fix that cell first")
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise BadValue(f"has a time of day ({value:%H:%M}); give the date only")
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, str):
        return _in_range(date_text(value, order))
    if isinstance(value, bool):
        raise BadValue(f"is a TRUE/FALSE value, not a date; valid: {DATE_FORMS}")
    if isinstance(value, numbers.Real):
        raise BadValue("is a number, not a date (is the column formatted as a date in the spreadsheet?); "
                   f"valid: {DATE_FORMS}")
    raise BadValue(f"is not a date; valid: {DATE_FORMS}")


def _bool_value(value: object) -> bool:
    if isinstance(value, CellError):
        raise BadValue(f"the cell shows {value.code}; fix that cell first")
    if is_blank(value):
        return False
    answer = yes_no(value)
    if answer is not None:
        return answer
    raise BadValue(f"is not a yes/no value; valid: {_BOOL_FORMS}")


def _text_value(value: object) -> str:
    """Text of a name, role or team cell (a number in a spreadsheet cell as it reads)."""
    if isinstance(value, CellError):
        raise BadValue(f"the cell shows {value.code}; fix that cell first")
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        raise BadValue("is a TRUE/FALSE value; expected text")
    elif isinstance(value, numbers.Real):
        number = float(value)
        text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    elif isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise BadValue("is a date or time; expected text")
    else:
        raise BadValue("is not text")
    length = excel_text.utf16_length(text)
    if length > EXCEL_MAX_TEXT:
        raise BadValue(f"is {length:,} characters long (as Excel counts them); an Excel cell holds at most "
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
            name = field_of(value)
            if name in FIELDS:
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
        if all(is_blank(v) for v in values):
            blank_rows += 1
            continue
        width = len(values)
        raw.append((number, *[(values[i] if i is not None and i < width else None) for i in index]))
        if headless is None:
            stray = [i for i in unnamed if i < width and not is_blank(values[i])] + [
                i for i in range(len(headers), width) if not is_blank(values[i])]
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
            if key not in mapping or (key == "team" and is_blank(value)):
                person[key] = None
                continue
            if is_blank(value):
                problems.append(Problem(where(number, key), f"{shown(value)}: every person needs a {LABELS[key]}"))
                continue
            try:
                text = _text_value(value)
            except BadValue as error:
                problems.append(Problem(where(number, key), f"{shown(value)} {error}"))
                continue
            person[key] = _trim(text)
            trimmed += person[key] != text
        if is_blank(start):
            problems.append(Problem(where(number, "start"), f"{shown(start)}: every person needs a Start date; "
                                    f"valid: {DATE_FORMS}"))
        else:
            try:
                person["start"] = _date_value(start, order)
            except Undecided as error:  # reported once, for the column; never dropped silently
                undecided = True
                if not order_problem:
                    problems.append(Problem(where(number, "start"), f"{shown(start)} {error}; give --day-first "
                                            "or --month-first"))
            except BadValue as error:
                problems.append(Problem(where(number, "start"), f"{shown(start)} {error}"))
        if "soft" in mapping:
            try:
                person["soft"] = _bool_value(soft)
            except BadValue as error:
                problems.append(Problem(where(number, "soft"), f"{shown(soft)} {error}"))
        else:
            person["soft"] = False
        if len(person) < 5 and len(problems) == reported and not (undecided and order_problem):
            raise AssertionError(f"{row_word} {number} was neither read nor reported")  # a bug, never a skip
        if len(person) == 5:
            people.append(Person(None, person["start"], person["soft"], f"{row_word} {number}",
                                 person["name"], person["role"], person["team"]))
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
        if all(is_blank(v) for v in values):
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
    headers = [repr(_header_text(v)) for v in values if not is_blank(v)]
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
        parts = date_order_evidence(start)
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

