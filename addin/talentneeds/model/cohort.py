"""How many of each archetype a training cohort should hold (claim 9).

Weighted by *heads*, seats follow the number of people needed. Weighted by *value*,
an Amplifier counts for its leverage (2.5-5 employees), because one manager creates
bandwidth for 5-10 Iterator hires; Iterators and Connectors count 1 each (assumption).
Seats are whole and add up to the cohort size, shared by the **Sainte-Laguë / Webster**
divisor method: every archetype's weight is divided by a common divisor and rounded to
the nearest whole number (a half rounds up), the divisor chosen so that the seats add
up. Equivalently, seats go one at a time to the archetype with the highest
``weight / (2 x seats so far + 1)``. Why this method:

* it is *house-monotone*, as every divisor method is: a bigger cohort never gives an
  archetype fewer seats. Largest remainder is not (the Alabama paradox: with weights
  3.9, 25.5, 6.5 it gave Amplifiers 2 seats of 13 and 1 of 14);
* of the divisor methods it is the one without a bias towards large or small
  archetypes (Jefferson/D'Hondt favours the large, Adams the small);
* Huntington-Hill would give every archetype with a need at least one seat, which a
  cohort smaller than the number of such archetypes cannot do.

Weights are taken as the decimals they are written as (3.9 is 39/10, not the nearest
binary double), so a tie the user can see is a tie: it goes to the earlier archetype
(Amplifier, then Iterator, then Connector), the same way in every cohort size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from talentneeds.errors import ImpossiblePlan, InvalidInput, shown
from talentneeds.model.archetypes import ARCHETYPES, Archetype
from talentneeds.model.limits import COHORT, EXCEL_MAX_NUMBER, as_float
from talentneeds.model.needs import finite, manager_leverage, require_count

WEIGHTINGS = ("heads", "value")


@dataclass(frozen=True)
class CohortSeat:
    archetype: Archetype
    weight: float
    share: float
    seats: int


def check_cohort_size(cohort_size: float) -> int:
    if isinstance(cohort_size, bool) or not isinstance(cohort_size, (int, float)) \
            or not math.isfinite(as_float(cohort_size)) or cohort_size != int(cohort_size) \
            or not COHORT.low <= cohort_size <= COHORT.high:
        raise COHORT.refusal("cohort_size", cohort_size)
    return int(cohort_size)


def value_weights(heads: Mapping[Archetype, float], leverage: float) -> dict[Archetype, float]:
    """Weights by value: Amplifier heads x leverage; Iterators and Connectors x 1."""
    leverage = require_count(leverage, "leverage")
    amplifiers = require_count(heads.get(Archetype.AMPLIFIER, 0.0), "amplifiers")
    weighted = finite(amplifiers * leverage, f"amplifiers x the leverage ({amplifiers:g} x {leverage:g})")
    return {a: weighted if a is Archetype.AMPLIFIER else heads.get(a, 0.0) for a in ARCHETYPES}


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
            and math.isfinite(as_float(weighting)) and weighting >= 0:
        return value_weights(heads, weighting)
    raise InvalidInput(f'weighting must be "heads", "value" or a leverage number >= 0, got {shown(weighting)}')


def webster(total: int, weights: list[float]) -> list[int]:
    """Whole seats proportional to ``weights`` that add up to ``total`` (Sainte-Laguë).

    The same seats as handing them out one at a time to the highest
    ``weight / (2 x seats + 1)`` (ties to the earlier entry), in time that does not grow
    with ``total``: round every quota ``total x weight / sum`` half up (a divisor
    method's allocation for some divisor), then add or take back the few seats that
    rounding left over, in exactly the order of the one-at-a-time sequence.
    """
    exact = [Fraction(repr(float(w))) for w in weights]  # the decimal the user wrote
    weight_sum = sum(exact)
    if total == 0 or weight_sum == 0:
        return [0] * len(exact)
    seats = [math.floor(total * w / weight_sum + Fraction(1, 2)) if w else 0 for w in exact]
    while sum(seats) < total:  # the next seat in the sequence: highest priority, earliest entry
        best = max(range(len(exact)), key=lambda i: (exact[i] / (2 * seats[i] + 1), -i))
        seats[best] += 1
    while sum(seats) > total:  # the last seat given: lowest priority, latest entry
        last = min((i for i in range(len(exact)) if seats[i]), key=lambda i: (exact[i] / (2 * seats[i] - 1), -i))
        seats[last] -= 1
    return seats


def cohort_mix(cohort_size: float, weights: Mapping[Archetype, float]) -> list[CohortSeat]:
    """Seats per archetype in a cohort of ``cohort_size``, shared in proportion to ``weights``."""
    size = check_cohort_size(cohort_size)
    values = [require_count(weights.get(a, 0.0), a.value.lower() + "s") for a in ARCHETYPES]
    total = sum(values)
    if not math.isfinite(total):
        raise ImpossiblePlan(f"the weights add up to more than {EXCEL_MAX_NUMBER:.17g}, the largest number "
                             "Excel has; use smaller numbers")
    if total == 0:
        raise ImpossiblePlan("amplifiers, iterators and connectors are all 0, so there is "
                             "nothing to share the cohort between; give at least one a need > 0")
    seats = webster(size, values)
    return [CohortSeat(a, w, w / total, s) for a, w, s in zip(ARCHETYPES, values, seats)]
