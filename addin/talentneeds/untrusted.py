"""Workbook files are untrusted input: cheap checks before anything parses one.

A ``.xlsx``/``.xlsm`` file is a zip package of XML parts. What a hostile or damaged file
can do to a reader, and where each is stopped:

* not a workbook at all (a text file, an old binary ``.xls``, a password-protected
  workbook -- Excel stores those as an OLE compound file --, a truncated download):
  :func:`check_workbook_file` names what the file is and what would be valid;
* a zip bomb (a part that inflates a thousand-fold, or parts adding up to gigabytes):
  refused here from the sizes the package *declares*, before anything is inflated. The
  declared sizes can be trusted as an upper bound because Python's :mod:`zipfile` never
  returns more bytes of a member than its central directory entry declares: it stops
  inflating there, and a member whose stream is longer fails its CRC (unless its CRC was
  forged for the truncated bytes -- either way no more than the declared size is read;
  tests/test_untrusted.py checks both). openpyxl, our own package layer
  (:mod:`talentneeds.ooxml`) and the formula engine (which reads the workbook through
  openpyxl, as formulas does) all read members through :mod:`zipfile`;
* hostile XML (billion laughs, external entities): openpyxl parses through
  ``defusedxml`` when it is installed (``openpyxl.xml.DEFUSEDXML``; a dependency of this
  package), which refuses entity declarations; our own scanner (:mod:`talentneeds.ooxml.scan`),
  which reads the package relationships here and every part we edit, refuses DTDs too.
  Neither expands an entity nor opens a file or URL.

What gets past these checks can still be damaged (a bad CRC, broken XML inside a part):
the commands turn every such read error into one line (:func:`is_reading_error`,
:func:`read_error`).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

from talentneeds.errors import FileError

__all__ = ["MAX_CENTRAL_DIRECTORY_BYTES", "MAX_MEMBERS", "MAX_RATIO", "MAX_UNCOMPRESSED_BYTES",
           "RATIO_GRACE_BYTES", "READING_ERRORS", "UntrustedFileError", "check_workbook_file",
           "describe_failure", "is_reading_error", "read_error"]

#: Most parts a package may have. The template has 38; a workbook with a few hundred
#: sheets, charts and pictures has a few thousand. The check runs on the count the end
#: of central directory record declares, so a package claiming millions of entries is
#: refused before :mod:`zipfile` builds an object per entry.
MAX_MEMBERS = 10_000

#: Largest central directory (the zip's table of contents) read: 10,000 entries with
#: names of a few hundred bytes fit many times over; bounds the parse whatever the
#: entry count claims.
MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024

#: Largest total size the parts may declare once unpacked: 512 MiB. Measured (openpyxl
#: writes, deflate): the template/demo unpacks to 121 KB; a plain 50,000-row x 6-column
#: roster to 18 MB; the template with a 50,000-person roster to 19 MB and with a
#: 100,000-person roster to 36.5 MB (computing that one peaks at 1.25 GB RSS). So 512
#: MiB is 14 times the largest roster the add-in is meant for: no honest workbook comes
#: near it. It is a guard against a small file that inflates to gigabytes (with
#: MAX_RATIO, a file must be at least 5 MiB to declare this much), not a capacity limit:
#: at the measured ~35 bytes of memory per byte of sheet XML, a workbook near the limit
#: would exhaust memory anyway -- which is why the limit is not higher.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024

#: Largest compression ratio (unpacked / packed size) of a part above the grace size:
#: 100, the inverse of Apache POI's ``ZipSecureFile`` default minimum inflate ratio 0.01.
#: Measured (largest ratio of a part above the grace size, all deflate as openpyxl
#: writes): the template/demo none above 100 KB (its largest, [Content_Types].xml, 8.8;
#: its biggest sheet 6.5); a plain 50,000-row x 6-column roster (realistic names, roles,
#: teams, dates, e-mails) 8.8 for its 17.7 MB sheet; the template with a 50,000-person
#: roster 11.6 and with 100,000 people 14.4 (the Staff sheet, its formula column
#: repeated on every row). Deflate cannot exceed about 1032:1; zip bombs sit near that,
#: real spreadsheet XML an order of magnitude below 100.
MAX_RATIO = 100

#: Parts that unpack to at most this many bytes are not ratio-checked (POI's grace
#: size, 100 KB): a small part of repetitive XML may compress very well, and whatever
#: it does, it cannot unpack to much.
RATIO_GRACE_BYTES = 100 * 1024

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: .xls, encrypted OOXML
_EOCD = struct.Struct("<4s4H2LH")                  # end of central directory record
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_MAX_COMMENT = 65535


class UntrustedFileError(FileError):
    """The file is not a workbook we will read; the message (one line) names the file,
    what is wrong and what would be valid."""


def check_workbook_file(path: str | Path, suffixes: tuple[str, ...] = WORKBOOK_SUFFIXES,
                        data: bytes | None = None) -> None:
    """Raise :class:`UntrustedFileError` unless ``path`` looks like a workbook package we
    may read: an existing file with one of ``suffixes``, a readable zip (not an OLE file:
    an old .xls or a password-protected workbook), with ``[Content_Types].xml`` and a
    workbook part, at most :data:`MAX_MEMBERS` parts declaring at most
    :data:`MAX_UNCOMPRESSED_BYTES` in all, none above :data:`RATIO_GRACE_BYTES` declaring
    more than :data:`MAX_RATIO` times its packed size.

    Cheap: reads the file's first bytes, the zip's table of contents and the package
    relationships (a few hundred bytes); inflates nothing else. The parts may still be
    damaged inside (a bad CRC, broken XML): reading them can still fail, see
    :func:`read_error`. ``data``: the file's bytes, when the caller has read them (then
    those are checked, and the file is not opened again)."""
    path = Path(path)
    valid = " or ".join(suffixes)
    if data is None and not path.exists():
        raise UntrustedFileError(f"{path}: no such file")
    if data is None and not path.is_file():
        raise UntrustedFileError(f"{path}: not a file; give an Excel workbook ({valid})")
    if path.suffix.lower() not in suffixes:
        raise UntrustedFileError(f"{path}: not an Excel workbook: the name ends in "
                                 f"{path.suffix or 'no suffix'!r}; give a {valid} file")
    not_workbook = f"{path}: not an Excel workbook ({valid})"
    try:
        with (open(path, "rb") if data is None else io.BytesIO(data)) as handle:
            size = handle.seek(0, 2)
            handle.seek(0)
            head = handle.read(len(_OLE_MAGIC))
            if size == 0:
                raise UntrustedFileError(f"{not_workbook}: the file is empty")
            if head == _OLE_MAGIC:
                raise UntrustedFileError(f"{not_workbook}: it is an OLE compound file, which is an encrypted "
                                         "(password-protected) workbook or an old .xls; save it as .xlsx "
                                         "without a password")
            declared = _declared_directory(handle, size)
            if declared is None and head.startswith(b"PK\x03\x04"):
                raise UntrustedFileError(f"{not_workbook}: the zip package is truncated (it has no end of central "
                                         "directory record); copy or download it again")
            if declared is None:
                raise UntrustedFileError(f"{not_workbook}: it is not a zip package (every {valid} file is one); "
                                         "it may be text, a CSV or another format renamed")
            entries, directory_bytes = declared
            _check_member_count(path, entries)
            if directory_bytes > MAX_CENTRAL_DIRECTORY_BYTES:
                raise UntrustedFileError(f"{path}: refused: the zip's table of contents declares {directory_bytes:,} "
                                         f"bytes, more than the {MAX_CENTRAL_DIRECTORY_BYTES:,} a workbook needs")
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                _check_package(path, archive, not_workbook)
    except UntrustedFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error, ValueError) as error:
        raise UntrustedFileError(f"{not_workbook}: the zip package is damaged or truncated "
                                 f"({type(error).__name__}: {_one_line(error)}); save it again from Excel") from error
    except NotImplementedError as error:  # zipfile: a zip version, compression or encryption it lacks
        raise UntrustedFileError(f"{not_workbook}: the zip package uses a feature Excel does not write "
                                 f"({_one_line(error)}); save it again from Excel") from error
    except OSError as error:
        raise UntrustedFileError(f"{path}: cannot read the file ({type(error).__name__}: "
                                 f"{_one_line(error.strerror or error)})") from error


def _check_member_count(path: Path, entries: int) -> None:
    if entries > MAX_MEMBERS:
        raise UntrustedFileError(f"{path}: refused: the package has {entries:,} parts, more than the "
                                 f"{MAX_MEMBERS:,} a workbook may have")


def _check_package(path: Path, archive: zipfile.ZipFile, not_workbook: str) -> None:
    members = archive.infolist()
    _check_member_count(path, len(members))
    _check_member_names_and_methods(path, members)
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > RATIO_GRACE_BYTES:
            ratio = info.file_size / info.compress_size if info.compress_size else float("inf")
            if ratio > MAX_RATIO:
                raise UntrustedFileError(
                    f"{path}: refused: part {info.filename} would unpack {ratio:,.0f}-fold ({info.compress_size:,} "
                    f"bytes to {info.file_size:,}); a workbook part stays under {MAX_RATIO}-fold (a zip bomb?)")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UntrustedFileError(f"{path}: refused: the parts would unpack to {total / 2**20:,.0f} MiB, more than "
                                 f"the {MAX_UNCOMPRESSED_BYTES // 2**20:,} MiB limit for a workbook")
    names = {info.filename for info in members}
    if "[Content_Types].xml" not in names:
        raise UntrustedFileError(f"{not_workbook}: the zip has no [Content_Types].xml, so it is no Office "
                                 "package (an OpenDocument .ods or another zip renamed?)")
    part = _workbook_part(archive, not_workbook)
    if part not in names:
        if "xl/workbook.bin" in names:
            raise UntrustedFileError(f"{not_workbook}: it is a binary workbook (.xlsb); save it as .xlsx")
        raise UntrustedFileError(f"{not_workbook}: the package has no workbook part ({part})")


_DRIVE = re.compile(r"^[A-Za-z]:")


def _check_member_names_and_methods(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse what no Office package holds and what a careless copy would act on: a name
    twice (which copy is the part?), a name that leaves the package when extracted
    (absolute, ``..``, a backslash, a drive letter), a compression other than stored or
    deflate (Office writes only those; bzip2/LZMA/others are another tool's), an
    encrypted member (a password-protected workbook is an OLE file, never this)."""
    seen: set[str] = set()
    for info in members:
        name = info.filename
        shown = repr(name[:80])
        if name in seen:
            raise UntrustedFileError(f"{path}: refused: the package holds part {shown} twice; a workbook names "
                                     "each part once (a crafted file?)")
        seen.add(name)
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or _DRIVE.match(name) or ".." in parts or "\x00" in name:
            raise UntrustedFileError(f"{path}: refused: part name {shown} points outside the package (absolute, "
                                     "'..', a backslash or a drive letter); a workbook's parts are relative paths")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UntrustedFileError(f"{path}: refused: part {shown} uses compression method {info.compress_type} "
                                     "(Excel writes only stored or deflate); save it again from Excel")
        if info.flag_bits & 0x1:
            raise UntrustedFileError(f"{path}: refused: part {shown} is encrypted (zip encryption); a "
                                     "password-protected workbook must be saved again without a password")


