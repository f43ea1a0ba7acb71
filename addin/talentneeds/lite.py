"""The two files an xlwings Lite workbook needs for the Talent Needs functions.

xlwings Lite (Excel on Windows, macOS and the web) runs Python in Pyodide inside the
add-in. A workbook carries a ``requirements.txt``, whose lines Lite installs with
micropip when it starts, and a ``main.py``, whose decorated functions it registers
with Excel. So the functions need two lines of requirements (the xlwings Lite pins for
itself, and this package: the address of its wheel or a version from an index) and a
one-line ``main.py`` that imports them. Nothing else: the Excel functions need only
numpy and pandas, which Pyodide ships, and xlwings.
"""

from __future__ import annotations

import re
from pathlib import Path

from talentneeds.errors import FileError

# what new xlwings Lite workbooks pin; any release from 0.33 on works (pyproject.toml)
LITE_XLWINGS = "0.33.20"
MAIN_PY = '''\
# Talent Needs: the Excel functions (AMPLIFIERS_NEEDED, TEAM_NEEDS, HIRING_PLAN, ...).
# xlwings Lite registers every function this file defines or imports.
from talentneeds.udfs import *  # noqa: F401,F403
'''
_VERSION = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?")
_WHEEL = re.compile(r"talentneeds-(?P<version>[^-/]+)-py3-none-any\.whl")


class LiteFilesError(FileError):
    """The files cannot be written as asked; the message says why, in one line."""


def requirement(wheel: str | None = None, version: str | None = None) -> str:
    """The requirements.txt line for this package: a pure wheel's address, or a version."""
    if (wheel is None) == (version is None):
        raise LiteFilesError("give either --wheel ADDRESS (where the wheel is hosted) or --version VERSION")
    if wheel is not None:
        wheel = wheel.strip()
        name = wheel.rsplit("/", 1)[-1]
        if not _WHEEL.fullmatch(name) or not wheel.startswith(("https://", "http://", "emfs:")):
            raise LiteFilesError(f"--wheel must be the https:// address of a talentneeds-VERSION-py3-none-any.whl "
                                 f"(micropip installs only pure-Python wheels), got {wheel!r}")
        return wheel
    version = version.strip()
    if not _VERSION.fullmatch(version):
        raise LiteFilesError(f"--version must be a version such as 0.1.0, got {version!r}")
    return f"talentneeds=={version}"


def lite_files(wheel: str | None = None, version: str | None = None,
               xlwings_version: str = LITE_XLWINGS) -> dict[str, str]:
    """File name -> text of the requirements.txt and main.py of a Lite workbook."""
    xlwings_version = xlwings_version.strip()
    if not _VERSION.fullmatch(xlwings_version) or tuple(map(int, xlwings_version.split(".")[:2])) < (0, 33):
        raise LiteFilesError(f"--xlwings must be a version from 0.33.0 on (what xlwings Lite pins), "
                             f"got {xlwings_version!r}")
    requirements = f"xlwings=={xlwings_version}\n{requirement(wheel, version)}\n"
    return {"requirements.txt": requirements, "main.py": MAIN_PY}


def write_lite_files(folder: str | Path, files: dict[str, str], force: bool = False) -> list[Path]:
    """Write ``files`` into ``folder``; nothing is written if one exists and not ``force``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LiteFilesError(f"{folder}: no such folder")
    targets = [folder / name for name in files]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise LiteFilesError(f"{' and '.join(existing)} {'exists' if len(existing) == 1 else 'exist'}; "
                             "use --force to overwrite")
    for target in targets:
        target.write_text(files[target.name], encoding="utf-8")
    return targets
