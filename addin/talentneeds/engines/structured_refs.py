"""Rewrite Excel structured table references into plain A1 references.

Why this exists: the formula engine we evaluate with (``formulas``) cannot parse
structured references such as ``Staff[[#This Row],[Role]]`` or ``Teams[Count]``, and it
ignores sheet-scoped defined names. Excel itself resolves both against the workbook's
tables and names, so before evaluation we do the same, textually, on a *copy* of the
workbook (the engine's, in memory): every cell address stays where it is, only formula
text changes. The original workbook (with its structured references) is never touched;
the computed values are written into a copy of its bytes.

Supported forms (table and column names are case-insensitive, ``'`` escapes honoured)::

    T                      bare table name: the data rows
    T[]  T[Col]  T[#All]  T[#Data]  T[#Headers]  T[#Totals]
    T[[#Headers],[#Data],[Col]]  T[[#Data],[#Totals],[Col]]
    T[[Col1]:[Col2]]  T[[#All],[Col1]:[Col2]]
    T[@Col]  T[@[Col name]]  T[[#This Row],[Col]]  T[@]
    [@Col]  [Col]          inside a table: the table that contains the cell
    Sheet!T[Col]           a sheet prefix is allowed and ignored (table names are unique)

Anything else that looks like a structured reference raises
:class:`StructuredReferenceError`, which names the sheet, the cell and the reference, so
that a user can find the formula Excel would accept but we cannot evaluate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.engines.compat import cells_in_order

ALL, DATA, HEADERS, TOTALS, THIS_ROW = "#ALL", "#DATA", "#HEADERS", "#TOTALS", "#THIS ROW"
SPECIALS = frozenset({ALL, DATA, HEADERS, TOTALS, THIS_ROW})
# The row-part combinations Excel accepts (one item, or headers/totals next to data).
_VALID_ROW_PARTS = (
    frozenset(), frozenset({ALL}), frozenset({DATA}), frozenset({HEADERS}), frozenset({TOTALS}),
    frozenset({THIS_ROW}), frozenset({HEADERS, DATA}), frozenset({DATA, TOTALS}),
)
# An operand such as Table[...] or [...]; the table name part is optional.
_STRUCTURED = re.compile(r"^(?P<table>[A-Za-z_\\][\w.\\]*)?\[(?P<spec>.*)\]$", re.S)


class StructuredReferenceError(ValueError):
    """A reference that cannot be turned into A1 form; names where it is and why."""

    def __init__(self, reference: str, reason: str, sheet: str | None = None,
                 cell: str | None = None, name: str | None = None):
        self.reference, self.reason, self.sheet, self.cell, self.name = reference, reason, sheet, cell, name
        if sheet and cell:
            where = f"{sheet}!{cell}"
        elif name:
            where = f"defined name {name}"
        else:
            where = "formula"
        super().__init__(f"{where}: cannot resolve {reference}: {reason}")

    def located(self, sheet: str | None = None, cell: str | None = None,
                name: str | None = None) -> StructuredReferenceError:
        """The same error, told where it happened."""
        return StructuredReferenceError(self.reference, self.reason, sheet, cell, name)


class _Unresolvable(Exception):
    """Internal: why one reference failed, before we know the cell it came from."""


@dataclass(frozen=True)
class TableInfo:
    """What resolving a reference needs to know about one Excel table."""

    name: str
    sheet: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int
    header_rows: int
    totals_rows: int
    columns: tuple[str, ...]  # upper-cased, unescaped

    @property
    def data_rows(self) -> tuple[int, int]:
        return self.min_row + self.header_rows, self.max_row - self.totals_rows


def _unescape(name: str) -> str:
    """Column names escape ``[ ] # '`` with a leading apostrophe."""
    return re.sub(r"'(.)", r"\1", name).strip()


