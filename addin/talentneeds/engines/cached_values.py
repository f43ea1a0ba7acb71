"""Store computed values in a copy of a workbook, next to the formulas that made them.

Why not openpyxl: it writes either a formula or a value into a cell, never both, and a
load/save round trip can drop parts it does not model. Why not ``formulas``' own
writer: it writes values only. What we want is the original workbook, every part as it
was, plus a cached value (``<c><f>..</f><v>4.5</v></c>``) in every formula cell, so that
anything that reads cached values (openpyxl ``data_only=True``, pandas, previews) sees
the results while Excel keeps the formulas.

How: only the worksheet parts that receive values are changed, and within them only the
``<c>`` elements of those cells (plus ``<row>``/``<dimension>`` when an array formula's
range needs a cell the file did not have); and the workbook part's ``<calcPr>``, so that
the values are shown rather than recalculated away on opening (:func:`_settle_calculation`). The sheet XML is scanned with the standard
library's expat parser for byte offsets, and the new cells are spliced in; every other
byte -- XML declaration, namespace declarations, ``mc:Ignorable`` prefixes, other cells,
the content of other zip members -- is kept as it was. DTDs, entity declarations and
external references are refused by ``defusedxml``'s handlers (no entity expansion, no
file or network access); every parser is made by :func:`_parser`.

Value encoding (``values``: {(sheet, "A1"): value}): numbers, dates (as Excel serial
numbers) -> ``<v>``; bool -> ``t="b"``; text -> ``t="str"``; an Excel error code
(``"#N/A"``, or ``"#VALUE! message"``) -> ``t="e"``; None -> no cached value.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import os
import posixpath
import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from talentneeds import excel_text
from talentneeds.files import atomic_write

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = REL_NS + "/officeDocument"
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})
CURRENT_CALC_ID = "191029"  # the calculation engine of Excel 2019 and Microsoft 365
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

Address = tuple[str, str]


class CachedValuesError(ValueError):
    """The workbook cannot take the values (missing sheet, unsupported file)."""


# ---------------------------------------------------------------- public

def write_cached_values(in_path: str | Path, out_path: str | Path,
                        values: dict[Address, object], frozen: Collection[Address] = (),
                        data: bytes | None = None) -> list[Address]:
    """Copy ``in_path`` to ``out_path`` with ``values`` stored as cached values.

    Only formula cells and cells inside an array formula's range are written; the
    addresses of other cells (constants, blanks) are returned as skipped. ``in_path`` is
    only read; ``out_path`` is written through a temporary file in its own folder and
    renamed into place, so it is either the old file or the complete new one.

    ``frozen``: cells whose formula is dropped, their value kept as a constant (the top-left
    cell of an array formula freezes the whole range). For showing a workbook in an
    application that lacks some of its functions; never for the user's own files.
    """
    in_path, out_path = Path(in_path), Path(out_path)
    if out_path.exists() and os.path.samefile(in_path, out_path):
        raise CachedValuesError(f"{out_path} is the input workbook; write the values to another file")
    skipped: list[Address] = []
    with zipfile.ZipFile(in_path if data is None else io.BytesIO(data)) as source:
        parts = _worksheet_parts(source)
        by_sheet: dict[str, dict[tuple[int, int], object]] = {}
        for (sheet, cell), value in values.items():
            by_sheet.setdefault(_find_sheet(sheet, parts), {})[_parse_cell(cell)] = value
        freeze: dict[str, set[tuple[int, int]]] = {}
        for sheet, cell in frozen:
            freeze.setdefault(_find_sheet(sheet, parts), set()).add(_parse_cell(cell))
        workbook = _workbook_part(source)
        patched = {workbook: _settle_calculation(source.read(workbook))}
        for title, cells in by_sheet.items():
            data, missed = _patch_sheet(source.read(parts[title]), cells, freeze.get(title, set()))
            patched[parts[title]] = data
            skipped += [(title, f"{get_column_letter(c)}{r}") for c, r in missed]
        atomic_write(out_path, lambda handle: _copy_zip(source, handle, patched))
    return skipped


# ---------------------------------------------------------------- the package

def _parser(namespaces: bool) -> expat.XMLParserType:
    """An expat parser with defusedxml's refusals (the exceptions of its ``DefusedExpatParser``
    with every ``forbid_*``): no DTD, no entity declaration, no external reference (billion
    laughs, XXE). A raw expat parser because splicing needs byte offsets, which SAX does not
    give; the refusals are raised here rather than through defusedxml's SAX reader, whose
    import pulls in ``xml.sax`` and ``urllib.request`` (~15 ms of every compute)."""
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)

    def refuse(error: Exception):
        raise CachedValuesError(f"a workbook part declares a DTD, an entity or an external "
                                f"reference ({type(error).__name__}); refusing to parse it") from error

    def doctype(name, sysid, pubid, _has_internal_subset):
        refuse(DTDForbidden(name, sysid, pubid))

    def entity(name, _is_parameter_entity, value, base, sysid, pubid, notation_name):
        refuse(EntitiesForbidden(name, value, base, sysid, pubid, notation_name))

    def unparsed_entity(name, base, sysid, pubid, notation_name):
        refuse(EntitiesForbidden(name, None, base, sysid, pubid, notation_name))

    def external_reference(context, base, sysid, pubid):
        refuse(ExternalReferenceForbidden(context, base, sysid, pubid))

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = unparsed_entity
    parser.ExternalEntityRefHandler = external_reference
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _start_tags(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """(namespace-qualified name "uri local", attributes) of every element, in order."""
    found = []
    parser = _parser(namespaces=True)
    parser.StartElementHandler = lambda name, attrs: found.append((name, attrs))
    parser.Parse(data, True)
    return found


def _rels_part(part: str) -> str:
    """The relationships part of ``part``: ``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _relationships(archive: zipfile.ZipFile, part: str) -> list[dict[str, str]]:
    rels = _rels_part(part)
    if rels not in archive.namelist():
        return []
    return [attrs for tag, attrs in _start_tags(archive.read(rels)) if tag == f"{PKG_REL_NS} Relationship"]


