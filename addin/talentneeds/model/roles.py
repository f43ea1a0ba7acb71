"""Role title -> archetype (claim 10), through an editable catalogue.

A title is looked up exactly (ignoring case, spacing and punctuation). If that misses,
the lookup retries with the decorations a real HR export adds taken off: a team after
" - ", "," or "(" ("Research Engineer, Interpretability"), a seniority word in front
("Senior", "Staff", "Principal", ...) and a level at the end ("II", "L5", "3").
A title that still does not match is an :class:`UnknownRole`, never a guess.

Titles are compared in Unicode's NFKC form with invisible characters (zero-width
spaces and joiners, soft hyphens) removed, so a title typed with a decomposed accent or
pasted with a zero-width space is the same title. A title with a control character
(NUL, an escape ...) is refused: it is a damaged cell, not a title.

Every step is linear in the title's length: the variants are cut from one list of
words, and only those no longer than the catalogue's longest title are looked up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from talentneeds.errors import InvalidInput, UnknownRole, shown
from talentneeds.excel_text import INVISIBLE, control_problem, utf16_length
from talentneeds.model.archetypes import NOT_COUNTED, Archetype, NotCounted, parse_role_archetype

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

# Common titles outside research (claim 10: "non-research roles map to Not counted"): kept
# on a roster, in no count. Separate from DEFAULT_ROLES so that a catalogue of the three
# archetypes can still be written on its own.
NOT_COUNTED_ROLES: tuple[tuple[str, NotCounted], ...] = tuple((title, NOT_COUNTED) for title in (
    "Operations", "Operations Manager", "Operations Associate", "Head of Operations",
    "Chief Operating Officer", "COO", "Recruiter", "Recruiting Coordinator", "Talent Acquisition",
    "Human Resources", "HR", "HR Manager", "People Operations", "Finance", "Finance Manager",
    "Accountant", "General Counsel", "Legal Counsel", "Lawyer", "Office Manager", "Executive Assistant",
    "Communications", "Communications Manager",
))

_SENIORITY = frozenset({"senior", "sr", "junior", "jr", "staff", "principal", "distinguished", "associate",
                        "lead", "chief"})
_LEVEL = re.compile(r"i{1,3}|iv|v|l?\d+")
_PUNCTUATION = re.compile(r"[^\w]+")
_TEAM_SUFFIX = re.compile(r"\s[-–—]\s|,|\(|/|\|")
# Shown in full up to this many characters in an error; longer titles are cut.
_SHOWN_TITLE = 200
# Titles looked up per catalogue are remembered, up to this many (a roster repeats a few
# dozen titles thousands of times); beyond it the memory is cleared and refilled.
# Measured without it: ARCHETYPE 2.0 -> 23 us a call, recalculating the 1,000-team /
# 5,000-person workbook 1.18x as long.
_MEMO_SIZE = 4096


def normalise_title(title: str) -> str:
    """NFKC, invisible characters out, lower case, punctuation to spaces, single spaces:
    "Sr. Research-Engineer" -> "sr research engineer"."""
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", title)).casefold()
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def _variants(title: str, longest: int) -> Iterator[str]:
    """The title, then with team suffix, level suffix and seniority prefixes removed
    (lazily: a lookup stops at the first variant the catalogue knows). Variants of more
    than ``longest`` words cannot be in the catalogue and are skipped, so however many
    seniority words a title starts with, at most ``longest`` + 3 strings are built."""
    yield normalise_title(title)
    words = normalise_title(_TEAM_SUFFIX.split(title, maxsplit=1)[0]).split()
    if len(words) <= longest:
        yield " ".join(words)
    if words and _LEVEL.fullmatch(words[-1]):
        words = words[:-1]
        if len(words) <= longest:
            yield " ".join(words)
    seniority = 0
    while seniority < len(words) and words[seniority] in _SENIORITY:
        seniority += 1
    for start in range(max(1, len(words) - longest), seniority + 1):
        yield " ".join(words[start:])


def check_title(title: object, name: str = "role_title") -> None:
    """Refuse what is not a role title: not text, nothing but spaces and punctuation, or
    holding a control character (a damaged cell)."""
    if not isinstance(title, str) or not normalise_title(title):
        raise InvalidInput(f"{name} must be a role title (text), got {shown(title)}")
    control = control_problem(title)
    if control is not None:
        raise InvalidInput(f"{name} {control}")


class Catalog:
    """An editable mapping of role titles to archetypes."""

    def __init__(self, entries: Iterable[tuple[str, Archetype | NotCounted | str]]):
        self._by_title: dict[str, Archetype | NotCounted] = {}
        self._longest = 0  # words in the longest title
        self._memo: dict[str, Archetype | NotCounted] = {}  # title as given -> archetype, for titles found
        self.entries: list[tuple[str, Archetype | NotCounted]] = []
        for title, archetype in entries:
            key = normalise_title(title) if isinstance(title, str) else ""
            if not key:
                raise InvalidInput(f"catalog role titles must be text, got {shown(title)}")
            archetype = parse_role_archetype(archetype)
            previous = self._by_title.get(key)
            if previous is not None and previous is not archetype:
                raise InvalidInput(f"catalog lists {shown(title)} twice, as {previous.value} "
                                   f"and as {archetype.value}; keep one")
            self._by_title[key] = archetype
            self._longest = max(self._longest, len(key.split()))
            self.entries.append((title, archetype))

    def archetype(self, title: object) -> Archetype | NotCounted:
        """The archetype of ``title`` (or Not counted); :class:`UnknownRole` if the catalogue does not know it."""
        found = self._memo.get(title) if type(title) is str else None
        if found is not None:
            return found
        check_title(title)
        for variant in _variants(title, self._longest):
            if variant in self._by_title:
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                found = self._memo[title] = self._by_title[variant]
                return found
        shown_title = title.strip()
        if len(shown_title) > _SHOWN_TITLE:
            shown_title = f"{shown_title[:_SHOWN_TITLE]}... ({utf16_length(shown_title):,} characters)"
        raise UnknownRole(f'role "{shown_title}" is not in the catalogue; add it '
                          "with its archetype (Amplifier, Iterator, Connector or Not counted)")


DEFAULT_CATALOG = Catalog(DEFAULT_ROLES + NOT_COUNTED_ROLES)


def archetype(title: object, catalog: Catalog = DEFAULT_CATALOG) -> Archetype | NotCounted:
    return catalog.archetype(title)


@dataclass(frozen=True)
class UnknownTitle:
    title: str   # as first met, without surrounding spaces
    people: int  # how many of the titles given are this one


def unknown_titles(titles: Iterable[str], catalog: Catalog = DEFAULT_CATALOG) -> list[UnknownTitle]:
    """Each title ``catalog`` does not know, once, in the order first met, with how many
    of ``titles`` are it. Unknown titles that differ only where the lookup ignores (case,
    spacing, punctuation) are one: a single catalogue row fixes them all. A title that is
    not a title at all (blank, a control character) is an :class:`InvalidInput`."""
    looked_up: dict[str, str | None] = {}  # title as given -> None if known, else its normalised form
    unknown: dict[str, list] = {}           # normalised title -> [title as first met, people]
    for title in titles:
        if title not in looked_up:
            try:
                catalog.archetype(title)
                looked_up[title] = None
            except UnknownRole:
                looked_up[title] = normalise_title(title)
        key = looked_up[title]
        if key is not None:
            unknown.setdefault(key, [title.strip(), 0])[1] += 1
    return [UnknownTitle(title, people) for title, people in unknown.values()]
