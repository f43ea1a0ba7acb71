"""Our Excel functions (``talentneeds.udfs``) as functions of the ``formulas`` engine.

Why an adapter: the engine hands a function numpy arrays, its own blank and error
objects and ints, while our functions are written for what xlwings gives them in Excel:
a scalar for one cell, a list for a row or column, a 2-D list for a ``ndim=2`` (table)
argument, ``None`` for a blank or an omitted argument, ``"#N/A"`` for an error cell, and
floats for every number. The adapter makes the engine look like Excel, so that the very
definitions Excel uses run unchanged, and it turns their results back: a 2-D list into an
array, and the error value of the boundary (:class:`~talentneeds.excel.boundary.CellError`,
taken through :func:`~talentneeds.excel.boundary.cell_value` rather than as text) into the
engine's Excel error ``#VALUE!``.

The error message itself would be lost in that last step, so every error a function
returns is also reported to the message collector of the calculation that is running
(:func:`collecting`), under the cell being evaluated (:func:`in_cell`); the engine keeps
it next to the cell's value.

:func:`register_excel_functions` puts the functions of ``talentneeds.udfs.__all__``
into the engine's process-global function table, and nothing else: it refuses to shadow
a function ``formulas`` already implements.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator

import numpy as np
from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError

from talentneeds.engines.compat import (
    array_type, blank, error_type, error_value, function_table, is_unimplemented, wrap_ranges,
)
from talentneeds.excel.boundary import CellError, cell_value
from talentneeds.roster.values import datetime_to_serial

logger = logging.getLogger(__name__)

# A string literal no one types: stands for an omitted argument, e.g. the 2nd of
# F(a,,b). The engine would pass 0 there (Excel passes "missing", xlwings None), so we
# mark omitted arguments in the formula text and the adapter turns the mark into None.
OMITTED = "\ue000omitted\ue000"
_OMITTED_LITERAL = f'"{OMITTED}"'
_ADAPTED = "__talentneeds_function__"  # set on an adapter: the function it wraps

_messages: contextvars.ContextVar[dict | None] = contextvars.ContextVar("talentneeds_messages", default=None)
_cell: contextvars.ContextVar[str | None] = contextvars.ContextVar("talentneeds_cell", default=None)
_register_lock = threading.Lock()
# the engine's classes and values, bound once: engine_value runs for every value of every range
Array, XlError, _BLANK = array_type(), error_type(), blank()
_NA = error_value("#N/A")


def excel_functions() -> dict[str, Callable]:
    """The functions Excel calls, by Excel name: exactly ``talentneeds.udfs.__all__``."""
    from talentneeds import udfs

    return {name.upper(): getattr(udfs, name) for name in udfs.__all__}


# ---------------------------------------------------------------- registration

def register_excel_functions() -> tuple[str, ...]:
    """Add our functions to ``formulas``' function table (idempotent); returns their names.

    The table is process-global and formulas binds a function when it parses a formula,
    so this must run before a workbook is loaded. Only our names are added or replaced.
    """
    functions = excel_functions()
    _register({name: (function, adapt) for name, function in functions.items()})
    return tuple(functions)


def _register(entries: dict[str, tuple[Callable, Callable]]) -> None:
    """Put ``make(function)`` into formulas' function table under each name, unless it is
    there already; never replace one of formulas' own functions."""
    with _register_lock:
        table = function_table()
        for name, (function, make) in entries.items():
            current = table.get(name)  # .get: the table is a defaultdict
            if getattr(current, _ADAPTED, None) is function:
                continue
            if current is not None and not is_unimplemented(current) and not hasattr(current, _ADAPTED):
                raise RuntimeError(f"the formulas engine already defines {name}; "
                                   "refusing to replace one of its functions")
            table[name] = make(function)


def adapt(function: Callable) -> Callable:
    """``function`` as the engine calls it (see the module docstring)."""
    spec = getattr(function, "__talentneeds__", None)
    tables = tuple(a.table for a in spec.args) if spec else ()
    name = spec.name if spec else function.__name__.upper()

    def convert(args, first: int = 0) -> list:
        """Arguments ``first``, ``first + 1``, ... as xlwings would pass them."""
        return [to_argument(a, table=i < len(tables) and tables[i]) for i, a in enumerate(args, start=first)]

    def call_converted(converted):
        try:
            result = cell_value(function, *converted) if spec else function(*converted)
        except Exception as error:  # our functions never raise; guard the engine anyway
            logger.exception("%s raised", name)
            result = CellError("#VALUE!", f"unexpected error in {name} ({type(error).__name__}: {error})")
        return to_result(result)

    def engine_function(*args):
        return call_converted(convert(args))

    engine_function.__name__ = name
    engine_function.__doc__ = function.__doc__
    wrapped = wrap_ranges(engine_function)  # engine ranges -> numpy arrays
    setattr(wrapped, _ADAPTED, function)
    wrapped.convert, wrapped.call_converted = convert, call_converted  # for adapt_rows
    return wrapped


