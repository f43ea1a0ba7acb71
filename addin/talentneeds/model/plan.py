"""A quarter-by-quarter hiring plan: a stock-and-flow (Markov manpower) model.

New teams start on a schedule; each grows to its full size (the per-team needs of
claim 1) over ``ramp_quarters``. The org fills the seats by promoting Iterators into
Amplifier seats (claims 5-6) and by hiring, while people leave, hires take time to
arrive, and Iterators can only join as fast as the managers can take them on (claim 7).
Restructuring (claim 8) widens the pool of internal candidates and shares research
leads across teams.

Everything is counted in **whole heads**, so that for every archetype and quarter

    heads at the end = heads at the start + hires - leavers + promoted in - promoted out

holds exactly. The rules, in the order they happen inside quarter t:

1. **Leavers.** Each archetype loses its quarterly attrition, 1 - (1 - annual) ** 0.25,
   of the heads it starts the quarter with. Heads are whole, so the leavers of a quarter
   are the expected leavers so far rounded down, less those of the quarters before
   (``floor(sum of expected) - floor(sum of expected before)``): over any run of
   quarters they are within one head of the expected number, and never more than the
   heads there are. Iterator leavers come out of the candidate pool, the people waiting
   to become candidates and everyone else in proportion to their size (see
   :func:`apportion`; a head rounded up comes from "everyone else").
2. **New candidates.** Iterators whose tenure now passes the minimum (*strictly* more, as
   in :func:`~talentneeds.model.pipeline.is_candidate`) and who have the soft skills (when
   required) become candidates; the take-up share of them accept (the rest never
   will), and ``candidate_pool_factor`` widens the pool: for every accepted candidate,
   ``factor - 1`` more Iterators who meet the lowered prerequisites join it, taken from
   the Iterators who are not candidates. Shares of heads are whole heads by the same
   cumulative rounding as leavers.
3. **Promotions.** The Amplifier seats still open (target - heads - hires on their way)
   are filled first from the candidate pool, which shrinks by every promotion.
4. **Requests.** Every seat still open, of every archetype, is a hire requested now.
   A promoted Iterator leaves an Iterator seat, so it is requested in the same quarter.
5. **Arrivals.** A hire requested in quarter t arrives in quarter t + ``time_to_hire`` of
   its archetype (0: the same quarter; by default Amplifiers and Connectors 2, Iterators 1). Amplifiers and Connectors join on arrival. Iterators join
   only while the managers have room: at most the **headroom**
   ``floor(Amplifiers x span) - Iterators`` counted after this quarter's promotions and
   Amplifier arrivals (never fewer than 0 join). The rest wait and join in the first
   quarter with room; a quarter in which some had to wait is **management-bound**.

Targets: the heads of an archetype in quarter t are the starting heads plus the new
teams' needs, ``ceil(per-team need x teams ramped in)``; a team that started k quarters
ago (k = 0 in its first quarter) counts ``min(1, (k + 1) / ramp_quarters)`` of a team.
Needs are rounded *up* because a seat that is 0.5 of a person still needs a person.
Connectors' per-team need is divided by ``connectors_shared_by`` before rounding.

Tenure in the plan counts whole quarters: a person is taken to have joined at the start
of the quarter they arrive in, and roster tenure is measured at the start of each
quarter (quarter 1 starts on ``as_of``). So with the seed's "> 1 year", an Iterator hired
in quarter t is first a candidate in quarter t + 5.

The quarter loop works on numpy arrays with one entry per *trial*, so the same code
runs the deterministic plan (one trial, every range at ``point``) and the Monte Carlo of
:mod:`talentneeds.model.uncertainty` (one trial per draw of the ranges).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from talentneeds.errors import ImpossiblePlan, InvalidInput, shown
from talentneeds.model import assumptions as A
from talentneeds.model.archetypes import ARCHETYPES, Archetype, parse_archetype
from talentneeds.model.calendar import check_horizon
from talentneeds.model.limits import (
    MAX_CANDIDATE_POOL_FACTOR,
    MAX_CONNECTORS_SHARED_BY,
    MAX_HEADS,
    MAX_QUARTERS,
    MAX_TEAMS_PER_QUARTER,
    as_float,
    is_number,
)
from talentneeds.model.needs import check_share
from talentneeds.model.pipeline import (
    Person,
    add_months,
    check_tenure,
    is_candidate,
    tenure_threshold,
)
from talentneeds.model.ranges import DEFAULT_POINT, Range

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
_WHOLE_TOLERANCE = 1e-9

PLAN_COLUMNS = (
    "Quarter", "Teams", "Amplifiers", "Iterators", "Connectors",
    "Hires Amplifiers", "Hires Iterators", "Hires Connectors",
    "Promotions", "Leavers", "Management capacity", "Iterator headroom", "Backlog",
    "Management-bound", "Target Amplifiers", "Target Iterators", "Target Connectors",
)


# ----------------------------------------------------------------------------- checking

def check_whole(value: object, name: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (an int, or a float with nothing after the point)."""
    if not is_number(value) or not math.isfinite(as_float(value)) or value != int(value) \
            or not low <= value <= high:
        raise InvalidInput(f"{name} must be a whole number from {low:,} to {high:,}, got {shown(value)}")
    return int(value)


