"""The Excel functions of the quarterly plan and of uncertainty: HIRING_PLAN,
NEEDS_DISTRIBUTION, PLAN_DISTRIBUTION, PLAN_HEADLINE, QUARTER_LABELS, PLAN_COST.

Users import them from :mod:`talentneeds.udfs`, like every other function; they live here
so that each module does one thing (``udfs`` holds the needs, capacity, pipeline,
bottleneck and cohort functions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from talentneeds.errors import InvalidInput
from talentneeds.excel import arguments, cells, tables
from talentneeds.excel.boundary import excel_function, frame_rows
from talentneeds.model import assumptions as A
from talentneeds.model import calendar, limits, uncertainty
from talentneeds.model import cost as cost_model
from talentneeds.model import plan as plan_model

_PLAN_DOCS = dict(
    schedule="New teams starting in each quarter: a single row or column (a text header cell at "
             "the start is skipped; a blank inside counts 0), or a Quarter and a New teams column with a "
             "header row, whose Quarter labels the plan's quarters.",
    roster="Optional roster range (as for INTERNAL_AMPLIFIERS): the org at the start of quarter 1; "
           "left out, the org starts empty.",
    as_of="First day of quarter 1; tenure is measured from it (default: today).",
    point=arguments.POINT_DOC,
    per_team="Optional needs per team: 3 rows (Amplifier, Iterator, Connector) of low and high.",
    span_low=arguments.SPAN_LOW_DOC,
    span_high=arguments.SPAN_HIGH_DOC,
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


def horizon(value: object) -> int | None:
    return None if cells.is_blank(cells.single_cell(value, "quarters")) else int(cells.number(
        value, "quarters", bound=limits.HORIZON_QUARTERS))


@dataclass(frozen=True)
class PlanCells:
    """The plan's options as HIRING_PLAN and PLAN_DISTRIBUTION receive them, cell by cell
    (None: left out); :meth:`options` converts them into :func:`~talentneeds.model.plan.plan_setup`'s
    keyword arguments."""

    roster: object = None
    as_of: object = None
    per_team: object = None
    span_low: object = None
    span_high: object = None
    time_to_hire: object = None
    attrition: object = None
    ramp_quarters: object = None
    min_tenure_years: object = None
    soft_skills_required: object = None
    take_up: object = None
    promote: object = None
    pool_factor: object = None
    connectors_shared_by: object = None
    catalog: object = None

    def options(self) -> dict:
        options = dict(
            per_team=tables.per_team(self.per_team),
            span=arguments.span(self.span_low, self.span_high),
            time_to_hire=(plan_model.TIME_TO_HIRE if arguments.omitted(self.time_to_hire)
                          else tables.by_archetype_numbers(self.time_to_hire, "time_to_hire",
                                                           maximum=limits.QUARTERS_TO_HIRE.high)),
            attrition=(plan_model.ANNUAL_ATTRITION if arguments.omitted(self.attrition)
                       else tables.by_archetype_numbers(self.attrition, "attrition", maximum=limits.SHARE.high)),
            ramp_quarters=int(cells.number(self.ramp_quarters, "ramp_quarters", default=plan_model.RAMP_QUARTERS,
                                           bound=limits.RAMP_QUARTERS)),
            min_tenure_years=cells.number(self.min_tenure_years, "min_tenure_years", default=A.MIN_TENURE_YEARS,
                                          bound=limits.TENURE_YEARS),
            soft_skills_required=cells.boolean(self.soft_skills_required, "soft_skills_required",
                                               default=A.SOFT_SKILLS_REQUIRED),
            take_up=arguments.share(self.take_up, "take_up", A.TAKE_UP),
            promote=cells.boolean(self.promote, "promote", default=True),
            candidate_pool_factor=cells.number(self.pool_factor, "pool_factor",
                                               default=plan_model.CANDIDATE_POOL_FACTOR,
                                               bound=limits.CANDIDATE_POOL_FACTOR),
            connectors_shared_by=cells.number(self.connectors_shared_by, "connectors_shared_by",
                                              default=plan_model.CONNECTORS_SHARED_BY,
                                              bound=limits.CONNECTORS_SHARED_BY),
        )
        if not arguments.omitted(self.roster):
            options["roster"] = tables.roster(self.roster, tables.catalog(self.catalog))
            options["as_of"] = cells.date(self.as_of, "as_of", default=dt.date.today())
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
        teams, arguments.point(point), labels=labels, quarters=horizon(quarters),
        **PlanCells(roster=roster, as_of=as_of, per_team=per_team, span_low=span_low, span_high=span_high,
                    time_to_hire=time_to_hire, attrition=attrition, ramp_quarters=ramp_quarters,
                    min_tenure_years=min_tenure_years, soft_skills_required=soft_skills_required,
                    take_up=take_up, promote=promote, pool_factor=pool_factor,
                    connectors_shared_by=connectors_shared_by, catalog=catalog).options())
    return frame_rows(frame, index=False)


_DISTRIBUTION_DOC = '"uniform" (default): every whole number in a range equally likely; "pert": the middle more likely.'


def _distribution(value: object) -> str:
    kind = cells.text_or_number(value, "distribution")
    return "uniform" if kind is None else str(kind)


_PERCENTILES_DOC = "Percentiles to show, 0-100, in a row or column (default 10, 50, 90)."
_SEED_DOC = "Seed of the random draws (default 0): the same inputs give the same numbers on every recalculation."


def _trials(value: object, default: int) -> int:
    return int(cells.number(value, "trials", default=default, bound=limits.TRIALS))


def _seed(value: object) -> int:
    return int(cells.number(value, "seed", default=0, bound=limits.SEED))


def _percentiles(value: object) -> list[float] | tuple[float, ...]:
    return (uncertainty.DEFAULT_PERCENTILES if arguments.omitted(value)
            else tables.numbers(value, "percentiles", maximum=limits.PERCENTILE.high))


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
        int(cells.number(teams, "teams", bound=limits.TEAMS)),
        _percentiles(percentiles),
        _trials(trials, default=10_000),
        _seed(seed),
        tables.per_team(per_team),
        _distribution(distribution),
    )
    return frame_rows(frame)


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
        plan_model.horizon_schedule(teams, horizon(quarters), labels), _percentiles(percentiles),
        _trials(trials, default=1_000),
        _seed(seed),
        _distribution(distribution),
        **PlanCells(roster=roster, as_of=as_of, per_team=per_team, span_low=span_low, span_high=span_high,
                    time_to_hire=time_to_hire, attrition=attrition, ramp_quarters=ramp_quarters,
                    min_tenure_years=min_tenure_years, soft_skills_required=soft_skills_required,
                    take_up=take_up, promote=promote, pool_factor=pool_factor,
                    connectors_shared_by=connectors_shared_by, catalog=catalog).options())
    rows = frame_rows(frame)
    for row in rows[1:]:
        outcome, values = row[0], row[1:]
        if outcome == "Fully staffed quarter" and labels is not None:  # a quarter by its label, as HIRING_PLAN
            values = [value if value != value else labels[int(value) - 1] for value in values]
        row[1:] = [NOT_WITHIN_PLAN if value != value else value for value in values]  # NaN
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
        int(cells.number(quarters, "quarters", bound=limits.HORIZON_QUARTERS)))
    return [[label] for label in labels]


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
    titles = tuple(plan_model.PLURAL.values()) + tuple(f"Hires {plural}" for plural in plan_model.PLURAL.values())
    labels, counts = tables.plan_counts(plan, titles)
    if arguments.omitted(annual_cost):
        raise InvalidInput("annual_cost is required: the loaded annual cost of one person, one number "
                                      "or three (Amplifier, Iterator, Connector), got a blank cell")
    quarters = cost_model.plan_cost(
        labels, {a: counts[p] for a, p in plan_model.PLURAL.items()}, {a: counts[f"Hires {p}"] for a, p in plan_model.PLURAL.items()},
        _costs(annual_cost, "annual_cost"), 0.0 if arguments.omitted(hire_cost) else _costs(hire_cost, "hire_cost"))
    rows = [["Quarter", "People cost", "Hiring cost", "Total cost"]]
    rows += [[q.quarter, q.people, q.hiring, q.total] for q in quarters]
    rows.append(["Total", sum(q.people for q in quarters), sum(q.hiring for q in quarters),
                 sum(q.total for q in quarters)])
    return rows
