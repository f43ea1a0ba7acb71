"""Edits of a part's bytes: splices at recorded offsets and attribute changes in one start tag,
each leaving every other byte as it was."""

from __future__ import annotations

import re

from talentneeds.ooxml.scan import tag_end

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

Edit = tuple[int, int, bytes]  # (start, end, replacement); an insertion when start == end


def splice(data: bytes, edits: list[Edit]) -> bytes:
    """``data`` with each edit's bytes in place of ``data[start:end]``; an insertion
    (start == end) at a replaced element's start goes before it."""
    out, position = [], 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < position:
            raise AssertionError("overlapping edits")  # a bug in the caller, not in the input
        out += [data[position:start], replacement]
        position = end
    out.append(data[position:])
    return b"".join(out)


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def escape_attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def xstring(text: str) -> str:
    """Text as OOXML stores it (ST_Xstring): characters XML cannot hold as _xHHHH_, and a
    literal _xHHHH_ protected as _x005F_xHHHH_ so that it reads back unchanged."""
    text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def start_tag(name: str, attrs: list[tuple[str, str]], empty: bool = False) -> bytes:
    """``<name a="v"...>`` (``/>`` when ``empty``), the values escaped."""
    body = "".join(f' {k}="{escape_attr(v)}"' for k, v in attrs)
    return f"<{name}{body}{'/' if empty else ''}>".encode()


# one attribute of a well-formed start tag (expat has parsed it): its leading space, name, value
_ATTRIBUTE = re.compile(rb"""(\s+)([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")


def set_attributes(data: bytes, start: int, values: dict[str, str | None]) -> Edit:
    """The edit that gives the start tag at ``start`` the attribute ``values``: an
    attribute it has gets the new value in place (None: the attribute is removed), one it
    lacks is added at the end of the tag. Every other byte of the tag is kept."""
    end = tag_end(data, start)
    tag = data[start:end]
    name_end = re.match(rb"<[^\s/>]+", tag).end()
    pending = dict(values)
    out, position = [tag[:name_end]], name_end
    for match in _ATTRIBUTE.finditer(tag, name_end):
        key = match.group(2).decode()
        if key not in pending:
            continue
        value = pending.pop(key)
        out.append(tag[position:match.start()])
        if value is not None:
            out.append(match.group(1) + match.group(2) + b'="' + escape_attr(value).encode() + b'"')
        position = match.end()
    close_at = len(tag) - (2 if tag.endswith(b"/>") else 1)
    tail = tag[position:close_at]
    stripped = tail.rstrip()
    added = b"".join(f' {k}="{escape_attr(v)}"'.encode() for k, v in pending.items() if v is not None)
    out += [stripped, added, tail[len(stripped):], tag[close_at:]]
    return start, end, b"".join(out)
