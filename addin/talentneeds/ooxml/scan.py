"""The one XML scanner for package parts: expat with defusedxml's refusals, recording where
each element starts and ends in the part's bytes, so that an edit can splice new bytes in
and keep every other byte (declaration, namespace prefixes, quoting) as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from talentneeds.errors import FileError


class PackageError(FileError):
    """A part of the package cannot be read or edited; the message says why."""

    names_file = False


def parser(namespaces: bool = False) -> expat.XMLParserType:
    """An expat parser with defusedxml's refusals (the exceptions of its ``DefusedExpatParser``
    with every ``forbid_*``): no DTD, no entity declaration, no external reference (billion
    laughs, XXE). A raw expat parser because splicing needs byte offsets, which SAX does not
    give; the refusals are raised here rather than through defusedxml's SAX reader, whose
    import pulls in ``xml.sax`` and ``urllib.request`` (~15 ms of every compute).
    ``namespaces``: element and attribute names as "uri local" rather than as written."""
    made = expat.ParserCreate(namespace_separator=" " if namespaces else None)

    def refuse(error: Exception):
        raise PackageError(f"a workbook part declares a DTD, an entity or an external "
                           f"reference ({type(error).__name__}); refusing to parse it") from error

    def doctype(name, sysid, pubid, _has_internal_subset):
        refuse(DTDForbidden(name, sysid, pubid))

    def entity(name, _is_parameter_entity, value, base, sysid, pubid, notation_name):
        refuse(EntitiesForbidden(name, value, base, sysid, pubid, notation_name))

    def unparsed_entity(name, base, sysid, pubid, notation_name):
        refuse(EntitiesForbidden(name, None, base, sysid, pubid, notation_name))

    def external_reference(context, base, sysid, pubid):
        refuse(ExternalReferenceForbidden(context, base, sysid, pubid))

    made.StartDoctypeDeclHandler = doctype
    made.EntityDeclHandler = entity
    made.UnparsedEntityDeclHandler = unparsed_entity
    made.ExternalEntityRefHandler = external_reference
    made.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return made


_TAG = re.compile(rb"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")  # '>' may sit unescaped in a value


def tag_end(data: bytes, start: int) -> int:
    """Offset after the ">" that closes the tag starting at ``start``."""
    match = _TAG.match(data, start)
    if match is None:
        raise PackageError("malformed sheet XML: unterminated tag")
    return match.end()


@dataclass(slots=True)
class Element:
    """An element of a part and where it sits in the part's bytes."""

    name: str                       # as written, with its prefix
    attrs: list[tuple[str, str]]    # as written, in order, unescaped
    start: int                      # offset of "<"
    end: int = -1                   # offset after the element's last ">"
    end_tag: int = -1               # offset of "</name>" (-1 when self-closing)
    children: list[Element] = field(default_factory=list)
    tracked: bool = True            # False: an element whose offsets nobody needs

    def attr(self, key: str) -> str | None:
        for k, v in self.attrs:  # a loop, not next(genexpr): called for every cell of a sheet
            if k == key:
                return v
        return None

    @property
    def local(self) -> str:
        """The name without its prefix."""
        return self.name.rpartition(":")[2]

    @property
    def prefix(self) -> str:
        """The name's prefix with its colon ("x:"), or ""."""
        return self.name[:len(self.name) - len(self.local)]

    def find(self, local: str) -> list[Element]:
        """The recorded children named ``local`` (any prefix)."""
        return [child for child in self.children if child.local == local]


def close(element: Element, data: bytes, at: int) -> None:
    """Record where ``element`` ends; ``at``: expat's offset at its end event (the "<" of
    its end tag when it has one)."""
    after_tag = tag_end(data, element.start)
    if data[after_tag - 2:after_tag] == b"/>":  # <x .../>
        element.end = after_tag
    else:
        element.end_tag = at
        element.end = data.index(b">", at) + 1


def scan(data: bytes, depth: int = 1) -> Element:
    """The root element of ``data`` with its descendants down to ``depth`` levels below it
    (children of the root: 1), each with its offsets."""
    made = parser()
    made.ordered_attributes = True
    stack: list[Element | None] = []
    roots: list[Element] = []

    def start(name, attrs):
        if len(stack) > depth:
            stack.append(None)
            return
        element = Element(name, list(zip(attrs[::2], attrs[1::2])), made.CurrentByteIndex)
        if stack:
            stack[-1].children.append(element)
        else:
            roots.append(element)
        stack.append(element)

    def end(_name):
        element = stack.pop()
        if element is not None:
            close(element, data, made.CurrentByteIndex)

    made.StartElementHandler, made.EndElementHandler = start, end
    made.Parse(data, True)
    return roots[0]


def start_tags(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """(namespace-qualified name "uri local", attributes) of every element, in order."""
    found = []
    made = parser(namespaces=True)
    made.StartElementHandler = lambda name, attrs: found.append((name, attrs))
    made.Parse(data, True)
    return found
