"""Role title -> archetype (claim 10), through an editable catalogue.

A title is looked up exactly (ignoring case, spacing and punctuation). If that misses,
the lookup retries with the decorations a real HR export adds taken off: a team after
" - ", "," or "(" ("Research Engineer, Interpretability"), a seniority word in front
("Senior", "Staff", "Principal", ...) and a level at the end ("II", "L5", "3").
A title that still does not match is an :class:`UnknownRole`, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from talentneeds.errors import InvalidInput, UnknownRole, shown
from talentneeds.model.archetypes import Archetype, parse_archetype

A, I, C = Archetype.AMPLIFIER, Archetype.ITERATOR, Archetype.CONNECTOR

DEFAULT_ROLES: tuple[tuple[str, Archetype], ...] = (
    ("Research Engineer", I),
    ("Research Scientist", I),
    ("Member of Technical Staff", I),
    ("Machine Learning Engineer", I),
    ("ML Engineer", I),
    ("Software Engineer", I),
    ("Research Software Engineer", I),
    ("Applied Scientist", I),
    ("Research Associate", I),
    ("Research Fellow", I),
    ("Postdoctoral Researcher", I),
    ("PhD Student", I),
    ("People Manager", A),
    ("Research Manager", A),
    ("Engineering Manager", A),
    ("Team Manager", A),
    ("Manager", A),
    ("Technical Program Manager", A),
    ("TPM", A),
    ("Program Manager", A),
    ("Project Manager", A),
    ("Research Lead", C),
    ("Research Director", C),
    ("Head of Research", C),
    ("Principal Investigator", C),
    ("Chief Scientist", C),
    ("Founder", C),
    ("Co-founder", C),
)

_SENIORITY = r"(senior|sr|junior|jr|staff|principal|distinguished|associate|lead|chief)"
_LEVEL = r"(i{1,3}|iv|v|l?\d+)"
_PUNCTUATION = re.compile(r"[^\w]+")
_TEAM_SUFFIX = re.compile(r"\s[-–—]\s|,|\(|/|\|")
_LEVEL_SUFFIX = re.compile(rf"\s+{_LEVEL}$")
_SENIORITY_PREFIX = re.compile(rf"^{_SENIORITY}\s+")
# Titles looked up per catalogue are remembered, up to this many (a roster repeats a few
# dozen titles thousands of times); beyond it the memory is cleared and refilled.
_MEMO_SIZE = 4096


def normalise_title(title: str) -> str:
    """Lower case, punctuation to spaces, single spaces: "Sr. Research-Engineer" -> "sr research engineer"."""
    return " ".join(_PUNCTUATION.sub(" ", title.casefold()).split())


def _variants(title: str) -> Iterator[str]:
    """The title, then with team suffix, seniority prefixes and level suffixes removed
    (lazily: a lookup stops at the first variant the catalogue knows)."""
    yield normalise_title(title)
    base = _TEAM_SUFFIX.split(title, maxsplit=1)[0]
    words = normalise_title(base)
    yield words
    stripped = _LEVEL_SUFFIX.sub("", words)
    yield stripped
    while True:
        shorter = _SENIORITY_PREFIX.sub("", stripped)
        if shorter == stripped:
            break
        stripped = shorter
        yield stripped


class Catalog:
    """An editable mapping of role titles to archetypes."""

    def __init__(self, entries: Iterable[tuple[str, Archetype | str]]):
        self._by_title: dict[str, Archetype] = {}
        self._memo: dict[str, Archetype] = {}  # title as given -> archetype, for titles found
        self.entries: list[tuple[str, Archetype]] = []
        for title, archetype in entries:
            key = normalise_title(title) if isinstance(title, str) else ""
            if not key:
                raise InvalidInput(f"catalog role titles must be text, got {shown(title)}")
            archetype = parse_archetype(archetype)
            previous = self._by_title.get(key)
            if previous is not None and previous is not archetype:
                raise InvalidInput(f"catalog lists {shown(title)} twice, as {previous.value} "
                                   f"and as {archetype.value}; keep one")
            self._by_title[key] = archetype
            self.entries.append((title, archetype))

    def archetype(self, title: object) -> Archetype:
        """The archetype of ``title``; :class:`UnknownRole` if the catalogue does not know it."""
        found = self._memo.get(title) if type(title) is str else None
        if found is not None:
            return found
        if not isinstance(title, str) or not normalise_title(title):
            raise InvalidInput(f"role_title must be a role title (text), got {shown(title)}")
        for variant in _variants(title):
            if variant in self._by_title:
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                found = self._memo[title] = self._by_title[variant]
                return found
        raise UnknownRole(f'role "{title.strip()}" is not in the catalogue; add it '
                          "with its archetype (Amplifier, Iterator or Connector)")


DEFAULT_CATALOG = Catalog(DEFAULT_ROLES)


def archetype(title: object, catalog: Catalog = DEFAULT_CATALOG) -> Archetype:
    return catalog.archetype(title)
