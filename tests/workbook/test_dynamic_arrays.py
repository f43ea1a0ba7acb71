"""The template's table functions are dynamic arrays written as Excel writes them.

The reference is XlsxWriter's ``write_dynamic_array_formula``, whose test suite compares
its output with files saved by Excel: our metadata part must say what its part says, and
our anchors must carry the same cell metadata."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree as ET

import pytest
import xlsxwriter

from talentneeds.workbook import dynamic_arrays
from talentneeds.workbook.builder import build_template


def canonical(xml: bytes):
    def walk(element):
        return (element.tag, sorted(element.attrib.items()), (element.text or "").strip(),
                [walk(child) for child in element])
    return walk(ET.fromstring(xml))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> zipfile.ZipFile:
    path = tmp_path_factory.mktemp("xlsxwriter") / "dynamic.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write_dynamic_array_formula("A1:D4", "=TEAM_NEEDS(3)")
    workbook.close()
    return zipfile.ZipFile(path)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> zipfile.ZipFile:
    return zipfile.ZipFile(build_template(tmp_path_factory.mktemp("template") / "t.xlsx", computed=False))


def test_the_metadata_part_is_the_one_excel_writes(reference, template):
    assert canonical(template.read("xl/metadata.xml")) == canonical(reference.read("xl/metadata.xml"))


def test_the_part_is_tied_in_as_excel_ties_it(reference, template):
    for part, pattern in (("[Content_Types].xml", rb'<Override [^>]*PartName="/xl/metadata.xml"[^>]*>'),
                          ("xl/_rels/workbook.xml.rels", rb'<Relationship [^>]*metadata.xml[^>]*>')):
        ours, theirs = (re.search(pattern, z.read(part)).group(0) for z in (template, reference))
        attributes = (lambda tag: dict(ET.fromstring(tag).attrib) | {"Id": None})
        assert attributes(ours) == attributes(theirs)


def test_every_array_formula_anchor_is_a_dynamic_array_and_nothing_else_is(reference, template):
    theirs = re.search(rb'<c r="A1"[^>]*>', reference.read("xl/worksheets/sheet1.xml")).group(0)
    assert b' cm="1"' in theirs
    anchors = 0
    for name in template.namelist():
        if name.startswith("xl/worksheets/sheet"):
            xml = template.read(name)
            cells = re.findall(rb'<c ([^>]*)>(\s*<f[^>]*>)?', xml)
            for attributes, formula in cells:
                array = b't="array"' in formula
                anchors += array
                assert (b'cm="1"' in attributes) == array, (name, attributes, formula)
    # Needs 2, Candidates 1, Cohort 3, Plan 6 (plan, labels, cost, distribution, the Fast growth schedule's
    # two columns), Scenarios 13 (5 headlines, 4 plans, their 4 costs), Checks 1 (the unknown titles)
    assert anchors == 26


def test_marking_is_idempotent_and_leaves_other_cells_alone():
    xml = (b'<sheetData><row r="1"><c r="A1" s="2"><f t="array" ref="A1:B2">F()</f></c>'
           b'<c r="C1"><f>G()</f></c><c r="D1" cm="1"><f t="array" ref="D1">H()</f></c></row></sheetData>')
    once = dynamic_arrays.mark_anchors(xml)
    assert once == xml.replace(b'<c r="A1" s="2">', b'<c r="A1" s="2" cm="1">')
    assert dynamic_arrays.mark_anchors(once) == once