def _workbook_part(archive: zipfile.ZipFile, not_workbook: str) -> str:
    """The member the package relationships name as the main document (as
    :func:`talentneeds.ooxml.main_part` finds it); xl/workbook.xml when there are none."""
    from xml.parsers.expat import ExpatError

    from talentneeds import ooxml

    try:
        return ooxml.main_part(archive)  # _check_package has bounded the declared sizes: the read is bounded
    except ExpatError as error:
        raise UntrustedFileError(f"{not_workbook}: its package relationships (_rels/.rels) are not valid XML "
                                 f"({type(error).__name__}: {_one_line(error)})") from error
    except ooxml.PackageError as error:
        raise UntrustedFileError(f"{not_workbook}: its package relationships (_rels/.rels) are refused: "
                                 f"{_one_line(error)}") from error


def _declared_directory(handle, size: int) -> tuple[int, int] | None:
    """(entries, central directory bytes) that the end of central directory record
    declares -- from its zip64 form when there is one --; None when there is no such
    record, that is, not a zip."""
    tail_size = min(size, _EOCD.size + _MAX_COMMENT)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    while at >= 0 and at + _EOCD.size > len(tail):
        at = tail.rfind(b"PK\x05\x06", 0, at)
    if at < 0:
        return None
    _, _, _, _, entries, directory_bytes, _, _ = _EOCD.unpack_from(tail, at)
    locator_at = at - _EOCD64_LOCATOR.size
    if locator_at >= 0 and tail[locator_at:locator_at + 4] == b"PK\x06\x07":
        _, _, offset, _ = _EOCD64_LOCATOR.unpack_from(tail, locator_at)
        if offset + _EOCD64.size <= size:
            handle.seek(offset)
            record = handle.read(_EOCD64.size)
            if record[:4] == b"PK\x06\x06":
                fields = _EOCD64.unpack(record)
                entries, directory_bytes = fields[6], fields[7]
    return entries, directory_bytes


