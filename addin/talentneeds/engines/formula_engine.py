"""Evaluate a workbook's formulas without Excel: :class:`WorkbookEngine`.

Why: the template is meant to be usable where there is no Excel (a server, CI, a
Linux laptop), and the numbers it shows must be the ones Excel would show. So we run
the workbook's own formulas, with our own function definitions (``talentneeds.udfs``,
the same ones Excel calls through xlwings), in the ``formulas`` engine::

    engine = WorkbookEngine("talent-needs.xlsx")
    values = engine.calculate()                               # {(sheet, "A1"): value}
    values = engine.calculate(inputs={("Teams", "D5"): 3})    # recalculate with a change
    engine.messages[("Needs", "B12")]                         # "#VALUE! ..." if it failed

How: the workbook is read once with openpyxl (as formulas reads one: dates as serial
numbers); in memory, structured table references are rewritten to A1
(:mod:`.structured_refs`; the engine cannot parse them), omitted arguments of our
functions are marked (:mod:`.udf_adapter`), tables' constant columns become blocks and
calculated columns array formulas (see :class:`_Block`), and the copy is handed to
``formulas``. Cell addresses are
unchanged, so results map straight back onto the original workbook.

Values come back as Excel shows them: numbers as floats, text, booleans, ``None`` for a
blank, and errors as their code (``"#VALUE!"``). The message our function gave for an
error is kept in :attr:`WorkbookEngine.messages`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import gc
import io
import logging
import re
from pathlib import Path

import formulas
import numpy as np
import schedula as sh
from formulas.cell import Cell as EngineCell
from formulas.ranges import Ranges
from formulas.tokens.operand import Error
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from talentneeds.engines import budget, circular, links
from talentneeds.engines.compat import (
    cell_map, cells_in_order, check_versions, compile_cell, compile_unless_blank, formula_wrappers, hold_book,
    load_workbook_as_formulas_does, model_progress, release_books,
)
from talentneeds.engines.progress import Progress
from talentneeds.engines.structured_refs import rewrite_workbook
from talentneeds.engines.udf_adapter import (
    engine_value,
    EXCEL_EPOCH, ROWS_SUFFIX, collecting, error_code, in_cell, mark_omitted_arguments, register_excel_functions,
    register_row_functions,
)

logger = logging.getLogger(__name__)

# The name of the evaluation copy: node ids embed it, so a fixed, plain name keeps them
# free of whatever characters the user's file name has.
_EVAL_NAME = "workbook.xlsx"
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")

Address = tuple[str, str]  # (sheet title, "A1")

# Called once for each cell compiled or calculated, while a Progress is counting them.
_cell_done: contextvars.ContextVar = contextvars.ContextVar("talentneeds_cell_done", default=None)


@contextlib.contextmanager
def collection_paused():
    """Python's cyclic garbage collector off for the duration. Why: loading builds
    millions of long-lived objects, and every full collection walks all of them again:
    it took a third of the time of computing a 50,000-person workbook. What is
    garbage by the end is collected once the engine is dropped. Also a decorator."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _counting(progress: Progress):
    token = _cell_done.set(progress.advance)
    try:
        yield
    finally:
        _cell_done.reset(token)


class FormulaEngineError(Exception):
    """The workbook cannot be evaluated; the message says where and why."""


# ---------------------------------------------------------------- engine internals

class _InCell:
    """A cell's compiled formula, run with that cell as the current cell, so that our
    functions can file their error messages under it."""

    def __init__(self, func, cell_id: str):
        self.__wrapped__ = func
        self._cell_id = cell_id

    def __call__(self, *args, **kwargs):
        with in_cell(self._cell_id):
            result = self.__wrapped__(*args, **kwargs)
        done = _cell_done.get()
        if done is not None:
            done()
        return result

    def __getattr__(self, name):  # the engine reads .inputs, .dsp, ... of the formula
        if name in ("__wrapped__", "_cell_id"):
            raise AttributeError(name)
        return getattr(self.__wrapped__, name)