def _target(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _workbook_part(archive: zipfile.ZipFile) -> str:
    return next((_target("", r["Target"]) for r in _relationships(archive, "")
                 if r.get("Type") == OFFICE_DOCUMENT), "xl/workbook.xml")


def _worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet title: zip member of its XML}, found the way Excel finds them: package
    relationships -> workbook part -> its relationships."""
    workbook = _workbook_part(archive)
    targets = {r["Id"]: _target(workbook, r["Target"]) for r in _relationships(archive, workbook)}
    return {attrs["name"]: targets[attrs[f"{REL_NS} id"]] for attrs in _sheet_tags(archive, workbook)}


def _sheet_tags(archive: zipfile.ZipFile, workbook: str) -> list[dict[str, str]]:
    """The attributes of the workbook part's ``<sheet>`` elements, in order."""
    found = []
    for tag, attrs in _start_tags(archive.read(workbook)):
        if tag == f"{STRICT_NS} workbook":
            raise CachedValuesError("Strict Open XML workbooks are not supported; save as a regular .xlsx")
        if tag == f"{MAIN_NS} sheet":
            found.append(attrs)
    return found


def sheet_titles(data: bytes) -> list[str]:
    """The titles of a workbook's sheets in order, as openpyxl lists them: a sheet whose part
    is missing from the package is left out. From the workbook part and its relationships
    alone (openpyxl's read-only load took 15 ms of computing the demo to give the same list)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = _workbook_part(archive)
        targets = {r.get("Id"): _target(workbook, r.get("Target", "")) for r in _relationships(archive, workbook)}
        present = set(archive.namelist())
        return [attrs["name"] for attrs in _sheet_tags(archive, workbook)
                if targets.get(attrs.get(f"{REL_NS} id")) in present]


def _find_sheet(sheet: str, parts: dict[str, str]) -> str:
    if sheet in parts:
        return sheet
    for title in parts:  # Excel sheet names are unique ignoring case
        if title.upper() == str(sheet).upper():
            return title
    raise CachedValuesError(f"no sheet {sheet!r} in the workbook (sheets: {', '.join(parts)})")


def _settle_calculation(data: bytes) -> bytes:
    """The workbook part with its ``<calcPr>`` saying that the stored values are current.

    A workbook that asks for ``fullCalcOnLoad``, or that names an older calculation
    engine (``calcId``), is recalculated in full when Excel opens it: without the add-in
    every cell of ours would then show #NAME? instead of the values we just stored.
    LibreOffice likewise recalculates on load when asked to. Dropping the flag and naming
    the current engine keeps the values until an input changes, when the cells that
    depend on it recalculate as usual.
    """
    parser = _parser(namespaces=True)
    found: list[int] = []

    def start(name, _attrs):
        if name == f"{MAIN_NS} calcPr" and not found:
            found.append(parser.CurrentByteIndex)

    parser.StartElementHandler = start
    parser.Parse(data, True)
    if not found:
        return data  # no calcPr: Excel's defaults already trust the stored values
    start_at = found[0]
    end_at = _tag_end(data, start_at)
    tag = data[start_at:end_at]
    attributes = _attributes(tag)
    name = re.match(rb"<([^\s/>]+)", tag).group(1).decode()
    kept = [(k, v) for k, v in attributes if k not in ("fullCalcOnLoad", "calcId")]
    settled = _start_tag(name, [("calcId", CURRENT_CALC_ID)] + kept, empty=tag.endswith(b"/>"))
    return data[:start_at] + settled + data[end_at:]


def _attributes(tag: bytes) -> list[tuple[str, str]]:
    """The attributes of one start tag, in order, unescaped."""
    parser = _parser(namespaces=False)
    parser.ordered_attributes = True
    found: list[tuple[str, str]] = []
    parser.StartElementHandler = lambda _n, attrs: found.extend(zip(attrs[::2], attrs[1::2]))
    closed = tag if tag.endswith(b"/>") else tag[:-1] + b"/>"
    parser.Parse(closed, True)
    return found


def _copy_zip(source: zipfile.ZipFile, handle, patched: dict[str, bytes], removed: Collection[str] = ()) -> None:
    """A copy of the package: patched members replaced, ``removed`` ones left out, every
    other member's bytes as they were."""
    with zipfile.ZipFile(handle, "w") as target:
        target.comment = source.comment
        for info in source.infolist():
            if info.filename in removed:
                continue
            data = patched.get(info.filename)
            if data is None:
                target.writestr(info, source.read(info.filename))
            else:
                new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                new.compress_type = zipfile.ZIP_DEFLATED
                new.external_attr, new.create_system = info.external_attr, info.create_system
                target.writestr(new, data)


