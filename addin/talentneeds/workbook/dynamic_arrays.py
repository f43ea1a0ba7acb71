"""Array formulas made dynamic arrays (spills), as Excel 365 writes them.

openpyxl writes an array formula as a legacy (Ctrl+Shift+Enter) one: Excel 365 shows it
in braces over a fixed range, cannot edit one cell of it, and never resizes it. Excel
marks a dynamic array by two things, which XlsxWriter's ``write_dynamic_array_formula``
reproduces from files Excel saved: the anchor cell's ``cm="1"`` (cell metadata record 1)
and the part xl/metadata.xml, whose record 1 is the XLDAPR type with
``dynamicArrayProperties fDynamic="1"``. The part is tied in by a workbook relationship
of type sheetMetadata and a content-type override. Everything else is unchanged: the
formula keeps ``t="array"`` and its ``ref`` (the spill range Excel last filled).
"""

from __future__ import annotations

import re

from talentneeds import ooxml

METADATA_PART = "xl/metadata.xml"
METADATA_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"
METADATA_RELATIONSHIP = ooxml.SHEET_METADATA
METADATA_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    b'<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" '
    b'pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" '
    b'clearComments="1" assign="1" coerce="1" cellMeta="1"/></metadataTypes>'
    b'<futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    b'<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
    b'<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk></futureMetadata>'
    b'<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>'
)
# the cell metadata record that means "a dynamic array" (records count from 1)
DYNAMIC_ARRAY_CM = "1"

# <c ...> directly followed by an array formula: the anchor of an array formula
_ANCHOR = re.compile(rb'<c\b((?:(?!\bcm=)[^>])*?)>(?=\s*<f\b[^>]*\bt="array")')


def mark_anchors(sheet_xml: bytes) -> bytes:
    """Every array formula's anchor cell in ``sheet_xml`` marked as a dynamic array."""
    return _ANCHOR.sub(lambda m: b"<c" + m.group(1) + b' cm="' + DYNAMIC_ARRAY_CM.encode() + b'">', sheet_xml)


def with_metadata_relationship(rels_xml: bytes) -> bytes:
    if METADATA_RELATIONSHIP.encode() in rels_xml:
        return rels_xml
    ids = {int(n) for n in re.findall(rb'Id="rId(\d+)"', rels_xml)}
    free = max(ids, default=0) + 1
    element = (f'<Relationship Type="{METADATA_RELATIONSHIP}" Target="metadata.xml" Id="rId{free}" />').encode()
    return rels_xml.replace(b"</Relationships>", element + b"</Relationships>")


def with_metadata_content_type(types_xml: bytes) -> bytes:
    if b'PartName="/xl/metadata.xml"' in types_xml:
        return types_xml
    element = f'<Override PartName="/{METADATA_PART}" ContentType="{METADATA_CONTENT_TYPE}" />'.encode()
    return types_xml.replace(b"</Types>", element + b"</Types>")


def dynamic_entries(entries: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """A workbook's zip entries (name, content) with every array formula a dynamic array:
    the anchors marked, metadata.xml added after the workbook part (if any formula was)."""
    marked = [(name, mark_anchors(data) if name.startswith("xl/worksheets/sheet") else data)
              for name, data in entries]
    if marked == entries:
        return entries
    patched: list[tuple[str, bytes]] = []
    for name, data in marked:
        if name == ooxml.rels_part(ooxml.DEFAULT_WORKBOOK_PART):
            data = with_metadata_relationship(data)
        elif name == ooxml.CONTENT_TYPES_PART:
            data = with_metadata_content_type(data)
        patched.append((name, data))
        if name == ooxml.DEFAULT_WORKBOOK_PART and all(n != METADATA_PART for n, _ in entries):
            patched.append((METADATA_PART, METADATA_XML))
    return patched
