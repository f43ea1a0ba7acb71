"""Writing the people into the Staff table at the XML level, like
:mod:`talentneeds.engines.cached_values` stores computed values: the rows of the table
are rebuilt, and every other byte of the sheet and every other zip member is kept as
it was. The table part's ``ref`` (and its autoFilter's), the sheet's ``<dimension>`` and
the workbook's ``<calcPr fullCalcOnLoad="1">`` (the cached values are stale now) are the
only other changes; ``styles.xml`` gains a quote-prefixed copy of a column's style when
a text starts like a formula (``=``, ``+``, ``-``, ``@``), so that Excel keeps it text
when the cell is edited; the calculation chain goes when a formula cell went.
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from openpyxl.utils import get_column_letter

from talentneeds import ooxml
from talentneeds.model.pipeline import Person
from talentneeds.roster.staff_table import ImportPlan, SheetCell, SheetRow, SheetScan, StaffTable, check_room, \
    quoted_sheet_name
from talentneeds.roster.values import date_to_excel_serial

FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may take for a formula
_AFTER_CALC_PR = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                  "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")
_DROPPABLE_ROW_ATTRS = frozenset({"r", "spans", "x14ac:dyDescent"})


class _Styles:
    """Quote-prefixed copies of cell styles, added to styles.xml on demand."""

    def __init__(self, data: bytes | None):
        self.data = data
        self.added: list[bytes] = []
        self.cache: dict[str | None, str] = {}
        self.xfs: list[bytes] | None = None
        self.quote_prefixed: list[bool] = []

    def quoted(self, style: str | None) -> str | None:
        if self.data is None:
            return style
        if style not in self.cache:
            self.cache[style] = self._quoted(style)
        return self.cache[style]

    def _load(self):
        root = ooxml.scan(self.data, depth=2)
        self.cell_xfs = next((n for n in root.children if n.name == root.prefix + "cellXfs"), None)
        if self.cell_xfs is None or self.cell_xfs.end_tag < 0:
            self.xfs = []
            return
        inside = [n for n in self.cell_xfs.children if n.name == root.prefix + "xf"]
        self.xfs = [self.data[n.start:n.end] for n in inside]
        self.quote_prefixed = [n.attr("quotePrefix") in ("1", "true") for n in inside]

    def _quoted(self, style: str | None) -> str | None:
        if self.xfs is None:
            self._load()
        index = int(style) if style and style.isdigit() else 0
        if index >= len(self.xfs):
            return style  # a style the file does not have: leave the cell as it would be
        if self.quote_prefixed[index]:
            return style
        xf = self.xfs[index]
        clone = ooxml.splice(xf, [ooxml.set_attributes(xf, 0, {"quotePrefix": "1"})])
        everything = self.xfs + self.added
        if clone in everything:
            return str(everything.index(clone))
        self.added.append(clone)
        return str(len(self.xfs) + len(self.added) - 1)

    def patched(self) -> bytes | None:
        if not self.added:
            return None
        node = self.cell_xfs
        count = len(self.xfs) + len(self.added)
        return ooxml.splice(self.data, [ooxml.set_attributes(self.data, node.start, {"count": str(count)}),
                                        (node.end_tag, node.end_tag, b"".join(self.added))])


def _text_cell(ref: str, style: str | None, text: str, styles: _Styles) -> str:
    if text.startswith(FORMULA_LIKE):
        style = styles.quoted(style)
    s = f' s="{style}"' if style is not None else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{ooxml.escape_text(ooxml.xstring(text))}</t></is></c>'


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
                parts.append(f'<c r="{ref}"{s}><v>{int(date_to_excel_serial(person.start_date))}</v></c>')
            elif what == "soft":
                parts.append(f'<c r="{ref}"{s} t="b"><v>{1 if person.soft_skills else 0}</v></c>')
            elif style is not None:
                parts.append(f'<c r="{ref}"{s}/>')
        text = "".join(parts)
        if prefix:  # a prefixed spreadsheetml namespace: the same elements, prefixed
            text = re.sub(r"<(/?)(c|f|v|is|t)\b", lambda m: f"<{m.group(1)}{prefix}{m.group(2)}", text)
        yield text.encode("utf-8")


def _cell_bytes(data: bytes, cell: SheetCell, row: int, prefix: str) -> bytes:
    """A kept cell as it was; given its address when the file left it implicit."""
    raw = data[cell.start:cell.end]
    if cell.has_r:
        return raw
    name_end = 1 + len(prefix) + 1  # "<" + "c" with prefix
    return raw[:name_end] + f' r="{get_column_letter(cell.col)}{row}"'.encode() + raw[name_end:]


def _row_tag(data: bytes, row: SheetRow, cols: list[int], prefix: str) -> bytes:
    node = row.node
    tag = data[node.start:ooxml.tag_end(data, node.start)]
    if node.end_tag < 0:  # <row .../>: open it
        tag = tag[:-2].rstrip() + b">"
    values = {}
    if node.attr("spans") and cols:
        values["spans"] = f"{min(cols)}:{max(cols)}"
    if node.attr("r") is None:
        values["r"] = str(row.number)
    return ooxml.splice(tag, [ooxml.set_attributes(tag, 0, values)]) if values else tag


def _rewrite_sheet(data: bytes, scan: SheetScan, table: StaffTable, people: Sequence[Person], first_row: int,
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
        opened = data[node.start:node.end][:-2].rstrip() + b">"
        edits.append((node.start, node.end, opened + block + f"</{node.name}>".encode()))
    dimension = _dimension(scan, table, low, high, written_last)
    if scan.dimension is not None and dimension and dimension != scan.dimension.attr("ref"):
        edits.append(ooxml.set_attributes(data, scan.dimension.start, {"ref": dimension}))
    return ooxml.splice(data, edits), removed_formula


def _dimension(scan: SheetScan, table: StaffTable, low: int, high: int, written_last: int) -> str | None:
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


def _patch_table(data: bytes, new_ref: str, body_ref: str) -> bytes:
    root = ooxml.scan(data, depth=2)
    edits = [ooxml.set_attributes(data, root.start, {"ref": new_ref})]
    for node in root.children:
        if node.name == root.prefix + "autoFilter" and node.attr("ref"):
            edits.append(ooxml.set_attributes(data, node.start, {"ref": new_ref}))
        for sort in [node] + node.children:
            if sort.name == root.prefix + "sortState" and sort.attr("ref"):
                edits.append(ooxml.set_attributes(data, sort.start, {"ref": body_ref}))
    return ooxml.splice(data, edits)


def recalculate_on_load(data: bytes) -> bytes:
    """The workbook part asking for a full recalculation when it is opened."""
    root = ooxml.scan(data, depth=1)
    prefix = root.prefix
    calc = next((n for n in root.children if n.name == prefix + "calcPr"), None)
    if calc is not None:
        if calc.attr("fullCalcOnLoad") in ("1", "true"):
            return data
        return ooxml.splice(data, [ooxml.set_attributes(data, calc.start, {"fullCalcOnLoad": "1"})])
    after = next((n for n in root.children if n.name[len(prefix):] in _AFTER_CALC_PR), None)
    position = after.start if after is not None else root.end_tag
    return ooxml.splice(data, [(position, position, f'<{prefix}calcPr fullCalcOnLoad="1"/>'.encode())])


def _without(data: bytes, keep) -> bytes:
    """The XML with the root's children for which ``keep(node)`` is false removed."""
    return ooxml.splice(data, [(n.start, n.end, b"") for n in ooxml.scan(data, depth=1).children if not keep(n)])


