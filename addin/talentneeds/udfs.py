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

from talentneeds.excel import arguments, cells, tables
from talentneeds.excel.arguments import POINT_DOC
from talentneeds.excel.boundary import excel_function, frame_rows
from talentneeds.model import assumptions as A
from talentneeds.model import bottleneck as bottleneck_model
from talentneeds.model import cohort, limits, needs, pipeline, roles
from talentneeds.model.archetypes import Archetype

__all__ = [
    "AMPLIFIERS_NEEDED", "ITERATORS_NEEDED", "CONNECTORS_NEEDED", "TEAM_NEEDS",
    "ITERATOR_CAPACITY", "ITERATOR_HEADROOM", "AMPLIFIERS_FOR", "MANAGER_LEVERAGE",
    "INTERNAL_AMPLIFIERS", "AMPLIFIER_HIRES", "ITERATOR_HIRES", "BOTTLENECK", "COHORT_MIX",
    "ARCHETYPE", "UNKNOWN_TITLES", "HIRING_PLAN", "NEEDS_DISTRIBUTION", "PLAN_DISTRIBUTION", "PLAN_HEADLINE",
    "QUARTER_LABELS", "PROMOTION_CANDIDATES", "PLAN_COST",
]

NO_LIMIT = "no limit"


# ---------------------------------------------------------------- needs of new teams

@excel_function(
    teams="Number of new teams to staff (>= 0).",
    point=POINT_DOC,
    low="Amplifiers per team at the low end (default 1, from the source).",
    high="Amplifiers per team at the high end (default 2, from the source).",
)
def AMPLIFIERS_NEEDED(teams, point=None, low=None, high=None):
    """Amplifiers (managers) that new teams need, in FTE: teams x 1-2 per team."""
    return needs.amplifiers_needed(cells.number(teams, "teams"), arguments.point(point),
                                   arguments.range_of(low, high, A.AMPLIFIERS_PER_TEAM, "low", "high"))


@excel_function(
    teams="Number of new teams to staff (>= 0).",
    point=POINT_DOC,
    low="Iterators per team at the low end (default 5, from the source).",
    high="Iterators per team at the high end (default 10, from the source).",
)
def ITERATORS_NEEDED(teams, point=None, low=None, high=None):
    """Iterators (research engineers and scientists) that new teams need, in FTE: teams x 5-10."""
    return needs.iterators_needed(cells.number(teams, "teams"), arguments.point(point),
                                  arguments.range_of(low, high, A.ITERATORS_PER_TEAM, "low", "high"))


@excel_function(
    teams="Number of new teams to staff (>= 0).",
    point=POINT_DOC,
    low="Connectors per team at the low end (default 0: teams in an existing org inherit its agenda-setters).",
    high="Connectors per team at the high end (default 0).",
)
def CONNECTORS_NEEDED(teams, point=None, low=None, high=None):
    """Connectors (agenda-setting research leads) that new teams need, in FTE."""
    return needs.connectors_needed(cells.number(teams, "teams"), arguments.point(point),
                                   arguments.range_of(low, high, A.CONNECTORS_PER_TEAM, "low", "high"))


@excel_function(
    tables=("per_team",),
    returns_table=True,
    teams="Number of new teams to staff (>= 0).",
    header="TRUE (default) to start the table with a header row; FALSE for numbers only.",
    per_team="Optional needs per team: 3 rows (Amplifier, Iterator, Connector) of low and high.",
)
def TEAM_NEEDS(teams, header=None, per_team=None):
    """Table of the FTE each archetype needs for new teams, at the low, mid and high points."""
    rows = frame_rows(needs.team_needs(cells.number(teams, "teams"), tables.per_team(per_team)))
    return rows if cells.boolean(header, "header", default=True) else rows[1:]


# ---------------------------------------------------------------- management capacity

@excel_function(
    amplifiers="Amplifiers (managers) in post (>= 0).",
    point=POINT_DOC,
    span_low=arguments.SPAN_LOW_DOC,
    span_high=arguments.SPAN_HIGH_DOC,
)
def ITERATOR_CAPACITY(amplifiers, point=None, span_low=None, span_high=None):
    """Iterators that this many Amplifiers can support: amplifiers x span of control (5-10)."""
    return needs.iterator_capacity(cells.number(amplifiers, "amplifiers"), arguments.point(point),
                                   arguments.span(span_low, span_high))


