"""The demo's computed cells are exactly those the engine gave before the speed work.

demo_cells.json was written by data/generate_demo_cells.py with the engine as it was
before issue 17 (lazy function table, staged loading, progress): every formula cell's
value, per sheet and address. Any change to what the engine loads or how must leave
every one of them identical -- same type, same float to the last bit.

The workbook computed is the one the fixture was made from: demo-4e75b07.xlsx, the
committed template of that commit (the demo's template, byte for byte), so that a later
change to the template (issue 14's spills and Dashboard) does not move the cells the
engine is held to.
"""

import json
from pathlib import Path

from talentneeds.engines.formula_engine import WorkbookEngine

FIXTURE = Path(__file__).resolve().parent / "data" / "demo_cells.json"
WORKBOOK = FIXTURE.with_name("demo-4e75b07.xlsx")


def test_demo_cells_are_unchanged(tmp_path):
    expected = json.loads(FIXTURE.read_text())
    values = WorkbookEngine(WORKBOOK).calculate()

    got: dict[str, dict[str, object]] = {}
    for (sheet, address), value in values.items():
        got.setdefault(sheet, {})[address] = value
    assert sorted(got) == sorted(expected)
    for sheet, cells in expected.items():
        assert sorted(got[sheet]) == sorted(cells), sheet
        differing = {a: (v, got[sheet][a]) for a, v in cells.items()
                     if type(got[sheet][a]) is not type(v) or got[sheet][a] != v}
        assert differing == {}, sheet
    assert sum(len(c) for c in expected.values()) == 684  # every formula cell of the demo
