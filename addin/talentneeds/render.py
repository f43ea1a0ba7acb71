"""Pictures of a computed workbook's sheets: LibreOffice -> PDF -> PNG.

The README's pictures of the Needs and Cohort sheets are made by this module, from the
computed demo, with real spreadsheet software: the workbook is copied with our
functions' cells frozen to their computed values (LibreOffice has no Talent Needs
functions, see :mod:`talentneeds.engines.frozen`) and every sheet but the chosen ones
hidden; LibreOffice headless prints it to PDF (one page wide per sheet, as the template
sets up printing) and poppler's ``pdftoppm`` turns each page into a PNG.

Needs ``soffice`` (LibreOffice) and ``pdftoppm`` (poppler-utils) on the PATH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from talentneeds import ooxml
from talentneeds.errors import FileError

SOFFICE_TIMEOUT = 180  # seconds; a first start of LibreOffice creates its profile
RESOLUTION = 110       # dots per inch of the PNGs


class RenderError(FileError, RuntimeError):
    """A tool is missing or failed; the message says which and what to install."""

    names_file = False


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RenderError(f"{name} not found; install {package} (apt-get install {package})")
    return found


def render_sheets(workbook: str | Path, sheets: list[str], out_dir: str | Path, force: bool = False,
                  progress=None) -> list[Path]:
    """Write ``<out_dir>/<sheet>.png`` (lower case) for each of ``sheets`` of the computed
    ``workbook``; returns the paths. A sheet longer than one page gives ``<sheet>-2.png``...
    Existing PNGs of those sheets are refused (:class:`RenderError`) unless ``force``.
    ``progress`` (an ``talentneeds.progress.Progress``) is told the stages and the sheets done."""
    from talentneeds.engines.frozen import freeze_our_functions
    from talentneeds.progress import Progress
    from talentneeds.files import OutputError, write_output

    progress = progress or Progress()
    stale = stale_values(workbook)
    if stale:
        raise RenderError(stale)

    out_dir = Path(out_dir)
    existing = [p for sheet in sheets for p in sorted(out_dir.glob(f"{_slug(sheet)}*.png"))
                if re.fullmatch(rf"{re.escape(_slug(sheet))}(-\d+)?\.png", p.name)] if out_dir.is_dir() else []
    if existing and not force:
        raise RenderError(f"{existing[0]} exists; use --force to overwrite the pictures, or -o to choose another folder")
    soffice = _tool("soffice", "libreoffice-calc-nogui")
    pdftoppm = _tool("pdftoppm", "poppler-utils")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        frozen = folder / "frozen.xlsx"
        progress.stage("freezing our functions' values")
        freeze_our_functions(workbook, frozen)
        progress.stage("printing sheets (LibreOffice, pdftoppm)", total=len(sheets), unit="sheets")
        for sheet in sheets:
            pdf = sheet_pdf(frozen, sheet, folder, soffice)
            prefix = folder / _slug(sheet)
            _run([pdftoppm, "-png", "-r", str(RESOLUTION), str(pdf), str(prefix)], "pdftoppm")
            pages = sorted(folder.glob(f"{_slug(sheet)}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            if not pages:
                raise RenderError(f"LibreOffice printed no page for sheet {sheet!r}")
            for number, page in enumerate(pages, start=1):
                target = out_dir / (f"{_slug(sheet)}.png" if number == 1 else f"{_slug(sheet)}-{number}.png")
                data = page.read_bytes()
                try:
                    write_output(target, lambda temporary, data=data: temporary.write_bytes(data), force)
                except OutputError as error:
                    raise RenderError(str(error)) from None
                written.append(target)
            progress.advance()
    progress.close()
    return written


def stale_values(workbook: str | Path) -> str | None:
    """Why the values stored in ``workbook`` may not be its results, or None.

    A workbook that asks to be recalculated in full when it is opened (``fullCalcOnLoad``)
    holds values nobody has computed since it last changed: a template written without
    its values, or a workbook whose Staff table ``import-roster`` refilled. Pictures of it
    would show the stored numbers (the example's, or zeros) as if they were its results.
    ``compute`` stores the values and clears the flag.
    """
    with zipfile.ZipFile(workbook) as archive:
        part = archive.read(ooxml.main_part(archive))
    calc = next((e for e in ooxml.scan(part).children if e.local == "calcPr"), None)
    if calc is not None and calc.attr("fullCalcOnLoad") in ("1", "true"):
        return ("its stored values are stale: the workbook asks to be recalculated when opened (never computed, "
                f"or changed since, e.g. by import-roster); run `talentneeds compute {Path(workbook).name}` and "
                "render the computed file")
    return None


def _slug(sheet: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sheet.lower()).strip("-") or "sheet"


def sheet_pdf(frozen: Path, sheet: str, folder: Path, soffice: str | None = None) -> Path:
    """``<folder>/<sheet>.pdf``: LibreOffice's print of one sheet of a frozen workbook."""
    only = folder / f"{_slug(sheet)}.xlsx"
    _only_sheet(frozen, only, sheet)
    return _to_pdf(soffice or _tool("soffice", "libreoffice-calc-nogui"), only, folder)


def _only_sheet(source: Path, target: Path, sheet: str) -> None:
    """A copy of ``source`` in which every sheet but ``sheet`` is hidden (and ``sheet`` is
    the active one); LibreOffice prints only visible sheets."""
    with zipfile.ZipFile(source) as archive:
        part = ooxml.main_part(archive)
        data = archive.read(part)
        root = ooxml.scan(data, depth=2)
        entries = [e for group in root.find("sheets") for e in group.find("sheet")]
        names = [e.attr("name") for e in entries]
        if sheet not in names:
            raise RenderError(f"no sheet {sheet!r} in {source.name} (sheets: {', '.join(names)})")
        edits = [ooxml.set_attributes(data, e.start, {"state": "visible" if name == sheet else "hidden"})
                 for e, name in zip(entries, names)]
        index = str(names.index(sheet))
        for view in (v for group in root.find("bookViews") for v in group.find("workbookView")):
            shown = {key: index for key in ("activeTab", "firstSheet") if view.attr(key) is not None}
            if shown:
                edits.append(ooxml.set_attributes(data, view.start, shown))
        with open(target, "wb") as handle:
            ooxml.rewrite(archive, handle, {part: ooxml.splice(data, edits), **_charts_by_range(source, archive)})


# a chart range given as a defined name, as Excel writes it, and the names the template
# gives its charts: a column from a cell down as many rows as a number or a one-cell name
_NAMED_CHART_RANGE = re.compile(rb"<f>\[0\]!([A-Za-z_][\w.]*)</f>")
_OFFSET_DOWN = re.compile(r"OFFSET\((?P<sheet>[^!]+)!\$(?P<column>[A-Z]+)\$(?P<row>\d+),0,0,(?P<rows>\w+),1\)")


def _charts_by_range(source: Path, archive: zipfile.ZipFile) -> dict[str, bytes]:
    """The chart parts whose ranges are defined names, each name replaced by the cells it
    stands for now: LibreOffice draws nothing from a defined name (an empty chart)."""
    charts = {name: archive.read(name) for name in archive.namelist()
              if name.startswith("xl/charts/") and name.endswith(".xml")}
    charts = {name: data for name, data in charts.items() if _NAMED_CHART_RANGE.search(data)}
    if not charts:
        return {}
    import openpyxl

    # read-only: two values are wanted, and a full load of a 50,000-person workbook took 7 s (0.02 s so)
    book = openpyxl.load_workbook(source, data_only=True, read_only=True)

    def cells(found: re.Match) -> bytes:
        defined = book.defined_names.get(found.group(1).decode())
        shape = _OFFSET_DOWN.fullmatch(defined.attr_text or "") if defined is not None else None
        if shape is None:
            return found.group(0)
        rows = shape["rows"]
        rows = int(rows) if rows.isdigit() else _one_cell_value(book, rows)
        if not isinstance(rows, (int, float)) or rows < 1:
            return found.group(0)
        last = int(shape["row"]) + int(rows) - 1
        return f"<f>{shape['sheet']}!${shape['column']}${shape['row']}:${shape['column']}${last}</f>".encode()

    try:
        return {name: _NAMED_CHART_RANGE.sub(cells, data) for name, data in charts.items()}
    finally:
        book.close()


def _one_cell_value(book, name: str):
    """The stored value of the one cell the defined name ``name`` points at; None when the
    name is missing or is not one cell (a user's workbook may have deleted or widened it),
    so that the chart keeps its name rather than ``render`` stopping on a traceback."""
    defined = book.defined_names.get(name)
    try:
        (sheet, cell), = defined.destinations if defined is not None else ()
        return book[sheet][cell.replace("$", "")].value
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _to_pdf(soffice: str, source: Path, folder: Path) -> Path:
    profile = folder / "libreoffice-profile"
    _run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
          "--convert-to", "pdf", "--outdir", str(folder), str(source)], "LibreOffice")
    pdf = folder / f"{source.stem}.pdf"
    if not pdf.exists():
        raise RenderError(f"LibreOffice wrote no PDF for {source.name}")
    return pdf


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{what} took more than {SOFFICE_TIMEOUT} s; gave up") from None
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RenderError(f"{what} failed (exit {done.returncode}): {last[0]}")
