"""Where Amplifiers come from: internal promotion (claims 5-6) and external hires.

Many orgs promote managers from within: people in associate (Iterator) positions who
have been with the org *more than* the minimum tenure and have the soft skills to
manage. Every promoted Iterator leaves an Iterator seat to backfill.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from talentneeds.errors import InvalidInput
from talentneeds.model import assumptions as A
from talentneeds.model.archetypes import Archetype
from talentneeds.model.limits import TENURE_YEARS, as_float
from talentneeds.model.needs import check_share, needed, require_count
from talentneeds.model.ranges import DEFAULT_POINT, Range


@dataclass(frozen=True)
class Person:
    """One row of a roster. ``soft_skills`` is None where the roster does not say;
    ``archetype`` None for a person read from an HR export (``import-roster``), whose Role
    the workbook's catalogue maps."""

    archetype: Archetype | None
    start_date: dt.date
    soft_skills: bool | None = None
    label: str = "a roster row"  # names the row in error messages, e.g. "roster row 5"
    # As the roster gives them (None where it does not): shown in lists of people, never counted.
    name: object = None
    role: object = None
    team: object = None


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic; the 31st of a short month clamps to its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def tenure_threshold(start_date: dt.date, min_tenure_years: float) -> dt.date:
    """The day on which someone who started on ``start_date`` reaches the minimum tenure.

    Whole months are counted on the calendar (so one year after 2023-03-01 is 2024-03-01,
    leap day or not); a fraction of a month is counted in days (1/12 of 365.25 a month).
    """
    total_months = min_tenure_years * 12
    whole_months = math.floor(total_months + 1e-9)
    extra_days = round((total_months - whole_months) * 365.25 / 12)
    try:
        return add_months(start_date, whole_months) + dt.timedelta(days=extra_days)
    except (OverflowError, ValueError):
        return dt.date.max


def check_tenure(min_tenure_years: float) -> float:
    if isinstance(min_tenure_years, bool) or not isinstance(min_tenure_years, (int, float)) \
            or not math.isfinite(as_float(min_tenure_years)) \
            or not TENURE_YEARS.low <= min_tenure_years <= TENURE_YEARS.high:
        raise TENURE_YEARS.refusal("min_tenure_years", min_tenure_years)
    return float(min_tenure_years)


def is_candidate(person: Person, as_of: dt.date, min_tenure_years: float = A.MIN_TENURE_YEARS,
                 soft_skills_required: bool = A.SOFT_SKILLS_REQUIRED) -> bool:
    """An Iterator whose tenure on ``as_of`` is strictly more than the minimum, with soft skills if required."""
    if person.archetype is not Archetype.ITERATOR:
        return False
    if soft_skills_required:
        if person.soft_skills is None:
            raise InvalidInput(f"{person.label} has no Soft skills value; give TRUE or FALSE "
                               "in a Soft skills column, or set soft_skills_required to FALSE")
        if not person.soft_skills:
            return False
    return as_of > tenure_threshold(person.start_date, min_tenure_years)


def promotion_candidates(roster: Iterable[Person], as_of: dt.date,
                         min_tenure_years: float = A.MIN_TENURE_YEARS,
                         soft_skills_required: bool = A.SOFT_SKILLS_REQUIRED) -> list[Person]:
    """The people on the roster who could be promoted to Amplifier as of ``as_of``."""
    min_tenure_years = check_tenure(min_tenure_years)
    return [p for p in roster if is_candidate(p, as_of, min_tenure_years, soft_skills_required)]


@dataclass(frozen=True)
class Eligibility:
    """When an Iterator on the roster can first be promoted, and whether they can on as_of."""

    person: Person
    eligible_from: dt.date | None  # the first day tenure is more than the minimum; None: after 9999-12-31
    candidate: bool                # on as_of: tenure more than the minimum, and soft skills if required


def eligibility(roster: Iterable[Person], as_of: dt.date, min_tenure_years: float = A.MIN_TENURE_YEARS,
                soft_skills_required: bool = A.SOFT_SKILLS_REQUIRED) -> list[Eligibility]:
    """Every Iterator on the roster, in roster order, with the first day their tenure is
    more than ``min_tenure_years`` (the day after :func:`tenure_threshold`: one year after
    2024-02-29 is 2025-02-28, so the first eligible day is 2025-03-01) and whether they
    are a candidate on ``as_of`` (:func:`is_candidate`). The date says nothing about soft
    skills: someone without them has a date and is never a candidate while they are required."""
    min_tenure_years = check_tenure(min_tenure_years)
    found = []
    for person in roster:
        if person.archetype is not Archetype.ITERATOR:
            continue
        threshold = tenure_threshold(person.start_date, min_tenure_years)
        first = None if threshold == dt.date.max else threshold + dt.timedelta(days=1)
        found.append(Eligibility(person, first, is_candidate(person, as_of, min_tenure_years, soft_skills_required)))
    return found


def internal_amplifiers(roster: Iterable[Person], as_of: dt.date,
                        min_tenure_years: float = A.MIN_TENURE_YEARS,
                        soft_skills_required: bool = A.SOFT_SKILLS_REQUIRED,
                        take_up: float = A.TAKE_UP) -> float:
    """Expected internal promotions: candidates x take-up (FTE, may be fractional)."""
    take_up = check_share(take_up, "take_up")
    return len(promotion_candidates(roster, as_of, min_tenure_years, soft_skills_required)) * take_up


@dataclass(frozen=True)
class Hires:
    """Where the people for a set of new teams come from (FTE)."""

    amplifiers_needed: float
    promoted: float            # internal promotions actually used: min(internal, need)
    amplifier_hires: float     # external Amplifier hires: need - promoted
    iterators_needed: float
    backfill: float            # an Iterator seat for every promoted Iterator
    iterator_hires: float      # iterators_needed + backfill


def hires(teams: float, internal: float = 0.0, point=DEFAULT_POINT,
          amplifiers_per_team: Range = A.AMPLIFIERS_PER_TEAM,
          iterators_per_team: Range = A.ITERATORS_PER_TEAM) -> Hires:
    """External hires after promoting up to ``internal`` Iterators into the Amplifier seats."""
    internal = require_count(internal, "internal")
    amplifier_need = needed(teams, amplifiers_per_team, point)
    iterator_need = needed(teams, iterators_per_team, point)
    promoted = min(internal, amplifier_need)
    return Hires(
        amplifiers_needed=amplifier_need,
        promoted=promoted,
        amplifier_hires=amplifier_need - promoted,
        iterators_needed=iterator_need,
        backfill=promoted,
        iterator_hires=iterator_need + promoted,
    )
