"""Headless evaluation of Talent Needs workbooks: no Excel needed.

:func:`compute` evaluates every formula of a workbook -- Excel's own functions and ours
(``talentneeds.udfs``, the definitions Excel calls) -- and writes a copy of the original
workbook in which every formula keeps its text and gains its computed value, so that
anything that reads cached values (openpyxl ``data_only=True``, pandas, viewers, mail
previews) sees the results. The copy no longer asks for a full recalculation on
opening, so Excel shows the stored values until an input changes (only then are the
add-in's functions needed). LibreOffice shows the stored values of single-cell formulas
but always recalculates array formulas, so our table functions show #NAME? there.

The parts, each usable on its own:

* :mod:`.structured_refs` -- table references such as ``Staff[#All]`` to A1 form;
* :mod:`.udf_adapter` -- our functions as functions of the ``formulas`` engine;
* :mod:`.formula_engine` -- :class:`~.formula_engine.WorkbookEngine`: load, calculate,
  recalculate with changed inputs;
* :mod:`.cached_values` -- store values next to formulas in a copy of the file;
* :mod:`.spills` -- dynamic arrays resized to their results, #SPILL! where blocked.

This module imports the engine lazily: ``formulas`` pulls in scipy and takes a second
or more to import, which other commands should not pay for.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["compute"]


def compute(in_path: str | Path, out_path: str | Path) -> dict[tuple[str, str], object]:
    """Evaluate the workbook at ``in_path`` and write it, formulas kept and their
    computed values stored, to ``out_path`` (``in_path`` is never modified). Returns the
    values, {(sheet, "A1"): value}, errors as their code (``"#VALUE!"``)."""
    from talentneeds.engines.cached_values import write_cached_values
    from talentneeds.engines.formula_engine import WorkbookEngine
    from talentneeds.engines.spills import compute_spilling, dynamic_arrays

    engine = WorkbookEngine(in_path)  # first: it says what is wrong with a workbook it cannot read
    spills = dynamic_arrays(in_path)
    if spills:  # they take the size of their results (engines.spills)
        return compute_spilling(in_path, out_path, spills, engine)
    values = engine.calculate()
    write_cached_values(in_path, out_path, values)
    return values
