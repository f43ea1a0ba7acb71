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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from talentneeds.errors import ImpossiblePlan
from talentneeds.model.archetypes import ARCHETYPES, Archetype
from talentneeds.model.limits import MAX_HEADS, MAX_QUARTERS  # noqa: F401 (MAX_QUARTERS: plan.MAX_QUARTERS)
from talentneeds.model.plan_setup import (  # noqa: F401 (the plan's inputs, as plan.X)
    AMP,
    ANNUAL_ATTRITION,
    CON,
    ITR,
    PLURAL,
    CANDIDATE_POOL_FACTOR,
    CONNECTORS_SHARED_BY,
    NEW_HIRE_SOFT_SKILLS_SHARE,
    RAMP_QUARTERS,
    TIME_TO_HIRE,
    TIME_TO_HIRE_QUARTERS,
    WHOLE_TOLERANCE,
    PlanSetup,
    check_labels,
    check_per_team,
    check_bound,
    check_whole,
    horizon_schedule,
    is_number,
    plan_setup,
    quarterly_rate,
    quarters_to_candidate,
)
from talentneeds.model.ranges import DEFAULT_POINT


PLAN_COLUMNS = (
    "Quarter", "Teams", "Amplifiers", "Iterators", "Connectors",
    "Hires Amplifiers", "Hires Iterators", "Hires Connectors",
    "Promotions", "Leavers", "Management capacity", "Iterator headroom", "Backlog",
    "Management-bound", "Target Amplifiers", "Target Iterators", "Target Connectors",
)


# ------------------------------------------------------------------------ the quarter loop

def whole(values: np.ndarray) -> np.ndarray:
    """Whole heads in a non-negative float amount, rounded down (with float tolerance)."""
    return np.floor(values + WHOLE_TOLERANCE).astype(np.int64)


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
        needed = np.ceil(ramped - WHOLE_TOLERANCE * np.maximum(1.0, ramped))
        result[archetype] = setup.org_heads(archetype) + np.maximum(needed, 0).astype(np.int64)
    return result


@dataclass(frozen=True)
class ArchetypeRun:
    """One archetype's counts in a run of the plan, each an array trials x quarters."""

    start: np.ndarray         # heads at the start of the quarter
    joined: np.ndarray        # roster people whose start date falls in the quarter
    target: np.ndarray        # the heads it should have
    leavers: np.ndarray
    promoted_in: np.ndarray
    promoted_out: np.ndarray
    requested: np.ndarray     # hires asked for
    hires: np.ndarray         # hires that joined
    heads: np.ndarray         # at the end of the quarter


# The detail columns of each archetype, in the plan's order: "<kind> <plural>" is the field.
ARCHETYPE_COLUMNS = (("Start", "start"), ("Joined", "joined"), ("Target", "target"), ("Leavers", "leavers"),
                     ("Promoted in", "promoted_in"), ("Promoted out", "promoted_out"),
                     ("Requested", "requested"), ("Hires", "hires"))


@dataclass(frozen=True)
class PlanRun:
    """What :func:`simulate` gives: every count of the plan, each an array trials x quarters
    (``management_bound`` of booleans, the rest whole heads)."""

    archetypes: dict[Archetype, ArchetypeRun]
    headroom_before_iterator_hires: np.ndarray  # when Iterators joined
    management_capacity: np.ndarray
    iterator_headroom: np.ndarray               # at the end of the quarter
    waiting_iterators: np.ndarray
    candidate_pool: np.ndarray
    open_seats: np.ndarray
    roster_starters_to_come: np.ndarray
    backlog: np.ndarray
    management_bound: np.ndarray

    @property
    def promotions(self) -> np.ndarray:
        return self.archetypes[AMP].promoted_in

    @property
    def leavers(self) -> np.ndarray:
        return sum(self.archetypes[a].leavers for a in ARCHETYPES)

    def total_hires(self) -> np.ndarray:
        """Per trial, the people hired over the whole plan, all archetypes."""
        return sum(self.archetypes[a].hires.sum(axis=1) for a in ARCHETYPES)

    def last_targets(self) -> np.ndarray:
        """Per trial, the heads of every archetype the last quarter should have."""
        return sum(self.archetypes[a].target[:, -1] for a in ARCHETYPES)

    def columns(self) -> dict[str, np.ndarray]:
        """The counts under the plan's column names (``PLAN_COLUMNS`` and the detail), in
        the order of a detailed plan."""
        named = {f"{kind} {PLURAL[a]}": getattr(self.archetypes[a], field)
                 for a in ARCHETYPES for kind, field in ARCHETYPE_COLUMNS}
        named.update({PLURAL[a]: self.archetypes[a].heads for a in ARCHETYPES})
        named.update({
            "Headroom before Iterator hires": self.headroom_before_iterator_hires,
            "Management capacity": self.management_capacity, "Iterator headroom": self.iterator_headroom,
            "Waiting Iterators": self.waiting_iterators, "Candidate pool": self.candidate_pool,
            "Open seats": self.open_seats, "Roster starters to come": self.roster_starters_to_come,
            "Backlog": self.backlog, "Management-bound": self.management_bound,
            "Promotions": self.promotions, "Leavers": self.leavers,
        })
        return named


