"""compute resizes spills as Excel 365 does: a longer Horizon makes a longer plan, a
shorter one leaves no stale rows, and a spill that would cover a filled cell is #SPILL!.

The workbooks are edited the way Excel saves an edit (the XML of the sheet), never
through openpyxl, which would drop the dynamic-array markup."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from workbook_edits import MORE_QUARTERS, PLAN_PART, edited, horizon, lengthen, put_cells, shorten

from talentneeds import examples
from talentneeds.engines import compute
from talentneeds.engines.spills import dynamic_arrays
from talentneeds.excel import tables
from talentneeds.model import plan as plan_model
from talentneeds.workbook import template as T
from talentneeds.workbook.builder import build_template

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("spills") / "talent-needs.xlsx")


def model_plan(quarters: int) -> list[list]:
    """The Base plan straight from the model: the Teams table starts one team in each of
    the first three quarters; the template's defaults; its quarters labelled as the
    Schedule labels them."""
    schedule = [1, 1, 1] + [0] * (quarters - 3)
    frame = plan_model.hiring_plan(schedule, "mid", roster=tables.roster(examples.roster_range()),
                                   as_of=dt.date(2026, 7, 1), labels=[*T.QUARTERS, *MORE_QUARTERS][:quarters])
    return [list(frame.columns), *frame.to_numpy(dtype=object).tolist()]


def plan_grid(path: Path, rows: range) -> list[list]:
    ws = load_workbook(path, data_only=True)["Plan"]
    return [[ws.cell(r, c).value for c in range(1, 1 + len(plan_model.PLAN_COLUMNS))] for r in rows]


def test_a_horizon_of_12_quarters_spills_a_12_row_plan(template, tmp_path):
    longer = edited(template, tmp_path / "longer.xlsx", lengthen)
    values = compute(longer, tmp_path / "computed.xlsx")
    out = tmp_path / "computed.xlsx"
    spills = {(s.sheet, s.anchor): s.ref for s in dynamic_arrays(out)}
    assert spills[("Plan", "A15")] == "A15:Q27"           # header + 12 quarters
    assert spills[("Scenarios", "A19")] == "A19:Q31"       # every plan of the Horizon
    assert spills[("Scenarios", "AU19")] == "AU19:BK31"     # Fast growth
    assert spills[("Plan", "Y4")] == "Y4:AB17"              # the plan's cost: header, 12 quarters, Total
    assert spills[("Needs", "A6")] == "A6:D9"              # untouched by the schedule
    assert load_workbook(out)["Plan"]["A15"].value.ref == "A15:Q27"
    expected = model_plan(12)
    assert plan_grid(out, range(15, 28)) == expected
    assert [row[0] for row in expected[1:]] == [*T.QUARTERS, *MORE_QUARTERS]
    assert plan_grid(out, range(28, 30)) == [[None] * len(plan_model.PLAN_COLUMNS)] * 2
    # the new rows look like the old ones: whole numbers, Management-bound as it was
    ws = load_workbook(out)["Plan"]
    assert [ws.cell(27, c).number_format for c in range(1, 15)] == [ws.cell(23, c).number_format for c in range(1, 15)]
    assert ws["M27"].number_format == "0" and ws["M27"].alignment.horizontal == "right"
    assert values[("Checks", T.MASTER_CHECK[1])] is True
    with zipfile.ZipFile(out) as archive:  # still a dynamic array
        assert re.search(rb'<c r="A15"[^>]* cm="1"', archive.read(PLAN_PART))


def test_a_shorter_horizon_leaves_no_stale_rows_below_the_plan(template, tmp_path):
    shorter = edited(template, tmp_path / "shorter.xlsx", shorten)
    compute(shorter, tmp_path / "computed.xlsx")
    out = tmp_path / "computed.xlsx"
    assert {(s.sheet, s.anchor): s.ref for s in dynamic_arrays(out)}[("Plan", "A15")] == "A15:Q21"
    assert plan_grid(out, range(15, 22)) == model_plan(6)
    assert plan_grid(out, range(22, 24)) == [[None] * len(plan_model.PLAN_COLUMNS)] * 2  # the template's rows 22-23 are gone
    with zipfile.ZipFile(out) as archive:
        xml = archive.read(PLAN_PART)
    assert not re.search(rb'<c r="[A-N]2[23]"[^>]*>\s*<v>', xml)


def test_a_spill_that_would_cover_a_filled_cell_is_a_spill_error(template, tmp_path):
    def lengthen_with_a_note_in_the_way(parts):
        lengthen(parts)
        parts[PLAN_PART] = put_cells(parts[PLAN_PART], 25, '<c r="B25" t="inlineStr"><is><t>mine</t></is></c>')

    blocked = edited(template, tmp_path / "blocked.xlsx", lengthen_with_a_note_in_the_way)
    values = compute(blocked, tmp_path / "computed.xlsx")
    out = tmp_path / "computed.xlsx"
    assert values[("Plan", "A15")].code == "#SPILL!"
    ws = load_workbook(out, data_only=True)["Plan"]
    assert ws["A15"].value == "#SPILL!" and ws["B25"].value == "mine"
    assert plan_grid(out, range(16, 24)) == [[None] * len(plan_model.PLAN_COLUMNS)] * 8  # the old spill is cleared
    assert {(s.sheet, s.anchor): s.ref for s in dynamic_arrays(out)}[("Plan", "A15")] == "A15"
    # what reads the plan sees the error: the check that the plan computes fails
    assert values[("Checks", T.MASTER_CHECK[1])] is False
    # the scenarios' plans on their own sheet were free to grow
    assert {(s.sheet, s.anchor): s.ref for s in dynamic_arrays(out)}[("Scenarios", "A19")] == "A19:Q31"


def test_dynamic_arrays_are_the_array_formulas_whose_cm_names_the_xldapr_type(tmp_path):
    """The metadata part is found through the workbook's relationships (here not at
    xl/metadata.xml, its elements prefixed): XLDAPR is the 2nd metadata type, so only the
    2nd cell-metadata block (t="2") marks a dynamic array; A1 is one, B1 (cm 1) and C1
    (cm 2 but no array formula) are not."""
    from talentneeds import ooxml
    from talentneeds.engines.spills import Spill

    main = ooxml.MAIN_NS
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{ooxml.PKG_REL_NS}"><Relationship Id="rId1" '
                                        f'Type="{ooxml.OFFICE_DOCUMENT}" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{ooxml.REL_NS}"><sheets>'
                                            '<sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{ooxml.PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{ooxml.REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{ooxml.REL_NS}/sheetMetadata" Target="meta/md.xml"/></Relationships>'))
        archive.writestr("xl/meta/md.xml", (
            f'<x:metadata xmlns:x="{main}"><x:metadataTypes count="2"><x:metadataType name="XLRICHVALUE"/>'
            '<x:metadataType name="XLDAPR"/></x:metadataTypes><x:cellMetadata count="2">'
            '<x:bk><x:rc t="1" v="0"/></x:bk><x:bk><x:rc t="2" v="0"/></x:bk></x:cellMetadata></x:metadata>'))
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<worksheet xmlns="{main}"><sheetData><row r="1">'
            '<c r="A1" cm="2"><f t="array" ref="A1:A3">SEQUENCE(3)</f><v>1</v></c>'
            '<c r="B1" cm="1"><f t="array" ref="B1:B2">SEQUENCE(2)</f><v>1</v></c>'
            '<c r="C1" cm="2"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>'))
    assert dynamic_arrays(path) == [Spill("Plan", "A1", "A1:A3")]


def _eligible_from(start: dt.date) -> dt.date:
    """The day after the first anniversary (a 29 February start has its anniversary on 28 February)."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:
        anniversary = dt.date(start.year + 1, 2, 28)
    return anniversary + dt.timedelta(days=1)


