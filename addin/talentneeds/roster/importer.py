"""``import-roster``: read an HR roster (CSV or Excel) and put its people into the Staff
table of a Talent Needs workbook, with the user-facing policy: never replace a roster
that is not the template's example without ``replace``; refuse duplicates without
``allow_duplicates``; the output file as :mod:`talentneeds.files` says (never overwrite
one without ``force``); warn, naming them, about titles the workbook's Roles table does
not know.
"""

from __future__ import annotations

import contextlib
import io
import shlex
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from talentneeds.roster.problems import (
    RosterFileError,
    RosterImportError,
    RosterProblems,
    StaffTableError,
    duplicate_problems,
)
from talentneeds.roster.read import read_roster
from talentneeds.roster.staff_table import plan_import
from talentneeds.roster.write import write_roster

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class ImportResult:
    people: int
    roster: str
    written: str          # the workbook written, as the user named it
    cells: str            # Staff!A5:F54: where the imported people are
    notes: list[str]

    def summary(self) -> str:
        count = f"{self.people} {'person' if self.people == 1 else 'people'}"
        lines = [(f"imported {count} from {self.roster} into {self.written} ({self.cells}); "
                  f"run `talentneeds compute {shlex.quote(self.written)}` for the numbers")]
        return "\n".join(lines + [f"  {note}" for note in self.notes])


@contextlib.contextmanager
def _reading(workbook: str | Path):
    """Errors about the workbook named after it; a damaged file is one RosterFileError."""
    try:
        yield
    except StaffTableError as error:
        raise StaffTableError(f"{workbook}: {error}") from None
    except RosterImportError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, expat.ExpatError, ElementTree.ParseError, EOFError,
            zlib.error) as error:
        raise RosterFileError(f"{workbook}: cannot read the workbook ({type(error).__name__}: {error})") from None


def _unknown_titles(people, data: bytes, workbook: str | Path) -> str | None:
    """The roster's titles that the Roles table of the workbook whose bytes are ``data``
    does not know, described; None if none."""
    from talentneeds.workbook.titles import describe_unknown, unknown_titles, workbook_catalog

    with _reading(workbook):
        catalog = workbook_catalog(data)
    unknown = unknown_titles((p.role for p in people if isinstance(p.role, str)), catalog)
    return describe_unknown(unknown, "Roles") if unknown else None


def import_roster(roster_path: str | Path, workbook: str | Path, output: str | Path | None = None, *,
                  sheet: str | None = None, date_order: str | None = None, existing: str | None = None,
                  allow_duplicates: bool = False, force: bool = False, progress=None) -> ImportResult:
    """Import the roster at ``roster_path`` into the Staff table of ``workbook`` (or of a
    copy at ``output``). ``progress`` (an ``talentneeds.progress.Progress``) is told the stages.

    ``existing``: None (only an empty table or the template's example roster is replaced),
    "replace" or "append". Raises a :class:`RosterImportError` for every user mistake.
    """
    if existing not in (None, "replace", "append"):
        raise ValueError(f"existing must be None, 'replace' or 'append', got {existing!r}")
    workbook_path = Path(workbook)
    if not workbook_path.is_file():
        raise RosterFileError(f"{workbook}: no such file")
    if workbook_path.suffix.lower() not in WORKBOOK_SUFFIXES or not zipfile.is_zipfile(workbook_path):
        raise RosterFileError(f"{workbook}: not an Excel workbook (.xlsx or .xlsm)")
    from talentneeds.files import OutputError, check_copy, read_regular, update_in_place, write_output

    if output is not None:
        try:
            check_copy(workbook_path, output, force, source_word="workbook",
                       itself=f"{output} is the workbook itself; leave out -o to import into the workbook")
        except OutputError as error:
            raise RosterFileError(str(error)) from None
    from talentneeds.progress import Progress

    progress = progress or Progress()
    progress.stage("reading the roster")
    roster = read_roster(roster_path, sheet=sheet, date_order=date_order)

    def prepare(data: bytes):
        from talentneeds.untrusted import UntrustedFileError, check_workbook_file

        try:  # the bytes read: a file swapped in after the command's first check is checked too
            check_workbook_file(workbook_path, data=data)
        except UntrustedFileError as error:
            raise RosterFileError(str(error)) from None
        progress.stage("reading the workbook's Staff table")
        with _reading(workbook):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                plan = plan_import(workbook_path, archive, roster, existing, data)
        entries = [(p.label, p.name) for p in roster.people]
        if existing == "append":
            entries = [(f"{plan.table.sheet} row {row}", str(values.get("name") or ""))
                       for row, values in plan.existing] + entries
        duplicates = duplicate_problems(entries, roster.source if existing != "append" else
                                        f"{roster.source} and {workbook}")
        if duplicates and not allow_duplicates:
            raise RosterProblems(duplicates)
        progress.stage("writing the people into the workbook", total=len(roster.people), unit="people")
        with _reading(workbook):
            written, write = write_roster(workbook_path, roster.people, data, plan)
        return (written, plan, duplicates, _unknown_titles(roster.people, data, workbook)), write

    try:
        if output is None:  # under a lock, from the bytes read, refused if the file changed meanwhile
            written, plan, duplicates, unknown = update_in_place(workbook_path, prepare)
        else:
            (written, plan, duplicates, unknown), write = prepare(read_regular(workbook_path))
            write_output(output, write, force)
    except OutputError as error:
        raise RosterFileError(str(error)) from None
    progress.advance(len(roster.people))
    progress.close()
    notes = list(roster.notes) + plan.notes
    if duplicates:
        notes.append(f"kept {len(duplicates)} duplicate name{'s' if len(duplicates) > 1 else ''} "
                     f"(--allow-duplicates), e.g. {duplicates[0].message.split(' (the same')[0]}")
    if unknown:
        notes.append(f"warning: {unknown}; add each on Roles with its archetype (Amplifier, Iterator, Connector "
                     "or Not counted), or the counts that read Staff show #N/A")
    if written["quoted"]:
        notes.append(f"stored {written['quoted']} text{'s' if written['quoted'] > 1 else ''} starting with "
                     "=, +, -, @ or a tab as text, never as a formula")
    return ImportResult(len(roster.people), str(roster_path), str(output if output is not None else workbook),
                        written["cells"], notes)
