"""Monte Carlo over every range: how sure are the needs and the plan?

Every figure of the seed is a range; instead of one ``point`` these functions draw from
the whole range, many times, and report percentiles. They are seeded with
``numpy.random.default_rng(seed)``, so the same inputs give the same numbers on every call.

**Whole heads per team.** A team needs whole people, so the need of one team is a
discrete distribution over whole heads (:func:`head_distribution`):

* a range with whole-number bounds gives each whole number from low to high:
  1-2 Amplifiers is 1 or 2, 5-10 Iterators is 5, 6, ..., 10;
* with ``"uniform"`` each of them is equally likely; with ``"pert"`` they follow a
  beta-PERT with its mode at the middle of the range (Beta(3, 3) stretched over
  low - 1/2 .. high + 1/2, so that each whole number gets the probability of the unit
  interval around it; for 1-2 that is still 1/2 each);
* bounds that are not whole numbers are spread evenly over ``ceil(high - low) + 1``
  points from low to high (the points are the whole numbers when the bounds are), each
  point weighted as above, and a point between two whole numbers becomes the lower one
  or the upper one in proportion to its distance (0.3 -> 0 with probability 0.7, 1 with
  0.3). So the mean need per team is always the middle of the range, as at ``"mid"``;
  a range of zero width at a whole number is that number, at 2.5 it is 2 or 3.

Teams are independent of each other and of the other archetypes. The need of n teams is
the sum of n draws; with k possible heads per team that sum is ``sum(heads x counts)``
where the counts are one multinomial(n, probabilities) draw, so a trial costs O(k) however
many teams there are, and trials run in chunks so memory stays bounded.

**Percentiles** are of the drawn totals, taken as the smallest total that at least p % of
the trials reach or stay below (numpy's ``"inverted_cdf"``): always a whole number that
actually occurred.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from talentneeds.errors import ImpossiblePlan, InvalidInput, shown
from talentneeds.model import assumptions as A
from talentneeds.model import plan as P
from talentneeds.model.archetypes import ARCHETYPES, Archetype
from talentneeds.model.limits import MAX_EXACT_WHOLE, PERCENTILE, SEED, TEAMS, TRIALS, WORK_BUDGET
from talentneeds.model.ranges import Range

DISTRIBUTIONS = ("uniform", "pert")
DEFAULT_PERCENTILES = (10, 50, 90)
# A range over 100 heads wide is spread over this many points, more than one head apart
# (0-1000: 0, 10, 20, ...): the draws per team stay O(points) and the mean stays at the
# middle, but a single team's need only takes those values.
MAX_POINTS_PER_RANGE = 101
# Trials per chunk: bounds the memory of the multinomial counts (chunk x points).
NEEDS_CHUNK_TRIALS = 250_000
# Trial-quarters per chunk of the plan Monte Carlo: the plan keeps ~30 series of
# trials x quarters, so this bounds its memory at about 50 MB.
PLAN_CHUNK_CELLS = 200_000
# beta-PERT with the mode at the middle of the range: alpha = beta = 1 + 4 x 1/2 = 3.
PERT_SHAPE = 3


# ----------------------------------------------------------------------------- checking

def check_percentiles(percentiles: object) -> tuple[float, ...]:
    """One number or a list of numbers, each from 0 to 100."""
    if P.is_number(percentiles):
        percentiles = (percentiles,)
    if isinstance(percentiles, (str, bytes, Mapping)) or not isinstance(percentiles, (Sequence, np.ndarray)) \
            or len(percentiles) == 0:
        raise InvalidInput(f"percentiles must be a list of numbers from {PERCENTILE.low:g} to {PERCENTILE.high:g}, got {shown(percentiles)}")
    for p in percentiles:
        if not P.is_number(p) or not PERCENTILE.low <= p <= PERCENTILE.high:  # also rejects NaN
            raise InvalidInput(f"percentiles must be numbers from {PERCENTILE.low:g} to {PERCENTILE.high:g}, got {shown(p)}")
    return tuple(float(p) for p in percentiles)


def check_trials(trials: object) -> int:
    return P.check_bound(trials, "trials", TRIALS)


def check_seed(seed: object) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) \
            or not SEED.low <= seed <= SEED.high:
        raise SEED.refusal("seed", seed)
    return int(seed)


def check_whole_heads(teams: int, per_team: Range, archetype: Archetype | None = None) -> None:
    """``teams`` teams at the top of ``per_team`` must need no more whole heads than a
    cell counts exactly (2^53): beyond it the sums would be rounded (or overflow int64)."""
    top = math.ceil(per_team.high)  # exact: a Python int however large
    if max(teams, 1) * top > MAX_EXACT_WHOLE:
        what = f"per_team high for {archetype.value}" if archetype is not None else "per_team high"
        raise ImpossiblePlan(f"{what} ({per_team.high:g}) x {max(teams, 1):,} team{'s' if teams > 1 else ''} "
                             f"is more than {MAX_EXACT_WHOLE:,} (2^53) heads, the most a cell counts exactly; "
                             "use fewer teams or smaller per-team needs")


def check_work(units: int, budget: int, function: str, how: str) -> None:
    """Refuse a Monte Carlo run that would freeze a recalculation (see model.limits)."""
    if units > budget:
        raise ImpossiblePlan(f"{function} would do {units:,} units of work ({how}), more than the "
                             f"{budget:,} a recalculation may do (about 10 s); use fewer trials")


def check_distribution(distribution: object) -> str:
    if isinstance(distribution, str) and distribution.strip().lower() in DISTRIBUTIONS:
        return distribution.strip().lower()
    raise InvalidInput(f'distribution must be "uniform" or "pert", got {shown(distribution)}')


def percentile_label(p: float) -> str:
    return f"P{p:g}"


# ------------------------------------------------------------------- one team's heads

def _pert_cdf(x: np.ndarray) -> np.ndarray:
    """CDF of Beta(3, 3) on [0, 1]: the regularised incomplete beta, a polynomial for
    whole shapes: sum over j = 3..5 of C(5, j) x^j (1 - x)^(5 - j) = 10x^3 - 15x^4 + 6x^5."""
    x = np.clip(x, 0.0, 1.0)
    return x ** 3 * (10 - 15 * x + 6 * x ** 2)


def head_distribution(per_team: Range, distribution: str = "uniform") -> tuple[np.ndarray, np.ndarray]:
    """Whole heads one team needs: (heads, probabilities), heads ascending.

    See the module notes for the discretisation; its mean is the middle of the range.
    """
    distribution = check_distribution(distribution)
    if not isinstance(per_team, Range):
        raise InvalidInput(f"per_team must be a Range, got {shown(per_team)}")
    check_whole_heads(1, per_team)
    heads, probabilities = _head_distribution(per_team.low, per_team.high, distribution)
    return heads.copy(), probabilities.copy()  # the caller's own arrays; the cached ones stay as they are


@functools.lru_cache(maxsize=256)
def _head_distribution(low: float, high: float, distribution: str) -> tuple[np.ndarray, np.ndarray]:
    """head_distribution of a checked range, remembered: a recalculation draws from the
    same few ranges again and again. (Equal bounds give equal arrays, 0.0 and -0.0 too.)"""
    per_team = Range(low, high)
    width = per_team.high - per_team.low
    steps = min(math.ceil(width - P.WHOLE_TOLERANCE), MAX_POINTS_PER_RANGE - 1) if width > 0 else 0
    if steps == 0:
        points, weights = np.array([(per_team.low + per_team.high) / 2]), np.array([1.0])
    else:
        step = width / steps
        points = per_team.low + step * np.arange(steps + 1)
        if distribution == "uniform":
            weights = np.full(steps + 1, 1.0 / (steps + 1))
        else:
            # Each point owns the interval of one step around it, over the range widened by
            # half a step at each end, so the end points are not starved.
            edges = (np.arange(steps + 2)) / (steps + 1)
            weights = np.diff(_pert_cdf(edges))
    # Snap points that are whole up to float noise, then split the rest between neighbours.
    snapped = np.where(np.abs(points - np.round(points)) < P.WHOLE_TOLERANCE, np.round(points), points)
    lower = np.floor(snapped)
    upper_share = snapped - lower
    heads = np.concatenate([lower, lower + 1]).astype(np.int64)
    probabilities = np.concatenate([weights * (1 - upper_share), weights * upper_share])
    values, inverse = np.unique(heads, return_inverse=True)
    totals = np.zeros(len(values))
    np.add.at(totals, inverse, probabilities)
    keep = totals > 0
    return values[keep], totals[keep] / totals[keep].sum()


def draw_team_sums(rng: np.random.Generator, teams: int, heads: np.ndarray, probabilities: np.ndarray,
                   trials: int) -> np.ndarray:
    """Total heads of ``teams`` independent teams, one total per trial: heads @ multinomial counts."""
    if teams == 0 or len(heads) == 1:
        return np.full(trials, teams * int(heads[0]) if teams else 0, dtype=np.int64)
    counts = rng.multinomial(teams, probabilities, size=trials)
    return counts @ heads


def draw_cost(teams: int, heads: np.ndarray) -> int:
    """Work of one trial's draw for one archetype (as draw_team_sums does it): a
    multinomial over the possible heads, or nothing when the total is fixed."""
    return 0 if teams == 0 or len(heads) == 1 else len(heads)


def draw_fraction(rng: np.random.Generator, distribution: str, size: int) -> np.ndarray:
    """Where in a range a continuous figure (the span of control) falls: 0 = low, 1 = high."""
    if distribution == "pert":
        return rng.beta(PERT_SHAPE, PERT_SHAPE, size=size)
    return rng.random(size)


# -------------------------------------------------------------------------- percentiles

class Tally:
    """Counts of whole-number outcomes, added chunk by chunk: percentiles of any number
    of trials in memory that grows with the distinct outcomes, not with the trials."""

    def __init__(self) -> None:
        self.values = np.empty(0, dtype=np.int64)
        self.counts = np.empty(0, dtype=np.int64)

    def add(self, outcomes: np.ndarray) -> None:
        values, counts = _value_counts(np.asarray(outcomes))
        if not len(self.values):
            self.values, self.counts = values, counts.astype(np.int64)
            return
        merged, inverse = np.unique(np.concatenate([self.values, values]), return_inverse=True)
        totals = np.zeros(len(merged), dtype=np.int64)
        np.add.at(totals, inverse, np.concatenate([self.counts, counts]))
        self.values, self.counts = merged, totals

    def percentile(self, p: float) -> int:
        """The smallest outcome that at least p % of the trials are at or below."""
        cumulative = np.cumsum(self.counts)
        needed = p / 100 * cumulative[-1]
        return int(self.values[min(np.searchsorted(cumulative, needed, side="left"), len(self.values) - 1)])


def _value_counts(outcomes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct outcomes, ascending, and how often each occurs (as np.unique with
    return_counts): whole numbers within a span not much wider than their count are
    counted with bincount, which needs no sort."""
    if outcomes.size and outcomes.dtype.kind in "iu":
        low, high = int(outcomes.min()), int(outcomes.max())
        if high - low <= max(4 * outcomes.size, 1024):
            # np.intp: bincount takes only what casts safely to the index type, which is
            # int32 in Pyodide (xlwings Lite), where int64 outcomes would be refused
            counts = np.bincount((outcomes - low).ravel().astype(np.intp))
            present = np.flatnonzero(counts)
            return (present + low).astype(outcomes.dtype), counts[present]
    return np.unique(outcomes, return_counts=True)


