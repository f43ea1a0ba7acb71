"""Parts openpyxl writes in an order Excel's schema does not allow, put in that order.

openpyxl writes a font's children as name, family, b, i, ..., color, sz, scheme; the
schema (and Microsoft's Open XML SDK validator, which reports every such file) wants
b, i, strike, condense, extend, outline, shadow, u, vertAlign, sz, color, name, family,
charset, scheme -- the order Excel itself writes. Only the order changes: the same
elements, the same attributes, the same bytes for each child.
"""

from __future__ import annotations

import re

FONT_CHILD_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
                    "color", "name", "family", "charset", "scheme")
_RANK = {name: rank for rank, name in enumerate(FONT_CHILD_ORDER)}
# A font element of styles.xml (never nested) and its empty children, optionally prefixed.
_FONT = re.compile(rb"<((?:\w+:)?)font>(.*?)</\1font>", re.S)
_CHILD = re.compile(rb"<(?:\w+:)?(\w+)\b[^>]*/>")


def _ordered_font(match: re.Match) -> bytes:
    body = match.group(2)
    children = list(_CHILD.finditer(body))
    if _CHILD.sub(b"", body).strip():
        return match.group(0)  # something other than empty children: leave it as it is
    ranked = sorted(children, key=lambda child: _RANK.get(child.group(1).decode(), len(_RANK)))
    prefix = match.group(1)
    return b"<" + prefix + b"font>" + b"".join(child.group(0) for child in ranked) + b"</" + prefix + b"font>"


def ordered_styles(xml: bytes) -> bytes:
    """styles.xml with every font's children in the schema's order."""
    return _FONT.sub(_ordered_font, xml)
