"""The XML and zip helpers the roster import uses: the one place it reaches the
cached-values writer's parts handling (the same defused expat parser, the same way of
finding parts, the same text escaping and zip copy), under public names; and a scanner
that records the byte offsets of the elements near a part's root.

Keep every import of :mod:`talentneeds.engines.cached_values` here: when those helpers
move to a public OOXML package, this is the one module to repoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from talentneeds.engines.cached_values import (  # noqa: F401 -- re-exported under public names below
    _CELL,
    CachedValuesError,
    _apply,
    _copy_zip,
    _escape_text,
    _ooxml_string,
    _parser,
    _relationships,
    _rels_part,
    _tag_end,
    _target,
    _workbook_part,
    _worksheet_parts,
)

CELL_REF = _CELL
apply_edits = _apply
copy_zip = _copy_zip
escape_text = _escape_text
ooxml_string = _ooxml_string
xml_parser = _parser
relationships = _relationships
rels_part_of = _rels_part
find_tag_end = _tag_end
part_target = _target
find_workbook_part = _workbook_part
worksheet_parts = _worksheet_parts

TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
CALC_CHAIN_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"


@dataclass
class Node:
    """An element's byte offsets: start ("<"), tag_end (after the start tag's ">"), end
    (after the element), end_tag (offset of "</...>", -1 when self-closing)."""
    name: str
    attrs: list[tuple[str, str]]
    start: int
    tag_end: int = -1
    end: int = -1
    end_tag: int = -1

    def attr(self, key: str) -> str | None:
        return next((v for k, v in self.attrs if k == key), None)


def close_node(node: Node, data: bytes, parser) -> None:
    node.tag_end = find_tag_end(data, node.start)
    if data[node.tag_end - 2:node.tag_end] == b"/>":
        node.end = node.tag_end
    else:
        node.end_tag = parser.CurrentByteIndex
        node.end = data.index(b">", node.end_tag) + 1


def top_elements(data: bytes, depth_of_interest: int = 1) -> tuple[Node, list[tuple[int, Node]]]:
    """The root and every element down to ``depth_of_interest`` (depth, node), with offsets."""
    parser = xml_parser(namespaces=False)
    parser.ordered_attributes = True
    stack: list[Node | None] = []
    found: list[tuple[int, Node]] = []

    def start(name, attrs):
        depth = len(stack)
        if depth <= depth_of_interest:
            node = Node(name, list(zip(attrs[::2], attrs[1::2])), parser.CurrentByteIndex)
            found.append((depth, node))
            stack.append(node)
        else:
            stack.append(None)

    def end(_name):
        node = stack.pop()
        if node is not None:
            close_node(node, data, parser)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(data, True)
    return found[0][1], found[1:]


def prefix_of(root: Node) -> str:
    return root.name.split(":")[0] + ":" if ":" in root.name else ""


def set_attr(tag: bytes, name: str, value: str) -> bytes:
    """A start tag with attribute ``name`` set to ``value`` (added before the end when absent)."""
    escaped = escape_text(value).replace('"', "&quot;").encode()
    pattern = re.compile(rb"(\s" + re.escape(name.encode()) + rb"\s*=\s*)([\"'])(.*?)\2", re.DOTALL)
    if pattern.search(tag):
        return pattern.sub(lambda m: m.group(1) + b'"' + escaped + b'"', tag, count=1)
    cut = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:cut].rstrip() + f' {name}="'.encode() + escaped + b'"' + tag[cut:]

