"""The command line: ``talentneeds functions`` and ``talentneeds demo``.

Thin by design: parse arguments, call the package, print, return an exit code.
A user mistake prints one line and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from talentneeds import __version__


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


def write_template(output: str, force: bool) -> int:
    from pathlib import Path

    from talentneeds.workbook.builder import build_template

    path = Path(output)
    if path.suffix.lower() != ".xlsx":
        return fail(f"{output}: the template is an .xlsx file; give a name ending in .xlsx")
    if path.exists() and not force:
        return fail(f"{output} exists; use --force to overwrite it")
    if not path.parent.is_dir():
        return fail(f"{path.parent}: no such folder")
    build_template(path)
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talentneeds",
        description="How many Amplifiers, Iterators and Connectors your teams need.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("functions", help="list the Excel functions with their arguments")
    commands.add_parser("demo", help="compute the built-in example and print the plan")
    template = commands.add_parser("template", help="write the template workbook")
    template.add_argument("-o", "--output", required=True, help="where to write the .xlsx")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "functions":
        print(functions_text())
    elif args.command == "template":
        return write_template(args.output, args.force)
    elif args.command == "demo":
        from talentneeds.demo import report

        print(report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