@pytest.mark.parametrize("people", [400, 5])
def test_a_candidates_list_resized_in_place_is_the_one_a_second_load_computes(tmp_path, monkeypatch, people):
    """Nothing reads the Candidates list, so the list takes the size of its result from the array
    just computed, without loading the workbook again; the file is the one the old way (load the
    resized copy, calculate it again) writes, byte for byte. 400 people lengthen the template's
    16-row list, 5 shorten it."""
    from talentneeds.engines import spills as spills_module
    from talentneeds.engines.formula_engine import WorkbookEngine
    from talentneeds.engines.spills import compute_spilling
    from talentneeds.model.archetypes import Archetype
    from talentneeds.model.roles import DEFAULT_ROLES
    from talentneeds.workbook.synthetic import synthetic_roster, synthetic_workbook

    loads = []

    class Counted(WorkbookEngine):
        def __init__(self, *args, **kwargs):
            loads.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(spills_module, "WorkbookEngine", Counted)
    source = synthetic_workbook(tmp_path / "people.xlsx", teams=3, people=people)
    found = dynamic_arrays(source)
    in_place = compute_spilling(source, tmp_path / "in-place.xlsx", found)
    assert len(loads) == 1
    again = compute_spilling(source, tmp_path / "again.xlsx", found, settle_in_place=False)
    assert len(loads) == 3
    assert in_place == again
    assert (tmp_path / "in-place.xlsx").read_bytes() == (tmp_path / "again.xlsx").read_bytes()
    # the list by plain Python: the roster's Iterators (the synthetic titles are the catalogue's own)
    iterator_titles = {title for title, kind in DEFAULT_ROLES if kind is Archetype.ITERATOR}
    iterators = [p for p in synthetic_roster(people) if p[1] in iterator_titles]
    spill = {(s.sheet, s.anchor): s.ref for s in dynamic_arrays(tmp_path / "in-place.xlsx")}
    assert spill[("Candidates", "A6")] == f"A6:F{6 + len(iterators)}"
    ws = load_workbook(tmp_path / "in-place.xlsx", data_only=True)["Candidates"]
    shown = [[c.value for c in row] for row in ws.iter_rows(min_row=7, max_row=6 + len(iterators) + 3, max_col=6)]
    assert shown[:len(iterators)] == [
        [name, role, team, dt.datetime.combine(_eligible_from(start), dt.time()), soft,
         soft and _eligible_from(start) <= examples.AS_OF]
        for name, role, team, start, soft in iterators]
    assert shown[len(iterators):] == [[None] * 6] * 3
    assert in_place[("Candidates", "B4")] == sum(row[5] for row in shown[:len(iterators)])


