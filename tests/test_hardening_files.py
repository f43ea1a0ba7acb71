"""Hardening, round two (issue 12), the files/compute half: nothing read from elsewhere,
nothing unbounded, nothing lost in a race, nothing overwritten without --force, no
traceback, no hostile package accepted. Every case goes through ``main(argv)`` or the
module that owns the rule; expected values are worked out by hand."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import example, given, strategies as st
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds import cli, files
from talentneeds.engines import budget, links
from talentneeds.untrusted import UntrustedFileError, check_workbook_file
from talentneeds.workbook.builder import build_template

CLI = [sys.executable, "-m", "talentneeds.cli"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("template") / "plan.xlsx", computed=False)


def variant(template: Path, path: Path, change) -> Path:
    workbook = openpyxl.load_workbook(template)
    change(workbook)
    workbook.save(path)
    return path


def cached(path: Path, sheet: str, cell: str):
    return openpyxl.load_workbook(path, data_only=True)[sheet][cell].value


def computed(path: Path) -> int:
    """How many formula cells of Needs hold a cached value (the template is written without any)."""
    formulas = openpyxl.load_workbook(path)["Needs"]
    values = openpyxl.load_workbook(path, data_only=True)["Needs"]
    return sum(1 for row in formulas.iter_rows() for c in row
               if c.data_type == "f" and values[c.coordinate].value is not None)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


# ---------------------------------------------------------------- 1. links to other workbooks

def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"\0" * (50 * 2**20))


LINK_FORMS = [
    "='[{name}]Sheet1'!A1",
    "=[{name}]Sheet1!A1",
    "='{folder}/[{name}]Sheet1'!A1",
    "=SUM('[{name}]Sheet1'!A1:B2)",
    "=INDIRECT(\"'[{name}]Sheet1'!A1\")",
    "=[1]Sheet1!A1",
]


@pytest.mark.parametrize("name", ["secret.xlsx", "bomb.xlsx", "fifo.xlsx"])
def test_no_file_is_read_because_a_workbook_names_it(template, tmp_path, monkeypatch, caplog, name):
    monkeypatch.chdir(tmp_path)
    secret = openpyxl.Workbook()
    secret.active.title = "Sheet1"
    secret.active["A1"] = "TOPSECRET"
    secret.save(tmp_path / "secret.xlsx")
    _zip_bomb(tmp_path / "bomb.xlsx")
    os.mkfifo(tmp_path / "fifo.xlsx")
    cells = [f"H{row}" for row in range(1, len(LINK_FORMS) + 1)]

    def change(workbook):
        for cell, form in zip(cells, LINK_FORMS):
            workbook["Needs"][cell] = form.format(name=name, folder=tmp_path)
        workbook.defined_names["Elsewhere"] = openpyxl.workbook.defined_name.DefinedName(
            "Elsewhere", attr_text=f"'[{name}]Sheet1'!$A$1")
        workbook["Needs"]["H9"] = "=Elsewhere"

    source = variant(template, tmp_path / "linked.xlsx", change)
    signal.alarm(120)  # a FIFO opened for reading would block for ever
    try:
        started = time.perf_counter()
        assert cli.main(["compute", str(source), "-o", str(tmp_path / "out.xlsx")]) == 0
        elapsed = time.perf_counter() - started
    finally:
        signal.alarm(0)
    out = tmp_path / "out.xlsx"
    assert [cached(out, "Needs", c) for c in [*cells, "H9"]] == ["#REF!"] * (len(cells) + 1)
    warnings = [r.getMessage() for r in caplog.records if "links to another workbook" in r.getMessage()]
    assert sorted(w.split(":")[0] for w in warnings) == sorted(
        [f"Needs!{c}" for c in [*cells]] + ["defined name Elsewhere"])
    assert elapsed < 60  # generous: the bomb would take seconds and gigabytes, the FIFO for ever


def test_the_engine_refuses_any_other_book_even_if_the_text_scan_missed_it(template, tmp_path, monkeypatch):
    from talentneeds.engines.formula_engine import WorkbookEngine

    monkeypatch.chdir(tmp_path)
    secret = openpyxl.Workbook()
    secret.active.title = "Sheet1"
    secret.active["A1"] = "TOPSECRET"
    secret.save(tmp_path / "secret.xlsx")
    source = variant(template, tmp_path / "linked.xlsx",
                     lambda wb: wb["Needs"].__setitem__("H1", "='[secret.xlsx]Sheet1'!A1"))
    monkeypatch.setattr(links, "cut_external_links", lambda workbook: [])
    assert WorkbookEngine(source).calculate()[("Needs", "H1")].code == "#REF!"


@pytest.mark.parametrize("operand, external", [
    ("'[secret.xlsx]Sheet1'!A1", True), ("[1]Sheet1!B2", True), ("'C:\\x\\[a.xlsx]S'!A1:B2", True),
    ("[1]!Name", True), ("'C:\\dir\\Book.xlsx'!Name", True), ("[Book.xlsx]Name", True),
    ("Sheet1!A1", False), ("'My sheet'!A1:B2", False), ("Table1[Col]", False), ("[@Col]", False),
    ("Table1[[#This Row],[Col]]", False), ("A:A", False), ("'It''s'!A1", False), ("'data.xlsx'!A1", False),
])
def test_external_references_are_told_from_sheets_and_tables(operand, external):
    assert links.is_external_reference(operand) is external


_SHEET_CHARS = st.characters(blacklist_characters="[]\\/?*:'!", blacklist_categories=("Cs", "Cc"))


@example(sheet="data.xlsx", book="x", cell="A1")
@given(sheet=st.text(_SHEET_CHARS, min_size=1, max_size=31), book=st.text(_SHEET_CHARS, min_size=1, max_size=20),
       cell=st.sampled_from(["A1", "$B$2", "C3:D9", "A:A"]))
def test_a_sheet_reference_is_never_taken_for_a_link_and_a_book_reference_always_is(sheet, book, cell):
    quoted = "'" + sheet.replace("'", "''") + "'"
    assert not links.is_external_reference(f"{quoted}!{cell}")
    assert links.is_external_reference(f"'[{book}.xlsx]{sheet}'!{cell}")
    assert links.is_external_reference(f"'C:\\data\\[{book}.xlsx]{sheet}'!{cell}")


# ---------------------------------------------------------------- 2. the work budget

def test_a_range_over_blanks_costs_its_used_part_and_gives_the_same_sum(template, tmp_path):
    source = variant(template, tmp_path / "sum.xlsx", lambda wb: (
        wb["Needs"].__setitem__("H1", "=SUM(Needs!B21:K1000000)"),
        wb["Needs"].__setitem__("H2", "=SUM(B21:K40)")))
    assert cli.main(["compute", str(source), "-o", str(tmp_path / "out.xlsx")]) == 0
    out = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["Needs"]
    # the used range of Needs ends above row 1,000,000: the sum of its numbers in B21:K-last, by hand
    expected = sum(v for row in out.iter_rows(min_row=21, min_col=2, max_col=11, values_only=True)
                   for v in row if isinstance(v, (int, float)) and not isinstance(v, bool))
    assert out["H1"].value == pytest.approx(expected)


@pytest.mark.parametrize("case, change, message", [
    ("array over A20:XFD1048576",
     lambda wb: wb["Needs"].__setitem__("A20", ArrayFormula("A20:XFD1048576", "=ROW(A20:XFD1048576)")),
     f"Needs!A20: array formulas fill more than {budget.MAX_ARRAY_CELLS:,} cells"),
    ("running total of 10,001 rows",
     lambda wb: [wb.create_sheet("Run")] + [wb["Run"].__setitem__(f"B{r}", f"=B{r - 1}+1" if r > 1 else "=1")
                                            for r in range(1, budget.MAX_FORMULAS + 2)],
     f"the workbook has more than {budget.MAX_FORMULAS:,} formulas"),
    ("COUNTIF over a million blank rows",
     lambda wb: wb["Needs"].__setitem__("H1", '=COUNTIF(B21:K1000000,"")'),
     "Needs!H1: the ranges the formulas read cover more than"),
])
def test_unbounded_work_is_refused_before_evaluation_naming_the_cell(template, tmp_path, capsys, case, change,
                                                                     message):
    source = variant(template, tmp_path / "big.xlsx", change)
    started = time.perf_counter()
    assert cli.main(["compute", str(source), "-o", str(tmp_path / "out.xlsx")]) == 1
    assert time.perf_counter() - started < 60
    err = one_error_line(capsys)
    assert message in err
    if message.endswith(" formulas"):
        # named: the first formula over the limit; the template's own formulas count first (a
        # calculated column once), so it is a Run row at most that many before MAX_FORMULAS + 1
        own = sum(1 for ws in openpyxl.load_workbook(template).worksheets for row in ws.iter_rows()
                  for c in row if c.data_type == "f")
        row = int(re.search(r": Run!B(\d+): ", err).group(1))
        assert budget.MAX_FORMULAS + 1 - own <= row < budget.MAX_FORMULAS + 1
    assert not (tmp_path / "out.xlsx").exists()


def test_a_circular_reference_is_one_line_naming_the_cells(template, tmp_path, capsys):
    source = variant(template, tmp_path / "circ.xlsx", lambda wb: (
        wb["Needs"].__setitem__("H1", "=H2+1"), wb["Needs"].__setitem__("H2", "=H1+1")))
    assert cli.main(["compute", str(source), "-o", str(tmp_path / "out.xlsx")]) == 1
    assert "circular reference (Needs!H1 -> Needs!H2 -> Needs!H1)" in one_error_line(capsys)
    assert not (tmp_path / "out.xlsx").exists()


# ---------------------------------------------------------------- 3. races and kills

def test_two_computes_racing_to_one_output_never_both_write(template, tmp_path):
    for attempt in range(3):
        out = tmp_path / f"out{attempt}.xlsx"
        racers = [subprocess.Popen([*CLI, "compute", str(template), "-o", str(out)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(r.wait(timeout=300), r.stderr.read()) for r in racers]
        assert sorted(code for code, _ in results) == [0, 1], results
        loser = next(err for code, err in results if code == 1)
        assert loser.count("\n") == 1 and "--force" in loser
        assert computed(out) > 10 and zipfile.ZipFile(out).testzip() is None
    assert not list(tmp_path.glob(".*.tmp"))


def _writer_with_its_temporary(script: str, folder: Path, pattern: str) -> subprocess.Popen:
    """A child process running ``script``, once its temporary file (``pattern`` in ``folder``) exists."""
    process = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 60
    while not list(folder.glob(pattern)) and time.time() < deadline:
        time.sleep(0.05)
    return process


def test_kill_9_mid_write_leaves_no_truncated_output_and_the_next_run_sweeps_the_temporary(tmp_path):
    out = tmp_path / "out.bin"
    script = ("import time; from talentneeds import files\n"
              f"files.write_output({str(out)!r}, lambda t: (t.write_bytes(b'x' * 1000), time.sleep(60)), False)")
    process = _writer_with_its_temporary(script, tmp_path, ".out.bin.talentneeds-*.tmp")
    time.sleep(0.2)
    process.kill()
    process.wait()
    assert not out.exists()  # absent, never truncated
    assert len(list(tmp_path.glob(".out.bin.talentneeds-*.tmp"))) == 1
    files.write_output(out, lambda t: t.write_bytes(b"complete"), False)
    assert out.read_bytes() == b"complete"
    assert not list(tmp_path.glob(".*.tmp"))


def test_kill_9_of_compute_at_any_moment_leaves_the_output_absent_or_complete(template, tmp_path):
    out = tmp_path / "out.xlsx"
    for delay in (0.5, 1.5, 2.5, 3.5):
        process = subprocess.Popen([*CLI, "compute", str(template), "-o", str(out)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()
        if out.exists():
            assert zipfile.ZipFile(out).testzip() is None and computed(out) > 10
            out.unlink()
    assert cli.main(["compute", str(template), "-o", str(out)]) == 0
    assert computed(out) > 10
    assert not list(tmp_path.glob(".*.tmp"))


def test_compute_writes_from_the_bytes_it_evaluated(template, tmp_path):
    source = tmp_path / "plan.xlsx"
    source.write_bytes(template.read_bytes())
    data = source.read_bytes()
    values, write = cli._evaluator(str(source), source)(data)
    variant(template, source, lambda wb: wb["Staff"].__setitem__("A5", "Someone Else"))  # saved meanwhile
    files.write_output(tmp_path / "out.xlsx", write, False)
    staff = openpyxl.load_workbook(tmp_path / "out.xlsx")["Staff"]
    assert staff["A5"].value == openpyxl.load_workbook(template)["Staff"]["A5"].value != "Someone Else"


def test_sigterm_mid_write_removes_the_temporary(tmp_path):
    script = ("import time; from talentneeds import files\n"
              f"files.write_output({str(tmp_path / 'out.bin')!r}, lambda t: time.sleep(60), False)")
    process = _writer_with_its_temporary(script, tmp_path, ".*.tmp")
    process.terminate()
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_two_appending_imports_at_once_lose_nobody(template, tmp_path):
    workbook = tmp_path / "plan.xlsx"
    workbook.write_bytes(template.read_bytes())
    rosters = []
    for name in ("Ada Q", "Bo Z"):
        roster = tmp_path / f"{name[:2]}.csv"
        roster.write_text(f"Name,Role,Start date,Soft skills\n{name},Research engineer,2020-01-01,yes\n")
        rosters.append(roster)
    racers = [subprocess.Popen([*CLI, "import-roster", str(r), "--into", str(workbook), "--append"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for r in rosters]
    results = [(r.wait(timeout=300), r.stderr.read()) for r in racers]
    names = {row[0] for row in openpyxl.load_workbook(workbook)["Staff"].iter_rows(values_only=True)}
    # the folder lock serialises them: both present; had one failed, it would say so in one line
    for (code, err), name in zip(results, ("Ada Q", "Bo Z")):
        assert (code == 0 and name in names) or (code == 1 and err.count("\n") == 1), results


def test_in_place_writes_through_symlinks_and_hard_links(template, tmp_path):
    real = tmp_path / "real.xlsx"
    real.write_bytes(template.read_bytes())
    (tmp_path / "soft.xlsx").symlink_to(real)
    os.link(real, tmp_path / "hard.xlsx")
    assert cli.main(["compute", str(tmp_path / "soft.xlsx"), "--in-place"]) == 0
    assert computed(template) == 0
    assert (tmp_path / "soft.xlsx").is_symlink() and computed(real) > 10
    assert (tmp_path / "hard.xlsx").read_bytes() == real.read_bytes()  # still one file
    assert cli.main(["compute", str(tmp_path / "hard.xlsx"), "--in-place"]) == 0
    assert os.stat(real).st_ino == os.stat(tmp_path / "hard.xlsx").st_ino


def test_in_place_holds_no_temporary_file_while_it_evaluates(template, tmp_path, monkeypatch):
    from talentneeds.engines.formula_engine import WorkbookEngine

    path = tmp_path / "plan.xlsx"
    path.write_bytes(template.read_bytes())
    seen = []
    original = WorkbookEngine.calculate

    def calculate(self, *args, **kwargs):
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(WorkbookEngine, "calculate", calculate)
    assert cli.main(["compute", str(path), "--in-place"]) == 0
    assert seen == [["plan.xlsx"]] and computed(path) > 10


def test_in_place_refuses_when_the_file_changed_meanwhile(tmp_path):
    path = tmp_path / "book.bin"
    path.write_bytes(b"before")

    def produce(original):
        path.write_bytes(b"someone else")  # another program saves while we work
        return None, lambda temporary: temporary.write_bytes(original + b" and ours")

    with pytest.raises(files.ConcurrentChangeError, match="changed by another program"):
        files.update_in_place(path, produce)
    assert path.read_bytes() == b"someone else"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.bin"]


# ---------------------------------------------------------------- 4. nothing overwritten without --force

@pytest.mark.parametrize("argv", [
    ["demo", "-o", "{existing}"],
    ["demo"],
    ["template", "-o", "{existing}"],
    ["compute", "{template}", "-o", "{existing}"],
    ["compute", "{template}", "-o", "{dangling}"],
    ["import-roster", "{roster}", "--into", "{template}", "-o", "{existing}"],
])
def test_no_command_overwrites_without_force(template, tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "talent-plan-demo.xlsx"
    existing.write_bytes(b"mine")
    (tmp_path / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    roster = tmp_path / "r.csv"
    roster.write_text("Name,Role,Start date,Soft skills\nAda Q,Research engineer,2020-01-01,yes\n")
    args = [a.format(existing=existing, template=template, dangling=tmp_path / "dangling.xlsx", roster=roster)
            for a in argv]
    assert cli.main(args) == 1
    assert "use --force" in one_error_line(capsys)
    assert existing.read_bytes() == b"mine" and not (tmp_path / "nowhere.xlsx").exists()


def test_render_refuses_existing_pictures_without_force(tmp_path, capsys):
    computed = build_template(tmp_path / "computed.xlsx")  # not stale: render would draw it
    (tmp_path / "needs.png").write_bytes(b"mine")
    assert cli.main(["render", str(computed), "-o", str(tmp_path)]) == 1
    assert "needs.png exists; use --force" in one_error_line(capsys)
    assert (tmp_path / "needs.png").read_bytes() == b"mine"


# ---------------------------------------------------------------- 5. no tracebacks

def _encrypted_member(source: Path, path: Path) -> Path:
    data = bytearray(source.read_bytes())
    # set the "encrypted" flag of every member, in local headers and the central directory
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("argv, expected", [
    (["compute", "{encrypted}"], "is encrypted"),
    (["import-roster", "{roster}", "--into", "{encrypted}"], "is encrypted"),
    (["import-roster", "{encrypted}", "--into", "{template}", "-o", "{tmp}/o.xlsx"], "is encrypted"),
    (["compute", "{template}", "-o", "{tmp}/" + "a" * 300 + ".xlsx"], "more than the 255"),
    (["template", "-o", "{folder}", "--force"], "is a folder"),
    (["compute"], "the following arguments are required: input"),
])
def test_no_traceback_only_one_line(template, tmp_path, capsys, argv, expected):
    encrypted = _encrypted_member(template, tmp_path / "enc.xlsx")
    (tmp_path / "dir.xlsx").mkdir()
    roster = tmp_path / "r.csv"
    roster.write_text("Name,Role,Start date,Soft skills\nAda Q,Research engineer,2020-01-01,yes\n")
    args = [a.format(encrypted=encrypted, roster=roster, template=template, tmp=tmp_path,
                     folder=tmp_path / "dir.xlsx") for a in argv]
    assert cli.main(args) != 0
    assert expected in one_error_line(capsys)


# ---------------------------------------------------------------- 6. hostile packages

def _package(path: Path, members: list[tuple[str, bytes, int]]) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name: that is the point
        with zipfile.ZipFile(path, "w") as archive:
            for name, data, method in members:
                archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


_BASE = [("[Content_Types].xml", b"<Types/>", zipfile.ZIP_DEFLATED),
         ("xl/workbook.xml", b"<workbook/>", zipfile.ZIP_DEFLATED)]


@pytest.mark.parametrize("extra, message", [
    (("xl/workbook.xml", b"<workbook/>", zipfile.ZIP_DEFLATED), "twice"),
    (("../../x", b"x", zipfile.ZIP_DEFLATED), "points outside the package"),
    (("/etc/x", b"x", zipfile.ZIP_DEFLATED), "points outside the package"),
    (("xl\\..\\..\\x", b"x", zipfile.ZIP_DEFLATED), "points outside the package"),
    (("C:/x", b"x", zipfile.ZIP_DEFLATED), "points outside the package"),
    (("xl/a.xml", b"x", zipfile.ZIP_BZIP2), "compression method 12"),
    (("xl/a.xml", b"x", zipfile.ZIP_LZMA), "compression method 14"),
])
def test_hostile_packages_are_refused_in_one_line(tmp_path, extra, message):
    path = _package(tmp_path / "hostile.xlsx", [*_BASE, extra])
    with pytest.raises(UntrustedFileError, match=message) as caught:
        check_workbook_file(path)
    assert "\n" not in str(caught.value)
    check_workbook_file(_package(tmp_path / "fine.xlsx", _BASE))  # the same without the extra member passes


def test_an_as_of_in_the_year_9999_gives_cell_errors_not_a_traceback(template, tmp_path, capsys):
    import datetime as dt

    def change(workbook):
        sheet = workbook["Assumptions"]
        row = next(c.row for c in sheet["A"] if c.value == "Plan starts on")
        sheet[f"B{row}"] = dt.date(9999, 12, 31)

    source = variant(template, tmp_path / "asof.xlsx", change)
    code = cli.main(["compute", str(source), "-o", str(tmp_path / "out.xlsx")])
    err = capsys.readouterr().err
    assert code in (0, 1) and "Traceback" not in err and err.count("\n") <= 1
    assert computed(tmp_path / "out.xlsx") > 10
