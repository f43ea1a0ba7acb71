"""Reading a package's structure (relationships, the workbook part, its sheets) and the one
way a package is written: member by member, in order, every member not replaced kept as
it was (its bytes, time, compression and attributes)."""

from __future__ import annotations

import zipfile
from collections.abc import Collection, Iterable

from talentneeds.ooxml.names import (
    DEFAULT_WORKBOOK_PART, MAIN_NS, OFFICE_DOCUMENT, PACKAGE, PKG_REL_NS, REL_NS, STRICT_NS, STRICT_OFFICE_DOCUMENT,
    TABLE, Relationship, rels_part,
)
from talentneeds.ooxml.scan import PackageError, start_tags

_RELATIONSHIP = f"{PKG_REL_NS} Relationship"
_SHEET = f"{MAIN_NS} sheet"
_RELATIONSHIP_ID = f"{REL_NS} id"


def parse_relationships(data: bytes) -> list[Relationship]:
    """The relationships a relationships part's bytes declare, in order."""
    return [Relationship(attrs.get("Id", ""), attrs.get("Type", ""), attrs.get("Target", ""), attrs.get("TargetMode"))
            for tag, attrs in start_tags(data) if tag == _RELATIONSHIP]


def relationships(archive: zipfile.ZipFile, part: str) -> list[Relationship]:
    """The relationships of ``part`` (``PACKAGE``: the package's own); none when it has no
    relationships part."""
    rels = rels_part(part)
    if rels not in archive.NameToInfo:
        return []
    return parse_relationships(archive.read(rels))


def main_part(archive: zipfile.ZipFile) -> str:
    """The workbook part, found as Excel finds it: the package relationship of type
    officeDocument (transitional or Strict); xl/workbook.xml when there is none."""
    return next((r.part(PACKAGE) for r in relationships(archive, PACKAGE)
                 if r.type in (OFFICE_DOCUMENT, STRICT_OFFICE_DOCUMENT)), DEFAULT_WORKBOOK_PART)


def workbook_sheets(archive: zipfile.ZipFile, workbook: str) -> list[tuple[str, str | None]]:
    """(title, relationship id) of each ``<sheet>`` of the workbook part, in tab order."""
    found = []
    for tag, attrs in start_tags(archive.read(workbook)):
        if tag == f"{STRICT_NS} workbook":
            raise PackageError("Strict Open XML workbooks are not supported; save as a regular .xlsx")
        if tag == _SHEET:
            found.append((attrs["name"], attrs.get(_RELATIONSHIP_ID)))
    return found


def worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet title: its part}, found the way Excel finds them: package relationships ->
    workbook part -> its relationships."""
    workbook = main_part(archive)
    targets = {r.id: r.part(workbook) for r in relationships(archive, workbook)}
    return {title: targets[rid] for title, rid in workbook_sheets(archive, workbook)}


def worksheet_tables(archive: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """(sheet title, sheet part, table part) of every table part a worksheet relates to
    and the package holds, sheet by sheet in tab order."""
    found = []
    for title, part in worksheet_parts(archive).items():
        for rel in relationships(archive, part):
            if rel.type == TABLE and not rel.external and rel.part(part) in archive.NameToInfo:
                found.append((title, part, rel.part(part)))
    return found


def present_sheet_titles(archive: zipfile.ZipFile) -> list[str]:
    """The titles of the sheets in tab order, a sheet whose part is missing left out (as
    openpyxl lists them)."""
    workbook = main_part(archive)
    targets = {r.id: r.part(workbook) for r in relationships(archive, workbook)}
    return [title for title, rid in workbook_sheets(archive, workbook) if targets.get(rid) in archive.NameToInfo]


def entry(name: str, like: zipfile.ZipInfo | None = None, date_time: tuple | None = None,
          external_attr: int | None = None) -> zipfile.ZipInfo:
    """A deflated member named ``name`` with the time and attributes of ``like`` (or those given)."""
    info = zipfile.ZipInfo(name, date_time=date_time or (like.date_time if like else (1980, 1, 1, 0, 0, 0)))
    info.compress_type = zipfile.ZIP_DEFLATED
    if like is not None:
        info.external_attr, info.create_system = like.external_attr, like.create_system
    if external_attr is not None:
        info.external_attr = external_attr
    return info


def write_package(handle, members: Iterable[tuple[zipfile.ZipInfo, bytes]], comment: bytes = b"") -> None:
    """Write the zip ``members`` ((entry, bytes), in order) to ``handle``."""
    with zipfile.ZipFile(handle, "w") as target:
        target.comment = comment
        for info, data in members:
            target.writestr(info, data)


def rewrite(source: zipfile.ZipFile, handle, replaced: dict[str, bytes] | None = None,
            removed: Collection[str] = (), added: Iterable[tuple[zipfile.ZipInfo, bytes]] = ()) -> None:
    """A copy of ``source`` written to ``handle``: members in ``replaced`` get the new bytes
    (deflated, with their old time and attributes), ``removed`` ones are left out, ``added``
    ones come last; every other member is copied as it was, and so is the zip's comment."""
    replaced = replaced or {}

    def members():
        for info in source.infolist():
            if info.filename in removed:
                continue
            data = replaced.get(info.filename)
            if data is None:
                yield info, source.read(info.filename)
            else:
                yield entry(info.filename, info), data
        yield from added

    write_package(handle, members(), source.comment)