@pytest.mark.parametrize("held, reaches", [
    ("F7:F100", True),    # rows the list grows into
    ("A6:F21", False),    # the list as it was: those cells are filled before and after
    ("B3", False), ("G6:G3000", False),
])
def test_a_range_reaches_a_resize_where_it_covers_a_cell_filled_or_emptied(held, reaches):
    from openpyxl.utils import range_boundaries

    from talentneeds.engines.spills import _reaches_changed

    old, new = range_boundaries("A6:F21"), range_boundaries("A6:F2142")
    assert _reaches_changed(range_boundaries(held), old, new) is reaches
    # and the other way round, the list shrinking back: the same cells change
    assert _reaches_changed(range_boundaries(held), new, old) is reaches


def test_a_spill_reference_to_the_list_reads_its_new_size_when_resized_in_place(tmp_path):
    """=ROWS(A6#) (Excel writes _xlfn.ANCHORARRAY(A6)) beside the list: the engine reads the
    spill's whole array there, so resizing in place gives what loading again gives: a header
    and a row per Iterator of the 60 people."""
    import dataclasses

    from talentneeds.engines.spills import compute_spilling
    from talentneeds.model.archetypes import Archetype
    from talentneeds.model.roles import DEFAULT_ROLES
    from talentneeds.workbook.spec import Formula
    from talentneeds.workbook.synthetic import synthetic_roster, synthetic_workbook

    with_reference = tuple(
        dataclasses.replace(sheet, items=sheet.items + (Formula("H4", "=ROWS(_xlfn.ANCHORARRAY(A6))"),))
        if sheet.title == "Candidates" else sheet for sheet in T.TEMPLATE)
    original = T.TEMPLATE
    try:
        T.TEMPLATE = with_reference
        source = synthetic_workbook(tmp_path / "reference.xlsx", teams=3, people=60)
    finally:
        T.TEMPLATE = original
    found = dynamic_arrays(source)
    in_place = compute_spilling(source, tmp_path / "in-place.xlsx", found)
    again = compute_spilling(source, tmp_path / "again.xlsx", found, settle_in_place=False)
    iterators = {title for title, kind in DEFAULT_ROLES if kind is Archetype.ITERATOR}
    rows = 1 + sum(person[1] in iterators for person in synthetic_roster(60))
    assert in_place[("Candidates", "H4")] == again[("Candidates", "H4")] == rows


def test_a_horizon_of_40_computed_with_the_compiled_cells_reused_is_the_one_compiled_afresh(
        template, tmp_path, monkeypatch):
    """The chain of resizes (labels, plans, cost tables) loads the resized copy once a level; each
    load takes the formula cells the one before compiled (engines.compiled_cells). The file is
    the one every load compiling all its cells again writes, byte for byte."""
    from talentneeds.engines.compiled_cells import CompiledCells

    source = edited(template, tmp_path / "forty.xlsx", horizon(40))
    compiles = []
    compiled = CompiledCells.compiled

    def counted(self, key, compile, collector):
        return compiled(self, key, lambda: compiles.append(key) or compile(), collector)

    monkeypatch.setattr(CompiledCells, "compiled", counted)
    reused = compute(source, tmp_path / "reused.xlsx")
    reused_compiles = len(compiles)
    fresh_for = CompiledCells.for_workbook
    monkeypatch.setattr(CompiledCells, "for_workbook", lambda self, signature: fresh_for(CompiledCells(), signature))
    compiles.clear()
    afresh = compute(source, tmp_path / "afresh.xlsx")
    assert reused_compiles < len(compiles) / 2  # the later loads compiled little but the moved anchors
    assert reused == afresh
    assert (tmp_path / "reused.xlsx").read_bytes() == (tmp_path / "afresh.xlsx").read_bytes()
    spills = {(s.sheet, s.anchor): s.ref for s in dynamic_arrays(tmp_path / "reused.xlsx")}
    assert spills[("Plan", "A15")] == "A15:Q55"  # header + 40 quarters
    assert spills[("Plan", "Y4")] == "Y4:AB45"   # header, 40 quarters, Total
