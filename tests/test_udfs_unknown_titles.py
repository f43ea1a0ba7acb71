"""The titles a catalogue does not know, by name (issue 15, item 8): the model's list and
UNKNOWN_TITLES. Expected lists and counts are worked out by hand from the rosters below."""

import datetime as dt

import pytest

from talentneeds import udfs
from talentneeds.errors import InvalidInput
from talentneeds.model.roles import DEFAULT_CATALOG, Catalog, UnknownTitle, unknown_titles

D = dt.date(2022, 1, 1)
HEADER = ["Name", "Job title", "Team", "Start date", "Soft skills"]
# 9 people: 3 known titles (Research Engineer, Senior Research Scientist II -> Research
# Scientist, Operations -> Not counted) and 6 holding 4 unknown titles: "Chef" 3 times
# (as "Chef", " chef " and "CHEF!": case, spaces and punctuation are ignored, as the lookup
# ignores them), "Gardener", "Pilot", "Barista"; and a blank row
ROSTER = [HEADER,
          ["Ann", "Chef", "Ops", D, "no"],
          ["Bob", "Research Engineer", "Interp", D, "yes"],
          ["Cat", "Gardener", "Ops", D, "no"],
          [None, None, None, None, None],
          ["Dan", " chef ", "Ops", D, "no"],
          ["Eve", "Pilot", "Ops", D, "no"],
          ["Fay", "Senior Research Scientist II", "Evals", D, "yes"],
          ["Gus", "CHEF!", "Ops", D, "no"],
          ["Hal", "Barista", "Ops", D, "no"],
          ["Ida", "Operations", "Ops", D, "no"]]


def test_the_model_lists_each_unknown_title_once_with_how_many_hold_it():
    titles = [row[1] for row in ROSTER[1:] if row[1]]
    assert unknown_titles(titles) == [UnknownTitle("Chef", 3), UnknownTitle("Gardener", 1),
                                      UnknownTitle("Pilot", 1), UnknownTitle("Barista", 1)]
    assert unknown_titles(["Research Engineer", "Manager"]) == []
    assert unknown_titles([]) == []


def test_unknown_titles_that_one_catalogue_row_fixes_are_one():
    # "Chef, Kitchen" is known once "Chef" is listed (the lookup drops a team after a comma);
    # "Chef Kitchen" is not, though both normalise to "chef kitchen": each is decided by
    # the lookup itself, and the two unknown ones are one entry
    catalog = Catalog([("Chef", "Not counted")])
    assert unknown_titles(["Chef, Kitchen", "Chef Kitchen", "chef kitchen"], catalog) == [
        UnknownTitle("Chef Kitchen", 2)]
    assert unknown_titles(["Sous Chef Kitchen", "Chef Kitchen"], Catalog([("Chef Kitchen", "Iterator")])) == [
        UnknownTitle("Sous Chef Kitchen", 1)]


def test_a_title_that_is_no_title_is_refused_by_the_model():
    with pytest.raises(InvalidInput, match="role_title must be a role title"):
        unknown_titles(["Chef", "!!!"], DEFAULT_CATALOG)


def test_unknown_titles_spills_a_header_and_one_row_per_title():
    assert udfs.UNKNOWN_TITLES(ROSTER) == [["Unknown title", "People"], ["Chef", 3.0], ["Gardener", 1.0],
                                           ["Pilot", 1.0], ["Barista", 1.0]]


def test_with_a_catalogue_only_its_titles_are_known():
    catalog = [["Role", "Archetype"], ["Chef", "Not counted"], ["Pilot", "Iterator"],
               ["Research Engineer", "Iterator"]]
    # not known to this catalogue: Gardener, Research Scientist (Fay), Barista, Operations
    assert udfs.UNKNOWN_TITLES(ROSTER, catalog) == [["Unknown title", "People"], ["Gardener", 1.0],
                                                    ["Senior Research Scientist II", 1.0], ["Barista", 1.0],
                                                    ["Operations", 1.0]]


def test_none_unknown_is_one_cell_that_says_so():
    known = [HEADER, ["Bob", "Research Engineer", "Interp", D, "yes"], ["Ida", "Operations", "Ops", D, "no"]]
    assert udfs.UNKNOWN_TITLES(known) == udfs.NO_UNKNOWN_TITLES == "No unknown titles"
    assert udfs.UNKNOWN_TITLES([HEADER]) == "No unknown titles"   # nobody on the roster
    assert udfs.UNKNOWN_TITLES(None) == "No unknown titles"       # a blank range


def test_only_the_role_column_is_needed_and_numbers_are_titles_as_the_roster_reads_them():
    assert udfs.UNKNOWN_TITLES([["Role"], ["Chef"], [None], ["Research Engineer"]]) == [
        ["Unknown title", "People"], ["Chef", 1.0]]
    assert udfs.UNKNOWN_TITLES([["Role"], [7]]) == [["Unknown title", "People"], ["7", 1.0]]


@pytest.mark.parametrize("roster, catalog, expected", [
    ([["Name", "Start date"], ["Ann", D]], None,
     '#VALUE! roster needs a Role column in its header row (a header such as Role, Title or Job title), '
     'got the header "Name", "Start date"'),
    ([["Role"], ["Chef"], ["#N/A"]], None,
     "#N/A roster row 3: Role comes from a cell that shows #N/A; fix that cell first"),
    ([["Role"], ["..."]], None, '#VALUE! roster row 2: Role must be a role title (text), got "..."'),
    ([["Role"], ["Ch\x07ef"]], None, "#VALUE! roster row 2: Role contains the control character U+0007 at "
                                      "character 3; remove it (Excel's CLEAN() does)"),
    ([["Role"], ["Chef"]], [["Role", "Archetype"], ["Chef", "Cook"]],
     '#VALUE! catalog row 2: archetype must be "Amplifier", "Iterator", "Connector" or "Not counted", got "Cook"'),
])
def test_bad_input_is_an_error_naming_the_row_and_what_is_valid(roster, catalog, expected):
    assert udfs.UNKNOWN_TITLES(roster, catalog) == expected