# ------------------------------------------------------------------------ needs of teams

def needs_distribution(teams: int, percentiles: Iterable[float] = DEFAULT_PERCENTILES,
                       trials: int = 10_000, seed: int = 0,
                       per_team: Mapping[Archetype, Range] = A.PER_TEAM,
                       distribution: str = "uniform") -> pd.DataFrame:
    """Percentiles of the whole heads of each archetype that ``teams`` new teams need.

    Each team's heads are drawn independently from its range (see the module notes).
    Rows are the archetypes (index ``Archetype``); columns ``P10``, ``P50``, ...
    """
    teams = P.check_bound(teams, "teams", TEAMS)
    percentiles = check_percentiles(percentiles)
    trials, seed = check_trials(trials), check_seed(seed)
    distribution = check_distribution(distribution)
    per_team = P.check_per_team(per_team)
    for archetype in ARCHETYPES:
        check_whole_heads(teams, per_team[archetype], archetype)
    laws = {a: head_distribution(per_team[a], distribution) for a in ARCHETYPES}
    check_work(trials * DRAW_UNITS * sum(draw_cost(teams, laws[a][0]) for a in ARCHETYPES), WORK_BUDGET,
               "NEEDS_DISTRIBUTION", f"{trials:,} trials x the whole numbers each archetype's range can take")
    rng = np.random.default_rng(seed)
    tallies = {a: Tally() for a in ARCHETYPES}
    for first in range(0, trials, NEEDS_CHUNK_TRIALS):
        size = min(NEEDS_CHUNK_TRIALS, trials - first)
        for archetype in ARCHETYPES:
            tallies[archetype].add(draw_team_sums(rng, teams, *laws[archetype], size))
    frame = pd.DataFrame(
        np.array([[tallies[a].percentile(p) for p in percentiles] for a in ARCHETYPES], dtype=np.int64),
        index=pd.Index([a.value for a in ARCHETYPES], name="Archetype"),
        columns=[percentile_label(p) for p in percentiles],
    )
    return frame