class _Model(formulas.ExcelModel):
    """``formulas.ExcelModel`` that names the cell when a formula cannot be read, and
    scopes the function calls the engine makes while loading (it evaluates calls whose
    arguments are all constants right away) to the cell they belong to."""

    def __init__(self, titles: dict[str, str]):
        super().__init__()
        self._titles = titles  # upper-cased title -> title

    def add_book(self, book=None, context=None, data_only=False):
        links.refuse_other_book(book, _EVAL_NAME)  # no file is read because a workbook names it
        return super().add_book(book, context, data_only)

    def compile_cell(self, cell, context, references, formula_references):
        return compile_unless_blank(super().compile_cell, cell, context, references, formula_references)

    def _compile_cell(self, crd, val, context, check_formula, references):
        sheet = self._titles.get(context.get("sheet", ""), context.get("sheet"))
        try:
            if _is_constant(val):  # most cells: nothing is evaluated, so no cell to file messages under
                cell = compile_cell(crd, val, context, check_formula, references)
            else:
                cell_id = Ranges().push(crd, context=context).ranges[0]["name"]
                with in_cell(cell_id):
                    cell = compile_cell(crd, val, context, check_formula, references)
            done = _cell_done.get()
            if done is not None:
                done()
            return cell
        except Exception as error:
            raise FormulaEngineError(f"{sheet}!{crd}: the formula engine cannot read {val!r} "
                                     f"({type(error).__name__}: {error})") from error


def _is_constant(value: object) -> bool:
    """A cell value the engine stores as it is: no formula, so none of our functions runs
    while it is compiled (naming its node took a tenth of compiling the demo)."""
    return value is None or type(value) in (int, float, bool) or (type(value) is str and not value.startswith("="))


def _node_id(sheet: str, ref: str) -> str:
    """The engine's id of a cell or range: ``'[workbook.xlsx]SHEET'!A1`` (the sheet
    upper-cased, apostrophes not doubled: the engine's own convention)."""
    return f"'[{_EVAL_NAME}]{sheet.upper()}'!{ref.replace('$', '').upper()}"


def _to_engine(value: object) -> object:
    """An input value as the engine stores a cell."""
    if value is None:
        return [[sh.EMPTY]]  # the engine's blank cell
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    if isinstance(value, (int, float, np.number)):
        return float(value)
    if isinstance(value, str):
        return Error.errors[value] if value in Error.errors else value
    raise TypeError(f"cannot put a {type(value).__name__} into a cell: {value!r}")


# ---------------------------------------------------------------- the engine

