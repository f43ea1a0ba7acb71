"""``make bench``: run every benchmark and write bench/results.md.

    python -m bench.run                 # the full run (about 20 minutes on 2 cores)
    python -m bench.run --quick --out /tmp/results.md   # a tiny configuration (tests)

Every figure is a median of several repeats and is shown next to its baseline measured
in the same run. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import compileall
import sys
import tempfile
import time
from pathlib import Path

from bench import calls, horizon, lite, montecarlo, profiling, spills, startup, workbooks
from bench.common import ROOT, fmt_ratio, fmt_time, machine, met, progress, table

#: Goals of issue 17, as ratios within one run.
GOAL_DEMO_VS_FLOOR = 2.0        # the demo's compute: at most 2x the floor
GOAL_DEMO_VS_LO = 0.5           # ... and at most half of LibreOffice with the add-in
GOAL_BIG_SECONDS = 15.0         # 10,000 teams / 50,000 people: at most 15 s
GOAL_BIG_MIB = 500.0            # ... and 500 MB peak

RESULTS = ROOT / "bench" / "results.md"


def headline(summary: dict) -> str:
    s1, s2, s3 = summary.get("calls"), summary.get("montecarlo"), summary.get("workbooks")
    rows = []
    if s1:
        rows.append(["Scalar function through its wrapper vs the bare model call",
                     f"median {fmt_ratio(s1['wrapper_ratio_median'])}, worst {fmt_ratio(s1['wrapper_ratio_max'])} "
                     f"({s1['within_goal']} of {s1['functions']} within)",
                     f"<= {calls.GOAL_WRAPPER_RATIO:g}x", met(s1["wrapper_ratio_max"] <= calls.GOAL_WRAPPER_RATIO)])
        if "office_js_ratio_median" in s1:
            rows.append(["... through the Office.js path (xlwings.server) vs the bare call",
                         f"median {fmt_ratio(s1['office_js_ratio_median'])}", "(measured)", ""])
    if s2:
        needs, plan = s2["needs"]["speedups"], s2["plan"]["speedups"]
        by_teams: dict[int, list[float]] = {}
        for (teams, _), v in needs.items():
            by_teams.setdefault(teams, []).append(v)
        detail = ", ".join(f"{t:,} teams {fmt_ratio(max(v))}" for t, v in sorted(by_teams.items()))
        rows.append(["NEEDS_DISTRIBUTION vs a plain-Python `random` loop (largest trial count)", detail,
                     f">= {montecarlo.GOAL_SPEEDUP:g}x", met(min(needs.values()) >= montecarlo.GOAL_SPEEDUP)])
        rows.append(["PLAN_DISTRIBUTION vs a Python loop over trials",
                     f"{fmt_ratio(min(plan.values()))} to {fmt_ratio(max(plan.values()))}",
                     f">= {montecarlo.GOAL_SPEEDUP:g}x", met(min(plan.values()) >= montecarlo.GOAL_SPEEDUP)])
        shares = s2["needs"]["ceiling_shares"]
        by_trials: dict[int, list[float]] = {}
        for (_, trials), share in shares.items():
            by_trials.setdefault(trials, []).append(share)
        rows.append(["NEEDS_DISTRIBUTION draws/s as a share of numpy alone making the same draws",
                     ", ".join(f"{t:,} trials {min(v):.0%}-{max(v):.0%}" for t, v in sorted(by_trials.items())),
                     "(ceiling ~100%)", ""])
    s0 = summary.get("startup")
    if s0:
        floor = s0["floor"]["wall"]
        rows.append(["The floor: `python -c 'import numpy, pandas'`", f"{floor:.2f} s", "(the baseline)", ""])
        for key, name in (("help", "`talentneeds --help`"), ("functions", "`talentneeds functions`")):
            ratio = s0[key]["wall"] / floor
            rows.append([f"{name} vs the floor", f"{s0[key]['wall']:.2f} s ({fmt_ratio(ratio)})",
                         f"<= {startup.GOAL_RATIO:g}x", met(ratio <= startup.GOAL_RATIO)])
    if s3:
        lo_name = s3.get("lo_name", "LibreOffice")
        for label, f in s3["files"].items():
            if s0 and label == workbooks.DEMO_LABEL:
                ratio = f["ours_wall"] / s0["floor"]["wall"]
                rows.append([f"`compute`, {label}, vs the floor", f"{f['ours_wall']:.2f} s ({fmt_ratio(ratio)})",
                             f"<= {GOAL_DEMO_VS_FLOOR:g}x", met(ratio <= GOAL_DEMO_VS_FLOOR)])
            goal = GOAL_DEMO_VS_LO if label == workbooks.DEMO_LABEL else 1.0
            if "lo_wall" in f:
                rows.append([f"`compute` vs {lo_name}, {label}: wall time",
                             f"{f['ours_wall']:.2f} s vs {f['lo_wall']:.2f} s ({fmt_ratio(f['ours_wall'] / f['lo_wall'])})",
                             f"<= {goal:g}x", met(f["ours_wall"] <= goal * f["lo_wall"])])
                rows.append(["... peak memory (RSS)",
                             f"{f['ours_peak']:,.0f} MiB vs {f['lo_peak']:,.0f} MiB "
                             f"({fmt_ratio(f['ours_peak'] / f['lo_peak'])})",
                             "<= 1x", met(f["ours_peak"] <= f["lo_peak"])])
            if label == workbooks.synthetic_label(*workbooks.SIZES[-1]):
                rows.append([f"`compute`, {label}: wall time and peak memory",
                             f"{f['ours_wall']:.1f} s, {f['ours_peak']:,.0f} MiB",
                             f"<= {GOAL_BIG_SECONDS:g} s, <= {GOAL_BIG_MIB:g} MB",
                             met(f["ours_wall"] <= GOAL_BIG_SECONDS and f["ours_peak"] * 1.048576 <= GOAL_BIG_MIB)])
    s4 = summary.get("spills")
    if s4:
        rows.append(["`compute` with the Candidates list (resized in place) vs without it",
                     f"{fmt_ratio(s4['list_vs_none'])} ({s4['cells']:,} cells, {s4['per_cell'] * 1e6:,.0f} µs a cell)",
                     f"<= {spills.GOAL_LIST_VS_NONE:g}x", met(s4["list_vs_none"] <= spills.GOAL_LIST_VS_NONE)])
        rows.append(["... loading the resized workbook again vs resizing in place",
                     fmt_ratio(s4["reload_vs_in_place"]), f">= {spills.GOAL_RELOAD_VS_IN_PLACE:g}x",
                     met(s4["reload_vs_in_place"] >= spills.GOAL_RELOAD_VS_IN_PLACE)])
    s5 = summary.get("horizon")
    if s5:
        longest = max(s5["seconds"])
        rows.append([f"`compute` of the template with a Horizon of {longest} quarters vs 8",
                     fmt_ratio(s5["longest_vs_template"]), f"<= {horizon.GOAL_40_VS_8:g}x",
                     met(s5["longest_vs_template"] <= horizon.GOAL_40_VS_8)])
    if s3:
        counts = list(s3["calls"].items())
        rows.append(["Excel-function calls per full recalculation",
                     ", ".join(f"{label}: {sum(c.values()):,}" for label, c in counts),
                     "independent of rows", met(s3["calls_fixed"])])
    return table(["what", "result", "goal", ""], rows)


def facts(summary: dict) -> dict[str, str]:
    """This run's figures that bench/changes.md quotes as ``{{name}}`` (its "after" column)."""
    found: dict[str, str] = {}
    s1, s2, s3 = summary.get("calls"), summary.get("montecarlo"), summary.get("workbooks")
    if s1:
        rows = s1["rows"]

        def row(prefix: str, cold: bool = False) -> dict | None:
            return next((v for k, v in rows.items() if k.startswith(prefix) and ("cold" in k) == cold), None)

        for name, prefix, cold in (("amplifiers", 'AMPLIFIERS_NEEDED(4, "high"', False),
                                   ("internal", "INTERNAL_AMPLIFIERS(Staff", False),
                                   ("internal_cold", "INTERNAL_AMPLIFIERS(", True),
                                   ("archetype_roles", 'ARCHETYPE("Senior Research Engineer, Interpretability", Roles',
                                    False),
                                   ("archetype_cold", "ARCHETYPE(", True),
                                   ("archetype", 'ARCHETYPE("Senior Research Engineer, Interpretability")', False)):
            r = row(prefix, cold)
            if r:
                found[f"{name}_wrapper"] = fmt_time(r["wrapper"])
                found[f"{name}_engine"] = fmt_time(r["engine"])
                found[f"{name}_ratio"] = fmt_ratio(r["wrapper"] / r["bare"])
        found["wrapper_median"] = fmt_ratio(s1["wrapper_ratio_median"])
        found["within_goal"] = f"{s1['within_goal']} of {s1['functions']}"
    if s2:
        for (teams, trials), seconds in s2["needs"]["model_seconds"].items():
            found[f"needs_{teams}_{trials}"] = fmt_time(seconds)
            found[f"needs_share_{teams}_{trials}"] = f"{s2['needs']['ceiling_shares'][(teams, trials)]:.0%}"
    if s3:
        for label, f in s3["files"].items():
            key = _fact_key(label)
            found[f"{key}_wall"] = f"{f['ours_wall']:.2f} s"
            found[f"{key}_peak"] = f"{f['ours_peak']:,.0f} MiB"
            if "lo_wall" in f:
                found[f"{key}_lo_ratio"] = fmt_ratio(f["ours_wall"] / f["lo_wall"])
        for label, phases in s3["phases"].items():
            key = _fact_key(label)
            for phase, seconds in phases.items():
                found[f"{key}_{phase}"] = f"{seconds:.2f} s"
    if summary.get("startup"):
        for key, m in summary["startup"].items():
            found[f"startup_{key}"] = f"{m['wall'] * 1e3:,.0f} ms"
    return found


