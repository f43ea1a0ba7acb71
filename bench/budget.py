"""The slowest Monte Carlo calls the work budget allows, timed: each must return in about
10 s (talentneeds.model.limits.WORK_BUDGET), and one trial more must be refused at once.

    .venv/bin/python -m bench.budget          # about a minute; prints a Markdown table

The trials are the most the budget allows for each case, worked out from the same cost
the model charges (uncertainty.DRAW_UNITS, plan_trial_cost), so the table shows what a
user can reach, not a chosen example. Times depend on the machine and its load: the
load average is printed with them.
"""

from __future__ import annotations

import os
import time

from talentneeds import udfs
from talentneeds.model import limits, plan, uncertainty
from talentneeds.model.archetypes import ARCHETYPES
from talentneeds.model.ranges import Range

WIDE = [[0, 1000]] * 3  # 101 possible heads per archetype: the widest draw per team
N = None


def needs_trials(teams: int, distribution: str) -> int:
    laws = [uncertainty.head_distribution(Range(0, 1000), distribution)[0] for _ in ARCHETYPES]
    per_trial = uncertainty.DRAW_UNITS * sum(uncertainty.draw_cost(teams, heads) for heads in laws)
    return limits.WORK_BUDGET // per_trial


def plan_trials(schedule: list[int], distribution: str, **options) -> int:
    setup = plan.plan_setup(schedule, **options)
    return limits.WORK_BUDGET // uncertainty.plan_trial_cost(setup, distribution)


def cases():
    wide = {a: Range(0, 1000) for a in ARCHETYPES}
    for distribution in ("uniform", "pert"):
        trials = needs_trials(100_000, distribution)
        yield (f'NEEDS_DISTRIBUTION(100000,,{trials},,0-1000 x 3,"{distribution}")', trials,
               lambda t, d=distribution: udfs.NEEDS_DISTRIBUTION(100_000, N, t, N, WIDE, d))
    schedule = [5000] * 200
    trials = plan_trials(schedule, "pert", per_team=wide, min_tenure_years=100, time_to_hire=200)
    yield (f'PLAN_DISTRIBUTION(200 quarters of 5000 teams,,{trials},,"pert",0-1000 x 3, tenure 100 y, '
           "time to hire 200 q)", trials,
           lambda t: udfs.PLAN_DISTRIBUTION([[n] for n in schedule], N, t, N, "pert", N, N, WIDE, N, N, 200,
                                            N, N, 100))
    trials = plan_trials([1] * 200, "uniform")
    yield (f"PLAN_DISTRIBUTION(200 quarters of 1 team,,{trials})", trials,
           lambda t: udfs.PLAN_DISTRIBUTION([[1]] * 200, N, t))


def main() -> None:
    rows = []
    for label, trials, call in cases():
        started = time.perf_counter()
        result = call(trials)
        seconds = time.perf_counter() - started
        assert isinstance(result, list), result
        refused = call(trials + 1)
        assert isinstance(refused, str) and refused.startswith("#NUM!"), refused
        rows.append(f"| `{label}` | {seconds:.1f} s | refused at {trials + 1:,} trials |")
    print(f"Work budget {limits.WORK_BUDGET:,} units; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores\n")
    print("| slowest call allowed | time | one trial more |\n|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