class WorkbookEngine:
    """A workbook's formulas, loaded once and evaluated on demand (see the module doc).

    Attributes: ``path``; ``sheets`` (titles in order); ``names`` ({defined name:
    (sheet, ref)} for workbook names that point at one range); ``messages`` (the error
    messages of the last :meth:`calculate`, {(sheet, "A1"): "#VALUE! ..."}).
    """

    @collection_paused()
    def __init__(self, path: str | Path, data: bytes | None = None, progress: Progress | None = None):
        """``data``: the file's bytes, when the caller has read them (evaluated as they are,
        so that what is written is computed from exactly what was read)."""
        self.path = Path(path)
        progress = progress or Progress()
        progress.stage("reading the workbook")
        check_versions()
        self.function_names = register_excel_functions()  # before any formula is parsed
        row_functions = register_row_functions()
        # formulas, not cached values; dates as serial numbers, as formulas itself reads a file
        workbook = load_workbook_as_formulas_does(str(self.path) if data is None else io.BytesIO(data))
        self.warnings = self._cut_links(workbook)
        self.sheets = tuple(ws.title for ws in workbook.worksheets)
        self.names = _single_range_names(workbook)
        _check_used_ranges(workbook)
        _check_sheet_names(workbook)
        _within_budget(budget.check_arrays, workbook)  # before anything visits an array's cells
        _drop_cached_array_values(workbook)
        progress.stage("rewriting table references")
        self.calculated_columns = _calculated_columns_as_arrays(workbook, frozenset(self.function_names))
        _within_budget(budget.check_work, workbook)  # a calculated column counts as the one formula it became
        self._outputs = _formula_cells(workbook)  # [(sheet, "A1", node id, (row, col) in node)]
        rewrite_workbook(workbook)
        _mark_omitted_arguments(workbook, frozenset(self.function_names + row_functions))
        self._blocks = _take_constant_blocks(workbook)
        _drop_blank_cells(workbook)
        self._load_messages: dict[str, list[str]] = self._link_messages
        self.model = self._load(workbook, progress)
        self._formula_count = self._wrap_cells()
        missing = [f"{s}!{a}" for s, a, node, _ in self._outputs if node not in self.model.dsp.nodes]
        if missing:
            raise FormulaEngineError(f"the formula engine made no result for {', '.join(missing[:10])}")
        self.messages: dict[Address, str] = {}
        progress.close()

    def _cut_links(self, workbook) -> list[str]:
        """Links to other workbooks become #REF! (see :mod:`.links`); one warning each."""
        found = links.cut_external_links(workbook)
        self._link_messages = {_node_id(*address): [f"#REF! {message}"] for address, message in found if address}
        for _, message in found:
            logger.warning("%s", message)
        return [message for _, message in found]

    def _load(self, workbook, progress: Progress) -> formulas.ExcelModel:
        model = _Model({title.upper(): title for title in self.sheets})
        # formulas loads a book by file name unless it holds it already: it is handed the
        # evaluation copy in memory (saving and reading it again took as long as evaluating)
        hold_book(model, _EVAL_NAME, workbook)
        progress.stage("compiling formulas", total=sum(len(cell_map(ws)) for ws in workbook.worksheets))
        with collecting(self._load_messages), _counting(progress):
            model.loads(_EVAL_NAME)
        progress.stage("linking ranges")
        with collecting(self._load_messages), model_progress(lambda done, total: progress.advance()):
            for block in self._blocks:
                block.add_to(model)
            model.finish()
        release_books(model)
        return model

    def _wrap_cells(self) -> int:
        """Wrap every formula cell's function in an :class:`_InCell`; how many there are."""
        count = 0
        for wrapper, node in formula_wrappers(self.model):
            if not isinstance(wrapper.func, _InCell):
                wrapper.func = _InCell(wrapper.func, node)
            count += 1
        return count

    # ------------------------------------------------------------ calculation

    @collection_paused()
    def calculate(self, inputs: dict[Address, object] | None = None,
                  progress: Progress | None = None) -> dict[Address, object]:
        """Evaluate every formula; ``inputs`` ({(sheet, "A1"): value}) replace cell values
        for this calculation only (the loaded workbook is not changed). Returns the value
        of every formula cell, every cell of an array formula included, and sets
        :attr:`messages`. ``progress`` counts the formula cells as they are calculated."""
        progress = progress or Progress()
        progress.stage("calculating", total=self._formula_count)
        options = {}
        if inputs:
            engine_inputs: dict[str, object] = {}
            changed_blocks: dict[_Block, np.ndarray] = {}
            for (sheet, cell), value in inputs.items():
                block, position = self._in_block(sheet, cell)
                if block is None:
                    engine_inputs[self._input_node(sheet, cell)] = _to_engine(value)
                else:
                    grid = changed_blocks.setdefault(block, block.values.copy())
                    grid[position] = _block_value(value)
            engine_inputs.update({block.node: grid for block, grid in changed_blocks.items()})
            options["inputs"] = engine_inputs
        collected: dict[str, list[str]] = {}
        with collecting(collected), _counting(progress):
            solution = self.model.calculate(**options)
        self._check_circular(solution)
        values: dict[Address, object] = {}
        messages: dict[Address, str] = {}
        for sheet, cell, node, (i, j) in self._outputs:
            result = solution.get(node)
            raw = result.value[i, j] if isinstance(result, Ranges) else result
            value = values[(sheet, cell)] = engine_value(raw)
            own = _node_id(sheet, cell)
            message = self._message(own, value, collected, None if node == own else node)
            if message:
                messages[(sheet, cell)] = message
        self.messages = messages
        progress.close()
        return values

    def _check_circular(self, solution) -> None:
        """A cell left without a value by a circular reference: one error naming the cells."""
        for _, _, node, _ in self._outputs:
            if node not in solution:
                cycle = circular.find_cycle(self.model.dsp.dmap.pred, node)
                if cycle:
                    raise FormulaEngineError(circular.describe(cycle, {t.upper(): t for t in self.sheets}))

    def _message(self, node: str, value: object, collected: dict[str, list[str]],
                 array_node: str | None = None) -> str | None:
        """The message our function gave for the error a cell shows, if it was ours: filed
        under the cell itself, or under the array formula that fills it."""
        code = error_code(value)
        if code is None:
            return None
        found = collected.get(node, []) + self._load_messages.get(node, [])
        if array_node is not None:
            found += collected.get(array_node, []) + self._load_messages.get(array_node, [])
        for message in found:
            if error_code(message) == code:
                return message
        return None

    def _in_block(self, sheet: str, cell: str) -> tuple[_Block | None, tuple[int, int]]:
        match = _CELL.match(str(cell).strip())
        if match is None:
            return None, (0, 0)
        col, row = column_index_from_string(match.group(1).upper()), int(match.group(2))
        for block in self._blocks:
            if block.sheet.upper() == str(sheet).upper() and block.contains(row, col):
                return block, (row - block.min_row, col - block.min_col)
        return None, (0, 0)

    def _input_node(self, sheet: str, cell: str) -> str:
        title = next((t for t in self.sheets if t.upper() == str(sheet).upper()), None)
        if title is None:
            raise KeyError(f"no sheet {sheet!r} in {self.path.name} (sheets: {', '.join(self.sheets)})")
        match = _CELL.match(str(cell).strip())
        if match is None:
            raise KeyError(f"{cell!r} is not a single cell address such as 'D5'")
        node = _node_id(title, f"{match.group(1)}{match.group(2)}")
        if node not in self.model.dsp.nodes:
            raise KeyError(f"{title}!{cell.upper()} is not an input of the model: it is blank and no "
                           "formula reads it as a cell of its own; write the value into the workbook instead")
        return node