@excel_function(
    amplifiers="Amplifiers (managers) in post (>= 0).",
    iterators="Iterators in post (>= 0).",
    point=POINT_DOC,
    span_low=arguments.SPAN_LOW_DOC,
    span_high=arguments.SPAN_HIGH_DOC,
)
def ITERATOR_HEADROOM(amplifiers, iterators, point=None, span_low=None, span_high=None):
    """Iterators still hireable before managers bind (amplifiers x span - iterators); negative if over."""
    return needs.iterator_headroom(cells.number(amplifiers, "amplifiers"), cells.number(iterators, "iterators"),
                                   arguments.point(point), arguments.span(span_low, span_high))


@excel_function(
    iterators="Iterators to be managed (>= 0).",
    point='Which span to plan with: "low" is the narrow span (most Amplifiers), "high" the wide one.',
    span_low=arguments.SPAN_LOW_DOC,
    span_high=arguments.SPAN_HIGH_DOC,
)
def AMPLIFIERS_FOR(iterators, point=None, span_low=None, span_high=None):
    """Amplifiers (FTE) needed to manage this many Iterators: iterators / span of control."""
    return needs.amplifiers_for(cells.number(iterators, "iterators"), arguments.point(point),
                                arguments.span(span_low, span_high))


@excel_function(
    point=POINT_DOC,
    output_share="Share of a team's output a manager is responsible for, 0-1 (default 0.5, from the source).",
    fill_rate="Share of the seats a manager opens that can be filled, 0-1 (default 1, assumption).",
    counterfactual_share="Share of those hires that could not happen without the manager, 0-1 (default 1, assumption).",
    span_low=arguments.SPAN_LOW_DOC,
    span_high=arguments.SPAN_HIGH_DOC,
)
def MANAGER_LEVERAGE(point=None, output_share=None, fill_rate=None, counterfactual_share=None,
                     span_low=None, span_high=None):
    """What one manager is worth in employees: output share x span x fill rate x counterfactual share."""
    return needs.manager_leverage(
        arguments.point(point),
        arguments.share(output_share, "output_share", A.OUTPUT_SHARE),
        arguments.share(fill_rate, "fill_rate", A.FILL_RATE),
        arguments.share(counterfactual_share, "counterfactual_share", A.COUNTERFACTUAL_SHARE),
        arguments.span(span_low, span_high),
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
                     bound=limits.TENURE_YEARS),
        cells.boolean(soft_skills_required, "soft_skills_required", default=A.SOFT_SKILLS_REQUIRED),
        arguments.share(take_up, "take_up", A.TAKE_UP),
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
                     bound=limits.TENURE_YEARS),
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
    return pipeline.hires(cells.number(teams, "teams"), cells.number(internal, "internal", default=0.0),
                          arguments.point(point),
                          amplifiers_per_team=arguments.range_of(low, high, A.AMPLIFIERS_PER_TEAM, "low", "high"),
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
        cells.number(teams, "teams"), cells.number(promoted, "promoted", default=0.0), arguments.point(point),
        amplifiers_per_team=arguments.range_of(amplifiers_low, amplifiers_high, A.AMPLIFIERS_PER_TEAM,
                                   "amplifiers_low", "amplifiers_high"),
        iterators_per_team=arguments.range_of(low, high, A.ITERATORS_PER_TEAM, "low", "high"),
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
    result = bottleneck_model.bottleneck(available, arguments.point(point), tables.per_team(per_team))
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
    size = cells.number(cohort_size, "cohort_size", bound=limits.COHORT)
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


UNKNOWN_TITLES_COLUMNS = ("Unknown title", "People")
# one cell, not an empty-looking header: what the list says when the catalogue knows every title
NO_UNKNOWN_TITLES = "No unknown titles"


@excel_function(
    tables=("roster", "catalog"),
    returns_table=True,
    roster="Roster range with a header row and a Role column (or Title, Job title); other columns ignored.",
    catalog="Optional Role, Archetype range that maps titles to archetypes (default: the built-in catalogue).",
)
def UNKNOWN_TITLES(roster, catalog=None):
    """Table of the roster's role titles the catalogue does not know, with how many people hold each ("No unknown titles" if none)."""
    found = roles.unknown_titles(tables.roster_titles(roster), tables.catalog(catalog))
    if not found:
        return NO_UNKNOWN_TITLES
    return [list(UNKNOWN_TITLES_COLUMNS), *([title.title, title.people] for title in found)]


# ---------------------------------------------------------------- when: the quarterly plan, and uncertainty
# Imported last and in this order (not sorted): a runtime lists the functions in the order
# this module binds them (talentneeds.excel.boundary.specs).
from talentneeds.excel.plan_functions import (  # noqa: E402,F401,I001
    HIRING_PLAN, NEEDS_DISTRIBUTION, PLAN_DISTRIBUTION, PLAN_HEADLINE, QUARTER_LABELS, PLAN_COST, NOT_WITHIN_PLAN,
)
