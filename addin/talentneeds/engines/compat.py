"""Every place the engine reaches into ``formulas``' or openpyxl's internals, and nowhere else.

Why one module: these are not public APIs, so a new release may move them. The versions
they were written against are checked once (:func:`check_versions`), each hook below is
tested on its own (tests/engines/test_compat.py), and a new release means reading this
file, not the whole engine.

The hooks:

* :func:`function_table` -- formulas' table of Excel functions, filled on demand: a
  function module is imported when a formula first names one of its functions, so the
  statistics module (which imports scipy, most of a second) is imported only when a
  workbook calls a statistical function.
* :func:`model_progress` -- the progress bar formulas draws while it completes a model,
  replaced by ours (or by none).
* :func:`hold_book` -- hand formulas a workbook that is already in memory;
  :func:`release_books` -- let go of it once the model is loaded.
* :func:`new_model` -- a formulas model that checks each book before loading it and
  compiles each cell through a callback (:func:`compile_unless_blank` skips the blank
  cells openpyxl's ``iter_rows`` makes for every position of a sheet's used rectangle);
  :func:`cell_node` and :func:`node_id` -- formulas' ids of cells and ranges.
* :func:`add_constant_range` -- a block of constants added to a model as one range.
* :func:`formula_wrappers`, :func:`has_node`, :func:`precedents`, :func:`data_ranges` -- a
  loaded model's compiled formulas, nodes, graph and the ranges it holds; :func:`value_at` -- a value of a calculated node;
  :func:`blank` and :func:`error_value` -- the engine's blank cell and error values,
  :func:`error_type` -- their class; :func:`parse_error_type` -- the error of a formula it cannot parse.
* :func:`array_type` -- the class of a function's array result; :func:`wrap_ranges` -- a
  function given numpy arrays where the engine passes ranges; :func:`is_unimplemented`
  -- the function table's entry for a name formulas does not implement.
* :func:`load_workbook_as_formulas_does` -- a workbook read as formulas reads one.
* :func:`cell_map` -- openpyxl's {(row, column): cell} of a worksheet, for edits the
  public API would make slow (it creates a cell wherever one is visited), and
  :func:`cells_in_order` -- the cells a sheet holds, row by row, without creating any;
  :func:`drop_external_links` -- the links to other workbooks openpyxl read.

The versions: :func:`check_versions` raises :class:`UnsupportedVersionError` (the
command line prints its one line) for a formulas or openpyxl outside the range
pyproject.toml pins (a test keeps the two the same), rather than warning: a moved
internal does not always fail loudly -- a hook that silently stops applying gives
wrong numbers or reads a linked file, and a warning scrolls past unread.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import importlib
import importlib.util
import re
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path

# openpyxl's internals, in a module of their own (size): part of this one, imported from here
from talentneeds.engines.compat_openpyxl import (  # noqa: F401
    cell_map, cells_in_order, drop_external_links, plain_inline_strings,
)

#: The versions the hooks were written and tested against, as pyproject.toml pins them:
#: (the lowest, the first one not supported).
FORMULAS_VERSIONS = ((1, 3, 4), (1, 4))
OPENPYXL_VERSIONS = ((3, 1), (3, 2))

#: formulas' function modules, in the order ``get_functions`` merges them (a later one
#: wins), and the ones that import scipy.
_SUBMODULES = ('.info', '.logic', '.math', '.stat', '.financial', '.text', '.look', '.eng', '.date', '.comp',
               '.google')
_STATISTICAL = ('.stat', '.comp')
_PACKAGE = "formulas.functions"


class UnsupportedVersionError(RuntimeError):
    """formulas or openpyxl is a version these hooks were not written for."""


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


def _pin(versions: tuple[tuple[int, ...], tuple[int, ...]]) -> str:
    lowest, beyond = (".".join(map(str, v)) for v in versions)
    return f">={lowest},<{beyond}"


@functools.cache
def check_versions() -> None:
    """Refuse to run against a formulas or openpyxl whose internals may have moved."""
    import formulas
    import openpyxl
    from formulas import functions

    for name, version, supported in (("formulas", formulas.__version__, FORMULAS_VERSIONS),
                                     ("openpyxl", openpyxl.__version__, OPENPYXL_VERSIONS)):
        if not supported[0] <= _release(version) < supported[1]:
            raise UnsupportedVersionError(
                f"{name} {version} is installed; the workbook engine supports {name}{_pin(supported)} "
                f"(pip install '{name}{_pin(supported)}')")
    source = Path(functions.__file__).with_name("stat.py").read_text(encoding="utf-8")
    scipy_imports = tuple(line.strip() for line in source.splitlines()
                          if re.match(r"\s*(from scipy|import scipy)", line) and not line.startswith(" "))
    if scipy_imports != _STATISTICS_SCIPY_IMPORTS:
        raise UnsupportedVersionError(f"formulas {formulas.__version__}'s statistics module imports "
                                      f"{scipy_imports}, not what the engine expects")
    if tuple(functions.SUBMODULES) != _SUBMODULES:
        raise UnsupportedVersionError(f"formulas {formulas.__version__} has other function modules than "
                                      f"the engine expects: {functions.SUBMODULES}")


# ---------------------------------------------------------------- the function table

def _statistical_names() -> frozenset[str]:
    """The names the statistical modules define, read from their source text (importing
    them would import scipy). Both define their table with literal names only; the test
    of this hook checks the result against the imported modules' tables."""
    spec = importlib.util.find_spec(_PACKAGE)
    folder = Path(next(iter(spec.submodule_search_locations)))
    names: set[str] = set()
    for module in _STATISTICAL:
        text = (folder / f"{module[1:]}.py").read_text(encoding="utf-8")
        names.update(re.findall(r"""FUNCTIONS\[\s*['"]([^'"]+)['"]\s*\]""", text))
        block = re.search(r"^FUNCTIONS = \{\n(.*?)^\}", text, re.M | re.S)
        if block:
            names.update(re.findall(r"""^\s*['"]([^'"]+)['"]\s*:""", block.group(1), re.M))
    return frozenset(names)


