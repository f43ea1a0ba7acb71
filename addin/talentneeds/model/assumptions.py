"""Every default the model uses, with its unit and where it comes from.

Defaults marked ``seed`` are figures from the source (a public comment on the 2024
report "Talent Needs of Technical AI Safety Teams"); the rest are editable assumptions.
The template workbook shows this table on its Assumptions sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from talentneeds.model.archetypes import Archetype
from talentneeds.model.ranges import Range

SEED = "seed"
ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Assumption:
    name: str
    value: Range | float | bool
    unit: str
    source: str  # SEED or ASSUMPTION
    note: str


AMPLIFIERS_PER_TEAM = Range(1, 2)
ITERATORS_PER_TEAM = Range(5, 10)
CONNECTORS_PER_TEAM = Range(0, 0)
SPAN_OF_CONTROL = Range(5, 10)
OUTPUT_SHARE = 0.5
FILL_RATE = 1.0
COUNTERFACTUAL_SHARE = 1.0
MIN_TENURE_YEARS = 1.0
SOFT_SKILLS_REQUIRED = True
TAKE_UP = 1.0

PER_TEAM = {
    Archetype.AMPLIFIER: AMPLIFIERS_PER_TEAM,
    Archetype.ITERATOR: ITERATORS_PER_TEAM,
    Archetype.CONNECTOR: CONNECTORS_PER_TEAM,
}

ASSUMPTIONS = (
    Assumption("amplifiers_per_team", AMPLIFIERS_PER_TEAM, "FTE per new team", SEED,
               '"x new safety teams from scratch ... (1-2)x Amplifiers (to be managers)"'),
    Assumption("iterators_per_team", ITERATORS_PER_TEAM, "FTE per new team", SEED,
               '"... and (5-10)x Iterators"'),
    Assumption("connectors_per_team", CONNECTORS_PER_TEAM, "FTE per new team", ASSUMPTION,
               "teams inside an existing org inherit its agenda-setters"),
    Assumption("span_of_control", SPAN_OF_CONTROL, "Iterators per Amplifier", SEED,
               '"One manager creates bandwidth for 5-10 additional Iterator hires"'),
    Assumption("output_share", OUTPUT_SHARE, "share of the team's output", SEED,
               '"a manager is responsible for ~half the output of their team"'),
    Assumption("fill_rate", FILL_RATE, "share of opened seats filled", ASSUMPTION,
               '"conditional on being able to get those employees once you hire the manager"'),
    Assumption("counterfactual_share", COUNTERFACTUAL_SHARE,
               "share that could not be hired without the manager", ASSUMPTION,
               '"if, counterfactually, you wouldn\'t have been able to hire those folks at all"'),
    Assumption("min_tenure_years", MIN_TENURE_YEARS, "years (strictly more than)", SEED,
               '"folks in associate positions who\'ve been with the org > 1 year"'),
    Assumption("soft_skills_required", SOFT_SKILLS_REQUIRED, "TRUE/FALSE", SEED,
               '"have the requisite soft skills to manage effectively"'),
    Assumption("take_up", TAKE_UP, "share of candidates promoted", ASSUMPTION,
               "every eligible candidate accepts a management role"),
)
