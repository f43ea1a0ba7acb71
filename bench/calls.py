"""Section 1: what one call of a scalar Excel function costs on top of the model.

Every scalar function (the ones that return one value) is called three ways with the
arguments a workbook gives it (the template's: every optional argument filled in from
a cell), and compared with its **bare model call** -- the model function the wrapper
calls, with the arguments already converted (numbers, ``Range`` objects, a parsed
roster or catalogue):

* **wrapper**: the Excel function as classic xlwings and plain Python call it
  (``talentneeds.udfs.X(...)``: argument conversion, the model, result conversion, the
  error boundary);
* **headless engine**: the same function as the ``formulas`` engine calls it in
  ``talentneeds compute`` (:mod:`talentneeds.engines.udf_adapter`: cell references arrive
  as 1 x 1 object arrays);
* **Office.js**: ``xlwings.server.custom_functions_call`` -- the code path of xlwings Lite
  and xlwings Server -- in a child process with ``XLWINGS_ON_SERVER=true`` and the
  non-commercial licence key (set for that child only), with the payload Office.js posts
  (every argument a 2-D list, dates as serial numbers).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass

from bench.common import ROOT, TEMPLATE, Timing, compare, fmt_ratio, fmt_time, met, progress, table, table_rows

GOAL_WRAPPER_RATIO = 3.0
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
TITLE = "Senior Research Engineer, Interpretability"


@dataclass
class Case:
    function: str
    label: str            # the arguments, as shown in the table
    plain_args: tuple     # as classic xlwings / plain Python passes them
    bare: object          # zero-argument callable: the model call with converted arguments
    cold: bool = False    # clear the remembered catalogues, rosters and titles before every call


def forget() -> None:
    """Clear what the functions remember between calls (parsed catalogues and rosters,
    titles looked up), so that a call is timed as the first one after an edit."""
    from talentneeds.excel import tables
    from talentneeds.model.roles import DEFAULT_CATALOG

    for cache in (getattr(tables, "_CATALOGS", None), getattr(tables, "_ROSTERS", None),
                  getattr(DEFAULT_CATALOG, "_memo", None)):
        if cache is not None:
            cache.clear()


def _serial(value):
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    return value


def _office_js_arg(value):
    """An argument as Office.js posts it: always a 2-D list, dates as serials."""
    if value is None:
        return None
    rows = value if isinstance(value, list) and value and isinstance(value[0], list) else [[value]]
    return [[_serial(cell) for cell in row] for row in rows]


def _engine_arg(value):
    """An argument as the formulas engine hands it over for a cell reference or a range."""
    import numpy as np

    rows = value if isinstance(value, list) and value and isinstance(value[0], list) else [[value]]
    grid = np.empty((len(rows), len(rows[0])), dtype=object)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            grid[i, j] = _serial(cell) if cell is not None else ""
    return grid


def scalar_cases(roster_rows: list[list] | None = None, roles_rows: list[list] | None = None) -> list[Case]:
    """The scalar functions with the template's arguments, and their bare model calls."""
    from talentneeds.excel import tables
    from talentneeds.model import needs, pipeline
    from talentneeds.model.ranges import Range
    from talentneeds.model.roles import DEFAULT_CATALOG

    roster_rows = roster_rows if roster_rows is not None else table_rows(TEMPLATE, "Staff", "Staff")
    roles_rows = roles_rows if roles_rows is not None else table_rows(TEMPLATE, "Roles", "Roles")
    amplifiers, iterators, connectors, span = Range(1.0, 2.0), Range(5.0, 10.0), Range(0.0, 0.0), Range(5.0, 10.0)
    catalog = tables.catalog(roles_rows)
    people = tables.roster(roster_rows, catalog)
    as_of = dt.datetime(2025, 1, 1)
    return [
        Case("AMPLIFIERS_NEEDED", '(4, "high", 1, 2)', (4.0, "high", 1.0, 2.0),
             lambda: needs.amplifiers_needed(4.0, "high", amplifiers)),
        Case("ITERATORS_NEEDED", '(4, "mid", 5, 10)', (4.0, "mid", 5.0, 10.0),
             lambda: needs.iterators_needed(4.0, "mid", iterators)),
        Case("CONNECTORS_NEEDED", '(4, "low", 0, 0)', (4.0, "low", 0.0, 0.0),
             lambda: needs.connectors_needed(4.0, "low", connectors)),
        Case("ITERATOR_CAPACITY", '(6, "low", 5, 10)', (6.0, "low", 5.0, 10.0),
             lambda: needs.iterator_capacity(6.0, "low", span)),
        Case("ITERATOR_HEADROOM", '(6, 20, "mid", 5, 10)', (6.0, 20.0, "mid", 5.0, 10.0),
             lambda: needs.iterator_headroom(6.0, 20.0, "mid", span)),
        Case("AMPLIFIERS_FOR", '(30, "low", 5, 10)', (30.0, "low", 5.0, 10.0),
             lambda: needs.amplifiers_for(30.0, "low", span)),
        Case("MANAGER_LEVERAGE", '("high", 0.5, 1, 1, 5, 10)', ("high", 0.5, 1.0, 1.0, 5.0, 10.0),
             lambda: needs.manager_leverage("high", 0.5, 1.0, 1.0, span)),
        Case("AMPLIFIER_HIRES", '(4, 2, "mid", 1, 2)', (4.0, 2.0, "mid", 1.0, 2.0),
             lambda: pipeline.hires(4.0, 2.0, "mid", amplifiers_per_team=amplifiers).amplifier_hires),
        Case("ITERATOR_HIRES", '(4, 2, "mid", 5, 10, 1, 2)', (4.0, 2.0, "mid", 5.0, 10.0, 1.0, 2.0),
             lambda: pipeline.hires(4.0, 2.0, "mid", amplifiers_per_team=amplifiers,
                                    iterators_per_team=iterators).iterator_hires),
        Case("INTERNAL_AMPLIFIERS", f"(Staff[#All]: {len(roster_rows) - 1} people, 2025-01-01, 1, TRUE, 1, "
                                    f"Roles[#All]: {len(roles_rows) - 1} titles)",
             (roster_rows, as_of, 1.0, True, 1.0, roles_rows),
             lambda: pipeline.internal_amplifiers(people, as_of.date(), 1.0, True, 1.0)),
        Case("INTERNAL_AMPLIFIERS", "(the same, cold: roster and catalogue new to the call)",
             (roster_rows, as_of, 1.0, True, 1.0, roles_rows),
             lambda: pipeline.internal_amplifiers(people, as_of.date(), 1.0, True, 1.0), cold=True),
        Case("ARCHETYPE", f'("{TITLE}", Roles[#All])', (TITLE, roles_rows), lambda: catalog.archetype(TITLE)),
        Case("ARCHETYPE", "(the same, cold: catalogue and title new to the call)", (TITLE, roles_rows),
             lambda: (_forget_titles(catalog), catalog.archetype(TITLE))[1], cold=True),
        Case("ARCHETYPE", f'("{TITLE}")', (TITLE,), lambda: DEFAULT_CATALOG.archetype(TITLE)),
    ]


