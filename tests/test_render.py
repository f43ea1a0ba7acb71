"""Pictures of sheets through LibreOffice -> PDF -> PNG (`talentneeds render`)."""

import os
import shutil
import struct
import subprocess

import pytest

from talentneeds import cli, render
from talentneeds.engines.frozen import freeze_our_functions

TOOLS = all(shutil.which(tool) for tool in ("soffice", "pdftoppm", "pdftotext"))
needs_tools = pytest.mark.skipif(not TOOLS and not os.environ.get("CI"),
                                 reason="LibreOffice or poppler-utils (pdftoppm, pdftotext) is not installed")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    assert cli.main(["demo", "-o", str(path)]) == 0
    return path


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_tools
def test_the_needs_page_shows_our_numbers_and_only_the_needs_sheet(demo, tmp_path):
    frozen = tmp_path / "frozen.xlsx"
    freeze_our_functions(demo, frozen)
    pdf = render.sheet_pdf(frozen, "Needs", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "#NAME" not in text
    lines = {}
    for line in text.splitlines():
        if line.strip():
            lines.setdefault(line.split()[0], line.split()[1:])  # the first table: TEAM_NEEDS
    # TEAM_NEEDS for 3 teams: Amplifiers 1-2 each, Iterators 5-10 each (DESIGN claim 1)
    assert lines["Amplifier"][:3] == ["3.0", "4.5", "6.0"]
    assert lines["Iterator"][:3] == ["15.0", "22.5", "30.0"]
    assert "Cohort mix" not in text and "Every role on Staff" not in text  # other sheets hidden


@needs_tools
def test_render_writes_one_landscape_png_per_sheet(demo, tmp_path, capsys):
    assert cli.main(["render", str(demo), "-o", str(tmp_path / "pictures")]) == 0
    pictures = sorted((tmp_path / "pictures").iterdir())
    assert [p.name for p in pictures] == ["cohort.png", "needs.png"]
    for picture in pictures:
        width, height = png_size(picture)
        assert width > height > 500          # a landscape page at 110 dpi
        assert picture.stat().st_size > 20_000  # a drawn page, not a blank one
    assert capsys.readouterr().out.count("wrote ") == 2


@needs_tools
def test_an_unknown_sheet_is_one_line_naming_the_sheets(demo, tmp_path, capsys):
    assert cli.main(["render", str(demo), "--sheet", "Plans", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no sheet 'Plans'" in err and "Needs" in err


def test_a_missing_tool_or_file_is_one_line(demo, tmp_path, capsys, monkeypatch):
    assert cli.main(["render", str(tmp_path / "nope.xlsx")]) == 1
    assert "no such file" in capsys.readouterr().err
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    assert cli.main(["render", str(demo), "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == \
        f"talentneeds: {demo}: soffice not found; install libreoffice-calc-nogui (apt-get install libreoffice-calc-nogui)"


def test_a_workbook_never_computed_is_refused_in_one_line(tmp_path, capsys):
    from talentneeds.workbook.builder import build_template

    never = build_template(tmp_path / "plan.xlsx", computed=False)  # formulas, no results
    assert cli.main(["render", str(never), "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"talentneeds: {never}: its stored values are stale: the workbook asks to be recalculated when opened "
        "(never computed, or changed since, e.g. by import-roster); run `talentneeds compute plan.xlsx` and render "
        "the computed file")
    assert not list(tmp_path.glob("*.png"))


def test_import_roster_makes_a_computed_workbook_stale_and_compute_makes_it_current(demo, tmp_path):
    book = tmp_path / "book.xlsx"
    shutil.copyfile(demo, book)
    assert render.stale_values(book) is None  # computed by demo
    roster = tmp_path / "hr.csv"
    roster.write_text("Name,Role,Team,Start date,Soft skills\nAna,Research Engineer,,2024-01-01,yes\n")
    assert cli.main(["import-roster", str(roster), "--into", str(book), "--replace"]) == 0
    assert render.stale_values(book).startswith("its stored values are stale")
    assert cli.main(["compute", str(book), "--in-place"]) == 0
    assert render.stale_values(book) is None


SHEETS_A_USER_READS = ("Dashboard", "Needs", "Cohort", "Plan", "Scenarios", "Checks", "Teams", "Staff", "Roles")


@pytest.fixture(scope="module")
def sheet_texts(demo, tmp_path_factory):
    """pdftotext of each printed sheet of the computed demo, as LibreOffice prints it."""
    folder = tmp_path_factory.mktemp("printed")
    frozen = folder / "frozen.xlsx"
    freeze_our_functions(demo, frozen)
    texts = {}
    for sheet in SHEETS_A_USER_READS:
        pdf = render.sheet_pdf(frozen, sheet, folder)
        texts[sheet] = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout
    return texts


def _line(text: str, first: str) -> list[str]:
    """The words after ``first`` on the first printed line that starts with it."""
    return next(line.split()[1:] for line in text.splitlines() if line.split()[:1] == [first])


@needs_tools
def test_every_header_prints_whole_and_no_name_error(sheet_texts):
    from talentneeds.workbook import template as T

    headers = {"Needs": (*T.TEAM_NEEDS_HEADER, *T.BOTTLENECK_HEADER), "Cohort": T.COHORT_MIX_HEADER,
               "Plan": (*T.PLAN_HEADER, "Quarter", "New teams", "Fast growth"),
               "Scenarios": (*T.PLAN_HEADER, "Pool factor", "Leads shared by", *(n for n, *_ in T.SCENARIOS)),
               "Teams": ("Team", "Focus", "Start", "Count"), "Staff": ("Name", "Role", "Start date", "Soft skills",
                                                                    "Archetype"), "Roles": ("Role", "Archetype")}
    for sheet, text in sheet_texts.items():
        assert "#NAME" not in text, sheet
        squeezed = " ".join(text.split())
        for header in headers.get(sheet, ()):
            assert header in squeezed, (sheet, header)
    # the header row of the plan: every column's header on one line, in order
    header_line = next(line for line in sheet_texts["Plan"].splitlines()
                       if "Hires Amplifiers" in line and "Management-bound" in line)
    positions = [header_line.index(h) for h in T.PLAN_HEADER if h != "Quarter"]
    assert positions == sorted(positions)


@needs_tools
def test_numbers_print_in_their_formats(sheet_texts):
    needs, cohort, plan = sheet_texts["Needs"], sheet_texts["Cohort"], sheet_texts["Plan"]
    # FTE with one decimal (DESIGN claim 1: 3 teams x Amplifiers 1-2); whole heads as integers
    assert _line(needs, "Amplifier")[:3] == ["3.0", "4.5", "6.0"]
    assert _line(needs, "Amplifier")[3:6] == ["3", "5", "6"]  # ROUNDUP of 3, 4.5, 6
    # leverage with two decimals: 0.5 x span 5-10 -> 2.50 / 3.75 / 5.00 (claim 3)
    assert _line(needs, "Manager")[2:5] == ["2.50", "3.75", "5.00"]  # after "leverage (employees)"
    # "no limit" stands apart from the number before it (Connectors need 0 per team)
    assert "0.0no limit" not in needs and "no limit" in needs
    # shares as percentages: the heads from outside by heads 1.5 : 25.5 -> 6% : 94%; whole
    # seats 2 and 28
    assert _line(cohort, "Amplifier")[:4] == ["1.50", "6%", "2", "Amplifier"]
    assert _line(cohort, "Iterator")[:3] == ["25.50", "94%", "28"]
    # the plan's heads are whole numbers: no decimals in its first quarter's row
    first_quarter = next(line.split() for line in plan.splitlines() if line.split()[:3] == ["Q3", "2026", "1"])
    assert all("." not in word for word in first_quarter[:14])
    assert "All checks pass" in needs and "All checks pass" in plan


def _moved_workbook(path, calc_pr: str) -> None:
    """A package whose workbook part is book/main.xml: found only through _rels/.rels."""
    import zipfile

    from talentneeds import ooxml

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{ooxml.PKG_REL_NS}"><Relationship Id="rId1" '
                                        f'Type="{ooxml.OFFICE_DOCUMENT}" Target="book/main.xml"/></Relationships>')
        archive.writestr("book/main.xml", f'<workbook xmlns="{ooxml.MAIN_NS}"><bookViews><workbookView '
                                          'activeTab="0" firstSheet="0"/></bookViews><sheets><sheet name="A" '
                                          'sheetId="1"/><sheet name="B" sheetId="2" state="hidden"/><sheet '
                                          f'name="C" sheetId="3"/></sheets>{calc_pr}</workbook>')


def test_stale_values_and_one_sheet_copies_find_the_workbook_part_through_the_relationships(tmp_path):
    import zipfile

    stale, current = tmp_path / "stale.xlsx", tmp_path / "current.xlsx"
    _moved_workbook(stale, '<calcPr calcId="191029" fullCalcOnLoad="1"/>')
    _moved_workbook(current, '<calcPr calcId="191029"/>')
    assert render.stale_values(stale).startswith("its stored values are stale")
    assert render.stale_values(current) is None
    only = tmp_path / "only-b.xlsx"
    render._only_sheet(current, only, "B")
    part = zipfile.ZipFile(only).read("book/main.xml").decode()
    assert part == (f'<workbook xmlns="{render.ooxml.MAIN_NS}"><bookViews><workbookView activeTab="1" '
                    'firstSheet="1"/></bookViews><sheets><sheet name="A" sheetId="1" state="hidden"/><sheet '
                    'name="B" sheetId="2" state="visible"/><sheet name="C" sheetId="3" state="hidden"/></sheets>'
                    '<calcPr calcId="191029"/></workbook>')
    with pytest.raises(render.RenderError, match=r"no sheet 'D' in current.xlsx \(sheets: A, B, C\)"):
        render._only_sheet(current, tmp_path / "d.xlsx", "D")
