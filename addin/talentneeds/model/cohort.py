"""How many of each archetype a training cohort should hold (claim 9).

Weighted by *heads*, seats follow the number of people needed. Weighted by *value*,
an Amplifier counts for its leverage (2.5-5 employees), because one manager creates
bandwidth for 5-10 Iterator hires; Iterators and Connectors count 1 each (assumption).
Seats are whole and add up to the cohort size (largest-remainder method).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from talentneeds.errors import ImpossiblePlan, InvalidInput, shown
from talentneeds.model.archetypes import ARCHETYPES, Archetype
from talentneeds.model.needs import manager_leverage, require_count

MAX_COHORT = 1_000_000_000
WEIGHTINGS = ("heads", "value")


@dataclass(frozen=True)
class CohortSeat:
    archetype: Archetype
    weight: float
    share: float
    seats: int


def check_cohort_size(cohort_size: float) -> int:
    if isinstance(cohort_size, bool) or not isinstance(cohort_size, (int, float)) \
            or not math.isfinite(cohort_size) or cohort_size != int(cohort_size) \
            or not 0 <= cohort_size <= MAX_COHORT:
        raise InvalidInput(f"cohort_size must be a whole number from 0 to {MAX_COHORT:,}, "
                           f"got {shown(cohort_size)}")
    return int(cohort_size)


def value_weights(heads: Mapping[Archetype, float], leverage: float) -> dict[Archetype, float]:
    """Weights by value: Amplifier heads x leverage; Iterators and Connectors x 1."""
    leverage = require_count(leverage, "leverage")
    return {a: heads.get(a, 0.0) * (leverage if a is Archetype.AMPLIFIER else 1.0) for a in ARCHETYPES}


def weights(heads: Mapping[Archetype, float], weighting: str | float | None = "heads") -> dict[Archetype, float]:
    """Weights for a cohort: ``"heads"`` (default), ``"value"`` (mid leverage), or a leverage number."""
    if weighting is None:
        weighting = "heads"
    if isinstance(weighting, str):
        key = weighting.strip().lower()
        if key == "heads":
            return {a: heads.get(a, 0.0) for a in ARCHETYPES}
        if key == "value":
            return value_weights(heads, manager_leverage())
    elif isinstance(weighting, (int, float)) and not isinstance(weighting, bool) \
            and math.isfinite(weighting) and weighting >= 0:
        return value_weights(heads, weighting)
    raise InvalidInput(f'weighting must be "heads", "value" or a leverage number >= 0, got {shown(weighting)}')


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Whole seats proportional to ``weights`` that add up to ``total``.

    Exact arithmetic (fractions), so ties are real ties; they go to the earlier entry.
    """
    exact = [Fraction(w) for w in weights]
    weight_sum = sum(exact)
    quotas = [total * w / weight_sum for w in exact]
    seats = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - seats[i]), i))
    for i in by_remainder[: total - sum(seats)]:
        seats[i] += 1
    return seats


def cohort_mix(cohort_size: float, weights: Mapping[Archetype, float]) -> list[CohortSeat]:
    """Seats per archetype in a cohort of ``cohort_size``, shared in proportion to ``weights``."""
    size = check_cohort_size(cohort_size)
    values = [require_count(weights.get(a, 0.0), a.value.lower() + "s") for a in ARCHETYPES]
    total = sum(values)
    if not math.isfinite(total):
        raise ImpossiblePlan("the weights are too large to add up; use smaller numbers")
    if total == 0:
        raise ImpossiblePlan("amplifiers, iterators and connectors are all 0, so there is "
                             "nothing to share the cohort between; give at least one a need > 0")
    seats = largest_remainder(size, values)
    return [CohortSeat(a, w, w / total, s) for a, w, s in zip(ARCHETYPES, values, seats)]
