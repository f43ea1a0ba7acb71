"""Which archetype binds growth (claim 7): the teams each archetype can staff."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from talentneeds.errors import ImpossiblePlan
from talentneeds.model import assumptions as A
from talentneeds.model.limits import MAX_EXACT_WHOLE
from talentneeds.model.archetypes import ARCHETYPES, Archetype
from talentneeds.model.needs import require_count
from talentneeds.model.ranges import DEFAULT_POINT, Range

# Float division can land a hair below a whole number (0.3 / 0.1 = 2.9999...).
_WHOLE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Staffing:
    archetype: Archetype
    available: float
    per_team: float
    teams: int | None  # whole teams this archetype can staff; None when it needs nobody


@dataclass(frozen=True)
class Bottleneck:
    rows: tuple[Staffing, ...]
    binding: tuple[Archetype, ...]  # empty when no archetype limits the teams
    teams: int | None               # whole teams all archetypes together can staff

    @property
    def binding_label(self) -> str:
        return ", ".join(a.value for a in self.binding) or "none"


def whole_teams(available: float, per_team: float, name: str = "available") -> int | None:
    """Whole teams ``available`` heads staff at ``per_team`` each; None when a team needs
    none. More teams than a cell counts exactly (2^53) is an error naming ``name``."""
    if per_team == 0:
        return None
    teams = available / per_team
    if not teams <= MAX_EXACT_WHOLE:  # also infinity (1e308 / 0.5)
        raise ImpossiblePlan(f"{name} ({available:g}) / {per_team:g} per team is more than "
                             f"{MAX_EXACT_WHOLE:,} (2^53) whole teams, the most a cell counts exactly; "
                             "use smaller numbers")
    return math.floor(teams + _WHOLE_TOLERANCE)


def bottleneck(available: Mapping[Archetype, float], point=DEFAULT_POINT,
               per_team: Mapping[Archetype, Range] = A.PER_TEAM) -> Bottleneck:
    """Whole new teams each archetype's available heads can staff, and the one that binds."""
    rows = []
    for archetype in ARCHETYPES:
        heads = require_count(available.get(archetype, 0.0), archetype.value.lower() + "s")
        need = per_team[archetype].at(point)
        name = archetype.value.lower() + "s"
        rows.append(Staffing(archetype, heads, need, whole_teams(heads, need, name)))
    limited = [row for row in rows if row.teams is not None]
    if not limited:
        return Bottleneck(tuple(rows), (), None)
    fewest = min(row.teams for row in limited)
    binding = tuple(row.archetype for row in limited if row.teams == fewest)
    return Bottleneck(tuple(rows), binding, fewest)
