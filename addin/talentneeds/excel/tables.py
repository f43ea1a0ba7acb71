"""Range arguments with a header row: the roster, the role catalogue, per-team needs."""

from __future__ import annotations

import datetime as dt
import re

from talentneeds.errors import InvalidInput, shown
from talentneeds.excel_text import control_problem
from talentneeds.excel import cells
from talentneeds.model import assumptions as A
from talentneeds.model.archetypes import ARCHETYPES, Archetype, NotCounted, parse_archetype, parse_role_archetype
from talentneeds.model.limits import MAX_EXACT_WHOLE
from talentneeds.model.pipeline import Person
from talentneeds.model.ranges import Range
from talentneeds.model.roles import DEFAULT_CATALOG, Catalog, check_title
from talentneeds.roster.schema import CATALOG_FIELDS, find_columns, roster_columns

_ROW_END = object()


def _content_key(value: object) -> tuple | None:
    """A key that tells two ranges apart exactly as parsing would: text, blanks, dates
    and datetimes without a time zone as they are; booleans and ints with their type
    (True, 1 and 1.0 differ); datetimes with a time zone with it (equal instants in
    two zones fall on different dates); anything else by type and repr (0.0 and -0.0
    differ). It may hold an unhashable cell: see :func:`_remembered`."""
    if value is None:
        return None
    parts: list = []
    append = parts.append
    datetime, date = dt.datetime, dt.date
    for row in cells.rows_of(value) if not isinstance(value, list) else value:
        if not isinstance(row, (list, tuple)):
            return _content_key(cells.rows_of(value))  # a flat list: one row
        for cell in row:
            kind = type(cell)
            if kind is str or cell is None:
                append(cell)
            elif kind is datetime:
                append(cell if cell.tzinfo is None else (kind, cell, cell.tzinfo))
            elif kind is bool or kind is int:
                append((kind, cell))
            elif kind is date:  # equal only to dates (a datetime never equals a date)
                append(cell)
            else:
                append((kind, repr(cell)))
        append(_ROW_END)
    return tuple(parts)


def _remembered(cache: dict, size: int, key: tuple | None, make):
    """``make()``, remembered in ``cache`` under ``key`` (None, or a key holding an
    unhashable cell: not remembered); the cache is cleared when it holds ``size``."""
    if key is not None:
        try:
            found = cache.get(key)
        except TypeError:
            key = None
        else:
            if found is not None:
                return found
    made = make()
    if key is not None:
        if len(cache) >= size:
            cache.clear()
        cache[key] = made
    return made


# Parsed rosters by (name, catalogue, content): one recalculation hands the same roster
# to INTERNAL_AMPLIFIERS and to every HIRING_PLAN, and a recalculation after an edit
# elsewhere hands it again. Person is immutable; callers get a list of their own.
# It matters at scale only (python -m bench.memos): 5,000 people, a recalculation 0.87-1.43 s
# without it, 0.74-0.88 s with (two runs); the template's 20 people, within the noise.
_ROSTERS: dict[tuple, tuple[Person, ...]] = {}
_ROSTERS_SIZE = 8


def roster(value: object, catalog: Catalog = DEFAULT_CATALOG, name: str = "roster") -> list[Person]:
    """People from a range whose first non-blank row is a header.

    Columns are found by header (case and spacing ignored): Role (a title, mapped through
    the catalogue) or Archetype, Start date, Soft skills. Other columns are ignored and
    blank rows skipped. Errors name the row within the range and the column.
    """
    key = _content_key(value)
    return list(_remembered(_ROSTERS, _ROSTERS_SIZE, None if key is None else (name, catalog, key),
                            lambda: tuple(_parse_roster(value, catalog, name))))


def _parse_roster(value: object, catalog: Catalog, name: str) -> list[Person]:
    rows = cells.non_blank_rows(value)
    if not rows:
        return []
    _, header = rows[0]
    columns = roster_columns(header)
    if "start" not in columns:
        raise InvalidInput(f"{name} needs a header row with a Start date column "
                           "(and Role or Archetype, and Soft skills)")
    if "role" not in columns and "archetype" not in columns:
        raise InvalidInput(f"{name} needs a Role or an Archetype column in its header row")
    people = []
    for number, row in rows[1:]:
        def cell(field, row=row):
            index = columns.get(field)
            return row[index] if index is not None and index < len(row) else None
        where = f"{name} row {number}"
        try:
            archetype_cell = cells.single_cell(cell("archetype"), "Archetype")
            role_cell = cells.single_cell(cell("role"), "Role")
            for label, text in (("Archetype", archetype_cell), ("Role", role_cell)):
                if (problem := control_problem(text)) is not None:
                    raise InvalidInput(f"{label} {problem}")
            if not cells.is_blank(archetype_cell):
                archetype = parse_role_archetype(str(archetype_cell))
            elif not cells.is_blank(role_cell):
                archetype = catalog.archetype(str(role_cell))
            else:
                raise InvalidInput("Role is blank; give a role title or an Archetype")
            start = cells.date(cell("start"), "Start date")
            soft = cells.boolean(cell("soft"), "Soft skills")
        except InvalidInput as error:
            raise error.at(where) from None
        if isinstance(archetype, NotCounted):
            continue  # kept on the roster, in no count
        people.append(Person(archetype, start, soft, label=where,
                             **{field: _shown_cell(cell(field)) for field in ("name", "role", "team")}))
    return people