# ---------------------------------------------------------------- scanning a sheet

@dataclass(slots=True)
class _Element:
    name: str
    attrs: list[tuple[str, str]]
    start: int                      # offset of "<"
    end: int = -1                   # offset after the element's last ">"
    end_tag: int = -1               # offset of "</name>" (-1 when self-closing)
    children: list[_Element] = field(default_factory=list)
    tracked: bool = True            # False: an element whose offsets we never need

    def attr(self, key: str) -> str | None:
        for k, v in self.attrs:  # a loop, not next(genexpr): called for every cell of a sheet
            if k == key:
                return v
        return None


@dataclass
class _Sheet:
    prefix: str
    dimension: _Element | None = None
    sheet_data: _Element | None = None
    rows: list[_Element] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    cells: dict[tuple[int, int], _Element] = field(default_factory=dict)  # (col, row) -> <c>, wanted ones
    cells_by_row: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # row -> [(col, offset)], all
    arrays: list[tuple[int, int, int, int]] = field(default_factory=list)  # every array formula's range

    def q(self, local: str) -> str:
        return f"{self.prefix}:{local}" if self.prefix else local


_TAG = re.compile(rb"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")  # '>' may sit unescaped in a value


def _tag_end(data: bytes, start: int) -> int:
    """Offset after the ">" that closes the tag starting at ``start``."""
    match = _TAG.match(data, start)
    if match is None:
        raise CachedValuesError("malformed sheet XML: unterminated tag")
    return match.end()


_UNTRACKED = _Element("", [], -1, tracked=False)  # on the stack for every element we never change


