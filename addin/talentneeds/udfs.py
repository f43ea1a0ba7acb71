"""The Excel functions of Talent Needs -- the module an ``xlwings.conf`` sheet names.

Each function converts its arguments (:mod:`talentneeds.excel.cells`), calls the model
(:mod:`talentneeds.model`) and converts the result; it has no planning logic of its own.
One definition serves classic xlwings on Windows, xlwings Lite and the Office.js code
path, and plain Python (where the functions return values or Excel-style error strings).
The Python names are the Excel names (UPPER_SNAKE, ``AMPLIFIERS_NEEDED``): classic xlwings
declares each function in VBA under its Python name, so this is what makes Excel show
them in upper case in every runtime. ``from talentneeds.udfs import *`` (xlwings Lite's
``main.py``) imports exactly these.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from talentneeds.errors import InvalidInput
from talentneeds.excel import cells, tables
from talentneeds.excel.boundary import excel_function
from talentneeds.model import assumptions as A
from talentneeds.model import bottleneck as bottleneck_model
from talentneeds.model import calendar, cohort, limits, needs, pipeline, uncertainty
from talentneeds.model import cost as cost_model
from talentneeds.model import plan as plan_model
from talentneeds.model.archetypes import Archetype
from talentneeds.model.ranges import POINT_NAMES, Range, point_fraction

__all__ = [
    "AMPLIFIERS_NEEDED", "ITERATORS_NEEDED", "CONNECTORS_NEEDED", "TEAM_NEEDS",
    "ITERATOR_CAPACITY", "ITERATOR_HEADROOM", "AMPLIFIERS_FOR", "MANAGER_LEVERAGE",
    "INTERNAL_AMPLIFIERS", "AMPLIFIER_HIRES", "ITERATOR_HIRES", "BOTTLENECK", "COHORT_MIX",
    "ARCHETYPE", "HIRING_PLAN", "NEEDS_DISTRIBUTION", "PLAN_DISTRIBUTION", "PLAN_HEADLINE",
    "QUARTER_LABELS", "PROMOTION_CANDIDATES", "PLAN_COST",
]

POINT_DOC = 'Where in each range to plan: "low", "mid" (default), "high", or a number from 0 to 1.'
NO_LIMIT = "no limit"


def _point(value: object) -> str | float:
    if value is None:
        return "mid"
    kind = type(value)
    if kind is str:  # the common case: "low", "mid" or "high", as text_or_number gives it
        text = value.strip()
        if text.lower() in POINT_NAMES:
            return text
    elif kind is float and 0.0 <= value <= 1.0:
        return value
    point = cells.text_or_number(value, "point")
    if point is None:
        return "mid"
    point_fraction(point)  # raises with a message that names point
    return point


# Ranges built from cell values, by (low, high): a recalculation builds the same few
# ranges over and over, and a Range is immutable. Bounded: cleared when full.
_RANGES: dict[tuple[float, float], Range] = {}
_RANGES_SIZE = 1024


def _range(low: object, high: object, default: Range, low_name: str, high_name: str) -> Range:
    if low is None and high is None:
        return default
    if type(low) is float and type(high) is float and 0.0 <= low <= high < math.inf \
            and math.copysign(1.0, low) > 0 and math.copysign(1.0, high) > 0:  # -0.0 is not 0.0 here
        found = _RANGES.get((low, high))
        if found is None:
            if len(_RANGES) >= _RANGES_SIZE:
                _RANGES.clear()
            found = _RANGES[(low, high)] = Range(low, high)
        return found
    return tables.bounded_range(cells.number(low, low_name, default=default.low),
                                cells.number(high, high_name, default=default.high),
                                low_name, high_name)


def _share(value: object, name: str, default: float) -> float:
    return cells.number(value, name, default=default, maximum=1.0)


# ---------------------------------------------------------------- needs of new teams

@excel_function(
    teams="Number of new teams to staff (>= 0).",
    point=POINT_DOC,
    low="Amplifiers per team at the low end (default 1, from the source).",
    high="Amplifiers per team at the high end (default 2, from the source).",
)
def AMPLIFIERS_NEEDED(teams, point=None, low=None, high=None):
    """Amplifiers (managers) that new teams need, in FTE: teams x 1-2 per team."""
    return needs.amplifiers_needed(cells.number(teams, "teams"), _point(point),
                                   _range(low, high, A.AMPLIFIERS_PER_TEAM, "low", "high"))


@excel_function(
    teams="Number of new teams to staff (>= 0).",
    point=POINT_DOC,
    low="Iterators per team at the low end (default 5, from the source).",
    high="Iterators per team at the high end (default 10, from the source).",
)
def ITERATORS_NEEDED(teams, point=None, low=None, high=None):
    """Iterators (research engineers and scientists) that new teams need, in FTE: teams x 5-10."""
    return needs.iterators_needed(cells.number(teams, "teams"), _point(point),
                                  _range(low, high, A.ITERATORS_PER_TEAM, "low", "high"))


@excel_function(
    teams="Number of new teams to staff (>= 0).",
    point=POINT_DOC,
    low="Connectors per team at the low end (default 0: teams in an existing org inherit its agenda-setters).",
    high="Connectors per team at the high end (default 0).",
)
def CONNECTORS_NEEDED(teams, point=None, low=None, high=None):
    """Connectors (agenda-setting research leads) that new teams need, in FTE."""
    return needs.connectors_needed(cells.number(teams, "teams"), _point(point),
                                   _range(low, high, A.CONNECTORS_PER_TEAM, "low", "high"))


@excel_function(
    tables=("per_team",),
    returns_table=True,
    teams="Number of new teams to staff (>= 0).",
    header="TRUE (default) to start the table with a header row; FALSE for numbers only.",
    per_team="Optional needs per team: 3 rows (Amplifier, Iterator, Connector) of low and high.",
)
def TEAM_NEEDS(teams, header=None, per_team=None):
    """Table of the FTE each archetype needs for new teams, at the low, mid and high points."""
    frame = needs.team_needs(cells.number(teams, "teams"), tables.per_team(per_team))
    rows = [[archetype, *values] for archetype, values in zip(frame.index, frame.to_numpy().tolist())]
    if cells.boolean(header, "header", default=True):
        rows.insert(0, [frame.index.name, *frame.columns])
    return rows


# ---------------------------------------------------------------- management capacity

_SPAN_LOW_DOC = "Span of control at the low end: Iterators per Amplifier (default 5, from the source)."
_SPAN_HIGH_DOC = "Span of control at the high end (default 10, from the source)."


def _span(span_low: object, span_high: object) -> Range:
    return _range(span_low, span_high, A.SPAN_OF_CONTROL, "span_low", "span_high")


@excel_function(
    amplifiers="Amplifiers (managers) in post (>= 0).",
    point=POINT_DOC,
    span_low=_SPAN_LOW_DOC,
    span_high=_SPAN_HIGH_DOC,
)
def ITERATOR_CAPACITY(amplifiers, point=None, span_low=None, span_high=None):
    """Iterators that this many Amplifiers can support: amplifiers x span of control (5-10)."""
    return needs.iterator_capacity(cells.number(amplifiers, "amplifiers"), _point(point),
                                   _span(span_low, span_high))


@excel_function(
    amplifiers="Amplifiers (managers) in post (>= 0).",
    iterators="Iterators in post (>= 0).",
    point=POINT_DOC,
    span_low=_SPAN_LOW_DOC,
    span_high=_SPAN_HIGH_DOC,
)
def ITERATOR_HEADROOM(amplifiers, iterators, point=None, span_low=None, span_high=None):
    """Iterators still hireable before managers bind (amplifiers x span - iterators); negative if over."""
    return needs.iterator_headroom(cells.number(amplifiers, "amplifiers"), cells.number(iterators, "iterators"),
                                   _point(point), _span(span_low, span_high))


@excel_function(
    iterators="Iterators to be managed (>= 0).",
    point='Which span to plan with: "low" is the narrow span (most Amplifiers), "high" the wide one.',
    span_low=_SPAN_LOW_DOC,
    span_high=_SPAN_HIGH_DOC,
)
def AMPLIFIERS_FOR(iterators, point=None, span_low=None, span_high=None):
    """Amplifiers (FTE) needed to manage this many Iterators: iterators / span of control."""
    return needs.amplifiers_for(cells.number(iterators, "iterators"), _point(point), _span(span_low, span_high))


@excel_function(
    point=POINT_DOC,
    output_share="Share of a team's output a manager is responsible for, 0-1 (default 0.5, from the source).",
    fill_rate="Share of the seats a manager opens that can be filled, 0-1 (default 1, assumption).",
    counterfactual_share="Share of those hires that could not happen without the manager, 0-1 (default 1, assumption).",
    span_low=_SPAN_LOW_DOC,
    span_high=_SPAN_HIGH_DOC,
)
def MANAGER_LEVERAGE(point=None, output_share=None, fill_rate=None, counterfactual_share=None,
                     span_low=None, span_high=None):
    """What one manager is worth in employees: output share x span x fill rate x counterfactual share."""
    return needs.manager_leverage(
        _point(point),
        _share(output_share, "output_share", A.OUTPUT_SHARE),
        _share(fill_rate, "fill_rate", A.FILL_RATE),
        _share(counterfactual_share, "counterfactual_share", A.COUNTERFACTUAL_SHARE),
        _span(span_low, span_high),
    )


# ---------------------------------------------------------------- where people come from

@excel_function(
    tables=("roster", "catalog"),
    roster="Roster range with a header row: Role (or Archetype), Start date, Soft skills; other columns ignored.",
    as_of="Date to measure tenure on (default: today).",
    min_tenure_years="Tenure must be strictly more than this many years (default 1, from the source).",
    soft_skills_required="TRUE (default, from the source) to count only people with the soft skills to manage.",
    take_up="Share of candidates who take a management role, 0-1 (default 1, assumption).",
    catalog="Optional Role, Archetype range that maps titles to archetypes (default: the built-in catalogue).",
)
def INTERNAL_AMPLIFIERS(roster, as_of=None, min_tenure_years=None, soft_skills_required=None,
                        take_up=None, catalog=None):
    """Iterators on a roster who could be promoted to Amplifier (tenure > 1 year, soft skills) x take-up."""
    people = tables.roster(roster, tables.catalog(catalog))
    return pipeline.internal_amplifiers(
        people,
        cells.date(as_of, "as_of", default=dt.date.today()),
        cells.number(min_tenure_years, "min_tenure_years", default=A.MIN_TENURE_YEARS,
                     maximum=limits.MAX_TENURE_YEARS),
        cells.boolean(soft_skills_required, "soft_skills_required", default=A.SOFT_SKILLS_REQUIRED),
        _share(take_up, "take_up", A.TAKE_UP),
    )


CANDIDATE_COLUMNS = ("Name", "Role", "Team", "Eligible from", "Soft skills", "Candidate")


@excel_function(
    tables=("roster", "catalog"),
    returns_table=True,
    roster="Roster range with a header row: Name, Role (or Archetype), Team, Start date, Soft skills; "
           "other columns ignored.",
    as_of="Date the Candidate column is for (default: today).",
    min_tenure_years="Tenure must be strictly more than this many years (default 1, from the source).",
    soft_skills_required="TRUE (default, from the source): only people with the soft skills to manage are candidates.",
    catalog="Optional Role, Archetype range that maps titles to archetypes (default: the built-in catalogue).",
)
def PROMOTION_CANDIDATES(roster, as_of=None, min_tenure_years=None, soft_skills_required=None, catalog=None):
    """Table of the roster's Iterators: the first day each can be promoted (a date serial, as EDATE gives), and who is a candidate on as_of."""
    found = pipeline.eligibility(
        tables.roster(roster, tables.catalog(catalog)),
        cells.date(as_of, "as_of", default=dt.date.today()),
        cells.number(min_tenure_years, "min_tenure_years", default=A.MIN_TENURE_YEARS,
                     maximum=limits.MAX_TENURE_YEARS),
        cells.boolean(soft_skills_required, "soft_skills_required", default=A.SOFT_SKILLS_REQUIRED),
    )
    rows = [list(CANDIDATE_COLUMNS)]
    for row in found:
        person = row.person
        rows.append([person.name, person.role, person.team,
                     "after 9999-12-31" if row.eligible_from is None else cells.date_to_excel_serial(row.eligible_from),
                     person.soft_skills, row.candidate])
    return rows


