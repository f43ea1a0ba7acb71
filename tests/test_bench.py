"""The benchmarks (`make bench`) in a tiny configuration, so that their code cannot rot,
and checks that their baselines measure what they say they measure."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench/ is a folder of the repository, not of the package

from bench import calls, montecarlo, run, workbooks  # noqa: E402
from bench.common import TEMPLATE  # noqa: E402

from talentneeds import udfs  # noqa: E402
from talentneeds.excel import tables  # noqa: E402
from talentneeds.excel.boundary import specs  # noqa: E402
from talentneeds.model import uncertainty  # noqa: E402
from talentneeds.model import assumptions as A  # noqa: E402
from talentneeds.model.archetypes import ARCHETYPES  # noqa: E402

# The template's formula cells that call our functions, by hand from its description:
# the Staff table's calculated column (20 people), the Needs sheet (a TEAM_NEEDS and a
# BOTTLENECK table, INTERNAL_AMPLIFIERS, and rows of three: Low / Mid / High), Cohort
# (three needs and two COHORT_MIX tables), Plan and Scenarios (four plans, four headlines).
# Needs calls the *_NEEDED functions at low, mid and high (Cohort reads them there); COHORT_MIX
# three times (from outside by heads and by value, gross); five plans (Base and four
# scenarios), each with its PLAN_HEADLINE and PLAN_COST; the plan start's QUARTER_LABELS and
# the Base plan's PLAN_DISTRIBUTION; the Checks sheet's UNKNOWN_TITLES; the Candidates sheet's
# list and its count of candidates
DEMO_CALLS = {
    "ARCHETYPE": 20, "TEAM_NEEDS": 1, "INTERNAL_AMPLIFIERS": 2, "AMPLIFIERS_NEEDED": 3, "AMPLIFIER_HIRES": 3,
    "ITERATORS_NEEDED": 3, "ITERATOR_HIRES": 3, "CONNECTORS_NEEDED": 3, "MANAGER_LEVERAGE": 3,
    "ITERATOR_CAPACITY": 3, "BOTTLENECK": 1, "COHORT_MIX": 3, "HIRING_PLAN": 5, "PLAN_HEADLINE": 5,
    "PLAN_COST": 5, "QUARTER_LABELS": 1, "PLAN_DISTRIBUTION": 1, "UNKNOWN_TITLES": 1, "PROMOTION_CANDIDATES": 1,
}


@pytest.mark.parametrize("teams", [0, 3, 40])
def test_the_numpy_call_loop_makes_exactly_the_models_draws(teams):
    """Same seed, one chunk of trials: the per-trial loop and the vectorised model draw the
    same random numbers, so every percentile is identical -- the speedup compares like with like."""
    trials, seed = 600, 11
    model = uncertainty.needs_distribution(teams, montecarlo.PERCENTILES, trials, seed)
    loop = montecarlo.loop_percentiles(montecarlo.needs_numpy_call_loop(teams, trials, seed))
    for archetype in ARCHETYPES:
        assert list(model.loc[archetype.value]) == loop[archetype.value]


def test_the_random_loop_draws_from_the_same_distribution():
    """The plain-Python loop (random.choices per team) has the model's mean and variance."""
    teams, trials = 25, 4000
    totals = montecarlo.needs_random_loop(teams, trials, seed=5)
    draws = {a: uncertainty.draw_team_sums(np.random.default_rng(5), teams,
                                           *uncertainty.head_distribution(A.PER_TEAM[a]), trials)
             for a in ARCHETYPES}
    for archetype in ARCHETYPES:
        heads, p = uncertainty.head_distribution(A.PER_TEAM[archetype])
        mean = teams * float(heads @ p)
        variance = teams * (float(heads ** 2 @ p) - float(heads @ p) ** 2)
        tolerance = 5 * math.sqrt(variance / trials) + 1e-9
        for sample in (np.array(totals[archetype.value]), draws[archetype]):
            assert abs(sample.mean() - mean) <= tolerance
            assert abs(sample.var() - variance) <= 0.15 * variance + 1e-9