ROWS_SUFFIX = "__ROWS"


def register_row_functions() -> tuple[str, ...]:
    """Add ``F__ROWS`` for each of our functions ``F`` (idempotent); returns their names.

    ``F__ROWS(column, b, c)`` is the calculated table column ``=F([@Col], b, c)`` as one
    array formula over the column: it calls ``F`` once per row with that row's value and
    the same other arguments, so every row gets exactly what its own formula would give,
    and an error's message is filed under the row's own cell. Why: the engine builds a
    node per formula cell, and a 50,000-row roster's column took minutes and gigabytes;
    as one formula it is one node. Only the evaluation copy uses these names.
    """
    lifted = {name + ROWS_SUFFIX: (function, adapt_rows) for name, function in excel_functions().items()}
    _register(lifted)
    return tuple(lifted)


def adapt_rows(function: Callable) -> Callable:
    """``function`` called once per row of its first argument (see register_row_functions)."""
    one_row = adapt(function)

    def engine_rows(column, *others):
        values = np.asarray(column, dtype=object)
        values = values.reshape(-1, 1) if values.ndim < 2 else values
        sheet, first_col, first_row = _array_origin(_cell.get())
        out = np.empty((values.shape[0], 1), object)
        # The other arguments are the same for every row: converted once, not per row
        # (the Roles table of ARCHETYPE was 58 cells converted again for every person).
        shared = one_row.convert(others, first=1)
        for i in range(values.shape[0]):
            with in_cell(f"{sheet}!{first_col}{first_row + i}" if sheet else None):
                out[i, 0] = one_row.call_converted([*one_row.convert((values[i, 0],)), *shared])
        return out.view(Array)

    engine_rows.__name__ = one_row.__name__ + ROWS_SUFFIX
    wrapped = wrap_ranges(engine_rows)
    setattr(wrapped, _ADAPTED, function)
    return wrapped


def _array_origin(node_id: str | None) -> tuple[str | None, str, int]:
    """(sheet part, column letters, first row) of an engine range id such as
    ``'[workbook.xlsx]STAFF'!F5:F9``."""
    if not node_id or "!" not in node_id:
        return None, "", 0
    sheet, ref = node_id.rsplit("!", 1)
    start = ref.split(":", 1)[0]
    letters = start.rstrip("0123456789")
    return sheet, letters, int(start[len(letters):])


# ---------------------------------------------------------------- values in

def engine_value(value: object) -> object:
    """One engine value as xlwings gives it: blank None, error "#N/A", numbers float."""
    if type(value) is float:  # the common case, as the checks below would return it
        return value
    if value is _BLANK or value is None:
        return None
    if isinstance(value, XlError):  # before str: XlError is a str
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return None if value == OMITTED else value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)  # every Excel number is a double
    return value


def cell_result(value: object, message: str | None = None) -> object:
    """One engine value as a computed cell's value: :func:`engine_value`, except that an
    error is a :class:`CellError` (its code, and ``message``, the text our function gave
    as ``"#VALUE! why"``, without the code; empty for Excel's own errors), so that text
    which looks like an error (a label ``"#N/A"``) stays text wherever it goes."""
    if isinstance(value, XlError):
        code = str(value)
        why = message[len(code):].strip() if message and message.startswith(code) else ""
        return CellError(code, why)
    return engine_value(value)


def to_argument(value: object, table: bool = False) -> object:
    """An argument as xlwings passes it: ``table`` (ndim=2) arguments always as a 2-D list;
    others as a scalar (one cell), a list (one row or column) or a 2-D list."""
    if isinstance(value, np.ndarray):
        if value.size == 1 and not table:  # one cell, the common case: as below, without the lists
            return engine_value(value.ravel().tolist()[0])
        if value.ndim == 0:
            value = value.reshape(1, 1)
        elif value.ndim == 1:
            value = value.reshape(1, -1)
        rows = [[engine_value(v) for v in row] for row in value.tolist()]
        if table:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(row) == 1 for row in rows):
            return [row[0] for row in rows]
        return rows
    scalar = engine_value(value)
    return [[scalar]] if table and scalar is not None else scalar


# ---------------------------------------------------------------- values out

def error_code(value: object) -> str | None:
    """The engine's code of an error: ``"#VALUE!"`` for a :class:`CellError` of that code,
    for the engine's own error value and for the text of a message (``"#VALUE! some
    message"``, as :attr:`WorkbookEngine.messages` holds them); else None."""
    if type(value) is CellError:
        return value.code if error_value(value.code) is not None else None
    if isinstance(value, str) and value.startswith("#"):
        code = value.split(" ", 1)[0]
        if error_value(code) is not None:
            return code
    return None


