"""talentneeds.ooxml's package layer: names, relationships, the parts found through them,
the one rewrite, and the worksheet scan and cell insertion, on packages built here."""

from __future__ import annotations

import io
import zipfile

import pytest

from talentneeds import ooxml
from talentneeds.ooxml import MAIN_NS, PackageError, Relationship

WORKSHEET = ooxml.REL_NS + "/worksheet"


def test_part_names_and_targets():
    assert ooxml.rels_part("xl/workbook.xml") == "xl/_rels/workbook.xml.rels"
    assert ooxml.rels_part("xl/worksheets/sheet1.xml") == "xl/worksheets/_rels/sheet1.xml.rels"
    assert ooxml.rels_part(ooxml.PACKAGE) == "_rels/.rels"
    assert ooxml.resolve("xl/workbook.xml", "worksheets/sheet1.xml") == "xl/worksheets/sheet1.xml"
    assert ooxml.resolve("xl/worksheets/sheet1.xml", "../tables/table1.xml") == "xl/tables/table1.xml"
    assert ooxml.resolve("xl/workbook.xml", "/other/book.xml") == "other/book.xml"
    assert ooxml.resolve(ooxml.PACKAGE, "xl/workbook.xml") == "xl/workbook.xml"


def _zip(members: dict[str, bytes]) -> zipfile.ZipFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def _rels(*relationships: str) -> bytes:
    return (f'<Relationships xmlns="{ooxml.PKG_REL_NS}">' + "".join(relationships) + "</Relationships>").encode()


# a workbook that is not where openpyxl puts one: found only through the relationships
ODD = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": _rels(f'<Relationship Id="rId1" Type="{ooxml.OFFICE_DOCUMENT}" Target="/book/main.xml"/>'),
    "book/main.xml": (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{ooxml.REL_NS}"><sheets>'
                      '<sheet name="Beta" sheetId="2" r:id="rId3"/><sheet name="Alpha" sheetId="1" r:id="rId7"/>'
                      '<sheet name="Gone" sheetId="3" r:id="rId9"/></sheets></workbook>').encode(),
    "book/_rels/main.xml.rels": _rels(
        f'<Relationship Id="rId7" Type="{WORKSHEET}" Target="sheets/first.xml"/>',
        f'<Relationship Id="rId3" Type="{WORKSHEET}" Target="/sheets/second.xml"/>',
        f'<Relationship Id="rId9" Type="{WORKSHEET}" Target="sheets/missing.xml"/>',
        '<Relationship Id="rId4" Type="urn:link" Target="https://example.org/" TargetMode="External"/>'),
    "book/sheets/first.xml": b"<worksheet/>",
    "sheets/second.xml": b"<worksheet/>",
}


def test_the_workbook_and_its_sheets_are_found_through_the_relationships():
    archive = _zip(ODD)
    assert ooxml.main_part(archive) == "book/main.xml"
    rels = ooxml.relationships(archive, "book/main.xml")
    assert rels[0] == Relationship("rId7", WORKSHEET, "sheets/first.xml")
    assert rels[3] == Relationship("rId4", "urn:link", "https://example.org/", "External") and rels[3].external
    assert [r.part("book/main.xml") for r in rels[:3]] == [
        "book/sheets/first.xml", "sheets/second.xml", "book/sheets/missing.xml"]
    assert ooxml.workbook_sheets(archive, "book/main.xml") == [("Beta", "rId3"), ("Alpha", "rId7"), ("Gone", "rId9")]
    assert ooxml.worksheet_parts(archive) == {
        "Beta": "sheets/second.xml", "Alpha": "book/sheets/first.xml", "Gone": "book/sheets/missing.xml"}
    assert ooxml.present_sheet_titles(archive) == ["Beta", "Alpha"]  # Gone's part is missing
    assert ooxml.relationships(archive, "sheets/second.xml") == []  # no relationships part


def test_without_package_relationships_the_workbook_is_where_excel_puts_it():
    assert ooxml.main_part(_zip({"[Content_Types].xml": b"<Types/>"})) == "xl/workbook.xml"


def test_a_strict_workbook_is_refused():
    strict = dict(ODD)
    strict["book/main.xml"] = f'<workbook xmlns="{ooxml.STRICT_NS}"><sheets/></workbook>'.encode()
    with pytest.raises(PackageError, match="Strict Open XML"):
        ooxml.worksheet_parts(_zip(strict))


def _source() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.comment = b"kept"
        for name, method, when, mode in (("a.txt", zipfile.ZIP_STORED, (2001, 2, 3, 4, 5, 6), 0o644),
                                         ("b.xml", zipfile.ZIP_DEFLATED, (2002, 3, 4, 5, 6, 8), 0o600),
                                         ("c.bin", zipfile.ZIP_STORED, (2003, 1, 1, 0, 0, 0), 0o644)):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type, info.external_attr = method, mode << 16
            archive.writestr(info, name.encode() * 50)
    return out.getvalue()


def test_rewrite_keeps_member_order_times_compression_and_the_comment():
    source = zipfile.ZipFile(io.BytesIO(_source()))
    out = io.BytesIO()
    added = ooxml.entry("d.bin", date_time=(2004, 5, 6, 7, 8, 10), external_attr=0o600 << 16)
    ooxml.rewrite(source, out, {"b.xml": b"<new/>"}, removed={"c.bin"}, added=[(added, b"D")])
    result = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert result.namelist() == ["a.txt", "b.xml", "d.bin"]
    assert result.comment == b"kept"
    a, b, d = result.infolist()
    assert (a.compress_type, a.date_time, a.external_attr >> 16) == (zipfile.ZIP_STORED, (2001, 2, 3, 4, 5, 6), 0o644)
    assert result.read("a.txt") == b"a.txt" * 50
    # a replaced member: new bytes, deflated, its old time and mode
    assert (b.compress_type, b.date_time, b.external_attr >> 16) == (zipfile.ZIP_DEFLATED, (2002, 3, 4, 5, 6, 8), 0o600)
    assert result.read("b.xml") == b"<new/>"
    assert (d.compress_type, d.date_time, result.read("d.bin")) == (zipfile.ZIP_DEFLATED, (2004, 5, 6, 7, 8, 10), b"D")


