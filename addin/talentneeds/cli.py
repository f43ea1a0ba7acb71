"""The command line, ``talentneeds COMMAND``: functions, demo, compute, template, render,
import-roster, lite and libreoffice (``talentneeds --help`` says what each does).

Thin by design: parse arguments, call the package, print, return an exit code.
A user mistake prints one line and exits non-zero, never a traceback: every refusal of a
file is a :class:`~talentneeds.errors.FileError` and every refused input a
:class:`~talentneeds.errors.TalentNeedsError`, and :func:`main` catches the two once.
What a library raises while reading a damaged workbook becomes a FileError in
:func:`_reading`, which names the file.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from talentneeds import __version__
from talentneeds.errors import FileError, TalentNeedsError

# What a user's mistake raises: the message is written for the user, one line.
USER_MISTAKES = (FileError, TalentNeedsError)


def functions_text() -> str:
    """The catalogue of Excel functions, from the same metadata Excel sees."""
    from talentneeds import udfs
    from talentneeds.excel.boundary import specs

    lines = []
    for spec in specs(udfs):
        lines.append(f"{spec.signature}\n    {spec.description}")
        for arg in spec.args:
            lines.append(f"      {arg.name}: {arg.description}")
    return "\n".join(lines)


def fail(message: str) -> int:
    print(f"talentneeds: {message}", file=sys.stderr)
    return 1


class _Refused(FileError):
    """A one-line refusal already worded for the user, naming the file."""


@contextlib.contextmanager
def _reading(path: str):
    """Errors raised while reading or computing the workbook at ``path`` as one line that
    names it, as :func:`~talentneeds.untrusted.describe_failure` words them: a
    :class:`FileError` of a layer that does not know the file's name (``names_file``
    False: the package, the engine, rendering, LibreOffice) by its message, and what
    reading a damaged workbook raises, by type. A user mistake whose message names its
    file passes on as it is; anything else is a bug: re-raised."""
    from talentneeds.engines.compat import UnsupportedVersionError
    from talentneeds.untrusted import describe_failure, is_reading_error

    try:
        yield
    except UnsupportedVersionError as error:  # names the library, not the workbook
        raise _Refused(str(error)) from None
    except FileError as error:
        if error.names_file:
            raise
        raise _Refused(describe_failure(path, error)) from None
    except TalentNeedsError:
        raise
    except Exception as error:
        if not is_reading_error(error):
            raise
        raise _Refused(describe_failure(path, error)) from None


def render_command(workbook: str, sheets: list[str], output: str, force: bool = False) -> int:
    from pathlib import Path

    from talentneeds.render import render_sheets
    from talentneeds.untrusted import check_workbook_file

    check_workbook_file(Path(workbook))
    from talentneeds.progress import for_stream

    with _reading(workbook):
        written = render_sheets(workbook, sheets, output, force=force, progress=for_stream(sys.stderr))
    for path in written:
        print(f"wrote {path}")
    return 0


def write_template(output: str, force: bool) -> int:
    from pathlib import Path

    from talentneeds.workbook.builder import TEMPLATE_SUFFIXES, build_template

    from talentneeds.files import write_output

    path = Path(output)
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        return fail(f"{output}: give a name ending in .xlsx (the template) or .xlsm "
                    "(its macro-enabled variant for classic xlwings)")
    # built under a temporary name with the target's suffix (it decides .xlsm), then claimed
    write_output(path, lambda temporary: _build_as(temporary, path.suffix, build_template), force)
    print(f"wrote {path}")
    if path.suffix.lower() == ".xlsm":
        from talentneeds.workbook.macro_enabled import classic_xlwings_note

        print(classic_xlwings_note())
    return 0


def _build_as(temporary, suffix: str, build) -> None:
    import shutil
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        shutil.move(str(build(Path(folder) / f"template{suffix}")), str(temporary))


def compute_command(input_: str, output: str | None, in_place: bool, force: bool, engine: str = "formulas") -> int:
    from pathlib import Path

    from talentneeds.files import check_copy, read_regular, update_in_place, write_output
    from talentneeds.untrusted import MAX_UNCOMPRESSED_BYTES, check_workbook_file

    source = Path(input_)
    if in_place and output:
        return fail("give either --in-place or -o OUTPUT, not both")
    target = source if in_place else Path(output or source.with_name(f"{source.stem}-computed{source.suffix}"))
    if not in_place:  # early, so a long run does not end in a refusal
        check_copy(source, target, force, source_word="input",
                   itself="the output would overwrite the input; use --in-place if that is what you want")
    check_workbook_file(source)  # cheap, before reading: the name, the kind of file
    from talentneeds.progress import for_stream

    evaluate = _evaluator(input_, source, engine, for_stream(sys.stderr))  # a bar on a terminal only
    if in_place:  # the exact bytes evaluated are the ones copied, and still the file's when renamed
        def evaluate_read(data: bytes):  # the bytes evaluated are kept: the checks are read from them
            values, write = evaluate(data)
            return (values, data), write

        values, data = update_in_place(source, evaluate_read)
    else:
        data = read_regular(source, limit=MAX_UNCOMPRESSED_BYTES)
        values, write = evaluate(data)
        write_output(target, write, force)
    from talentneeds.workbook.summary import describe_failed_checks, failed_checks, summary

    print(summary(values))
    print(f"\nwrote {target}")
    with _reading(input_):  # the workbook's own checks and titles, from the bytes evaluated
        failures = failed_checks(values, data)
        if failures:
            return fail(describe_failed_checks(failures, data, values))
    return 0


def _evaluator(input_: str, source, engine: str = "formulas", progress=None):
    """evaluate(data) -> (values, write(temporary)): checks the bytes as an untrusted
    workbook and a Talent Needs one, then :func:`talentneeds.engines.evaluate`; a workbook
    that cannot be read or evaluated is a :class:`_Refused` naming it."""
    from talentneeds.untrusted import check_workbook_file

    def evaluate(data: bytes):
        check_workbook_file(source, data=data)  # the bytes read: a swap after the first check changes nothing
        from talentneeds import engines

        with _reading(input_):
            missing = _missing_template_sheets(data)
            if missing:
                raise _Refused(f"{input_}: not a Talent Needs workbook: no sheet {', '.join(missing)}")
            values, write = engines.evaluate(source, data, progress, engine)

        def write_checked(temporary) -> None:
            with _reading(input_):
                write(temporary)

        return values, write_checked

    return evaluate


# sheets that only show results: a workbook without them (one built before the Candidates
# sheet) is still a Talent Needs workbook
OPTIONAL_SHEETS = ("Start", "Dashboard", "Candidates")


def _missing_template_sheets(data: bytes) -> list[str]:
    from talentneeds.engines.cached_values import sheet_titles
    from talentneeds.workbook.template import SHEET_NAMES

    present = set(sheet_titles(data))
    return [name for name in SHEET_NAMES if name not in present and name not in OPTIONAL_SHEETS]


def demo_command(output: str, force: bool) -> int:
    import tempfile
    from pathlib import Path

    from talentneeds.files import check_output
    from talentneeds.workbook.builder import build_template

    if Path(output).suffix.lower() != ".xlsx":
        return fail(f"{output}: the demo is a .xlsx workbook; give a name ending in .xlsx")
    check_output(output, force)
    with tempfile.TemporaryDirectory() as folder:
        template = build_template(Path(folder) / "talent-needs.xlsx")
        print("Talent Needs demo: the template's example (an existing org starting 3 new teams),"
              " computed without Excel\n")
        return compute_command(str(template), output, in_place=False, force=force)


def import_roster_command(roster: str, into: str | None, output: str | None, force: bool, sheet: str | None,
                          day_first: bool, month_first: bool, replace: bool, append: bool,
                          allow_duplicates: bool) -> int:
    """Fill the Staff table of a workbook from an HR export (.csv, .xlsx, .xlsm)."""
    from talentneeds.roster.importer import import_roster

    if not into:
        return fail("give the workbook to fill: import-roster ROSTER --into WORKBOOK")
    if day_first and month_first:
        return fail("give either --day-first or --month-first, not both")
    if replace and append:
        return fail("give either --replace or --append, not both")
    if force and not output:
        return fail("--force is for overwriting an existing -o OUTPUT; without -o the workbook itself is updated")
    from pathlib import Path

    from talentneeds.progress import for_stream
    from talentneeds.untrusted import check_workbook_file

    # both may come from elsewhere: refused before anything parses them if no workbook or a zip bomb
    check_workbook_file(Path(into))
    if Path(roster).suffix.lower() in (".xlsx", ".xlsm"):
        check_workbook_file(Path(roster))
    with _reading(into):
        result = import_roster(roster, into, output, sheet=sheet,
                               date_order="day" if day_first else "month" if month_first else None,
                               existing="replace" if replace else "append" if append else None,
                               allow_duplicates=allow_duplicates, force=force,
                               progress=for_stream(sys.stderr))
    print(result.summary())
    return 0


class _Parser(argparse.ArgumentParser):
    """A usage mistake is one line, like every other mistake (argparse prints the usage too)."""

    def error(self, message: str):
        self.exit(2, f"talentneeds: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="talentneeds",
        description="How many Amplifiers, Iterators and Connectors your teams need.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("functions", help="list the Excel functions with their arguments")
    demo = commands.add_parser("demo", help="build the template with its example, compute it, print the plan")
    demo.add_argument("-o", "--output", default="talent-plan-demo.xlsx",
                      help="where to write the computed demo workbook (default: %(default)s)")
    demo.add_argument("--force", action="store_true", help="overwrite an existing output file")
    compute = commands.add_parser("compute", help="evaluate a filled-in workbook and store the results")
    compute.add_argument("input", help="the filled-in template (.xlsx or .xlsm)")
    compute.add_argument("-o", "--output", help="where to write the computed copy "
                         "(default: INPUT-computed.xlsx or .xlsm next to the input)")
    compute.add_argument("--in-place", action="store_true", help="store the results in the input file itself")
    compute.add_argument("--force", action="store_true", help="overwrite an existing output file")
    compute.add_argument("--engine", choices=("formulas", "libreoffice"), default="formulas",
                         help="who evaluates: our in-process engine (default) or LibreOffice headless "
                              "with the Talent Needs add-in")
    template = commands.add_parser("template", help="write the template workbook")
    template.add_argument("-o", "--output", required=True, help="where to write it: .xlsx, or .xlsm for the "
                          "macro-enabled variant (classic xlwings on Windows)")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    render = commands.add_parser("render", help="pictures (PNG) of sheets of a computed workbook, "
                                 "through LibreOffice and pdftoppm")
    render.add_argument("workbook", help="a computed workbook (from compute or demo)")
    render.add_argument("--sheet", action="append", dest="sheets",
                        help="a sheet to render; repeat for more (default: Needs and Cohort)")
    render.add_argument("-o", "--output", default=".", help="folder for the PNGs (default: current folder)")
    render.add_argument("--force", action="store_true", help="overwrite existing PNGs")
    roster = commands.add_parser("import-roster", help="fill the Staff table of a workbook from an HR export")
    roster.add_argument("roster", metavar="ROSTER",
                        help="the roster: .csv (comma, semicolon or tab), .xlsx or .xlsm")
    roster.add_argument("--into", metavar="WORKBOOK", help="the Talent Needs workbook to fill (updated in place)")
    roster.add_argument("-o", "--output", help="write a filled copy here instead of updating WORKBOOK")
    roster.add_argument("--force", action="store_true", help="overwrite an existing OUTPUT")
    roster.add_argument("--sheet", help="the sheet of an Excel roster (default: the first)")
    roster.add_argument("--day-first", action="store_true", help="read dates like 03/04/2024 as 3 April")
    roster.add_argument("--month-first", action="store_true", help="read dates like 03/04/2024 as March 4")
    roster.add_argument("--replace", action="store_true", help="replace the people already on Staff")
    roster.add_argument("--append", action="store_true", help="keep the people already on Staff, add after them")
    roster.add_argument("--allow-duplicates", action="store_true", help="import names that occur more than once")
    lite = commands.add_parser("lite", help="write requirements.txt and main.py for an xlwings Lite workbook")
    lite.add_argument("--wheel", help="the https:// address of the talentneeds wheel")
    lite.add_argument("--version", help="or: the talentneeds version to install from the package index")
    lite.add_argument("--xlwings", default="0.33.20", help="the xlwings the workbook pins (default: %(default)s)")
    lite.add_argument("-o", "--output", default=".", help="folder to write them into (default: current folder)")
    lite.add_argument("--force", action="store_true", help="overwrite existing files")
    from talentneeds.libreoffice.commands import add_parser as add_libreoffice

    add_libreoffice(commands)
    return parser


def lite_command(wheel: str | None, version: str | None, xlwings: str, output: str, force: bool) -> int:
    from talentneeds.lite import lite_files, write_lite_files

    written = write_lite_files(output, lite_files(wheel, version, xlwings), force)
    for path in written:
        print(f"wrote {path}")
    print("paste them into the xlwings Lite editor's requirements.txt and main.py tabs, then restart Lite")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    from talentneeds.extras import missing_extra_message

    try:
        return run(args)
    except USER_MISTAKES as error:  # the one place a refusal becomes the one line a user sees
        return fail(str(error))
    except ModuleNotFoundError as error:  # installed without the workbook extra
        message = missing_extra_message(error)
        if message is None:
            raise
        return fail(message)
    finally:
        if argv is None:  # the program itself, about to exit (a caller in-process keeps its collector)
            _skip_final_collection()


def _skip_final_collection() -> None:
    """Why: the interpreter's last garbage collection at exit walks every object still alive
    (numpy, pandas, formulas and the compiled workbook), about 0.1 s of computing the demo,
    to free memory the operating system takes back anyway. Frozen objects are left out of
    it; files are still flushed and closed, and atexit handlers still run."""
    import gc

    gc.freeze()


def run(args: argparse.Namespace) -> int:
    if args.command == "functions":
        print(functions_text())
    elif args.command == "template":
        return write_template(args.output, args.force)
    elif args.command == "render":
        return render_command(args.workbook, args.sheets or ["Needs", "Cohort"], args.output, args.force)
    elif args.command == "compute":
        return compute_command(args.input, args.output, args.in_place, args.force, args.engine)
    elif args.command == "libreoffice":
        from talentneeds.libreoffice.commands import run

        return run(args)
    elif args.command == "import-roster":
        return import_roster_command(args.roster, args.into, args.output, args.force, args.sheet, args.day_first,
                                     args.month_first, args.replace, args.append, args.allow_duplicates)
    elif args.command == "demo":
        return demo_command(args.output, args.force)
    elif args.command == "lite":
        return lite_command(args.wheel, args.version, args.xlwings, args.output, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
