"""Read a computed template's results back and say them in a few lines."""

from __future__ import annotations

from openpyxl.utils import get_column_letter, range_boundaries

from talentneeds.excel.boundary import CellError
from talentneeds.text import format_table
from talentneeds.workbook import template as T

Values = dict[tuple[str, str], object]


def block(values: Values, sheet: str, ref: str) -> list[list]:
    """A rectangular range of computed values, row by row."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return [[values.get((sheet, f"{get_column_letter(c)}{r}")) for c in range(min_col, max_col + 1)]
            for r in range(min_row, max_row + 1)]


def failed_checks(values: Values, data: bytes) -> list[tuple[str, str]]:
    """(cell, label) of every check of the workbook whose bytes are ``data`` that is not
    TRUE in ``values``: its own checks, where it has them (:mod:`.checks`), whichever
    template made it."""
    from talentneeds.roster.staff_table import quoted_sheet_name
    from talentneeds.workbook.checks import workbook_checks

    return [(f"{quoted_sheet_name(check.sheet)}!{check.cell}", check.label)
            for check in workbook_checks(data).failed(values)]


def describe_failed_checks(failures: list[tuple[str, str]], data: bytes, values: Values | None = None) -> str:
    """One line: every failing check by cell and label, then the role titles the workbook's
    catalogue does not know (the usual cause of several failing checks at once) and the
    Role cells that hold no title, read from the workbook's bytes ``data`` (a formula's
    result from the computed ``values``)."""
    from talentneeds.untrusted import is_reading_error
    from talentneeds.workbook.titles import describe_unknown, describe_untitled, unknown_titles, workbook_titles

    named = "; ".join(f"{cell} ({label})" for cell, label in failures)
    line = f"check failed: {named}; {len(failures)} check(s) fail in all"
    try:
        staff = workbook_titles(data, values)
    except Exception as error:  # the checks are named either way; a bug is re-raised
        if not is_reading_error(error):
            raise
        return line
    unknown = unknown_titles(staff.titles, staff.catalog)
    if unknown:
        line += f"; {describe_unknown(unknown, 'Roles')} (add each on Roles with its archetype)"
    if staff.untitled:
        line += f"; {describe_untitled(staff.untitled)}"
    return line


def _number(value: object) -> str:
    """A computed value for a sentence: 3 rather than 3.0; an error code as it is."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def summary(values: Values) -> str:
    values = {address: value.code if isinstance(value, CellError) else value for address, value in values.items()}
    needs = block(values, "Needs", T.NEEDS_TABLE)
    hires = [["", *(point.title() for point in T.POINT_COLUMNS)]]
    for row, label, _, in_summary in T.NEEDS_ROWS:
        if in_summary:
            hires.append([label, *(values.get(("Needs", f"{column}{row}"))
                                   for column in T.POINT_COLUMNS.values())])
    table = block(values, "Needs", T.BOTTLENECK_TABLE)
    column = T.BOTTLENECK_HEADER.index
    bottleneck, amplifier_row = table[-1], table[1]  # the Bottleneck row; Amplifiers, the first archetype
    teams = bottleneck[column("Teams staffable")]
    staffable = f"{teams:g} whole teams staffable" if isinstance(teams, float) else str(teams)
    # the hires are what the Bottleneck adds to the candidates (Needs' formula), so the two
    # parts shown always add up to the Amplifiers it counts
    internal, amplifiers = values.get(("Needs", T.INTERNAL_AMPLIFIERS_CELL)), amplifier_row[column("Available")]
    if isinstance(internal, float) and isinstance(amplifiers, float):
        staffable += (f"; Amplifiers: {_number(internal)} promotion candidates + "
                      f"{_number(amplifiers - internal)} hires available")
    heads = block(values, "Cohort", T.COHORT_BY_HEADS)
    value = block(values, "Cohort", T.COHORT_BY_VALUE)
    cohort = [["Archetype", "Seats by heads", "Seats by value"]]
    cohort += [[h[0], h[3], v[3]] for h, v in zip(heads[1:], value[1:], strict=True)]
    lines = [
        f"New teams: {_number(values.get(('Needs', T.NEW_TEAMS_CELL)))}",
        "", "Needs (FTE)", format_table(needs),
        "", f"Internal promotion candidates: {_number(values.get(('Needs', T.INTERNAL_AMPLIFIERS_CELL)))}",
        format_table(hires),
        "", f"Bottleneck: {bottleneck[column('Binding')]} ({staffable})",
        "", "Cohort mix (heads from outside, net of promotion)", format_table(cohort, "{:,.0f}"),
        "", *_plan(values),
    ]
    return "\n".join(lines)


def plan_labels(values: Values) -> list:
    """The Base plan's quarters as the workbook labels them (its Quarter column, as spilled)."""
    first = int(T.PLAN_TABLE.split(":")[0][1:]) + 1
    column = T.PLAN_TABLE[0]
    found = (values.get(("Plan", f"{column}{row}")) for row in range(first, first + T.PLAN_REACH_ROWS - 1))
    return [label for label in found if label not in (None, "")]


def _staffed(staffed: object, labels: list) -> str:
    """'fully staffed from quarter 5 (Q3 2027)', whether the headline gives a label or a number."""
    if isinstance(staffed, str) and staffed in labels:
        return f"fully staffed from quarter {labels.index(staffed) + 1} ({staffed})"
    if isinstance(staffed, float) and staffed.is_integer() and 1 <= staffed <= len(labels):
        return f"fully staffed from quarter {int(staffed)} ({labels[int(staffed) - 1]})"
    return f"fully staffed: {_number(staffed)}"


def _plan(values: Values) -> list[str]:
    """The plan's headline, then the scenarios side by side."""
    labels = plan_labels(values)
    headline = {name: [values.get(("Scenarios", f"{column}{row}")) for row in (*T.HEADLINE_ROWS, T.COST_ROW)]
                for column, (name, *_) in zip(T.SCENARIO_COLUMNS, T.SCENARIOS)}
    staffed, peak, bound, cost = headline["Base"]
    table = [["", *headline]]
    for i, label in enumerate(("Fully staffed from quarter", "Peak backlog", "Management-bound quarters",
                               "Plan cost (total)")):
        table.append([label, *(_money(h[i]) if i == 3 else _number(h[i]) for h in headline.values())])
    start = labels[0] if labels else "(no quarters)"
    return [f"Plan over {len(labels)} quarters from {start}: {_staffed(staffed, labels)}; peak backlog "
            f"{_number(peak)} heads; {_number(bound)} management-bound quarter(s); cost {_money(cost)}",
            "", "Scenarios", format_table(table)]


def _money(value: object) -> str:
    return f"{value:,.0f}" if isinstance(value, float) else str(value)