def _split_items(spec: str) -> list[tuple[str, str]]:
    """``[#Data],[Col1]:[Col2]`` -> ``[("", "#Data"), (",", "Col1"), (":", "Col2")]``:
    each bracketed item with the separator that came before it."""
    items, i, n, sep = [], 0, len(spec), ""
    while i < n:
        ch = spec[i]
        if ch == "[":
            j, buf = i + 1, []
            while j < n and spec[j] != "]":
                if spec[j] == "'" and j + 1 < n:
                    buf.append(spec[j:j + 2])
                    j += 2
                    continue
                buf.append(spec[j])
                j += 1
            if j >= n:
                raise _Unresolvable("unbalanced brackets")
            items.append((sep, "".join(buf)))
            sep, i = "", j + 1
        elif ch in ",:":
            sep, i = ch, i + 1
        elif ch.isspace():
            i += 1
        else:
            raise _Unresolvable(f"unexpected {ch!r} between the bracketed items")
    return items


class TableIndex:
    """The tables of a workbook by upper-cased name, read once."""

    def __init__(self, workbook: Workbook):
        self.tables: dict[str, TableInfo] = {}
        for ws in workbook.worksheets:
            for table in ws.tables.values():
                min_col, min_row, max_col, max_row = range_boundaries(table.ref)
                header_rows = 1 if table.headerRowCount is None else int(table.headerRowCount)
                self.tables[table.displayName.upper()] = TableInfo(
                    table.displayName, ws.title, min_col, min_row, max_col, max_row,
                    header_rows, int(table.totalsRowCount or 0),
                    tuple(_unescape(c.name).upper() for c in table.tableColumns))

    def __contains__(self, name: str) -> bool:
        return name.upper() in self.tables

    def containing(self, sheet: str | None, row: int | None, col: int | None) -> TableInfo | None:
        """The table whose range holds the cell, for ``[@Col]`` written inside a table."""
        if sheet is None or row is None or col is None:
            return None
        for info in self.tables.values():
            if info.sheet == sheet and info.min_col <= col <= info.max_col and info.min_row <= row <= info.max_row:
                return info
        return None

    def resolve(self, table: str, spec: str, cell_row: int | None = None) -> str:
        """``Table[spec]`` -> an absolute A1 reference such as ``'Staff'!$A$4:$F$24``."""
        info = self.tables[table.upper()]
        if not info.columns:
            raise _Unresolvable(f"table {info.name} has no column names")
        row_parts, columns = self._parse(spec.strip())
        rows = self._rows(info, row_parts, cell_row)
        cols = self._columns(info, columns)
        start = f"${get_column_letter(cols[0])}${rows[0]}"
        end = f"${get_column_letter(cols[1])}${rows[1]}"
        sheet = "'" + info.sheet.replace("'", "''") + "'"
        return f"{sheet}!{start}" if start == end else f"{sheet}!{start}:{end}"

    @staticmethod
    def _parse(spec: str) -> tuple[set[str], list[tuple[str, str]]]:
        """Split a spec into its row parts (#Data, #This Row, ...) and its columns."""
        row_parts, columns = set(), []
        if not spec:
            return row_parts, columns
        if spec.startswith("@"):  # T[@Col], T[@[Col name]], T[@]
            row_parts.add(THIS_ROW)
            rest = spec[1:].strip()
            if rest.startswith("["):
                columns = [("", _unescape(item).upper()) for _, item in _split_items(rest)]
            elif rest:
                columns = [("", _unescape(rest).upper())]
            return row_parts, columns
        if not spec.startswith("["):  # T[Col] or T[#All]
            upper = spec.upper()
            if upper in SPECIALS:
                row_parts.add(upper)
            else:
                columns = [("", _unescape(spec).upper())]
            return row_parts, columns
        for sep, item in _split_items(spec):
            upper = item.strip().upper()
            if upper in SPECIALS:
                row_parts.add(upper)
            elif upper.startswith("@"):
                row_parts.add(THIS_ROW)
                if upper[1:].strip():
                    columns.append((sep, _unescape(item.strip()[1:]).upper()))
            else:
                columns.append((sep, _unescape(item).upper()))
        return row_parts, columns

    @staticmethod
    def _rows(info: TableInfo, parts: set[str], cell_row: int | None) -> tuple[int, int]:
        if frozenset(parts) not in _VALID_ROW_PARTS:
            raise _Unresolvable(f"Excel does not combine {', '.join(sorted(parts))}")
        first_data, last_data = info.data_rows
        if THIS_ROW in parts:
            if cell_row is None or not first_data <= cell_row <= last_data:
                raise _Unresolvable(f"#This Row is used outside the data rows of table {info.name} "
                                    f"(rows {first_data}-{last_data})")
            return cell_row, cell_row
        if ALL in parts:
            return info.min_row, info.max_row
        spans = []
        for part in parts or {DATA}:
            if part == HEADERS:
                if not info.header_rows:
                    raise _Unresolvable(f"table {info.name} has no header row")
                spans.append((info.min_row, info.min_row + info.header_rows - 1))
            elif part == TOTALS:
                if not info.totals_rows:
                    raise _Unresolvable(f"table {info.name} has no totals row")
                spans.append((info.max_row - info.totals_rows + 1, info.max_row))
            else:
                if last_data < first_data:
                    raise _Unresolvable(f"table {info.name} has no data rows")
                spans.append((first_data, last_data))
        return min(s[0] for s in spans), max(s[1] for s in spans)

    @staticmethod
    def _columns(info: TableInfo, columns: list[tuple[str, str]]) -> tuple[int, int]:
        if not columns:
            return info.min_col, info.max_col
        if len(columns) > 2 or (len(columns) == 2 and columns[1][0] != ":"):
            raise _Unresolvable("only one column or a [First]:[Last] column range is supported")
        indices = []
        for _, name in columns:
            if name not in info.columns:
                raise _Unresolvable(f"table {info.name} has no column {name!r} "
                                    f"(its columns: {', '.join(info.columns)})")
            indices.append(info.min_col + info.columns.index(name))
        return min(indices), max(indices)


