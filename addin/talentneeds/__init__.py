"""Talent Needs: how many Amplifiers, Iterators and Connectors a research org's teams need.

The package is layered in one direction: ``talentneeds.model`` is pure planning logic;
``talentneeds.excel`` and ``talentneeds.udfs`` adapt it to Excel; ``talentneeds.cli`` is
the command line. Importing this package imports nothing heavy.
"""

__version__ = "0.1.0"