#: The scipy imports at the top of formulas' statistics module, exactly as its source
#: has them, and the names they bind; nothing else of scipy is used at import time.
_STATISTICS_SCIPY_IMPORTS = ("from scipy import stats, linalg", "from scipy.interpolate import interp1d")


class _Deferred(types.ModuleType):
    """Stands in for a scipy module where formulas' statistics module binds it at import;
    the real module is imported the first time an attribute is used (a statistical
    function running), not when the module is imported."""

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(importlib.import_module(self.__name__), attr)


def _deferred_function(module: str, name: str) -> Callable:
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


def _import_statistics() -> None:
    """Import formulas' statistics module (COUNT, MIN, COUNTIF, ... live there) without
    importing scipy: its module-level ``from scipy import ...`` lines bind stand-ins that
    import scipy at first use (scipy.stats alone takes most of a second to import)."""
    import sys

    name = f"{_PACKAGE}.stat"
    if name in sys.modules or "scipy" in sys.modules:
        importlib.import_module(name)
        return
    stats, linalg, interpolate = (_Deferred(f"scipy.{m}") for m in ("stats", "linalg", "interpolate"))
    scipy = _Deferred("scipy")
    scipy.stats, scipy.linalg = stats, linalg
    interpolate.interp1d = _deferred_function("scipy.interpolate", "interp1d")
    stand_ins = {"scipy": scipy, "scipy.stats": stats, "scipy.linalg": linalg, "scipy.interpolate": interpolate}
    sys.modules.update(stand_ins)
    try:
        importlib.import_module(name)
    finally:
        for key, module in stand_ins.items():
            if sys.modules.get(key) is module:
                del sys.modules[key]


class _LazyFunctionTable(collections.defaultdict):
    """formulas' function table (a defaultdict whose default is ``not_implemented``),
    with an entry looked up in the function modules the first time a formula names it.

    The entry is the one ``formulas.get_functions()`` would have: the base table's, else
    the last module's in merge order (no name is defined both by a statistical module
    and by another: the hook's test checks it). Iterating shows only the entries looked
    up or added so far; formulas only ever looks names up."""

    def __init__(self, base: dict, not_implemented: Callable):
        super().__init__(lambda: not_implemented)
        self._base = base
        self._lock = threading.RLock()
        self._statistical = _statistical_names()

    def _module_tables(self, modules) -> Iterator[dict]:
        if ".stat" in modules:
            _import_statistics()  # first: the comparison module imports it too
        for name in reversed([m for m in _SUBMODULES if m in modules]):
            yield importlib.import_module(name, _PACKAGE).FUNCTIONS

    def _find(self, name: object) -> bool:
        """Add ``name``'s function if formulas defines one; whether it does."""
        if not isinstance(name, str):
            return False
        with self._lock:
            if dict.__contains__(self, name):
                return True
            tables = [self._base]
            tables += self._module_tables(_STATISTICAL if name in self._statistical else
                                          [m for m in _SUBMODULES if m not in _STATISTICAL])
            for table in tables:
                if name in table:
                    dict.__setitem__(self, name, table[name])
                    return True
            return False

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or self._find(name)

    def __missing__(self, name):
        if self._find(name):
            return dict.__getitem__(self, name)
        return super().__missing__(name)

    def get(self, name, default=None):
        return self[name] if name in self else default


