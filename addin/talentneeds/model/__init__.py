"""The planning model: pure Python and numpy/pandas, with no knowledge of Excel.

Each submodule encodes claims of the source (see DESIGN §1):

* :mod:`~talentneeds.model.ranges` -- ranges and the ``point`` that picks from them
* :mod:`~talentneeds.model.assumptions` -- every default, with unit and source
* :mod:`~talentneeds.model.needs` -- team needs, span of control, headroom, leverage
* :mod:`~talentneeds.model.pipeline` -- internal promotion candidates and external hires
* :mod:`~talentneeds.model.bottleneck` -- teams each archetype can staff, the binding one
* :mod:`~talentneeds.model.cohort` -- cohort mix by heads or by value
* :mod:`~talentneeds.model.roles` -- role title -> archetype catalogue
"""

from talentneeds.model.archetypes import ARCHETYPES, Archetype
from talentneeds.model.ranges import Range, point_fraction

__all__ = ["ARCHETYPES", "Archetype", "Range", "point_fraction"]
