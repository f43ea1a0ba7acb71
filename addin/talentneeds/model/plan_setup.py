"""The plan's inputs: its assumptions, the checks of every option, and :class:`PlanSetup`,
everything the quarter loop of :mod:`talentneeds.model.plan` needs, worked out once.

Split from ``plan.py`` (what a plan is given, and what it does with it); the rules of
the plan are described there.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from talentneeds.errors import InvalidInput, shown
from talentneeds.model import assumptions as A
from talentneeds.model.archetypes import ARCHETYPES, Archetype, parse_archetype
from talentneeds.model.calendar import check_horizon
from talentneeds.model import limits
from talentneeds.model.limits import MAX_QUARTERS, Bound, as_float, is_number
from talentneeds.model.needs import check_share
from talentneeds.model.pipeline import (
    Person,
    add_months,
    check_tenure,
    is_candidate,
    tenure_threshold,
)
from talentneeds.model.ranges import Range

AMP, ITR, CON = Archetype.AMPLIFIER, Archetype.ITERATOR, Archetype.CONNECTOR
PLURAL = {AMP: "Amplifiers", ITR: "Iterators", CON: "Connectors"}

# ---------------------------------------------------------------------------------------
# Assumptions of the plan. None of these is in the seed; all are editable defaults.

# Share of each archetype leaving in a year (typical tech-industry voluntary attrition;
# managers and research leads assumed to stay a little longer than individual contributors).
ANNUAL_ATTRITION = {AMP: 0.10, ITR: 0.15, CON: 0.10}
# Quarters from asking for a hire to the person starting, per archetype (a quarter is about
# three months of search, interviews and notice period). Managers take longer: the source
# says filling the manager role "has been challenging" (claim 11), so Amplifiers are assumed
# to take two quarters; research leads (Connectors) are as scarce, so two as well.
TIME_TO_HIRE = {AMP: 2, ITR: 1, CON: 2}
# One number for every archetype, where a single input stands for all three (the template's
# Time to hire until it has one per archetype): the Iterators' time.
TIME_TO_HIRE_QUARTERS = TIME_TO_HIRE[ITR]
# Quarters a new team takes to grow to its full size (1: full size in its first quarter).
RAMP_QUARTERS = 2
# Share of new Iterator hires with the soft skills to manage, when no roster tells us the
# org's own share (with a roster, the default is the share among its Iterators).
NEW_HIRE_SOFT_SKILLS_SHARE = 0.5
# Restructuring (claim 8) is off by default: no widening of the candidate pool, and each
# research lead (Connector) serves one team.
CANDIDATE_POOL_FACTOR = 1.0
CONNECTORS_SHARED_BY = 1.0

# ---------------------------------------------------------------------------------------
# Limits (they keep every count exact in int64 arithmetic): stated in model/limits.py.

# Float sums of shares land a hair below a whole number (0.1 * 3 = 0.30000000000000004,
# 0.7 * 10 = 7.000000000000001, but 0.29 * 100 = 28.999999999999996); whole heads are
# counted after adding this tolerance.
WHOLE_TOLERANCE = 1e-9


# ----------------------------------------------------------------------------- checking

def check_whole(value: object, name: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (an int, or a float with nothing after the point)."""
    if not is_number(value) or not math.isfinite(as_float(value)) or value != int(value) \
            or not low <= value <= high:
        raise Bound(low, high, whole=True).refusal(name, value)
    return int(value)


def check_number(value: object, name: str, low: float, high: float) -> float:
    if not is_number(value) or not math.isfinite(as_float(value)) or not low <= value <= high:
        raise Bound(low, high).refusal(name, value)
    return float(value)


def check_bound(value: object, name: str, bound: Bound) -> float | int:
    """A number within ``bound`` (see :mod:`talentneeds.model.limits`)."""
    if bound.whole:
        return check_whole(value, name, bound.low, bound.high)
    return check_number(value, name, bound.low, bound.high)