def _cell_result(value: object) -> object:
    if type(value) is CellError:
        text = str(value)
        engine_error = error_value(value.code)
        if engine_error is None:  # a code the engine has no value for (typed "#SPILL!"): its text
            return text
        _report(text)
        return engine_error
    if isinstance(value, dt.date):  # a datetime too
        return datetime_to_serial(value)
    return value


class ExcelArray(Array):
    """A function's table result. Placed into an array formula's range of another size,
    Excel keeps the top-left part (and pads with #N/A, or repeats a single row or
    column); ``formulas`` would instead refill the range in reading order when the table
    is larger than the range (a 4x4 table in a 2x2 range would read Archetype, Low /
    Mid, High). Reshapes that keep the size are ordinary reshapes."""

    def reshape(self, shape, *shapes, order="C"):
        target = (shape, *shapes) if shapes else shape
        target = (target,) if isinstance(target, int) else tuple(target)
        if len(target) == 2 and self.ndim == 2 and int(np.prod(target)) != self.size:
            block = np.asarray(self)[:target[0], :target[1]].view(Array)
            return block if block.shape == target else block.reshape(target)
        return super().reshape(shape, *shapes, order=order)


def to_result(result: object) -> object:
    """A function's result as an engine value: 2-D lists become arrays (short rows padded
    with #N/A, as Excel pads an array formula), error strings become Excel errors."""
    if isinstance(result, (list, tuple)):
        rows = [list(row) if isinstance(row, (list, tuple)) else [row] for row in result] or [[""]]
        width = max(len(row) for row in rows) or 1
        grid = np.empty((len(rows), width), object)
        grid[:, :] = _NA
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                grid[i, j] = _cell_result(value)
        return grid.view(ExcelArray)
    return _cell_result(result)


# ---------------------------------------------------------------- messages

def _report(message: str) -> None:
    collector, cell = _messages.get(), _cell.get()
    if collector is not None and cell is not None:
        found = collector.setdefault(cell, [])
        if message not in found:
            found.append(message)


@contextlib.contextmanager
def collecting(collector: dict[str, list[str]]) -> Iterator[dict[str, list[str]]]:
    """Within the block, error messages go to ``collector[cell id]``."""
    token = _messages.set(collector)
    try:
        yield collector
    finally:
        _messages.reset(token)


@contextlib.contextmanager
def in_cell(cell_id: str) -> Iterator[None]:
    """Within the block, the cell being evaluated is ``cell_id`` (an engine node id)."""
    token = _cell.set(cell_id)
    try:
        yield
    finally:
        _cell.reset(token)


# ---------------------------------------------------------------- omitted arguments

def mark_omitted_arguments(formula: str, names: frozenset[str] | set[str]) -> str:
    """Formula text in which each omitted argument of a call to one of ``names`` (upper
    case) holds the :data:`OMITTED` mark: ``=F(a,,b)`` -> ``=F(a,"<mark>",b)``. Other
    calls, and formulas without omitted arguments, are returned unchanged."""
    if not isinstance(formula, str) or not formula.startswith("="):
        return formula
    compact = "".join(formula.split())
    if not any(gap in compact for gap in (",,", ",)", "(,")):
        return formula  # the common case: nothing omitted
    try:
        items = Tokenizer(formula).items
    except TokenizerError:
        return formula  # the engine reports unparsable formulas itself
    out: list[str] = []
    stack: list[dict] = []  # one frame per open function, parenthesis or array
    changed = False
    for token in items:
        frame = stack[-1] if stack else None
        if token.type == Token.WSPACE:
            out.append(token.value)
            continue
        if token.type == Token.SEP and token.subtype == Token.ARG and frame and frame["ours"]:
            if frame["empty"]:
                out.append(_OMITTED_LITERAL)
                changed = True
            frame["empty"], frame["separators"] = True, frame["separators"] + 1
            out.append(token.value)
            continue
        if token.subtype == Token.CLOSE:
            if frame and frame["ours"] and frame["empty"] and frame["separators"]:
                out.append(_OMITTED_LITERAL)  # a trailing omitted argument: F(a,)
                changed = True
            if stack:
                stack.pop()
            if stack:
                stack[-1]["empty"] = False
            out.append(token.value)
            continue
        if frame:
            frame["empty"] = False
        if token.subtype == Token.OPEN:
            name = token.value[:-1].upper() if token.type == Token.FUNC else ""
            stack.append({"ours": name in names, "empty": True, "separators": 0})
        out.append(token.value)
    return "=" + "".join(out) if changed else formula
