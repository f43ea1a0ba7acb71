"""Section 3: evaluating whole workbooks, ours against LibreOffice, and the calls it makes.

* Wall time and peak RSS of ``talentneeds compute IN -o OUT --force`` (a child process per
  run) against LibreOffice computing the same cells: with our add-in, through
  ``talentneeds compute IN -o OUT --engine libreoffice`` (the same measurement); where that
  option does not exist yet (argparse exits 2), LibreOffice alone -- headless, opening the
  same file, recalculating every formula (a fresh profile whose registrymodifications.xcu
  sets ``OOXMLRecalcMode`` to "always", as tests/workbook/test_libreoffice.py does) and
  saving it as .xlsx -- and the column says so.
* Where our time goes, stage by stage (the engine's own stage timings, in a child process).
* The Excel-function calls of one full recalculation, per function, counted by wrapping
  every function of ``talentneeds.udfs.__all__`` before the engine registers them (in a
  child process, so nothing leaks), and checked against an independent count of the
  calls written in the workbook's sheet XML.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

from bench.common import ROOT, TEMPLATE, Timing, fmt_ratio, met, progress, run_measured, table

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TALENTNEEDS = Path(sys.executable).with_name("talentneeds")
ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


# ---------------------------------------------------------------- counting calls

def function_names() -> tuple[str, ...]:
    from talentneeds import udfs

    return tuple(name.upper() for name in udfs.__all__)


def xml_calls(path: Path) -> Counter:
    """Calls of our functions written in the workbook's cells, read from the sheet XML
    (not through openpyxl or the engine): one per occurrence in each cell's formula; an
    array formula is one formula, a shared formula counts in every cell it fills."""
    names = function_names()
    pattern = re.compile(r"(?<![A-Za-z0-9_.])(" + "|".join(names) + r")\s*\(", re.IGNORECASE)
    found: Counter = Counter()
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", member):
                continue
            shared: dict[str, str] = {}
            for f in ElementTree.fromstring(archive.read(member)).iter(f"{_MAIN}f"):
                text = f.text or ""
                if f.get("t") == "shared":
                    if text:
                        shared[f.get("si")] = text
                    else:
                        text = shared.get(f.get("si"), "")
                text = re.sub(r'"[^"]*"', '""', text)  # a name inside a string literal is no call
                for match in pattern.finditer(text):
                    found[match.group(1).upper()] += 1
    return found


def count_calls(path: Path, profile_out: Path | None = None) -> dict:
    """In this process: load the workbook into the engine and recalculate it once,
    counting our functions' calls during loading and during the recalculation, and
    timing the engine's stages."""
    import functools

    from talentneeds import udfs

    counts: Counter = Counter()

    def counted(name, function):
        @functools.wraps(function)
        def call(*args):
            counts[name] += 1
            return function(*args)
        return call

    for name in udfs.__all__:
        setattr(udfs, name, counted(name.upper(), getattr(udfs, name)))

    from talentneeds import engines
    from talentneeds.progress import Progress

    class Stages(Progress):
        """Stage timings, and the calls made while loading set apart when calculating starts."""

        loaded = None
        load_counts: dict = {}

        def stage(self, name: str, total: int | None = None, unit: str = "cells") -> None:
            if name == "calculating" and self.loaded is None:
                self.loaded, self.load_counts = time.perf_counter(), dict(counts)
                counts.clear()
            super().stage(name, total, unit)

    stages = Stages()
    profiler = None
    if profile_out is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    values, write = engines.evaluate(path, path.read_bytes(), stages)  # what compute runs, then writes
    calculated = time.perf_counter()
    calculate_counts = dict(counts)
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder) / path.name)
    written = time.perf_counter()
    loaded = stages.loaded if stages.loaded is not None else calculated
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(profile_out))
    return {"load": stages.load_counts, "calculate": calculate_counts,
            "seconds": {"load": loaded - start, "calculate": calculated - loaded, "write": written - calculated},
            "stages": stages.seconds,
            "profiled": profiler is not None, "formula_cells": len(values)}