@excel_function(
    teams="Number of new teams to staff (>= 0).",
    internal="Amplifiers available by internal promotion, e.g. INTERNAL_AMPLIFIERS(...) (default 0).",
    point=POINT_DOC,
    low="Amplifiers per team at the low end (default 1, from the source).",
    high="Amplifiers per team at the high end (default 2, from the source).",
)
def AMPLIFIER_HIRES(teams, internal=None, point=None, low=None, high=None):
    """External Amplifier hires: the Amplifiers needed less internal promotions, never below 0."""
    return pipeline.hires(cells.number(teams, "teams"), cells.number(internal, "internal", default=0.0), _point(point),
                          amplifiers_per_team=_range(low, high, A.AMPLIFIERS_PER_TEAM, "low", "high"),
                          ).amplifier_hires


@excel_function(
    teams="Number of new teams to staff (>= 0).",
    promoted="Iterators promoted to Amplifier (default 0); only as many as Amplifiers are needed count.",
    point=POINT_DOC,
    low="Iterators per team at the low end (default 5, from the source).",
    high="Iterators per team at the high end (default 10, from the source).",
    amplifiers_low="Amplifiers per team at the low end (default 1), which caps the promotions.",
    amplifiers_high="Amplifiers per team at the high end (default 2).",
)
def ITERATOR_HIRES(teams, promoted=None, point=None, low=None, high=None,
                   amplifiers_low=None, amplifiers_high=None):
    """External Iterator hires: the Iterators needed plus a backfill for every promoted Iterator."""
    return pipeline.hires(
        cells.number(teams, "teams"), cells.number(promoted, "promoted", default=0.0), _point(point),
        amplifiers_per_team=_range(amplifiers_low, amplifiers_high, A.AMPLIFIERS_PER_TEAM,
                                   "amplifiers_low", "amplifiers_high"),
        iterators_per_team=_range(low, high, A.ITERATORS_PER_TEAM, "low", "high"),
    ).iterator_hires


