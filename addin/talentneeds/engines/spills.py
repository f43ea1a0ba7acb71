"""Spills: dynamic-array formulas take the size of their result, as Excel 365 resizes them.

A dynamic array (the anchor cell's ``cm`` points at the XLDAPR cell metadata of the
workbook's metadata part, xl/metadata.xml; see :mod:`talentneeds.workbook.dynamic_arrays`) stores the range it last
filled as its ``ref``. When the result's size changes -- a schedule of 12 quarters where
there were 8 -- Excel fills the new range and clears what the old one covered; when the
new range would cover a cell that holds something (a value, another formula, a table),
the anchor shows ``#SPILL!``, nothing spills, and whatever reads the anchor sees #SPILL!.

:func:`compute_spilling` does the same headlessly: it evaluates the workbook, reads the
size of every dynamic array's result, and while any spill must change it writes a work
copy (in a temporary folder) whose refs are the new ranges and whose cells the old
ranges covered are emptied (their style kept), and evaluates that. The values are then
stored into that copy (:func:`~.cached_values.write_cached_values`), so the output has the
new spill ranges, no stale cells, and keeps every other part as it was.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from openpyxl.utils import get_column_letter, range_boundaries

from talentneeds import ooxml
from talentneeds.engines import compat
from talentneeds.engines.cached_values import write_cached_values
from talentneeds.engines.formula_engine import WorkbookEngine, _canonical, _node_id
from talentneeds.excel.boundary import CellError

Address = tuple[str, str]
SPILL_ERROR = "#SPILL!"
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # an Excel sheet's size
PASSES = 5  # spills that feed spills settle in as many passes as the chain is long
_CELL_METADATA = re.compile(rb"\scm\s*=")  # a cell's cm attribute, however spaced


@dataclass(frozen=True)
class Spill:
    sheet: str
    anchor: str        # "A15"
    ref: str           # the range it fills now, "A15:Q23" (the anchor alone when blocked)
    blocked: bool = False

    def bounds(self) -> tuple[int, int, int, int]:
        return range_boundaries(self.ref)


def _dynamic_cell_metadata(archive: zipfile.ZipFile) -> set[str]:
    """The ``cm`` values (1-based cellMetadata records) that mean a dynamic array."""
    workbook = ooxml.main_part(archive)
    part = next((r.part(workbook) for r in ooxml.relationships(archive, workbook) if r.type == ooxml.SHEET_METADATA), None)
    if part not in archive.NameToInfo:
        return set()
    root = ooxml.scan(archive.read(part), depth=3)
    types = [t.attr("name") for group in root.find("metadataTypes") for t in group.find("metadataType")]
    cell_metadata = root.find("cellMetadata")
    if "XLDAPR" not in types or not cell_metadata:
        return set()
    dynamic_type = str(types.index("XLDAPR") + 1)
    return {str(i) for i, block in enumerate(cell_metadata[0].find("bk"), start=1)
            if any(record.attr("t") == dynamic_type for record in block.find("rc"))}


def dynamic_arrays(path: str | Path) -> list[Spill]:
    """Every dynamic-array formula of the workbook at ``path``, with the range it fills."""
    found = []
    with zipfile.ZipFile(path) as archive:
        dynamic = _dynamic_cell_metadata(archive)
        if not dynamic:
            return []
        for title, part in ooxml.worksheet_parts(archive).items():
            xml = archive.read(part)
            if not _CELL_METADATA.search(xml):  # no cell of it can be a dynamic array: not scanned
                continue  # (scanning a 50,000-person Staff sheet cell by cell took seconds)
            sheet = ooxml.scan_worksheet(xml)
            for (col, row), cell in sheet.cells.items():
                if cell.attr("cm") not in dynamic:
                    continue
                formula = sheet.formula(cell)
                if formula is not None and formula.attr("t") == "array":
                    anchor = f"{get_column_letter(col)}{row}"
                    found.append(Spill(title, anchor, formula.attr("ref") or anchor))
    return found


class _Recorder:
    """A compiled formula that keeps what it returns (the whole array, before the engine
    fits it into the formula's range)."""

    def __init__(self, func, results: dict[str, object], node: str):
        self.__wrapped__, self._results, self._node = func, results, node

    def __call__(self, *args, **kwargs):
        result = self.__wrapped__(*args, **kwargs)
        self._results[self._node] = result
        return result

    def __getattr__(self, name):  # the engine reads .inputs, .dsp, ... of the formula
        if name in ("__wrapped__", "_results", "_node"):
            raise AttributeError(name)
        return getattr(self.__wrapped__, name)


def _grid(result) -> np.ndarray:
    """A function's result as a 2-D object array: one value is 1 x 1, a 1-D array a column."""
    grid = np.asarray(result, dtype=object)
    if grid.ndim < 2:
        grid = grid.reshape((grid.shape + (1, 1))[:2])
    return grid


def _result_shapes(engine: WorkbookEngine, spills: list[Spill], inputs,
                   progress=None) -> tuple[dict, dict[Spill, np.ndarray]]:
    """Evaluate; the values and each spill's result as a 2-D array (where it was computed)."""
    nodes = {_node_id(s.sheet, _canonical(s.ref)): s for s in spills}
    results: dict[str, object] = {}
    wrapped = [(wrapper, node) for wrapper, node in compat.formula_wrappers(engine.model) if node in nodes]
    for wrapper, node in wrapped:
        wrapper.func = _Recorder(wrapper.func, results, node)
    try:
        values = engine.calculate(inputs=inputs, progress=progress)
    finally:  # a later load may reuse the compiled cell (engines.compiled_cells): it is left as it was
        for wrapper, _ in wrapped:
            wrapper.func = wrapper.func.__wrapped__
    return values, {nodes[n]: _grid(result) for n, result in results.items()}


def _occupied(path: Path, spills: list[Spill], boxes: dict[str, list[tuple[int, int, int, int]]]
              ) -> dict[str, set[tuple[int, int]]]:
    """{sheet: (col, row) of every cell a spill may not cover}, for the sheets of ``boxes``:
    cells with a value or a formula within the sheet's boxes (where the spills would go; the
    only cells asked about), every table's cells and the cells of spills as they are now.
    Read from those sheets' parts alone (openpyxl read the whole workbook for it: a second
    of a 5,000-person roster's compute)."""
    taken: dict[str, set[tuple[int, int]]] = {}
    with zipfile.ZipFile(path) as archive:
        for title, part in ooxml.worksheet_parts(archive).items():
            if title not in boxes:
                continue
            sheet = ooxml.scan_worksheet(archive.read(part), _InBoxes(boxes[title]))
            held = (sheet.q("v"), sheet.q("f"), sheet.q("is"))
            cells = {position for position, cell in sheet.cells.items()
                     if any(child.name in held for child in cell.children)}
            for relationship in ooxml.relationships(archive, part):
                if relationship.type == ooxml.TABLE and not relationship.external:
                    table = ooxml.scan(archive.read(relationship.part(part)), depth=0)
                    if table.attr("ref"):
                        cells |= _cells(table.attr("ref"))
            taken[title] = cells
    for spill in spills:
        taken.setdefault(spill.sheet, set()).update(_cells(spill.ref))
    return taken


class _InBoxes:
    """The (col, row) positions within any of ``boxes`` ((min col, min row, max col, max row)),
    as a collection that is never built."""

    def __init__(self, boxes: list[tuple[int, int, int, int]]):
        self._boxes = boxes

    def __contains__(self, position: object) -> bool:
        c, r = position
        return any(c1 <= c <= c2 and r1 <= r <= r2 for c1, r1, c2, r2 in self._boxes)


def _box(spill: Spill, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """The bounds a result of ``shape`` fills from the spill's anchor (an empty result: one cell)."""
    c1, r1, _, _ = range_boundaries(spill.anchor)
    return c1, r1, c1 + max(shape[1], 1) - 1, r1 + max(shape[0], 1) - 1


def _cells(ref: str) -> set[tuple[int, int]]:
    c1, r1, c2, r2 = range_boundaries(ref)
    return {(c, r) for c in range(c1, c2 + 1) for r in range(r1, r2 + 1)}


def _target(spill: Spill, shape: tuple[int, int], taken: set[tuple[int, int]],
            placed: list[tuple[int, int, int, int]] = ()) -> Spill:
    """Where the spill goes for a result of ``shape``: its new range, or blocked when that
    would cover a cell that is taken or in a range ``placed`` (other spills' new ranges),
    its own present range aside."""
    c1, r1, c2, r2 = _box(spill, shape)
    if c2 > MAX_COLUMNS or r2 > MAX_ROWS:
        return replace(spill, ref=spill.anchor, blocked=True)
    ref = spill.anchor if (c1, r1) == (c2, r2) else f"{spill.anchor}:{get_column_letter(c2)}{r2}"
    o1, p1, o2, p2 = spill.bounds()
    if any(c1 <= c <= c2 and r1 <= r <= r2 and not (o1 <= c <= o2 and p1 <= r <= p2) for c, r in taken) or any(
            _covers_beyond(box, (c1, r1, c2, r2), (o1, p1, o2, p2)) for box in placed):
        return replace(spill, ref=spill.anchor, blocked=True)
    return replace(spill, ref=ref, blocked=False)


def _resized_copy(source: Path, target: Path, moves: list[tuple[Spill, Spill]],
                  fill: bool = True) -> dict[str, list[tuple[tuple[int, int, int, int], dict[int, str | None]]]]:
    """``source`` with each spill's ref moved and the cells only its old range covered emptied;
    the cells the new ranges add created empty, with their styles (``fill``), or left for the
    values to create. Returns {sheet: [(new range's bounds, {column: style of its new cells})]}."""
    styles: dict[str, list] = {}
    with zipfile.ZipFile(source) as archive:
        parts = ooxml.worksheet_parts(archive)
        patched: dict[str, bytes] = {}
        for old, new in moves:
            part = parts[old.sheet]
            data = patched.get(part, archive.read(part))
            patched[part], column_styles = _move_spill(data, old, new, fill)
            styles.setdefault(old.sheet, []).append((new.bounds(), column_styles))
        with open(target, "wb") as handle:
            ooxml.rewrite(archive, handle, patched)
    return styles


def _move_spill(data: bytes, old: Spill, new: Spill, fill: bool = True) -> tuple[bytes, dict[int, str | None]]:
    # only the old range's cells are wanted: scanning every cell of the Scenarios sheet
    # (3,500 of them, twice a move, four moves a pass) was most of a resize's time
    sheet = ooxml.scan_worksheet(data, _cells(old.ref))
    o1, p1, o2, p2 = old.bounds()
    n1, q1, n2, q2 = new.bounds()
    edits = []
    for (col, row), cell in sheet.cells.items():
        if not (o1 <= col <= o2 and p1 <= row <= p2):
            continue
        if (col, row) == (o1, p1):
            edits.append(ooxml.set_attributes(data, sheet.formula(cell).start, {"ref": new.ref}))
        elif not (n1 <= col <= n2 and q1 <= row <= q2) or new.blocked:
            edits.append((cell.start, cell.end, _empty_cell(sheet, col, row, cell.attr("s"), closed=True)))
    data = ooxml.splice(data, edits)
    return (data, {}) if new.blocked else _styled_new_cells(data, old, new, fill)


def _styled_new_cells(data: bytes, old: Spill, new: Spill, fill: bool = True) -> tuple[bytes, dict[int, str | None]]:
    """The cells the new range covers that the file lacks, created empty (``fill``) with the
    style of the old range's last row in their column (so a longer plan keeps its number
    formats); and those styles, {column: style}."""
    _, _, _, last = old.bounds()
    n1, q1, n2, q2 = new.bounds()
    sheet = ooxml.scan_worksheet(data, _cells(new.ref) | {(col, last) for col in range(n1, n2 + 1)})
    styles = {col: sheet.cells[(col, last)].attr("s") for col in range(n1, n2 + 1) if (col, last) in sheet.cells}
    if not fill:
        return data, styles
    missing: dict[int, list[tuple[int, bytes]]] = {}
    for row in range(q1, q2 + 1):
        cells = [(col, _empty_cell(sheet, col, row, styles.get(col))) for col in range(n1, n2 + 1)
                 if (col, row) not in sheet.cells]
        if cells:
            missing[row] = cells
    return ooxml.splice(data, list(ooxml.insert_cells(sheet, data, missing))), styles


def _empty_cell(sheet: ooxml.Worksheet, col: int, row: int, style: str | None, closed: bool = False) -> bytes:
    """``<c r="B7" s="3"></c>`` (``<c .../>`` when ``closed``): a cell with a style and nothing else."""
    attrs = [("r", f"{get_column_letter(col)}{row}")] + ([("s", style)] if style else [])
    tag = sheet.q("c")
    return ooxml.start_tag(tag, attrs, empty=closed) + (b"" if closed else f"</{tag}>".encode())


def compute_spilling(in_path: str | Path, out_path: str | Path, spills: list[Spill],
                     engine: WorkbookEngine | None = None, progress=None,
                     settle_in_place: bool = True) -> dict[Address, object]:
    """:func:`talentneeds.engines.compute` with ``spills`` (:func:`dynamic_arrays` of the
    input) resized (see the module doc); ``engine``: the input already loaded.

    ``settle_in_place``: where no formula reads a cell that a resize fills or empties, the
    resized spills take their values from the arrays just computed, and nothing is loaded
    again (False: the work copy is always loaded and calculated again, as before; for the
    benchmark and the test that the two agree)."""
    in_path = Path(in_path)
    styles = None
    with tempfile.TemporaryDirectory(prefix="talentneeds-spills-") as folder:
        current = in_path
        compiled = engine.compiled if engine is not None else None
        for number in range(PASSES):
            if engine is None:  # the formula cells the load before compiled are taken as they are
                engine = WorkbookEngine(current, compiled=compiled)
                compiled = engine.compiled
            inputs = {(s.sheet, s.anchor): SPILL_ERROR for s in spills if s.blocked}
            values, results = _result_shapes(engine, spills, inputs or None, progress)
            changing = [s for s in spills if s in results and (results[s].shape != _shape(s) or s.blocked)]
            boxes: dict[str, list[tuple[int, int, int, int]]] = {}
            for spill in changing:
                boxes.setdefault(spill.sheet, []).append(_box(spill, results[spill].shape))
            taken = _occupied(current, spills, boxes) if changing else {}
            moves, settled = [], []
            placed: dict[str, list[tuple[int, int, int, int]]] = {}
            for spill in spills:
                target = spill
                if spill in changing:
                    target = _target(spill, results[spill].shape, taken[spill.sheet], placed.get(spill.sheet, []))
                    # what this spill now fills, no other may fill
                    placed.setdefault(spill.sheet, []).append(target.bounds())
                if target != spill:
                    moves.append((spill, target))
                settled.append(target)
            if not moves:
                break
            resized = Path(folder) / f"pass-{number + 1}.xlsx"
            if settle_in_place and _unread(engine, moves) and all(
                    results[old].shape == _shape(new) for old, new in moves):
                # the new cells are created once, with their values, when the values are stored
                styles = _resized_copy(current, resized, moves, fill=False)
                values = _placed(engine, values, moves, results)
                current, spills = resized, settled
                break
            _resized_copy(current, resized, moves)
            current, spills, engine = resized, settled, None
        for spill in spills:
            if spill.blocked:
                values[(spill.sheet, spill.anchor)] = CellError(SPILL_ERROR, "the cells this array would spill into "
                                                                             "are not blank")
        write_cached_values(current, out_path, values, new_cell_styles=styles)
    return values


def _unread(engine: WorkbookEngine, moves: list[tuple[Spill, Spill]]) -> bool:
    """Whether the resizes change nothing a formula reads: none is blocked (its anchor
    becomes #SPILL!), and no range the model holds, other than the moving spills' own,
    covers a cell that a resize fills or empties. The model's ranges are every cell a
    formula can read: formulas reads INDIRECT of a literal address as that range and
    evaluates no other INDIRECT and no OFFSET (#NAME?), so no reference is made while
    calculating; a spill reference (A6#) reads the spill's own range, whose value is the
    whole array."""
    if any(new.blocked for _, new in moves):
        return False
    own = {(old.sheet.upper(), _canonical(old.ref)) for old, _ in moves}
    changed: dict[str, list[tuple[tuple, tuple]]] = {}
    for old, new in moves:
        changed.setdefault(old.sheet.upper(), []).append((old.bounds(), new.bounds()))
    for found in compat.data_ranges(engine.model):
        if found is None:
            return False  # a range we cannot place: it might be anywhere
        if found in own or found[0] not in changed:
            continue
        held = range_boundaries(found[1])
        if any(_reaches_changed(held, old, new) for old, new in changed[found[0]]):
            return False
    return True


def _reaches_changed(held: tuple, old: tuple, new: tuple) -> bool:
    """Whether the range ``held`` covers a cell of ``old`` that ``new`` does not, or of
    ``new`` that ``old`` does not (each (min col, min row, max col, max row))."""
    return _covers_beyond(held, old, new) or _covers_beyond(held, new, old)


def _covers_beyond(box: tuple, area: tuple, kept: tuple) -> bool:
    """Whether ``box`` covers a cell of ``area`` that is not in ``kept`` (bounds, as above)."""
    common = (max(box[0], area[0]), max(box[1], area[1]), min(box[2], area[2]), min(box[3], area[3]))
    if common[0] > common[2] or common[1] > common[3]:
        return False
    return not (kept[0] <= common[0] and kept[1] <= common[1] and common[2] <= kept[2] and common[3] <= kept[3])


def _placed(engine: WorkbookEngine, values: dict[Address, object], moves: list[tuple[Spill, Spill]],
            results: dict[Spill, np.ndarray]) -> dict[Address, object]:
    """``values`` with each moved spill's cells those of its new range, from its result."""
    placed = dict(values)
    for old, new in moves:
        c1, r1, c2, r2 = old.bounds()
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                placed.pop((old.sheet, f"{get_column_letter(c)}{r}"), None)
                engine.messages.pop((old.sheet, f"{get_column_letter(c)}{r}"), None)
        placed.update(engine.array_values(new.sheet, new.ref, results[old],
                                          _node_id(old.sheet, _canonical(old.ref))))
    return placed


def compute_spilling_data(data: bytes, suffix: str, spills: list[Spill], engine: WorkbookEngine | None = None,
                          progress=None) -> tuple[dict[Address, object], bytes]:
    """:func:`compute_spilling` of the workbook whose bytes are ``data`` (the exact bytes a
    caller read once): its values and the computed workbook's bytes, for the caller to
    write where and when its output policy says."""
    with tempfile.TemporaryDirectory(prefix="talentneeds-spills-") as folder:
        source, target = Path(folder) / f"in{suffix.lower()}", Path(folder) / f"out{suffix.lower()}"
        source.write_bytes(data)
        values = compute_spilling(source, target, spills, engine, progress)
        return values, target.read_bytes()


def _shape(spill: Spill) -> tuple[int, int]:
    c1, r1, c2, r2 = spill.bounds()
    return r2 - r1 + 1, c2 - c1 + 1
