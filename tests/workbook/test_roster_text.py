"""Roster text: encodings told by evidence, control characters refused by row and column,
one person under many Unicode spellings, files that are not files, titles of any length,
messages within one cell."""

import codecs
import os
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentneeds import excel_text, udfs
from talentneeds.model import roles
from talentneeds.roster import text as roster_text
from talentneeds.roster.problems import RosterFileError, RosterProblems, duplicate_problems
from talentneeds.roster.read import read_roster

CSV = "Name,Role,Start date\nAna Li,Research Engineer,2024-01-15\nBo Chen,People Manager,2023-06-01\n"

# ---------------------------------------------------------------- encodings

DECODED = [
    # (bytes, note); every one decodes to CSV
    (CSV.encode("utf-8"), None),
    (codecs.BOM_UTF8 + CSV.encode("utf-8"), None),
    (codecs.BOM_UTF16_LE + CSV.encode("utf-16-le"), "read as UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"), "read as UTF-16 (big-endian)"),
    # FF FE 00 00 is UTF-32LE's mark, not UTF-16LE's followed by a NUL
    (codecs.BOM_UTF32_LE + CSV.encode("utf-32-le"), "read as UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE + CSV.encode("utf-32-be"), "read as UTF-32 (big-endian)"),
    (CSV.encode("utf-16-le"), "read as UTF-16 (little-endian) (no byte-order mark; told by its zero bytes)"),
    (CSV.encode("utf-16-be"), "read as UTF-16 (big-endian) (no byte-order mark; told by its zero bytes)"),
    (CSV.encode("utf-32-le"), "read as UTF-32 (little-endian) (no byte-order mark; told by its zero bytes)"),
    (CSV.encode("utf-32-be"), "read as UTF-32 (big-endian) (no byte-order mark; told by its zero bytes)"),
]


@pytest.mark.parametrize("data, note", DECODED)
def test_every_encoding_is_told_by_its_mark_or_its_zero_bytes(data, note):
    assert roster_text.decode(data) == (CSV, note)


def test_accents_in_utf16_without_a_mark_still_show_the_pattern():
    text = CSV.replace("Ana Li", "Zoë Łukasiewicz-Nuñez")  # E9-range and 0141: non-zero high bytes
    assert roster_text.decode(text.encode("utf-16-le"))[0] == text


def test_windows_1252_is_read_and_said():
    assert roster_text.decode("Zoë,Ré\n".encode("cp1252")) == ("Zoë,Ré\n", "read as Windows-1252 (not UTF-8)")