# ---------------------------------------------------------------- bottleneck and cohort

@excel_function(
    tables=("per_team",),
    returns_table=True,
    amplifiers="Amplifiers available to staff new teams (>= 0).",
    iterators="Iterators available (>= 0).",
    connectors="Connectors available (>= 0, default 0).",
    point=POINT_DOC,
    per_team="Optional needs per team: 3 rows (Amplifier, Iterator, Connector) of low and high.",
)
def BOTTLENECK(amplifiers, iterators, connectors=None, point=None, per_team=None):
    """Table of the whole new teams each archetype can staff, and the archetype that binds."""
    available = {
        Archetype.AMPLIFIER: cells.number(amplifiers, "amplifiers"),
        Archetype.ITERATOR: cells.number(iterators, "iterators"),
        Archetype.CONNECTOR: cells.number(connectors, "connectors", default=0.0),
    }
    result = bottleneck_model.bottleneck(available, _point(point), tables.per_team(per_team))
    rows = [["Archetype", "Available", "Per team", "Teams staffable", "Binding"]]
    for row in result.rows:
        rows.append([row.archetype, row.available, row.per_team,
                     NO_LIMIT if row.teams is None else row.teams, row.archetype in result.binding])
    rows.append(["Bottleneck", "", "", NO_LIMIT if result.teams is None else result.teams,
                 result.binding_label])
    return rows


