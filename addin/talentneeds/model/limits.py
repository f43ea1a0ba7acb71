"""Every limit on an input or a result, stated once.

The model checks these (an error names the argument and the limit); the Excel functions
use the same :class:`Bound` when they convert cells, so a limit is never stated twice
and an argument's message reads the same from the model and from a cell.

**Numbers.** A result Excel shows must be a finite double, at most
``EXCEL_MAX_NUMBER`` in size. A result that claims *whole* heads, teams or seats must
also be exact: doubles hold every whole number up to 2^53 and no further, so a whole
count above ``MAX_EXACT_WHOLE`` is refused (``#NUM!``) rather than shown rounded.
Fractional FTE (``AMPLIFIERS_NEEDED``) may go up to ``EXCEL_MAX_NUMBER``.

**Work.** A recalculation must not freeze Excel. The Monte Carlo functions cost, per
trial, about one draw per whole number a team's range can take (see
:mod:`talentneeds.model.uncertainty`) and, for the plan, per quarter a few dozen array
operations plus one per quarter of tenure and of time to hire that the plan looks
back over; the number of teams does not change the cost (their heads are one
multinomial draw per trial). ``NEEDS_WORK_BUDGET`` and ``PLAN_WORK_BUDGET`` bound those
products so that the slowest call allowed returns in about 10 s on a 2-core machine
(measured: see ``WORK_BUDGET``). Over the budget the call is ``#NUM!`` with the work it
would do and the budget, before anything is drawn.
"""

from __future__ import annotations

import numbers
import sys
from dataclasses import dataclass

from talentneeds.errors import InvalidInput, shown

# Excel's largest number (a double's largest finite value).
EXCEL_MAX_NUMBER = sys.float_info.max  # 1.7976931348623157e308
# The largest whole number a cell holds exactly (2^53); whole counts stop here.
MAX_EXACT_WHOLE = 2 ** 53
# Characters in one cell (32,767 UTF-16 code units): stated with the text rules, in
# talentneeds/excel_text.py, which the errors module needs before the model exists.
from talentneeds.excel_text import EXCEL_MAX_TEXT  # noqa: E402,F401

# Teams.
MAX_TEAMS = 1_000_000_000            # NEEDS_DISTRIBUTION: costs no more than one team
MAX_TEAMS_PER_QUARTER = 100_000      # a plan's schedule, per quarter
# Heads a plan may need of one archetype: keeps every plan count exact in int64.
MAX_HEADS = 1_000_000_000
# Quarters in a plan (50 years), and in time to hire and ramp.
MAX_QUARTERS = 200
# A plan's horizon as a user sets it (HIRING_PLAN's quarters, QUARTER_LABELS): a year to
# ten years. A schedule longer than this is still planned (up to MAX_QUARTERS).
MIN_HORIZON_QUARTERS = 4
MAX_HORIZON_QUARTERS = 40

# Tenure, in years (a career).
MAX_TENURE_YEARS = 100
# Restructure: how far the candidate pool may widen, how many teams share a research lead.
MAX_CANDIDATE_POOL_FACTOR = 100.0
MAX_CONNECTORS_SHARED_BY = 1_000.0

# Seats in a cohort.
MAX_COHORT = 1_000_000_000

# Monte Carlo.
MAX_TRIALS = 10_000_000
MAX_SEED = 2 ** 32 - 1
# Work units of one call (see above and talentneeds.model.uncertainty's DRAW_UNITS):
# the most that returns within about 10 s here. `python -m bench.budget` times the
# slowest calls allowed: on the 2-core machine shared by five jobs (load average 5),
# NEEDS_DISTRIBUTION(100000,,132013,,0-1000 x 3,"pert") 7.3 s and PLAN_DISTRIBUTION over
# 200 quarters of 5,000 teams of 0-1000, 100-year tenure, 200-quarter time to hire
# (600 trials) 9.1 s.
WORK_BUDGET = 800_000_000


def is_number(value: object) -> bool:
    """A real number that is not a boolean (Python's True is an int; numpy's bool_ is no
    Real at all)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def as_float(value: object) -> float:
    """A real number as a double; a Python int too large for one becomes +-inf (which
    every check then refuses as not finite) instead of raising OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


@dataclass(frozen=True)
class Bound:
    """The valid values of one argument: from ``low`` to ``high``, whole numbers only if ``whole``."""

    low: float
    high: float
    whole: bool = False

    def describe(self) -> str:
        if self.whole:
            return f"a whole number from {self.low:,} to {self.high:,}"
        return f"a number from {self.low:g} to {self.high:g}"

    def refusal(self, name: str, value: object) -> InvalidInput:
        """The error for ``value`` given as ``name``: what is valid, and what was given."""
        return InvalidInput(f"{name} must be {self.describe()}, got {shown(value)}")


# The bounds of the arguments, by what they count.
SHARE = Bound(0, 1)                                        # take-up, attrition, output share, ...
TENURE_YEARS = Bound(0, MAX_TENURE_YEARS)
TEAMS = Bound(0, MAX_TEAMS, whole=True)                    # NEEDS_DISTRIBUTION's teams
TEAMS_PER_QUARTER = Bound(0, MAX_TEAMS_PER_QUARTER, whole=True)
HEADS = Bound(0, MAX_HEADS, whole=True)
QUARTERS_TO_HIRE = Bound(0, MAX_QUARTERS, whole=True)
RAMP_QUARTERS = Bound(1, MAX_QUARTERS, whole=True)
HORIZON_QUARTERS = Bound(MIN_HORIZON_QUARTERS, MAX_HORIZON_QUARTERS, whole=True)
CANDIDATE_POOL_FACTOR = Bound(1, MAX_CANDIDATE_POOL_FACTOR)
CONNECTORS_SHARED_BY = Bound(1, MAX_CONNECTORS_SHARED_BY)
COHORT = Bound(0, MAX_COHORT, whole=True)
TRIALS = Bound(1, MAX_TRIALS, whole=True)
SEED = Bound(0, MAX_SEED, whole=True)
PERCENTILE = Bound(0, 100)
