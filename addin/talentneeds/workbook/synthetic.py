"""Large workbooks for scale tests and benchmarks: the template, built by the same
builder from its own description, with many teams and a long roster.

The data are made up but shaped like a real org: roles drawn from the template's role
catalogue, start dates spread over ten years, a third with the soft skills to manage,
teams starting across the plan's quarters. The same arguments always give the same file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np

from talentneeds.workbook.builder import build, save

_FIRST_START = dt.date(2016, 7, 1)
_START_DAYS = 10 * 365


def synthetic_teams(count: int, seed: int = 0) -> tuple[tuple, ...]:
    """``count`` rows of the Teams table (Team, Focus, Start, Count), one team each."""
    from talentneeds.workbook.template import QUARTERS

    rng = np.random.default_rng(seed)
    starts = rng.integers(0, len(QUARTERS), size=count)
    return tuple((f"Team {i + 1}", "synthetic", QUARTERS[int(q)], 1) for i, q in enumerate(starts))


def synthetic_roster(people: int, seed: int = 0) -> tuple[tuple, ...]:
    """``people`` rows of the Staff table (Name, Role, Team, Start date, Soft skills)."""
    from talentneeds.model.roles import DEFAULT_ROLES

    rng = np.random.default_rng(seed)
    titles = [title for title, _ in DEFAULT_ROLES]
    roles = rng.integers(0, len(titles), size=people)
    days = rng.integers(0, _START_DAYS, size=people)
    skills = rng.random(people) < 1 / 3
    return tuple((f"Person {i + 1}", titles[int(r)], f"Team {i % 97 + 1}",
                  _FIRST_START + dt.timedelta(days=int(d)), bool(s))
                 for i, (r, d, s) in enumerate(zip(roles, days, skills)))


def synthetic_workbook(path: str | Path, teams: int, people: int, seed: int = 0) -> Path:
    """Write the template (formulas only, not computed) with ``teams`` one-team rows on
    Teams and ``people`` rows on Staff to ``path`` (.xlsx)."""
    from talentneeds.workbook.template import EXTRA_NAMES, TEMPLATE

    if teams < 1 or people < 1:
        raise ValueError(f"a synthetic workbook needs at least one team and one person, got {teams} and {people}")
    rows = {"Teams": synthetic_teams(teams, seed), "Staff": synthetic_roster(people, seed)}
    description = tuple(
        dataclasses.replace(sheet, items=tuple(
            dataclasses.replace(item, rows=rows[item.name]) if getattr(item, "name", None) in rows
            and hasattr(item, "rows") else item
            for item in sheet.items))
        for sheet in TEMPLATE)
    return save(build(description, EXTRA_NAMES), Path(path))
