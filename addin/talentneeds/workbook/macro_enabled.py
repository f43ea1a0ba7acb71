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

import re
import zipfile
from importlib import resources
from pathlib import Path

from talentneeds.files import atomic_write

VBA_PART = "xl/vbaProject.bin"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"


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
        names = source.namelist()
        if VBA_PART in names:
            raise MacroEnabledError(f"{xlsx_path} already has a VBA project")
        for required in (CONTENT_TYPES, WORKBOOK_RELS):
            if required not in names:
                raise MacroEnabledError(f"{xlsx_path} has no {required}; is it a workbook saved by Excel or openpyxl?")
        content_types = source.read(CONTENT_TYPES)
        if content_types.count(XLSX_MAIN) != 1:
            raise MacroEnabledError(f"{xlsx_path} is not a plain .xlsx workbook (its main part is not {XLSX_MAIN.decode()})")
        patched = {
            CONTENT_TYPES: _with_vba_content_type(content_types.replace(XLSX_MAIN, XLSM_MAIN)),
            WORKBOOK_RELS: _with_vba_relationship(source.read(WORKBOOK_RELS)),
        }
        vba = xlwings_vba_project()
        stamp = source.getinfo(WORKBOOK_RELS).date_time

        def write(handle) -> None:
            with zipfile.ZipFile(handle, "w") as target:
                for info in source.infolist():
                    target.writestr(info, patched.get(info.filename, source.read(info.filename)))
                entry = zipfile.ZipInfo(VBA_PART, date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = source.getinfo(WORKBOOK_RELS).external_attr
                target.writestr(entry, vba)

        atomic_write(xlsm_path, write)
    return xlsm_path


def _with_vba_content_type(xml: bytes) -> bytes:
    default = f'<Default Extension="bin" ContentType="{VBA_CONTENT_TYPE}" />'.encode()
    if b'Extension="bin"' in xml:
        raise MacroEnabledError("the workbook already declares a content type for .bin parts")
    return _insert_before_closing(xml, b"Types", default)


def _with_vba_relationship(xml: bytes) -> bytes:
    used = set(re.findall(rb'Id="([^"]+)"', xml))
    number = 1
    while f"rId{number}".encode() in used:
        number += 1
    relationship = f'<Relationship Type="{VBA_RELATIONSHIP}" Target="vbaProject.bin" Id="rId{number}" />'.encode()
    return _insert_before_closing(xml, b"Relationships", relationship)


def _insert_before_closing(xml: bytes, root: bytes, element: bytes) -> bytes:
    closing = xml.rfind(b"</" + root + b">")
    if closing < 0:
        raise MacroEnabledError(f"malformed package part: no </{root.decode()}>")
    return xml[:closing] + element + xml[closing:]
