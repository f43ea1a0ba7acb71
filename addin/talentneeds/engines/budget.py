"""A budget on the work a workbook may ask of the engine, checked before evaluation.

Why: a 31 KB file could hang compute or take gigabytes -- an array formula over
``A20:XFD1048576``, ``=SUM(B21:K1000000)`` over blanks (43.5 s, 6.1 GB measured), a
60,000-row running total. The cost is known from the formulas' text before anything is
compiled, so :func:`check_work` counts it and refuses, with one line naming the cell,
what the engine could not finish in reasonable time and memory. A range over blanks
costs what its used part costs: a range that is a whole argument of a function that
ignores blank cells (``SUM``, ``COUNT``, ...) is clipped to the sheet's used range
first, which gives the same result.

Each limit is stated here once, with the measurement behind it (this machine, the
template plus the cells named; ``formulas`` 1.3.4).
"""

from __future__ import annotations

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.engines.compat import cell_map, cells_in_order

__all__ = ["MAX_ARRAY_CELLS", "MAX_FORMULAS", "MAX_RANGE_CELLS", "MAX_USED_CELLS", "OverBudget", "check_arrays",
           "check_used_ranges", "check_work"]

#: Most formula cells (array formulas count once). Measured: a running total
#: ``=B{n-1}+A{n}`` costs the engine about 2.2 ms and 44 KB per formula (2,000 rows
#: 7.6 s / 260 MB, 8,000 rows 20.8 s / 524 MB), so 10,000 is about 25 s and 0.6 GB; the
#: template has a few hundred, and so has the synthetic 10,000-team / 50,000-person
#: workbook (tables' calculated columns become one array formula each).
MAX_FORMULAS = 10_000

#: Most cells all array formulas may fill together. Measured: the synthetic
#: 10,000-team / 50,000-person workbook has 50,597 (computes in 18 s, 330 MB); ten times
#: that is allowed. One array formula over ``A20:XFD1048576`` asks for 17 billion.
MAX_ARRAY_CELLS = 500_000

#: Most cells that range arguments may cover, each distinct range counted once, cells
#: inside a table not counted (the engine takes tables as one block each), ranges clipped
#: to the used range where that cannot change the result. Measured: a running
#: ``=SUM($A$1:A{n})`` over 2,000 rows covers 2 million cells and took 87 s / 2.0 GB
#: (4,000 rows, 8 million cells: 396 s / 7.0 GB): about 40 us and 0.9 KB per cell, so
#: 500,000 cells is about 20 s and 0.5 GB.
MAX_RANGE_CELLS = 500_000

#: Most cells a sheet's used range (A1 to its last row and column) may span: the engine
#: visits every cell of it, blank or not. A 100,000-person roster with 20 columns fits.
MAX_USED_CELLS = 2_000_000

#: Functions whose result does not depend on blank cells at the end of a range given as
#: a whole argument: such a range is clipped to the sheet's used range.
_BLANK_BLIND = frozenset({"SUM", "COUNT", "COUNTA", "AVERAGE", "MAX", "MIN", "PRODUCT", "AND", "OR",
                          "MAXA", "MINA", "STDEV", "STDEV.S", "VAR", "VAR.S", "MEDIAN"})
_MAX_ROW, _MAX_COL = 1_048_576, 16_384


class OverBudget(Exception):
    """The workbook asks for more work than the engine can do; the message names the cell."""


def check_used_ranges(workbook) -> None:
    """Refuse a sheet whose used range is vast (one value typed in XFD1048576 makes it
    17 billion cells): evaluating it would hang and exhaust memory."""
    for ws in workbook.worksheets:
        cells = cell_map(ws)
        if not cells:
            continue
        rows = max(r for r, _ in cells)
        columns = max(c for _, c in cells)
        if rows * columns > MAX_USED_CELLS:
            far = max(cells, key=lambda rc: rc[0] * columns + rc[1])
            raise OverBudget(
                f"sheet {ws.title!r}: its used range reaches {get_column_letter(columns)}{rows} "
                f"({rows * columns:,} cells, at most {MAX_USED_CELLS:,} can be evaluated; the farthest "
                f"cell in use is {get_column_letter(far[1])}{far[0]}); clear the cells far outside your data")


def check_work(workbook) -> None:
    """Refuse (:class:`OverBudget`) a workbook over any limit above; clip ranges over
    blanks to the used range in ``workbook`` (openpyxl, the evaluation copy)."""
    used = {ws.title.upper(): _used_bounds(ws) for ws in workbook.worksheets}
    tables = [(ws.title.upper(), range_boundaries(t.ref)) for ws in workbook.worksheets for t in ws.tables.values()]
    check_arrays(workbook)
    names = _named_ranges(workbook)
    formulas_seen = 0
    covered: dict[tuple[str, tuple[int, int, int, int]], None] = {}
    total = 0
    for ws in workbook.worksheets:
        for cell in cells_in_order(ws):
            value = cell.value
            text = value.text if isinstance(value, ArrayFormula) else value if cell.data_type == "f" else None
            if not isinstance(text, str):
                continue
            formulas_seen += 1
            where = f"{ws.title}!{cell.coordinate}"
            if formulas_seen > MAX_FORMULAS:
                raise OverBudget(f"{where}: the workbook has more than {MAX_FORMULAS:,} formulas, more than "
                                 "can be evaluated in reasonable time and memory; turn per-row formulas into "
                                 "a table's calculated column or an array formula")
            new, ranges = _clip(text, ws.title, used, names)
            if new is not text:
                if isinstance(value, ArrayFormula):
                    value.text = new
                else:
                    cell.value = new
            for key in ranges:
                if key in covered:
                    continue
                covered[key] = None
                total += _cells_outside_tables(key, tables)
                if total > MAX_RANGE_CELLS:
                    raise OverBudget(
                        f"{where}: the ranges the formulas read cover more than {MAX_RANGE_CELLS:,} cells "
                        f"(this one, {_a1(key[1])}, {_size(key[1]):,}), more than can be evaluated in "
                        "reasonable time and memory; read a table or a smaller range")


