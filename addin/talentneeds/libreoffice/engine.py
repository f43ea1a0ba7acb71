"""LibreOffice as the engine of ``talentneeds compute``: its values, our file.

LibreOffice (headless, with our add-in, recalculating every formula) opens the input
and saves its own copy in a throw-away folder; from that copy we take the value of every
formula cell of the input, and store those values into a copy of the input with the
writer the default engine uses (:func:`~talentneeds.engines.cached_values.write_cached_values`):
so the output keeps every part of the input as it was (LibreOffice's own copy, which
rewrites the whole file, is never handed out), is written atomically, and the input is
only read. Many workbooks go through one LibreOffice start (:func:`libreoffice_values`).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.excel.boundary import CellError
from talentneeds.libreoffice.office import convert, throwaway_profile
from talentneeds.roster.values import datetime_to_serial

Address = tuple[str, str]


def formula_cells(path: str | Path) -> list[Address]:
    """Every cell that holds a formula or lies in an array formula's range."""
    workbook = load_workbook(path, read_only=True)
    found: list[Address] = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = getattr(cell, "value", None)
                if isinstance(value, ArrayFormula):
                    min_col, min_row, max_col, max_row = range_boundaries(value.ref)
                    found += [(ws.title, f"{get_column_letter(c)}{r}")
                              for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
                elif isinstance(value, str) and value.startswith("="):
                    found.append((ws.title, cell.coordinate))
    workbook.close()
    return list(dict.fromkeys(found))


def cell_value(value: object) -> object:
    """A stored value as the default engine gives it: numbers as float, dates as serial numbers."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.date):  # a datetime too
        return datetime_to_serial(value)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    return float(value)


def read_values(saved: Path, addresses: list[Address]) -> dict[Address, object]:
    """The stored values at ``addresses`` (None where LibreOffice stored nothing)."""
    wanted: dict[str, set[str]] = {}
    for sheet, cell in addresses:
        wanted.setdefault(sheet, set()).add(cell)
    found: dict[Address, object] = {}
    workbook = load_workbook(saved, data_only=True, read_only=True)  # one pass per sheet
    try:
        for sheet, cells in wanted.items():
            for row in workbook[sheet].iter_rows():
                for cell in row:
                    if getattr(cell, "coordinate", None) in cells:
                        found[(sheet, cell.coordinate)] = (CellError(cell.value, "") if cell.data_type == "e"
                                                           else cell_value(cell.value))
    finally:
        workbook.close()
    return {address: found.get(address) for address in addresses}


def libreoffice_values(sources: list[Path], oxt: Path | None = None) -> tuple[list[dict[Address, object]], str]:
    """LibreOffice's values of every formula cell of each workbook in ``sources`` (one
    LibreOffice start for all), and what LibreOffice printed on standard error (our
    add-in's error messages). ``oxt``: the add-in to use (default: built now)."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if oxt is None:
            from talentneeds.libreoffice.oxt import build_oxt

            oxt = build_oxt(folder / "talentneeds.oxt")
        # LibreOffice names its copies by stem: inputs get distinct stems in a folder of their own
        copies = []
        for i, source in enumerate(sources):
            copy = folder / "in" / f"{i:05d}{Path(source).suffix.lower()}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(source, copy)
            copies.append(copy)
        with throwaway_profile(oxt) as profile:
            messages = convert(copies, folder / "out", profile)
        values = [read_values(folder / "out" / f"{copy.stem}.xlsx", formula_cells(source))
                  for source, copy in zip(sources, copies)]
    return values, messages


def libreoffice_values_of(data: bytes, suffix: str) -> dict[Address, object]:
    """LibreOffice's values of every formula cell of the workbook whose bytes are ``data``
    (the exact bytes the caller read once and will copy its values into)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / f"workbook{suffix.lower()}"
        copy.write_bytes(data)
        [values], _ = libreoffice_values([copy])
    return values