# ---------------------------------------------------------------- constant blocks

class _Block:
    """The constants of a table's columns, handed to the engine as one array.

    Why: ``formulas`` makes a node for every cell it loads, and a 50,000-row roster has
    a quarter of a million constant cells, which took minutes and gigabytes. A table's
    constant columns go in instead as one constant range -- the way the engine holds an
    array formula's result -- and the ranges formulas read out of the table are
    assembled from it. The values are those the engine would have read cell by cell."""

    def __init__(self, sheet: str, min_row: int, min_col: int, values: np.ndarray):
        self.sheet, self.min_row, self.min_col, self.values = sheet, min_row, min_col, values
        max_row, max_col = min_row + values.shape[0] - 1, min_col + values.shape[1] - 1
        self.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        self.node = _node_id(sheet, self.ref)

    def contains(self, row: int, col: int) -> bool:
        rows, cols = self.values.shape
        return self.min_row <= row < self.min_row + rows and self.min_col <= col < self.min_col + cols

    def add_to(self, model: formulas.ExcelModel) -> None:
        cell = EngineCell(self.node, self.values)
        cell.add(model.dsp)
        model.cells[cell.output] = cell


def _block_value(value: object) -> object:
    """A cell's constant as the engine reads it from openpyxl (see ExcelModel.compile_cell)."""
    if value is None:
        return sh.EMPTY
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 15)
    if isinstance(value, (dt.date, dt.datetime)):
        return _to_engine(value)  # a serial number, as formulas makes of a date cell
    if isinstance(value, str) and value in Error.errors:
        return Error.errors[value]
    return value


_BLOCK_MIN_CELLS = 2  # a one-cell block saves nothing


def _tables(workbook):
    """(sheet, table, (first, last column), (first, last data row)) of every table."""
    for ws in workbook.worksheets:
        for table in ws.tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            first = min_row + (table.headerRowCount if table.headerRowCount is not None else 1)
            yield ws, table, (min_col, max_col), (first, max_row - (table.totalsRowCount or 0))


