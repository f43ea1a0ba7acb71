"""The Candidates sheet: who the promotion candidates Needs counts are, and when each
Iterator on Staff can be promoted.

Expected values are worked out by hand from the example Staff table (talentneeds.examples),
the plan start 2026-07-01 and the Assumptions' minimum tenure (more than 1 year) and soft
skills required (TRUE): eligible from = start date + 1 year + 1 day; a candidate on the plan
start when that day is on or before it and the person has the soft skills.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from talentneeds import examples
from talentneeds.cli import main
from talentneeds.engines import compute
from talentneeds.workbook import template as T
from talentneeds.workbook.builder import build, save
from talentneeds.workbook.template_people import CANDIDATES_COUNT_CELL, CANDIDATES_HEADER, CANDIDATES_ROW

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_templates" / "talent-needs.xlsx"
D = dt.datetime

# (name, eligible from, soft skills, candidate on 2026-07-01), the Iterators in Staff's order
EXPECTED = [
    ("Carmen Ortiz", D(2022, 5, 4), True, True),       # Senior Research Engineer from 2021-05-03
    ("Dmitri Volkov", D(2023, 2, 15), False, False),   # 2022-02-14; no soft skills
    ("Esi Mensah", D(2023, 8, 30), True, True),        # 2022-08-29
    ("Farah Nasser", D(2024, 4, 18), False, False),    # 2023-04-17
    ("Gabriel Rossi", D(2026, 7, 2), True, False),     # 2025-07-01: exactly one year on the plan start, not more
    ("Jasmine Okafor", D(2022, 10, 5), False, False),  # 2021-10-04
    ("Kai Andersen", D(2025, 1, 16), False, False),    # 2024-01-15
    ("Lena Fischer", D(2024, 11, 21), False, False),   # 2023-11-20
    ("Mateo Alvarez", D(2021, 11, 3), True, True),     # Staff Research Engineer from 2020-11-02
    ("Nadia Rahman", D(2027, 2, 3), True, False),      # 2026-02-02: not a year yet
    ("Priya Raman", D(2024, 7, 4), False, False),      # 2023-07-03
    ("Quentin Dubois", D(2025, 10, 1), False, False),  # 2024-09-30
    ("Rosa Martins", D(2023, 12, 6), False, False),    # Machine Learning Engineer from 2022-12-05
    ("Samuel Adeyemi", D(2026, 3, 11), False, False),  # 2025-03-10
    ("Tara Singh", D(2022, 6, 22), False, False),      # 2021-06-21
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("candidates") / "demo.xlsx"
    values = compute(TEMPLATE, out)
    return values, load_workbook(out, data_only=True)


def test_the_demo_lists_each_iterator_on_staff_with_the_day_they_can_be_promoted(demo):
    _, book = demo
    ws = book["Candidates"]
    first = CANDIDATES_ROW + 1
    rows = [[ws.cell(r, c).value for c in range(1, 7)] for r in range(first, first + len(EXPECTED) + 2)]
    assert [c.value for c in ws[CANDIDATES_ROW][:6]] == list(CANDIDATES_HEADER) == [
        "Name", "Role", "Team", "Eligible from", "Soft skills", "Candidate"]
    staff = {person[0]: person for person in examples.ROSTER}
    assert rows[:len(EXPECTED)] == [[name, staff[name][1], staff[name][2], eligible, soft, candidate]
                                    for name, eligible, soft, candidate in EXPECTED]
    assert rows[len(EXPECTED):] == [[None] * 6] * 2  # nothing below the list


def test_the_count_is_the_three_candidates_and_needs_counts_them_times_the_take_up(demo):
    values, _ = demo
    assert values[("Candidates", CANDIDATES_COUNT_CELL)] == 3  # Carmen, Esi, Mateo
    assert values[("Needs", T.INTERNAL_AMPLIFIERS_CELL)] == 3 * 1  # the example's take-up is 1
    assert values[("Candidates", "D1")] == "All checks pass"


def test_eligible_from_shows_as_a_date_and_the_sheet_follows_needs():
    book = load_workbook(TEMPLATE)
    ws = book["Candidates"]
    first, last = CANDIDATES_ROW + 1, CANDIDATES_ROW + len(EXPECTED)
    assert {ws[f"D{r}"].number_format for r in range(first, last + 1)} == {"yyyy-mm-dd"}
    assert book.sheetnames.index("Candidates") == book.sheetnames.index("Needs") + 1
    assert book.sheetnames == list(T.SHEET_NAMES)


def test_a_workbook_made_before_the_candidates_sheet_still_computes(tmp_path, capsys):
    older = tuple(sheet for sheet in T.TEMPLATE if sheet.title != "Candidates")
    source = save(build(older, T.EXTRA_NAMES), tmp_path / "older.xlsx")
    assert main(["compute", str(source), "-o", str(tmp_path / "out.xlsx")]) == 0
    assert "Candidates" not in load_workbook(tmp_path / "out.xlsx", read_only=True).sheetnames
