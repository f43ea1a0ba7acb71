"""Numbers are never silently wrong: results beyond what a cell holds exactly are errors
that name the argument and the limit; inputs that used to raise unexpectedly are named.

Every expected value and every limit in a message is worked out by hand in the comment
beside it (2^53 = 9,007,199,254,740,992; a double's largest value 1.7976931348623157e308).
"""

import datetime as dt

import pytest

from talentneeds import examples, udfs
from talentneeds.model import limits

N = None
TWO_53 = "9,007,199,254,740,992 (2^53)"
DEFAULT_PER_TEAM = [[1, 2], [5, 10], [0, 0]]


def wide(high):
    return [[0, high], [5, 10], [0, 0]]


# (call, expected start of the result): every one used to give a wrong number or an
# "unexpected error", as the comment says.
ERROR_CASES = {
    # per-team needs near 1e16 overflowed int64 (about -3.5e18)
    "needs near 1e16": (lambda: udfs.NEEDS_DISTRIBUTION(1, N, N, N, [[1e16, 1e16], [5, 10], [0, 0]]),
                        f"#NUM! per_team high for Amplifier (1e+16) x 1 team is more than {TWO_53} heads"),
    # {0, 1E300}: P0 was -9.22e18
    "needs 0 to 1e300": (lambda: udfs.NEEDS_DISTRIBUTION(1, [[0]], N, N, wide(1e300)),
                         f"#NUM! per_team high for Amplifier (1e+300) x 1 team is more than {TWO_53} heads"),
    # 1e9 teams x 9.1e6 = 9.1e15 > 2^53 = 9.007e15
    "needs of a billion teams": (
        lambda: udfs.NEEDS_DISTRIBUTION(1e9, N, N, N, [[9.1e6, 9.1e6], [5, 10], [0, 0]]),
        f"#NUM! per_team high for Amplifier (9.1e+06) x 1,000,000,000 teams is more than {TWO_53} heads"),
    # PLAN_DISTRIBUTION ignored Amplifiers of {0, 1E300}
    "plan 0 to 1e300": (lambda: udfs.PLAN_DISTRIBUTION([[1]], N, N, N, N, N, N, wide(1e300)),
                        "#NUM! per_team high for Amplifier (1e+300) x 1 team is more than"),
    # 100,000 teams x 1e6 = 1e11 heads fit 2^53 but not the plan's 1e9
    "plan beyond its heads": (lambda: udfs.PLAN_DISTRIBUTION([[100_000]], N, 10, N, N, N, N, wide(1e6)),
                              "#NUM! the plan needs more than 1,000,000,000 Amplifiers"),
    # 1e308 / 0.5 = inf: math.floor raised OverflowError
    "bottleneck 1e308": (lambda: udfs.BOTTLENECK(3, 25, 1e308, "mid", [[1, 2], [5, 10], [0.5, 0.5]]),
                         f"#NUM! connectors (1e+308) / 0.5 per team is more than {TWO_53} whole teams"),
    # 1e20 / 1.5 teams is finite but not a whole number a cell holds exactly
    "bottleneck 1e20": (lambda: udfs.BOTTLENECK(1e20, 25),
                        f"#NUM! amplifiers (1e+20) / 1.5 per team is more than {TWO_53} whole teams"),
    # 1e308 x 2 = inf
    "need beyond a double": (lambda: udfs.AMPLIFIERS_NEEDED(1e308, "high"),
                             "#NUM! teams x the need per team is more than 1.7976931348623157e+308, "
                             "the largest number Excel has"),
    # 1e308 x 10 Iterators per Amplifier = 1e309
    "capacity beyond a double": (lambda: udfs.ITERATOR_CAPACITY(1e308, "high"),
                                 "#NUM! amplifiers x the span of control (the Iterator capacity) is more than "
                                 "1.7976931348623157e+308"),
    # by value: 1e308 Amplifiers x 3.75 leverage (was "amplifiers must be a finite number, got inf")
    "cohort weight beyond a double": (lambda: udfs.COHORT_MIX(10, 1e308, 1, 0, "value"),
                                      "#NUM! amplifiers x the leverage (1e+308 x 3.75) is more than "
                                      "1.7976931348623157e+308"),
    "int beyond a double": (lambda: udfs.AMPLIFIERS_NEEDED(10 ** 400),
                            "#VALUE! teams must be a number >= 0, got a 401-digit whole number"),
    "negative int beyond a double": (lambda: udfs.COHORT_MIX(-(10 ** 400), 1, 1),
                                     "#VALUE! cohort_size must be a whole number from 0 to 1,000,000,000, "
                                     "got a 401-digit whole number"),
    "int range bound beyond a double": (lambda: udfs.ITERATOR_CAPACITY(1, "mid", 1, 10 ** 400),
                                        "#VALUE! span_high must be a number >= 0, got a 401-digit whole number"),
    "empty schedule": (lambda: udfs.HIRING_PLAN([]), "#VALUE! schedule must hold the new teams of at least one quarter"),
    "empty row": (lambda: udfs.PLAN_DISTRIBUTION([[]]), "#VALUE! schedule must hold the new teams of at least one quarter"),
    "blank 2 x 2 schedule": (lambda: udfs.HIRING_PLAN([[None, None], [None, None]]),
                             "#VALUE! schedule must hold the new teams of at least one quarter"),
    # two quarters from 9999-12-31: the second would start in the year 10000
    "as_of 9999-12-31": (lambda: udfs.HIRING_PLAN([[1], [1]], examples.roster_range(), dt.datetime(9999, 12, 31)),
                         "#VALUE! as_of must leave room for the plan's 2 quarters before 9999-12-31 "
                         "(the last date Excel has), got the date 9999-12-31"),
    # serial 2958465 is 9999-12-31
    "as_of serial 2958465": (lambda: udfs.PLAN_DISTRIBUTION([[1], [1]], N, N, N, N, examples.roster_range(), 2958465),
                             "#VALUE! as_of must leave room for the plan's 2 quarters"),
    "backlog 1e19": (lambda: udfs.PLAN_HEADLINE([["Quarter", "Backlog", "Management-bound"], [1, 1e19, False]]),
                     "#VALUE! plan row 2 Backlog must be a whole number from 0 to 9,007,199,254,740,992, got 1e+19"),
    # a 4th numeric row was taken as a header (TEAM_NEEDS(1,TRUE,Assumptions!B5:C8))
    "per_team of 4 numeric rows": (lambda: udfs.TEAM_NEEDS(1, True, [[1, 2], [5, 10], [0, 0], [5, 10]]),
                                   "#VALUE! per_team must have 3 rows (Amplifier, Iterator, Connector) of low "
                                   "and high (after an optional header row such as Low, High), got 4"),
    "per_team with a header that is not one": (
        lambda: udfs.TEAM_NEEDS(1, True, [["abc", "def"], [1, 2], [5, 10], [0, 0]]),
        "#VALUE! per_team must have 3 rows"),
    "seed beyond": (lambda: udfs.NEEDS_DISTRIBUTION(1, N, N, 2 ** 32),
                    "#VALUE! seed must be a whole number from 0 to 4,294,967,295, got 4.29497e+09"),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=str)