@excel_function(
    returns_table=True,
    cohort_size="Seats in the cohort (a whole number >= 0).",
    amplifiers="Amplifiers needed (e.g. AMPLIFIERS_NEEDED(...)), >= 0.",
    iterators="Iterators needed, >= 0.",
    connectors="Connectors needed, >= 0 (default 0).",
    weighting='"heads" (default) shares seats by people needed; "value" weights Amplifiers by '
              "manager leverage (3.75 at mid); a number is the leverage to use.",
)
def COHORT_MIX(cohort_size, amplifiers, iterators, connectors=None, weighting=None):
    """Table of whole cohort seats per archetype (adding up to the cohort size, Sainte-Laguë), by heads or by value."""
    heads = {
        Archetype.AMPLIFIER: cells.number(amplifiers, "amplifiers"),
        Archetype.ITERATOR: cells.number(iterators, "iterators"),
        Archetype.CONNECTOR: cells.number(connectors, "connectors", default=0.0),
    }
    size = cells.number(cohort_size, "cohort_size", maximum=limits.MAX_COHORT, whole=True)
    weights = cohort.weights(heads, cells.text_or_number(weighting, "weighting"))
    seats = cohort.cohort_mix(size, weights)
    rows = [["Archetype", "Weight", "Share", "Seats"]]
    rows += [[s.archetype, s.weight, s.share, s.seats] for s in seats]
    rows.append(["Total", sum(s.weight for s in seats), 1.0 if seats else 0.0, sum(s.seats for s in seats)])
    return rows