def _drop_calc_chain(archive: zipfile.ZipFile, workbook_part: str, patched: dict[str, bytes]) -> set[str]:
    """Remove the calculation chain (Excel rebuilds it; a chain naming a cell that no longer
    has a formula makes Excel repair the file). Returns the removed members."""
    rels_part = ooxml.rels_part(workbook_part)
    chains = [r for r in ooxml.relationships(archive, workbook_part) if r.type == ooxml.CALC_CHAIN]
    if not chains:
        return set()
    members = {r.part(workbook_part) for r in chains}
    ids = {r.id for r in chains}
    patched[rels_part] = _without(archive.read(rels_part), lambda n: n.attr("Id") not in ids)
    types = ooxml.CONTENT_TYPES_PART
    patched[types] = _without(archive.read(types),
                              lambda n: (n.attr("PartName") or "").lstrip("/") not in members)
    return members & set(archive.namelist())


def write_roster(workbook: str | Path, people: Sequence[Person], data: bytes, plan: ImportPlan):
    """The writer for ``people`` in the Staff table as ``plan`` says, from ``data`` (the
    workbook's bytes, read once): (what changed, write(temporary)). What changed is
    {"cells": "Staff!A5:F54", "quoted": count of formula-like texts}; the caller puts the
    temporary file in place (see :mod:`talentneeds.files`)."""
    workbook = Path(workbook)
    table = plan.table
    sheet_ref = quoted_sheet_name(table.sheet)
    c1, r1, c2, _r2 = table.ref
    last_written = plan.first_row + len(people) - 1
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet_data, scan = plan.sheet_xml, plan.scan
    check_room(archive, scan, table, plan.first_row, last_written, sheet_ref)
    workbook_part = ooxml.main_part(archive)
    styles_part = next((r.part(workbook_part) for r in ooxml.relationships(archive, workbook_part)
                        if r.type == ooxml.STYLES), None)
    styles = _Styles(archive.read(styles_part) if styles_part in archive.namelist() else None)
    new_sheet, removed_formula = _rewrite_sheet(sheet_data, scan, table, people, plan.first_row,
                                                plan.new_last, styles)
    new_ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{plan.new_last}"
    body_ref = f"{get_column_letter(c1)}{r1 + 1}:{get_column_letter(c2)}{plan.new_last}"
    patched = {table.sheet_part: new_sheet,
               table.table_part: _patch_table(archive.read(table.table_part), new_ref, body_ref),
               workbook_part: recalculate_on_load(archive.read(workbook_part))}
    quoted_styles = styles.patched()
    if quoted_styles is not None:
        patched[styles_part] = quoted_styles
    removed = _drop_calc_chain(archive, workbook_part, patched) if removed_formula else set()
    quoted = sum(1 for p in people for t in (p.name, p.role, p.team) if t and t.startswith(FORMULA_LIKE))
    cells = (f"{sheet_ref}!{get_column_letter(c1)}{plan.first_row}:{get_column_letter(c2)}{last_written}")
    return {"cells": cells, "quoted": quoted}, lambda temporary: _write_to(archive, temporary, patched, removed)


def _write_to(archive, path: Path, patched, removed) -> None:
    with open(path, "wb") as handle:
        ooxml.rewrite(archive, handle, patched, removed)

