"""The domain's errors.

Two kinds of failure matter to a planner and they are kept apart:

* :class:`InvalidInput` -- what was typed is not a valid value (a negative team count,
  ``"abc"`` for a number, low above high). Excel shows ``#VALUE!``.
* :class:`ImpossiblePlan` -- every input is valid but the plan cannot be computed
  (a cohort shared between archetypes that all need nobody, a result too large to be a
  number). Excel shows ``#NUM!``.
* :class:`UnknownRole` -- a role title that the catalogue does not know; a lookup miss,
  which Excel spells ``#N/A``.

Every message names what is wrong and what would be valid. The translation into
Excel-style errors happens in exactly one place: ``talentneeds.excel.boundary``.
"""

from __future__ import annotations

import datetime as dt
import numbers

from talentneeds.excel_text import printable


class TalentNeedsError(Exception):
    """Base class of every error the model raises on purpose."""

    excel_code = "#VALUE!"

    def at(self, where: str) -> "TalentNeedsError":
        """The same error, its message prefixed with where it happened ("roster row 5")."""
        located = type(self).__new__(type(self))
        located.__dict__.update(self.__dict__)
        located.args = (f"{where}: {self}",)
        return located


class InvalidInput(TalentNeedsError, ValueError):
    """An argument is not a valid value; the message names it and the valid range."""

    excel_code = "#VALUE!"


class UnknownRole(InvalidInput):
    """A role title is not in the catalogue."""

    excel_code = "#N/A"


class ErrorInCell(InvalidInput):
    """An argument comes from a cell that already shows an Excel error; the error passes on,
    as it does through Excel's own functions."""

    def __init__(self, name: str, code: str):
        super().__init__(f"{name} comes from a cell that shows {code}; fix that cell first")
        self.excel_code = code


class ImpossiblePlan(TalentNeedsError):
    """The inputs are valid but the plan they describe cannot be computed."""

    excel_code = "#NUM!"


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