def check_flag(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidInput(f"{name} must be TRUE or FALSE, got {shown(value)}")
    return bool(value)


def check_schedule(schedule: object) -> np.ndarray:
    """New teams per quarter: a sequence of 1 to MAX_QUARTERS whole numbers >= 0."""
    if isinstance(schedule, (str, bytes, Mapping)) or not isinstance(schedule, (Sequence, np.ndarray, range)):
        raise InvalidInput(f"schedule must be a list of new teams per quarter, got {shown(schedule)}")
    if not 1 <= len(schedule) <= MAX_QUARTERS:
        raise InvalidInput(f"schedule must list new teams for 1 to {MAX_QUARTERS} quarters, "
                           f"got {len(schedule)} quarters")
    return np.array([check_bound(teams, f"schedule quarter {quarter}", limits.TEAMS_PER_QUARTER)
                     for quarter, teams in enumerate(schedule, start=1)], dtype=np.int64)


def check_labels(labels: object, quarters: int) -> list:
    """Quarter labels: one per quarter, each a text, a whole number or a date, no two alike."""
    if isinstance(labels, (str, bytes, Mapping)) or not isinstance(labels, (Sequence, np.ndarray)):
        raise InvalidInput(f"labels must be a list of quarter labels, got {shown(labels)}")
    if len(labels) != quarters:
        raise InvalidInput(f"labels must give one label for each of the {quarters} quarters, got {len(labels)}")
    seen = set()
    for position, label in enumerate(labels, start=1):
        text = isinstance(label, str) and label.strip()
        if not (text or isinstance(label, dt.date) or (is_number(label) and math.isfinite(as_float(label))
                                                      and label == int(label) and label >= 1)):
            raise InvalidInput(f"the label of quarter {position} must be a text such as \"Q1 2027\", a whole "
                               f"number >= 1 or a date, got {shown(label)}")
        if label in seen:
            raise InvalidInput(f"quarter labels must differ; {shown(label)} labels two quarters")
        seen.add(label)
    return list(labels)


def horizon_schedule(schedule: object, quarters: object = None, labels: object = None) -> np.ndarray:
    """The schedule over a horizon of ``quarters`` (None: the schedule's own length), the
    quarters after it with no new teams. A labelled schedule is its own horizon."""
    schedule = check_schedule(schedule)
    if quarters is None:
        return schedule
    quarters = check_horizon(quarters)
    if labels is not None and quarters != len(schedule):
        raise InvalidInput(f"quarters must be left out with a labelled schedule (it has {len(schedule)} "
                           f"quarters, each with its label), got {shown(quarters)}")
    if quarters < len(schedule):
        raise InvalidInput(f"quarters must be at least the schedule's {len(schedule)} quarters, "
                           f"got {shown(quarters)}")
    return np.concatenate([schedule, np.zeros(quarters - len(schedule), dtype=np.int64)])


def _by_archetype(value: object, name: str) -> dict[Archetype, object]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{name} must map Amplifier, Iterator and Connector to values, got {shown(value)}")
    return {parse_archetype(key): item for key, item in value.items()}


def check_per_team(per_team: object) -> dict[Archetype, Range]:
    given = _by_archetype(per_team, "per_team")
    for archetype in ARCHETYPES:
        if not isinstance(given.get(archetype), Range):
            raise InvalidInput(f"per_team must give a Range for {archetype.value}, "
                               f"got {shown(given.get(archetype))}")
    return {archetype: given[archetype] for archetype in ARCHETYPES}


def check_attrition(attrition: object) -> dict[Archetype, float]:
    """Annual attrition: one share for every archetype, or a share per archetype."""
    if is_number(attrition):
        share = check_share(attrition, "attrition")
        return {archetype: share for archetype in ARCHETYPES}
    given = _by_archetype(attrition, "attrition")
    missing = [a.value for a in ARCHETYPES if a not in given]
    if missing:
        raise InvalidInput(f"attrition must give an annual share for Amplifier, Iterator and Connector; "
                           f"missing {', '.join(missing)}")
    return {a: check_share(given[a], f"attrition for {a.value}") for a in ARCHETYPES}


def check_time_to_hire(time_to_hire: object) -> dict[Archetype, int]:
    """Quarters to hire: one whole number for every archetype, or one per archetype."""
    if not isinstance(time_to_hire, Mapping):
        quarters = check_bound(time_to_hire, "time_to_hire", limits.QUARTERS_TO_HIRE)
        return dict.fromkeys(ARCHETYPES, quarters)
    given = _by_archetype(time_to_hire, "time_to_hire")
    missing = [a.value for a in ARCHETYPES if a not in given]
    if missing:
        raise InvalidInput(f"time_to_hire must give quarters for Amplifier, Iterator and Connector; "
                           f"missing {', '.join(missing)}")
    return {a: check_bound(given[a], f"time_to_hire for {a.value}", limits.QUARTERS_TO_HIRE) for a in ARCHETYPES}


def quarterly_rate(annual: float) -> float:
    """The share leaving in a quarter such that four quarters in a row lose ``annual``."""
    return 1.0 - (1.0 - annual) ** 0.25


def quarters_to_candidate(min_tenure_years: float) -> int:
    """Whole quarters after joining before tenure is *more* than the minimum."""
    return math.floor(min_tenure_years * 4 + WHOLE_TOLERANCE) + 1


def quarter_starts(as_of: dt.date, quarters: int) -> list[dt.date]:
    """The first day of each quarter; quarter 1 starts on ``as_of``, and the last must
    start by 9999-12-31, the last day Excel (and Python) has."""
    months_ahead = 3 * (quarters - 1)
    if (as_of.year * 12 + as_of.month - 1) + months_ahead > 9999 * 12 + 11:
        raise InvalidInput(f"as_of must leave room for the plan's {quarters} quarters before 9999-12-31 "
                           f"(the last date Excel has), got {shown(as_of)}; give an earlier as_of")
    return [add_months(as_of, 3 * q) for q in range(quarters)]


# -------------------------------------------------------------------------------- setup

@dataclass(frozen=True)
class PlanSetup:
    """Every input of a plan, checked, in the form the quarter loop uses."""

    schedule: np.ndarray                     # new teams starting in each quarter
    per_team: dict[Archetype, Range]
    span: Range
    time_to_hire: dict[Archetype, int]       # quarters from request to arrival, per archetype
    ramp_quarters: int
    quarterly_attrition: dict[Archetype, float]
    promote: bool
    take_up: float
    candidate_pool_factor: float
    connectors_shared_by: float
    new_hire_soft_skills_share: float        # 1 when soft skills are not required
    quarters_to_candidate: int
    starting_heads: dict[Archetype, int]     # heads in post at the start of quarter 1
    starting_candidates: np.ndarray          # starting Iterators first eligible in each quarter
    # Roster people who start later (a start date after quarter 1 began): how many join in
    # each quarter, and [joining quarter, first quarter as a candidate] for Iterators.
    roster_joins: dict[Archetype, np.ndarray] | None = None
    joining_candidates: np.ndarray | None = None

    @property
    def quarters(self) -> int:
        return len(self.schedule)

    def joins(self, archetype: Archetype) -> np.ndarray:
        """Roster people of ``archetype`` who join in each quarter (zeros without a roster)."""
        if self.roster_joins is None:
            return np.zeros(self.quarters, dtype=np.int64)
        return self.roster_joins[archetype]

    def org_heads(self, archetype: Archetype) -> int:
        """The roster's seats of ``archetype`` within the plan: in post now or joining later."""
        return self.starting_heads[archetype] + int(self.joins(archetype).sum())


@dataclass(frozen=True)
class _RosterStart:
    heads: dict[Archetype, int]              # in post when quarter 1 starts
    candidates: np.ndarray                   # of them, first a candidate in each quarter
    joins: dict[Archetype, np.ndarray]       # starting later: joining in each quarter
    joining_candidates: np.ndarray           # [joining quarter, first quarter as a candidate]
    soft_skills_share: float | None


def _roster_start(roster: object, as_of: object, quarters: int, min_tenure_years: float,
                  soft_skills_required: bool) -> _RosterStart:
    """Who is in post when quarter 1 starts, who joins later and when, the quarter each
    roster Iterator first becomes a candidate, and the roster's share of Iterators with
    soft skills (None when it says nothing about them).

    A person joins at the start of the quarter their start date falls in, as plan hires
    do: anyone starting before quarter 2 is in post from quarter 1, a start date in
    quarter 3 joins in quarter 3, and someone who starts after the plan's last quarter
    is not in the plan."""
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if not isinstance(as_of, dt.date):
        raise InvalidInput(f"as_of must be a date (the first day of quarter 1) when a roster is given, "
                           f"got {shown(as_of)}")
    if isinstance(roster, (str, bytes, Mapping)) or not isinstance(roster, Iterable):
        raise InvalidInput(f"roster must be a list of people, got {shown(roster)}")
    starts = quarter_starts(as_of, quarters)
    heads = dict.fromkeys(ARCHETYPES, 0)
    candidates = np.zeros(quarters, dtype=np.int64)
    joins = {a: np.zeros(quarters, dtype=np.int64) for a in ARCHETYPES}
    joining_candidates = np.zeros((quarters, quarters), dtype=np.int64)
    with_soft_skills = known_soft_skills = 0
    for person in roster:
        if not isinstance(person, Person):
            raise InvalidInput(f"roster must hold Person rows, got {shown(person)}")
        joining = bisect.bisect_right(starts, person.start_date) - 1  # -1: before quarter 1
        if joining >= quarters - 1 and person.start_date >= _plan_end(starts):
            continue  # starts after the plan
        if joining >= 1:
            joins[person.archetype][joining] += 1
        else:
            heads[person.archetype] += 1
        if person.archetype is not ITR:
            continue
        if person.soft_skills is not None:
            known_soft_skills += 1
            with_soft_skills += person.soft_skills
        # is_candidate on the last quarter's first day raises for a missing soft-skills
        # value and tells whether this person ever becomes a candidate within the plan.
        if is_candidate(person, starts[-1], min_tenure_years, soft_skills_required):
            first = bisect.bisect_right(starts, tenure_threshold(person.start_date, min_tenure_years))
            if joining >= 1:
                joining_candidates[joining, first] += 1
            else:
                candidates[first] += 1
    share = with_soft_skills / known_soft_skills if known_soft_skills else None
    return _RosterStart(heads, candidates, joins, joining_candidates, share)


def _plan_end(starts: list[dt.date]) -> dt.date:
    """The day after the plan's last quarter (9999-12-31 at the latest)."""
    try:
        return add_months(starts[-1], 3)
    except ValueError:
        return dt.date.max


def plan_setup(schedule: Sequence[int], *,
               per_team: Mapping[Archetype, Range] = A.PER_TEAM,
               span: Range = A.SPAN_OF_CONTROL,
               time_to_hire: int | Mapping[Archetype, int] = TIME_TO_HIRE,
               attrition: float | Mapping[Archetype, float] = ANNUAL_ATTRITION,
               ramp_quarters: int = RAMP_QUARTERS,
               roster: Iterable[Person] | None = None,
               as_of: dt.date | None = None,
               starting_heads: Mapping[Archetype, int] | None = None,
               starting_candidates: int | None = None,
               min_tenure_years: float = A.MIN_TENURE_YEARS,
               soft_skills_required: bool = A.SOFT_SKILLS_REQUIRED,
               take_up: float = A.TAKE_UP,
               promote: bool = True,
               new_hire_soft_skills_share: float | None = None,
               candidate_pool_factor: float = CANDIDATE_POOL_FACTOR,
               connectors_shared_by: float = CONNECTORS_SHARED_BY) -> PlanSetup:
    """Check every input of a plan and put it in the form the quarter loop uses.

    The starting org is either a ``roster`` (people with start dates, measured on
    ``as_of``, the first day of quarter 1) or plain ``starting_heads`` per archetype
    (none given: the org starts empty). With plain heads nobody's tenure is known:
    ``starting_candidates`` Iterators are candidates from quarter 1, and the rest never
    become candidates in the plan. Left out, it assumes an established org: every
    starting Iterator is past the minimum tenure, and the soft-skills share of them
    (rounded down) are candidates.
    """
    schedule = check_schedule(schedule)
    quarters = len(schedule)
    if not isinstance(span, Range):
        raise InvalidInput(f"span must be a Range of Iterators per Amplifier, got {shown(span)}")
    min_tenure_years = check_tenure(min_tenure_years)
    soft_skills_required = check_flag(soft_skills_required, "soft_skills_required")
    promote = check_flag(promote, "promote")
    if new_hire_soft_skills_share is not None:
        new_hire_soft_skills_share = check_share(new_hire_soft_skills_share, "new_hire_soft_skills_share")

    if roster is not None and starting_heads is not None:
        raise InvalidInput("give the starting org as a roster or as starting_heads, not both")
    roster_share = None
    joins = joining_candidates = None
    if roster is not None:
        if starting_candidates is not None:
            raise InvalidInput("starting_candidates is for starting_heads; with a roster, "
                               "candidates are found from start dates and soft skills")
        start = _roster_start(roster, as_of, quarters, min_tenure_years, soft_skills_required)
        heads, candidates, roster_share = start.heads, start.candidates, start.soft_skills_share
        joins, joining_candidates = start.joins, start.joining_candidates
    else:
        given = _by_archetype(starting_heads if starting_heads is not None else {}, "starting_heads")
        heads = {a: check_bound(given.get(a, 0), f"starting_heads for {a.value}", limits.HEADS)
                 for a in ARCHETYPES}
        candidates = np.zeros(quarters, dtype=np.int64)
        if starting_candidates is None:
            share = 1.0 if not soft_skills_required else (
                new_hire_soft_skills_share if new_hire_soft_skills_share is not None
                else NEW_HIRE_SOFT_SKILLS_SHARE)
            candidates[0] = math.floor(heads[ITR] * share + WHOLE_TOLERANCE)
        else:
            candidates[0] = check_whole(starting_candidates, "starting_candidates", 0, heads[ITR])

    if not soft_skills_required:
        soft_share = 1.0
    elif new_hire_soft_skills_share is not None:
        soft_share = new_hire_soft_skills_share
    elif roster_share is not None:
        soft_share = roster_share
    else:
        soft_share = NEW_HIRE_SOFT_SKILLS_SHARE

    return PlanSetup(
        schedule=schedule,
        per_team=check_per_team(per_team),
        span=span,
        time_to_hire=check_time_to_hire(time_to_hire),
        ramp_quarters=check_bound(ramp_quarters, "ramp_quarters", limits.RAMP_QUARTERS),
        quarterly_attrition={a: quarterly_rate(s) for a, s in check_attrition(attrition).items()},
        promote=promote,
        take_up=check_share(take_up, "take_up"),
        candidate_pool_factor=check_bound(candidate_pool_factor, "candidate_pool_factor",
                                          limits.CANDIDATE_POOL_FACTOR),
        connectors_shared_by=check_bound(connectors_shared_by, "connectors_shared_by", limits.CONNECTORS_SHARED_BY),
        new_hire_soft_skills_share=soft_share,
        quarters_to_candidate=quarters_to_candidate(min_tenure_years),
        starting_heads=heads,
        starting_candidates=candidates,
        roster_joins=joins,
        joining_candidates=joining_candidates,
    )