def _scan(data: bytes, wanted: Collection[tuple[int, int]] | None = None) -> _Sheet:
    """Byte offsets of the elements we may change: dimension, sheetData, rows, the
    ``wanted`` cells ((col, row); every cell if None) and their children; and of every
    cell, its column and start (where a new cell may go), and every array formula's range.

    Why only the wanted cells: a sheet may hold a quarter of a million constant cells,
    and an element object for each took most of the memory of computing a big workbook."""
    parser = _parser(namespaces=False)
    parser.ordered_attributes = True
    stack: list[_Element] = []
    sheet: _Sheet | None = None
    f_tag = ""
    in_row: list[tuple[int, int]] = []

    def local(name: str) -> str | None:
        """The name without the spreadsheetml prefix; None for other namespaces."""
        if sheet.prefix:
            return name[len(sheet.prefix) + 1:] if name.startswith(sheet.prefix + ":") else None
        return None if ":" in name else name

    def in_sheet_data(depth: int) -> bool:
        return len(stack) >= depth and stack[1] is sheet.sheet_data

    def start(name, attrs):
        nonlocal sheet, f_tag, in_row
        depth = len(stack)
        if depth == 3 and stack[1] is sheet.sheet_data and name == sheet.q("c"):  # a cell: the hot path
            position = parser.CurrentByteIndex
            row = sheet.row_numbers[-1]
            ref = next((attrs[i + 1] for i in range(0, len(attrs), 2) if attrs[i] == "r"), None)
            col = _parse_cell(ref)[0] if ref else (in_row[-1][0] + 1 if in_row else 1)  # r is optional
            in_row.append((col, position))
            if wanted is None or (col, row) in wanted:
                element = _Element(name, list(zip(attrs[::2], attrs[1::2])), position)
                sheet.cells[(col, row)] = element  # its end offsets are set by end()
                stack.append(element)
            else:
                stack.append(_UNTRACKED)
            return
        if depth == 4 and name == f_tag and len(stack) > 3 and stack[1] is sheet.sheet_data:
            pairs = dict(zip(attrs[::2], attrs[1::2]))
            if pairs.get("t") == "array" and pairs.get("ref"):
                sheet.arrays.append(range_boundaries(pairs["ref"]))
        if depth > 4 or (depth == 4 and not stack[-1].tracked):
            # below a cell's children (the <t> of an inline string) nothing is ever changed
            stack.append(_UNTRACKED)
            return
        element = _Element(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
        kind = None
        if depth == 0:
            sheet = _root(element)
            f_tag = sheet.q("f")
        else:
            kind = local(name)
        if depth == 1 and kind == "dimension":
            sheet.dimension = element
        elif depth == 1 and kind == "sheetData":
            sheet.sheet_data = element
        elif depth == 2 and kind == "row" and in_sheet_data(2):
            previous = sheet.row_numbers[-1] if sheet.row_numbers else 0
            sheet.rows.append(element)
            sheet.row_numbers.append(int(element.attr("r") or previous + 1))  # r is optional
            in_row = sheet.cells_by_row.setdefault(sheet.row_numbers[-1], [])
        elif depth == 4:  # a child of a wanted cell
            stack[-1].children.append(element)
        else:
            element.tracked = depth == 0
        stack.append(element)

    def end(name):
        element = stack.pop()
        if not element.tracked:
            return  # offsets are only needed for the elements we may change
        tag_end = _tag_end(data, element.start)
        if data[tag_end - 2:tag_end] == b"/>":  # <x .../>
            element.end = tag_end
        else:  # expat is at the "<" of "</x>"
            element.end_tag = parser.CurrentByteIndex
            element.end = data.index(b">", element.end_tag) + 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(data, True)
    if sheet is None or sheet.sheet_data is None:
        raise CachedValuesError("the worksheet XML has no sheetData")
    return sheet


def _root(element: _Element) -> _Sheet:
    prefix = element.name.split(":")[0] if ":" in element.name else ""
    if element.name.split(":")[-1] != "worksheet":
        raise CachedValuesError(f"not a worksheet: <{element.name}>")
    namespace = element.attr(f"xmlns:{prefix}" if prefix else "xmlns")
    if namespace == STRICT_NS:
        raise CachedValuesError("Strict Open XML workbooks are not supported; save as a regular .xlsx")
    if namespace != MAIN_NS:
        raise CachedValuesError(f"unexpected worksheet namespace {namespace!r}")
    return _Sheet(prefix)


# ---------------------------------------------------------------- patching a sheet

def _patch_sheet(data: bytes, cells: dict[tuple[int, int], object],
                 frozen: set[tuple[int, int]] = frozenset()) -> tuple[bytes, list[tuple[int, int]]]:
    """The sheet XML with ``cells`` ({(col, row): value}) stored; and the cells skipped."""
    sheet = _scan(data, cells.keys())
    arrays = sheet.arrays

    def in_array(col: int, row: int) -> bool:
        return any(c1 <= col <= c2 and r1 <= row <= r2 for c1, r1, c2, r2 in arrays)

    edits: list[tuple[int, int, bytes]] = []
    new_cells: dict[int, list[tuple[int, object]]] = {}
    skipped = []
    for (col, row), value in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
        element = sheet.cells.get((col, row))
        has_formula = element is not None and any(ch.name == sheet.q("f") for ch in element.children)
        if not (has_formula or in_array(col, row)):
            skipped.append((col, row))
        elif element is not None:
            edits.append((element.start, element.end,
                          _render_cell(sheet, data, element, value, (col, row) in frozen)))
        else:
            new_cells.setdefault(row, []).append((col, value))
    edits += _insertions(sheet, data, new_cells)
    not_written = set(skipped)
    written = [key for key in cells if key not in not_written]
    if written and sheet.dimension is not None:
        edits += _widen_dimension(sheet, written)
    return _apply(data, edits), skipped


def _insertions(sheet: _Sheet, data: bytes, new_cells: dict[int, list[tuple[int, object]]]):
    """Edits that add cells an array formula covers but the file did not have."""
    rows = dict(zip(sheet.row_numbers, sheet.rows))
    new_rows = []
    for row, items in sorted(new_cells.items()):
        element = rows.get(row)
        if element is None:
            new_rows.append((row, items))
            continue
        existing = sheet.cells_by_row.get(row, [])
        if element.end_tag < 0:  # <row .../>: rewrite it whole
            body = b"".join(_new_cell(sheet, c, row, v) for c, v in items)
            start_tag = _start_tag(element.name, _with_spans(element, items))
            yield element.start, element.end, start_tag + body + f"</{element.name}>".encode()
            continue
        anchors: dict[int, list[bytes]] = {}
        for col, value in items:
            after = next((start for c, start in existing if c > col), None)
            position = after if after is not None else element.end_tag
            anchors.setdefault(position, []).append(_new_cell(sheet, col, row, value))
        for position, parts in anchors.items():
            yield position, position, b"".join(parts)
        spans = _with_spans(element, items)
        if spans != element.attrs:
            yield element.start, _tag_end(data, element.start), _start_tag(element.name, spans)
    if new_rows:
        yield from _insert_rows(sheet, new_rows)


def _insert_rows(sheet: _Sheet, new_rows):
    sheet_data = sheet.sheet_data
    row_tag = sheet.q("row")
    anchors: dict[int, list[bytes]] = {}
    for row, items in new_rows:
        body = b"".join(_new_cell(sheet, c, row, v) for c, v in items)
        xml = _start_tag(row_tag, [("r", str(row))]) + body + f"</{row_tag}>".encode()
        after = next((e for n, e in zip(sheet.row_numbers, sheet.rows) if n > row), None)
        position = after.start if after is not None else sheet_data.end_tag
        anchors.setdefault(position, []).append(xml)
    if sheet_data.end_tag < 0:  # <sheetData/>
        rows = b"".join(b"".join(parts) for parts in anchors.values())
        yield sheet_data.start, sheet_data.end, (
            _start_tag(sheet_data.name, sheet_data.attrs) + rows + f"</{sheet_data.name}>".encode())
        return
    for position, parts in anchors.items():
        yield position, position, b"".join(parts)


def _with_spans(row: _Element, items) -> list[tuple[str, str]]:
    """The row's attributes, its optional ``spans`` hint ("1:5" or "1:5 7:9") widened
    to take the new cells."""
    spans = row.attr("spans")
    if not spans:
        return row.attrs
    try:
        ranges = [tuple(int(x) for x in part.split(":")) for part in spans.split()]
        if any(len(r) != 2 for r in ranges):
            return row.attrs
    except ValueError:
        return row.attrs
    cols = [c for c, _ in items]
    if all(any(a <= c <= b for a, b in ranges) for c in cols):
        return row.attrs
    low, high = min([a for a, _ in ranges] + cols), max([b for _, b in ranges] + cols)
    return [(k, f"{low}:{high}" if k == "spans" else v) for k, v in row.attrs]


def _widen_dimension(sheet: _Sheet, written: list[tuple[int, int]]):
    element = sheet.dimension
    ref = element.attr("ref")
    cols = [c for c, _ in written]
    rows = [r for _, r in written]
    try:
        c1, r1, c2, r2 = range_boundaries(ref)
    except (TypeError, ValueError):
        return
    c2, r2 = c2 or c1, r2 or r1
    new = (min(c1, *cols), min(r1, *rows), max(c2, *cols), max(r2, *rows))
    if new == (c1, r1, c2, r2):
        return
    start = f"{get_column_letter(new[0])}{new[1]}"
    end = f"{get_column_letter(new[2])}{new[3]}"
    attrs = [(k, f"{start}:{end}" if k == "ref" else v) for k, v in element.attrs]
    yield element.start, element.end, _start_tag(element.name, attrs, empty=True)


def _apply(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Splice edits (start, end, replacement) into data; an insertion (start == end) at
    a replaced element's start goes before it."""
    out, position = [], 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < position:
            raise AssertionError("overlapping edits")  # a bug here, not in the input
        out += [data[position:start], replacement]
        position = end
    out.append(data[position:])
    return b"".join(out)


# ---------------------------------------------------------------- rendering

def _render_cell(sheet: _Sheet, data: bytes, cell: _Element, value: object, frozen: bool = False) -> bytes:
    """The cell with its cached value replaced; its formula (unless ``frozen``) and other
    children kept as they were in the file."""
    kind, text = _encode(value)
    if frozen and kind == "str":  # "str" is a formula's text; a constant is an inline string
        kind = "inlineStr"
    attrs = [(k, v) for k, v in cell.attrs if k != "t"]
    if kind:
        attrs.append(("t", kind))
    kept = []
    value_xml = _inline_string(sheet, text) if kind == "inlineStr" else _value(sheet, text)
    placed = False
    for child in cell.children:
        if child.name in (sheet.q("v"), sheet.q("is")) or (frozen and child.name == sheet.q("f")):
            continue
        kept.append(data[child.start:child.end])
        if child.name == sheet.q("f") and not placed:
            kept.append(value_xml)
            placed = True
    if not placed:
        kept.insert(0, value_xml)
    return _start_tag(cell.name, attrs) + b"".join(kept) + f"</{cell.name}>".encode()


def _new_cell(sheet: _Sheet, col: int, row: int, value: object) -> bytes:
    kind, text = _encode(value)
    attrs = [("r", f"{get_column_letter(col)}{row}")] + ([("t", kind)] if kind else [])
    tag = sheet.q("c")
    return _start_tag(tag, attrs) + _value(sheet, text) + f"</{tag}>".encode()


def _value(sheet: _Sheet, text: str | None) -> bytes:
    if text is None:
        return b""
    tag = sheet.q("v")
    return f"<{tag}>{_escape_text(text)}</{tag}>".encode()


def _inline_string(sheet: _Sheet, text: str) -> bytes:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<{sheet.q('is')}><{sheet.q('t')}{space}>{_escape_text(text)}</{sheet.q('t')}></{sheet.q('is')}>".encode()


def _start_tag(name: str, attrs: list[tuple[str, str]], empty: bool = False) -> bytes:
    body = "".join(f' {k}="{_escape_attr(v)}"' for k, v in attrs)
    return f"<{name}{body}{'/' if empty else ''}>".encode()


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attr(text: str) -> str:
    return (_escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _encode(value: object) -> tuple[str | None, str | None]:
    """A value -> (the cell's ``t`` attribute or None for a number, the ``<v>`` text)."""
    if value is None:
        return None, None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, dt.datetime):
        value = (value - EXCEL_EPOCH).total_seconds() / 86400
    elif isinstance(value, dt.date):
        value = (value - EXCEL_EPOCH.date()).days
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return "e", "#NUM!"
        if number.is_integer() and abs(number) < 1e15:
            return None, str(int(number))
        return None, repr(number)
    if isinstance(value, str):
        code = value.split(" ", 1)[0]
        if value.startswith("#") and code in ERROR_CODES:
            return "e", code
        if excel_text.utf16_length(value) > excel_text.EXCEL_MAX_TEXT:
            return "e", "#VALUE!"  # what Excel gives for a formula whose text will not fit a cell
        return "str", _ooxml_string(value)
    raise TypeError(f"cannot store a {type(value).__name__} as a cell value: {value!r}")


def _ooxml_string(text: str) -> str:
    """Text as OOXML stores it: characters XML cannot hold as _xHHHH_, and a literal
    _xHHHH_ protected as _x005F_xHHHH_ so that it reads back unchanged."""
    text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def _parse_cell(ref: str) -> tuple[int, int]:
    match = _CELL.match(str(ref).strip())
    if match is None:
        raise ValueError(f"not a single cell address: {ref!r}")
    return column_index_from_string(match.group(1).upper()), int(match.group(2))
