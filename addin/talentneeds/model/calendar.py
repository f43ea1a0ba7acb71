"""Calendar quarters: the labels a plan's quarters are shown by ("Q1 2027").

A plan's quarter 1 starts on its start date and each quarter is three calendar months;
a quarter is labelled by the calendar quarter its first day falls in (January-March is
Q1). So a plan starting on 1 November 2026 runs Q4 2026, Q1 2027, Q2 2027, ...
"""

from __future__ import annotations

import datetime as dt
import math

from talentneeds.errors import InvalidInput, shown
from talentneeds.model.limits import HORIZON_QUARTERS
from talentneeds.model.pipeline import add_months


def quarter_label(day: dt.date) -> str:
    """The calendar quarter ``day`` falls in: 2026-11-01 -> "Q4 2026"."""
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def check_horizon(quarters: object, name: str = "quarters") -> int:
    """A plan's number of quarters: a whole number within HORIZON_QUARTERS."""
    if isinstance(quarters, bool) or not isinstance(quarters, (int, float)) or not math.isfinite(quarters) \
            or quarters != int(quarters) or not HORIZON_QUARTERS.low <= quarters <= HORIZON_QUARTERS.high:
        raise HORIZON_QUARTERS.refusal(name, quarters)
    return int(quarters)


def quarter_labels(start: dt.date, quarters: int) -> list[str]:
    """The labels of ``quarters`` quarters from ``start`` (three months apart)."""
    quarters = check_horizon(quarters)
    if not isinstance(start, dt.date):
        raise InvalidInput(f"start must be a date, got {shown(start)}")
    months = (start.year * 12 + start.month - 1) + 3 * (quarters - 1)
    if months > 9999 * 12 + 11:
        raise InvalidInput(f"start must leave room for {quarters} quarters before 9999-12-31 "
                           f"(the last date Excel has), got {shown(start)}")
    return [quarter_label(add_months(start, 3 * q)) for q in range(quarters)]
