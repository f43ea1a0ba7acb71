"""What a plan costs (an assumption beyond the source, which gives no costs).

Per quarter: the people in post at the end of the quarter at a quarter of their loaded
annual cost (salary, benefits, overheads), plus a one-off cost for every external hire
who joined that quarter (recruiting fees, relocation, onboarding). A promoted Iterator is
an Amplifier from the quarter of the promotion, at the Amplifier's cost, and is no hire.
Costs are the user's own figures: there is no default annual cost.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from talentneeds.errors import ImpossiblePlan, InvalidInput, shown
from talentneeds.model.archetypes import ARCHETYPES, Archetype, parse_archetype


@dataclass(frozen=True)
class QuarterCost:
    quarter: object          # the plan's Quarter label
    people: float            # heads at the end of the quarter x annual cost / 4
    hiring: float            # external hires who joined x one-off cost per hire

    @property
    def total(self) -> float:
        return self.people + self.hiring


def check_costs(value: object, name: str) -> dict[Archetype, float]:
    """One cost (>= 0) for every archetype, or one per archetype."""
    given = dict.fromkeys(ARCHETYPES, value) if not isinstance(value, Mapping) else {
        parse_archetype(key): item for key, item in value.items()}
    checked = {}
    for archetype in ARCHETYPES:
        cost = given.get(archetype)
        if not isinstance(cost, numbers.Real) or isinstance(cost, bool) or not math.isfinite(float(cost)) \
                or cost < 0:
            where = name if not isinstance(value, Mapping) else f"{name} for {archetype.value}"
            raise InvalidInput(f"{where} must be a number >= 0, got {shown(cost)}")
        checked[archetype] = float(cost)
    return checked


def plan_cost(quarters: Sequence, heads: Mapping[Archetype, Sequence[int]],
              hires: Mapping[Archetype, Sequence[int]], annual_cost: object,
              hire_cost: object = 0.0) -> list[QuarterCost]:
    """The cost of each quarter of a plan: ``heads`` and ``hires`` per archetype and quarter
    (a HIRING_PLAN's Amplifiers ... and Hires Amplifiers ... columns)."""
    annual = check_costs(annual_cost, "annual_cost")
    one_off = check_costs(hire_cost, "hire_cost")
    result = []
    for t, quarter in enumerate(quarters):
        people = sum(heads[a][t] * annual[a] for a in ARCHETYPES) / 4
        hiring = sum(hires[a][t] * one_off[a] for a in ARCHETYPES)
        if not math.isfinite(people + hiring):
            raise ImpossiblePlan(f"the cost of quarter {shown(quarter)} is more than the largest number "
                                 "Excel has; use smaller costs")
        result.append(QuarterCost(quarter, people, hiring))
    return result
