"""Timing helpers, the machine description and the demo data the benchmarks share."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_templates" / "talent-needs.xlsx"


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- timing

@dataclass
class Timing:
    """Per-call seconds of each repeat; ``median`` is what the tables show."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def _loops_for(fn, target: float) -> int:
    """Calls per repeat so that one repeat takes about ``target`` seconds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        took = time.perf_counter() - start
        if took >= target / 10 or number >= 1_000_000:
            return max(1, int(number * target / max(took, 1e-9)))
        number *= 10


def _per_call(fn, number: int) -> float:
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as timeit does: no collection pauses inside a measurement
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number
    finally:
        if gc_was_enabled:
            gc.enable()


def compare(candidates: dict[str, object], repeats: int, target: float = 0.05,
            number: dict[str, int] | None = None) -> dict[str, Timing]:
    """Time every callable ``repeats`` times, interleaved (A, B, A, B, ...) so that a
    slow moment of the machine hits all of them alike. Each repeat makes enough calls to
    take about ``target`` seconds (or ``number[name]`` calls). Returns per-call timings."""
    number = number or {}
    loops = {name: number.get(name) or _loops_for(fn, target) for name, fn in candidates.items()}
    timings = {name: Timing() for name in candidates}
    for _ in range(repeats):
        for name, fn in candidates.items():
            timings[name].samples.append(_per_call(fn, loops[name]))
    return timings


def time_once(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def repeat_once(fn, repeats: int) -> Timing:
    """Seconds of ``repeats`` single calls (for calls that take a while each)."""
    return Timing([time_once(fn) for _ in range(repeats)])


# ---------------------------------------------------------------- child processes

def run_measured(command: list[str], cwd: Path | None = None, env: dict | None = None,
                 timeout: float = 900) -> dict:
    """Run ``command`` in a child of a fresh helper process, so that the helper's
    RUSAGE_CHILDREN peak RSS is this run's alone. Returns wall seconds, peak RSS (MiB),
    the exit code and the output's tail."""
    helper = Path(__file__).with_name("measure.py")
    done = subprocess.run([sys.executable, str(helper), *command], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"measuring {command} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def in_child(module: str, *args: str) -> dict:
    """``python -m module --child *args`` from the repository: the JSON its last line prints."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", module, "--child", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the machine

def _meminfo_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    except (ValueError, OSError, AttributeError):
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _soffice_version(soffice: str | None) -> str:
    if not soffice:
        return "not installed"
    try:
        done = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60)
        return done.stdout.strip().splitlines()[0] if done.stdout.strip() else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine(soffice: str | None) -> dict[str, str]:
    import formulas
    import numpy
    import openpyxl
    import pandas
    import xlwings

    import talentneeds

    memory = _meminfo_total_gib()
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{_cpu_model()}, {cores} logical cores ({usable} usable by this process)",
        "memory": f"{memory:.1f} GiB total" if memory else "unknown",
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": platform.python_version(),
        "packages": (f"talentneeds {talentneeds.__version__}, numpy {numpy.__version__}, "
                     f"pandas {pandas.__version__}, formulas {formulas.__version__}, "
                     f"openpyxl {openpyxl.__version__}, xlwings {xlwings.__version__}"),
        "libreoffice": _soffice_version(soffice),
    }


# ---------------------------------------------------------------- demo data

def table_rows(path: Path, sheet: str, table: str) -> list[list]:
    """A table's cells with its header, as classic xlwings passes a range (values, dates
    as datetimes, blanks as None)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet]
    return [[c.value for c in row] for row in ws[ws.tables[table].ref]]


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:,.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:,.2f} ms"
    return f"{seconds:,.2f} s"


def fmt_ratio(ratio: float) -> str:
    if ratio >= 100:
        return f"{ratio:,.0f}x"
    if ratio >= 10:
        return f"{ratio:.1f}x"
    return f"{ratio:.2f}x"


def fmt_rate(per_second: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{per_second / scale:,.2f} {unit}/s"
    return f"{per_second:,.1f} /s"


def met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
