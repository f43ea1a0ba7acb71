"""Arguments that several Excel functions share: the point in a range, a low-high range,
a share, the span of control, a range left out -- converted from cells, with their
Function Wizard texts.

No cache and no fast path: one recalculation of the template calls our functions 114
times, and replaying those calls with the former ``_point`` fast path and ``_RANGES``
cache measured no faster than without them (93 ms against 87 ms, medians of 15, noise).
"""

from __future__ import annotations

from talentneeds.excel import cells, tables
from talentneeds.model import assumptions as A
from talentneeds.model import limits
from talentneeds.model.ranges import Range, point_fraction

POINT_DOC = 'Where in each range to plan: "low", "mid" (default), "high", or a number from 0 to 1.'
SPAN_LOW_DOC = "Span of control at the low end: Iterators per Amplifier (default 5, from the source)."
SPAN_HIGH_DOC = "Span of control at the high end (default 10, from the source)."


def point(value: object) -> str | float:
    """``"low"``, ``"mid"``, ``"high"`` or a number from 0 to 1; blank: ``"mid"``."""
    given = cells.text_or_number(value, "point")
    if given is None:
        return "mid"
    point_fraction(given)  # raises with a message that names point
    return given


def range_of(low: object, high: object, default: Range, low_name: str, high_name: str) -> Range:
    """A range from its low and high cells; both blank: ``default``."""
    if low is None and high is None:
        return default
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