def _forget_titles(catalog) -> None:
    memo = getattr(catalog, "_memo", None)
    if memo is not None:
        memo.clear()


def _engine_callable(case: Case):
    from talentneeds import udfs
    from talentneeds.engines.udf_adapter import adapt

    function = adapt(getattr(udfs, case.function))
    args = tuple(_engine_arg(a) for a in case.plain_args)
    return lambda: function(*args)


def check_cases(cases: list[Case]) -> None:
    """Every path gives the bare call's value (so that the timings compare like with like)."""
    from talentneeds import udfs
    from talentneeds.excel.boundary import to_cell

    for case in cases:
        expected = to_cell(case.bare())
        got = getattr(udfs, case.function)(*case.plain_args)
        engine = _engine_callable(case)()
        if got != expected or (engine != expected and not hasattr(engine, "item")) \
                or (hasattr(engine, "item") and engine.item() != expected):
            raise AssertionError(f"{case.function}{case.label}: wrapper {got!r}, engine {engine!r}, "
                                 f"model {expected!r}")


def measure_in_process(repeats: int, target: float = 0.05) -> list[dict]:
    from talentneeds import udfs

    cases = scalar_cases()
    check_cases(cases)
    rows = []
    for case in cases:
        wrapper = getattr(udfs, case.function)
        args = case.plain_args
        engine = _engine_callable(case)
        if case.cold:
            candidates = {"bare": case.bare, "wrapper": lambda w=wrapper, a=args: (forget(), w(*a)),
                          "engine": lambda e=engine: (forget(), e())}
        else:
            candidates = {"bare": case.bare, "wrapper": lambda w=wrapper, a=args: w(*a), "engine": engine}
        timings = compare(candidates, repeats, target)
        rows.append({"function": case.function, "label": case.label,
                     **{name: t.samples for name, t in timings.items()}})
    return rows


