"""The vocabulary a workbook is described in: sheets holding text, inputs, formulas,
tables and charts. The builder turns a description into an .xlsx; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Validation:
    """Excel data validation for an input cell."""

    kind: str                   # "decimal", "whole", "list", "date" or "custom"
    formula1: str
    formula2: str | None = None
    operator: str | None = None  # "between", "greaterThanOrEqual", ...
    message: str = ""           # what the error box says


@dataclass(frozen=True)
class RangeValidation:
    """Data validation over a range that is not one input cell (a table's column)."""

    ref: str
    validation: Validation


@dataclass(frozen=True)
class Text:
    cell: str
    value: str
    style: str = "Note"         # "Title", "Heading", "NumberHeading", "Note", "Label"


@dataclass(frozen=True)
class Input:
    """An input cell: the input style, unlocked, validated; named unless ``name`` is None."""

    cell: str
    name: str | None
    value: object
    validation: Validation | None = None
    number_format: str = "General"


@dataclass(frozen=True)
class Formula:
    """A formula; ``spill`` is the whole range an array-returning function fills."""

    cell: str
    text: str
    name: str | None = None
    spill: str | None = None
    number_format: str = "General"
    style: str = "Calculation"
    column_formats: tuple[tuple[str, str], ...] = ()  # (column letter, format) within the spill
    text_columns: tuple[str, ...] = ()  # column letters of a spill's text after its first: left-aligned too
    # the header row the function returns as the spill's first row: shown as headings,
    # right-aligned over the numbers below them, the columns wide enough for them
    header: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """An Excel table: constant columns from ``rows``; ``formulas`` gives one formula per
    calculated column (a structured reference formula, e.g. ``=ARCHETYPE([@Role])``)."""

    name: str
    top_left: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    formulas: dict[str, str] = field(default_factory=dict)
    number_formats: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    kind: str                   # "bar" (clustered columns) or "barh"
    title: str
    anchor: str
    categories: str             # e.g. "A7:A9" on the same sheet
    series: tuple[tuple[str, str], ...]  # (title cell, values range)
    y_title: str = ""
    stacked: bool = False       # columns stacked on each other
    lines: tuple[tuple[str, str], ...] = ()  # (title cell, values range) drawn as lines over the columns
    size: tuple[float, float] = (14, 8)  # width, height in cm
    data_sheet: str | None = None  # the sheet the ranges are on (default: the chart's own)


@dataclass(frozen=True)
class Highlight:
    """A conditional format: cells of ``ref`` where ``formula`` (written for the top-left
    cell, relative like Excel's) is TRUE get ``fill`` and bold ``font`` colours."""

    ref: str
    formula: str
    fill: str
    font: str


@dataclass(frozen=True)
class Sheet:
    title: str
    items: tuple = ()
    column_widths: dict[str, float] = field(default_factory=dict)
    protect: bool = True        # protect the sheet; only input cells are unlocked
    tab_color: str | None = None
    freeze: str | None = None   # the top-left cell that scrolls (rows above, columns left stay)
    first_tab: bool = False     # shown as the first tab, wherever it is described
    # shown right after this sheet's tab, wherever it is described (a sheet added later is
    # described last, so that the parts of the sheets before it keep their names)
    tab_after: str | None = None
    pages_wide: int = 1         # printed this many pages wide (and as many long as it takes)
