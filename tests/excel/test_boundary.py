"""One declaration per function: the metadata Excel sees, and the one error boundary."""

import inspect
import re

import pytest

from talentneeds import udfs
from talentneeds.errors import ImpossiblePlan, InvalidInput, UnknownRole
from talentneeds.excel import boundary

DESIGN_CATALOGUE = {
    # name: arguments in order, as DESIGN section 3 lists them (trailing extras allowed
    # where the design leaves "..." or where an optional range argument is added)
    "AMPLIFIERS_NEEDED": ["teams", "point", "low", "high"],
    "ITERATORS_NEEDED": ["teams", "point", "low", "high"],
    "CONNECTORS_NEEDED": ["teams", "point", "low", "high"],
    "TEAM_NEEDS": ["teams", "header"],
    "ITERATOR_CAPACITY": ["amplifiers", "point", "span_low", "span_high"],
    "ITERATOR_HEADROOM": ["amplifiers", "iterators", "point"],
    "AMPLIFIERS_FOR": ["iterators", "point"],
    "MANAGER_LEVERAGE": ["point", "output_share", "fill_rate", "counterfactual_share"],
    "INTERNAL_AMPLIFIERS": ["roster", "as_of", "min_tenure_years", "soft_skills_required", "take_up"],
    "AMPLIFIER_HIRES": ["teams", "internal", "point"],
    "ITERATOR_HIRES": ["teams", "promoted", "point"],
    "BOTTLENECK": ["amplifiers", "iterators", "connectors", "point"],
    "COHORT_MIX": ["cohort_size", "amplifiers", "iterators", "connectors", "weighting"],
    "ARCHETYPE": ["role_title", "catalog"],
    # the plan issue: HIRING_PLAN(schedule, ...), NEEDS_DISTRIBUTION(teams, [percentiles], [trials], [seed])
    "HIRING_PLAN": ["schedule"],
    "NEEDS_DISTRIBUTION": ["teams", "percentiles", "trials", "seed"],
    "PLAN_HEADLINE": ["plan"],
    "PLAN_DISTRIBUTION": ["schedule", "percentiles", "trials", "seed"],  # the plan's headline, for the Scenarios sheet and the demo
    # issue 15 (one plan, one story): the calendar, the people behind the count, the cost
    "QUARTER_LABELS": ["start", "quarters"],
    "PROMOTION_CANDIDATES": ["roster", "as_of", "min_tenure_years", "soft_skills_required", "catalog"],
    "PLAN_COST": ["plan", "annual_cost", "hire_cost"],
    # issue 15's mistakes caught: the titles the catalogue does not know, by name
    "UNKNOWN_TITLES": ["roster", "catalog"],
}


def test_exactly_the_functions_of_the_design_in_its_argument_order():
    specs = {spec.name: spec for spec in boundary.specs(udfs)}
    assert set(specs) == set(DESIGN_CATALOGUE)
    for name, expected in DESIGN_CATALOGUE.items():
        args = [a.name for a in specs[name].args]
        assert args[: len(expected)] == expected, name
        assert not specs[name].args[0].optional or name == "MANAGER_LEVERAGE"
        assert all(a.optional for a in specs[name].args[len(expected):])


def test_every_function_has_a_category_a_one_line_description_and_argument_descriptions():
    for spec in boundary.specs(udfs):
        assert spec.category == "Talent Needs"
        assert re.fullmatch(r"[A-Z][A-Z_]+", spec.name)
        assert spec.description and "\n" not in spec.description and len(spec.description) <= 255
        for arg in spec.args:
            assert arg.description and not arg.description.startswith("Positional argument")
            assert len(arg.description) <= 255  # Excel's limit for an argument description


def test_the_python_signature_is_what_xlwings_inspects():
    # xlwings reads the signature (following __wrapped__) to build the Excel arguments
    params = inspect.signature(udfs.COHORT_MIX).parameters
    assert list(params) == ["cohort_size", "amplifiers", "iterators", "connectors", "weighting"]
    assert [p.default for p in params.values()][3:] == [None, None]


@pytest.mark.parametrize("error, expected", [
    (InvalidInput("teams must be"), "#VALUE! teams must be"),
    (UnknownRole('role "x"'), '#N/A role "x"'),
    (ImpossiblePlan("too big"), "#NUM! too big"),
])
def test_errors_become_excel_style_errors_in_one_place(error, expected):
    assert boundary.excel_error(error, "F") == expected


def test_an_unexpected_error_is_still_a_cell_error_not_a_traceback():
    @boundary.excel_function(x="x")
    def broken(x):
        """Always fails."""
        return {}["missing"]

    result = broken(1)
    assert result.startswith("#VALUE! unexpected error in BROKEN (KeyError")


def test_a_result_that_is_not_finite_becomes_num():
    @boundary.excel_function(x="x")
    def overflow(x):
        """Returns infinity."""
        return float("inf")

    assert overflow(1).startswith("#NUM!")


def test_declaring_a_function_without_describing_every_argument_fails_at_import():
    with pytest.raises(TypeError, match="describe exactly its arguments"):
        @boundary.excel_function(x="x")
        def undocumented(x, y):
            """One line."""


def test_every_runtime_lists_the_functions_in_one_order():
    # the order of the Function Wizard, Office.js metadata, the .oxt and `talentneeds functions`
    assert [spec.name for spec in boundary.specs(udfs)] == [
        "AMPLIFIERS_NEEDED", "ITERATORS_NEEDED", "CONNECTORS_NEEDED", "TEAM_NEEDS", "ITERATOR_CAPACITY",
        "ITERATOR_HEADROOM", "AMPLIFIERS_FOR", "MANAGER_LEVERAGE", "INTERNAL_AMPLIFIERS", "PROMOTION_CANDIDATES",
        "AMPLIFIER_HIRES", "ITERATOR_HIRES", "BOTTLENECK", "COHORT_MIX", "ARCHETYPE", "UNKNOWN_TITLES", "HIRING_PLAN",
        "NEEDS_DISTRIBUTION", "PLAN_DISTRIBUTION", "PLAN_HEADLINE", "QUARTER_LABELS", "PLAN_COST"]