_install_lock = threading.Lock()


def function_table() -> dict:
    """formulas' function table, made lazy (see :class:`_LazyFunctionTable`) on first use:
    ``formulas.functions.get_functions`` is replaced so that formulas' parser and
    compiler look names up in it. If formulas' full table was built already in this
    process, that one is used."""
    check_versions()
    from formulas import functions

    with _install_lock:
        current = functions.get_functions
        table = getattr(current, "table", None)
        if table is not None:
            return table
        cache = getattr(current, "cache_info", None)
        table = current() if cache is not None and cache().currsize else \
            _LazyFunctionTable(functions.FUNCTIONS, functions.not_implemented)

        def get_functions():
            return table

        get_functions.table = table
        functions.get_functions = get_functions
        import formulas

        vars(formulas).pop("get_functions", None)  # formulas caches the looked-up attribute
        return table


# ---------------------------------------------------------------- loading a model

@contextlib.contextmanager
def model_progress(advance: Callable[[int, int], None] | None = None):
    """While formulas completes a model it draws a tqdm bar on stderr; instead, call
    ``advance(done, total)`` (nothing if None). Only the ``tqdm`` name formulas.excel
    uses is swapped, for the duration."""
    import formulas.excel as excel

    class _Bar:
        def __init__(self, total=0, **_):
            self.total, self.n = total, 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n=1):
            self.n += n
            if advance is not None:
                advance(self.n, self.total)

        def refresh(self):
            pass

    original = excel.tqdm
    excel.tqdm = types.SimpleNamespace(tqdm=_Bar)
    try:
        yield
    finally:
        excel.tqdm = original


def hold_book(model, name: str, workbook) -> None:
    """Make ``model.loads(name)`` use ``workbook`` (an openpyxl workbook read the way
    formulas reads one) instead of reading a file of that name."""
    import schedula as sh
    from formulas.excel import BOOK

    sh.get_nested_dicts(model.books, name.upper())[BOOK] = workbook


def release_books(model) -> None:
    """Let go of the openpyxl workbooks a loaded model holds: calculating does not read
    them, and a big one is most of the memory in use."""
    from formulas.excel import BOOK

    for data in model.books.values():
        data.pop(BOOK, None)


class _Blank:
    """What formulas' ``ExcelModel.add_cell`` adds nothing for: a cell with neither a value
    nor a formula (its ``Cell.add`` adds no node when ``func`` is None and ``value`` EMPTY)."""

    output = func = None

    def __init__(self):
        self.value = blank()

    def add(self, dsp, context=None):
        return set()


@functools.cache
def _blank() -> _Blank:
    return _Blank()


def compile_unless_blank(compile_cell: Callable, cell, *args):
    """``compile_cell(cell, *args)`` (formulas' ``ExcelModel.compile_cell``), or for a cell
    without a value a stand-in that formulas' loader skips. Why: the demo's sheets have
    about 600 such cells and each took a parse of its address and a compilation."""
    if cell.value is None:
        return _blank()
    return compile_cell(cell, *args)


@functools.cache
def _model_class() -> type:
    import formulas

    class Model(formulas.ExcelModel):
        def __init__(self, before_load, around_compile):
            super().__init__()
            self._before_load, self._around_compile = before_load, around_compile

        def add_book(self, book=None, context=None, data_only=False):
            self._before_load(book)
            return super().add_book(book, context, data_only)

        def compile_cell(self, cell, context, references, formula_references):
            return compile_unless_blank(super().compile_cell, cell, context, references, formula_references)

        def _compile_cell(self, crd, val, context, check_formula, references):  # a staticmethod in formulas
            return self._around_compile(
                context.get("sheet", ""), crd, val, lambda: cell_node(crd, context),
                lambda: formulas.ExcelModel._compile_cell(crd, val, context, check_formula, references), check_formula)

    return Model


def new_model(before_load: Callable[[object], None], around_compile: Callable):
    """A ``formulas.ExcelModel`` that calls ``before_load(book)`` before it loads a book (a
    file name, or a book it holds) and compiles each cell that has a value or a formula
    through ``around_compile(sheet, crd, value, node, compile, check_formula)``: ``sheet``
    upper-cased, ``node()`` the cell's node id, ``compile()`` formulas' own compilation, whose
    result it returns, ``check_formula`` False for a text cell. Cells without either are skipped (:func:`compile_unless_blank`)."""
    return _model_class()(before_load, around_compile)


