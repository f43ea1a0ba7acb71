"""Edits to a built template made as Excel saves them (the sheets' XML), never through
openpyxl, which would drop the dynamic-array markup: for the spill tests and the
validator's files."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

PLAN_PART = "xl/worksheets/sheet8.xml"
ASSUMPTIONS_PART = "xl/worksheets/sheet2.xml"
# the quarters after the template's eight (2026-07-01 to 2028-06-30), worked out by hand
MORE_QUARTERS = ("Q3 2028", "Q4 2028", "Q1 2029", "Q2 2029")


def edited(source: Path, target: Path, edit) -> Path:
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        parts = {name: archive.read(name) for name in archive.namelist()}
        edit(parts)
        for name, data in parts.items():
            out.writestr(name, data)
    return target


def put_cells(xml: bytes, row: int, cells: str) -> bytes:
    """``cells`` appended to row ``row`` (after its cells; they are to the right of them)."""
    found = re.search(rf'<row r="{row}"[^>]*>.*?</row>'.encode(), xml, re.S)
    if found:
        return xml[:found.end() - 6] + cells.encode() + xml[found.end() - 6:]
    later = next((m.start() for m in re.finditer(rb'<row r="(\d+)"', xml) if int(m.group(1)) > row),
                 xml.index(b"</sheetData>"))
    return xml[:later] + f'<row r="{row}">{cells}</row>'.encode() + xml[later:]


def horizon(quarters: int):
    """An edit: the Horizon (Assumptions!B36) typed as ``quarters``."""
    def edit(parts: dict[str, bytes]) -> None:
        xml, count = re.subn(rb'(<c r="B36"[^>]*>)<v>8</v>', rf"\g<1><v>{quarters}</v>".encode(),
                             parts[ASSUMPTIONS_PART])
        assert count == 1, "the template's Horizon (Assumptions!B36, 8) was not found"
        parts[ASSUMPTIONS_PART] = xml
    return edit


lengthen = horizon(12)  # four more quarters: the Schedule's rows 9-12 get their labels
shorten = horizon(6)    # the Schedule's rows 7 and 8 become blank
