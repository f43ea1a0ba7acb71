"""The three archetypes of the source."""

from __future__ import annotations

from enum import Enum

from talentneeds.errors import InvalidInput, shown


class Archetype(str, Enum):
    AMPLIFIER = "Amplifier"
    ITERATOR = "Iterator"
    CONNECTOR = "Connector"

    def __str__(self) -> str:
        return self.value


ARCHETYPES = tuple(Archetype)
_BY_NAME = {a.value.lower(): a for a in Archetype} | {a.value.lower() + "s": a for a in Archetype}


def parse_archetype(text: object) -> Archetype:
    """``"iterator"``, ``"Iterators"`` or an :class:`Archetype` -> the archetype."""
    if isinstance(text, Archetype):
        return text
    if isinstance(text, str) and text.strip().lower() in _BY_NAME:
        return _BY_NAME[text.strip().lower()]
    raise InvalidInput(f'archetype must be "Amplifier", "Iterator" or "Connector", got {shown(text)}')
