"""Reading a roster file: CSV (its encoding told by :mod:`.text`, its delimiter sniffed)
or a sheet of an Excel workbook (read-only, cached values), into :func:`.parse.parse_roster`."""

from __future__ import annotations

import csv
import io
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from talentneeds.roster import text as roster_text
from talentneeds.roster.parse import CellError, Roster, parse_roster
from talentneeds.roster.problems import RosterFileError

ROSTER_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def read_roster(path: str | Path, *, sheet: str | None = None, date_order: str | None = None) -> Roster:
    """The people in a roster file: .csv (UTF-8, or Windows-1252/Latin-1; comma, semicolon
    or tab) or .xlsx/.xlsm (the first sheet, or ``sheet``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        raise RosterFileError(f"{path}: cannot read {suffix or 'a file without a suffix'!s} files; "
                              "give a .csv, .xlsx or .xlsm roster")
    if not path.is_file():
        raise RosterFileError(f"{path}: {_not_a_file(path)}")
    if suffix == ".csv":
        if sheet is not None:
            raise RosterFileError(f"{path}: --sheet is for Excel rosters; a CSV file has no sheets")
        rows, notes = _csv_rows(path)
        roster = parse_roster(rows, source=str(path), row_word="line", date_order=date_order)
        roster.notes[:0] = notes
        return roster
    with _ExcelRows(path, sheet) as (rows, source):
        return parse_roster(rows, source=source, row_word="row", date_order=date_order)


def _decode(path: Path) -> tuple[str, str | None]:
    """The CSV's text, its encoding told by evidence (see :mod:`.text`)."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise RosterFileError(f"{path}: this is an Excel workbook (a zip file), not CSV text; "
                              "name it .xlsx to import it")
    try:
        return roster_text.decode(data)
    except roster_text.NotText as error:
        raise RosterFileError(f"{path}: {error}") from None


def _not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as a roster: missing, or something other than a file
    (reading a named pipe would wait for a writer for ever)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file" if not path.is_symlink() else "is a symbolic link to a file that does not exist"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    kind = next((name for test, name in kinds if test(mode)), "something else")
    return f"is {kind}, not a regular file; give a .csv, .xlsx or .xlsm roster file"


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the first lines into the most
    consistent number of columns (a title line above the header does not count)."""
    sample = text[:65536]
    if len(text) > len(sample):  # drop a cut-off last line
        sample = sample[:sample.rfind("\n") + 1] or sample
    best, best_score = ",", (False, 0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            widths = [len(r) for r, _ in zip(csv.reader(io.StringIO(sample), delimiter=delimiter), range(50))
                      if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not widths:
            continue
        counts: dict[int, int] = {}
        for w in widths:
            counts[w] = counts.get(w, 0) + 1
        width, frequency = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (width > 1, frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path) -> tuple[Iterator[tuple[int, list[str]]], list[str]]:
    text, note = _decode(path)
    delimiter = sniff_delimiter(text)
    notes = [note] if note else []
    if delimiter != ",":
        notes.append(f"columns separated by {'semicolons' if delimiter == ';' else 'tabs'}")

    def rows():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        line = 1
        try:
            for record in reader:
                yield line, record
                line = reader.line_num + 1
        except csv.Error as error:
            raise RosterFileError(f"{path} line {reader.line_num}: not valid CSV ({error})") from None

    return rows(), notes


class _ExcelRows:
    """(rows, source) of a workbook's sheet, read-only and with cached values, closed on exit."""

    def __init__(self, path: Path, sheet: str | None):
        self.path, self.sheet, self.book = path, sheet, None

    def __enter__(self):
        from openpyxl import load_workbook

        try:
            self.book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 -- openpyxl's many ways of failing on a damaged file
            raise RosterFileError(f"{self.path}: cannot read the workbook ({type(error).__name__}: {error})") from None
        names = self.book.sheetnames
        worksheets = [ws.title for ws in self.book.worksheets]
        if self.sheet is None:
            if not worksheets:
                raise RosterFileError(f"{self.path}: the workbook has no worksheet")
            title = worksheets[0]
        else:
            title = next((n for n in worksheets if n == self.sheet), None) or next(
                (n for n in worksheets if n.casefold() == self.sheet.casefold()), None)
            if title is None:
                raise RosterFileError(f"{self.path}: no sheet {self.sheet!r} (sheets: {', '.join(names)})")
        source = str(self.path) if len(names) == 1 else f"{self.path} sheet {title!r}"
        return self._rows(self.book[title]), source

    def _rows(self, worksheet):
        try:
            for number, cells in enumerate(worksheet.iter_rows(min_row=1), start=1):
                yield number, [(CellError(c.value) if getattr(c, "data_type", None) == "e" else c.value)
                               for c in cells]
        except (zipfile.BadZipFile, KeyError, ValueError, expat.ExpatError, ElementTree.ParseError, EOFError,
                zlib.error) as error:  # a damaged sheet: its XML or its zip member
            raise RosterFileError(f"{self.path}: cannot read the sheet {worksheet.title!r} "
                                  f"({type(error).__name__}: {error})") from None

    def __exit__(self, *exc):
        if self.book is not None:
            self.book.close()
        return False

