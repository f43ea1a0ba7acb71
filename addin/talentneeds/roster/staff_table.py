"""The workbook's Staff table: where it is, its columns, the rows of its sheet (byte
offsets, scanned with expat), the people on it now, and where an import puts the roster
(:func:`plan_import`: never over the user's own roster unless asked, never over cells
below the table)."""

from __future__ import annotations

import bisect
import re
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries

from talentneeds import ooxml
from talentneeds.errors import shown
from talentneeds.ooxml import Element
from talentneeds.roster.parse import FIELDS, REQUIRED, Roster
from talentneeds.roster.problems import RosterFileError, StaffTableError
from talentneeds.roster.schema import LABELS, field_of
from talentneeds.roster.values import is_blank

EXCEL_MAX_ROWS = 1_048_576
TABLE_NAME = "Staff"


@dataclass
class SheetCell:
    col: int
    start: int
    end: int
    has_r: bool
    filled: bool = False     # has a value, inline string or formula
    formula: bool = False
    style: str | None = None
    formula_xml: str | None = None  # a plain formula's text as the XML has it (escaped)


@dataclass
class SheetRow:
    number: int
    node: Element
    cells: list[SheetCell] = field(default_factory=list)


@dataclass
class SheetScan:
    prefix: str
    dimension: Element | None
    sheet_data: Element | None
    rows: list[SheetRow]
    merged: list[str]

    def q(self, local: str) -> str:
        return self.prefix + local


