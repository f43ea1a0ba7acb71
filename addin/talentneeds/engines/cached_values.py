"""Store computed values in a copy of a workbook, next to the formulas that made them.

Why not openpyxl: it writes either a formula or a value into a cell, never both, and a
load/save round trip can drop parts it does not model. Why not ``formulas``' own
writer: it writes values only. What we want is the original workbook, every part as it
was, plus a cached value (``<c><f>..</f><v>4.5</v></c>``) in every formula cell, so that
anything that reads cached values (openpyxl ``data_only=True``, pandas, previews) sees
the results while Excel keeps the formulas.

How: only the worksheet parts that receive values are changed, and within them only the
``<c>`` elements of those cells (plus ``<row>``/``<dimension>`` when an array formula's
range needs a cell the file did not have); and the workbook part's ``<calcPr>``, so that
the values are shown rather than recalculated away on opening (:func:`_settle_calculation`).
The parts are scanned for byte offsets and the new cells spliced in by
:mod:`talentneeds.ooxml`; every other byte -- XML declaration, namespace declarations,
``mc:Ignorable`` prefixes, other cells, the content of other zip members -- is kept as it
was, and DTDs, entity declarations and external references are refused.

Value encoding (``values``: {(sheet, "A1"): value}): numbers, dates (as Excel serial
numbers) -> ``<v>``; bool -> ``t="b"``; text -> ``t="str"`` (text that looks like an error
code, such as a label ``"#N/A"``, too); an error, a
:class:`~talentneeds.excel.boundary.CellError` -> ``t="e"`` with its code; None -> no cached value.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import os
import zipfile
from collections.abc import Collection
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries

from talentneeds import excel_text, ooxml
from talentneeds.excel.boundary import CellError
from talentneeds.files import atomic_write
from talentneeds.ooxml import Element, PackageError, Worksheet, cell_position, splice, start_tag, xstring
from talentneeds.roster.values import datetime_to_serial

CURRENT_CALC_ID = "191029"  # the calculation engine of Excel 2019 and Microsoft 365

Address = tuple[str, str]


# ---------------------------------------------------------------- public

# {sheet: [((min col, min row, max col, max row), {column: style})]}: the style a cell the
# file lacks is created with, where it falls in one of the ranges
NewCellStyles = dict[str, list[tuple[tuple[int, int, int, int], dict[int, str | None]]]]


def write_cached_values(in_path: str | Path, out_path: str | Path,
                        values: dict[Address, object], frozen: Collection[Address] = (),
                        data: bytes | None = None, new_cell_styles: NewCellStyles | None = None) -> list[Address]:
    """Copy ``in_path`` to ``out_path`` with ``values`` stored as cached values.

    Only formula cells and cells inside an array formula's range are written; the
    addresses of other cells (constants, blanks) are returned as skipped. ``in_path`` is
    only read; ``out_path`` is written through a temporary file in its own folder and
    renamed into place, so it is either the old file or the complete new one.

    ``frozen``: cells whose formula is dropped, their value kept as a constant (the top-left
    cell of an array formula freezes the whole range). For showing a workbook in an
    application that lacks some of its functions; never for the user's own files.

    ``new_cell_styles``: styles for the cells the file lacks (a spill's new rows), by range.
    """
    in_path, out_path = Path(in_path), Path(out_path)
    if out_path.exists() and os.path.samefile(in_path, out_path):
        raise PackageError(f"{out_path} is the input workbook; write the values to another file")
    skipped: list[Address] = []
    with zipfile.ZipFile(in_path if data is None else io.BytesIO(data)) as source:
        parts = ooxml.worksheet_parts(source)
        by_sheet: dict[str, dict[tuple[int, int], object]] = {}
        for (sheet, cell), value in values.items():
            by_sheet.setdefault(_find_sheet(sheet, parts), {})[cell_position(cell)] = value
        freeze: dict[str, set[tuple[int, int]]] = {}
        for sheet, cell in frozen:
            freeze.setdefault(_find_sheet(sheet, parts), set()).add(cell_position(cell))
        workbook = ooxml.main_part(source)
        patched = {workbook: _settle_calculation(source.read(workbook))}
        for title, cells in by_sheet.items():
            data, missed = _patch_sheet(source.read(parts[title]), cells, freeze.get(title, set()),
                                        (new_cell_styles or {}).get(title, []))
            patched[parts[title]] = data
            skipped += [(title, f"{get_column_letter(c)}{r}") for c, r in missed]
        atomic_write(out_path, lambda handle: _copy_zip(source, handle, patched))
    return skipped


# ---------------------------------------------------------------- the package

def sheet_titles(data: bytes) -> list[str]:
    """The titles of a workbook's sheets in order, as openpyxl lists them: a sheet whose part
    is missing from the package is left out. From the workbook part and its relationships
    alone (openpyxl's read-only load took 15 ms of computing the demo to give the same list)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return ooxml.present_sheet_titles(archive)


def _find_sheet(sheet: str, parts: dict[str, str]) -> str:
    if sheet in parts:
        return sheet
    for title in parts:  # Excel sheet names are unique ignoring case
        if title.upper() == str(sheet).upper():
            return title
    raise PackageError(f"no sheet {sheet!r} in the workbook (sheets: {', '.join(parts)})")


def _settle_calculation(data: bytes) -> bytes:
    """The workbook part with its ``<calcPr>`` saying that the stored values are current.

    A workbook that asks for ``fullCalcOnLoad``, or that names an older calculation
    engine (``calcId``), is recalculated in full when Excel opens it: without the add-in
    every cell of ours would then show #NAME? instead of the values we just stored.
    LibreOffice likewise recalculates on load when asked to. Dropping the flag and naming
    the current engine keeps the values until an input changes, when the cells that
    depend on it recalculate as usual.
    """
    calc = next((e for e in ooxml.scan(data).children if e.local == "calcPr"), None)
    if calc is None:
        return data  # no calcPr: Excel's defaults already trust the stored values
    end_at = ooxml.tag_end(data, calc.start)
    kept = [(k, v) for k, v in calc.attrs if k not in ("fullCalcOnLoad", "calcId")]
    settled = start_tag(calc.name, [("calcId", CURRENT_CALC_ID)] + kept, empty=calc.end_tag < 0)
    return data[:calc.start] + settled + data[end_at:]


def _copy_zip(source: zipfile.ZipFile, handle, patched: dict[str, bytes], removed: Collection[str] = ()) -> None:
    ooxml.rewrite(source, handle, patched, removed)  # a name of its own: the failed-write test replaces it


# ---------------------------------------------------------------- patching a sheet

def _patch_sheet(data: bytes, cells: dict[tuple[int, int], object],
                 frozen: set[tuple[int, int]] = frozenset(),
                 styles: list[tuple[tuple[int, int, int, int], dict[int, str | None]]] = ()
                 ) -> tuple[bytes, list[tuple[int, int]]]:
    """The sheet XML with ``cells`` ({(col, row): value}) stored; and the cells skipped.
    ``styles``: the styles of cells the sheet lacks, by range (see :data:`NewCellStyles`)."""

    def style_of(col: int, row: int) -> str | None:
        for (c1, r1, c2, r2), by_column in styles:
            if c1 <= col <= c2 and r1 <= row <= r2:
                return by_column.get(col)
        return None

    sheet = ooxml.scan_worksheet(data, cells.keys())
    arrays = sheet.arrays

    last: list[tuple[int, int, int, int]] = []  # the array the previous cell was in: cells come row by row

    def in_array(col: int, row: int) -> bool:
        if last and last[0][0] <= col <= last[0][2] and last[0][1] <= row <= last[0][3]:
            return True
        for box in arrays:
            if box[0] <= col <= box[2] and box[1] <= row <= box[3]:
                last[:] = [box]
                return True
        return False

    edits: list[tuple[int, int, bytes]] = []
    new_cells: dict[int, list[tuple[int, object]]] = {}
    skipped = []
    for (col, row), value in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
        element = sheet.cells.get((col, row))
        has_formula = element is not None and sheet.formula(element) is not None
        if not (has_formula or in_array(col, row)):
            skipped.append((col, row))
        elif element is not None:
            edits.append((element.start, element.end,
                          _render_cell(sheet, data, element, value, (col, row) in frozen)))
        else:
            new_cells.setdefault(row, []).append((col, value))
    edits += ooxml.insert_cells(sheet, data, {row: [(col, _new_cell(sheet, col, row, value, style_of(col, row)))
                                                    for col, value in items]
                                              for row, items in new_cells.items()})
    not_written = set(skipped)
    written = [key for key in cells if key not in not_written]
    if written and sheet.dimension is not None:
        edits += _widen_dimension(sheet, written)
    return splice(data, edits), skipped


def _widen_dimension(sheet: Worksheet, written: list[tuple[int, int]]):
    element = sheet.dimension
    ref = element.attr("ref")
    cols = [c for c, _ in written]
    rows = [r for _, r in written]
    try:
        c1, r1, c2, r2 = range_boundaries(ref)
    except (TypeError, ValueError):
        return
    c2, r2 = c2 or c1, r2 or r1
    new = (min(c1, *cols), min(r1, *rows), max(c2, *cols), max(r2, *rows))
    if new == (c1, r1, c2, r2):
        return
    start = f"{get_column_letter(new[0])}{new[1]}"
    end = f"{get_column_letter(new[2])}{new[3]}"
    attrs = [(k, f"{start}:{end}" if k == "ref" else v) for k, v in element.attrs]
    yield element.start, element.end, start_tag(element.name, attrs, empty=True)


# ---------------------------------------------------------------- rendering

def _render_cell(sheet: Worksheet, data: bytes, cell: Element, value: object, frozen: bool = False) -> bytes:
    """The cell with its cached value replaced; its formula (unless ``frozen``) and other
    children kept as they were in the file."""
    kind, text = _encode(value)
    if frozen and kind == "str":  # "str" is a formula's text; a constant is an inline string
        kind = "inlineStr"
    attrs = [(k, v) for k, v in cell.attrs if k != "t"]
    if kind:
        attrs.append(("t", kind))
    kept = []
    value_xml = _inline_string(sheet, text) if kind == "inlineStr" else _value(sheet, text)
    placed = False
    for child in cell.children:
        if child.name in (sheet.q("v"), sheet.q("is")) or (frozen and child.name == sheet.q("f")):
            continue
        kept.append(data[child.start:child.end])
        if child.name == sheet.q("f") and not placed:
            kept.append(value_xml)
            placed = True
    if not placed:
        kept.insert(0, value_xml)
    return start_tag(cell.name, attrs) + b"".join(kept) + f"</{cell.name}>".encode()


def _new_cell(sheet: Worksheet, col: int, row: int, value: object, style: str | None = None) -> bytes:
    kind, text = _encode(value)
    attrs = [("r", f"{get_column_letter(col)}{row}")] + ([("s", style)] if style else []) + (
        [("t", kind)] if kind else [])
    tag = sheet.q("c")
    return start_tag(tag, attrs) + _value(sheet, text) + f"</{tag}>".encode()


def _value(sheet: Worksheet, text: str | None) -> bytes:
    if text is None:
        return b""
    tag = sheet.q("v")
    return f"<{tag}>{ooxml.escape_text(text)}</{tag}>".encode()


def _inline_string(sheet: Worksheet, text: str) -> bytes:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<{sheet.q('is')}><{sheet.q('t')}{space}>{ooxml.escape_text(text)}</{sheet.q('t')}></{sheet.q('is')}>".encode()


def _encode(value: object) -> tuple[str | None, str | None]:
    """A value -> (the cell's ``t`` attribute or None for a number, the ``<v>`` text)."""
    if value is None:
        return None, None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, dt.date):  # a datetime too
        value = datetime_to_serial(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return "e", "#NUM!"
        if number.is_integer() and abs(number) < 1e15:
            return None, str(int(number))
        return None, repr(number)
    if isinstance(value, CellError):
        return "e", value.code
    if isinstance(value, str):  # text, even text that looks like an error code: a typed "#N/A" label
        if excel_text.utf16_length(value) > excel_text.EXCEL_MAX_TEXT:
            return "e", "#VALUE!"  # what Excel gives for a formula whose text will not fit a cell
        return "str", xstring(value)
    raise TypeError(f"cannot store a {type(value).__name__} as a cell value: {value!r}")
