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


class TalentNeedsError(Exception):
    """Base class of every error the model raises on purpose."""

    excel_code = "#VALUE!"


class InvalidInput(TalentNeedsError, ValueError):
    """An argument is not a valid value; the message names it and the valid range."""

    excel_code = "#VALUE!"


class UnknownRole(InvalidInput):
    """A role title is not in the catalogue."""

    excel_code = "#N/A"


class ImpossiblePlan(TalentNeedsError):
    """The inputs are valid but the plan they describe cannot be computed."""

    excel_code = "#NUM!"
