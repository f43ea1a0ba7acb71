"""Formula cells compiled once for a series of loads of one workbook: :class:`CompiledCells`.

Why: compute settles spills that feed spills by loading the resized workbook again, once
for each level of the chain (a Horizon of 40 quarters: the quarter labels, the plans, the
cost tables; four loads), and compiling the formula cells was most of a load, although
all but the moved anchors' cells compile exactly as in the load before.

What a cell's compilation depends on: its sheet, its address (an array formula's: its
range, so a resized anchor is compiled again), its text as handed to the engine, whether
it may be a formula; and the workbook's sheets and defined names, which the loads of one
series share (:meth:`CompiledCells.for_workbook` starts afresh when they differ). The
engine evaluates a call whose arguments are all constants while compiling it: the messages
our functions filed then are kept with the cell and filed again each time it is reused.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from talentneeds.engines.udf_adapter import collecting


class CompiledCells:
    """{key: (compiled cell, the messages filed while compiling it)} for one workbook."""

    def __init__(self) -> None:
        self._signature: Hashable = None
        self._cells: dict[Hashable, tuple[object, dict[str, list[str]]]] = {}

    def for_workbook(self, signature: Hashable) -> CompiledCells:
        """This cache, emptied unless it was filled for a workbook of the same ``signature``
        (its sheets and defined names)."""
        if signature != self._signature:
            self._signature, self._cells = signature, {}
        return self

    def compiled(self, key: Hashable, compile: Callable[[], object], collector: dict[str, list[str]]) -> object:
        """The cell ``compile()`` gives, compiled once for ``key``; the messages filed while
        compiling it are filed in ``collector`` (each once, as our functions file them)."""
        found = self._cells.get(key)
        if found is None:
            filed: dict[str, list[str]] = {}
            with collecting(filed):
                cell = compile()
            found = self._cells[key] = (cell, filed)
        cell, filed = found
        for node, messages in filed.items():
            kept = collector.setdefault(node, [])
            kept.extend(m for m in messages if m not in kept)
        return cell
