"""Role titles a workbook's catalogue does not know, named so the user can add them.

An unknown title turns its person's Archetype, and every count that reads it, into an
error: the messages of ``compute`` and ``import-roster`` name the titles themselves
rather than only a failing check. Titles are read from the workbook's Staff table
(its Role column) and looked up in its Roles table, by table name, wherever they are,
from the bytes the command already read (the file is not read again).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from talentneeds import ooxml
from talentneeds.errors import InvalidInput
from talentneeds.model.roles import DEFAULT_CATALOG, Catalog, check_title
from talentneeds.model.roles import unknown_titles as unknown_in_catalog
from talentneeds.roster.schema import roster_columns

# Titles named in one message, at most; beyond, the message says how many more.
SHOWN_TITLES = 20


def _table_refs(archive: zipfile.ZipFile, names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{name: (sheet title, ref)} of the tables called ``names`` (case ignored, as Excel does)."""
    wanted = {name.casefold(): name for name in names}
    found = {}
    for title, _, table_part in ooxml.worksheet_tables(archive):
        root = ooxml.scan(archive.read(table_part), depth=0)
        name = (root.attr("displayName") or root.attr("name") or "").casefold()
        if name in wanted and root.attr("ref"):
            found[wanted[name]] = (title, root.attr("ref"))
    return found


def table_rows(data: bytes, names: Iterable[str]) -> dict[str, list[list]]:
    """{name: the values of the table's cells, header row first} for each of ``names`` the
    workbook whose bytes are ``data`` has (a formula cell as its formula's text)."""
    from openpyxl import load_workbook
    from openpyxl.utils import range_boundaries

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        refs = _table_refs(archive, names)
    if not refs:
        return {}
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)  # parses only the sheets read
    try:
        found = {}
        for name, (sheet, ref) in refs.items():
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            found[name] = [list(row) for row in book[sheet].iter_rows(
                min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col, values_only=True)]
        return found
    finally:
        book.close()


def workbook_titles(data: bytes) -> tuple[list[str], Catalog]:
    """The Role titles on the Staff table and the catalogue of the Roles table (the
    built-in one if the workbook has no Roles table or it cannot be read), from the
    workbook's bytes."""
    tables = table_rows(data, ("Staff", "Roles"))
    staff = tables.get("Staff")
    column = roster_columns(staff[0], ("role",)).get("role") if staff else None
    titles = [] if column is None else [row[column] for row in staff[1:]
                                        if isinstance(row[column], str) and row[column].strip()]
    return titles, catalog_of(tables.get("Roles"))


def workbook_catalog(data: bytes) -> Catalog:
    """The catalogue of the Roles table of the workbook whose bytes are ``data``."""
    return catalog_of(table_rows(data, ("Roles",)).get("Roles"))


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
    shown = ", ".join(f'"{title}"' for title in titles[:SHOWN_TITLES])
    more = f" and {len(titles) - SHOWN_TITLES} more" if len(titles) > SHOWN_TITLES else ""
    word = "title" if len(titles) == 1 else "titles"
    return f"{len(titles)} {word} not in the catalogue on {where}: {shown}{more}"
