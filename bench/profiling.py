"""Section 4: where the time of a big ``compute`` goes (cProfile), and what changed.

The profile is of the in-process run of section 3 on the big workbook (engine load,
one recalculation, writing the values). The narrative of the changes, with the before
and after figures of our own runs, is kept by hand in ``bench/changes.md`` and copied in.
"""

from __future__ import annotations

import pstats
import re
from collections import defaultdict
from pathlib import Path

from bench.common import table

CHANGES = Path(__file__).with_name("changes.md")
_PACKAGES = ("talentneeds", "formulas", "schedula", "openpyxl", "numpy", "pandas", "xlwings", "regex", "defusedxml")


def _package(filename: str) -> str:
    parts = Path(filename).parts
    for package in _PACKAGES:
        if package in parts:
            if package == "talentneeds":
                i = parts.index("talentneeds")
                return f"talentneeds.{parts[i + 1].removesuffix('.py')}" if i + 1 < len(parts) else package
            return package
    if filename.startswith("<") or filename == "~":
        return "Python built-ins (C functions)"
    return "Python standard library"


def summarise(profile: Path, top: int = 15) -> str:
    stats = pstats.Stats(str(profile))
    total = stats.total_tt
    by_package: dict[str, float] = defaultdict(float)
    ours = []
    for (filename, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
        by_package[_package(filename)] += tt
        if "talentneeds" in Path(filename).parts:
            ours.append((ct, tt, nc, f"{Path(filename).parent.name}/{Path(filename).name}:{line}({name})"))
    package_rows = [[p, f"{s:.2f} s", f"{s / total:.0%}"] for p, s in
                    sorted(by_package.items(), key=lambda item: -item[1]) if s / total >= 0.005]
    skip = ("cli.py", "engines/__init__.py", "bench/")
    ours = [o for o in sorted(ours, reverse=True) if not any(s in o[3] for s in skip)][:top]
    our_rows = [[f"`{where}`", f"{nc:,}", f"{ct:.2f} s", f"{tt:.2f} s"] for ct, tt, nc, where in ours]
    return "\n".join([
        f"cProfile of the in-process compute of the big workbook (section 3): {total:.1f} s under the "
        "profiler in all.",
        "",
        "Self time by package:",
        "",
        table(["package", "self time", "share"], package_rows),
        "",
        f"Our {top} most expensive functions, by cumulative time (including what they call):",
        "",
        table(["function", "calls", "cumulative", "self"], our_rows),
    ])


def fill(text: str, facts: dict[str, str]) -> str:
    """``{{name}}`` in bench/changes.md -> this run's figure (n/a if the run did not measure it)."""
    return re.sub(r"\{\{(\w+)\}\}", lambda m: facts.get(m.group(1), "n/a"), text)


def run(profile: Path | None, facts: dict[str, str] | None = None) -> str:
    parts = ["## 4. Profile", ""]
    parts.append(summarise(profile) if profile is not None and profile.exists() else "No profile was taken.")
    parts += ["", "## What the profile showed and what changed", ""]
    parts.append(fill(CHANGES.read_text().strip(), facts or {}) if CHANGES.exists()
                 else "(bench/changes.md is missing)")
    return "\n".join(parts)
