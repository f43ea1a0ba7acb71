"""Declare an Excel function once for every runtime, and turn errors into Excel errors.

:func:`excel_function` records a function's Excel metadata (name, category, one-line
description, a description for every argument), hands the same metadata to xlwings
(``xw.func`` and ``xw.arg`` -- classic xlwings on Windows, or the Office.js decorators
when ``XLWINGS_ON_SERVER=true`` and in xlwings Lite), and wraps the function in the
one place where errors become Excel errors: a :class:`CellError` value (the Excel code
and the message), which each runtime then shows its own way:

* classic xlwings and plain Python: its text, such as
  ``#VALUE! teams must be a number >= 0, got "abc"`` -- never a traceback in a cell;
* Office.js (xlwings Lite, the xlwings Server code path): an ``xlwings.XlwingsError``
  with the same text, which the runtime shows as the cell's error value;
* the headless engine and the LibreOffice add-in call :func:`cell_value`, which returns
  the value itself, and make it their own error value (``talentneeds.engines.udf_adapter``,
  ``talentneeds.libreoffice.component``).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import inspect
import logging
import math
import numbers
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from talentneeds.errors import ErrorInCell, ImpossiblePlan, InvalidInput, TalentNeedsError, UnknownRole
from talentneeds.excel_text import cap, printable

CATEGORY = "Talent Needs"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArgSpec:
    name: str
    description: str
    optional: bool
    table: bool  # a range argument that must arrive as a 2-D list


@dataclass(frozen=True)
class FunctionSpec:
    python_name: str
    description: str
    args: tuple[ArgSpec, ...]
    returns_table: bool
    category: str = CATEGORY

    @property
    def name(self) -> str:
        return self.python_name.upper()

    @property
    def signature(self) -> str:
        shown = [f"[{a.name}]" if a.optional else a.name for a in self.args]
        return f"{self.name}({', '.join(shown)})"


def office_js_runtime() -> bool:
    """True where xlwings' decorators are the Office.js ones: xlwings Server's code path or Lite."""
    return os.environ.get("XLWINGS_ON_SERVER") == "true" or sys.platform == "emscripten"


def xlwings_decorates() -> bool:
    """True where ``xlwings.func``/``xlwings.arg`` record anything: Office.js (xlwings Server's
    code path, xlwings Lite) and classic xlwings on Windows. Elsewhere xlwings defines them
    as decorators that return the function unchanged (``xlwings/__init__.py``)."""
    return office_js_runtime() or sys.platform.startswith("win")


@dataclass(frozen=True)
class CellError:
    """An Excel error as a value: its code (``"#VALUE!"``) and the message that says why."""

    code: str
    message: str

    def __str__(self) -> str:
        """The text a cell shows where a runtime has no error value with a message (classic
        xlwings, plain Python): cut to what one cell holds (32,767 UTF-16 code units), with
        control characters written out."""
        return cap(printable(f"{self.code} {self.message}"))


# The Excel code of each kind of domain error, most specific first (UnknownRole is an InvalidInput).
EXCEL_CODES: tuple[tuple[type[TalentNeedsError], str], ...] = (
    (UnknownRole, "#N/A"),
    (InvalidInput, "#VALUE!"),
    (ImpossiblePlan, "#NUM!"),
    (TalentNeedsError, "#VALUE!"),
)


def cell_error(error: Exception, function_name: str) -> CellError:
    """The one translation of an exception into an Excel error."""
    if isinstance(error, ErrorInCell):  # an argument's error cell: its own code passes on
        return CellError(error.excel_code, str(error))
    for kind, code in EXCEL_CODES:
        if isinstance(error, kind):
            return CellError(code, str(error))
    logger.exception("unexpected error in %s", function_name)
    return CellError("#VALUE!", f"unexpected error in {function_name} ({type(error).__name__}: {error}); "
                                "please report it")


def excel_error(error: Exception, function_name: str) -> str:
    """:func:`cell_error` as the text classic xlwings shows."""
    return str(cell_error(error, function_name))


def to_cell(value: object) -> object:
    """A model value as something every runtime writes into a cell."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        value = float(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ImpossiblePlan(f"the result is more than {sys.float_info.max:.17g}, the largest number "
                                 "Excel has; use smaller inputs")
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    raise TypeError(f"cannot write a {type(value).__name__} into a cell")