def test_the_plan_loop_runs_the_models_plan_per_trial():
    hires = montecarlo.plan_numpy_call_loop(16, 50, seed=2)
    model = uncertainty.plan_distribution(montecarlo.spread(16), (0, 100), 400, 2)
    assert len(hires) == 50
    low, high = model.loc["Total hires"]
    assert low - 10 <= np.median(hires) <= high + 10


def test_section_1_times_every_scalar_function():
    scalar = {spec.name for spec in specs(udfs) if not spec.returns_table}
    assert {case.function for case in calls.scalar_cases()} == scalar and len(scalar) == 11


def test_the_xml_count_reads_the_calls_written_in_the_template():
    assert dict(workbooks.xml_calls(TEMPLATE)) == DEMO_CALLS


def test_caches_behind_the_speed_ups_tell_apart_what_parsing_tells_apart():
    """Catalogues and rosters are remembered by content; cells that parse differently
    (True, 1 and 1.0; 0.0 and -0.0) are different content, and a roster comes back as a
    list of the caller's own."""
    keys = {tables._content_key([["Role", "Archetype"], [value, "Iterator"]]) for value in (True, 1, 1.0, 0.0, -0.0)}
    assert len(keys) == 5
    rows = [["Role", "Start date", "Soft skills"], ["Research Engineer", dt.datetime(2020, 1, 1), True]]
    first, second = tables.roster(rows), tables.roster(rows)
    assert first == second and first is not second
    first.clear()
    assert tables.roster(rows) == second
    roles = [["Role", "Archetype"], ["Vibes Lead", "Connector"]]
    assert udfs.ARCHETYPE("Senior Vibes Lead II", roles) == udfs.ARCHETYPE("Senior Vibes Lead II", roles) == "Connector"
    assert udfs.ARCHETYPE("Vibes Lead", [["Role", "Archetype"], ["Vibes Lead", "Amplifier"]]) == "Amplifier"
    assert udfs.ARCHETYPE("Sr Vibes Lead", None).startswith("#N/A")


def test_a_quick_run_writes_every_section_and_counts_the_demos_calls(tmp_path):
    out = tmp_path / "results.md"
    summary = run.run(["--quick", "--out", str(out)])
    text = out.read_text()
    for heading in ("## Headline", "## 1. Per-call overhead", "## 2. Table functions and Monte Carlo",
                    "### Start-up: the floor", "### Where our time goes, stage by stage",
                    "## 3. Evaluating whole workbooks", "## 4. Profile", "## What the profile showed",
                    "## Spills: a long list", "## Horizon: the plan's spills resized"):
        assert heading in text
    assert "cores" in text and "GiB total" in text
    calls = summary["workbooks"]["calls"]
    demo = next(label for label in calls if label.startswith("demo"))
    assert calls[demo] == DEMO_CALLS  # counted while the engine recalculated, not read from the file
    assert summary["workbooks"]["counts_agree"]  # and the same as the XML says, for both workbooks
    big = next(label for label in calls if label.startswith("synthetic"))
    assert calls[big]["ARCHETYPE"] == 30 and calls[big]["HIRING_PLAN"] == 5  # 30 people: 30 rows; 5 plans
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert all("lo_wall" in f for f in summary["workbooks"]["files"].values())
    stages = summary["workbooks"]["stages"][demo]
    assert list(stages) == ["reading the workbook", "rewriting table references", "compiling formulas",
                            "linking ranges", "calculating", "writing the values"]
    assert set(summary["startup"]) == {"floor", "help", "functions"}
    assert "The floor: `python -c 'import numpy, pandas'`" in text
    # the quick spills section's 300 people: a header and a row per Iterator, 6 columns
    from talentneeds.model.archetypes import Archetype
    from talentneeds.model.roles import DEFAULT_ROLES
    from talentneeds.workbook.synthetic import synthetic_roster

    iterators = {title for title, kind in DEFAULT_ROLES if kind is Archetype.ITERATOR}
    assert summary["spills"]["cells"] == 6 * (1 + sum(p[1] in iterators for p in synthetic_roster(300)))
    # the quick horizon section: the plan's header and a row a quarter, for 8 and for 40 quarters
    assert summary["horizon"]["plan_rows"] == {8: 9, 40: 41}