def count_calls_in_child(path: Path, profile_out: Path | None = None) -> dict:
    command = [sys.executable, "-m", "bench.workbooks", "--count", str(path)]
    if profile_out is not None:
        command.append(str(profile_out))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"counting calls in {path} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- timing whole files

def ours(source: Path, folder: Path) -> dict:
    out = folder / f"ours-{source.stem}{source.suffix}"
    result = run_measured([str(TALENTNEEDS), "compute", str(source), "-o", str(out), "--force"], cwd=folder)
    if result["returncode"] not in (0, 1) or not out.exists():  # 1: a check failed, the file is written
        raise RuntimeError(f"talentneeds compute {source.name} failed: {result['tail']}")
    return result


def libreoffice_profile(folder: Path) -> Path:
    profile = folder / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE)
    return profile


def libreoffice_with_addin(source: Path, folder: Path) -> dict | None:
    """``talentneeds compute --engine libreoffice``: LibreOffice with our add-in computing
    the same cells; None when this talentneeds has no such option (argparse exits 2)."""
    out = folder / f"lo-addin-{source.stem}{source.suffix}"
    result = run_measured([str(TALENTNEEDS), "compute", str(source), "-o", str(out), "--engine", "libreoffice",
                           "--force"], cwd=folder)
    if result["returncode"] == 2:
        return None
    if result["returncode"] not in (0, 1) or not out.exists():  # 1: a check failed, the file is written
        raise RuntimeError(f"talentneeds compute --engine libreoffice {source.name} failed: {result['tail']}")
    return result


