"""Read a computed template's results back and say them in a few lines."""

from __future__ import annotations

from openpyxl.utils import get_column_letter, range_boundaries

from talentneeds.text import format_table
from talentneeds.workbook import template as T

Values = dict[tuple[str, str], object]


def block(values: Values, sheet: str, ref: str) -> list[list]:
    """A rectangular range of computed values, row by row."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return [[values.get((sheet, f"{get_column_letter(c)}{r}")) for c in range(min_col, max_col + 1)]
            for r in range(min_row, max_row + 1)]


def failed_checks(values: Values) -> list[tuple[str, str]]:
    """(cell, label) of every check on the Checks sheet that is not TRUE."""
    labels = dict((item.cell, item.value) for item in T.CHECKS.items if getattr(item, "style", "") == "Label")
    return [(f"B{row}", labels.get(f"A{row}", "")) for row in T.CHECK_ROWS
            if values.get(("Checks", f"B{row}")) is not True]


def summary(values: Values) -> str:
    point = {name: column for name, column in T.POINT_COLUMNS.items()}
    needs = block(values, "Needs", T.NEEDS_TABLE)
    hires = [["", "Low", "Mid", "High"]]
    for label, key in (("Promoted from within", "promoted"), ("Amplifier hires (external)", "amplifier_hires"),
                       ("Iterator hires incl. backfill", "iterator_hires"),
                       ("Manager leverage (employees)", "leverage")):
        row = T.HIRES_ROWS[key]
        hires.append([label, *(values.get(("Needs", f"{column}{row}")) for column in point.values())])
    bottleneck = block(values, "Needs", T.BOTTLENECK_TABLE)[-1]
    heads = block(values, "Cohort", T.COHORT_BY_HEADS)
    value = block(values, "Cohort", T.COHORT_BY_VALUE)
    cohort = [["Archetype", "Seats by heads", "Seats by value"]]
    cohort += [[h[0], h[3], v[3]] for h, v in zip(heads[1:], value[1:], strict=True)]
    teams = values.get(("Needs", "B3"))
    internal = values.get(("Needs", "B12"))
    lines = [
        f"New teams: {teams:g}" if isinstance(teams, float) else f"New teams: {teams}",
        "", "Needs (FTE)", format_table(needs),
        "", f"Internal promotion candidates: {internal:g}" if isinstance(internal, float)
        else f"Internal promotion candidates: {internal}",
        format_table(hires),
        "", f"Bottleneck: {bottleneck[4]} ({bottleneck[3]:g} whole teams staffable)"
        if isinstance(bottleneck[3], float) else f"Bottleneck: {bottleneck[4]} ({bottleneck[3]})",
        "", "Cohort mix", format_table(cohort, "{:,.0f}"),
    ]
    return "\n".join(lines)
