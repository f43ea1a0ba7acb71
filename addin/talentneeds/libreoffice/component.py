"""The Talent Needs Calc add-in: a Python UNO component that runs inside LibreOffice.

Shipped in the .oxt (as ``talentneeds_calc.py``, with the ``talentneeds`` package in
``pythonpath/`` beside it, which LibreOffice's Python loader puts on ``sys.path``).
Imports ``uno``, so nothing outside LibreOffice imports this module.

One method per Excel function, made from the same :class:`FunctionSpec` that every other
runtime uses; the methods' UNO signatures come from the type library built from the
same specs (every argument ``any``; a scalar result ``any``, a table
``sequence< sequence< any > >``). What LibreOffice hands over and what it accepts back,
and how that is bridged here:

* a missing optional argument arrives as None, a range as a tuple of row tuples (empty
  cells None), a single cell as a number or text -- a blank single cell as 0.0, which
  cannot be told from a typed 0 (README); a table argument given one cell becomes a
  one-cell table;
* a table is returned as a tuple of row tuples of plain values (the declared type turns
  it into a Calc matrix; ``None`` is an empty cell); TRUE/FALSE go as 1/0, since Calc
  turns a boolean handed to it into a number it never sets (FALSE came out as 1);
* errors: the boundary's error value (``CellError``, through ``cell_value``: the code and
  the message, never parsed from text) becomes Calc's own error value -- ``#N/A``
  as a void result, ``#NUM!`` as a non-finite number (a table function: a one-cell table
  of it, which Calc spreads over the formula's range), anything else (``#VALUE!`` and
  the codes passed on from argument cells) as an exception, which Calc shows as
  ``#VALUE!``. The message is written to LibreOffice's standard error, one line per
  error (``talentneeds: AMPLIFIERS_NEEDED: #VALUE! teams must be ...``).
"""

import datetime as dt
import math
import sys
import types

import unohelper
from com.sun.star.lang import XServiceInfo, XServiceName
from com.sun.star.uno import RuntimeException
from org.talentneeds.calc import XTalentNeeds

IMPLEMENTATION = "org.talentneeds.calc.TalentNeedsImpl"
SERVICE = "org.talentneeds.calc.TalentNeeds"
SERVICES = (SERVICE, "com.sun.star.sheet.AddIn")
# The codes Calc has error values for; another code a user typed into an argument cell
# ("#SPILL!") passes on as the text our function gives.
CALC_ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
_functions = {}


def _xlwings_stand_in():
    """Our decorator hands the metadata to xlwings; LibreOffice's Python rarely has
    xlwings, and the add-in needs none of it: decorators that change nothing."""
    try:
        import xlwings  # noqa: F401
        return
    except ImportError:
        pass
    module = types.ModuleType("xlwings")
    module.func = lambda **options: (lambda f: f)
    module.arg = lambda *names, **options: (lambda f: f)
    module.XlwingsError = type("XlwingsError", (Exception,), {})
    sys.modules["xlwings"] = module


def _load():
    """The functions by name with their specs, imported on first use (Calc creates the
    component when it starts; pandas should only load when a formula needs it)."""
    if not _functions:
        _xlwings_stand_in()
        from talentneeds import udfs
        from talentneeds.excel.boundary import specs

        for spec in specs(udfs):
            _functions[spec.python_name] = (getattr(udfs, spec.python_name), spec)
    return _functions


def _argument(value, table):
    if isinstance(value, tuple):
        return [list(row) for row in value]
    if table and value is not None:
        return [[value]]
    return value


def _call(name, args):
    function, spec = _load()[name]
    from talentneeds.excel.boundary import CellError, cell_value  # loaded with the functions (_load)

    result = cell_value(function, *(_argument(value, arg.table) for value, arg in zip(args, spec.args)))
    if type(result) is CellError:
        text = str(result)
        if result.code not in CALC_ERROR_CODES:
            return text if not spec.returns_table else ((text,),)
        print(f"talentneeds: {name}: {text}", file=sys.stderr, flush=True)
        if result.code == "#N/A" and not spec.returns_table:
            return None
        if result.code == "#NUM!":
            return ((math.inf,),) if spec.returns_table else math.inf
        raise RuntimeException(text, None)
    if spec.returns_table:
        if not isinstance(result, list):
            result = [[result]]
        return tuple(tuple(_plain(cell) for cell in row) for row in result)
    return _plain(result)


def _plain(value):
    """A cell value Calc takes: a date as its serial number (Calc's own date values); a
    boolean as 1 or 0 (Calc reads a boolean it is handed as an unset number, see the README)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.date):  # a datetime too
        from talentneeds.roster.values import datetime_to_serial  # loaded with the functions (_load)

        return datetime_to_serial(value)
    return value


class TalentNeeds(unohelper.Base, XTalentNeeds, XServiceName, XServiceInfo):
    def __init__(self, context):
        self.context = context

    def __getattr__(self, name):
        # only names that are not attributes get here: the Excel functions, upper case
        if name.isupper() and name in _load():
            return lambda *args: _call(name, args)
        raise AttributeError(name)

    def getServiceName(self):
        return SERVICE

    def getImplementationName(self):
        return IMPLEMENTATION

    def supportsService(self, name):
        return name in SERVICES

    def getSupportedServiceNames(self):
        return SERVICES


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(TalentNeeds, IMPLEMENTATION, SERVICES)