def libreoffice(source: Path, folder: Path, profile: Path) -> dict:
    out = folder / "lo-out"
    target = out / f"{source.stem}.xlsx"
    if target.exists():
        target.unlink()
    result = run_measured([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                           "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
                          cwd=folder)
    if result["returncode"] != 0 or not target.exists():
        raise RuntimeError(f"LibreOffice failed on {source.name}: {result['tail']}")
    return result


DEMO_LABEL = "demo (the template, 3 teams, 20 people)"
#: The synthetic workbooks of a full run: (teams, people).
SIZES = ((1_000, 5_000), (10_000, 50_000))
#: Up to this many people a workbook gets every repeat; a bigger one fewer (it takes a while).
MANY_REPEATS_UP_TO = 5_000
BIG_REPEATS = 2


def synthetic_label(teams: int, people: int) -> str:
    return f"synthetic, {teams:,} teams / {people:,} people"


def prepare(folder: Path, sizes) -> dict[str, Path]:
    from talentneeds.workbook.synthetic import synthetic_workbook

    demo = folder / "demo.xlsx"
    shutil.copyfile(TEMPLATE, demo)
    found = {DEMO_LABEL: demo}
    for teams, people in sizes:
        progress(f"section 3: building the {teams:,}-team / {people:,}-person workbook")
        found[synthetic_label(teams, people)] = synthetic_workbook(
            folder / f"synthetic-{teams}-teams-{people}-people.xlsx", teams=teams, people=people)
    return found


def run(repeats: int, sizes=SIZES, profile_out: Path | None = None, keep: Path | None = None,
        preamble: str = "") -> tuple[str, dict]:
    """``preamble``: text to show at the head of the section (the start-up table)."""
    folder = Path(tempfile.mkdtemp(prefix="talentneeds-bench-"))
    try:
        return _run(folder, repeats, tuple(sizes), profile_out, preamble)
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def _run(folder: Path, repeats: int, sizes, profile_out: Path | None, preamble: str) -> tuple[str, dict]:
    workbooks = prepare(folder, sizes)
    people = {DEMO_LABEL: 20, **{synthetic_label(t, p): p for t, p in sizes}}
    summary: dict = {"files": {}}

    warm = None
    profile = None
    with_addin = True
    if SOFFICE:
        profile = libreoffice_profile(folder)
        progress("section 3: LibreOffice first start in a fresh profile (warm-up, not counted)")
        warm = libreoffice(next(iter(workbooks.values())), folder, profile)
        progress("section 3: LibreOffice with our add-in (talentneeds compute --engine libreoffice), warm-up")
        with_addin = libreoffice_with_addin(next(iter(workbooks.values())), folder) is not None
        if not with_addin:
            progress("section 3: this talentneeds has no --engine libreoffice: measuring LibreOffice alone")
    lo_name = "LibreOffice with our add-in" if with_addin else "LibreOffice alone (no add-in yet)"
    summary["lo_name"] = lo_name

    rows = []
    for label, path in workbooks.items():
        ours_runs, lo_runs = [], []
        times = repeats if people[label] <= MANY_REPEATS_UP_TO else min(repeats, BIG_REPEATS)
        for r in range(times):
            progress(f"section 3: {label}: talentneeds compute, run {r + 1} of {times}")
            ours_runs.append(ours(path, folder))
            if SOFFICE:
                progress(f"section 3: {label}: {lo_name}, run {r + 1} of {times}")
                lo_runs.append(libreoffice_with_addin(path, folder) if with_addin
                               else libreoffice(path, folder, profile))
        wall = Timing([x["wall"] for x in ours_runs]).median
        peak = Timing([x["peak_mib"] for x in ours_runs]).median
        entry = {"ours_wall": wall, "ours_peak": peak, "runs": times}
        if lo_runs:
            lo_wall = Timing([x["wall"] for x in lo_runs]).median
            lo_peak = Timing([x["peak_mib"] for x in lo_runs]).median
            entry.update(lo_wall=lo_wall, lo_peak=lo_peak)
            rows.append([label, f"{path.stat().st_size / 1024:,.0f} KiB", times, f"{wall:.2f} s", f"{lo_wall:.2f} s",
                         fmt_ratio(wall / lo_wall), met(wall <= lo_wall),
                         f"{peak:,.0f} MiB", f"{lo_peak:,.0f} MiB", fmt_ratio(peak / lo_peak), met(peak <= lo_peak)])
        else:
            rows.append([label, f"{path.stat().st_size / 1024:,.0f} KiB", times, f"{wall:.2f} s", "n/a", "n/a", "n/a",
                         f"{peak:,.0f} MiB", "n/a", "n/a", "n/a"])
        summary["files"][label] = entry

    progress("section 3: counting the Excel-function calls of one recalculation")
    counted = {}
    profiled = list(workbooks)[min(1, len(workbooks) - 1)]  # the middle size: the biggest would take long
    for label, path in workbooks.items():
        profile_path = profile_out if (profile_out is not None and label == profiled) else None
        counted[label] = (count_calls_in_child(path, profile_path), xml_calls(path))
    summary["calls"] = {label: c["calculate"] for label, (c, _) in counted.items()}
    summary["phases"] = {label: c["seconds"] for label, (c, _) in counted.items()}
    summary["stages"] = {label: c["stages"] for label, (c, _) in counted.items()}

    labels = list(workbooks)
    names = sorted({n for c, x in counted.values() for n in (*c["calculate"], *x)})
    call_rows, scaling = [], []
    for name in names:
        per = [counted[label][0]["calculate"].get(name, 0) for label in labels]
        written = [counted[label][1].get(name, 0) for label in labels]
        grows = per[-1] > per[0]
        if grows:
            scaling.append(name)
        call_rows.append([f"`{name}`", *[f"{p:,} ({w:,} written)" for p, w in zip(per, written)],
                          "grows with the rows" if grows else "fixed"])
    totals = [sum(counted[label][0]["calculate"].values()) for label in labels]
    call_rows.append(["**total**", *[f"**{t:,}** ({sum(counted[label][1].values()):,} written)"
                                     for t, label in zip(totals, labels)], ""])
    load_calls = [sum(counted[label][0]["load"].values()) for label in labels]
    counts_agree = all(counted[label][0]["calculate"] == dict(counted[label][1]) for label in labels)
    summary["calls_fixed"] = not scaling
    summary["counts_agree"] = counts_agree

    stage_names = list(dict.fromkeys(name for label in labels for name in counted[label][0]["stages"]))
    phase_rows = []
    for label in labels:
        stages = counted[label][0]["stages"]
        phase_rows.append([label, f"{counted[label][0]['formula_cells']:,}",
                           *[f"{stages.get(name, 0.0):.2f} s" for name in stage_names],
                           f"**{sum(stages.values()):.2f} s**"])

    lo_note = ("" if SOFFICE else "LibreOffice (`soffice`) is not installed here: its columns are n/a.")
    if with_addin:
        lo_how = ("*LibreOffice*: LibreOffice with our add-in computing the same cells, run as "
                  "`talentneeds compute IN -o OUT --engine libreoffice --force` (the same measurement as ours). ")
    else:
        lo_how = ("*LibreOffice*: this talentneeds has no `--engine libreoffice` yet, so LibreOffice alone: "
                  "`soffice --headless --convert-to xlsx` with a profile that recalculates every formula on "
                  "loading, then saves. It has no Talent Needs functions, so for our cells it only produces "
                  "`#NAME?`: it does less work than we do. ")
    text = [
        "## 3. Evaluating whole workbooks",
        "",
        preamble,
        "",
        "### Whole workbooks: ours and LibreOffice",
        "",
        f"Median of the runs shown, each in its own child process (wall time, and peak RSS from "
        "`getrusage(RUSAGE_CHILDREN)` of a helper whose only child is the run: for a tree of processes, "
        "the largest one). *Ours*: "
        "`talentneeds compute IN -o OUT --force` (Python start-up, loading, evaluating every formula, "
        "writing the copy with the values; stderr is no terminal, so no progress is drawn). " + lo_how
        + (f"The first LibreOffice start in the fresh profile took {warm['wall']:.2f} s "
           f"({warm['peak_mib']:,.0f} MiB) and is not counted (a warm-up run)." if warm else lo_note),
        "",
        table(["workbook", "file", "runs", "ours: wall", f"{lo_name}: wall", "ours / LO", "wall: ours <= LO",
               "ours: peak RSS", "LO: peak RSS", "ours / LO", "memory: ours <= LO"], rows),
        "",
        "### Where our time goes, stage by stage",
        "",
        "One in-process run per workbook, timed by the engine's own stages (the stages `compute` shows "
        "on a terminal): reading = openpyxl reading the file (and registering our functions); rewriting = "
        "structured references to A1, calculated columns to array formulas, omitted arguments marked; "
        "compiling = the `formulas` engine parsing and compiling every cell; linking = completing the "
        "model's ranges; calculating = one full recalculation; writing = storing the values into the "
        "copy. Python start-up and imports are not in it (see the start-up table)"
        + (f"; the {profiled} run was under cProfile for section 4, which inflates its times about 1.5x"
           if profile_out is not None else "") + ":",
        "",
        table(["workbook", "formula cells", *stage_names, "total"], phase_rows),
        "",
        "### Excel-function calls of one full recalculation",
        "",
        "Counted by wrapping every function of `talentneeds.udfs.__all__` before the engine registers them, "
        "during `WorkbookEngine.calculate()`; in brackets, the calls written in the workbook's cells, counted "
        "independently from the sheet XML. "
        + ("They agree for every function. " if counts_agree else "**They disagree** (see the numbers). ")
        + f"Loading made {', '.join(f'{n:,}' for n in load_calls)} calls (the engine folds constant "
        "calls while loading; 0 means none).",
        "",
        table(["function", *labels, "with more rows"], call_rows),
        "",
        "Goal: the calls of one recalculation independent of the number of rows wherever a table function "
        f"can serve: {met(not scaling)}"
        + (f" -- {', '.join(f'`{n}`' for n in scaling)} grows with the rows: the template's Staff table has the "
           "calculated column `Archetype` = `=ARCHETYPE(Staff[[#This Row],[Role]],Roles[#All])`, one call per "
           "person. The other functions are called a fixed number of times (the roster reaches "
           "INTERNAL_AMPLIFIERS and HIRING_PLAN as one range)." if scaling else "."),
    ]
    return "\n".join(text), summary


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--count":
        result = count_calls(Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
        print(json.dumps(result))
    else:
        print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 3)[0])
