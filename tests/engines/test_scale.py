"""Scale: 10,000 teams and a 50,000-person roster evaluate correctly in bounded memory.

The workbook is the template with synthetic rows (talentneeds.workbook.synthetic); it is
computed by ``talentneeds compute`` in a child process that reports its own peak memory.
Expected values come from the model called directly on the same rows.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from talentneeds import examples
from talentneeds.excel import tables
from talentneeds.model import pipeline
from talentneeds.model import plan as plan_model
from talentneeds.model.roles import DEFAULT_CATALOG
from talentneeds.workbook import template as T
from talentneeds.workbook.synthetic import synthetic_roster, synthetic_teams, synthetic_workbook

TEAMS, PEOPLE = 10_000, 50_000
MEMORY_LIMIT_MB = 1024  # measured about 400 MB; cell by cell it was several GB

_CHILD = """
import json, resource, sys
from talentneeds.cli import main
code = main(["compute", sys.argv[1], "-o", sys.argv[2]])
print(json.dumps({"code": code, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    source = synthetic_workbook(folder / "big.xlsx", TEAMS, PEOPLE)
    target = folder / "big-computed.xlsx"
    run = subprocess.run([sys.executable, "-c", _CHILD, str(source), str(target)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    workbook = load_workbook(target, read_only=True, data_only=True)
    values = {title: [list(row) for row in workbook[title].iter_rows(values_only=True)]
              for title in ("Staff", "Needs", "Plan", "Checks", "Candidates")}
    workbook.close()
    return report, values


def test_it_computes_within_the_memory_bound(computed):
    report, _ = computed
    assert report["code"] == 0
    assert report["peak_mb"] < MEMORY_LIMIT_MB, report


def test_every_row_of_the_roster_gets_its_archetype(computed):
    _, values = computed
    staff = values["Staff"][4:4 + PEOPLE]  # rows 5.. of the sheet
    expected = [DEFAULT_CATALOG.archetype(person[1]).value for person in synthetic_roster(PEOPLE)]
    assert [row[5] for row in staff] == expected
    assert len(staff) == PEOPLE


def test_needs_promotions_and_the_plan_are_the_models(computed):
    _, values = computed
    needs, plan = values["Needs"], values["Plan"]
    assert needs[2][1] == TEAMS  # Needs!B3: SUM(Teams[Count])
    roster = [list(examples.ROSTER_HEADER), *[list(person) for person in synthetic_roster(PEOPLE)]]
    people = tables.roster(roster)
    assert needs[11][1] == pipeline.internal_amplifiers(people, examples.AS_OF)  # Needs!B12
    per_quarter = collections.Counter(start for _, _, start, _ in synthetic_teams(TEAMS))
    schedule = [per_quarter[quarter] for quarter in T.QUARTERS]
    assert sum(schedule) == TEAMS
    # the template's Time to hire inputs are the model's defaults; its schedule is labelled
    frame = plan_model.hiring_plan(schedule, "mid", roster=people, as_of=dt.date(2026, 7, 1),
                                   labels=list(T.QUARTERS))
    first, last = (int(ref[1:]) for ref in T.PLAN_TABLE.split(":"))
    shown = [row[:14] for row in plan[first - 1:last]]
    assert shown == [row[:14] for row in [list(frame.columns), *frame.to_numpy(dtype=object).tolist()]]
    assert values["Checks"][17][1] is True  # Checks!B18, every check passes


def test_the_candidates_list_has_a_row_for_each_iterator_on_the_roster(computed):
    """The list spills from the template's 16 rows to one per Iterator among the 50,000 people,
    counted here by plain Python: the synthetic titles are the catalogue's own."""
    from talentneeds.model.archetypes import Archetype
    from talentneeds.model.roles import DEFAULT_ROLES

    _, values = computed
    iterator_titles = {title for title, kind in DEFAULT_ROLES if kind is Archetype.ITERATOR}
    iterators = [person[0] for person in synthetic_roster(PEOPLE) if person[1] in iterator_titles]
    listed = [row[0] for row in values["Candidates"][6:] if row and row[0] is not None]  # rows 7..
    assert listed == iterators and len(iterators) > 20_000