@pytest.mark.parametrize("data, message", [
    # a UTF-32 mark, then bytes that are no UTF-32 character (0x110000 is beyond Unicode)
    (codecs.BOM_UTF32_LE + b"\x00\x00\x11\x00", "is not valid UTF-32 (little-endian) at byte 4"),
    # a UTF-16 mark, then a lone low surrogate (DC00)
    (codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xdc", "is not valid UTF-16 (little-endian) at byte 6"),
    # the zero-byte pattern of UTF-16LE (100 ASCII characters), then a lone high surrogate at byte 200
    (("Name,Role\n" * 10).encode("utf-16-le") + b"\x00\xd8" + "x".encode("utf-16-le"),
     "is not valid UTF-16 (little-endian) at byte 200"),
])
def test_text_that_starts_like_an_encoding_and_breaks_is_refused(data, message):
    with pytest.raises(roster_text.NotText, match=re.escape(message + " (it starts like it); save it as CSV UTF-8")):
        roster_text.decode(data)


@given(st.text(alphabet=string.ascii_letters + string.digits + ",;\n -/", min_size=2),
       st.sampled_from(["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]), st.booleans())
def test_ascii_text_in_any_utf16_or_utf32_round_trips(text, encoding, with_mark):
    mark = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
            "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[encoding]
    data = (mark if with_mark else b"") + text.encode(encoding)
    assert roster_text.decode(data)[0] == text


def test_a_utf16_file_is_imported_not_misread(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(CSV.encode("utf-16-le"))
    roster = read_roster(path)
    assert [p.name for p in roster.people] == ["Ana Li", "Bo Chen"]
    assert "read as UTF-16 (little-endian) (no byte-order mark; told by its zero bytes)" in roster.notes


def test_full_width_headers_are_the_same_headers(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(CSV.replace("Name,Role,Start date", "Ｎａｍｅ,Ｒｏｌｅ,Ｓｔａｒｔ　ｄａｔｅ"), encoding="utf-8")
    roster = read_roster(path)
    assert [p.name for p in roster.people] == ["Ana Li", "Bo Chen"]
    roster_range = [["Ｒｏｌｅ", "Ｓｔａｒｔ ｄａｔｅ", "Ｓｏｆｔ ｓｋｉｌｌｓ"], ["Research Engineer", "2020-01-01", True]]
    assert udfs.INTERNAL_AMPLIFIERS(roster_range, "2024-01-01") == 1.0


# ---------------------------------------------------------------- control characters

@pytest.mark.parametrize("line, where, character", [
    ("Ana\x00Li,Research Engineer,2024-01-15", "line 2, column 'Name'", "U+0000 at character 4"),
    ("Ana Li,Research\x1bEngineer,2024-01-15", "line 2, column 'Role'", "U+001B at character 9"),
    ("Ana Li,Research Engineer,2024-01-1\x005", "line 2, column 'Start date'", "U+0000 at character 10"),
    ("Ana Li\x7f,Research Engineer,2024-01-15", "line 2, column 'Name'", "U+007F at character 7"),
    ("Ana Li\x85,Research Engineer,2024-01-15", "line 2, column 'Name'", "U+0085 at character 7"),
    ("\x01Ana Li,Research Engineer,2024-01-15", "line 2, column 'Name'", "U+0001 at character 1"),
])
def test_control_characters_are_refused_by_row_and_column(tmp_path, line, where, character):
    path = tmp_path / "hr.csv"
    path.write_text(f"Name,Role,Start date\n{line}\n", encoding="utf-8")
    with pytest.raises(RosterProblems) as error:
        read_roster(path)
    (problem,) = error.value.problems
    assert problem.where == f"{path} {where}"
    assert problem.message.startswith(f"contains the control character {character}; remove it")
    assert "\x00" not in str(error.value)


def test_tabs_and_line_breaks_are_text_not_control_characters():
    assert excel_text.first_control("a\tb\nc\rd") is None


def test_a_control_character_in_an_excel_roster_or_title_is_named():
    roster = [["Role", "Start date", "Soft skills"], ["Research\x01Engineer", "2020-01-01", True]]
    assert udfs.INTERNAL_AMPLIFIERS(roster) == ("#VALUE! roster row 2: Role contains the control character U+0001 "
                                                "at character 9; remove it (Excel's CLEAN() does)")
    assert udfs.ARCHETYPE("Research\x00Engineer") == ("#VALUE! role_title contains the control character U+0000 "
                                                      "at character 9; remove it (Excel's CLEAN() does)")


# ---------------------------------------------------------------- the same person twice

@pytest.mark.parametrize("first, second", [
    ("José Li", "Jose\u0301 Li"),            # composed vs decomposed accent (NFC vs NFD)
    ("Ana Li", "Ana\u200b Li"),              # zero-width space
    ("Ana Li", "An\u00ada Li"),              # soft hyphen
    ("Ana Li", "Ana\u2060Li"),               # word joiner
    ("Bo Chen", "Ｂｏ Ｃｈｅｎ"),               # full-width letters (NFKC)
    ("ﬁona", "Fiona"),                       # the ligature fi (NFKC), and case
    ("Straße", "STRASSE"),                   # case folding
])
def test_one_name_in_two_unicode_spellings_is_a_duplicate(first, second):
    (problem,) = duplicate_problems([("line 2", first), ("line 3", second)], "hr.csv")
    assert problem.message.startswith("lines 2 and 3:")


def test_different_names_are_not_duplicates():
    assert duplicate_problems([("line 2", "José Li"), ("line 3", "Jose Li"), ("line 4", "Ana Lin")], "hr.csv") == []


# ---------------------------------------------------------------- not a file

def test_what_is_not_a_regular_file_is_named_for_what_it_is(tmp_path):
    fifo, folder, link = tmp_path / "pipe.csv", tmp_path / "folder.csv", tmp_path / "link.csv"
    os.mkfifo(fifo)
    folder.mkdir()
    link.symlink_to(tmp_path / "gone.csv")
    for path, message in ((fifo, "is a named pipe (FIFO), not a regular file"),
                          (folder, "is a folder, not a regular file"),
                          (link, "is a symbolic link to a file that does not exist"),
                          (tmp_path / "missing.csv", "no such file")):
        with pytest.raises(RosterFileError) as error:
            read_roster(path)  # a FIFO would block for ever if it were opened
        assert str(error.value).startswith(f"{path}: {message}")


# ---------------------------------------------------------------- titles of any length

@pytest.mark.parametrize("title, archetype", [
    ("Senior Research Engineer, Interpretability", "Iterator"),
    ("Sr. Research-Engineer II", "Iterator"),
    ("Staff Senior Research Scientist L5", "Iterator"),
    ("Lead Research Engineer", "Iterator"),
    ("Research Lead", "Connector"),
    ("Research\u200b Engineer", "Iterator"),   # invisible character
    ("ＴＰＭ", "Amplifier"),                     # full-width
    ("senior " * 50_000 + "People Manager", "Amplifier"),
])
def test_titles_are_found_through_their_decorations(title, archetype):
    assert roles.archetype(title).value == archetype


def test_title_variants_are_bounded_by_the_catalogue_not_the_title():
    # the old prefix stripping built one string per leading seniority word (quadratic):
    # now at most the catalogue's longest title (4 words) + 3 variants, however long
    title = "senior " * 200_000 + "research engineer ii"
    variants = list(roles._variants(title, 4))
    assert len(variants) <= 4 + 3
    assert variants[-1] == "research engineer"
    assert max(len(v) for v in variants[1:]) < 40


# ---------------------------------------------------------------- one cell's worth

def test_messages_are_cut_to_what_one_cell_holds_in_utf16_units():
    # 20,000 emoji are 20,000 characters in Python but 40,000 UTF-16 code units in Excel
    emoji = "\U0001F600" * 20_000
    assert len(emoji) == 20_000 and excel_text.utf16_length(emoji) == 40_000
    cut = excel_text.cap(emoji)
    assert excel_text.utf16_length(cut) <= 32_767 and cut.endswith("\u2026")
    assert cut[:-1] == emoji[:len(cut) - 1]  # whole characters: no half of a surrogate pair
    assert excel_text.cap("a" * 32_767) == "a" * 32_767
    assert excel_text.utf16_length(excel_text.cap("a" * 32_768)) == 32_767


def test_an_unknown_long_title_is_not_repeated_in_full():
    result = udfs.ARCHETYPE("Wizard " * 10_000)
    assert result.startswith('#N/A role "Wizard Wizard') and "(69,999 characters)" in result
    assert excel_text.utf16_length(result) < 400


def test_a_name_longer_than_a_cell_in_utf16_units_is_refused(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(f"Name,Role,Start date\n{'😀' * 16_384},Research Engineer,2024-01-15\n", encoding="utf-8")
    with pytest.raises(RosterProblems, match="is 32,768 characters long \\(as Excel counts them\\); an Excel cell "
                                             "holds at most 32,767"):
        read_roster(path)
