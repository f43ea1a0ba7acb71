"""``talentneeds libreoffice build|install``: the command line's part for LibreOffice."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def add_parser(commands) -> None:
    parser = commands.add_parser("libreoffice", help="the LibreOffice Calc add-in: build the .oxt or install it")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="write the add-in (.oxt)")
    build.add_argument("-o", "--output", required=True, help="where to write it (a name ending in .oxt)")
    build.add_argument("--force", action="store_true", help="overwrite an existing file")
    actions.add_parser("install", help="build the add-in and install it for the current user (unopkg)")


def run(args: argparse.Namespace) -> int:
    from talentneeds.libreoffice.office import OfficeError
    from talentneeds.libreoffice.oxt import build_oxt, install

    try:
        if args.action == "build":
            path = Path(args.output)
            if path.suffix.lower() != ".oxt":
                return _fail(f"{args.output}: give a name ending in .oxt")
            if path.exists() and not args.force:
                return _fail(f"{args.output} exists; use --force to overwrite it")
            if not path.parent.is_dir():
                return _fail(f"{path.parent}: no such folder")
            print(f"wrote {build_oxt(path)}")
            return 0
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            return _fail("install is per user and LibreOffice's unopkg refuses root: run it as the user who "
                         "uses LibreOffice, or as root: talentneeds libreoffice build -o talentneeds.oxt && "
                         "unopkg add --shared talentneeds.oxt (for every user)")
        with tempfile.TemporaryDirectory() as folder:
            install(build_oxt(Path(folder) / "talentneeds.oxt"))
        print("installed the Talent Needs add-in; restart LibreOffice to use the functions")
        return 0
    except OfficeError as error:
        return _fail(str(error))


def _fail(message: str) -> int:
    print(f"talentneeds: {message}", file=sys.stderr)
    return 1
