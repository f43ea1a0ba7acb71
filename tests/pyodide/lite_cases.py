"""Calls of all 22 Excel functions, run the same way in CPython and in Pyodide.

This file is copied into Pyodide's file system as it is, so it imports nothing outside
the standard library; :func:`run_plain` and :func:`run_office_js` take the ``udfs``
module (and xlwings' server module) from their caller. Arguments are JSON values:
numbers, text, booleans, None (an omitted argument or a blank cell) and 2-D lists
(ranges). Dates are Excel serial numbers, as Office.js sends them. ``{"result": KEY}``
stands for the value an earlier call returned (a plan passed on to PLAN_HEADLINE).
"""

from __future__ import annotations

import math

ERROR_CODES = ("#VALUE!", "#N/A", "#NUM!", "#REF!", "#DIV/0!", "#NAME?", "#NULL!")

PER_TEAM = [["Amplifier", 1, 2], ["Iterator", 5, 10], ["Connector", 1, 1]]
# 44986 = 2023-03-01, 44000 = 2020-06-18, 45352 = 2024-03-01 (tests/excel/test_runtimes.py)
ROSTER = [["Name", "Role", "Start date", "Soft skills"],
          ["Ada", "Research Engineer", 44986, True],
          ["Bo", "Research Scientist", 44000, "yes"],
          ["Cy", "People Manager", 43831, "yes"]]
ROSTER_UNKNOWN_ROLE = [*ROSTER, ["Di", "Chef", 43831, "yes"]]
CATALOG = [["Role", "Archetype"], ["Research Engineer", "Amplifier"], ["Research Scientist", "Iterator"],
           ["People Manager", "Amplifier"]]
WIDE = [["Amplifier", 0, 300], ["Iterator", 5, 10], ["Connector", 0, 0]]
SCHEDULE = [[2], [1], [0], [3]]

CASES: list[tuple[str, str, list]] = [
    ("amp_4", "AMPLIFIERS_NEEDED", [4]),
    ("amp_4_high", "AMPLIFIERS_NEEDED", [4, "high"]),
    ("amp_4_quarter", "AMPLIFIERS_NEEDED", [4, 0.25]),
    ("amp_abc", "AMPLIFIERS_NEEDED", ["abc"]),
    ("amp_blank", "AMPLIFIERS_NEEDED", [None]),
    ("amp_negative", "AMPLIFIERS_NEEDED", [-1]),
    ("it_4_high", "ITERATORS_NEEDED", [4, "high"]),
    ("it_low_above_high", "ITERATORS_NEEDED", [2, "mid", 6, 4]),
    ("it_2_custom", "ITERATORS_NEEDED", [2, "mid", 4, 6]),
    ("conn_3", "CONNECTORS_NEEDED", [3]),
    ("conn_3_custom", "CONNECTORS_NEEDED", [3, "mid", 1, 1]),
    ("conn_bad_point", "CONNECTORS_NEEDED", [3, "middle"]),
    ("team_3", "TEAM_NEEDS", [3]),
    ("team_2_per_team", "TEAM_NEEDS", [2, False, PER_TEAM]),
    ("team_bad_per_team", "TEAM_NEEDS", [2, True, [["Amplifier", 1]]]),
    ("cap_1_low", "ITERATOR_CAPACITY", [1, "low"]),
    ("cap_negative", "ITERATOR_CAPACITY", [-2]),
    ("headroom_2_12_low", "ITERATOR_HEADROOM", [2, 12, "low"]),
    ("headroom_bad", "ITERATOR_HEADROOM", [2, "x"]),
    ("amp_for_30_high", "AMPLIFIERS_FOR", [30, "high"]),
    ("amp_for_text", "AMPLIFIERS_FOR", ["many"]),
    ("lev", "MANAGER_LEVERAGE", []),
    ("lev_high", "MANAGER_LEVERAGE", ["high"]),
    ("lev_share_2", "MANAGER_LEVERAGE", [None, 2]),
    ("internal_45352", "INTERNAL_AMPLIFIERS", [ROSTER, 45352]),
    ("internal_45353", "INTERNAL_AMPLIFIERS", [ROSTER, 45353]),
    ("internal_catalog", "INTERNAL_AMPLIFIERS", [ROSTER, 45353, None, None, None, CATALOG]),
    ("internal_unknown_role", "INTERNAL_AMPLIFIERS", [ROSTER_UNKNOWN_ROLE, 45353]),
    ("internal_no_columns", "INTERNAL_AMPLIFIERS", [[["Name"], ["Ada"]]]),
    ("amp_hires_4_2", "AMPLIFIER_HIRES", [4, 2]),
    ("amp_hires_4_10", "AMPLIFIER_HIRES", [4, 10]),
    ("amp_hires_bad", "AMPLIFIER_HIRES", [4, -1]),
    ("it_hires_4_2", "ITERATOR_HIRES", [4, 2]),
    ("it_hires_high", "ITERATOR_HIRES", [4, 0, "high"]),
    ("it_hires_bad_point", "ITERATOR_HIRES", [4, 1, 2]),
    ("bottleneck_4_30", "BOTTLENECK", [4, 30]),
    ("bottleneck_conn", "BOTTLENECK", [3, 25, 1, "mid", PER_TEAM]),
    ("bottleneck_blank", "BOTTLENECK", [None, 30]),
    ("cohort_value", "COHORT_MIX", [30, 4.5, 22.5, 0, "value"]),
    ("cohort_heads", "COHORT_MIX", [30, 4.5, 22.5]),
    ("cohort_nobody", "COHORT_MIX", [30, 0, 0, 0]),
    ("archetype_default", "ARCHETYPE", ["Senior Research Engineer, Interpretability"]),
    ("archetype_unknown", "ARCHETYPE", ["Chef de partie"]),
    ("archetype_catalog", "ARCHETYPE", ["Research Engineer", CATALOG]),
    ("plan_instant", "HIRING_PLAN", [[[1], [0]], None, None, None, None, None, None, 0, 0, 1]),
    ("plan_schedule", "HIRING_PLAN", [SCHEDULE, ROSTER, 45353]),
    ("plan_bad", "HIRING_PLAN", [[["x"]]]),
    ("headline", "PLAN_HEADLINE", [{"result": "plan_schedule"}]),
    ("headline_bad", "PLAN_HEADLINE", [[[1]]]),
    ("needs_1", "NEEDS_DISTRIBUTION", [1, [[10, 90]]]),
    ("needs_7_seeded", "NEEDS_DISTRIBUTION", [7, [[5, 50, 95]], 2000, 11]),
    ("needs_20_pert", "NEEDS_DISTRIBUTION", [20, [[10, 50, 90]], 5000, 3, None, "pert"]),
    ("needs_wide", "NEEDS_DISTRIBUTION", [50, [[1, 99]], 3000, 2, WIDE]),
    ("needs_bad_seed", "NEEDS_DISTRIBUTION", [3, [[10]], 100, -1]),
    ("plan_dist", "PLAN_DISTRIBUTION", [SCHEDULE, [[10, 50, 90]], 300, 5]),
    ("plan_dist_pert", "PLAN_DISTRIBUTION", [[[1], [1]], [[50]], 200, 1, "pert"]),
    ("plan_dist_bad", "PLAN_DISTRIBUTION", [SCHEDULE, [[10, 150]]]),
    ("plan_labelled", "HIRING_PLAN", [[["Quarter", "New teams"], ["Q1 2027", 2], ["Q2 2027", 1]], ROSTER, 45353,
                                      None, None, None, None, [[2, 1, 2]]]),
    ("labels_46357", "QUARTER_LABELS", [46357, 5]),
    ("labels_short", "QUARTER_LABELS", [46357, 3]),
    ("candidates_45352", "PROMOTION_CANDIDATES", [ROSTER, 45352]),
    ("candidates_bad_tenure", "PROMOTION_CANDIDATES", [ROSTER, 45352, -1]),
    ("cost", "PLAN_COST", [{"result": "plan_schedule"}, [[200000, 160000, 240000]], 25000]),
    ("cost_blank", "PLAN_COST", [{"result": "plan_schedule"}, None]),
    ("unknown_titles", "UNKNOWN_TITLES", [[*ROSTER_UNKNOWN_ROLE, ["Ed", "chef", 44000, "no"]]]),
    ("unknown_titles_none", "UNKNOWN_TITLES", [ROSTER]),
    ("unknown_titles_catalog", "UNKNOWN_TITLES", [ROSTER, [["Role", "Archetype"], ["Research Engineer", "Iterator"]]]),
    ("unknown_titles_no_role", "UNKNOWN_TITLES", [[["Name"], ["Ada"]]]),
]


