"""Range arguments: roster, catalogue and per-team needs."""

import datetime as dt

import pytest

from talentneeds.errors import InvalidInput, UnknownRole
from talentneeds.excel import tables
from talentneeds.model.archetypes import Archetype
from talentneeds.model.ranges import Range

A, I, C = Archetype.AMPLIFIER, Archetype.ITERATOR, Archetype.CONNECTOR


def test_roster_columns_are_found_by_header_in_any_order_and_case():
    rows = [
        [None, None, None, None],
        ["soft_skills", "EMPLOYEE", "start date", "Job Title"],
        ["y", "Ann", 44986, "Research Engineer"],
        [None, None, None, None],
        ["no", "Bo", "2020-01-01", "People Manager"],
    ]
    people = tables.roster(rows)
    assert [(p.archetype, p.start_date, p.soft_skills) for p in people] == [
        (I, dt.date(2023, 3, 1), True), (A, dt.date(2020, 1, 1), False)]
    assert people[1].label == "roster row 5"


def test_archetype_column_wins_over_role():
    people = tables.roster([["Role", "Archetype", "Start date"], ["Unlisted title", "Connector", 44986]])
    assert people[0].archetype is C


@pytest.mark.parametrize("rows, message", [
    ([["Role", "Soft skills"], ["Research Engineer", True]], "needs a header row with a Start date column"),
    ([["Name", "Start date"], ["Ann", 44986]], "needs a Role or an Archetype column"),
    ([["Role", "Start date"], ["Research Engineer", "soon"]], "roster row 2: Start date must be a date"),
    ([["Role", "Start date"], [None, 44986]], "roster row 2: Role is blank"),
    ([["Role", "Start date", "Soft skills"], ["Research Engineer", 44986, "maybe"]],
     "roster row 2: Soft skills must be TRUE or FALSE"),
])
def test_roster_errors_name_the_row_and_column(rows, message):
    with pytest.raises(InvalidInput, match=message):
        tables.roster(rows)


def test_unknown_role_on_a_roster_names_the_row():
    with pytest.raises(UnknownRole, match='roster row 3: role "Wizard" is not in the catalogue'):
        tables.roster([["Role", "Start date"], ["Research Engineer", 44986], ["Wizard", 44986]])


def test_catalog_with_or_without_header():
    with_header = tables.catalog([["Role", "Archetype"], ["Wizard", "Connector"]])
    without = tables.catalog([["Wizard", "Connector"], ["Apprentice", "Iterator"]])
    assert with_header.archetype("wizard") is C
    assert without.archetype("apprentice") is I
    assert tables.catalog(None).archetype("Research Engineer") is I
    with pytest.raises(InvalidInput, match="catalog row 2 needs a role title and an archetype"):
        tables.catalog([["Role", "Archetype"], ["Wizard", None]])


def test_per_team_accepts_plain_labelled_and_headed_ranges():
    plain = tables.per_team([[1, 2], [5, 10], [0, 1]])
    labelled = tables.per_team([["Per team", "Low", "High"], ["Iterator", 5, 10],
                                ["Amplifier", 1, 2], ["Connector", 0, 1]])
    assert plain == labelled == {A: Range(1, 2), I: Range(5, 10), C: Range(0, 1)}
    with pytest.raises(InvalidInput, match="per_team must have 3 rows"):
        tables.per_team([[1, 2]])
    with pytest.raises(InvalidInput, match=r"per_team row 1 low \(3\) must be <= per_team row 1 high \(2\)"):
        tables.per_team([[3, 2], [5, 10], [0, 1]])


def test_text_typed_into_per_team_is_named_not_mistaken_for_a_header():
    with pytest.raises(InvalidInput, match='per_team row 1 low must be a number >= 0, got "abc"'):
        tables.per_team([["abc", 2], [5, 10], [0, 0]])