def _take_constant_blocks(workbook) -> list[_Block]:
    """Move the constant columns of every table's data rows out of ``workbook`` (the
    evaluation copy) into blocks: each maximal run of adjacent columns in which no data
    cell holds a formula."""
    blocks = []
    for ws, table, (min_col, max_col), (first, last) in _tables(workbook):
        if last < first:
            continue
        cells = cell_map(ws)
        constant = [all(cells.get((r, c)) is None or cells[(r, c)].data_type != "f"
                        for r in range(first, last + 1))
                    for c in range(min_col, max_col + 1)]
        runs, start = [], None
        for offset, is_constant in enumerate([*constant, False]):
            if is_constant and start is None:
                start = offset
            elif not is_constant and start is not None:
                runs.append((min_col + start, min_col + offset - 1))
                start = None
        for first_col, last_col in runs:
            if (last - first + 1) * (last_col - first_col + 1) < _BLOCK_MIN_CELLS:
                continue
            values = np.empty((last - first + 1, last_col - first_col + 1), object)
            for r in range(first, last + 1):
                for c in range(first_col, last_col + 1):
                    cell = cells.pop((r, c), None)
                    values[r - first, c - first_col] = _block_value(
                        None if cell is None else _cell_constant(cell))
            blocks.append(_Block(ws.title, first, first_col, values))
    return blocks


def _cell_constant(cell) -> object:
    if cell.data_type == "e":
        return str(cell.value)
    return cell.value


def _drop_blank_cells(workbook) -> None:
    """openpyxl makes a blank cell object wherever a cell is visited; formulas would
    compile each of them (a saved and reloaded copy would not have them)."""
    for ws in workbook.worksheets:
        cells = cell_map(ws)
        for key in [key for key, cell in cells.items() if cell.value is None]:
            del cells[key]


def _drop_cached_array_values(workbook) -> None:
    """Remove the values stored in the cells of an array formula's range (all but its
    top-left cell): openpyxl reads them as constants, and formulas would hand a stale
    cached value to a formula on another sheet that reads one of those cells (LibreOffice
    saves #NAME? there for functions it does not know)."""
    for ws in workbook.worksheets:
        for cell, ref in list(ws.array_formulae.items()):
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            top_left = range_boundaries(cell)[:2]
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    if (c, r) != top_left:
                        cell_map(ws).pop((r, c), None)


# ---------------------------------------------------------------- calculated columns

_THIS_ROW = r"(?:\[\[#This Row\],\[(?P<a>[^\[\]]+)\]\]|\[@\[(?P<b>[^\[\]]+)\]\]|\[@(?P<c>[^\[\]@]+)\])"


def _calculated_columns_as_arrays(workbook, names: frozenset[str]) -> list[tuple[str, str]]:
    """Turn each calculated table column ``=F([@Col], b, ...)`` -- F one of our functions
    that returns one value, the other arguments not row-relative, every data cell holding
    exactly the column's formula -- into one array formula ``=F__ROWS(T[Col], b, ...)``
    over the column (see ``udf_adapter.register_row_functions``). Returns (sheet, range)
    of each column turned."""
    from talentneeds import udfs
    from talentneeds.excel.boundary import specs

    single = {spec.name for spec in specs(udfs) if not spec.returns_table} & names
    turned = []
    for ws, table, (min_col, _), (first, last) in _tables(workbook):
        columns = {c.name.upper(): c.name for c in table.tableColumns}
        for offset, column in enumerate(table.tableColumns):
            formula = column.calculatedColumnFormula
            text = getattr(formula, "attr_text", None) if formula is not None else None
            if not text or last <= first:
                continue
            pattern = re.compile(rf"^\s*(?P<f>[A-Za-z_][\w.]*)\(\s*(?:{re.escape(table.displayName)})?"
                                 rf"{_THIS_ROW}\s*(?P<rest>(?:,.*)?)\)\s*$", re.I | re.S)
            match = pattern.match(text)
            if (match is None or match["f"].upper() not in single
                    or re.search(r"#This Row|@", match["rest"], re.I)):
                continue
            source = (match["a"] or match["b"] or match["c"]).strip()
            if source.upper() not in columns:
                continue
            col = min_col + offset
            expected = "=" + text
            cells = [cell_map(ws).get((r, col)) for r in range(first, last + 1)]
            if any(c is None or c.data_type != "f" or c.value != expected for c in cells):
                continue
            letter = get_column_letter(col)
            ref = f"{letter}{first}:{letter}{last}"
            for r in range(first + 1, last + 1):
                del cell_map(ws)[(r, col)]
            ws.cell(first, col).value = ArrayFormula(
                ref, f"={match['f']}{ROWS_SUFFIX}({table.displayName}[[#Data],[{columns[source.upper()]}]]"
                     f"{match['rest']})")
            turned.append((ws.title, ref))
    return turned


