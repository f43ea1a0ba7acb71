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
* :mod:`.compat` -- the only place that uses formulas' and openpyxl's internals;
* :mod:`.progress` -- stages and cells done, drawn on a terminal, timed for the benchmark.
* :mod:`.spills` -- dynamic arrays resized to their results, #SPILL! where blocked.

This module imports the engine lazily: ``formulas`` and openpyxl take a tenth of a
second or more to import, which other commands should not pay for.
"""

from __future__ import annotations

import gc
import io
from pathlib import Path

__all__ = ["compute"]


def compute(in_path: str | Path, out_path: str | Path, data: bytes | None = None,
            progress=None) -> dict[tuple[str, str], object]:
    """Evaluate the workbook at ``in_path`` and write it, formulas kept and their
    computed values stored, to ``out_path`` (``in_path`` is never modified). Returns the
    values, {(sheet, "A1"): value}, errors as their code (``"#VALUE!"``). ``data``: the
    input's bytes, already read: evaluated and copied as they are, the file not read again.
    ``progress`` (a :class:`.progress.Progress`) is told each stage and the cells done."""
    from talentneeds.engines.cached_values import write_cached_values
    from talentneeds.engines.formula_engine import WorkbookEngine, collection_paused
    from talentneeds.engines.progress import Progress
    from talentneeds.engines.spills import compute_spilling_data, dynamic_arrays
    from talentneeds.files import atomic_write

    progress = progress or Progress()
    if data is None:
        data = Path(in_path).read_bytes()
    # first: it says what is wrong with a workbook it cannot read
    engine = WorkbookEngine(in_path, data=data, progress=progress)
    spills = dynamic_arrays(io.BytesIO(data))
    if spills:  # they take the size of their results (engines.spills)
        values, written = compute_spilling_data(data, Path(in_path).suffix, spills, engine, progress)
        atomic_write(out_path, lambda stream: stream.write(written))
        progress.close()
        return values
    values = engine.calculate(progress=progress)
    progress.stage("writing the values")
    gc.collect()  # the dropped engine's cycles, at once (cheap: its heap is mostly freed already)
    with collection_paused():
        write_cached_values(in_path, out_path, values, data=data)
    progress.close()
    return values