def check_number(value: object, name: str, low: float, high: float) -> float:
    if not is_number(value) or not math.isfinite(as_float(value)) or not low <= value <= high:
        raise InvalidInput(f"{name} must be a number from {low:g} to {high:g}, got {shown(value)}")
    return float(value)


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
    return np.array([check_whole(teams, f"schedule quarter {quarter}", 0, MAX_TEAMS_PER_QUARTER)
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
        quarters = check_whole(time_to_hire, "time_to_hire", 0, MAX_QUARTERS)
        return dict.fromkeys(ARCHETYPES, quarters)
    given = _by_archetype(time_to_hire, "time_to_hire")
    missing = [a.value for a in ARCHETYPES if a not in given]
    if missing:
        raise InvalidInput(f"time_to_hire must give quarters for Amplifier, Iterator and Connector; "
                           f"missing {', '.join(missing)}")
    return {a: check_whole(given[a], f"time_to_hire for {a.value}", 0, MAX_QUARTERS) for a in ARCHETYPES}


def quarterly_rate(annual: float) -> float:
    """The share leaving in a quarter such that four quarters in a row lose ``annual``."""
    return 1.0 - (1.0 - annual) ** 0.25


def quarters_to_candidate(min_tenure_years: float) -> int:
    """Whole quarters after joining before tenure is *more* than the minimum."""
    return math.floor(min_tenure_years * 4 + _WHOLE_TOLERANCE) + 1


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
        heads = {a: check_whole(given.get(a, 0), f"starting_heads for {a.value}", 0, MAX_HEADS)
                 for a in ARCHETYPES}
        candidates = np.zeros(quarters, dtype=np.int64)
        if starting_candidates is None:
            share = 1.0 if not soft_skills_required else (
                new_hire_soft_skills_share if new_hire_soft_skills_share is not None
                else NEW_HIRE_SOFT_SKILLS_SHARE)
            candidates[0] = math.floor(heads[ITR] * share + _WHOLE_TOLERANCE)
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
        ramp_quarters=check_whole(ramp_quarters, "ramp_quarters", 1, MAX_QUARTERS),
        quarterly_attrition={a: quarterly_rate(s) for a, s in check_attrition(attrition).items()},
        promote=promote,
        take_up=check_share(take_up, "take_up"),
        candidate_pool_factor=check_number(candidate_pool_factor, "candidate_pool_factor",
                                           1, MAX_CANDIDATE_POOL_FACTOR),
        connectors_shared_by=check_number(connectors_shared_by, "connectors_shared_by",
                                          1, MAX_CONNECTORS_SHARED_BY),
        new_hire_soft_skills_share=soft_share,
        quarters_to_candidate=quarters_to_candidate(min_tenure_years),
        starting_heads=heads,
        starting_candidates=candidates,
        roster_joins=joins,
        joining_candidates=joining_candidates,
    )


# ------------------------------------------------------------------------ the quarter loop

def whole(values: np.ndarray) -> np.ndarray:
    """Whole heads in a non-negative float amount, rounded down (with float tolerance)."""
    return np.floor(values + _WHOLE_TOLERANCE).astype(np.int64)


def _take_cumulative(accumulated: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Whole heads of ``amount`` this quarter, such that the running total is the
    accumulated expected amount rounded down. Updates ``accumulated`` in place."""
    before = whole(accumulated)
    accumulated += amount
    return whole(accumulated) - before


def apportion(total: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Split ``total`` (per trial) across groups in proportion to ``sizes`` (trials x groups),
    in whole heads that add up to ``total``.

    Group g gets ``floor(total x S_g / S) - floor(total x S_(g-1) / S)`` where S_g is the
    size of groups 0..g: exact integer arithmetic, and no group gives more than it has
    as long as ``total`` is at most the sum of the sizes.
    """
    cumulative = np.cumsum(sizes, axis=1)
    overall = np.maximum(cumulative[:, -1:], 1)
    edges = total[:, None] * cumulative // overall
    return np.diff(edges, axis=1, prepend=0)


def ramp_matrix(quarters: int, ramp_quarters: int) -> np.ndarray:
    """share[s, t]: the fraction of its full size a team started in quarter s has in quarter t."""
    age = np.arange(quarters)[None, :] - np.arange(quarters)[:, None]
    return np.where(age >= 0, np.minimum(1.0, (age + 1) / ramp_quarters), 0.0)


def targets(setup: PlanSetup, full_size_needs: Mapping[Archetype, np.ndarray]) -> dict[Archetype, np.ndarray]:
    """Target heads per archetype and quarter (trials x quarters): starting heads plus the
    ramped needs of the new teams, rounded up."""
    ramp = ramp_matrix(setup.quarters, setup.ramp_quarters)
    result = {}
    for archetype in ARCHETYPES:
        ramped = np.asarray(full_size_needs[archetype], dtype=float) @ ramp
        if archetype is CON:
            ramped = ramped / setup.connectors_shared_by
        if not np.all(np.isfinite(ramped)) or ramped.max(initial=0) > MAX_HEADS:
            raise ImpossiblePlan(f"the plan needs more than {MAX_HEADS:,} {PLURAL[archetype]}; "
                                 "use fewer teams or smaller per-team needs")
        # Round up, but not a float hair above a whole number (7.5 x 0.4 = 3.0000000000000004).
        needed = np.ceil(ramped - _WHOLE_TOLERANCE * np.maximum(1.0, ramped))
        result[archetype] = setup.org_heads(archetype) + np.maximum(needed, 0).astype(np.int64)
    return result


def simulate(setup: PlanSetup, full_size_needs: Mapping[Archetype, np.ndarray],
             span: np.ndarray) -> dict[str, np.ndarray]:
    """Run the plan for every trial at once.

    ``full_size_needs[archetype]`` (trials x quarters): the heads the teams starting in each
    quarter need at full size. ``span`` (trials,): Iterators per Amplifier in each trial.
    Returns arrays (trials x quarters) named like the plan's columns, with the detail.
    """
    quarters, delay, lag = setup.quarters, setup.time_to_hire, setup.quarters_to_candidate
    span = np.asarray(span, dtype=float)
    trials = span.shape[0]
    target = targets(setup, full_size_needs)

    def series(dtype=np.int64):
        return np.zeros((trials, quarters), dtype=dtype)

    heads = {a: np.full(trials, setup.starting_heads[a], dtype=np.int64) for a in ARCHETYPES}
    due = {a: np.zeros((trials, quarters), dtype=np.int64) for a in ARCHETYPES}  # arrivals by quarter
    pipeline = {a: np.zeros(trials, dtype=np.int64) for a in ARCHETYPES}  # requested, not yet joined
    expected_leavers = {a: np.zeros(trials) for a in ARCHETYPES}
    accepted_so_far, widened_so_far, soft_so_far = np.zeros(trials), np.zeros(trials), np.zeros(trials)
    waiting = np.zeros(trials, dtype=np.int64)  # Iterators hired but held back by the headroom

    # The Iterators split into groups that always add up to heads[ITR]: the candidate pool,
    # those who become candidates at the start of quarter q (pending[:, q]), and the rest.
    pool = np.zeros(trials, dtype=np.int64)
    pending = np.zeros((trials, quarters), dtype=np.int64)
    if setup.promote:
        pending[:] = setup.starting_candidates
    rest = heads[ITR] - pending.sum(axis=1)
    joins = {a: setup.joins(a) for a in ARCHETYPES}
    joining_candidates = (setup.joining_candidates if setup.joining_candidates is not None and setup.promote
                          else np.zeros((quarters, quarters), dtype=np.int64))
    to_come = {a: np.full(trials, int(joins[a].sum()), dtype=np.int64) for a in ARCHETYPES}  # seats reserved
    nonzero = np.flatnonzero(setup.starting_candidates + joining_candidates.sum(axis=0))
    last_roster_entry = int(nonzero[-1]) if nonzero.size else 0

    out = {f"{kind} {PLURAL[a]}": series() for a in ARCHETYPES
           for kind in ("Start", "Joined", "Target", "Leavers", "Promoted in", "Promoted out", "Requested",
                        "Hires")}
    out.update({PLURAL[a]: series() for a in ARCHETYPES})
    for name in ("Headroom before Iterator hires", "Management capacity", "Iterator headroom",
                 "Waiting Iterators", "Candidate pool", "Open seats", "Roster starters to come", "Backlog"):
        out[name] = series()
    out["Management-bound"] = series(bool)

    for t in range(quarters):
        for a in ARCHETYPES:
            out[f"Start {PLURAL[a]}"][:, t] = heads[a]
            out[f"Target {PLURAL[a]}"][:, t] = target[a][:, t]

        # 0. Roster people whose start date falls in this quarter join, into seats kept for them.
        for a in ARCHETYPES:
            heads[a] += joins[a][t]
            to_come[a] -= joins[a][t]
            out[f"Joined {PLURAL[a]}"][:, t] = joins[a][t]
        if joins[ITR][t]:
            pending[:, t:] += joining_candidates[t, t:]
            rest += joins[ITR][t] - joining_candidates[t].sum()

        # 1. Leavers, from the heads at the start of the quarter.
        for a in ARCHETYPES:
            leaving = _take_cumulative(expected_leavers[a], setup.quarterly_attrition[a] * heads[a])
            leaving = np.minimum(leaving, heads[a])  # already true; kept as a guard on the rounding
            heads[a] -= leaving
            out[f"Leavers {PLURAL[a]}"][:, t] = leaving
        window = min(quarters, max(t + lag, last_roster_entry) + 1)
        # The rest go last, so that a leaver rounded up comes from them, not from the candidates.
        groups = np.column_stack([pool, pending[:, t:window], rest])
        taken = apportion(out[f"Leavers {PLURAL[ITR]}"][:, t], groups)
        pool -= taken[:, 0]
        pending[:, t:window] -= taken[:, 1:-1]
        rest -= taken[:, -1]

        # 2. New candidates: take-up accepts, the restructure widens the pool from the rest.
        if setup.promote:
            entering = pending[:, t].copy()
            pending[:, t] = 0
            accepted = _take_cumulative(accepted_so_far, setup.take_up * entering)
            widened = np.minimum(_take_cumulative(widened_so_far, (setup.candidate_pool_factor - 1) * accepted),
                                 rest)
            rest += entering - accepted - widened
            pool += accepted + widened

        # 3. Promotions fill the open Amplifier seats first.
        promoted = np.zeros(trials, dtype=np.int64)
        if setup.promote:
            open_amplifier_seats = np.maximum(target[AMP][:, t] - heads[AMP] - pipeline[AMP] - to_come[AMP], 0)
            promoted = np.minimum(open_amplifier_seats, pool)
            pool -= promoted
            heads[AMP] += promoted
            heads[ITR] -= promoted
        out[f"Promoted in {PLURAL[AMP]}"][:, t] = promoted
        out[f"Promoted out {PLURAL[ITR]}"][:, t] = promoted

        # 4. Every seat still open is a hire requested now (a promoted Iterator's seat too).
        for a in ARCHETYPES:
            requested = np.maximum(target[a][:, t] - heads[a] - pipeline[a] - to_come[a], 0)
            pipeline[a] += requested
            if t + delay[a] < quarters:
                due[a][:, t + delay[a]] += requested
            out[f"Requested {PLURAL[a]}"][:, t] = requested

        # 5. Arrivals: Amplifiers and Connectors join; Iterators join only into headroom.
        for a in (AMP, CON):
            arriving = due[a][:, t]
            heads[a] += arriving
            pipeline[a] -= arriving
            out[f"Hires {PLURAL[a]}"][:, t] = arriving
        capacity = whole(heads[AMP] * span)
        headroom = capacity - heads[ITR]
        waiting += due[ITR][:, t]
        joining = np.minimum(waiting, np.maximum(headroom, 0))
        waiting -= joining
        pipeline[ITR] -= joining
        heads[ITR] += joining
        out[f"Hires {PLURAL[ITR]}"][:, t] = joining
        if setup.promote and t + lag < quarters:
            with_soft_skills = _take_cumulative(soft_so_far, setup.new_hire_soft_skills_share * joining)
            pending[:, t + lag] += with_soft_skills
            rest += joining - with_soft_skills
        else:
            rest += joining

        for a in ARCHETYPES:
            out[PLURAL[a]][:, t] = heads[a]
        out["Headroom before Iterator hires"][:, t] = headroom
        out["Management capacity"][:, t] = capacity
        out["Iterator headroom"][:, t] = capacity - heads[ITR]
        out["Waiting Iterators"][:, t] = waiting
        out["Candidate pool"][:, t] = pool
        # Normal turnover is not a backlog: the seat of a leaver (or of a promoted Iterator)
        # whose replacement was asked for on time is covered while the hire is on its way
        # (the seats vacated in the last time_to_hire quarters).
        in_transit = {a: pipeline[a] - (waiting if a is ITR else 0) for a in ARCHETYPES}
        out["Open seats"][:, t] = sum(target[a][:, t] - heads[a] for a in ARCHETYPES)
        out["Roster starters to come"][:, t] = sum(to_come.values())
        # A seat kept for a roster person who starts later is not a backlog: nobody is hired for it.
        out["Backlog"][:, t] = sum(
            np.maximum(target[a][:, t] - heads[a] - to_come[a] - np.minimum(in_transit[a], (
                out[f"Leavers {PLURAL[a]}"][:, max(0, t - delay[a] + 1):t + 1]
                + out[f"Promoted out {PLURAL[a]}"][:, max(0, t - delay[a] + 1):t + 1]).sum(axis=1)), 0)
            for a in ARCHETYPES)
        out["Management-bound"][:, t] = waiting > 0

    out["Promotions"] = out[f"Promoted in {PLURAL[AMP]}"]
    out["Leavers"] = sum(out[f"Leavers {PLURAL[a]}"] for a in ARCHETYPES)
    return out


def fully_staffed_quarter(backlog: np.ndarray) -> np.ndarray:
    """Per trial, the first quarter (1-based) from which the backlog is 0 to the end of the
    plan; quarters + 1 when the last quarter still has a backlog (never within the plan)."""
    quarters = backlog.shape[1]
    short = backlog > 0
    last_short = np.where(short.any(axis=1), quarters - 1 - np.argmax(short[:, ::-1], axis=1), -1)
    return last_short + 2


# ---------------------------------------------------------------------------- public API

def full_size_needs_at(setup: PlanSetup, point=DEFAULT_POINT) -> dict[Archetype, np.ndarray]:
    """Heads the teams starting in each quarter need at full size, every range at ``point``
    (one trial: arrays of shape 1 x quarters, fractional FTE)."""
    return {a: (setup.schedule * setup.per_team[a].at(point))[None, :].astype(float) for a in ARCHETYPES}


def hiring_plan(schedule: Sequence[int], point=DEFAULT_POINT, *, detail: bool = False,
                labels: Sequence | None = None, quarters: int | None = None, **options) -> pd.DataFrame:
    """The quarter-by-quarter plan, every range at ``point`` (per-team needs and span).

    ``options`` are the keyword arguments of :func:`plan_setup`. One row per quarter with
    the columns of ``PLAN_COLUMNS``: heads at the end of the quarter, hires that joined,
    promotions (Iterator -> Amplifier), leavers, ``Management capacity`` =
    floor(Amplifiers x span), ``Iterator headroom`` = capacity - Iterators at the end of the
    quarter (negative when over capacity), ``Backlog`` = seats of any archetype still
    empty at the end of the quarter, except those of recent leavers and promoted Iterators
    whose replacement is already on its way (normal turnover: with ``time_to_hire``
    quarters to hire, the seats vacated in the last ``time_to_hire`` quarters),
    ``Management-bound`` = Iterator hires had to wait for
    managers, and each archetype's ``Target`` (the heads it should have that quarter: the
    starting org plus the new teams' ramped needs, rounded up; a plan is fully staffed
    when every archetype is at its target, turnover aside). ``detail=True`` adds
    per-archetype columns (Start, Leavers,
    Promoted in, Promoted out, Requested, with the archetype's plural name) and the
    headroom at the moment Iterators joined, the waiting Iterators, the candidate pool and
    ``Open seats`` (every empty seat, turnover included).

    ``labels`` (one per quarter, e.g. "Q1 2027") fill the Quarter column instead of 1, 2, ...;
    ``quarters`` is the horizon (MIN_HORIZON_QUARTERS to MAX_HORIZON_QUARTERS): the schedule
    is followed by quarters with no new teams up to it (see :func:`horizon_schedule`).
    """
    schedule = horizon_schedule(schedule, quarters, labels)
    if labels is not None:
        labels = check_labels(labels, len(schedule))
    setup = plan_setup(schedule, **options)
    span = np.array([setup.span.at(point)])
    run = simulate(setup, full_size_needs_at(setup, point), span)
    return plan_frame(setup, run, detail=detail, labels=labels)


def plan_frame(setup: PlanSetup, run: Mapping[str, np.ndarray], trial: int = 0,
               detail: bool = False, labels: Sequence | None = None) -> pd.DataFrame:
    """One trial of :func:`simulate` as a table, one row per quarter (labelled by
    ``labels``, or numbered from 1)."""
    quarter = np.arange(1, setup.quarters + 1) if labels is None else pd.Series(list(labels), dtype=object)
    columns = {"Quarter": quarter, "Teams": np.cumsum(setup.schedule)}
    columns.update({name: run[name][trial] for name in PLAN_COLUMNS[2:]})
    if detail:
        columns.update({name: values[trial] for name, values in run.items() if name not in columns})
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class PlanHeadline:
    fully_staffed_quarter: int | str | None  # Quarter label of the first quarter from which nothing is
                                             # short; None: never within the plan
    peak_backlog: int
    management_bound_quarters: tuple[int | str, ...]  # their Quarter labels

    @property
    def management_bound_count(self) -> int:
        return len(self.management_bound_quarters)


def plan_headline(plan: pd.DataFrame) -> PlanHeadline:
    """The plan in three numbers: when it is fully staffed, the worst backlog, and the
    quarters in which managers held Iterator hires back. Quarters are given by the
    plan's own Quarter column (its labels), not by their position: a plan whose rows are
    quarters 5, 6 and 7 is fully staffed "from quarter 6", not "from quarter 2"."""
    backlog = [int(b) for b in plan["Backlog"]]  # Python ints: exact however large
    labels = plan["Quarter"].tolist()
    staffed = int(fully_staffed_quarter(np.array([[b > 0 for b in backlog]], dtype=bool))[0])
    bound = plan.loc[plan["Management-bound"].astype(bool), "Quarter"]
    return PlanHeadline(
        fully_staffed_quarter=labels[staffed - 1] if staffed <= len(backlog) else None,
        peak_backlog=max(backlog, default=0),
        management_bound_quarters=tuple(bound),
    )