def test_rewrite_with_no_edit_gives_the_same_bytes():
    data = _source()
    out = io.BytesIO()
    ooxml.rewrite(zipfile.ZipFile(io.BytesIO(data)), out)
    assert out.getvalue() == data


# offsets: <worksheet xmlns="..."> is 18 + 57 + 2 bytes, so <dimension ref="A1:B3"/> is 77-100;
# <sheetData> 101-111; <row r="1" spans="1:2"> 112-134; <c r="A1"><v>1</v></c> 135-156;
# the B1 cell 157-211 (10 + 25 + 4 + 4 + 8 + 4 bytes); </row> 212-217; <row r="3"/> 218-229;
# </sheetData> 230
SHEET = (f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:B3"/><sheetData>'
         '<row r="1" spans="1:2"><c r="A1"><v>1</v></c><c r="B1"><f t="array" ref="B1:B2">A1*2</f><v>2</v></c>'
         '</row><row r="3"/></sheetData></worksheet>').encode()


def test_the_worksheet_scan_finds_cells_rows_and_array_ranges():
    sheet = ooxml.scan_worksheet(SHEET)
    assert sheet.prefix == "" and sheet.row_numbers == [1, 3]
    assert (sheet.dimension.start, sheet.dimension.end) == (77, 101)
    assert (sheet.sheet_data.start, sheet.sheet_data.end_tag) == (101, 230)
    assert [(r.start, r.end_tag, r.end) for r in sheet.rows] == [(112, 212, 218), (218, -1, 230)]
    assert sheet.cells_by_row == {1: [(1, 135), (2, 157)], 3: []}
    a1, b1 = sheet.cells[(1, 1)], sheet.cells[(2, 1)]
    assert (a1.start, a1.end, b1.start, b1.end) == (135, 157, 157, 212)
    assert sheet.formula(a1) is None and SHEET[b1.start:b1.end].startswith(b'<c r="B1"><f')
    assert sheet.formula(b1).attr("ref") == "B1:B2"
    assert sheet.arrays == [(2, 1, 2, 2)]
    assert list(ooxml.scan_worksheet(SHEET, wanted={(2, 1)}).cells) == [(2, 1)]  # only the wanted cells


def test_cells_are_inserted_in_column_and_row_order_and_spans_widened():
    sheet = ooxml.scan_worksheet(SHEET)
    edits = ooxml.insert_cells(sheet, SHEET, {1: [(3, b"<C1/>")], 2: [(2, b"<B2/>")], 3: [(1, b"<A3/>")]})
    result = ooxml.splice(SHEET, list(edits))
    assert result == (f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:B3"/><sheetData>'
                      '<row r="1" spans="1:3"><c r="A1"><v>1</v></c><c r="B1"><f t="array" ref="B1:B2">A1*2</f>'
                      '<v>2</v></c><C1/></row><row r="2"><B2/></row><row r="3"><A3/></row>'
                      '</sheetData></worksheet>').encode()
    # before the first cell of a higher column; into a self-closing sheetData
    row = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="5"><c r="C5"/><c r="E5"/></row></sheetData></worksheet>'
    sheet = ooxml.scan_worksheet(row.encode())
    edits = ooxml.insert_cells(sheet, row.encode(), {5: [(1, b"<A5/>"), (4, b"<D5/>")]})
    assert b'<row r="5"><A5/><c r="C5"/><D5/><c r="E5"/></row>' in ooxml.splice(row.encode(), list(edits))
    empty = f'<worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>'.encode()
    edits = ooxml.insert_cells(ooxml.scan_worksheet(empty), empty, {4: [(2, b"<B4/>")], 2: [(1, b"<A2/>")]})
    assert ooxml.splice(empty, list(edits)) == \
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="2"><A2/></row><row r="4"><B4/></row></sheetData></worksheet>'.encode()


def test_a_prefixed_worksheet_and_the_ones_refused():
    prefixed = f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData><x:row r="2"><x:c r="C2"/></x:row></x:sheetData>' \
               "</x:worksheet>"
    sheet = ooxml.scan_worksheet(prefixed.encode())
    assert (sheet.prefix, sheet.q("c"), list(sheet.cells)) == ("x", "x:c", [(3, 2)])
    for part, why in ((f'<worksheet xmlns="{MAIN_NS}"/>', "no sheetData"),
                      (f'<chartsheet xmlns="{MAIN_NS}"/>', "not a worksheet"),
                      (f'<worksheet xmlns="{ooxml.STRICT_NS}"><sheetData/></worksheet>', "Strict"),
                      ('<worksheet xmlns="urn:other"><sheetData/></worksheet>', "unexpected worksheet namespace")):
        with pytest.raises(PackageError, match=why):
            ooxml.scan_worksheet(part.encode())


def test_cell_positions():
    assert ooxml.cell_position("$AB$12") == (28, 12)
    assert ooxml.cell_position("c3") == (3, 3)
    with pytest.raises(ValueError, match="not a single cell address"):
        ooxml.cell_position("A1:B2")
