"""Headless evaluation of Talent Needs workbooks: no Excel needed.

:func:`compute` evaluates every formula of a workbook -- Excel's own functions and ours
(``talentneeds.udfs``, the definitions Excel calls) -- and writes a copy of the original
workbook in which every formula keeps its text and gains its computed value, so that
anything that reads cached values (openpyxl ``data_only=True``, pandas, viewers, mail
previews) sees the results. The copy no longer asks for a full recalculation on
opening, so Excel shows the stored values until an input changes (only then are the
add-in's functions needed). LibreOffice shows the stored values of single-cell formulas
but always recalculates array formulas, so our table functions show #NAME? there
unless its Talent Needs add-in is installed (``talentneeds libreoffice install``).
:func:`evaluate` is the same evaluation for a caller that publishes the file itself
(the command line: its output-file policy, ``--in-place``, ``--engine libreoffice``).

The parts, each usable on its own:

* :mod:`.structured_refs` -- table references such as ``Staff[#All]`` to A1 form;
* :mod:`.table_columns` -- tables' constant columns as blocks, calculated columns as
  array formulas;
* :mod:`.udf_adapter` -- our functions as functions of the ``formulas`` engine;
* :mod:`.formula_engine` -- :class:`~.formula_engine.WorkbookEngine`: load, calculate,
  recalculate with changed inputs;
* :mod:`.budget`, :mod:`.links`, :mod:`.circular` -- a workbook asking for too much
  work refused, links to other workbooks never followed, a circular reference named;
* :mod:`.cached_values` -- store values next to formulas in a copy of the file;
* :mod:`.compat` -- the only place that uses formulas' and openpyxl's internals (the openpyxl
  ones in :mod:`.compat_openpyxl`, imported through it);
* :mod:`.progress` -- stages and cells done, drawn on a terminal, timed for the benchmark;
* :mod:`.spills` -- dynamic arrays resized to their results, #SPILL! where blocked;
* :mod:`.frozen` -- values kept as constants where an application lacks a function.

This module imports the engine lazily: ``formulas`` and openpyxl take a tenth of a
second or more to import, which other commands should not pay for.
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Callable
from pathlib import Path

__all__ = ["compute", "evaluate"]

Address = tuple[str, str]


def evaluate(source: str | Path, data: bytes, progress=None,
             engine: str = "formulas") -> tuple[dict[Address, object], Callable[[Path], None]]:
    """Evaluate the workbook whose bytes are ``data`` (read from ``source``, which names it
    in messages and gives its suffix; it is not read again). Returns the values,
    {(sheet, "A1"): value}, errors as their code (``"#VALUE!"``), and ``write(target)``,
    which writes those same bytes with the values stored, and dynamic arrays resized to
    their results, to the file ``target`` (the caller's temporary: where and when it is
    published is the caller's policy). ``engine``: "formulas" (in process) or
    "libreoffice" (LibreOffice headless with our add-in; its values are stored the same
    way). ``progress`` (a :class:`.progress.Progress`) is told each stage and the cells done."""
    from talentneeds.progress import Progress

    progress = progress or Progress()
    spilled = None  # the computed workbook's bytes, when dynamic arrays were resized
    if engine == "libreoffice":
        from talentneeds.libreoffice.engine import libreoffice_values_of

        values = libreoffice_values_of(data, Path(source).suffix)
    else:
        values, spilled = _evaluate_here(source, data, progress)

    def write(target: Path) -> None:
        from talentneeds.engines.cached_values import write_cached_values
        from talentneeds.engines.formula_engine import collection_paused

        progress.stage("writing the values")
        if spilled is not None:  # computed and written with the spills resized
            Path(target).write_bytes(spilled)
        else:
            gc.collect()  # the dropped engine's cycles, at once (cheap: its heap is mostly freed already)
            with collection_paused():
                write_cached_values(source, target, values, data=data)
        progress.close()

    return values, write


def _evaluate_here(source: str | Path, data: bytes, progress) -> tuple[dict[Address, object], bytes | None]:
    """The values by our engine, and the computed workbook's bytes if spills were resized."""
    from talentneeds.engines.formula_engine import WorkbookEngine
    from talentneeds.engines.spills import compute_spilling_data, dynamic_arrays

    # first: it says what is wrong with a workbook it cannot read
    engine = WorkbookEngine(source, data=data, progress=progress)
    spills = dynamic_arrays(io.BytesIO(data))
    if spills:  # they take the size of their results, as in Excel 365 (engines.spills)
        return compute_spilling_data(data, Path(source).suffix, spills, engine, progress)
    return engine.calculate(progress=progress), None


def compute(in_path: str | Path, out_path: str | Path, data: bytes | None = None,
            progress=None) -> dict[Address, object]:
    """Evaluate the workbook at ``in_path`` and write it, formulas kept and their
    computed values stored, to ``out_path`` (``in_path`` is never modified). Returns the
    values (see :func:`evaluate`). ``data``: the input's bytes, already read: evaluated and
    copied as they are, the file not read again."""
    from talentneeds.files import atomic_replace
    from talentneeds.ooxml import PackageError

    in_path, out_path = Path(in_path), Path(out_path)
    if out_path.exists() and os.path.samefile(in_path, out_path):  # refused before the work, not after
        raise PackageError(f"{out_path} is the input workbook; write the values to another file")
    if data is None:
        data = in_path.read_bytes()
    values, write = evaluate(in_path, data, progress)
    atomic_replace(out_path, write)
    return values