def _resolved(args: list, results: dict) -> list:
    return [results[a["result"]]["value"] if isinstance(a, dict) else a for a in args]


def outcome(call) -> dict:
    """{"value": v} or {"error": message}: plain Python returns an error as its text, the
    Office.js runtimes (Pyodide among them) raise it; either way it is the same message."""
    try:
        value = call()
    except Exception as error:  # noqa: BLE001 - an error is a result to compare
        return {"error": str(error), "raised": type(error).__name__}
    if isinstance(value, str) and value.startswith(ERROR_CODES):
        return {"error": value}
    return {"value": value}


def run_plain(udfs) -> dict:
    results: dict = {}
    for key, name, args in CASES:
        function = getattr(udfs, name)
        results[key] = outcome(lambda: function(*_resolved(args, results)))
    return results


def as_office_js(value):
    """An argument as the Office.js add-in posts it: every argument a 2-D list."""
    if value is None or isinstance(value, list):
        return value
    return [[value]]


def office_js_payload(name: str, args: list, version: str) -> dict:
    """What the Office.js add-in posts for one call of a custom function."""
    return {"func_name": name, "args": [as_office_js(a) for a in args], "version": version, "client": "Office.js",
            "runtime": "1.4", "culture_info_name": "en-US", "date_format": "yyyy-mm-dd",
            "caller_address": "Sheet1!A1"}


async def run_office_js(udfs, server, version: str) -> dict:
    """The same calls through xlwings' Office.js code path (``custom_functions_call``).
    A coroutine: Pyodide has no asyncio.run (its event loop is the JavaScript one)."""
    results: dict = {}
    plain = run_plain(udfs)
    for key, name, args in CASES:
        data = office_js_payload(name, _resolved(args, plain), version)
        try:
            results[key] = {"value": await server.custom_functions_call(data, udfs)}
        except Exception as error:  # noqa: BLE001 - an error is a result to compare
            results[key] = {"error": str(error), "raised": type(error).__name__}
    return results


def nan_free(value):
    """NaN never equals itself; compare it as a marker."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, (list, tuple)):
        return [nan_free(v) for v in value]
    if isinstance(value, dict):
        return {k: nan_free(v) for k, v in value.items()}
    return value
