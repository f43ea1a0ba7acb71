"""The three archetypes of the source, and "Not counted" for roles outside them."""

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


class NotCounted(str, Enum):
    """A role outside the three archetypes (operations, recruiting, finance ...): kept on a
    roster, left out of every count."""

    NOT_COUNTED = "Not counted"

    def __str__(self) -> str:
        return self.value


NOT_COUNTED = NotCounted.NOT_COUNTED
_NOT_COUNTED_NAMES = frozenset({"notcounted", "not counted"})


def parse_role_archetype(text: object) -> Archetype | NotCounted:
    """What a catalogue or a roster's Archetype column may say: an archetype, or "Not counted"."""
    if isinstance(text, NotCounted):
        return text
    if isinstance(text, str) and " ".join(text.replace("-", " ").split()).lower() in _NOT_COUNTED_NAMES:
        return NOT_COUNTED
    try:
        return parse_archetype(text)
    except InvalidInput:
        raise InvalidInput(f'archetype must be "Amplifier", "Iterator", "Connector" or "Not counted", '
                           f"got {shown(text)}") from None