def simulate(setup: PlanSetup, full_size_needs: Mapping[Archetype, np.ndarray],
             span: np.ndarray) -> PlanRun:
    """Run the plan for every trial at once.

    ``full_size_needs[archetype]`` (trials x quarters): the heads the teams starting in each
    quarter need at full size. ``span`` (trials,): Iterators per Amplifier in each trial.
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

    run = PlanRun({a: ArchetypeRun(*(series() for _ in range(9))) for a in ARCHETYPES},
                  *(series() for _ in range(8)), management_bound=series(bool))
    by = run.archetypes

    for t in range(quarters):
        for a in ARCHETYPES:
            by[a].start[:, t] = heads[a]
            by[a].target[:, t] = target[a][:, t]

        # 0. Roster people whose start date falls in this quarter join, into seats kept for them.
        for a in ARCHETYPES:
            heads[a] += joins[a][t]
            to_come[a] -= joins[a][t]
            by[a].joined[:, t] = joins[a][t]
        if joins[ITR][t]:
            pending[:, t:] += joining_candidates[t, t:]
            rest += joins[ITR][t] - joining_candidates[t].sum()

        # 1. Leavers, from the heads at the start of the quarter.
        for a in ARCHETYPES:
            leaving = _take_cumulative(expected_leavers[a], setup.quarterly_attrition[a] * heads[a])
            leaving = np.minimum(leaving, heads[a])  # already true; kept as a guard on the rounding
            heads[a] -= leaving
            by[a].leavers[:, t] = leaving
        window = min(quarters, max(t + lag, last_roster_entry) + 1)
        # The rest go last, so that a leaver rounded up comes from them, not from the candidates.
        groups = np.column_stack([pool, pending[:, t:window], rest])
        taken = apportion(by[ITR].leavers[:, t], groups)
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
        by[AMP].promoted_in[:, t] = promoted
        by[ITR].promoted_out[:, t] = promoted

        # 4. Every seat still open is a hire requested now (a promoted Iterator's seat too).
        for a in ARCHETYPES:
            requested = np.maximum(target[a][:, t] - heads[a] - pipeline[a] - to_come[a], 0)
            pipeline[a] += requested
            if t + delay[a] < quarters:
                due[a][:, t + delay[a]] += requested
            by[a].requested[:, t] = requested

        # 5. Arrivals: Amplifiers and Connectors join; Iterators join only into headroom.
        for a in (AMP, CON):
            arriving = due[a][:, t]
            heads[a] += arriving
            pipeline[a] -= arriving
            by[a].hires[:, t] = arriving
        capacity = whole(heads[AMP] * span)
        headroom = capacity - heads[ITR]
        waiting += due[ITR][:, t]
        joining = np.minimum(waiting, np.maximum(headroom, 0))
        waiting -= joining
        pipeline[ITR] -= joining
        heads[ITR] += joining
        by[ITR].hires[:, t] = joining
        if setup.promote and t + lag < quarters:
            with_soft_skills = _take_cumulative(soft_so_far, setup.new_hire_soft_skills_share * joining)
            pending[:, t + lag] += with_soft_skills
            rest += joining - with_soft_skills
        else:
            rest += joining

        for a in ARCHETYPES:
            by[a].heads[:, t] = heads[a]
        run.headroom_before_iterator_hires[:, t] = headroom
        run.management_capacity[:, t] = capacity
        run.iterator_headroom[:, t] = capacity - heads[ITR]
        run.waiting_iterators[:, t] = waiting
        run.candidate_pool[:, t] = pool
        # Normal turnover is not a backlog: the seat of a leaver (or of a promoted Iterator)
        # whose replacement was asked for on time is covered while the hire is on its way
        # (the seats vacated in the last time_to_hire quarters).
        in_transit = {a: pipeline[a] - (waiting if a is ITR else 0) for a in ARCHETYPES}
        run.open_seats[:, t] = sum(target[a][:, t] - heads[a] for a in ARCHETYPES)
        run.roster_starters_to_come[:, t] = sum(to_come.values())
        # A seat kept for a roster person who starts later is not a backlog: nobody is hired for it.
        run.backlog[:, t] = sum(
            np.maximum(target[a][:, t] - heads[a] - to_come[a] - np.minimum(in_transit[a], (
                by[a].leavers[:, max(0, t - delay[a] + 1):t + 1]
                + by[a].promoted_out[:, max(0, t - delay[a] + 1):t + 1]).sum(axis=1)), 0)
            for a in ARCHETYPES)
        run.management_bound[:, t] = waiting > 0

    return run


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


def plan_frame(setup: PlanSetup, run: PlanRun, trial: int = 0,
               detail: bool = False, labels: Sequence | None = None) -> pd.DataFrame:
    """One trial of :func:`simulate` as a table, one row per quarter (labelled by
    ``labels``, or numbered from 1)."""
    quarter = np.arange(1, setup.quarters + 1) if labels is None else pd.Series(list(labels), dtype=object)
    columns = {"Quarter": quarter, "Teams": np.cumsum(setup.schedule)}
    named = run.columns()
    columns.update({name: named[name][trial] for name in PLAN_COLUMNS[2:]})
    if detail:
        columns.update({name: values[trial] for name, values in named.items() if name not in columns})
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
