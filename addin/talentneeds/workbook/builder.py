"""The one builder: a declarative workbook description -> an .xlsx, byte for byte
reproducible (fixed document dates, fixed zip entry times)."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.chart.data_source import AxDataSource, NumDataSource, NumRef, StrRef
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill, Protection
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableColumn, TableFormula, TableStyleInfo

from talentneeds import ooxml
from talentneeds.files import atomic_write
from talentneeds.workbook.dynamic_arrays import dynamic_entries
from talentneeds.workbook.schema_order import ordered_styles
from talentneeds.workbook.spec import Chart, Formula, Highlight, Input, RangeValidation, Sheet, Table, Text

# A fixed moment for document properties and zip entries, so that the same description
# always gives the same bytes.
BUILD_TIME = dt.datetime(2026, 1, 1)
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
INPUT_FILL = "FFF2CC"


def _styles() -> dict[str, NamedStyle]:
    def style(name, font=None, fill=None, locked=True, wrap=False, horizontal=None):
        named = NamedStyle(name=name)
        if font:
            named.font = font
        if fill:
            named.fill = PatternFill("solid", fgColor=fill)
        named.protection = Protection(locked=locked)
        named.alignment = Alignment(wrap_text=wrap, vertical="top", horizontal=horizontal)
        return named

    return {
        "Title": style("Title TN", Font(bold=True, size=14, color="1F4E79")),
        "Heading": style("Heading TN", Font(bold=True, color="1F4E79")),
        # a heading over a column of numbers: right-aligned, as they are
        "NumberHeading": style("Number heading TN", Font(bold=True, color="1F4E79"), horizontal="right"),
        "Label": style("Label TN"),
        "Note": style("Note TN", Font(italic=True, color="595959")),
        "Input": style("Input TN", Font(color="0000FF"), INPUT_FILL, locked=False),
        "Calculation": style("Calculation TN", Font(color="000000")),
    }


def _absolute(sheet: str, ref: str) -> str:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    start = f"${get_column_letter(min_col)}${min_row}"
    end = f"${get_column_letter(max_col)}${max_row}"
    quoted = f"'{sheet}'" if not sheet.replace("_", "").isalnum() else sheet
    return f"{quoted}!{start}" if start == end else f"{quoted}!{start}:{end}"


def build(description: tuple[Sheet, ...], extra_names: dict[str, str]) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    styles = _styles()
    for named in styles.values():
        workbook.add_named_style(named)
    # VBA binds document modules by code name; the macro-enabled variant's VBA project
    # (xlwings' standalone one) has ThisWorkbook and Sheet1.., the names Excel would give
    workbook.code_name = "ThisWorkbook"
    tabs = _tab_order(description)
    for sheet in description:
        ws = workbook.create_sheet(sheet.title)
        ws.sheet_properties.codeName = f"Sheet{tabs.index(sheet.title) + 1}"
        # printed (and rendered to PDF) pages_wide pages wide, however many pages long
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = sheet.pages_wide, 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        if sheet.tab_color:
            ws.sheet_properties.tabColor = sheet.tab_color
        for column, width in _fitted_widths(sheet).items():
            ws.column_dimensions[column].width = width
        for item in sheet.items:
            _place(workbook, ws, item, styles)
        if sheet.freeze:
            ws.freeze_panes = sheet.freeze
        if sheet.protect:
            ws.protection.sheet = True
    for name, ref in extra_names.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=ref)
    workbook.properties.creator = "Talent Needs"
    workbook.properties.created = BUILD_TIME
    workbook.properties.modified = BUILD_TIME
    workbook.calculation.fullCalcOnLoad = True
    return workbook


def _tab_order(description: tuple[Sheet, ...]) -> list[str]:
    """Sheet titles in the order their tabs show: those marked first_tab, then the rest,
    each sheet with a ``tab_after`` moved to just after that one."""
    order = [s.title for s in description if s.first_tab] + [s.title for s in description if not s.first_tab]
    for sheet in description:
        if sheet.tab_after is not None:
            order.remove(sheet.title)
            order.insert(order.index(sheet.tab_after) + 1, sheet.title)
    return order


def _first_tabs(workbook_xml: bytes, titles: list[str]) -> bytes:
    """workbook.xml with the <sheet> entries of ``titles`` moved to the front: tab order is
    the order of that list, whatever the parts are called."""
    sheets = ooxml.scan(workbook_xml, depth=2).find("sheets")[0]
    entries = sheets.find("sheet")
    first = [e for t in titles for e in entries if e.attr("name") == t]
    ordered = first + [e for e in entries if e not in first]
    body = b"".join(workbook_xml[e.start:e.end] for e in ordered)
    return ooxml.splice(workbook_xml, [(ooxml.tag_end(workbook_xml, sheets.start), sheets.end_tag, body)])


def _name(workbook: Workbook, ws, name: str, cell: str) -> None:
    workbook.defined_names[name] = DefinedName(name, attr_text=_absolute(ws.title, cell))


def _validate(ws, ref: str, v) -> None:
    rule = DataValidation(type=v.kind, formula1=v.formula1, formula2=v.formula2,
                          operator=v.operator, allow_blank=False, showErrorMessage=True,
                          errorTitle="Talent Needs", error=v.message)
    rule.add(ref)
    ws.add_data_validation(rule)


def _place(workbook: Workbook, ws, item, styles) -> None:
    if isinstance(item, Text):
        ws[item.cell] = item.value
        ws[item.cell].style = styles[item.style].name
    elif isinstance(item, Input):
        cell = ws[item.cell]
        cell.value = item.value
        cell.style = styles["Input"].name
        cell.number_format = item.number_format
        if item.name:
            _name(workbook, ws, item.name, item.cell)
        if item.validation:
            _validate(ws, item.cell, item.validation)
    elif isinstance(item, RangeValidation):
        _validate(ws, item.ref, item.validation)
    elif isinstance(item, Formula):
        min_col, min_row, max_col, max_row = range_boundaries(item.spill or item.cell)  # ws["D8"] is no block
        cells = tuple(ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col))
        by_column = dict(item.column_formats)
        for row in cells:
            for cell in row:
                cell.style = styles[item.style].name
                cell.number_format = by_column.get(cell.column_letter, item.number_format)
        if item.spill:
            _align_spill(cells, item, styles)
        # An array formula over the whole result range: Excel fills every cell of it and
        # never shows it as =@FUNC(...); made a dynamic array (spill) when saved (save()).
        ws[item.cell] = ArrayFormula(item.spill, item.text) if item.spill else item.text
        if item.name:
            _name(workbook, ws, item.name, item.cell)
    elif isinstance(item, Table):
        _table(ws, item, styles)
    elif isinstance(item, Chart):
        _chart(ws, item)
    elif isinstance(item, Highlight):
        rule = FormulaRule(formula=[item.formula.lstrip("=")], stopIfTrue=False)
        rule.dxf = DifferentialStyle(font=Font(bold=True, color=item.font),
                                     fill=PatternFill("solid", bgColor=item.fill, fgColor=item.fill))
        ws.conditional_formatting.add(item.ref, rule)
    else:
        raise TypeError(f"cannot place a {type(item).__name__}")


# Excel's column width unit is one "0" of the default font; headings are bold, so a little more
_BOLD_CHARACTER = 1.1
_PADDING = 2
# a heading this short is a column's header (longer ones head a section and run across columns)
_COLUMN_HEADER = 24


def _fitted_widths(sheet: Sheet) -> dict[str, float]:
    """The sheet's column widths, each widened where needed to show every column header
    whole: tables' headers, the header rows spills return, short headings."""
    widths = dict(sheet.column_widths)
    for item in sheet.items:
        if isinstance(item, Formula) and item.spill and item.header:
            first = range_boundaries(item.spill)[0]
            headers = enumerate(item.header, start=first)
        elif isinstance(item, Table):
            headers = enumerate(item.columns, start=range_boundaries(item.top_left)[0])
        elif isinstance(item, Text) and item.style in ("Heading", "NumberHeading") and len(item.value) <= _COLUMN_HEADER:
            headers = [(range_boundaries(item.cell)[0], item.value)]
        else:
            continue
        for column, text in headers:
            letter = get_column_letter(column)
            widths[letter] = max(widths.get(letter, 8.43), round(len(text) * _BOLD_CHARACTER + _PADDING, 1))
    return widths