# ---------------------------------------------------------------- Office.js, in a child

def office_js_child(repeats: int, target: float) -> list[dict]:
    """Runs in the child (XLWINGS_ON_SERVER=true): per call through custom_functions_call."""
    import asyncio
    import time

    import xlwings
    import xlwings.server

    from talentneeds import udfs
    from talentneeds.excel.boundary import office_js_runtime

    assert office_js_runtime(), "the Office.js child must run with XLWINGS_ON_SERVER=true"
    cases = scalar_cases()

    def payload(case: Case) -> dict:
        return {"func_name": case.function, "args": [_office_js_arg(a) for a in case.plain_args],
                "version": xlwings.__version__, "client": "Office.js", "runtime": "1.4",
                "culture_info_name": "en-US", "date_format": "yyyy-mm-dd", "caller_address": "Sheet1!A1"}

    async def main() -> list[dict]:
        results = []
        for case in cases:
            data = payload(case)
            value = await xlwings.server.custom_functions_call(data, udfs)
            from talentneeds.excel.boundary import to_cell
            if value != [[to_cell(case.bare())]]:
                raise AssertionError(f"Office.js {case.function}: {value!r} != {case.bare()!r}")

            async def office_js_loop(number: int) -> float:
                start = time.perf_counter()
                for _ in range(number):
                    if case.cold:
                        forget()
                    await xlwings.server.custom_functions_call(data, udfs)
                return (time.perf_counter() - start) / number

            probe = await office_js_loop(20)
            number = max(1, int(target / max(probe, 1e-9)))
            office = Timing()
            bare = Timing()
            for _ in range(repeats):
                office.samples.append(await office_js_loop(number))
                bare.samples.extend(compare({"bare": case.bare}, 1, target)["bare"].samples)
            results.append({"function": case.function, "label": case.label,
                            "office_js": office.samples, "bare": bare.samples})
        return results

    return asyncio.run(main())


def measure_office_js(repeats: int, target: float = 0.05) -> list[dict] | str:
    """Per-call timings through the Office.js path, or the reason it could not run."""
    env = {k: v for k, v in os.environ.items() if k not in ("XLWINGS_ON_SERVER", "XLWINGS_LICENSE_KEY")}
    env.update({"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"})  # this child only
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "bench.calls", "--office-js", str(repeats), str(target)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    if done.returncode != 0:
        return f"the Office.js child failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report

