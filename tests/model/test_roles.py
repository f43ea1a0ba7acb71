"""Claim 10: role title -> archetype, with an editable catalogue."""

import pytest

from talentneeds.errors import InvalidInput, UnknownRole
from talentneeds.model.archetypes import Archetype
from talentneeds.model.roles import DEFAULT_CATALOG, Catalog

A, I, C = Archetype.AMPLIFIER, Archetype.ITERATOR, Archetype.CONNECTOR


@pytest.mark.parametrize("title, expected", [
    ("Research Engineer", I),                      # "research engineer is a pretty Iterator-specced role"
    ("Member of Technical Staff", I),
    ("Research Scientist", I),
    ("research   engineer", I),
    ("Senior Research Engineer, Interpretability", I),
    ("Staff Research Scientist II", I),
    ("Sr. ML Engineer L5", I),
    ("Lead Research Engineer", I),
    ("People Manager", A),                         # DeepMind's People Managers
    ("People Manager - Evals", A),
    ("TPM", A),
    ("Research Lead", C),                          # as opposed to Research Leads
    ("Research Lead (Alignment)", C),
    ("Founder", C),
])
def test_default_catalogue(title, expected):
    assert DEFAULT_CATALOG.archetype(title) is expected


def test_an_unknown_title_is_an_error_not_a_guess():
    with pytest.raises(UnknownRole, match='role "Chief Vibes Officer" is not in the catalogue'):
        DEFAULT_CATALOG.archetype("Chief Vibes Officer")


def test_a_custom_catalogue_replaces_the_default():
    catalog = Catalog([("Research Engineer", "Amplifier"), ("Alchemist", "iterators")])
    assert catalog.archetype("Research Engineer") is A
    assert catalog.archetype("alchemist") is I
    with pytest.raises(UnknownRole):
        catalog.archetype("Research Scientist")


def test_a_catalogue_that_contradicts_itself_is_refused():
    with pytest.raises(InvalidInput, match="twice"):
        Catalog([("Research Engineer", "Iterator"), ("research engineer", "Connector")])
    with pytest.raises(InvalidInput, match='archetype must be "Amplifier", "Iterator", "Connector" or "Not counted"'):
        Catalog([("Research Engineer", "Wizard")])


@pytest.mark.parametrize("bad", [None, "", "   ", 42])
def test_a_title_must_be_text(bad):
    with pytest.raises(InvalidInput, match="role_title must be a role title"):
        DEFAULT_CATALOG.archetype(bad)


def test_common_non_research_titles_are_not_counted_and_research_titles_are_unchanged():
    from talentneeds.model.archetypes import NOT_COUNTED
    from talentneeds.model.roles import DEFAULT_ROLES, NOT_COUNTED_ROLES

    archetype = DEFAULT_CATALOG.archetype
    for title in ("Recruiter", "HR", "Finance Manager", "General Counsel", "Operations Associate",
                  "Senior Recruiter", "Office Manager"):
        assert archetype(title) is NOT_COUNTED, title
    # the research catalogue alone still gives every one of its titles its own archetype
    assert all(archetype(title) is kind for title, kind in DEFAULT_ROLES)
    assert not {title for title, _ in DEFAULT_ROLES} & {title for title, _ in NOT_COUNTED_ROLES}