# ---------------------------------------------------------------- reading the workbook

def _formula_cells(workbook) -> list[tuple[str, str, str, tuple[int, int]]]:
    """Every cell a formula fills: plain formula cells and each cell of an array formula."""
    found = []
    for ws in workbook.worksheets:
        for c in cells_in_order(ws):
            value = c.value
            if isinstance(value, ArrayFormula):
                min_col, min_row, max_col, max_row = range_boundaries(value.ref)
                node = _node_id(ws.title, _canonical(value.ref))
                for r in range(min_row, max_row + 1):
                    for k in range(min_col, max_col + 1):
                        found.append((ws.title, f"{get_column_letter(k)}{r}", node,
                                      (r - min_row, k - min_col)))
            elif isinstance(value, DataTableFormula):
                logger.warning("%s!%s: data tables (What-If) are not evaluated", ws.title, c.coordinate)
            elif c.data_type == "f":
                found.append((ws.title, c.coordinate, _node_id(ws.title, c.coordinate), (0, 0)))
    return found


def _canonical(ref: str) -> str:
    """``B3:B3`` -> ``B3``: a one-cell array formula is a cell for the engine."""
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    start = f"{get_column_letter(min_col)}{min_row}"
    end = f"{get_column_letter(max_col)}{max_row}"
    return start if start == end else f"{start}:{end}"


def _single_range_names(workbook) -> dict[str, Address]:
    names = {}
    for name, defined in workbook.defined_names.items():
        destinations = list(defined.destinations) if defined.attr_text else []
        if len(destinations) == 1:
            sheet, ref = destinations[0]
            names[name] = (sheet, ref.replace("$", ""))
    return names


#: Most cells a sheet's used range (A1 to its last row and column) may span: the engine
#: visits every cell of it, blank or not. A 100,000-person roster with 20 columns fits.
MAX_USED_CELLS = 2_000_000


def _check_used_ranges(workbook) -> None:
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
            raise FormulaEngineError(
                f"sheet {ws.title!r}: its used range reaches {get_column_letter(columns)}{rows} "
                f"({rows * columns:,} cells, at most {MAX_USED_CELLS:,} can be evaluated; the farthest "
                f"cell in use is {get_column_letter(far[1])}{far[0]}); clear the cells far outside your data")


def _within_budget(check, workbook) -> None:
    try:
        check(workbook)
    except budget.OverBudget as error:
        raise FormulaEngineError(str(error)) from None


def _check_sheet_names(workbook) -> None:
    """formulas 1.3 resolves no reference to a sheet whose title has an apostrophe (each
    gives #REF!, even on that sheet itself); refuse rather than return wrong values."""
    quoted = [ws for ws in workbook.worksheets if "'" in ws.title]
    if not quoted:
        return
    texts = [c.value.text if isinstance(c.value, ArrayFormula) else str(c.value)
             for ws in workbook.worksheets for c in cells_in_order(ws) if c.data_type == "f"]
    texts += [d.attr_text or "" for d in workbook.defined_names.values()]
    for ws in quoted:
        own = any(c.data_type == "f" for c in cells_in_order(ws))
        if own or any(ws.title.replace("'", "''").upper() in t.upper() for t in texts):
            raise FormulaEngineError(f"sheet {ws.title!r}: the formula engine cannot evaluate references to a "
                                     "sheet whose name contains an apostrophe; rename the sheet")


def _mark_omitted_arguments(workbook, names: frozenset[str]) -> None:
    for ws in workbook.worksheets:
        for c in cells_in_order(ws):
            value = c.value
            if isinstance(value, ArrayFormula):
                value.text = mark_omitted_arguments(value.text, names)
            elif c.data_type == "f" and isinstance(value, str):
                c.value = mark_omitted_arguments(value, names)
    for defined in workbook.defined_names.values():
        if defined.attr_text:
            defined.attr_text = mark_omitted_arguments("=" + defined.attr_text, names)[1:]