_MAX_MESSAGE = 400  # characters of an error's own message in our one line


def _one_line(error: object) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE - 3] + "..."


_OPENPYXL_WRAPPER = re.compile(r"Unable to read workbook: could not (.+?) from ")


def read_error(path: str | Path, error: BaseException) -> str:
    """The one-line message for an error raised while reading a damaged workbook:
    ``"<path>: cannot read the workbook (BadZipFile: Bad CRC-32 for file 'xl/styles.xml')"``.
    openpyxl re-raises what went wrong as a ValueError that says what it was doing
    and to "see the exception": the line says what it was doing and names that one."""
    wrapped = _OPENPYXL_WRAPPER.match(str(error))
    cause = error.__cause__ or error.__context__
    if wrapped and cause is not None:
        return (f"{path}: cannot read the workbook: could not {wrapped.group(1)} "
                f"({type(cause).__name__}: {_one_line(cause)})")
    return f"{path}: cannot read the workbook ({type(error).__name__}: {_one_line(error)})"


def describe_failure(path: str | Path, error: BaseException) -> str:
    """The one line a command prints for ``error``, raised while reading or computing
    the workbook at ``path``: our own errors (their class is defined in this package)
    by their message, which is written for the user; a file system error by file and
    reason; any other by :func:`read_error`, its type named."""
    if type(error).__module__.split(".")[0] == __name__.split(".")[0]:
        return f"{path}: {_one_line(error)}"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename or path}: {_one_line(error.strerror)}"
    return read_error(path, error)