def _is_reference(text: str) -> bool:
    """True when a defined name's text is one plain reference (safe to inline bare)."""
    try:
        items = Tokenizer("=" + text).items
    except TokenizerError:
        return False
    return len(items) == 1 and items[0].type == Token.OPERAND and items[0].subtype == Token.RANGE


def rewrite_formula(formula: str, tables: TableIndex, sheet: str | None = None, cell: str | None = None,
                    local_names: dict[str, dict[str, str]] | None = None,
                    global_names: frozenset[str] = frozenset()) -> str:
    """Formula text with its structured references (and sheet-scoped names) replaced.

    ``sheet``/``cell`` say where the formula is: they resolve ``#This Row`` and ``[@Col]``,
    pick the sheet-scoped names that apply, and name the place in errors. ``local_names``
    maps an upper-cased sheet title to {upper-cased name: reference text}.
    Formula text that needs no change is returned as it is (the same object).
    """
    if not isinstance(formula, str) or not formula.startswith("="):
        return formula
    row = col = None
    if cell:
        col, row, _, _ = range_boundaries(cell)
    local_names = local_names or {}
    try:
        tokens = Tokenizer(formula)
    except TokenizerError as error:
        raise StructuredReferenceError(formula, f"the formula does not parse ({error})", sheet, cell) from None
    changed = False
    for token in tokens.items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        try:
            new = _rewrite_operand(token.value, tables, sheet, row, col, local_names, global_names)
        except _Unresolvable as why:
            raise StructuredReferenceError(token.value, str(why), sheet, cell) from None
        if new is not None:
            token.value = new
            changed = True
    if not changed:
        return formula
    return "=" + "".join(t.value for t in tokens.items)


