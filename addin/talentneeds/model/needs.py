"""What new teams need (claim 1) and what managers can support (claims 2-4, 7)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from talentneeds.errors import ImpossiblePlan, InvalidInput, shown
from talentneeds.model import assumptions as A
from talentneeds.model.archetypes import ARCHETYPES, Archetype
from talentneeds.model.limits import EXCEL_MAX_NUMBER, SHARE, as_float
from talentneeds.model.ranges import DEFAULT_POINT, Range

POINT_COLUMNS = {"Low": "low", "Mid": "mid", "High": "high"}


def require_count(value: float, name: str) -> float:
    """A finite number >= 0 (FTE, heads or teams)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"{name} must be a number >= 0, got {shown(value)}")
    if not math.isfinite(as_float(value)) or value < 0:
        raise InvalidInput(f"{name} must be a finite number >= 0, got {shown(value)}")
    return float(value)


def check_share(value: float, name: str) -> float:
    """A share: a number from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not SHARE.low <= value <= SHARE.high:
        raise SHARE.refusal(name, value)
    return float(value)


def finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ImpossiblePlan(f"{what} is more than {EXCEL_MAX_NUMBER:.17g}, the largest number Excel has; "
                             "use smaller inputs")
    return value


def needed(teams: float, per_team: Range, point: str | float | None = DEFAULT_POINT) -> float:
    """FTE of one archetype that ``teams`` new teams need: teams x per-team need at point."""
    teams = require_count(teams, "teams")
    return finite(teams * per_team.at(point), "teams x the need per team")


def amplifiers_needed(teams: float, point=DEFAULT_POINT, per_team: Range = A.AMPLIFIERS_PER_TEAM) -> float:
    return needed(teams, per_team, point)


def iterators_needed(teams: float, point=DEFAULT_POINT, per_team: Range = A.ITERATORS_PER_TEAM) -> float:
    return needed(teams, per_team, point)


def connectors_needed(teams: float, point=DEFAULT_POINT, per_team: Range = A.CONNECTORS_PER_TEAM) -> float:
    return needed(teams, per_team, point)


def team_needs(teams: float, per_team: Mapping[Archetype, Range] = A.PER_TEAM) -> pd.DataFrame:
    """Needs of every archetype at the low, mid and high points (FTE).

    Rows are the archetypes in the source's order; columns Low, Mid, High.
    """
    rows = {
        archetype.value: [needed(teams, per_team[archetype], point) for point in POINT_COLUMNS.values()]
        for archetype in ARCHETYPES
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(POINT_COLUMNS))
    frame.index.name = "Archetype"
    return frame


def iterator_capacity(amplifiers: float, point=DEFAULT_POINT, span: Range = A.SPAN_OF_CONTROL) -> float:
    """Iterators that ``amplifiers`` managers can support: amplifiers x span of control."""
    amplifiers = require_count(amplifiers, "amplifiers")
    return finite(amplifiers * span.at(point), "amplifiers x the span of control (the Iterator capacity)")


def iterator_headroom(amplifiers: float, iterators: float, point=DEFAULT_POINT,
                      span: Range = A.SPAN_OF_CONTROL) -> float:
    """Iterators still hireable before managers bind; negative when already over capacity."""
    iterators = require_count(iterators, "iterators")
    return finite(iterator_capacity(amplifiers, point, span) - iterators, "amplifiers x the span of control - iterators (the Iterator headroom)")


def amplifiers_for(iterators: float, point=DEFAULT_POINT, span: Range = A.SPAN_OF_CONTROL) -> float:
    """Amplifiers (FTE) needed to manage ``iterators``: iterators / span of control.

    ``point`` picks the span: "low" is the narrow span, so it needs the most Amplifiers.
    """
    iterators = require_count(iterators, "iterators")
    chosen_span = span.at(point)
    if chosen_span == 0:
        if iterators == 0:
            return 0.0
        raise ImpossiblePlan("a span of control of 0 cannot manage any Iterators; "
                             "span must be > 0")
    return finite(iterators / chosen_span, "iterators / the span of control (the Amplifiers needed)")


def manager_leverage(point=DEFAULT_POINT, output_share: float = A.OUTPUT_SHARE,
                     fill_rate: float = A.FILL_RATE,
                     counterfactual_share: float = A.COUNTERFACTUAL_SHARE,
                     span: Range = A.SPAN_OF_CONTROL) -> float:
    """What one manager is "worth" in employees: output share x span x fill rate x counterfactual share.

    With the source's figures (share 0.5, span 5-10, fill and counterfactual 1) it is 2.5-5.
    """
    for name, share in (("output_share", output_share), ("fill_rate", fill_rate),
                        ("counterfactual_share", counterfactual_share)):
        check_share(share, name)
    return finite(output_share * span.at(point) * fill_rate * counterfactual_share,
                  "the manager leverage")