def scan_sheet(data: bytes) -> SheetScan:
    """Offsets of the sheet's dimension, sheetData, rows and cells; merged ranges."""
    parser = ooxml.parser()
    parser.ordered_attributes = True
    state: dict[str, object] = {"prefix": None}
    names: dict[str, str] = {}
    rows: list[SheetRow] = []
    merged: list[str] = []
    stack: list[object] = []  # Element, SheetCell or None (not tracked)
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
            item = dimension = Element(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
        elif depth == 1 and name == names["sheetData"]:
            item = sheet_data = Element(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
        elif depth == 2 and name == names["row"] and stack[1] is sheet_data:
            node = Element(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
            r = node.attr("r")
            number = int(r) if r else (rows[-1].number + 1 if rows else 1)
            if rows and number <= rows[-1].number:
                raise StaffTableError(f"the sheet's rows are out of order (row {number} after row "
                                      f"{rows[-1].number}); open and save the workbook in Excel first")
            rows.append(SheetRow(number, node))
            item = node
        elif depth == 3 and name == names["c"] and isinstance(stack[2], Element):
            row = rows[-1]
            attributes = dict(zip(attrs[::2], attrs[1::2]))
            ref, style = attributes.get("r"), attributes.get("s")
            if ref:
                try:
                    col = ooxml.cell_position(ref)[0]
                except ValueError:
                    raise StaffTableError(f"a cell of the sheet has the address {ref!r}") from None
            else:
                col = row.cells[-1].col + 1 if row.cells else 1
            item = SheetCell(col, parser.CurrentByteIndex, -1, bool(ref), style=style)
            row.cells.append(item)
        elif depth == 4 and isinstance(stack[3], SheetCell):
            if name in (names["v"], names["is"], names["f"]):
                stack[3].filled = True
            if name == names["f"]:
                stack[3].formula = True
                item = Element(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
        elif depth == 2 and name == names["mergeCell"] and stack[1] is not None:
            ref = dict(zip(attrs[::2], attrs[1::2])).get("ref")
            if ref:
                merged.append(ref)
        elif depth == 1 and name == names["mergeCells"]:
            item = Element(name, [], parser.CurrentByteIndex)
        stack.append(item)

    def end(_name):
        item = stack.pop()
        if isinstance(item, Element):
            ooxml.close(item, data, parser.CurrentByteIndex)
            if (len(stack) == 4 and isinstance(stack[3], SheetCell) and item.end_tag >= 0
                    and item.attr("t") in (None, "normal")):  # not shared, not an array formula
                stack[3].formula_xml = _text(data, item)
        elif isinstance(item, SheetCell):
            tag_end = ooxml.tag_end(data, item.start)
            item.end = tag_end if data[tag_end - 2:tag_end] == b"/>" else data.index(b">", parser.CurrentByteIndex) + 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(data, True)
    if sheet_data is None:
        raise StaffTableError("the Staff sheet's XML has no sheetData")
    return SheetScan(state["prefix"], dimension, sheet_data, rows, merged)


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
        tables = ooxml.worksheet_tables(archive)
    except ooxml.PackageError as error:
        raise StaffTableError(str(error)) from None
    for title, part, table_part in tables:
        data = archive.read(table_part)
        root = ooxml.scan(data, depth=3)
        name = root.attr("displayName") or root.attr("name") or ""
        if name.casefold() == TABLE_NAME.casefold():
            return _read_table(title, part, table_part, root, data)
    raise StaffTableError(f"the workbook has no table named {TABLE_NAME!r}; is it a Talent Needs workbook "
                          "(talentneeds template -o talent-needs.xlsx)?")


def _read_table(title, part, table_part, root: Element, data: bytes) -> StaffTable:
    if (root.attr("headerRowCount") or "1") != "1":
        raise StaffTableError(f"the {TABLE_NAME} table has no header row; turn the header row on in Excel")
    if (root.attr("totalsRowCount") or "0") != "0":
        raise StaffTableError(f"the {TABLE_NAME} table has a total row; turn it off in Excel and import again")
    c1, r1, c2, r2 = range_boundaries(root.attr("ref"))
    columns, formulas = [], {}
    filtered = False
    for group in root.children:
        for node in group.children:
            if node.name == root.prefix + "tableColumn":
                columns.append(node.attr("name") or "")
                for formula in node.children:
                    if formula.name == root.prefix + "calculatedColumnFormula":
                        formulas[len(columns) - 1] = _text(data, formula)
            elif node.name == root.prefix + "filterColumn":
                filtered = True
    fields = {}
    for offset, name in enumerate(columns):
        field_name = field_of(name)
        if field_name in FIELDS and field_name not in fields and offset not in formulas:
            fields[field_name] = offset
    missing = [LABELS[f] for f in REQUIRED if f not in fields]
    if missing:
        raise StaffTableError(f"the {TABLE_NAME} table has no {' or '.join(missing)} column (its columns: "
                              f"{', '.join(columns)})")
    return StaffTable(title, part, table_part, (c1, r1, c2, r2), columns, formulas, fields, filtered)


def _text(data: bytes, element: Element) -> str:
    """An element's content as the XML has it (escaped)."""
    return data[ooxml.tag_end(data, element.start):element.end_tag].decode("utf-8") if element.end_tag > 0 else ""


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
            if all(is_blank(values[i]) for i in inputs):
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


def quoted_sheet_name(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class ImportPlan:
    table: StaffTable
    first_row: int
    new_last: int
    notes: list[str]
    existing: list[tuple[int, dict[str, object]]]
    sheet_xml: bytes
    scan: SheetScan


def _infer_formulas(table: StaffTable, scan: SheetScan) -> list[str]:
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
                data: bytes | None = None) -> ImportPlan:
    """Where the people go, and whether the workbook's own roster allows it."""
    table = find_staff_table(archive)
    sheet_ref = quoted_sheet_name(table.sheet)
    if table.filtered:
        raise StaffTableError(f"the {TABLE_NAME} table has a filter on; clear it in Excel and import again")
    for name in ("team", "soft"):
        if name in roster.columns and name not in table.fields:
            raise StaffTableError(f"the roster has a {LABELS[name]} column ({roster.columns[name]!r}) but the "
                                  f"{TABLE_NAME} table has none (its columns: {', '.join(table.columns)})")
    c1, r1, c2, r2 = table.ref
    sheet_xml = archive.read(table.sheet_part)
    scan = scan_sheet(sheet_xml)
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
    return ImportPlan(table, first_row, new_last, notes, current, sheet_xml, scan)


def check_room(archive: zipfile.ZipFile, scan: SheetScan, table: StaffTable, first_row: int, last_row: int,
               sheet_ref: str) -> None:
    """Refuse to grow the table over cells, merged ranges, another table or the end of the sheet."""
    _check_cells(scan, table, first_row, last_row, sheet_ref)
    _check_other_tables(archive, table, last_row, sheet_ref)


def _check_cells(scan: SheetScan, table: StaffTable, first_row: int, last_row: int, sheet_ref: str) -> None:
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


def _check_other_tables(archive: zipfile.ZipFile, table: StaffTable, last_row: int, sheet_ref: str) -> None:
    c1, _r1, c2, old_last = table.ref
    if last_row <= old_last:
        return
    for rel in ooxml.relationships(archive, table.sheet_part):
        if rel.type != ooxml.TABLE:
            continue
        part = rel.part(table.sheet_part)
        if part == table.table_part or part not in archive.namelist():
            continue
        root = ooxml.scan(archive.read(part), depth=0)
        tc1, tr1, tc2, tr2 = range_boundaries(root.attr("ref"))
        if tc1 <= c2 and tc2 >= c1 and tr1 <= last_row and tr2 > old_last:
            raise StaffTableError(f"the {TABLE_NAME} table would grow to row {last_row} into the table "
                                  f"{root.attr('displayName') or root.attr('name')} at {sheet_ref}!{root.attr('ref')}")

