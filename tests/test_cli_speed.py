"""The CLI loads the workbook engine only for commands that use it, and shows progress on
a terminal only. (How fast is measured by `make bench`, never here.)"""

import json
import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).resolve().parents[1] / "workbook_templates" / "talent-needs.xlsx"
ENGINE_PACKAGES = ("formulas", "openpyxl", "scipy", "schedula", "tqdm")

_IMPORTED = """
import json, sys
from talentneeds.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "engine": sorted({m.split('.')[0] for m in sys.modules} & set(%r))}))
""" % (ENGINE_PACKAGES,)


def _modules_after(*argv: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _IMPORTED, *argv], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["--help"], ["functions"], ["compute", "--help"], ["--version"]])
def test_commands_without_a_workbook_load_no_engine(argv):
    assert _modules_after(*argv) == {"code": 0, "engine": []}


def test_compute_loads_the_engine_but_not_scipy(tmp_path):
    # the demo calls COUNT, COUNTIF and MIN, which formulas keeps with its scipy-based statistics
    report = _modules_after("compute", str(TEMPLATE), "-o", str(tmp_path / "out.xlsx"))
    assert report["code"] == 0
    assert {"formulas", "openpyxl"} <= set(report["engine"])
    assert "scipy" not in report["engine"]


def _with_stderr_on_a_terminal(*argv: str) -> tuple[int, str, str]:
    """Run ``talentneeds ARGV`` with its stderr on a pseudo-terminal; exit code, stdout, what
    the terminal showed."""
    main_fd, child_fd = pty.openpty()
    try:
        process = subprocess.Popen([shutil.which("talentneeds", path=os.path.dirname(sys.executable)) or "talentneeds",
                                    *argv], stdout=subprocess.PIPE, stderr=child_fd, text=True)
        os.close(child_fd)
        chunks = []
        while True:
            ready, _, _ = select.select([main_fd], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout, _ = process.communicate(timeout=120)
    finally:
        os.close(main_fd)
    return process.returncode, stdout, b"".join(chunks).decode(errors="replace")


def test_progress_shows_on_a_terminal(tmp_path):
    code, stdout, terminal = _with_stderr_on_a_terminal("compute", str(TEMPLATE), "-o", str(tmp_path / "out.xlsx"))
    assert code == 0
    for stage in ("reading the workbook", "compiling formulas", "calculating", "writing the values"):
        assert f"{stage}: done in" in terminal
    assert "cells" in terminal
    assert "reading the workbook" not in stdout  # progress never mixes into the summary


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    done = subprocess.run([sys.executable, "-m", "talentneeds.cli", "compute", str(TEMPLATE), "-o",
                           str(tmp_path / "out.xlsx")], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stderr == ""
    assert "wrote" in done.stdout


def test_import_roster_shows_its_stages_on_a_terminal_and_nothing_in_a_pipe(tmp_path):
    roster = tmp_path / "hr.csv"
    roster.write_text("Name,Role,Team,Start date,Soft skills\n"
                      + "".join(f"Person {i},Research Engineer,Evals,2023-01-15,yes\n" for i in range(3)))
    argv = ["import-roster", str(roster), "--into", str(TEMPLATE)]
    code, stdout, terminal = _with_stderr_on_a_terminal(*argv, "-o", str(tmp_path / "a.xlsx"))
    assert code == 0, terminal
    for stage in ("reading the roster", "reading the workbook's Staff table"):
        assert f"{stage}: done in" in terminal
    assert "writing the people into the workbook: done in" in terminal and "3 people" in terminal
    done = subprocess.run([sys.executable, "-m", "talentneeds.cli", *argv, "-o", str(tmp_path / "b.xlsx")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="needs soffice and pdftoppm")
def test_render_shows_the_sheets_printed_on_a_terminal(tmp_path):
    code, _, _ = _with_stderr_on_a_terminal("compute", str(TEMPLATE), "-o", str(tmp_path / "c.xlsx"))
    assert code == 0
    code, stdout, terminal = _with_stderr_on_a_terminal("render", str(tmp_path / "c.xlsx"), "--sheet", "Needs",
                                                        "-o", str(tmp_path))
    assert code == 0, terminal
    assert "freezing our functions' values: done in" in terminal
    assert "printing sheets (LibreOffice, pdftoppm): done in" in terminal and "1 sheets" in terminal