def test_numbers_beyond_what_a_cell_holds_are_named_errors(case):
    call, expected = ERROR_CASES[case]
    result = call()
    assert isinstance(result, str) and result.startswith(expected), result
    assert "unexpected" not in result


def test_whole_heads_up_to_2_53_are_exact_and_one_team_more_is_refused():
    # 2 teams x 2^52 = 2^53 heads: exactly 9007199254740992.0
    result = udfs.NEEDS_DISTRIBUTION(2, [[50]], 1, 0, [[2 ** 52, 2 ** 52], [0, 0], [0, 0]])
    assert result[1] == ["Amplifier", 9007199254740992.0]
    # 3 teams x 2^52 = 1.5 x 2^53
    assert udfs.NEEDS_DISTRIBUTION(3, [[50]], 1, 0, [[2 ** 52, 2 ** 52], [0, 0], [0, 0]]).startswith(
        "#NUM! per_team high for Amplifier (4.5036e+15) x 3 teams")


def test_a_per_team_header_is_recognised_by_its_words():
    expected = udfs.TEAM_NEEDS(1, True, DEFAULT_PER_TEAM)
    for header in (["Per team", "Low", "High"], ["Low", "High"], ["min", "max"], ["Archetype", "FTE low", "FTE high"]):
        rows = [header, *([["Amplifier", 1, 2], ["Iterator", 5, 10], ["Connector", 0, 0]]
                          if len(header) == 3 else DEFAULT_PER_TEAM)]
        assert udfs.TEAM_NEEDS(1, True, rows) == expected, header