def to_cells(result: object) -> object:
    kind = type(result)
    if (kind is float and math.isfinite(result)) or kind is str or kind is bool:
        return result  # the common scalar results, as to_cell would give them
    if isinstance(result, (list, tuple)):
        return [[to_cell(c) for c in row] for row in result]
    return to_cell(result)


def frame_rows(frame, *, index: bool = True) -> list[list]:
    """A table (a pandas DataFrame) as the rows a table function returns: a header row of
    its column names, then one row per record; with ``index``, its index (named in the
    header) as the first column. Values as Python scalars (``to_numpy(dtype=object)``)."""
    values = frame.to_numpy(dtype=object).tolist()
    if not index:
        return [list(frame.columns), *values]
    return [[frame.index.name, *frame.columns], *[[key, *row] for key, row in zip(frame.index, values)]]


def excel_function(*, returns_table: bool = False, tables: tuple[str, ...] = (), **arg_docs: str):
    """Make ``f`` an Excel function: its docstring is the one-line description and
    ``arg_docs`` describe every argument (all must be given). ``tables`` names the
    arguments that are ranges and must arrive as 2-D lists.
    """

    def decorate(f: Callable) -> Callable:
        parameters = inspect.signature(f).parameters
        missing = set(parameters) ^ set(arg_docs)
        if missing:
            raise TypeError(f"{f.__name__}: describe exactly its arguments; mismatch: {sorted(missing)}")
        description = inspect.cleandoc(f.__doc__ or "")
        if not description or "\n" in description:
            raise TypeError(f"{f.__name__}: the docstring must be one line, the Excel description")
        spec = FunctionSpec(
            python_name=f.__name__,
            description=description,
            args=tuple(ArgSpec(name, arg_docs[name], p.default is not inspect.Parameter.empty,
                               name in tables) for name, p in parameters.items()),
            returns_table=returns_table,
        )

        @functools.wraps(f)
        def excel_cell(*args):
            try:
                return to_cells(f(*args))
            except Exception as error:  # the one boundary: no traceback ever reaches a cell
                result = cell_error(error, spec.name)
            if _error_values.get():
                return result
            if office_js_runtime():
                import xlwings

                raise xlwings.XlwingsError(str(result))
            return str(result)

        excel_cell.__talentneeds__ = spec
        return register_with_xlwings(excel_cell, spec)

    return decorate


# True while cell_value calls a function: its errors come back as CellError values. A
# context variable rather than a second entry point, so that a wrapper around one of our
# functions (a profiler, bench/'s call counter) still sees every call.
_error_values: contextvars.ContextVar[bool] = contextvars.ContextVar("talentneeds_error_values", default=False)


def cell_value(function: Callable, *args) -> object:
    """What the Excel function ``function`` gives for ``args``: its cells, or a
    :class:`CellError` (never raised, never text) -- for runtimes with error values of their own."""
    token = _error_values.set(True)
    try:
        return function(*args)
    finally:
        _error_values.reset(token)


def register_with_xlwings(f: Callable, spec: FunctionSpec, func=None, arg=None) -> Callable:
    """Apply xlwings' decorators (by default those of the current runtime) from ``spec``."""
    if func is None or arg is None:
        if not xlwings_decorates():
            return f  # xlwings' own decorators would return f unchanged: not importing it saves ~25 ms
        import xlwings

        func, arg = xlwings.func, xlwings.arg
    for a in reversed(spec.args):
        # err_to_str: an error cell arrives as "#N/A" (not as None, which would read as a
        # blank and quietly take the default) so that the error passes on
        options = {"ndim": 2, "err_to_str": True} if a.table else {"err_to_str": True}
        f = arg(a.name, doc=a.description, **options)(f)
    return func(category=spec.category)(f)


def specs(module) -> list[FunctionSpec]:
    """The Excel functions a module defines, in the order they are defined."""
    found = [obj.__talentneeds__ for obj in vars(module).values() if hasattr(obj, "__talentneeds__")]
    return found
