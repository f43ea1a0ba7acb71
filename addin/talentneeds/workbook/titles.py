"""Role titles a workbook's catalogue does not know, named so the user can add them.

An unknown title turns its person's Archetype, and every count that reads it, into an
error: the messages of ``compute`` and ``import-roster`` name the titles themselves
rather than only a failing check. Titles are read from the workbook's Staff table
(its Role column) and looked up in its Roles table, by table name, wherever they are,
from the bytes the command already read (the file is not read again).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from talentneeds import ooxml
from talentneeds.errors import InvalidInput
from talentneeds.model.roles import DEFAULT_CATALOG, Catalog, check_title
from talentneeds.model.roles import unknown_titles as unknown_in_catalog
from talentneeds.roster.schema import roster_columns

# Titles named in one message, at most; beyond, the message says how many more.
SHOWN_TITLES = 20


def _table_refs(archive: zipfile.ZipFile, names: Iterable[str]) -> dict[str, tuple[str, str, int]]:
    """{name: (sheet title, ref, rows of totals at its foot)} of the tables called ``names``
    (case ignored, as Excel does)."""
    wanted = {name.casefold(): name for name in names}
    found = {}
    for title, _, table_part in ooxml.worksheet_tables(archive):
        root = ooxml.scan(archive.read(table_part), depth=0)
        name = (root.attr("displayName") or root.attr("name") or "").casefold()
        if name in wanted and root.attr("ref"):
            found[wanted[name]] = (title, root.attr("ref"), _whole(root.attr("totalsRowCount")))
    return found


def _whole(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


@dataclass(frozen=True)
class TableCells:
    sheet: str
    first_column: int  # 1 for column A
    first_row: int     # the header's row
    rows: list[list]   # header row first; a formula cell as its formula's text


def table_rows(data: bytes, names: Iterable[str]) -> dict[str, TableCells]:
    """{name: the table's cells} for each of ``names`` the workbook whose bytes are ``data`` has."""
    from openpyxl import load_workbook
    from openpyxl.utils import range_boundaries

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        refs = _table_refs(archive, names)
    if not refs:
        return {}
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)  # parses only the sheets read
    try:
        found = {}
        for name, (sheet, ref, totals) in refs.items():
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            found[name] = TableCells(sheet, min_col, min_row, [list(row) for row in book[sheet].iter_rows(
                min_row=min_row, max_row=max_row - totals, min_col=min_col, max_col=max_col, values_only=True)])
        return found
    finally:
        book.close()


@dataclass(frozen=True)
class StaffTitles:
    titles: list[str]     # the Role titles on Staff (a formula's by its computed value, if given)
    untitled: list[str]   # the Role cells ARCHETYPE cannot look up: blank, or a number, a date ...
    catalog: Catalog      # the Roles table's


def workbook_titles(data: bytes, values: dict | None = None) -> StaffTitles:
    """The Role titles on the Staff table, its Role cells that hold no title, and the
    catalogue of the Roles table (the built-in one if the workbook has no Roles table or it
    cannot be read), from the workbook's bytes; a Role cell that is a formula by its
    result in ``values`` (sheet, cell) -> value, as compute worked it out, if given."""
    from openpyxl.utils import get_column_letter

    from talentneeds.roster.staff_table import quoted_sheet_name

    tables = table_rows(data, ("Staff", "Roles"))
    roles = tables.get("Roles")
    catalog = catalog_of(roles.rows if roles else None)
    staff = tables.get("Staff")
    column = roster_columns(staff.rows[0], ("role",)).get("role") if staff and staff.rows else None
    if column is None:
        return StaffTitles([], [], catalog)
    titles, untitled = [], []
    letter = get_column_letter(staff.first_column + column)
    for number, row in enumerate(staff.rows[1:], start=staff.first_row + 1):
        role = row[column]
        if isinstance(role, str) and role.startswith("=") and values is not None:
            # a formula shows what compute worked out; text typed with a leading = (quote
            # prefix, as import-roster stores it) is no formula and has no computed value
            role = values.get((staff.sheet, f"{letter}{number}"), role)
        if isinstance(role, str) and role.strip():
            titles.append(role)
        elif role is None or isinstance(role, (str, int, float, dt.date)):  # not an error value
            untitled.append(f"{quoted_sheet_name(staff.sheet)}!{letter}{number}")
    return StaffTitles(titles, untitled, catalog)


def workbook_catalog(data: bytes) -> Catalog:
    """The catalogue of the Roles table of the workbook whose bytes are ``data``."""
    roles = table_rows(data, ("Roles",)).get("Roles")
    return catalog_of(roles.rows if roles else None)


def catalog_of(roles: list[list] | None) -> Catalog:
    """The catalogue of a Roles table's cells; the built-in one if there are none or they
    cannot be read (a damaged catalogue is a check of its own)."""
    from talentneeds.excel import tables

    if not roles:
        return DEFAULT_CATALOG
    try:
        return tables.catalog(roles, "Roles")
    except InvalidInput:
        return DEFAULT_CATALOG


def unknown_titles(titles: Iterable[str], catalog: Catalog) -> list[str]:
    """The titles ``catalog`` does not know, each once, in the order first met; what is
    not a title at all (a control character ...) is left to the roster's own check."""
    return [found.title for found in unknown_in_catalog(_titles_only(titles), catalog)]


def _titles_only(titles: Iterable[str]) -> Iterable[str]:
    for title in titles:
        try:
            check_title(title)
        except InvalidInput:
            continue
        yield title


def describe_unknown(titles: list[str], where: str) -> str:
    """'4 titles not in the catalogue on Roles: "Chef", ...' (the first SHOWN_TITLES)."""
    word = "title" if len(titles) == 1 else "titles"
    quoted = [f'"{title}"' for title in titles]
    return f"{len(titles)} {word} not in the catalogue on {where}: {_first(quoted)}"


def describe_untitled(cells: list[str]) -> str:
    """'2 Role cells on Staff hold no title (...): Staff!B5, Staff!B9; ...' (the first SHOWN_TITLES)."""
    word = "cell on Staff holds" if len(cells) == 1 else "cells on Staff hold"
    return f"{len(cells)} Role {word} no title (blank, or a number or date): {_first(cells)}; type a title Roles lists"


def _first(items: Iterable[str]) -> str:
    """The first SHOWN_TITLES of ``items``, comma-separated, then how many more."""
    items = list(items)
    more = f" and {len(items) - SHOWN_TITLES} more" if len(items) > SHOWN_TITLES else ""
    return ", ".join(items[:SHOWN_TITLES]) + more
