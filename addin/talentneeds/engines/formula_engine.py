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
calculated columns array formulas (:mod:`.table_columns`), and the copy is handed to
``formulas`` (through :mod:`.compat`, the only module that touches its internals). Cell
addresses are unchanged, so results map straight back onto the original workbook.

Values come back as Excel shows them: numbers as floats, text, booleans, ``None`` for a
blank, and errors as :class:`~talentneeds.excel.boundary.CellError` values (the code,
``"#VALUE!"``, and the message our function gave, empty for Excel's own errors); the
message is also kept, as text, in :attr:`WorkbookEngine.messages`.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import io
import logging
import re
from pathlib import Path

import numpy as np
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from talentneeds.engines import budget, circular, links
from talentneeds.engines.compiled_cells import CompiledCells
from talentneeds.engines.compat import (
    add_constant_range, cell_map, cells_in_order, check_versions, formula_wrappers, has_node,
    hold_book, load_workbook_as_formulas_does, model_progress, new_model, node_id, parse_error_type, precedents,
    release_books,
    value_at,
)
from talentneeds.progress import Progress
from talentneeds.errors import FileError
from talentneeds.engines.structured_refs import rewrite_workbook
from talentneeds.engines.table_columns import (
    Block, block_value, calculated_columns_as_arrays, take_constant_blocks, to_engine,
)
from talentneeds.engines.udf_adapter import (
    cell_result, collecting, error_code, in_cell, mark_omitted_arguments, register_excel_functions,
    register_row_functions,
)
from talentneeds.ooxml import CELL_REFERENCE

logger = logging.getLogger(__name__)

# The name of the evaluation copy: node ids embed it, so a fixed, plain name keeps them
# free of whatever characters the user's file name has.
_EVAL_NAME = "workbook.xlsx"

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


class FormulaEngineError(FileError):
    """The workbook cannot be evaluated; the message says where and why."""

    names_file = False


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


def _compile(titles: dict[str, str], compiled: CompiledCells, collector: dict[str, list[str]]):
    """The engine's compilation of one cell (see :func:`.compat.new_model`): it names the
    cell when a formula cannot be read, and scopes the function calls the engine makes
    while compiling (it evaluates calls whose arguments are all constants right away) to
    the cell they belong to. ``titles``: upper-cased title -> title; formulas are taken from
    ``compiled`` when a load before compiled them, their messages filed in ``collector``."""

    def compile_one(sheet, crd, value, node, compile, check_formula=True):
        try:
            if _is_constant(value):  # most cells: nothing is evaluated, so no cell to file messages under
                cell = compile()
            else:
                def in_its_cell():
                    with in_cell(node()):
                        return compile()
                cell = compiled.compiled((sheet, crd, value, check_formula), in_its_cell, collector)
            done = _cell_done.get()
            if done is not None:
                done()
            return cell
        except Exception as error:
            raise FormulaEngineError(f"{titles.get(sheet, sheet)}!{crd}: the formula engine cannot read "
                                     f"{value!r} ({type(error).__name__}: {error})") from error

    return compile_one


def _refuse_other_book(book) -> None:
    links.refuse_other_book(book, _EVAL_NAME)  # no file is read because a workbook names it


def _is_constant(value: object) -> bool:
    """A cell value the engine stores as it is: no formula, so none of our functions runs
    while it is compiled (naming its node took a tenth of compiling the demo)."""
    return value is None or type(value) in (int, float, bool) or (type(value) is str and not value.startswith("="))


def _node_id(sheet: str, ref: str) -> str:
    """The engine's id of a cell or range of the evaluation copy."""
    return node_id(_EVAL_NAME, sheet, ref)


# ---------------------------------------------------------------- the engine

class WorkbookEngine:
    """A workbook's formulas, loaded once and evaluated on demand (see the module doc).

    Attributes: ``path``; ``sheets`` (titles in order); ``names`` ({defined name:
    (sheet, ref)} for workbook names that point at one range); ``messages`` (the error
    messages of the last :meth:`calculate`, {(sheet, "A1"): "#VALUE! ..."}).
    """

    @collection_paused()
    def __init__(self, path: str | Path, data: bytes | None = None, progress: Progress | None = None,
                 compiled: CompiledCells | None = None):
        """``data``: the file's bytes, when the caller has read them (evaluated as they are,
        so that what is written is computed from exactly what was read). ``compiled``: the
        formula cells an earlier load of the same workbook compiled (:mod:`.compiled_cells`)."""
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
        _within_budget(budget.check_used_ranges, workbook)
        _check_sheet_names(workbook)
        _within_budget(budget.check_arrays, workbook)  # before anything visits an array's cells
        _drop_cached_array_values(workbook)
        progress.stage("rewriting table references")
        self.calculated_columns = calculated_columns_as_arrays(workbook, frozenset(self.function_names))
        _within_budget(budget.check_work, workbook)  # a calculated column counts as the one formula it became
        self._outputs = _formula_cells(workbook)  # [(sheet, "A1", node id, (row, col) in node)]
        rewrite_workbook(workbook)
        _mark_omitted_arguments(workbook, frozenset(self.function_names + row_functions))
        self._blocks = take_constant_blocks(workbook)
        _drop_blank_cells(workbook)
        _drop_unused_names(workbook)
        self._load_messages: dict[str, list[str]] = self._link_messages
        self.compiled = (compiled or CompiledCells()).for_workbook((self.sheets, _defined_names(workbook)))
        self.model = self._load(workbook, progress)
        self._formula_count = self._wrap_cells()
        missing = [f"{s}!{a}" for s, a, node, _ in self._outputs if not has_node(self.model, node)]
        if missing:
            raise FormulaEngineError(f"the formula engine made no result for {', '.join(missing[:10])}")
        self.messages: dict[Address, str] = {}
        self._collected: dict[str, list[str]] = {}  # the messages our functions filed in the last calculate
        progress.close()

    def _cut_links(self, workbook) -> list[str]:
        """Links to other workbooks become #REF! (see :mod:`.links`); one warning each."""
        found = links.cut_external_links(workbook)
        self._link_messages = {_node_id(*address): [f"#REF! {message}"] for address, message in found if address}
        for _, message in found:
            logger.warning("%s", message)
        return [message for _, message in found]

    def _load(self, workbook, progress: Progress):
        model = new_model(_refuse_other_book, _compile({title.upper(): title for title in self.sheets},
                                                       self.compiled, self._load_messages))
        # formulas loads a book by file name unless it holds it already: it is handed the
        # evaluation copy in memory (saving and reading it again took as long as evaluating)
        hold_book(model, _EVAL_NAME, workbook)
        progress.stage("compiling formulas", total=sum(len(cell_map(ws)) for ws in workbook.worksheets))
        with collecting(self._load_messages), _counting(progress):
            try:
                model.loads(_EVAL_NAME)
            except parse_error_type() as error:  # a cell's is caught where it compiles: a defined name's
                raise FormulaEngineError(_unreadable_name(workbook, error)) from None
        progress.stage("linking ranges")
        with collecting(self._load_messages), model_progress(lambda done, total: progress.advance()):
            for block in self._blocks:
                add_constant_range(model, _node_id(block.sheet, block.ref), block.values)
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
            changed_blocks: dict[Block, np.ndarray] = {}
            for (sheet, cell), value in inputs.items():
                block, position = self._in_block(sheet, cell)
                if block is None:
                    engine_inputs[self._input_node(sheet, cell)] = to_engine(value)
                else:
                    grid = changed_blocks.setdefault(block, block.values.copy())
                    grid[position] = block_value(value)
            engine_inputs.update({_node_id(block.sheet, block.ref): grid for block, grid in changed_blocks.items()})
            options["inputs"] = engine_inputs
        collected: dict[str, list[str]] = {}
        with collecting(collected), _counting(progress):
            solution = self.model.calculate(**options)
        self._check_circular(solution)
        values: dict[Address, object] = {}
        messages: dict[Address, str] = {}
        for sheet, cell, node, (i, j) in self._outputs:
            value = value_at(solution.get(node), i, j)
            own = _node_id(sheet, cell)
            message = self._message(own, value, collected, None if node == own else node)
            if message:
                messages[(sheet, cell)] = message
            values[(sheet, cell)] = cell_result(value, message)
        self.messages = messages
        self._collected = collected
        progress.close()
        return values

    def array_values(self, sheet: str, ref: str, result: np.ndarray, computed_in: str) -> dict[Address, object]:
        """The values of the cells of ``ref`` on ``sheet`` filled from ``result`` (a 2-D array
        of the engine's values, the shape of ``ref``), as :meth:`calculate` gives a cell's
        value: for a spill placed in a range of another size than the one it was computed
        in (``computed_in``, the node id of that range). Their messages are added to
        :attr:`messages`. Why: the cells of a grown spill take their values straight from
        the one array, rather than from a model loaded again to calculate them."""
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if result.shape != (max_row - min_row + 1, max_col - min_col + 1):
            raise ValueError(f"an array of shape {result.shape} does not fill {sheet}!{ref}")
        values: dict[Address, object] = {}
        for i, row in enumerate(result.tolist()):
            r = min_row + i
            for j, value in enumerate(row):
                cell = f"{get_column_letter(min_col + j)}{r}"
                message = None
                if error_code(value) is not None:
                    message = self._message(_node_id(sheet, cell), value, self._collected, computed_in)
                    if message:
                        self.messages[(sheet, cell)] = message
                values[(sheet, cell)] = cell_result(value, message)
        return values

    def _check_circular(self, solution) -> None:
        """A cell left without a value by a circular reference: one error naming the cells."""
        for _, _, node, _ in self._outputs:
            if node not in solution:
                cycle = circular.find_cycle(precedents(self.model), node)
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

    def _in_block(self, sheet: str, cell: str) -> tuple[Block | None, tuple[int, int]]:
        match = CELL_REFERENCE.match(str(cell).strip())
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
        match = CELL_REFERENCE.match(str(cell).strip())
        if match is None:
            raise KeyError(f"{cell!r} is not a single cell address such as 'D5'")
        node = _node_id(title, f"{match.group(1)}{match.group(2)}")
        if not has_node(self.model, node):
            raise KeyError(f"{title}!{cell.upper()} is not an input of the model: it is blank and no "
                           "formula reads it as a cell of its own; write the value into the workbook instead")
        return node


# ---------------------------------------------------------------- the evaluation copy

def _drop_blank_cells(workbook) -> None:
    """openpyxl makes a blank cell object wherever a cell is visited; formulas would
    compile each of them (a saved and reloaded copy would not have them)."""
    for ws in workbook.worksheets:
        cells = cell_map(ws)
        for key in [key for key, cell in cells.items() if cell.value is None]:
            del cells[key]


def _unreadable_name(workbook, error) -> str:
    expression = str(error.args[-1] if error.args else error)
    names = [name for name, defined in workbook.defined_names.items() if f"={defined.attr_text}" == expression]
    return (f"the defined name {', '.join(names) or '(unknown)'} is not a formula the engine can read: "
            f"{expression} (correct or delete it in Excel's Name Manager)")


def _formula_texts(workbook) -> list[str]:
    """Every cell formula's text and every workbook-level defined name's."""
    return ([c.value.text if isinstance(c.value, ArrayFormula) else str(c.value)
             for ws in workbook.worksheets for c in cells_in_order(ws) if c.data_type == "f"]
            + [d.attr_text or "" for d in workbook.defined_names.values()])


def _drop_unused_names(workbook) -> None:
    """Remove the workbook-level defined names that no formula and no other name uses,
    such as a chart's ranges (the template's PlanChart names, OFFSET(...)): formulas
    compiles every name it is given, and cannot parse a name that is a function returning
    a reference (it prints "Missing Reference" for each). Nothing computed reads them."""
    texts = _formula_texts(workbook)
    words = {word.upper() for text in texts for word in re.findall(r"[A-Za-z_\\][\w.\\]*", text)}
    for name in [name for name in workbook.defined_names if name.upper() not in words]:
        del workbook.defined_names[name]


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


def _defined_names(workbook) -> tuple:
    """Every defined name and its text, the workbook's and each sheet's."""
    scoped = [("", workbook.defined_names)] + [(ws.title, getattr(ws, "defined_names", {}))
                                                for ws in workbook.worksheets]
    return tuple((sheet, tuple(sorted((name, d.attr_text) for name, d in names.items()))) for sheet, names in scoped)


def _single_range_names(workbook) -> dict[str, Address]:
    names = {}
    for name, defined in workbook.defined_names.items():
        destinations = list(defined.destinations) if defined.attr_text else []
        if len(destinations) == 1:
            sheet, ref = destinations[0]
            names[name] = (sheet, ref.replace("$", ""))
    return names


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
    texts = _formula_texts(workbook)
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

