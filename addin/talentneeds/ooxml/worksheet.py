"""A worksheet part: where its cells, rows, dimension and sheetData sit in its bytes, and the
edits that add cells to it (rows created and spans widened as needed)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from openpyxl.utils import column_index_from_string, range_boundaries

from talentneeds.ooxml.edit import Edit, start_tag
from talentneeds.ooxml.names import MAIN_NS, STRICT_NS
from talentneeds.ooxml.scan import Element, PackageError, close, parser, tag_end

CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")

Position = tuple[int, int]  # (column, row), 1-based


def cell_position(ref: str) -> Position:
    """``"B3"`` (or ``"$B$3"``) -> (2, 3)."""
    match = CELL_REFERENCE.match(str(ref).strip())
    if match is None:
        raise ValueError(f"not a single cell address: {ref!r}")
    return column_index_from_string(match.group(1).upper()), int(match.group(2))


@dataclass
class Worksheet:
    prefix: str
    dimension: Element | None = None
    sheet_data: Element | None = None
    rows: list[Element] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    cells: dict[Position, Element] = field(default_factory=dict)       # the wanted <c>, with children
    cells_by_row: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # row -> [(col, offset)], all
    arrays: list[tuple[int, int, int, int]] = field(default_factory=list)  # every array formula's range

    def q(self, local: str) -> str:
        """``local`` with the sheet's spreadsheetml prefix."""
        return f"{self.prefix}:{local}" if self.prefix else local

    def formula(self, cell: Element) -> Element | None:
        """The cell's ``<f>``, if it has one."""
        f_tag = self.q("f")
        return next((child for child in cell.children if child.name == f_tag), None)


_UNTRACKED = Element("", [], -1, tracked=False)  # on the stack for every element we never change


def scan_worksheet(data: bytes, wanted: Collection[Position] | None = None) -> Worksheet:
    """Byte offsets of the elements an edit may change: dimension, sheetData, rows, the
    ``wanted`` cells ((col, row); every cell if None) and their children; and of every
    cell, its column and start (where a new cell may go), and every array formula's range.

    Why only the wanted cells: a sheet may hold a quarter of a million constant cells,
    and an element object for each took most of the memory of computing a big workbook."""
    made = parser()
    made.ordered_attributes = True
    stack: list[Element] = []
    sheet: Worksheet | None = None
    f_tag = ""
    in_row: list[tuple[int, int]] = []

    def local(name: str) -> str | None:
        """The name without the spreadsheetml prefix; None for other namespaces."""
        if sheet.prefix:
            return name[len(sheet.prefix) + 1:] if name.startswith(sheet.prefix + ":") else None
        return None if ":" in name else name

    def in_sheet_data(depth: int) -> bool:
        return len(stack) >= depth and stack[1] is sheet.sheet_data

    c_tag = ""

    def start(name, attrs):
        nonlocal sheet, f_tag, c_tag, in_row
        depth = len(stack)
        if depth == 3 and name == c_tag and stack[1] is sheet.sheet_data:  # a cell: the hot path
            position = made.CurrentByteIndex
            row = sheet.row_numbers[-1]
            # r comes first as Excel and every writer we know write it; any order is read
            ref = attrs[1] if attrs and attrs[0] == "r" else next(
                (attrs[i + 1] for i in range(0, len(attrs), 2) if attrs[i] == "r"), None)
            col = _column(ref) if ref else (in_row[-1][0] + 1 if in_row else 1)  # r is optional
            in_row.append((col, position))
            if wanted is None or (col, row) in wanted:
                element = Element(name, list(zip(attrs[::2], attrs[1::2])), position)
                sheet.cells[(col, row)] = element  # its end offsets are set by end()
                stack.append(element)
            else:
                stack.append(_UNTRACKED)
            return
        if depth == 4 and name == f_tag and len(stack) > 3 and stack[1] is sheet.sheet_data:
            pairs = dict(zip(attrs[::2], attrs[1::2]))
            if pairs.get("t") == "array" and pairs.get("ref"):
                sheet.arrays.append(range_boundaries(pairs["ref"]))
        if depth > 4 or (depth == 4 and not stack[-1].tracked):
            # below a cell's children (the <t> of an inline string) nothing is ever changed
            stack.append(_UNTRACKED)
            return
        element = Element(name, list(zip(attrs[::2], attrs[1::2])), made.CurrentByteIndex)
        kind = None
        if depth == 0:
            sheet = _root(element)
            f_tag, c_tag = sheet.q("f"), sheet.q("c")
        else:
            kind = local(name)
        if depth == 1 and kind == "dimension":
            sheet.dimension = element
        elif depth == 1 and kind == "sheetData":
            sheet.sheet_data = element
        elif depth == 2 and kind == "row" and in_sheet_data(2):
            previous = sheet.row_numbers[-1] if sheet.row_numbers else 0
            sheet.rows.append(element)
            sheet.row_numbers.append(int(element.attr("r") or previous + 1))  # r is optional
            in_row = sheet.cells_by_row.setdefault(sheet.row_numbers[-1], [])
        elif depth == 4:  # a child of a wanted cell
            stack[-1].children.append(element)
        else:
            element.tracked = depth == 0
        stack.append(element)

    def end(_name):
        element = stack.pop()
        if element.tracked:  # offsets are only needed for the elements we may change
            close(element, data, made.CurrentByteIndex)

    made.StartElementHandler, made.EndElementHandler = start, end
    made.Parse(data, True)
    if sheet is None or sheet.sheet_data is None:
        raise PackageError("the worksheet XML has no sheetData")
    return sheet


