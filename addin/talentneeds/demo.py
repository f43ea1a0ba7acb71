"""The demo: the source's example computed through the same functions Excel calls."""

from __future__ import annotations

from talentneeds import examples, udfs


def _shown(cell: object, number_format: str) -> str:
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return number_format.format(cell)
    return str(cell)


def format_table(rows: list[list], number_format: str = "{:,.4g}") -> str:
    """A 2-D result as aligned text: numbers right-aligned, everything else left-aligned."""
    shown = [[_shown(cell, number_format) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in shown) for i in range(len(shown[0]))]
    lines = []
    for row, texts in zip(rows, shown):
        aligned = [text.rjust(width) if isinstance(cell, float) else text.ljust(width)
                   for cell, text, width in zip(row, texts, widths)]
        lines.append("  ".join(aligned).rstrip())
    return "\n".join(lines)


def report() -> str:
    """The demo's text: needs, where Amplifiers come from, leverage, bottleneck, cohort mix."""
    teams = examples.NEW_TEAMS
    roster = examples.roster_range()
    internal = udfs.INTERNAL_AMPLIFIERS(roster, examples.AS_OF)
    iterators_on_roster = sum(1 for person in examples.ROSTER
                              if udfs.ARCHETYPE(person[1]) == "Iterator")
    hires = [["Point", "Amplifiers", "Promoted", "Amplifier hires", "Iterators", "Iterator hires"]]
    for point in ("low", "mid", "high"):
        amplifiers = udfs.AMPLIFIERS_NEEDED(teams, point)
        hires.append([point, amplifiers, min(internal, amplifiers), udfs.AMPLIFIER_HIRES(teams, internal, point),
                      udfs.ITERATORS_NEEDED(teams, point), udfs.ITERATOR_HIRES(teams, internal, point)])
    by_heads = udfs.COHORT_MIX(examples.COHORT_SIZE, udfs.AMPLIFIERS_NEEDED(teams),
                               udfs.ITERATORS_NEEDED(teams), udfs.CONNECTORS_NEEDED(teams), "heads")
    by_value = udfs.COHORT_MIX(examples.COHORT_SIZE, udfs.AMPLIFIERS_NEEDED(teams),
                               udfs.ITERATORS_NEEDED(teams), udfs.CONNECTORS_NEEDED(teams), "value")
    cohort = [["Archetype", "Seats by heads", "Seats by value"]]
    cohort += [[h[0], h[3], v[3]] for h, v in zip(by_heads[1:], by_value[1:])]
    bottleneck = udfs.BOTTLENECK(internal, examples.ITERATORS_AVAILABLE, examples.CONNECTORS_AVAILABLE)
    sections = [
        f"Talent Needs: an existing org starting {teams} new teams "
        f"(roster of {len(examples.ROSTER)}, tenure as of {examples.AS_OF:%Y-%m-%d})",
        "",
        "Needs of the new teams (FTE)",
        format_table(udfs.TEAM_NEEDS(teams)),
        "",
        f"Internal promotion candidates: {internal:g} of {iterators_on_roster} Iterators on the roster "
        "(tenure > 1 year and soft skills)",
        "Where they come from (FTE; each promoted Iterator leaves a seat that an Iterator hire backfills)",
        format_table(hires),
        "",
        f"Manager leverage: {udfs.MANAGER_LEVERAGE('low'):g}-{udfs.MANAGER_LEVERAGE('high'):g} "
        f"employees per manager (mid {udfs.MANAGER_LEVERAGE():g})",
        "",
        f"Bottleneck with {internal:g} promotable Amplifiers, {examples.ITERATORS_AVAILABLE} Iterator "
        f"and {examples.CONNECTORS_AVAILABLE} Connector hires (mid needs per team)",
        format_table(bottleneck),
        "",
        f"Cohort of {examples.COHORT_SIZE}: seats by heads needed vs by value (Amplifiers x leverage)",
        format_table(cohort, "{:,.0f}"),
    ]
    return "\n".join(sections)