def run(repeats: int, target: float = 0.05) -> tuple[str, dict]:
    progress("section 1: per-call overhead, in process")
    local = measure_in_process(repeats, target)
    progress("section 1: per-call overhead through Office.js (child process)")
    office = measure_office_js(repeats, target)
    office_by_key = {} if isinstance(office, str) else {(r["function"], r["label"]): r for r in office}

    rows, worst = [], 0.0
    for r in local:
        bare = Timing(r["bare"]).median
        wrapper = Timing(r["wrapper"]).median
        engine = Timing(r["engine"]).median
        ratio = wrapper / bare
        worst = max(worst, ratio)
        o = office_by_key.get((r["function"], r["label"]))
        office_cells = ["n/a", "n/a"]
        if o:
            office_time, office_bare = Timing(o["office_js"]).median, Timing(o["bare"]).median
            office_cells = [fmt_time(office_time), fmt_ratio(office_time / office_bare)]
        rows.append([f"`{r['function']}{r['label']}`", fmt_time(bare), fmt_time(wrapper),
                     fmt_time(max(wrapper - bare, 0.0)), fmt_ratio(ratio),
                     "yes" if ratio <= GOAL_WRAPPER_RATIO else "**no**",
                     fmt_time(engine), fmt_ratio(engine / bare), *office_cells])
    ratios = sorted(Timing(r["wrapper"]).median / Timing(r["bare"]).median for r in local)
    summary = {"rows": {f"{r['function']}{r['label']}": {name: Timing(r[name]).median
                                                           for name in ("bare", "wrapper", "engine")}
                        for r in local},
               "wrapper_ratio_max": worst, "wrapper_ratio_median": ratios[len(ratios) // 2],
               "within_goal": sum(ratio <= GOAL_WRAPPER_RATIO for ratio in ratios), "functions": len(ratios)}
    if office_by_key:
        office_ratios = sorted(Timing(o["office_js"]).median / Timing(o["bare"]).median for o in office_by_key.values())
        summary["office_js_ratio_median"] = office_ratios[len(office_ratios) // 2]
    text = [
        "## 1. Per-call overhead of the scalar functions",
        "",
        f"Median of {repeats} interleaved repeats, each timing many calls (per-call time shown). "
        "*bare*: the model function the wrapper calls, with its arguments already converted. "
        "*wrapper*: `talentneeds.udfs.X(...)` as classic xlwings and plain Python call it. "
        "*engine*: the same function as `talentneeds compute` calls it (through "
        "`engines/udf_adapter.py`, arguments as 1 x 1 object arrays). *Office.js*: "
        "`xlwings.server.custom_functions_call` in a child process with `XLWINGS_ON_SERVER=true` and "
        "`XLWINGS_LICENSE_KEY=noncommercial` (the code path of xlwings Lite and xlwings Server), ratio "
        "against the bare call timed in that same child. Arguments are the template's "
        "(every optional argument given from a cell; the roster and catalogue are the template's "
        "Staff and Roles tables). *cold* rows clear what the functions remember between calls (parsed "
        "catalogues and rosters, titles looked up) before every call: the first call after an edit; the "
        "other rows are a recalculation with the same tables. *overhead* = wrapper - bare.",
        "",
        table(["function (arguments)", "bare", "wrapper", "overhead", "wrapper / bare", f"<= {GOAL_WRAPPER_RATIO:g}x",
               "engine", "engine / bare", "Office.js", "Office.js / bare"], rows),
        "",
        f"Goal: wrapper <= {GOAL_WRAPPER_RATIO:g}x the bare call for every scalar function: "
        f"{met(worst <= GOAL_WRAPPER_RATIO)} ({summary['within_goal']} of {summary['functions']} calls within; "
        f"worst {fmt_ratio(worst)}, median {fmt_ratio(summary['wrapper_ratio_median'])}).",
    ]
    if isinstance(office, str):
        text += ["", f"Office.js path: not measured ({office})."]
    else:
        text += ["", "Through Office.js nearly all of the time is xlwings' own request handling, not ours "
                 "(compare its column with *wrapper*): outside Pyodide, `xlwings.utils.is_jsnull` tries "
                 "`from pyodide.ffi import JsNull` for every argument cell, and each failed import searches "
                 "`sys.path` (about 70 % of a call under cProfile). xlwings Lite runs in Pyodide, where that "
                 "import succeeds; xlwings Server pays it."]
    return "\n".join(text), summary


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--office-js":
        answer = office_js_child(int(sys.argv[2]), float(sys.argv[3]))
        sys.stdout.flush()
        print(json.dumps(answer))
    else:
        print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)[0])