_COLUMNS: dict[str, int] = {}  # a cell reference's letters -> its column (a sheet has a few dozen)
_DIGITS = "0123456789"


def _column(ref: str) -> int:
    """The column of the cell reference ``ref`` (``"AB12"`` -> 28); each new spelling of the
    letters is checked by :func:`cell_position`. Why: parsing every cell's reference in full
    took a third of scanning a 50,000-person Staff sheet."""
    letters = ref.rstrip(_DIGITS)
    column = _COLUMNS.get(letters)
    if column is None or letters == ref:
        column = cell_position(ref)[0]  # a reference without a row raises here
        if len(_COLUMNS) < 100_000:
            _COLUMNS[letters] = column
    return column


def _root(element: Element) -> Worksheet:
    prefix = element.name.split(":")[0] if ":" in element.name else ""
    if element.name.split(":")[-1] != "worksheet":
        raise PackageError(f"not a worksheet: <{element.name}>")
    namespace = element.attr(f"xmlns:{prefix}" if prefix else "xmlns")
    if namespace == STRICT_NS:
        raise PackageError("Strict Open XML workbooks are not supported; save as a regular .xlsx")
    if namespace != MAIN_NS:
        raise PackageError(f"unexpected worksheet namespace {namespace!r}")
    return Worksheet(prefix)


def insert_cells(sheet: Worksheet, data: bytes, new_cells: dict[int, list[tuple[int, bytes]]]) -> Iterator[Edit]:
    """Edits that add cells the sheet lacks: ``new_cells`` {row: [(col, the cell's XML)]},
    each row's cells in column order. A cell goes before the first cell of its row with a
    higher column; a row the sheet lacks is created in row order; a row's ``spans`` hint is
    widened to take its new cells."""
    rows = dict(zip(sheet.row_numbers, sheet.rows))
    new_rows = []
    for row, items in sorted(new_cells.items()):
        element = rows.get(row)
        if element is None:
            new_rows.append((row, items))
            continue
        existing = sheet.cells_by_row.get(row, [])
        if element.end_tag < 0:  # <row .../>: rewrite it whole
            body = b"".join(xml for _, xml in items)
            yield element.start, element.end, start_tag(element.name, with_spans(element, items)) + body + \
                f"</{element.name}>".encode()
            continue
        anchors: dict[int, list[bytes]] = {}
        for col, xml in items:
            after = next((start for c, start in existing if c > col), None)
            anchors.setdefault(after if after is not None else element.end_tag, []).append(xml)
        for position, parts in anchors.items():
            yield position, position, b"".join(parts)
        spans = with_spans(element, items)
        if spans != element.attrs:
            yield element.start, tag_end(data, element.start), start_tag(element.name, spans)
    if new_rows:
        yield from _insert_rows(sheet, new_rows)


def _insert_rows(sheet: Worksheet, new_rows: list[tuple[int, list[tuple[int, bytes]]]]) -> Iterator[Edit]:
    sheet_data = sheet.sheet_data
    row_tag = sheet.q("row")
    anchors: dict[int, list[bytes]] = {}
    for row, items in new_rows:
        xml = start_tag(row_tag, [("r", str(row))]) + b"".join(x for _, x in items) + f"</{row_tag}>".encode()
        after = next((e for n, e in zip(sheet.row_numbers, sheet.rows) if n > row), None)
        position = after.start if after is not None else sheet_data.end_tag
        anchors.setdefault(position, []).append(xml)
    if sheet_data.end_tag < 0:  # <sheetData/>
        rows = b"".join(b"".join(parts) for parts in anchors.values())
        yield sheet_data.start, sheet_data.end, (
            start_tag(sheet_data.name, sheet_data.attrs) + rows + f"</{sheet_data.name}>".encode())
        return
    for position, parts in anchors.items():
        yield position, position, b"".join(parts)


def with_spans(row: Element, items: list[tuple[int, object]]) -> list[tuple[str, str]]:
    """The row's attributes, its optional ``spans`` hint ("1:5" or "1:5 7:9") widened to
    take the columns of ``items`` ((col, anything))."""
    spans = row.attr("spans")
    if not spans:
        return row.attrs
    try:
        ranges = [tuple(int(x) for x in part.split(":")) for part in spans.split()]
        if any(len(r) != 2 for r in ranges):
            return row.attrs
    except ValueError:
        return row.attrs
    cols = [c for c, _ in items]
    if all(any(a <= c <= b for a, b in ranges) for c in cols):
        return row.attrs
    low, high = min([a for a, _ in ranges] + cols), max([b for _, b in ranges] + cols)
    return [(k, f"{low}:{high}" if k == "spans" else v) for k, v in row.attrs]
