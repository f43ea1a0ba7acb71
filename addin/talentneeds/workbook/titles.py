"""Role titles a workbook's catalogue does not know, named so the user can add them.

An unknown title turns its person's Archetype, and every count that reads it, into an
error: the messages of ``compute`` and ``import-roster`` name the titles themselves
rather than only a failing check. Titles are read from the workbook's Staff table
(its Role column) and looked up in its Roles table, by table name, wherever they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from talentneeds.errors import InvalidInput, UnknownRole
from talentneeds.model.roles import DEFAULT_CATALOG, Catalog
from talentneeds.roster.schema import roster_columns

# Titles named in one message, at most; beyond, the message says how many more.
SHOWN_TITLES = 20


def _table_rows(workbook, name: str) -> list[list] | None:
    """The cells of the table ``name`` (header first), or None if the workbook has none."""
    for sheet in workbook.worksheets:
        if name in sheet.tables:
            return [[cell.value for cell in row] for row in sheet[sheet.tables[name].ref]]
    return None


def workbook_titles(path: str | Path) -> tuple[list[str], Catalog]:
    """The Role titles on the Staff table and the catalogue of the Roles table (the
    built-in one if the workbook has no Roles table or it cannot be read)."""
    from openpyxl import load_workbook

    from talentneeds.excel import tables

    workbook = load_workbook(path, data_only=False)
    try:
        staff, roles = _table_rows(workbook, "Staff"), _table_rows(workbook, "Roles")
    finally:
        workbook.close()
    catalog = DEFAULT_CATALOG
    if roles:
        try:
            catalog = tables.catalog(roles, "Roles")
        except InvalidInput:
            pass  # a damaged catalogue is a check of its own; titles are then looked up in the default
    titles = []
    column = roster_columns(staff[0], ("role",)).get("role") if staff else None
    if column is not None:
        titles = [row[column] for row in staff[1:] if isinstance(row[column], str) and row[column].strip()]
    return titles, catalog


def unknown_titles(titles: Iterable[str], catalog: Catalog) -> list[str]:
    """The titles ``catalog`` does not know, each once, in the order first met."""
    unknown: dict[str, None] = {}
    for title in titles:
        if title.strip() in unknown:
            continue
        try:
            catalog.archetype(title)
        except UnknownRole:
            unknown[title.strip()] = None
        except InvalidInput:
            pass  # not a title at all (a control character ...): the roster's own check names it
    return list(unknown)


def describe_unknown(titles: list[str], where: str) -> str:
    """'4 titles not in the catalogue on Roles: "Chef", ...' (the first SHOWN_TITLES)."""
    shown = ", ".join(f'"{title}"' for title in titles[:SHOWN_TITLES])
    more = f" and {len(titles) - SHOWN_TITLES} more" if len(titles) > SHOWN_TITLES else ""
    word = "title" if len(titles) == 1 else "titles"
    return f"{len(titles)} {word} not in the catalogue on {where}: {shown}{more}"
