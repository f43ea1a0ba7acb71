"""The domain's errors.

Two kinds of failure matter to a planner and they are kept apart:

* :class:`InvalidInput` -- what was typed is not a valid value (a negative team count,
  ``"abc"`` for a number, low above high).
* :class:`ImpossiblePlan` -- every input is valid but the plan cannot be computed
  (a cohort shared between archetypes that all need nobody, a result too large to be a
  number).
* :class:`UnknownRole` -- a role title that the catalogue does not know; a lookup miss.

Every message names what is wrong and what would be valid. Which Excel error each kind
is (``#VALUE!``, ``#NUM!``, ``#N/A``) is decided in exactly one place,
``talentneeds.excel.boundary``; the exceptions carry no Excel code.

:class:`FileError` is the root of every refusal of a file the user named (a workbook that
cannot be read, an output that may not be written); the command line catches it once and
prints its message as one line.
"""

from __future__ import annotations

import datetime as dt
import numbers

from talentneeds.excel_text import printable


class TalentNeedsError(Exception):
    """Base class of every error the model raises on purpose."""

    def at(self, where: str) -> "TalentNeedsError":
        """The same error, its message prefixed with where it happened ("roster row 5")."""
        located = type(self).__new__(type(self))
        located.__dict__.update(self.__dict__)
        located.args = (f"{where}: {self}",)
        return located


class InvalidInput(TalentNeedsError, ValueError):
    """An argument is not a valid value; the message names it and the valid range."""


class UnknownRole(InvalidInput):
    """A role title is not in the catalogue."""


class ErrorInCell(InvalidInput):
    """An argument comes from a cell that already shows an Excel error; the error passes on,
    as it does through Excel's own functions. ``excel_code`` is the code the cell shows,
    which is what this error passes on."""

    def __init__(self, name: str, code: str):
        super().__init__(f"{name} comes from a cell that shows {code}; fix that cell first")
        self.excel_code = code


class ImpossiblePlan(TalentNeedsError):
    """The inputs are valid but the plan they describe cannot be computed."""


class FileError(ValueError):
    """A file the user named cannot be read or written as asked; the message, one line,
    names the file and what would be valid. (A ValueError, as each of its subclasses was.)

    ``names_file`` is False for the errors of layers that work on bytes or on a workbook
    already open and do not know the file's name (the OOXML package, the formula engine,
    rendering, the office process): the command that named the file puts its name in
    front, once (``cli._reading``)."""

    names_file = True


def shown(value: object) -> str:
    """How a value reads in an error message: text in quotes, TRUE/FALSE, a blank cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "a blank cell"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f'"{printable(text)}"'
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value:%Y-%m-%d}"
    if isinstance(value, numbers.Integral) and abs(value) > 10 ** 300:  # beyond a double
        return f"a {len(str(abs(value)))}-digit whole number"
    if isinstance(value, numbers.Real):
        return f"{float(value):g}"
    if isinstance(value, (list, tuple)):
        return "a range"
    return f"a {type(value).__name__}"
