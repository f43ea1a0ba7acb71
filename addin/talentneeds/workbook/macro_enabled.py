"""The macro-enabled variant of a workbook, for classic xlwings on Windows.

A plain .xlsx cannot carry VBA, and classic xlwings calls Python through VBA: the
xlwings module (``RunPython``, ``ImportPythonUDFs``, ...) and one wrapper per function.
The wrappers can only be written by Excel itself (``ImportPythonUDFs`` asks Python for
the functions and imports a generated module into the VBA project), but the xlwings
module can ship with the workbook: xlwings' own standalone quickstart workbook carries
it, and :func:`macro_enabled_copy` moves that VBA project, byte for byte, into a copy
of our workbook. With it the workbook needs no xlwings add-in; the user runs
``ImportPythonUDFs`` once and saves (README, "Classic xlwings").

The VBA project must match the xlwings Python package (xlwings checks the versions), so
it is taken from the installed package, whose version pyproject.toml pins.
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

from talentneeds import ooxml
from talentneeds.files import atomic_write

VBA_PART = "xl/vbaProject.bin"  # where xlwings' quickstart workbook keeps it
VBA_TARGET = "vbaProject.bin"   # next to the workbook part, as Excel puts it
CONTENT_TYPES = ooxml.CONTENT_TYPES_PART


class MacroEnabledError(ValueError):
    """The workbook cannot be turned into its macro-enabled variant."""


def xlwings_vba_project() -> bytes:
    """The VBA project of xlwings' standalone quickstart workbook (the xlwings module,
    its dictionary class, ThisWorkbook, Sheet1, Sheet2)."""
    quickstart = resources.files("xlwings") / "quickstart_standalone.xlsm"
    with quickstart.open("rb") as stream, zipfile.ZipFile(stream) as archive:
        return archive.read(VBA_PART)


def classic_xlwings_note() -> str:
    """What the PC that opens a macro-enabled copy needs: the xlwings whose VBA it carries."""
    import xlwings

    return (f"it carries the VBA module of xlwings {xlwings.__version__}: the PC that opens it needs exactly that "
            f"xlwings (pip install 'xlwings=={xlwings.__version__}'; for the committed template, "
            "pip install 'talentneeds[classic]')")


def macro_enabled_copy(xlsx_path: str | Path, xlsm_path: str | Path) -> Path:
    """Write ``xlsm_path``: the workbook at ``xlsx_path`` with xlwings' VBA project.

    Every part is kept as it is except the content types (the workbook becomes
    macro-enabled; .bin parts are VBA projects) and the workbook's relationships (one
    more, to the VBA project). Zip entry order and times are kept, the VBA project added
    last with the time of the workbook part, so the result is as reproducible as the input.
    """
    xlsx_path, xlsm_path = Path(xlsx_path), Path(xlsm_path)
    with zipfile.ZipFile(xlsx_path) as source:
        workbook = ooxml.main_part(source)
        workbook_rels = ooxml.rels_part(workbook)
        vba_part = ooxml.resolve(workbook, VBA_TARGET)
        if vba_part in source.NameToInfo:
            raise MacroEnabledError(f"{xlsx_path} already has a VBA project")
        for required in (CONTENT_TYPES, workbook_rels):
            if required not in source.NameToInfo:
                raise MacroEnabledError(f"{xlsx_path} has no {required}; is it a workbook saved by Excel or openpyxl?")
        patched = {
            CONTENT_TYPES: _macro_enabled_content_types(source.read(CONTENT_TYPES), xlsx_path),
            workbook_rels: _with_vba_relationship(source.read(workbook_rels)),
        }
        like = source.getinfo(workbook_rels)
        vba = ooxml.entry(vba_part, date_time=like.date_time, external_attr=like.external_attr)
        added = [(vba, xlwings_vba_project())]
        atomic_write(xlsm_path, lambda handle: ooxml.rewrite(source, handle, patched, added=added))
    return xlsm_path


def _macro_enabled_content_types(xml: bytes, xlsx_path: Path) -> bytes:
    """The content types with the workbook part macro-enabled and .bin parts VBA projects."""
    types = ooxml.scan(xml)
    mains = [e for e in types.find("Override") if e.attr("ContentType") == ooxml.XLSX_MAIN]
    if len(mains) != 1:
        raise MacroEnabledError(f"{xlsx_path} is not a plain .xlsx workbook (its main part is not {ooxml.XLSX_MAIN})")
    if any((e.attr("Extension") or "").lower() == "bin" for e in types.find("Default")):
        raise MacroEnabledError("the workbook already declares a content type for .bin parts")
    default = f'<Default Extension="bin" ContentType="{ooxml.VBA_CONTENT_TYPE}" />'.encode()
    return ooxml.splice(xml, [ooxml.set_attributes(xml, mains[0].start, {"ContentType": ooxml.XLSM_MAIN}),
                              _before_closing(types, default)])


def _with_vba_relationship(xml: bytes) -> bytes:
    relationships = ooxml.scan(xml)
    used = {e.attr("Id") for e in relationships.find("Relationship")}
    number = 1
    while f"rId{number}" in used:
        number += 1
    relationship = f'<Relationship Type="{ooxml.VBA_PROJECT}" Target="{VBA_TARGET}" Id="rId{number}" />'.encode()
    return ooxml.splice(xml, [_before_closing(relationships, relationship)])


def _before_closing(root: ooxml.Element, element: bytes) -> ooxml.Edit:
    if root.end_tag < 0:
        raise MacroEnabledError(f"malformed package part: no </{root.name}>")
    return root.end_tag, root.end_tag, element
