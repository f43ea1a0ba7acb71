"""Write demo_cells.json: every formula cell's computed value in the demo workbook.

The fixture was generated once with the engine as it was BEFORE the speed work of
issue 17 (commit 4e75b07) and is compared by tests/engines/test_demo_cells.py, so that
the work is shown to leave every computed cell unchanged. Regenerate it only when the
template's formulas or the model's figures change on purpose, and say why in the commit:

    .venv/bin/python tests/engines/data/generate_demo_cells.py
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def demo_cells() -> dict[str, dict[str, object]]:
    """{sheet: {"A1": value}} of the demo (the template `talentneeds demo` builds)."""
    from talentneeds.engines.formula_engine import WorkbookEngine
    from talentneeds.workbook.builder import build_template

    with tempfile.TemporaryDirectory() as folder:
        path = build_template(Path(folder) / "talent-needs.xlsx")
        values = WorkbookEngine(path).calculate()
    cells: dict[str, dict[str, object]] = {}
    for (sheet, address), value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{sheet}!{address} is {value}: JSON cannot hold it")
        cells.setdefault(sheet, {})[address] = value
    return cells


if __name__ == "__main__":
    target = HERE / "demo_cells.json"
    target.write_text(json.dumps(demo_cells(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {target}", file=sys.stderr)
