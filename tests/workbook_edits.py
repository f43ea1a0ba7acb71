"""Edits to a built template made as Excel saves them (the sheet's and the Schedule
table's XML), never through openpyxl, which would drop the dynamic-array markup: for the
spill tests and the validator's files."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

PLAN_PART, SCHEDULE_PART = "xl/worksheets/sheet8.xml", "xl/tables/table4.xml"
ASSUMPTIONS_PART = "xl/worksheets/sheet2.xml"
MORE_QUARTERS = ("2028-Q3", "2028-Q4", "2029-Q1", "2029-Q2")
NEW_TEAMS = "SUMIFS(Teams[Count],Teams[Start],Schedule[[#This Row],[Quarter]])"
FAST_GROWTH = "Schedule[[#This Row],[New teams]]*FastGrowth"


def edited(source: Path, target: Path, edit) -> Path:
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        parts = {name: archive.read(name) for name in archive.namelist()}
        edit(parts)
        for name, data in parts.items():
            out.writestr(name, data)
    return target


def _schedule_rows(parts: dict[str, bytes], last_row: int) -> None:
    """The Schedule table ends at ``last_row`` (its ref and its filter)."""
    parts[SCHEDULE_PART] = re.sub(rb'ref="S4:U\d+"', f'ref="S4:U{last_row}"'.encode(), parts[SCHEDULE_PART])


def put_cells(xml: bytes, row: int, cells: str) -> bytes:
    """``cells`` appended to row ``row`` (after its cells; they are to the right of them)."""
    found = re.search(rf'<row r="{row}"[^>]*>.*?</row>'.encode(), xml, re.S)
    if found:
        return xml[:found.end() - 6] + cells.encode() + xml[found.end() - 6:]
    later = next((m.start() for m in re.finditer(rb'<row r="(\d+)"', xml) if int(m.group(1)) > row),
                 xml.index(b"</sheetData>"))
    return xml[:later] + f'<row r="{row}">{cells}</row>'.encode() + xml[later:]


def lengthen(parts: dict[str, bytes]) -> None:
    """Four more quarters typed below the Schedule table, as Excel extends a table."""
    for row, quarter in enumerate(MORE_QUARTERS, start=13):
        parts[PLAN_PART] = put_cells(parts[PLAN_PART], row, (
            f'<c r="S{row}" s="4" t="inlineStr"><is><t>{quarter}</t></is></c>'
            f'<c r="T{row}" s="10"><f>{NEW_TEAMS}</f></c><c r="U{row}" s="10"><f>{FAST_GROWTH}</f></c>'))
    _schedule_rows(parts, 16)


def shorten(parts: dict[str, bytes]) -> None:
    """The Schedule's last two quarters (rows 11 and 12) deleted, and the Horizon
    (Assumptions!B36) made 6 quarters to match (a check fails otherwise)."""
    for row in (11, 12):
        parts[PLAN_PART] = re.sub(rf'<c r="[STU]{row}"[^>]*>.*?</c>'.encode(), b"", parts[PLAN_PART])
    _schedule_rows(parts, 10)
    parts[ASSUMPTIONS_PART] = re.sub(rb'(<c r="B36"[^>]*>)<v>8</v>', rb"\1<v>6</v>", parts[ASSUMPTIONS_PART])
