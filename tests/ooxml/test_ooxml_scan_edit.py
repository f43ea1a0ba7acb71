"""talentneeds.ooxml's scanner and edits on small parts whose offsets are counted by hand."""

from __future__ import annotations

from xml.parsers.expat import ExpatError

import pytest

from talentneeds import ooxml
from talentneeds.ooxml import PackageError

# offsets: the declaration is 21 bytes and a newline (0-21); <r xmlns="u"> 22-34;
# <a x="1"/> 35-44; <b> 45-47, "t" 48, </b> 49-52; </r> 53-56
PART = b'<?xml version="1.0"?>\n<r xmlns="u"><a x="1"/><b>t</b></r>'


def test_the_scanner_records_each_elements_span():
    root = ooxml.scan(PART)
    assert (root.name, root.start, root.end_tag, root.end) == ("r", 22, 53, 57)
    a, b = root.children
    assert (a.name, a.attrs, a.start, a.end_tag, a.end) == ("a", [("x", "1")], 35, -1, 45)
    assert (b.start, b.end_tag, b.end) == (45, 49, 53)
    assert PART[b.start:b.end] == b"<b>t</b>" and PART[a.start:a.end] == b'<a x="1"/>'


def test_the_scanner_stops_at_the_depth_asked_for():
    data = b"<r><s><t><u/></t></s></r>"
    assert ooxml.scan(data, depth=1).children[0].children == []
    t = ooxml.scan(data, depth=2).children[0].children[0]
    assert (t.name, t.start, t.end, t.children) == ("t", 6, 17, [])


def test_prefixed_names_and_a_greater_than_sign_inside_a_value():
    data = b'<x:r xmlns:x="u"><x:c v="1>2" w=\'a"b\'/></x:r>'
    c = ooxml.scan(data).children[0]
    assert (c.local, c.prefix, c.attr("v"), c.attr("w"), c.attr("z")) == ("c", "x:", "1>2", 'a"b', None)
    assert ooxml.tag_end(data, c.start) == len(data) - len(b"</x:r>")  # the ">" in "1>2" does not end it
    assert ooxml.scan(data).find("c") == [c] and ooxml.scan(data).find("d") == []


def test_namespaced_start_tags():
    data = b'<r xmlns="u" xmlns:p="v"><p:a p:k="1" k="2"/></r>'
    assert ooxml.start_tags(data) == [("u r", {}), ("v a", {"v k": "1", "k": "2"})]


@pytest.mark.parametrize("hostile, refusal", [
    (b'<!DOCTYPE r><r/>', "DTDForbidden"),                                     # a bare DTD
    (b'<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>', "DTDForbidden"),          # an entity
    (b'<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>', "DTDForbidden"),         # an external DTD
    (b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', "DTDForbidden"),  # XXE
])
def test_hostile_xml_is_refused_before_anything_is_expanded(hostile, refusal):
    with pytest.raises(PackageError, match=refusal):
        ooxml.scan(hostile)
    with pytest.raises(PackageError, match=refusal):
        ooxml.start_tags(hostile)


def test_the_refusals_are_set_on_every_parser_made():
    # past the DOCTYPE handler (replaced here), the entity declaration is refused on its own
    parser = ooxml.parser()
    parser.StartDoctypeDeclHandler = None
    with pytest.raises(PackageError, match="EntitiesForbidden"):
        parser.Parse(b'<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>', True)
    parser = ooxml.parser()
    parser.StartDoctypeDeclHandler = None
    with pytest.raises(PackageError, match="EntitiesForbidden"):
        parser.Parse(b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', True)


def test_malformed_xml_is_expats_error():
    with pytest.raises(ExpatError):
        ooxml.scan(b"<r><a></r>")


def test_splice_replaces_and_inserts_in_offset_order():
    assert ooxml.splice(b"abcdef", [(5, 6, b""), (1, 3, b"X"), (3, 3, b"Y")]) == b"aXYde"
    # an insertion at the start of a replaced span goes before the replacement
    assert ooxml.splice(b"abcdef", [(2, 4, b"R"), (2, 2, b"I")]) == b"abIRef"
    assert ooxml.splice(b"abc", []) == b"abc"
    with pytest.raises(AssertionError):
        ooxml.splice(b"abcdef", [(1, 4, b""), (3, 5, b"")])


def test_set_attributes_changes_values_in_place_and_keeps_every_other_byte():
    data = b"<r><sheet name=\"A\" sheetId='1'  state='hidden' r:id=\"rId1\"/></r>"
    sheet = ooxml.scan(data).children[0]
    start, end, tag = ooxml.set_attributes(data, sheet.start, {"state": "visible"})
    assert (start, end) == (3, len(data) - 4)
    assert tag == b"<sheet name=\"A\" sheetId='1'  state=\"visible\" r:id=\"rId1\"/>"
    assert ooxml.set_attributes(data, 3, {"state": None})[2] == b"<sheet name=\"A\" sheetId='1' r:id=\"rId1\"/>"
    added = ooxml.set_attributes(data, 3, {"new": 'a"<b', "name": "B"})[2]
    assert added == b"<sheet name=\"B\" sheetId='1'  state='hidden' r:id=\"rId1\" new=\"a&quot;&lt;b\"/>"


def test_set_attributes_matches_whole_names_and_keeps_spacing_before_the_close():
    data = b'<f xref="1" t="array"  ref="A1:A2" >A1</f>'
    assert ooxml.splice(data, [ooxml.set_attributes(data, 0, {"ref": "A1:A5"})]) == \
        b'<f xref="1" t="array"  ref="A1:A5" >A1</f>'
    assert ooxml.set_attributes(b"<a >", 0, {"k": "v"})[2] == b'<a k="v" >'
    assert ooxml.set_attributes(b'<a v="1>2"/>', 0, {"v": "3"})[2] == b'<a v="3"/>'


def test_start_tags_and_text_are_escaped_as_xml_needs():
    assert ooxml.start_tag("c", [("r", "A1"), ("t", 'a<"&\n')]) == b'<c r="A1" t="a&lt;&quot;&amp;&#10;">'
    assert ooxml.start_tag("x:c", [], empty=True) == b"<x:c/>"
    assert ooxml.escape_text("a<b>&\r") == "a&lt;b&gt;&amp;&#13;"
    # ST_Xstring: a control character as _xHHHH_, a literal _xHHHH_ protected by _x005F_
    assert ooxml.xstring("a\x01b\uffff") == "a_x0001_b_xFFFF_"
    assert ooxml.xstring("_x0041_ and _x00") == "_x005F_x0041_ and _x00"