# ------------------------------------------------------------------------- the plan

PLAN_OUTCOMES = ("Total needs", "Total hires", "Fully staffed quarter")


# Work units (see model.limits): one unit is about one operation on one element of a
# numpy array (4-5 ns here). Drawing one possible head value of a multinomial costs about
# 20 (numpy's binomials; more for many teams), the quarter loop's fixed work about 200 per
# trial and quarter, plus one per quarter of the tenure and time-to-hire windows it
# looks back over. Measured with 200-quarter plans and 10**5-trial runs (ns per trial-quarter:
# 1,075 with the default windows, 1,925 with a 100-year tenure, 2,625 adding a 200-quarter
# time to hire) and NEEDS_DISTRIBUTION (22-90 ns per possible head value and trial).
DRAW_UNITS = 20
STEP_UNITS = 200


def plan_trial_cost(setup: P.PlanSetup, distribution: str) -> int:
    """Work units of one trial of the plan: the draws of every quarter's new teams, and
    every quarter's step, which looks back over the tenure and time-to-hire windows."""
    laws = {a: head_distribution(setup.per_team[a], distribution) for a in ARCHETYPES}
    draws = sum(draw_cost(int(teams), laws[a][0]) for teams in setup.schedule for a in ARCHETYPES)
    window = min(setup.quarters, setup.quarters_to_candidate) + min(setup.quarters, max(setup.time_to_hire.values()) + 1)
    return DRAW_UNITS * draws + setup.quarters * (STEP_UNITS + window)


