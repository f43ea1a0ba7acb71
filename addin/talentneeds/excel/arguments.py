"""Arguments that several Excel functions share: the point in a range, a low-high range,
a share, the span of control, a range left out -- converted from cells, with their
Function Wizard texts.

A fast path for the point and a memo of ranges: a whole recalculation of the template
does not show them (93 ms with, 87 ms without, medians of 15: noise), but each scalar
call does, and bench/results.md holds the wrapper to 3x the bare model call:
AMPLIFIERS_NEEDED(4, "high", 1, 2) took 1.30 us with them and 3.72 us without (make
bench, 2026-12-01), 2.5x against 7.1x the bare call.
"""

from __future__ import annotations

import math

from talentneeds.excel import cells, tables
from talentneeds.model import assumptions as A
from talentneeds.model import limits
from talentneeds.model.ranges import POINT_NAMES, Range, point_fraction

POINT_DOC = 'Where in each range to plan: "low", "mid" (default), "high", or a number from 0 to 1.'
SPAN_LOW_DOC = "Span of control at the low end: Iterators per Amplifier (default 5, from the source)."
SPAN_HIGH_DOC = "Span of control at the high end (default 10, from the source)."


def point(value: object) -> str | float:
    """``"low"``, ``"mid"``, ``"high"`` or a number from 0 to 1; blank: ``"mid"``."""
    if value is None:
        return "mid"
    kind = type(value)
    if kind is str:  # the common case: "low", "mid" or "high", as text_or_number gives it
        text = value.strip()
        if text.lower() in POINT_NAMES:
            return text
    elif kind is float and 0.0 <= value <= 1.0:
        return value
    given = cells.text_or_number(value, "point")
    if given is None:
        return "mid"
    point_fraction(given)  # raises with a message that names point
    return given


# Ranges built from cell values, by (low, high): a recalculation builds the same few
# ranges over and over, and a Range is immutable. Bounded: cleared when full.
_RANGES: dict[tuple[float, float], Range] = {}
_RANGES_SIZE = 1024


def range_of(low: object, high: object, default: Range, low_name: str, high_name: str) -> Range:
    """A range from its low and high cells; both blank: ``default``."""
    if low is None and high is None:
        return default
    if type(low) is float and type(high) is float and 0.0 <= low <= high < math.inf \
            and math.copysign(1.0, low) > 0 and math.copysign(1.0, high) > 0:  # -0.0 is not 0.0 here
        found = _RANGES.get((low, high))
        if found is None:
            if len(_RANGES) >= _RANGES_SIZE:
                _RANGES.clear()
            found = _RANGES[(low, high)] = Range(low, high)
        return found
    return tables.bounded_range(cells.number(low, low_name, default=default.low),
                                cells.number(high, high_name, default=default.high),
                                low_name, high_name)


def share(value: object, name: str, default: float) -> float:
    return cells.number(value, name, default=default, bound=limits.SHARE)


def span(span_low: object, span_high: object) -> Range:
    return range_of(span_low, span_high, A.SPAN_OF_CONTROL, "span_low", "span_high")


def omitted(value: object) -> bool:
    """A range argument left out, or pointing at blank cells only."""
    return all(cells.is_blank(cell) for row in cells.rows_of(value) for cell in row)
