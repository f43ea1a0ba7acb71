"""Progress of a long computation: which stage runs, and how many cells of it are done.

The engine names each stage as it starts (:meth:`Progress.stage`) and counts cells as
it goes (:meth:`Progress.advance`); :class:`Progress` itself only notes how long each
stage took (the benchmark's per-stage table reads :attr:`Progress.seconds`), and
:class:`TerminalProgress` also draws a bar on a terminal. :func:`for_stream` picks:
a bar when the stream is a terminal, nothing drawn otherwise (a pipe, a file, CI).
"""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Stage timings, nothing drawn. ``seconds`` is {stage: seconds}, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stage: str | None = None
        self._started = 0.0

    def stage(self, name: str, total: int | None = None, unit: str = "cells") -> None:
        """``name`` starts (the previous stage ends); ``total`` cells (or ``unit``), if known."""
        self._end_stage()
        self._stage, self._started = name, time.perf_counter()

    def advance(self, cells: int = 1) -> None:
        """``cells`` more cells (or units) of the current stage are done."""

    def close(self) -> None:
        """The last stage ends."""
        self._end_stage()

    def _end_stage(self) -> None:
        if self._stage is not None:
            self.seconds[self._stage] = self.seconds.get(self._stage, 0.0) + time.perf_counter() - self._started
            self._stage = None


class TerminalProgress(Progress):
    """A tqdm bar per stage on ``stream`` (a terminal), showing cells done and the rate."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream
        self._bar = None
        self._unit = "cells"

    def stage(self, name: str, total: int | None = None, unit: str = "cells") -> None:
        super().stage(name, total, unit)
        from tqdm import tqdm  # comes with formulas, the engine's own dependency

        self._unit = unit
        self._bar = tqdm(total=total, desc=name, unit=f" {unit}" if total else " steps", file=self._stream,
                         leave=False, dynamic_ncols=True, mininterval=0.2)

    def advance(self, cells: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(cells)

    def _end_stage(self) -> None:
        if self._bar is not None:
            stage, bar = self._stage, self._bar
            self._bar = None
            elapsed = time.perf_counter() - self._started
            bar.close()
            done = f", {bar.n:,} {self._unit}" if bar.total else ""
            print(f"{stage}: done in {elapsed:.2f} s{done}", file=self._stream, flush=True)
        super()._end_stage()


def for_stream(stream: TextIO) -> Progress:
    """A :class:`TerminalProgress` on ``stream`` if it is a terminal, else a silent one."""
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        interactive = False
    return TerminalProgress(stream) if interactive else Progress()
