"""Built-in example data: the source's case of an existing org starting 3 new teams.

The roster is invented but realistic; the template workbook and ``make demo`` use it,
and users replace it with their own.
"""

from __future__ import annotations

import datetime as dt

NEW_TEAMS = 3
AS_OF = dt.date(2026, 7, 1)
COHORT_SIZE = 30
# Heads the org could put into the new teams: its promotable Iterators become the
# Amplifiers; the Iterators and Connectors are its hiring budget for the year.
AMPLIFIERS_AVAILABLE = 2  # Amplifier hires from outside in the period, besides promotion
ITERATORS_AVAILABLE = 25
CONNECTORS_AVAILABLE = 1

ROSTER_HEADER = ("Name", "Role", "Team", "Start date", "Soft skills")
ROSTER = (
    ("Avery Chen", "Research Lead", "Interpretability", dt.date(2019, 9, 2), True),
    ("Bilal Hussain", "People Manager", "Interpretability", dt.date(2021, 1, 11), True),
    ("Carmen Ortiz", "Senior Research Engineer", "Interpretability", dt.date(2021, 5, 3), True),
    ("Dmitri Volkov", "Research Engineer", "Interpretability", dt.date(2022, 2, 14), False),
    ("Esi Mensah", "Research Scientist", "Interpretability", dt.date(2022, 8, 29), True),
    ("Farah Nasser", "Member of Technical Staff", "Interpretability", dt.date(2023, 4, 17), False),
    ("Gabriel Rossi", "Research Engineer", "Interpretability", dt.date(2025, 7, 1), True),
    ("Hana Sato", "Research Lead", "Evals", dt.date(2020, 3, 9), True),
    ("Ivan Petrov", "Engineering Manager", "Evals", dt.date(2022, 6, 6), True),
    ("Jasmine Okafor", "Research Scientist", "Evals", dt.date(2021, 10, 4), False),
    ("Kai Andersen", "Research Engineer", "Evals", dt.date(2024, 1, 15), False),
    ("Lena Fischer", "Member of Technical Staff", "Evals", dt.date(2023, 11, 20), False),
    ("Mateo Alvarez", "Staff Research Engineer", "Evals", dt.date(2020, 11, 2), True),
    ("Nadia Rahman", "Research Engineer", "Evals", dt.date(2026, 2, 2), True),
    ("Oscar Lindqvist", "Technical Program Manager", "Operations", dt.date(2022, 9, 12), True),
    ("Priya Raman", "Research Scientist", "Control", dt.date(2023, 7, 3), False),
    ("Quentin Dubois", "Research Engineer", "Control", dt.date(2024, 9, 30), False),
    ("Rosa Martins", "Machine Learning Engineer", "Control", dt.date(2022, 12, 5), False),
    ("Samuel Adeyemi", "Member of Technical Staff", "Control", dt.date(2025, 3, 10), False),
    ("Tara Singh", "Research Scientist", "Control", dt.date(2021, 6, 21), False),
)


def roster_range() -> list[list]:
    """The roster as Excel passes a range: a header row, then one row per person."""
    return [list(ROSTER_HEADER), *[list(person) for person in ROSTER]]
