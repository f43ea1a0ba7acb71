"""The template's Candidates sheet: the people behind Needs' count of promotion
candidates -- every Iterator on Staff, the first day each can be promoted, and who is a
candidate on the plan start (``PROMOTION_CANDIDATES``)."""

from __future__ import annotations

from talentneeds import examples, udfs
from talentneeds.workbook.spec import Formula, Sheet, Text
from talentneeds.workbook.template_layout import _check_status

CANDIDATES_HEADER = tuple(udfs.CANDIDATE_COLUMNS)
CANDIDATES_ROW = 6  # the spill's header row; it grows downwards with the roster, nothing is below it
# the example's list: its header and one row per Iterator on the example Staff table
CANDIDATES_TABLE = f"A{CANDIDATES_ROW}:F{CANDIDATES_ROW + len(udfs.PROMOTION_CANDIDATES(examples.roster_range())) - 1}"
CANDIDATES_COUNT_CELL = "B4"
CANDIDATES_FORMULA = "=PROMOTION_CANDIDATES(Staff[#All],AsOf,MinTenureYears,SoftSkillsRequired,Roles[#All])"

CANDIDATES = Sheet("Candidates", (
    Text("A1", "Promotion candidates", "Title"),
    # two short lines, not one: a line of text as wide as the sheet hides the list when printed
    Text("A2", "Every Iterator on the Staff table (roles mapped through the Roles catalogue), the first day "
               "their tenure is more than the minimum tenure (Assumptions: Minimum tenure),"),
    Text("A3", "and whether they are a candidate on the plan start (Assumptions: Plan starts on), soft skills "
               "too if Assumptions asks for them. Needs counts the candidates; this is who they are."),
    Text("A4", "Candidates on the plan start", "Label"),
    # take-up omitted: every candidate, where Needs counts them x the take-up on Assumptions
    Formula(CANDIDATES_COUNT_CELL,
            "=INTERNAL_AMPLIFIERS(Staff[#All],AsOf,MinTenureYears,SoftSkillsRequired,,Roles[#All])",
            number_format="0"),
    Text("C4", "people with Candidate TRUE below, before the take-up that Needs applies"),
    *_check_status("D1"),
    Formula(f"A{CANDIDATES_ROW}", CANDIDATES_FORMULA, spill=CANDIDATES_TABLE, header=CANDIDATES_HEADER,
            column_formats=(("D", "yyyy-mm-dd"), ("E", "General"), ("F", "General")), text_columns=("B", "C")),
), column_widths={"A": 24, "B": 28, "C": 18, "D": 14, "E": 11, "F": 11}, tab_after="Needs")
