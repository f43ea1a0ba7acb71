"""Untrusted workbook files: the cheap checks before parsing (talentneeds.untrusted), the
claims they rest on (zipfile reads no more than a member declares; openpyxl parses
through defusedxml), and hostile XML through `talentneeds compute`."""

from __future__ import annotations

import datetime as dt
import random
import struct
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from talentneeds import cli, untrusted
from talentneeds.untrusted import UntrustedFileError, check_workbook_file

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_templates" / "talent-needs.xlsx"
MACRO_TEMPLATE = ROOT / "workbook_templates" / "talent-needs.xlsm"
TEAMS_SHEET = "xl/worksheets/sheet3.xml"  # the template's part order: Start, Assumptions, Teams, ...
NEEDS_SHEET = "xl/worksheets/sheet6.xml"


def refused(path, *fragments: str) -> str:
    with pytest.raises(UntrustedFileError) as caught:
        check_workbook_file(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def rewrite(source: Path, target: Path, replace: dict[str, bytes | None] = {}, add: dict[str, bytes] = {}) -> Path:
    """A copy of the package with members replaced (None: deleted) or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    new.writestr(info.filename, replace[info.filename])
            else:
                new.writestr(info, old.read(info.filename))
        for name, data in add.items():
            new.writestr(name, data)
    return target


# ---------------------------------------------------------------- what is not a workbook

def test_the_templates_and_a_computed_demo_pass(tmp_path):
    check_workbook_file(TEMPLATE)
    check_workbook_file(MACRO_TEMPLATE)
    demo = tmp_path / "demo.xlsx"
    assert cli.main(["demo", "-o", str(demo)]) == 0
    check_workbook_file(demo)


def test_each_kind_of_non_workbook_is_named_with_what_is_valid(tmp_path):
    refused(tmp_path / "missing.xlsx", "no such file")
    refused(tmp_path, "not a file", ".xlsx or .xlsm")
    csv = tmp_path / "roster.csv"
    csv.write_text("Name,Role\n")
    refused(csv, "not an Excel workbook", "'.csv'", ".xlsx or .xlsm")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    refused(tmp_path / "empty.xlsx", "not an Excel workbook (.xlsx or .xlsm)", "empty")
    (tmp_path / "text.xlsx").write_text("Name,Role\nAda,Research Engineer\n")
    refused(tmp_path / "text.xlsx", "not an Excel workbook", "not a zip package")
    # an old .xls and a password-protected workbook are both OLE compound files
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    refused(tmp_path / "old.xlsx", "encrypted", "old .xls", "save it as .xlsx without a password")


def test_a_truncated_or_damaged_zip_is_refused(tmp_path):
    data = TEMPLATE.read_bytes()
    for cut in (4, 100, len(data) // 2, len(data) - 23, len(data) - 1):
        path = tmp_path / f"cut{cut}.xlsx"
        path.write_bytes(data[:cut])
        refused(path, "not an Excel workbook", "truncated")
    # the end record intact, the table of contents it points at overwritten
    directory = data.find(b"PK\x01\x02")
    damaged = bytearray(data)
    damaged[directory:directory + 4] = b"XXXX"
    (tmp_path / "damaged.xlsx").write_bytes(bytes(damaged))
    refused(tmp_path / "damaged.xlsx", "damaged", "BadZipFile")


def test_a_zip_that_is_no_workbook_package_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "ods.xlsx", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    refused(tmp_path / "ods.xlsx", "no [Content_Types].xml")
    rewrite(TEMPLATE, tmp_path / "no-workbook.xlsx", {"xl/workbook.xml": None})
    refused(tmp_path / "no-workbook.xlsx", "no workbook part (xl/workbook.xml)")
    rewrite(TEMPLATE, tmp_path / "xlsb.xlsx", {"xl/workbook.xml": None}, {"xl/workbook.bin": b"\0" * 10})
    refused(tmp_path / "xlsb.xlsx", ".xlsb")


def test_damaged_package_relationships_are_refused_in_one_line(tmp_path):
    rewrite(TEMPLATE, tmp_path / "broken.xlsx", {"_rels/.rels": b"<Relationships><Relationship"})
    refused(tmp_path / "broken.xlsx", "_rels/.rels", "not valid XML", "ExpatError")
    laughs = b'<!DOCTYPE r [<!ENTITY a "aaaa">]><Relationships>&a;</Relationships>'
    rewrite(TEMPLATE, tmp_path / "entity.xlsx", {"_rels/.rels": laughs})
    # refused at its DTD, before the entity: the package scanner refuses any DTD
    refused(tmp_path / "entity.xlsx", "_rels/.rels", "refused", "DTDForbidden")
    # its deflate stream damaged: zlib fails, or the CRC does
    data = bytearray(TEMPLATE.read_bytes())
    info = zipfile.ZipFile(TEMPLATE).getinfo("_rels/.rels")
    name_length, extra_length = struct.unpack_from("<2H", data, info.header_offset + 26)  # the local header's
    start = info.header_offset + 30 + name_length + extra_length
    for at in range(start, start + info.compress_size, 7):
        data[at] ^= 0x55
    (tmp_path / "deflate.xlsx").write_bytes(bytes(data))
    refused(tmp_path / "deflate.xlsx", "damaged")


def test_the_workbook_part_is_found_through_the_package_relationships(tmp_path):
    rels = zipfile.ZipFile(TEMPLATE).read("_rels/.rels").replace(b"xl/workbook.xml", b"xl/book.xml")
    rewrite(TEMPLATE, tmp_path / "renamed.xlsx", {"_rels/.rels": rels})
    refused(tmp_path / "renamed.xlsx", "no workbook part (xl/book.xml)")
    book = zipfile.ZipFile(TEMPLATE).read("xl/workbook.xml")
    rewrite(TEMPLATE, tmp_path / "moved.xlsx", {"_rels/.rels": rels, "xl/workbook.xml": None},
            {"xl/book.xml": book})
    check_workbook_file(tmp_path / "moved.xlsx")


# ---------------------------------------------------------------- zip bombs

def zeros_member(archive: zipfile.ZipFile, name: str, size: int, chunk: int = 1 << 20) -> None:
    """A member of ``size`` zero bytes, compressed as it is written: small in memory."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=size >= 1 << 31) as stream:
        block = bytes(chunk)
        for _ in range(size // chunk):
            stream.write(block)
        stream.write(bytes(size % chunk))


def test_a_member_inflating_more_than_the_ratio_is_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    rewrite(TEMPLATE, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        zeros_member(archive, "xl/media/zeros.bin", 64 << 20)
    info = zipfile.ZipFile(bomb).getinfo("xl/media/zeros.bin")
    assert info.file_size / info.compress_size > 900  # deflate's ~1000:1 on zeros
    message = refused(bomb, "refused", "xl/media/zeros.bin", "zip bomb")
    assert f"{untrusted.MAX_RATIO}-fold" in message


def test_a_small_member_may_compress_well_and_a_large_one_moderately(tmp_path):
    path = tmp_path / "ok.xlsx"
    rewrite(TEMPLATE, path, add={"xl/media/small.bin": bytes(untrusted.RATIO_GRACE_BYTES),  # ~1000:1 but small
                                 "xl/media/text.bin": _text(2 << 20)})                        # ~4:1
    check_workbook_file(path)


def _text(size: int) -> bytes:
    rng = random.Random(0)
    words = [rng.choice(["Research", "Engineer", "Manager", "Lead", "Team", "2024-03-01"]) for _ in range(size // 6)]
    return " ".join(words).encode()[:size] + bytes(str(rng.random()), "ascii")


def test_too_many_members_are_refused_from_the_end_record(tmp_path):
    path = tmp_path / "many.xlsx"
    rewrite(TEMPLATE, path)
    present = len(zipfile.ZipFile(path).infolist())
    with zipfile.ZipFile(path, "a") as archive:
        for i in range(untrusted.MAX_MEMBERS + 1 - present):
            archive.writestr(f"xl/media/{i}.bin", b"")
    with open(path, "rb") as handle:
        assert untrusted._declared_directory(handle, path.stat().st_size)[0] == untrusted.MAX_MEMBERS + 1
    refused(path, "refused", f"{untrusted.MAX_MEMBERS + 1:,} parts", f"{untrusted.MAX_MEMBERS:,}")


def test_a_zip64_count_is_read_from_the_zip64_end_record(tmp_path):
    path = tmp_path / "zip64.xlsx"
    with zipfile.ZipFile(path, "w") as archive:  # more than 65,535 entries: zipfile writes zip64 records
        for i in range(70_000):
            archive.writestr(f"{i}", b"")
    with open(path, "rb") as handle:
        assert untrusted._declared_directory(handle, path.stat().st_size)[0] == 70_000
    refused(path, "70,000 parts")


def test_a_total_over_the_limit_is_refused(tmp_path, monkeypatch):
    # the template declares 121 KB; under a 100 KB limit it is refused
    monkeypatch.setattr(untrusted, "MAX_UNCOMPRESSED_BYTES", 100 * 1024)
    refused(TEMPLATE, "refused", "MiB")


def test_a_50000_row_roster_passes_with_its_ratio_well_under_the_limit(tmp_path):
    """The ratios the limits were chosen by (see untrusted.MAX_RATIO): a plain roster
    of 50,000 rows x 6 columns, realistic text and dates, as openpyxl writes it."""
    rng = random.Random(1)
    first = ["Ada", "Grace", "Alan", "Carmen", "Esi", "Mateo", "Wei", "Priya", "Olu", "Sven", "Hana", "Juan"]
    last = ["Lovelace", "Hopper", "Turing", "Okafor", "Mensah", "Garcia", "Zhang", "Patel", "Berg", "Sato"]
    roles = ["Research Engineer", "Research Scientist", "Member of Technical Staff", "Research Manager",
             "People Manager", "Technical Program Manager", "Research Lead", "Senior Research Engineer"]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Staff")
    sheet.append(["Name", "Role", "Team", "Start date", "Soft skills", "Email"])
    for i in range(50_000):
        given, family = rng.choice(first), rng.choice(last)
        sheet.append([f"{given} {family} {i}", rng.choice(roles), f"Team {rng.randint(1, 97)}",
                      dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 4000)), rng.random() < 1 / 3,
                      f"{given.lower()}.{family.lower()}{i}@example.org"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    check_workbook_file(path)
    infos = zipfile.ZipFile(path).infolist()
    worst = max(info.file_size / info.compress_size for info in infos if info.file_size > untrusted.RATIO_GRACE_BYTES)
    total = sum(info.file_size for info in infos)
    assert 3 < worst < 20 < untrusted.MAX_RATIO  # measured about 9
    assert 10 << 20 < total < untrusted.MAX_UNCOMPRESSED_BYTES // 10  # measured 17 MB


# ---------------------------------------------------------------- zipfile's guarantee

def _stored_zip(name: str, payload: bytes, declared_size: int, crc: int) -> bytes:
    """A one-member deflated zip whose headers declare ``declared_size`` and ``crc``
    whatever ``payload`` really inflates to."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = compressor.compress(payload) + compressor.flush()
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), declared_size,
                        len(encoded), 0) + encoded
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(packed), declared_size,
                          len(encoded), 0, 0, 0, 0, 0, 0) + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(packed), 0)
    return local + packed + central + end


def test_zipfile_never_returns_more_than_a_member_declares():
    """The claim the declared sizes are trusted on: a member whose stream inflates to
    more than it declares fails its CRC; and if its CRC was forged for the declared
    bytes, exactly the declared bytes come back -- never the rest."""
    import io

    payload = bytes(8 << 20)  # 8 MiB of zeros, declared as 1,000 bytes
    honest_crc = zlib.crc32(payload)
    with zipfile.ZipFile(io.BytesIO(_stored_zip("a.xml", payload, 1000, honest_crc))) as archive:
        with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
            archive.read("a.xml")
        with archive.open("a.xml") as stream, pytest.raises(zipfile.BadZipFile):
            while stream.read(4096):  # streaming, as openpyxl's iterparse reads
                pass
    forged_crc = zlib.crc32(payload[:1000])
    with zipfile.ZipFile(io.BytesIO(_stored_zip("a.xml", payload, 1000, forged_crc))) as archive:
        assert archive.read("a.xml") == payload[:1000]


def test_a_member_declaring_more_than_it_holds_gives_what_it_holds():
    """Declaring too much only makes the checks stricter than needed: the reader stops
    at the end of the deflate stream."""
    import io

    payload = b"<a/>" * 100
    with zipfile.ZipFile(io.BytesIO(_stored_zip("a.xml", payload, 10_000, zlib.crc32(payload)))) as archive:
        assert archive.read("a.xml") == payload


# ---------------------------------------------------------------- hostile XML

def test_openpyxl_parses_through_defusedxml():
    import defusedxml.ElementTree
    import openpyxl.xml
    import openpyxl.xml.functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse
    assert openpyxl.xml.functions.fromstring is defusedxml.ElementTree.fromstring


LAUGHS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [\n <!ENTITY lol "lol">\n'
          + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b"]>\n")


def hostile_sheet(doctype: bytes, entity: str, part: str = TEAMS_SHEET) -> bytes:
    """The template's Teams sheet (or ``part``) with ``doctype`` in front and
    ``&entity;`` as the text of its title cell."""
    data = zipfile.ZipFile(TEMPLATE).read(part)
    if data.startswith(b"<?xml"):
        data = data[data.index(b"?>") + 2:]
    start = data.index(b'<c r="A1"')
    end = data.index(b"</c>", start) + 4
    cell = b'<c r="A1" t="inlineStr"><is><t>&' + entity.encode() + b";</t></is></c>"
    return doctype + data[:start] + cell + data[end:]


def compute_fails_in_one_line(path: Path, capsys, limit_seconds: float = 60) -> str:
    started = time.monotonic()
    assert cli.main(["compute", str(path), "-o", str(path.with_name("out.xlsx"))]) == 1
    assert time.monotonic() - started < limit_seconds
    captured = capsys.readouterr()
    err = captured.err
    assert err.count("\n") == 1 and err.startswith("talentneeds: ") and "Traceback" not in err, err
    assert not path.with_name("out.xlsx").exists()
    return captured.out + err


def test_a_billion_laughs_sheet_fails_in_one_line_quickly(tmp_path, capsys):
    path = rewrite(TEMPLATE, tmp_path / "laughs.xlsx", {TEAMS_SHEET: hostile_sheet(LAUGHS, "lol9")})
    check_workbook_file(path)  # the package itself is fine; the XML parser refuses
    text = compute_fails_in_one_line(path, capsys)
    assert "EntitiesForbidden" in text and "lollol" not in text


def test_an_external_entity_is_never_resolved(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    for target in (secret.as_uri(), "file:///etc/passwd"):
        doctype = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "' + target.encode() + b'">]>\n'
        path = rewrite(TEMPLATE, tmp_path / "xxe.xlsx", {TEAMS_SHEET: hostile_sheet(doctype, "xxe")})
        text = compute_fails_in_one_line(path, capsys)
        assert "EntitiesForbidden" in text
        assert "TOP-SECRET-MARKER" not in text and "root:" not in text


def test_a_dtd_without_entities_is_refused_where_we_parse_it(tmp_path, capsys):
    """defusedxml lets a bare DTD (no entity) through to openpyxl, which is harmless; our
    own XML splicing, which parses the sheets that get values, refuses any DTD."""
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet>\n'
    path = rewrite(TEMPLATE, tmp_path / "dtd.xlsx", {NEEDS_SHEET: hostile_sheet(doctype, "amp", NEEDS_SHEET)})
    text = compute_fails_in_one_line(path, capsys)
    assert "declares a DTD" in text


def test_render_refuses_a_hostile_file_before_looking_for_its_tools(tmp_path, capsys):
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert cli.main(["render", str(tmp_path / "old.xlsx"), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("talentneeds: ") and "without a password" in err


# ---------------------------------------------------------------- which errors are one line

def test_library_errors_are_reading_errors_and_our_bugs_are_not():
    def raise_in_openpyxl():
        from openpyxl.descriptors.base import Typed

        class Holder:
            value = Typed(expected_type=int)
        Holder().value = "x"  # openpyxl's descriptor raises TypeError

    with pytest.raises(TypeError) as from_openpyxl:
        raise_in_openpyxl()
    assert untrusted.is_reading_error(from_openpyxl.value)
    with pytest.raises(TypeError) as ours:
        None + 1  # a bug in our code
    assert not untrusted.is_reading_error(ours.value)
    assert untrusted.is_reading_error(zipfile.BadZipFile("Bad CRC-32"))
    assert untrusted.is_reading_error(zlib.error("invalid stored block lengths"))
    assert untrusted.describe_failure("a.xlsx", zipfile.BadZipFile("Bad CRC-32 for\nfile 'x'")) == \
        "a.xlsx: cannot read the workbook (BadZipFile: Bad CRC-32 for file 'x')"
    assert untrusted.describe_failure("a.xlsx", UntrustedFileError("no workbook part")) == "a.xlsx: no workbook part"
    assert untrusted.describe_failure("a.xlsx", PermissionError(13, "Permission denied", "out.xlsx")) == \
        "out.xlsx: Permission denied"
