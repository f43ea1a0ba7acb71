"""The names of an Office Open XML package: namespaces, part names, relationship types and
content types, and how a relationship's target names a part (ECMA-376 Part 2, OPC)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES_PART = "[Content_Types].xml"
PACKAGE = ""  # the package itself, as the source of the package relationships (_rels/.rels)
DEFAULT_WORKBOOK_PART = "xl/workbook.xml"

OFFICE_DOCUMENT = REL_NS + "/officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
VBA_PROJECT = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
STYLES = REL_NS + "/styles"
CALC_CHAIN = REL_NS + "/calcChain"
TABLE = REL_NS + "/table"
SHEET_METADATA = REL_NS + "/sheetMetadata"  # the workbook's metadata part (dynamic arrays)

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"


def rels_part(part: str) -> str:
    """The relationships part of ``part``: ``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``;
    the package's (``PACKAGE``) -> ``_rels/.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source: str, target: str) -> str:
    """The part a relationship of ``source`` names by ``target``: relative to ``source``'s
    folder, or from the package root when it starts with "/"."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


@dataclass(frozen=True, slots=True)
class Relationship:
    """One ``<Relationship>`` of a relationships part."""

    id: str
    type: str
    target: str
    target_mode: str | None = None  # "External": the target is a URL, not a part

    @property
    def external(self) -> bool:
        return self.target_mode == "External"

    def part(self, source: str) -> str:
        """The part this relationship of ``source`` names."""
        return resolve(source, self.target)