def _rewrite_operand(value: str, tables: TableIndex, sheet: str | None, row: int | None, col: int | None,
                     local_names: dict[str, dict[str, str]], global_names: frozenset[str]) -> str | None:
    """The A1 text for one range operand, or None when it needs no change."""
    if value.startswith(("[", "'[")) and "!" in value:  # [1]Sheet!A1, '[Book.xlsx]Sheet'!A1
        if value.endswith("]"):
            raise _Unresolvable("structured references into other workbooks are not supported")
        return None
    head, bracket, tail = value.partition("[")
    prefix, _, name = head.rpartition("!")  # a "!" inside the brackets is part of a column name
    bare = name + bracket + tail
    if bracket and bare.endswith("]"):
        match = _STRUCTURED.match(bare)
        if match is None:
            raise _Unresolvable("not a structured reference this engine understands")
        table_name = match.group("table")
        if table_name is None:  # [@Col] / [Col] inside a table
            info = tables.containing(sheet, row, col)
            if info is None:
                raise _Unresolvable("a reference without a table name is only valid inside a table")
            table_name = info.name
        elif table_name not in tables:
            raise _Unresolvable(f"there is no table named {table_name}")
        return tables.resolve(table_name, match.group("spec"), cell_row=row)
    if prefix:  # Sheet!Name: a sheet-scoped name used from another sheet
        scoped = local_names.get(prefix.strip("'").replace("''", "'").upper(), {})
        text = scoped.get(bare.upper())
        return None if text is None else _inline(text)
    if bare.upper() in tables and bare.upper() not in global_names:  # bare table name
        return tables.resolve(bare, "", cell_row=row)
    if sheet is not None:
        text = local_names.get(sheet.upper(), {}).get(bare.upper())
        if text is not None:
            return _inline(text)
    return None


def _inline(text: str) -> str:
    return text if _is_reference(text) else f"({text})"


def rewrite_workbook(workbook: Workbook) -> int:
    """Rewrite, in memory, every formula of ``workbook`` (cells, array formulas and
    workbook-scoped defined names); returns how many changed. Sheet-scoped names are
    inlined into the formulas of their sheet (and of ``Sheet!Name`` references)."""
    tables = TableIndex(workbook)
    global_names = frozenset(n.upper() for n in workbook.defined_names)
    local_names = _local_names(workbook, tables, global_names)
    count = 0
    for ws in workbook.worksheets:
        for c in cells_in_order(ws):
            value = c.value
            if isinstance(value, ArrayFormula):
                new = rewrite_formula(value.text, tables, ws.title, c.coordinate, local_names, global_names)
                if new != value.text:
                    c.value = ArrayFormula(ref=value.ref, text=new)
                    count += 1
            elif c.data_type == "f" and isinstance(value, str):
                new = rewrite_formula(value, tables, ws.title, c.coordinate, local_names, global_names)
                if new != value:
                    c.value = new
                    count += 1
    for name, defined in workbook.defined_names.items():
        text = "=" + (defined.attr_text or "")
        try:
            new = rewrite_formula(text, tables, global_names=global_names)
        except StructuredReferenceError as error:
            raise error.located(name=name) from None
        if new != text:
            defined.attr_text = new[1:]
            count += 1
    return count


def _local_names(workbook: Workbook, tables: TableIndex,
                 global_names: frozenset[str]) -> dict[str, dict[str, str]]:
    """{SHEET: {NAME: text}} for the sheet-scoped names, their own tables resolved."""
    found = {}
    for ws in workbook.worksheets:
        scoped = {}
        for name, defined in ws.defined_names.items():
            if not defined.attr_text:
                continue
            try:
                text = rewrite_formula("=" + defined.attr_text, tables, global_names=global_names)[1:]
            except StructuredReferenceError as error:
                raise error.located(name=f"{ws.title}!{name}") from None
            scoped[name.upper()] = text
        if scoped:
            found[ws.title.upper()] = scoped
    return found