@excel_function(
    tables=("catalog",),
    role_title='A role title, e.g. "Senior Research Engineer, Interpretability".',
    catalog="Optional Role, Archetype range (default: the built-in catalogue).",
)
def ARCHETYPE(role_title, catalog=None):
    """The archetype of a role title: "Amplifier", "Iterator", "Connector" or "Not counted" (non-research)."""
    title = cells.single_cell(role_title, "role_title")
    return tables.catalog(catalog).archetype(title)


# ---------------------------------------------------------------- when: the quarterly plan

_PLAN_DOCS = dict(
    schedule="New teams starting in each quarter: a single row or column (a text header cell at "
             "the start is skipped; a blank inside counts 0), or a Quarter and a New teams column with a "
             "header row, whose Quarter labels the plan's quarters.",
    roster="Optional roster range (as for INTERNAL_AMPLIFIERS): the org at the start of quarter 1; "
           "left out, the org starts empty.",
    as_of="First day of quarter 1; tenure is measured from it (default: today).",
    point=POINT_DOC,
    per_team="Optional needs per team: 3 rows (Amplifier, Iterator, Connector) of low and high.",
    span_low=_SPAN_LOW_DOC,
    span_high=_SPAN_HIGH_DOC,
    time_to_hire="Quarters from asking for a hire to the person starting: one number for every archetype, or "
                 "three (Amplifier, Iterator, Connector); default 2, 1, 2 (assumption: the source says filling "
                 'the manager role "has been challenging").',
    attrition="Share leaving per year: one number, or three (Amplifier, Iterator, Connector); "
              "default 0.10, 0.15, 0.10 (assumption).",
    ramp_quarters="Quarters a new team takes to reach full size (default 2, assumption).",
    min_tenure_years="Tenure must be strictly more than this many years to be promoted (default 1, from the source).",
    soft_skills_required="TRUE (default, from the source): only Iterators with the soft skills are promoted.",
    take_up="Share of candidates who take a management role, 0-1 (default 1, assumption).",
    promote="TRUE (default) to promote Iterators into Amplifier seats; FALSE to hire every Amplifier outside.",
    pool_factor="Restructure: lower prerequisites (people managers rather than research leads) widen the "
                "internal candidate pool by this factor (default 1: no restructure).",
    connectors_shared_by="Restructure: each research lead (Connector) is shared by this many teams (default 1).",
    catalog="Optional Role, Archetype range for the roster's titles (default: the built-in catalogue).",
    quarters=f"Quarters to plan, {limits.MIN_HORIZON_QUARTERS} to {limits.MAX_HORIZON_QUARTERS} (default: the "
             "schedule's length); the quarters after the schedule have no new teams.",
)