def check_arrays(workbook) -> None:
    """Refuse (:class:`OverBudget`) array formulas filling more than :data:`MAX_ARRAY_CELLS`."""
    total = 0
    for ws in workbook.worksheets:
        for anchor, ref in ws.array_formulae.items():
            total += _size(range_boundaries(ref.replace("$", "")))
            if total > MAX_ARRAY_CELLS:
                raise OverBudget(f"{ws.title}!{anchor}: array formulas fill more than {MAX_ARRAY_CELLS:,} cells "
                                 f"(this one, {ref}, {_size(range_boundaries(ref.replace('$', ''))):,}), more "
                                 "than can be evaluated in reasonable time and memory; make the array smaller")


def _used_bounds(ws) -> tuple[int, int]:
    """(last row, last column) anything occupies: a value, an array formula, a table."""
    occupied = [position for position, cell in cell_map(ws).items() if cell.value is not None]
    rows = max((r for r, _ in occupied), default=1)
    cols = max((c for _, c in occupied), default=1)
    for ref in [*ws.array_formulae.values(), *(t.ref for t in ws.tables.values())]:
        _, _, max_col, max_row = range_boundaries(ref.replace("$", ""))
        rows, cols = max(rows, max_row or 1), max(cols, max_col or 1)
    return rows, cols


def _named_ranges(workbook) -> dict[str, tuple[str, tuple[int, int, int, int]]]:
    """{upper-cased defined name: (upper-cased sheet, bounds)} of names that are one A1
    range (sheet-scoped names of every sheet too: counting one more than the engine
    reads errs on the safe side)."""
    found = {}
    scoped = [(None, workbook.defined_names)] + [(ws.title, getattr(ws, "defined_names", {}))
                                                  for ws in workbook.worksheets]
    for sheet, defined_names in scoped:
        for name, defined in defined_names.items():
            text = defined.attr_text or ""
            parsed = _parse_range(text.strip(), sheet) if "!" in text or sheet else None
            if parsed is not None:
                found[name.upper()] = (parsed[1].upper(), parsed[2])
    return found


def _clip(formula: str, sheet: str, used: dict[str, tuple[int, int]], names=None):
    """(formula with blank-blind whole-argument ranges clipped, [(sheet, bounds)] of every
    A1 range it reads, a defined name's range included). Formula text that does not parse
    is left to the engine."""
    try:
        items = Tokenizer(formula).items
    except TokenizerError:
        return formula, []
    functions: list[str] = []
    ranges = []
    changed = False
    for i, token in enumerate(items):
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            functions.append(token.value[:-1].upper().removeprefix("_XLFN."))
        elif token.type == Token.FUNC and token.subtype == Token.CLOSE and functions:
            functions.pop()
        elif token.type == Token.OPERAND and token.subtype == Token.RANGE:
            parsed = _parse_range(token.value, sheet)
            if parsed is None:
                if names and token.value.upper() in names:
                    ranges.append(names[token.value.upper()])
                continue
            prefix, target, bounds = parsed
            limit = used.get(target.upper())
            if limit is None:
                continue
            whole_argument = (i > 0 and items[i - 1].subtype in (Token.OPEN, Token.ARG)
                              and i + 1 < len(items) and items[i + 1].subtype in (Token.CLOSE, Token.ARG))
            if functions and functions[-1] in _BLANK_BLIND and whole_argument:
                min_col, min_row, max_col, max_row = bounds
                clipped = (min_col, min_row, max(min_col, min(max_col, limit[1])),
                           max(min_row, min(max_row, limit[0])))
                if clipped != bounds:
                    token.value, bounds, changed = prefix + _a1(clipped), clipped, True
            ranges.append((target.upper(), bounds))
    if not changed:
        return formula, ranges
    return "=" + "".join(t.value for t in items), ranges


def _parse_range(operand: str, sheet: str):
    """(sheet prefix with its "!", sheet title, (min_col, min_row, max_col, max_row)) of an
    A1 range operand of two cells or more (whole rows and columns included); None for a
    cell, a name, a structured reference or another workbook."""
    prefix, bang, ref = operand.rpartition("!")
    if bang:
        target = prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix
        prefix += "!"
    else:
        target, prefix, ref = sheet, "", operand
    if ":" not in ref or "[" in ref:
        return None
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return None
    return prefix, target, (min_col or 1, min_row or 1, max_col or _MAX_COL, max_row or _MAX_ROW)


def _cells_outside_tables(key, tables) -> int:
    sheet, (min_col, min_row, max_col, max_row) = key
    size = _size((min_col, min_row, max_col, max_row))
    for table_sheet, (t1, r1, t2, r2) in tables:
        if table_sheet == sheet:
            cols = max(0, min(max_col, t2) - max(min_col, t1) + 1)
            rows = max(0, min(max_row, r2) - max(min_row, r1) + 1)
            size -= cols * rows
    return size


def _size(bounds) -> int:
    min_col, min_row, max_col, max_row = bounds
    return (max_col - min_col + 1) * (max_row - min_row + 1)


def _a1(bounds) -> str:
    min_col, min_row, max_col, max_row = bounds
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
