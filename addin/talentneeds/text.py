"""Text tables for the terminal."""

from __future__ import annotations


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