def roster_titles(value: object, name: str = "roster") -> list[str]:
    """The titles in a roster range's Role column (found by header, as for :func:`roster`),
    one per row that has one; blank rows and blank titles skipped. A Role cell that
    shows an error or is not a title (a control character ...) is an error naming its row."""
    rows = cells.non_blank_rows(value)
    if not rows:
        return []
    header = rows[0][1]
    column = roster_columns(header, ("role",)).get("role")
    if column is None:
        found = ", ".join(shown(cell) for cell in header if not cells.is_blank(cell))
        raise InvalidInput(f"{name} needs a Role column in its header row (a header such as Role, "
                           f"Title or Job title), got the header {found}")
    titles = []
    for number, row in rows[1:]:
        try:
            title = cells.single_cell(row[column] if column < len(row) else None, "Role")
            if not cells.is_blank(title):
                title = str(title)  # as the roster's lookup has it (a number is its text)
                check_title(title, "Role")
                titles.append(title)
        except InvalidInput as error:
            raise error.at(f"{name} row {number}") from None
    return titles


def _shown_cell(value: object) -> object:
    """A cell kept only to be shown again (a Name, a Team): None if blank, text, number or
    date as it is, anything else as text. Never checked: it is in no count."""
    if cells.is_blank(value):
        return None
    return value if isinstance(value, (str, int, float, dt.date)) else str(value)


# Parsed catalogues by content: a workbook passes the same Roles table to every row's
# ARCHETYPE and to every roster, and parsing it costs ~50 times looking it up. Small and
# bounded: cleared when full. Catalog is not changed after it is built, so sharing is safe.
# python -m bench.memos: 5,000 people (5,005 calls), a recalculation 2.5-3.8 s without either
# memo, 0.6-0.9 s with both (two runs); the template (25 calls), within the noise.
_CATALOGS: dict[tuple, Catalog] = {}
_CATALOGS_SIZE = 64


def catalog(value: object, name: str = "catalog") -> Catalog:
    """A two-column range Role, Archetype (a header row is optional); blank gives the default."""
    if value is None:
        return DEFAULT_CATALOG  # as parsing a blank range gives
    key = _content_key(value)
    return _remembered(_CATALOGS, _CATALOGS_SIZE, None if key is None else (name, key),
                       lambda: _parse_catalog(value, name))


def _parse_catalog(value: object, name: str) -> Catalog:
    rows = cells.non_blank_rows(value)
    if not rows:
        return DEFAULT_CATALOG
    header = rows[0][1]
    columns = roster_columns(header, CATALOG_FIELDS)
    if len(columns) == 2:
        role_col, archetype_col, body = columns["role"], columns["archetype"], rows[1:]
    else:
        role_col, archetype_col, body = 0, 1, rows
    entries = []
    for number, row in body:
        title = row[role_col] if role_col < len(row) else None
        kind = row[archetype_col] if archetype_col < len(row) else None
        if cells.is_blank(title) or cells.is_blank(kind):
            raise InvalidInput(f"{name} row {number} needs a role title and an archetype "
                               "(Amplifier, Iterator, Connector or Not counted)")
        try:
            entries.append((str(title), parse_role_archetype(str(kind))))
        except InvalidInput as error:
            raise error.at(f"{name} row {number}") from None
    try:
        return Catalog(entries)
    except InvalidInput as error:
        raise error.at(name) from None