def _fact_key(label: str) -> str:
    """demo, big (1,000 teams), huge (10,000 teams): the names bench/changes.md uses."""
    if label.startswith("demo"):
        return "demo"
    return "huge" if label == workbooks.synthetic_label(*workbooks.SIZES[-1]) else "big"


def main(argv: list[str] | None = None) -> int:
    run(argv)
    return 0


def run(argv: list[str] | None = None) -> dict:
    """Run the benchmarks, write the results; returns the summary of every section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results (bench/results.md)")
    parser.add_argument("--quick", action="store_true", help="a tiny configuration, for tests")
    parser.add_argument("--repeats", type=int, default=None, help="repeats of every figure (default 5; quick 1)")
    parser.add_argument("--skip", action="append", default=[], choices=["calls", "montecarlo", "workbooks", "spills", "horizon", "lite"],
                        help="leave a section out")
    options = parser.parse_args(argv)
    repeats = options.repeats or (1 if options.quick else 5)
    started = time.perf_counter()
    # our package's bytecode, as an installed package has it (the floor's numpy and pandas have theirs)
    compileall.compile_dir(str(ROOT / "addin" / "talentneeds"), quiet=1)
    soffice = workbooks.SOFFICE
    info = machine(soffice)
    summary: dict = {}
    sections = []
    if "calls" not in options.skip:
        text, summary["calls"] = calls.run(repeats, target=0.002 if options.quick else 0.05)
        sections.append(text)
    if "montecarlo" not in options.skip:
        if options.quick:
            text, summary["montecarlo"] = montecarlo.run(
                1, teams_values=(10, 100), trials_values=(1_000,), plan_trials_values=(100,), plan_big_trials=None,
                loop_budget=0.02, target=0.002)
        else:
            text, summary["montecarlo"] = montecarlo.run(repeats, plan_big_repeats=min(repeats, 3))
        sections.append(text)
    profile = None
    if "workbooks" not in options.skip:
        start_text, summary["startup"] = startup.run(repeats)
        with tempfile.TemporaryDirectory(prefix="talentneeds-profile-") as folder:
            profile = Path(folder) / "compute.prof"
            if options.quick:
                text, summary["workbooks"] = workbooks.run(1, sizes=((5, 30),), profile_out=profile,
                                                           preamble=start_text)
            else:
                text, summary["workbooks"] = workbooks.run(repeats, profile_out=profile, preamble=start_text)
            sections.append(text)
            sections.append(profiling.run(profile, facts(summary)))
    else:
        sections.append(profiling.run(None, facts(summary)))
    if "spills" not in options.skip:
        if options.quick:
            text, summary["spills"] = spills.run(1, teams=3, people=300)
        else:
            text, summary["spills"] = spills.run(repeats)
        sections.append(text)
    if "horizon" not in options.skip:
        if options.quick:
            text, summary["horizon"] = horizon.run(1, horizons=(8, 40))
        else:
            text, summary["horizon"] = horizon.run(repeats)
        sections.append(text)
    if "lite" not in options.skip and not options.quick:  # Pyodide takes a while to start: not in --quick
        text, summary["lite"] = lite.run(repeats)
        sections.append(text)
    took = time.perf_counter() - started

    about = "\n".join(f"- **{key}**: {value}" for key, value in info.items())
    document = "\n\n".join([
        "# Benchmarks",
        f"Written by `make bench` (`python -m bench.run{' --quick' if options.quick else ''}`) in "
        f"{took / 60:.1f} minutes. Every figure is the median of its repeats and is compared with a baseline "
        "measured in the same run.",
        about,
        "## Headline",
        headline(summary),
        *sections,
    ]) + "\n"
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(document)
    progress(f"wrote {options.out} in {took / 60:.1f} minutes")
    return summary


if __name__ == "__main__":
    sys.exit(main())
