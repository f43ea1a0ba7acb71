"""Cell values in: numbers, text numbers, blanks, booleans and dates in both forms."""

import datetime as dt

import numpy as np
import pytest

from talentneeds.errors import InvalidInput
from talentneeds.excel import cells


@pytest.mark.parametrize("value, expected", [
    (4, 4.0), (4.5, 4.5), ("4", 4.0), (" 4.5 ", 4.5), ("80%", 0.8), ([[3]], 3.0), ([7], 7.0),
    (np.int64(2), 2.0), ("1e3", 1000.0),
])
def test_numbers_typed_as_numbers_or_text(value, expected):
    assert cells.number(value, "teams") == expected


@pytest.mark.parametrize("value, shown", [
    ("abc", '"abc"'), (True, "TRUE"), (-1, "-1"), (float("nan"), "nan"), (float("inf"), "inf"),
    (dt.datetime(2024, 1, 1), "the date 2024-01-01"), ("1,000", '"1,000"'),
])
def test_bad_numbers_name_the_argument_and_the_valid_range(value, shown):
    with pytest.raises(InvalidInput) as error:
        cells.number(value, "teams")
    assert str(error.value) == f"teams must be a number >= 0, got {shown}"


def test_blank_gives_the_default_or_says_it_is_required():
    assert cells.number(None, "internal", default=0.0) == 0.0
    assert cells.number("  ", "internal", default=2.0) == 2.0
    assert cells.number([[None]], "internal", default=1.0) == 1.0
    with pytest.raises(InvalidInput, match="teams is required: a number >= 0, got a blank cell"):
        cells.number(None, "teams")


def test_a_range_where_a_single_cell_is_wanted():
    with pytest.raises(InvalidInput, match="teams must be a single cell, got a range of 2 x 2 cells"):
        cells.number([[1, 2], [3, 4]], "teams")


def test_whole_and_maximum():
    with pytest.raises(InvalidInput, match="cohort_size must be a whole number from 0 to 10"):
        cells.number(2.5, "cohort_size", maximum=10, whole=True)
    with pytest.raises(InvalidInput, match="take_up must be a number from 0 to 1, got 1.5"):
        cells.number(1.5, "take_up", maximum=1)


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), (1, True), (0.0, False), ("yes", True), ("N", False),
    ("TRUE", True), ("false", False), ("1", True), (None, None),
])
def test_booleans_in_the_forms_people_type(value, expected):
    assert cells.boolean(value, "Soft skills") is expected


def test_a_bad_boolean_lists_the_valid_forms():
    with pytest.raises(InvalidInput, match=r"Soft skills must be TRUE or FALSE \(or yes/no, y/n, 1/0\), got \"maybe\""):
        cells.boolean("maybe", "Soft skills")


@pytest.mark.parametrize("value, expected", [
    # Excel serials, from Excel's 1900 date system: 1 = 1900-01-01, 59 = 1900-02-28,
    # 61 = 1900-03-01 (60 is the phantom 29 Feb 1900); 45352 = 1899-12-30 + 45352 days
    (1, dt.date(1900, 1, 1)), (59, dt.date(1900, 2, 28)), (61, dt.date(1900, 3, 1)),
    (45352, dt.date(2024, 3, 1)), (45352.75, dt.date(2024, 3, 1)),
    (dt.datetime(2024, 3, 1, 13, 0), dt.date(2024, 3, 1)), (dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
    ("2024-03-01", dt.date(2024, 3, 1)), ("1 Mar 2024", dt.date(2024, 3, 1)),
    ("March 1, 2024", dt.date(2024, 3, 1)),
])
def test_dates_as_serial_numbers_datetimes_or_text(value, expected):
    assert cells.date(value, "as_of") == expected


def test_serial_45352_is_2024_03_01_by_day_count():
    # independent check: days from 1899-12-30 to 2024-03-01
    assert (dt.date(2024, 3, 1) - dt.date(1899, 12, 30)).days == 45352


@pytest.mark.parametrize("value", [0, -5, 1e9, "01/03/2024", "soon", True, float("nan")])
def test_bad_dates_say_what_a_date_may_be(value):
    with pytest.raises(InvalidInput, match="as_of must be a date"):
        cells.date(value, "as_of")


def test_the_phantom_29_february_1900_is_refused():
    with pytest.raises(InvalidInput, match="did not exist"):
        cells.date(60, "as_of")


def test_rows_of_and_blank_rows():
    assert cells.rows_of(5) == [[5]]
    assert cells.rows_of([1, 2]) == [[1, 2]]
    assert cells.non_blank_rows([[1, None], [None, ""], [None, 3]]) == [(1, [1, None]), (3, [None, 3])]


@pytest.mark.parametrize("code", ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NUM!", "#NAME?", "#SPILL!"])
def test_an_error_cell_passes_on_its_own_error_and_never_reads_as_blank(code):
    # xlwings reads error cells with err_to_str=True, so they arrive as their code
    with pytest.raises(InvalidInput) as error:
        cells.number(code, "point", default=0.5)   # an optional argument: no default taken
    assert error.value.excel_code == code
    assert str(error.value) == f"point comes from a cell that shows {code}; fix that cell first"


def test_an_error_cell_inside_a_roster_names_the_row():
    from talentneeds import udfs

    result = udfs.INTERNAL_AMPLIFIERS([["Role", "Start date", "Soft skills"],
                                       ["Research Engineer", "#REF!", True]], "2024-01-01")
    assert result == "#REF! roster row 2: Start date comes from a cell that shows #REF!; fix that cell first"