def is_reading_error(error: BaseException) -> bool:
    """Whether ``error`` is what reading a damaged or hostile workbook raises: one of
    :data:`READING_ERRORS` (zip: bad CRC, truncated stream; zlib; XML syntax and
    encoding; defusedxml's refusals, which are ValueErrors; openpyxl's own; a missing
    part, KeyError), or any other error raised inside a library that parses the file
    (openpyxl's descriptors raise TypeError on a malformed attribute). A TypeError or
    AttributeError raised in our own code is a bug and not a reading error: it should
    show its traceback."""
    if isinstance(error, READING_ERRORS):
        return True
    if isinstance(error, MemoryError):  # not damage: a file too big for its reader, which should show
        return False
    return _raised_in(error) in _READING_LIBRARIES


def _raised_in(error: BaseException) -> str | None:
    """The top-level package of the module whose code raised ``error``."""
    traceback = error.__traceback__
    if traceback is None:
        return None
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    module = traceback.tb_frame.f_globals.get("__name__") or ""
    return module.split(".")[0] or None


def _reading_errors() -> tuple[type[BaseException], ...]:
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import ExpatError

    from openpyxl.utils.exceptions import InvalidFileException, SheetTitleException

    return (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError, ValueError,
            ParseError, ExpatError, InvalidFileException, SheetTitleException, OSError)


#: What reading a damaged workbook raises (see :func:`is_reading_error`); our own
#: refusals are :class:`~talentneeds.errors.FileError` values, caught as such.
READING_ERRORS = _reading_errors()
_READING_LIBRARIES = frozenset({"openpyxl", "et_xmlfile", "defusedxml", "xml", "pyexpat", "zipfile", "zlib"})