def _horizon(value: object) -> int | None:
    return None if cells.is_blank(cells.single_cell(value, "quarters")) else int(cells.number(
        value, "quarters", minimum=limits.MIN_HORIZON_QUARTERS, maximum=limits.MAX_HORIZON_QUARTERS, whole=True))


def _omitted(value: object) -> bool:
    """A range argument left out, or pointing at blank cells only."""
    return all(cells.is_blank(cell) for row in cells.rows_of(value) for cell in row)


def _plan_options(roster, as_of, span_low, span_high, time_to_hire, attrition, ramp_quarters,
                  min_tenure_years, soft_skills_required, take_up, promote, pool_factor,
                  connectors_shared_by, per_team, catalog) -> dict:
    options = dict(
        per_team=tables.per_team(per_team),
        span=_span(span_low, span_high),
        time_to_hire=(plan_model.TIME_TO_HIRE if _omitted(time_to_hire)
                      else tables.by_archetype_numbers(time_to_hire, "time_to_hire", maximum=limits.MAX_QUARTERS)),
        attrition=(plan_model.ANNUAL_ATTRITION if _omitted(attrition)
                   else tables.by_archetype_numbers(attrition, "attrition", maximum=1.0)),
        ramp_quarters=int(cells.number(ramp_quarters, "ramp_quarters", default=plan_model.RAMP_QUARTERS,
                                       minimum=1, maximum=limits.MAX_QUARTERS, whole=True)),
        min_tenure_years=cells.number(min_tenure_years, "min_tenure_years", default=A.MIN_TENURE_YEARS,
                                      maximum=limits.MAX_TENURE_YEARS),
        soft_skills_required=cells.boolean(soft_skills_required, "soft_skills_required",
                                           default=A.SOFT_SKILLS_REQUIRED),
        take_up=_share(take_up, "take_up", A.TAKE_UP),
        promote=cells.boolean(promote, "promote", default=True),
        candidate_pool_factor=cells.number(pool_factor, "pool_factor", default=plan_model.CANDIDATE_POOL_FACTOR,
                                           minimum=1, maximum=limits.MAX_CANDIDATE_POOL_FACTOR),
        connectors_shared_by=cells.number(connectors_shared_by, "connectors_shared_by",
                                          default=plan_model.CONNECTORS_SHARED_BY, minimum=1,
                                          maximum=limits.MAX_CONNECTORS_SHARED_BY),
    )
    if not _omitted(roster):
        options["roster"] = tables.roster(roster, tables.catalog(catalog))
        options["as_of"] = cells.date(as_of, "as_of", default=dt.date.today())
    return options


@excel_function(tables=("schedule", "roster", "per_team", "time_to_hire", "attrition", "catalog"), returns_table=True,
                **_PLAN_DOCS)
def HIRING_PLAN(schedule, roster=None, as_of=None, point=None, per_team=None, span_low=None, span_high=None,
                time_to_hire=None, attrition=None, ramp_quarters=None, min_tenure_years=None,
                soft_skills_required=None, take_up=None, promote=None, pool_factor=None,
                connectors_shared_by=None, catalog=None, quarters=None):
    """Quarter-by-quarter table: heads, targets, hires, promotions, leavers, management capacity, backlog."""
    labels, teams = tables.labelled_schedule(schedule)
    frame = plan_model.hiring_plan(
        teams, _point(point), labels=labels, quarters=_horizon(quarters),
        **_plan_options(roster, as_of, span_low, span_high, time_to_hire, attrition, ramp_quarters,
                        min_tenure_years, soft_skills_required, take_up, promote, pool_factor,
                        connectors_shared_by, per_team, catalog))
    return [list(frame.columns), *frame.to_numpy(dtype=object).tolist()]