def cell_node(crd: str, context: dict) -> str:
    """The node id formulas gives the cell ``crd`` while compiling it in ``context``."""
    from formulas.ranges import Ranges

    return Ranges().push(crd, context=context).ranges[0]["name"]


def node_id(book: str, sheet: str, ref: str) -> str:
    """The node id of a cell or range of a loaded model: ``'[book]SHEET'!A1`` (the sheet
    upper-cased, apostrophes not doubled)."""
    return f"'[{book}]{sheet.upper()}'!{ref.replace('$', '').upper()}"


def add_constant_range(model, node: str, values) -> None:
    """Add to a model being loaded (before ``finish``) the range ``node`` (a :func:`node_id`)
    holding the 2-D object array ``values``, as formulas holds an array formula's result:
    formulas assembles the ranges formulas read out of it when it finishes the model."""
    from formulas.cell import Cell

    cell = Cell(node, values)
    cell.add(model.dsp)
    model.cells[cell.output] = cell


def has_node(model, node: str) -> bool:
    """Whether a loaded model has ``node`` (a cell or range that is an input or a result)."""
    return node in model.dsp.nodes


_NODE_ID = re.compile(r"^'\[[^\]]*\](?P<sheet>.+)'!(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$")
# a workbook-level defined name: its value is computed from the range it names, which is a node of its own
_NAME_ID = re.compile(r"^'\[[^\]]*\]'![^!']+$")


def data_ranges(model) -> Iterator[tuple[str, str] | None]:
    """(upper-cased sheet, "A1" or "A1:B2") of every cell or range a loaded model holds as
    a value (what a formula reads, what a formula or a block of constants gives); None for
    one whose id is no single range (a caller must then assume it could be anywhere)."""
    from schedula.utils.gen import Token

    for node, attributes in model.dsp.nodes.items():
        if attributes.get("type") != "data" or not isinstance(node, str):
            continue
        if isinstance(node, Token) or _NAME_ID.match(node):  # the dispatcher's own nodes (SELF), names
            continue
        match = _NODE_ID.match(node)
        yield (match.group("sheet"), match.group("ref").replace("$", "")) if match else None


def precedents(model) -> dict:
    """{node: its inputs} of a loaded model's graph (cells, ranges and formulas)."""
    return model.dsp.dmap.pred


def value_at(result, row: int, column: int):
    """The value at (row, column) of what ``model.calculate()`` gives for a node: a range
    (an array formula's, or a cell's 1 x 1) or a plain value."""
    from formulas.ranges import Ranges

    return result.value[row, column] if isinstance(result, Ranges) else result


def blank():
    """The engine's value of a blank cell."""
    import schedula as sh

    return sh.EMPTY


def error_value(code: str):
    """formulas' value of the Excel error ``code`` ("#VALUE!"), or None if it is not one."""
    from formulas.tokens.operand import Error

    return Error.errors.get(code)


def error_type() -> type:
    """The class of formulas' Excel error values (a str subclass: test for it before str)."""
    from formulas.tokens.operand import XlError

    return XlError


def parse_error_type() -> type:
    """The class of formulas' error for a formula it cannot parse (a defined name's too)."""
    from formulas.errors import FormulaError

    return FormulaError


def array_type() -> type:
    """The class of a function's array result (a numpy array formulas places into an
    array formula's range, rather than treating it as one value)."""
    from formulas.functions import Array

    return Array


def wrap_ranges(function: Callable) -> Callable:
    """``function`` as formulas calls a function of its table: ranges arrive as numpy
    arrays; a range that cannot be one gives no value (formulas' own convention)."""
    from formulas.functions import wrap_ranges_func

    return wrap_ranges_func(function)


def is_unimplemented(function: object) -> bool:
    """Whether ``function`` is the function table's stand-in for a name formulas does not implement."""
    from formulas.functions import not_implemented

    return function is not_implemented


def formula_wrappers(model) -> Iterator[tuple[object, str]]:
    """(wrapper, node id) of every formula cell of a loaded model: the wrapper's
    ``func`` attribute is the compiled formula and may be replaced."""
    from formulas.cell import CellWrapper

    for node in model.dsp.function_nodes.values():
        function = node["function"]
        if isinstance(function, CellWrapper):
            yield function, node["outputs"][0]


def load_workbook_as_formulas_does(path: str):
    """The workbook at ``path`` read as formulas reads one (formulas, not cached values;
    dates as serial numbers), plain inline strings read directly (:func:`.compat_openpyxl.plain_inline_strings`)."""
    from formulas.excel.xlreader import load_workbook

    with plain_inline_strings():
        return load_workbook(path)
