"""Which optional part of the package a missing module belongs to.

The Excel functions need only numpy, pandas and xlwings (what an xlwings Lite user
installs); the workbook commands also need the extra ``workbook`` (openpyxl, formulas
and what it brings, defusedxml). A command that reaches for one of those without it
gets one line saying what to install, not a traceback.
"""

from __future__ import annotations

# top-level modules of the "workbook" extra and of what formulas itself imports
WORKBOOK_MODULES = frozenset({"openpyxl", "formulas", "defusedxml", "schedula", "scipy", "regex", "et_xmlfile"})
WORKBOOK_INSTALL = "pip install 'talentneeds[workbook]'"


def missing_extra_message(error: ModuleNotFoundError) -> str | None:
    """The one line for a module of the workbook extra that is not installed, else None."""
    top = (error.name or "").partition(".")[0]
    if top not in WORKBOOK_MODULES:
        return None
    return f"this command needs the workbook extra ({top} is not installed): {WORKBOOK_INSTALL}"