def test_plan_headline_gives_the_quarter_labels_of_the_plan():
    # quarters 5, 6, 7: short in 5 only, so fully staffed from quarter 6 (not "2", its position)
    table = [["Quarter", "Backlog", "Management-bound"], [5, 2, True], [6, 0, False], [7, 0, False]]
    assert udfs.PLAN_HEADLINE(table) == [["Fully staffed from quarter", 6.0], ["Peak backlog", 2.0],
                                         ["Management-bound quarters", 1.0]]
    labelled = [["Quarter", "Backlog", "Management-bound"], ["2026 Q1", 1, False], ["2026 Q2", 0, False]]
    assert udfs.PLAN_HEADLINE(labelled)[0] == ["Fully staffed from quarter", "2026 Q2"]


@pytest.mark.parametrize("size, seats", [
    # worked by hand in tests/model/test_bottleneck_and_cohort.py (Sainte-Laguë sequence)
    (13, [1.0, 10.0, 2.0]), (14, [2.0, 10.0, 2.0]), (15, [2.0, 10.0, 3.0]),
])
def test_cohort_of_13_and_14_no_longer_takes_a_seat_from_amplifiers(size, seats):
    table = udfs.COHORT_MIX(size, 3.9, 25.5, 6.5)
    assert [row[3] for row in table[1:4]] == seats and table[4][3] == size


# ----------------------------------------------------------------- the work budget

def test_the_issues_slow_calls_are_refused_with_the_limit_named():
    # 1e7 trials x 20 units x (101 + 101 + 101) possible heads (0-1000 is spread over 101 points)
    result = udfs.NEEDS_DISTRIBUTION(100_000, N, 1e7, N, [[0, 1000], [0, 1000], [0, 1000]], "pert")
    assert result == ("#NUM! NEEDS_DISTRIBUTION would do 60,600,000,000 units of work (10,000,000 trials x the "
                      "whole numbers each archetype's range can take), more than the 800,000,000 a "
                      "recalculation may do (about 10 s); use fewer trials")
    # 200 quarters of 1 team: per quarter 20 x (2 + 6) draws + 200 + 5 (tenure window) + 3 (hire
    # window: the longest time to hire, Amplifiers' 2 quarters, + 1) = 368; x 200 quarters =
    # 73,600 per trial; x 1e7 trials
    result = udfs.PLAN_DISTRIBUTION([[1]] * 200, N, 1e7)
    assert result.startswith("#NUM! PLAN_DISTRIBUTION would do 736,000,000,000 units of work "
                             "(10,000,000 trials x 200 quarters"), result
    assert "more than the 800,000,000 a recalculation may do (about 10 s)" in result


def test_the_budget_allows_5_million_trials_of_the_default_ranges():
    # 20 units x (2 + 6) possible heads = 160 a trial; 800,000,000 / 160 = 5,000,000
    assert udfs.NEEDS_DISTRIBUTION(3, [[50]], 5_000_000)[1][0] == "Amplifier"
    assert udfs.NEEDS_DISTRIBUTION(3, [[50]], 5_000_001).startswith(
        "#NUM! NEEDS_DISTRIBUTION would do 800,000,160 units of work")
    # no teams: nothing to draw, so every trial allowed
    assert udfs.NEEDS_DISTRIBUTION(0, N, limits.MAX_TRIALS)[1] == ["Amplifier", 0.0, 0.0, 0.0]