def per_team(value: object, name: str = "per_team") -> dict[Archetype, Range]:
    """Needs per team as a range of three rows (Amplifier, Iterator, Connector) by Low, High.

    A header row and a first column of archetype names are optional; blank gives the
    source's defaults. A header row is recognised by its text (see :func:`_is_per_team_header`),
    never by counting rows: a fourth row of numbers is an error, not a header.
    """
    rows = cells.non_blank_rows(value)
    if not rows:
        return dict(A.PER_TEAM)
    if _is_per_team_header(rows[0][1]):
        rows = rows[1:]
    if len(rows) != len(ARCHETYPES):
        raise InvalidInput(f"{name} must have 3 rows (Amplifier, Iterator, Connector) of "
                           f"low and high (after an optional header row such as Low, High), got {len(rows)}")
    result = {}
    for default_archetype, (number, row) in zip(ARCHETYPES, rows):
        archetype = default_archetype
        if len(row) == 3 and not cells.is_blank(row[0]):
            archetype = parse_archetype(row[0])
        elif len(row) != 2:
            raise InvalidInput(f"{name} row {number} must hold low and high "
                               "(optionally after an archetype name)")
        low = cells.number(row[-2], f"{name} row {number} low")
        high = cells.number(row[-1], f"{name} row {number} high")
        result[archetype] = bounded_range(low, high, f"{name} row {number} low", f"{name} row {number} high")
    if set(result) != set(ARCHETYPES):
        raise InvalidInput(f"{name} must name each of Amplifier, Iterator and Connector once")
    return result


_LOW_WORDS = frozenset({"low", "min", "minimum", "from", "lower"})
_HIGH_WORDS = frozenset({"high", "max", "maximum", "to", "upper"})


def _is_per_team_header(row: list) -> bool:
    """A per_team header row: its last two cells are text naming the low and the high
    end ("Low", "High"; "Min", "Max"; "Per team low" ...), whatever comes before."""
    if len(row) < 2 or not all(isinstance(cell, str) for cell in row[-2:]):
        return False
    low_words, high_words = (set(re.findall(r"[a-z]+", cell.lower())) for cell in row[-2:])
    return bool(low_words & _LOW_WORDS) and bool(high_words & _HIGH_WORDS)


def bounded_range(low: float, high: float, low_name: str, high_name: str) -> Range:
    if low > high:
        raise InvalidInput(f"{low_name} ({low:g}) must be <= {high_name} ({high:g})")
    return Range(low, high)


def _line(value: object, name: str) -> list[tuple[int, object]]:
    """(position from 1, cell) of a single row or single column range."""
    rows = cells.rows_of(value)
    if not rows or not any(rows):
        return []
    if len(rows) > 1 and any(len(row) > 1 for row in rows):
        raise InvalidInput(f"{name} must be a single row or a single column, got {len(rows)} rows "
                           f"x {max(len(row) for row in rows)} columns")
    flat = [row[0] for row in rows] if len(rows) > 1 else rows[0]
    return list(enumerate(flat, start=1))


SCHEDULE_COLUMNS = {"quarter": ("quarter",), "teams": ("newteams", "teams", "count")}


def _is_labelled_schedule(value: object) -> bool:
    rows = cells.rows_of(value)
    return len(rows) > 1 and any(len(row) > 1 for row in rows)


def labelled_schedule(value: object, name: str = "schedule") -> tuple[list | None, list[int]]:
    """(quarter labels, new teams per quarter) from a schedule: either a single row or
    column (no labels: see :func:`schedule`), or a range with a header row holding a
    Quarter column and a New teams column, one row per quarter (blank rows skipped,
    a blank New teams counts 0)."""
    if not _is_labelled_schedule(value):
        return None, schedule(value, name)
    rows = cells.non_blank_rows(value)
    if not rows:
        raise InvalidInput(f"{name} must hold the new teams of at least one quarter")
    columns = find_columns(rows[0][1], SCHEDULE_COLUMNS)
    if len(columns) != 2:
        raw = cells.rows_of(value)
        raise InvalidInput(f"{name} must be a single row or a single column, or a Quarter and a New teams "
                           f"column under a header row with those names; got {len(raw)} rows x "
                           f"{max(len(row) for row in raw)} columns without that header")
    if len(rows) == 1:
        raise InvalidInput(f"{name} has a header but no quarters")
    labels, teams = [], []
    for number, row in rows[1:]:
        def cell(field, row=row):
            index = columns[field]
            return row[index] if index < len(row) else None
        label = cells.single_cell(cell("quarter"), f"{name} row {number} Quarter")
        if cells.is_blank(label):
            raise InvalidInput(f"{name} row {number} Quarter is blank; give the quarter's label, e.g. \"Q1 2027\"")
        labels.append(label.strip() if isinstance(label, str) else label)
        teams.append(int(cells.number(cell("teams"), f"{name} row {number} New teams", default=0, whole=True)))
    return labels, teams


