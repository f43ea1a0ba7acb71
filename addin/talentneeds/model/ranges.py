"""Ranges of the source's figures and the ``point`` that picks a value from one.

Every figure in the source is a range ("1-2 Amplifiers", "5-10 Iterators"). A *point*
chooses where in the range to plan: ``"low"``, ``"mid"`` or ``"high"``, or a number
p in [0, 1] meaning ``low + p * (high - low)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from talentneeds.errors import InvalidInput, shown
from talentneeds.model.limits import as_float

POINT_NAMES = {"low": 0.0, "mid": 0.5, "high": 1.0}
DEFAULT_POINT = "mid"
POINT_HELP = '"low", "mid", "high" or a number from 0 to 1'


def point_fraction(point: str | float | None = DEFAULT_POINT) -> float:
    """The fraction of the way from low to high that ``point`` names."""
    if point is None:
        point = DEFAULT_POINT
    if isinstance(point, str):
        key = point.strip().lower()
        if key in POINT_NAMES:
            return POINT_NAMES[key]
        raise InvalidInput(f"point must be {POINT_HELP}, got {shown(point)}")
    if isinstance(point, bool) or not isinstance(point, (int, float)):
        raise InvalidInput(f"point must be {POINT_HELP}, got {shown(point)}")
    if not (0.0 <= point <= 1.0):  # also rejects NaN
        raise InvalidInput(f"point must be {POINT_HELP}, got {shown(point)}")
    return float(point)


@dataclass(frozen=True)
class Range:
    """A closed range ``low..high`` of non-negative finite numbers, low <= high."""

    low: float
    high: float

    def __post_init__(self) -> None:
        for bound in (self.low, self.high):
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise InvalidInput(f"range bounds must be numbers, got {shown(bound)}")
            if not math.isfinite(as_float(bound)) or bound < 0:
                raise InvalidInput(f"range bounds must be finite numbers >= 0, got {shown(bound)}")
        if self.low > self.high:
            raise InvalidInput(f"low ({self.low:g}) must be <= high ({self.high:g})")

    def at(self, point: str | float | None = DEFAULT_POINT) -> float:
        """The value ``point`` picks from this range."""
        fraction = point_fraction(point)
        return self.low + fraction * (self.high - self.low)