_DISTRIBUTION_DOC = '"uniform" (default): every whole number in a range equally likely; "pert": the middle more likely.'


def _distribution(value: object) -> str:
    kind = cells.text_or_number(value, "distribution")
    return "uniform" if kind is None else str(kind)


_PERCENTILES_DOC = "Percentiles to show, 0-100, in a row or column (default 10, 50, 90)."
_SEED_DOC = "Seed of the random draws (default 0): the same inputs give the same numbers on every recalculation."


def _trials(value: object, default: int) -> int:
    return int(cells.number(value, "trials", default=default, minimum=1, maximum=limits.MAX_TRIALS, whole=True))


def _seed(value: object) -> int:
    return int(cells.number(value, "seed", default=0, maximum=limits.MAX_SEED, whole=True))


def _percentiles(value: object) -> list[float] | tuple[float, ...]:
    return (uncertainty.DEFAULT_PERCENTILES if _omitted(value)
            else tables.numbers(value, "percentiles", maximum=100))


@excel_function(
    tables=("percentiles", "per_team"),
    returns_table=True,
    teams="Number of new teams (a whole number >= 0).",
    percentiles=_PERCENTILES_DOC,
    trials="Monte Carlo trials (default 10,000; at most 10,000,000, and as many as return within about 10 s).",
    seed=_SEED_DOC,
    per_team="Optional needs per team: 3 rows (Amplifier, Iterator, Connector) of low and high.",
    distribution=_DISTRIBUTION_DOC,
)
def NEEDS_DISTRIBUTION(teams, percentiles=None, trials=None, seed=None, per_team=None, distribution=None):
    """Table of whole heads each archetype needs at each percentile, over random draws of every range."""
    frame = uncertainty.needs_distribution(
        int(cells.number(teams, "teams", maximum=limits.MAX_TEAMS, whole=True)),
        _percentiles(percentiles),
        _trials(trials, default=10_000),
        _seed(seed),
        tables.per_team(per_team),
        _distribution(distribution),
    )
    return [["Archetype", *frame.columns], *[[a, *row] for a, row in zip(frame.index, frame.to_numpy().tolist())]]


NOT_WITHIN_PLAN = "not within the plan"

@excel_function(
    tables=("schedule", "percentiles", "roster", "per_team", "time_to_hire", "attrition", "catalog"),
    returns_table=True,
    schedule=_PLAN_DOCS["schedule"],
    percentiles=_PERCENTILES_DOC,
    trials="Monte Carlo trials (default 1,000; each runs the whole plan; as many as return within about 10 s).",
    seed=_SEED_DOC,
    distribution=_DISTRIBUTION_DOC,
    **{name: doc for name, doc in _PLAN_DOCS.items() if name not in ("schedule", "point")},
)
def PLAN_DISTRIBUTION(schedule, percentiles=None, trials=None, seed=None, distribution=None, roster=None,
                      as_of=None, per_team=None, span_low=None, span_high=None, time_to_hire=None,
                      attrition=None, ramp_quarters=None, min_tenure_years=None, soft_skills_required=None,
                      take_up=None, promote=None, pool_factor=None, connectors_shared_by=None, catalog=None,
                      quarters=None):
    """Table of the plan's total needs, total hires and fully-staffed quarter at each percentile, over random draws."""
    labels, teams = tables.labelled_schedule(schedule)
    frame = uncertainty.plan_distribution(
        plan_model.horizon_schedule(teams, _horizon(quarters), labels), _percentiles(percentiles),
        _trials(trials, default=1_000),
        _seed(seed),
        _distribution(distribution),
        **_plan_options(roster, as_of, span_low, span_high, time_to_hire, attrition, ramp_quarters,
                        min_tenure_years, soft_skills_required, take_up, promote, pool_factor,
                        connectors_shared_by, per_team, catalog))
    rows = [["Outcome", *frame.columns]]
    for outcome, values in zip(frame.index, frame.to_numpy().tolist()):
        if outcome == "Fully staffed quarter" and labels is not None:  # a quarter by its label, as HIRING_PLAN
            values = [value if value != value else labels[int(value) - 1] for value in values]
        rows.append([outcome, *(NOT_WITHIN_PLAN if value != value else value for value in values)])  # NaN
    return rows