def schedule(value: object, name: str = "schedule") -> list[int]:
    """New teams per quarter from a single row or column; a header cell of text at the
    start is skipped, a blank inside counts 0 teams, blanks at the end are trimmed."""
    if _is_labelled_schedule(value):
        return labelled_schedule(value, name)[1]
    line = _line(value, name)
    if line and isinstance(line[0][1], str) and cells.parse_number_text(line[0][1]) is None \
            and line[0][1].strip() and line[0][1].strip()[0] != "#":
        line = line[1:]
    while line and cells.is_blank(line[-1][1]):
        line.pop()
    if not line:
        raise InvalidInput(f"{name} must hold the new teams of at least one quarter")
    return [int(cells.number(cell, f"{name} quarter {position}", default=0, whole=True))
            for position, cell in line]


def by_archetype_numbers(value: object, name: str, maximum: float | None) -> float | dict[Archetype, float]:
    """One number for every archetype, or three (Amplifier, Iterator, Connector) in a row or column."""
    line = _line(value, name)
    if len(line) == 1:
        return cells.number(line[0][1], name, maximum=maximum)
    if len(line) != 3:
        raise InvalidInput(f"{name} must be one number or three (Amplifier, Iterator, Connector), "
                           f"got {len(line)} cells")
    return {archetype: cells.number(cell, f"{name} ({archetype})", maximum=maximum)
            for archetype, (_, cell) in zip(ARCHETYPES, line)}


def numbers(value: object, name: str, maximum: float) -> list[float]:
    """The numbers of a single row or column, blanks skipped."""
    found = [cells.number(cell, f"{name} cell {position}", maximum=maximum)
             for position, cell in _line(value, name) if not cells.is_blank(cell)]
    if not found:
        raise InvalidInput(f"{name} must hold at least one number")
    return found


def _quarter_label(value: object, name: str) -> int | str:
    """A Quarter cell: a whole number >= 1 (as HIRING_PLAN writes it) or a text label
    such as "2026 Q3" (a plan relabelled by the user)."""
    label = cells.text_or_number(value, name)
    if isinstance(label, str):
        return label
    return int(cells.number(value, name, minimum=1, maximum=MAX_EXACT_WHOLE, whole=True))


def _plan_rows(value: object, name: str, titles: tuple[str, ...]) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The column of each of ``titles`` in a HIRING_PLAN table (found by header) and its
    rows below the header, each padded to the header's width."""
    rows = cells.non_blank_rows(value)
    if not rows:
        raise InvalidInput(f"{name} must be a HIRING_PLAN table with its header row, got an empty range")
    _, header = rows[0]
    columns = find_columns(header, {title: (title,) for title in titles})
    missing = [title for title in titles if title not in columns]
    if missing:
        raise InvalidInput(f"{name} must be a HIRING_PLAN table with its header row; no column {', '.join(missing)}")
    if len(rows) == 1:
        raise InvalidInput(f"{name} has a header but no quarters")
    return columns, [(number, list(row) + [None] * (len(header) - len(row))) for number, row in rows[1:]]


def plan_table(value: object, name: str = "plan") -> dict[str, list]:
    """The Quarter, Backlog and Management-bound columns of a HIRING_PLAN table (with its header)."""
    columns, rows = _plan_rows(value, name, ("Quarter", "Backlog", "Management-bound"))
    found: dict[str, list] = {"Quarter": [], "Backlog": [], "Management-bound": []}
    for number, row in rows:
        where = f"{name} row {number}"
        found["Quarter"].append(_quarter_label(row[columns["Quarter"]], f"{where} Quarter"))
        found["Backlog"].append(int(cells.number(row[columns["Backlog"]], f"{where} Backlog", whole=True,
                                                 maximum=MAX_EXACT_WHOLE)))
        found["Management-bound"].append(cells.boolean(row[columns["Management-bound"]], f"{where} Management-bound"))
    return found


def plan_counts(value: object, titles: tuple[str, ...], name: str = "plan") -> tuple[list, dict[str, list[int]]]:
    """The Quarter labels and the whole counts in the columns ``titles`` of a HIRING_PLAN table."""
    columns, rows = _plan_rows(value, name, ("Quarter", *titles))
    labels = [_quarter_label(row[columns["Quarter"]], f"{name} row {number} Quarter") for number, row in rows]
    counts = {title: [int(cells.number(row[columns[title]], f"{name} row {number} {title}", whole=True,
                                       maximum=MAX_EXACT_WHOLE)) for number, row in rows] for title in titles}
    return labels, counts