def _align_spill(cells, item: Formula, styles) -> None:
    """Labels left, numbers right and their headers over them, right-aligned too."""
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            if i == 0 and item.header:
                cell.style = styles["Heading"].name
            if j > 0 and cell.column_letter not in item.text_columns:
                cell.alignment = Alignment(horizontal="right", vertical="top")


def _table(ws, table: Table, styles) -> None:
    min_col, min_row, _, _ = range_boundaries(table.top_left)
    for j, header in enumerate(table.columns):
        cell = ws.cell(min_row, min_col + j, header)
        cell.style = styles["Heading"].name
        numbers = header in table.number_formats or (header not in table.formulas and bool(table.rows) and all(
            j < len(row) and isinstance(row[j], (int, float)) and not isinstance(row[j], bool) for row in table.rows))
        if numbers:  # the header over its numbers, as they are aligned
            cell.alignment = Alignment(horizontal="right", vertical="top")
    for i, row in enumerate(table.rows, start=1):
        for j, header in enumerate(table.columns):
            cell = ws.cell(min_row + i, min_col + j)
            if header in table.formulas:
                cell.value = table.formulas[header]
                cell.style = styles["Calculation"].name
            else:
                cell.value = row[j]
                cell.style = styles["Input"].name
            if header in table.number_formats:
                cell.number_format = table.number_formats[header]
    last_col = get_column_letter(min_col + len(table.columns) - 1)
    ref = f"{get_column_letter(min_col)}{min_row}:{last_col}{min_row + len(table.rows)}"
    xl_table = XlTable(displayName=table.name, ref=ref)
    xl_table.autoFilter = AutoFilter(ref=ref)
    xl_table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    for j, header in enumerate(table.columns, start=1):
        column = TableColumn(id=j, name=header)
        if header in table.formulas:
            column.calculatedColumnFormula = TableFormula(attr_text=table.formulas[header].lstrip("="))
        xl_table.tableColumns.append(column)
    ws.add_table(xl_table)