@excel_function(
    tables=("plan",),
    returns_table=True,
    plan="A HIRING_PLAN table with its header row (the columns Quarter, Backlog and Management-bound are read; "
         "quarters are reported by their Quarter label).",
    labels="TRUE (default) for a label column next to the values; FALSE for the values only (one column).",
)
def PLAN_HEADLINE(plan, labels=None):
    """The plan in three lines: the quarter from which it is fully staffed, the peak backlog, management-bound quarters."""
    headline = plan_model.plan_headline(pd.DataFrame(tables.plan_table(plan)))
    staffed = headline.fully_staffed_quarter
    rows = [["Fully staffed from quarter", NOT_WITHIN_PLAN if staffed is None else staffed],
            ["Peak backlog", headline.peak_backlog],
            ["Management-bound quarters", headline.management_bound_count]]
    return rows if cells.boolean(labels, "labels", default=True) else [row[1:] for row in rows]


@excel_function(
    returns_table=True,
    start="The plan's start: the first day of quarter 1 (a date).",
    quarters=f"Quarters to label, {limits.MIN_HORIZON_QUARTERS} to {limits.MAX_HORIZON_QUARTERS}.",
)
def QUARTER_LABELS(start, quarters):
    """A column of the plan's quarter labels ("Q1 2027", ...): the calendar quarter each quarter starts in."""
    labels = calendar.quarter_labels(
        cells.date(start, "start"),
        int(cells.number(quarters, "quarters", minimum=limits.MIN_HORIZON_QUARTERS,
                         maximum=limits.MAX_HORIZON_QUARTERS, whole=True)))
    return [[label] for label in labels]


_PLURALS = {Archetype.AMPLIFIER: "Amplifiers", Archetype.ITERATOR: "Iterators", Archetype.CONNECTOR: "Connectors"}


def _costs(value: object, name: str) -> float | dict:
    return tables.by_archetype_numbers(value, name, maximum=None)


@excel_function(
    tables=("plan", "annual_cost", "hire_cost"),
    returns_table=True,
    plan="A HIRING_PLAN table with its header row (Quarter, Amplifiers, Iterators, Connectors and the three "
         "Hires columns are read).",
    annual_cost="Loaded annual cost of one person (salary, benefits, overheads): one number for every archetype, "
                "or three (Amplifier, Iterator, Connector). Your own figures (assumption): no default.",
    hire_cost="One-off cost of one external hire (fees, relocation, onboarding): one number or three "
              "(Amplifier, Iterator, Connector); default 0 (assumption).",
)
def PLAN_COST(plan, annual_cost, hire_cost=None):
    """Table of a plan's cost per quarter (people in post at a quarter of their annual cost, plus hiring) and in total."""
    titles = tuple(_PLURALS.values()) + tuple(f"Hires {plural}" for plural in _PLURALS.values())
    labels, counts = tables.plan_counts(plan, titles)
    if _omitted(annual_cost):
        raise InvalidInput("annual_cost is required: the loaded annual cost of one person, one number "
                                      "or three (Amplifier, Iterator, Connector), got a blank cell")
    quarters = cost_model.plan_cost(
        labels, {a: counts[p] for a, p in _PLURALS.items()}, {a: counts[f"Hires {p}"] for a, p in _PLURALS.items()},
        _costs(annual_cost, "annual_cost"), 0.0 if _omitted(hire_cost) else _costs(hire_cost, "hire_cost"))
    rows = [["Quarter", "People cost", "Hiring cost", "Total cost"]]
    rows += [[q.quarter, q.people, q.hiring, q.total] for q in quarters]
    rows.append(["Total", sum(q.people for q in quarters), sum(q.hiring for q in quarters),
                 sum(q.total for q in quarters)])
    return rows
