"""Office Open XML packages (.xlsx, .xlsm) read and edited at the byte level.

Why not openpyxl for edits: a load/save round trip rewrites every part and drops what it
does not model. Here a part is scanned once for the byte offsets of the elements an edit
needs (:mod:`.scan`: expat with defusedxml's refusals, so no DTD, entity or external
reference is ever honoured), new bytes are spliced in at those offsets (:mod:`.edit`),
and the package is written again with every other member as it was (:mod:`.package`).
Part names, relationships and content types are values (:mod:`.names`); a worksheet's
cells and rows are found by :mod:`.worksheet`.
"""

from talentneeds.ooxml.edit import Edit, escape_attr, escape_text, set_attributes, splice, start_tag, xstring
from talentneeds.ooxml.names import (
    CALC_CHAIN, CONTENT_TYPES_PART, DEFAULT_WORKBOOK_PART, MAIN_NS, OFFICE_DOCUMENT, PACKAGE, PKG_REL_NS, REL_NS,
    SHEET_METADATA, STRICT_NS, STRICT_OFFICE_DOCUMENT, STYLES, TABLE, VBA_CONTENT_TYPE, VBA_PROJECT, XLSM_MAIN, XLSX_MAIN, Relationship,
    rels_part, resolve,
)
from talentneeds.ooxml.package import (
    entry, main_part, parse_relationships, present_sheet_titles, relationships, rewrite, workbook_sheets,
    worksheet_parts, worksheet_tables, write_package,
)
from talentneeds.ooxml.scan import Element, PackageError, close, parser, scan, start_tags, tag_end
from talentneeds.ooxml.worksheet import (
    CELL_REFERENCE, Worksheet, cell_position, insert_cells, scan_worksheet, with_spans,
)

__all__ = [
    "CALC_CHAIN", "CELL_REFERENCE", "CONTENT_TYPES_PART", "DEFAULT_WORKBOOK_PART", "MAIN_NS", "OFFICE_DOCUMENT",
    "PACKAGE", "PKG_REL_NS", "REL_NS", "SHEET_METADATA", "STRICT_NS", "STRICT_OFFICE_DOCUMENT", "STYLES", "TABLE",
    "VBA_CONTENT_TYPE",
    "VBA_PROJECT", "XLSM_MAIN", "XLSX_MAIN", "Edit", "Element", "PackageError", "Relationship", "Worksheet",
    "cell_position", "close",
    "entry", "escape_attr", "escape_text", "insert_cells", "main_part", "parse_relationships", "parser",
    "present_sheet_titles", "relationships", "rels_part", "resolve", "rewrite", "scan", "scan_worksheet",
    "set_attributes", "splice", "start_tag", "start_tags", "tag_end", "with_spans", "workbook_sheets",
    "worksheet_parts", "worksheet_tables", "write_package", "xstring",
]