def _is_name(ref: str) -> bool:
    """A chart range given as a defined name (a word), not as cells ("A16:A23")."""
    try:
        range_boundaries(ref)
    except ValueError:
        return True
    return False


def _chart_ref(ws, ref: str) -> str:
    # a workbook-level name, as Excel writes it in a chart ("[0]" is this workbook): the
    # chart then follows the name's range when it changes, a range of cells does not
    if _is_name(ref):
        return f"[0]!{ref}"
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    sheet = ws.title.replace("'", "''")
    return f"'{sheet}'!${get_column_letter(min_col)}${min_row}:${get_column_letter(max_col)}${max_row}"


def _series(ws, title_cell: str, values: str) -> Series:
    series = Series(val=NumDataSource(numRef=NumRef(f=_chart_ref(ws, values))))
    series.tx = SeriesLabel(strRef=StrRef(_absolute(ws.title, title_cell)))
    return series


def _chart(ws, chart: Chart) -> None:
    data = ws.parent[chart.data_sheet] if chart.data_sheet else ws
    bar = BarChart()
    bar.type = "bar" if chart.kind == "barh" else "col"
    bar.title = chart.title
    bar.y_axis.title = chart.y_title
    bar.width, bar.height = chart.size
    if chart.stacked:
        bar.grouping, bar.overlap = "stacked", 100
    for title_cell, values in chart.series:
        bar.series.append(_series(data, title_cell, values))
    categories = _chart_ref(data, chart.categories)
    for series in bar.series:
        series.cat = AxDataSource(numRef=NumRef(f=categories))
    if chart.lines:
        line = LineChart()
        for title_cell, values in chart.lines:
            line.series.append(_series(data, title_cell, values))
        for series in line.series:
            series.cat = AxDataSource(numRef=NumRef(f=categories))
        bar += line  # drawn on the same axes as the columns
    ws.add_chart(bar, chart.anchor)


def _fixed_core_properties(xml: bytes) -> bytes:
    # openpyxl stamps the save time as "modified" whatever the workbook says
    stamp = BUILD_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    modified = next((e for e in ooxml.scan(xml).children if e.name == "dcterms:modified"), None)
    if modified is None or modified.end_tag < 0:
        return xml
    return ooxml.splice(xml, [(ooxml.tag_end(xml, modified.start), modified.end_tag, stamp)])


def normalised_zip(data: bytes, first_tabs: list[str] = ()) -> bytes:
    """The zip rewritten with fixed entry times and document dates (same entry order),
    so that the same description always gives the same bytes; styles in the schema's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = dynamic_entries([(info.filename, source.read(info.filename)) for info in source.infolist()])
    edits = {"docProps/core.xml": _fixed_core_properties, "xl/styles.xml": ordered_styles}
    if first_tabs:
        edits["xl/workbook.xml"] = lambda content: _first_tabs(content, list(first_tabs))
    out = io.BytesIO()
    ooxml.write_package(out, ((ooxml.entry(name, date_time=_ZIP_TIME, external_attr=0o600 << 16),
                               edits[name](content) if name in edits else content) for name, content in entries))
    return out.getvalue()


def save(workbook: Workbook, path: Path, first_tabs: list[str] = ()) -> Path:
    """Write through a temporary file in the same folder, renamed into place; the sheets
    ``first_tabs`` shown first."""
    built = io.BytesIO()
    workbook.save(built)
    data = normalised_zip(built.getvalue(), first_tabs)
    return atomic_write(path, lambda stream: stream.write(data))


TEMPLATE_SUFFIXES = (".xlsx", ".xlsm")


def build_template(path: Path, computed: bool = True) -> Path:
    """Write the template to ``path`` (.xlsx, or .xlsm: the macro-enabled variant for
    classic xlwings); ``computed``: with the example's values stored in every formula
    cell, so that the numbers show before any add-in is loaded."""
    from talentneeds.workbook.template import EXTRA_NAMES, TEMPLATE

    path = Path(path)
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise ValueError(f"a template is written as {' or '.join(TEMPLATE_SUFFIXES)}, got {path.name}")
    first_tabs = _tab_order(TEMPLATE)  # every tab, in the order shown
    if not computed and path.suffix.lower() == ".xlsx":
        return save(build(TEMPLATE, EXTRA_NAMES), path, first_tabs)
    macro_enabled = path.suffix.lower() == ".xlsm"
    with tempfile.TemporaryDirectory(dir=path.parent if str(path.parent) else ".") as folder:
        workbook = save(build(TEMPLATE, EXTRA_NAMES), Path(folder) / "formulas-only.xlsx", first_tabs)
        if computed:
            from talentneeds.engines import compute  # the engine is slow to import; only here

            target = Path(folder) / "computed.xlsx" if macro_enabled else path
            compute(workbook, target)
            workbook = target
        if macro_enabled:
            from talentneeds.workbook.macro_enabled import macro_enabled_copy

            macro_enabled_copy(workbook, path)
    return path