def plan_trials(setup: P.PlanSetup, trials: int, rng: np.random.Generator,
                distribution: str) -> P.PlanRun:
    """Run the plan for ``trials`` draws: every team's heads drawn per team (as in
    :func:`needs_distribution`), the span of control drawn once per trial."""
    laws = {a: head_distribution(setup.per_team[a], distribution) for a in ARCHETYPES}
    full_size = {a: np.zeros((trials, setup.quarters)) for a in ARCHETYPES}
    for quarter, teams in enumerate(setup.schedule):
        for archetype in ARCHETYPES:
            full_size[archetype][:, quarter] = draw_team_sums(rng, int(teams), *laws[archetype], trials)
    span = setup.span.low + (setup.span.high - setup.span.low) * draw_fraction(rng, distribution, trials)
    return P.simulate(setup, full_size, span)


def plan_distribution(schedule: Sequence[int], percentiles: Iterable[float] = DEFAULT_PERCENTILES,
                      trials: int = 1_000, seed: int = 0, distribution: str = "uniform",
                      **options) -> pd.DataFrame:
    """Percentiles of the plan's outcomes over draws of every range.

    ``options`` are the keyword arguments of :func:`talentneeds.model.plan.plan_setup`.
    Each trial draws every new team's heads from the per-team ranges (whole heads, as in
    :func:`needs_distribution`) and one span of control for the org (continuous, uniform
    or Beta(3, 3) over its range), then runs the plan. Rows:

    * ``Total needs`` -- heads the new teams need by the last quarter (targets less the
      starting org, all archetypes; teams still ramping count their ramped size);
    * ``Total hires`` -- people hired over the plan, all archetypes;
    * ``Fully staffed quarter`` -- the first quarter from which nothing is short. When a
      percentile falls on trials that are still short in the last quarter, it is NaN:
      "not within the plan".
    """
    percentiles = check_percentiles(percentiles)
    trials, seed = check_trials(trials), check_seed(seed)
    distribution = check_distribution(distribution)
    setup = P.plan_setup(schedule, **options)
    busiest = int(setup.schedule.max())
    for archetype in ARCHETYPES:  # before any draw: one quarter's teams must sum exactly in int64
        check_whole_heads(busiest, setup.per_team[archetype], archetype)
    check_work(trials * plan_trial_cost(setup, distribution), WORK_BUDGET, "PLAN_DISTRIBUTION",
               f"{trials:,} trials x {setup.quarters} quarters x the draws and steps of each quarter")
    rng = np.random.default_rng(seed)
    tallies = {name: Tally() for name in PLAN_OUTCOMES}
    chunk = max(1, PLAN_CHUNK_CELLS // setup.quarters)
    starting = sum(setup.org_heads(a) for a in ARCHETYPES)
    for first in range(0, trials, chunk):
        run = plan_trials(setup, min(chunk, trials - first), rng, distribution)
        tallies["Total needs"].add(run.last_targets() - starting)
        tallies["Total hires"].add(run.total_hires())
        tallies["Fully staffed quarter"].add(P.fully_staffed_quarter(run.backlog))
    rows = []
    for name in PLAN_OUTCOMES:
        row = [float(tallies[name].percentile(p)) for p in percentiles]
        if name == "Fully staffed quarter":
            row = [value if value <= setup.quarters else math.nan for value in row]
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(PLAN_OUTCOMES, name="Outcome"),
                        columns=[percentile_label(p) for p in percentiles])
