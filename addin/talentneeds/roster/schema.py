"""The roster's vocabulary: its columns, the header words each is found under, and how a
header is compared. One list for the Excel functions' roster argument, the Staff table
and an imported HR export. Standard library only (the functions run in Pyodide).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# field -> the words a header may say for it (compared through header_key)
SYNONYMS = {
    "name": ("name", "full name", "employee", "employee name", "person", "person name", "staff name"),
    "role": ("role", "title", "job title", "role title", "position", "job role"),
    "archetype": ("archetype",),
    "team": ("team", "department", "dept", "group", "org unit", "organisational unit", "organizational unit"),
    "start": ("start date", "hire date", "start", "date hired", "joined", "joining date", "date joined",
              "hired", "date of joining"),
    "soft": ("soft skills", "soft skill", "people skills", "manager ready", "management potential"),
}
LABELS = {"name": "Name", "role": "Role", "archetype": "Archetype", "team": "Team", "start": "Start date",
          "soft": "Soft skills"}
CATALOG_FIELDS = ("role", "archetype")


def header_key(text: object) -> str:
    """A header as it is matched: NFKC, case folded, letters and digits only ("Start date"
    == "start_date" == "Ｓｔａｒｔ ｄａｔｅ"); a blank header is ""."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return ""
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)).casefold() if ch.isalnum())


_FIELD_OF = {header_key(word): name for name, words in SYNONYMS.items() for word in words}


def field_of(header: object) -> str | None:
    """The roster field a header names, or None."""
    return _FIELD_OF.get(header_key(header)) if isinstance(header, str) else None


def find_columns(header: Sequence, wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each wanted field, found by any of its header words (the first
    word found wins, then the leftmost column)."""
    keys = [header_key(cell) for cell in header]
    found = {}
    for name, words in wanted.items():
        for word in words:
            key = header_key(word)
            if key in keys:
                found[name] = keys.index(key)
                break
    return found


def roster_columns(header: Sequence, fields: Sequence[str] = tuple(SYNONYMS)) -> dict[str, int]:
    """Column index of each of ``fields`` in a roster's header row."""
    return find_columns(header, {name: SYNONYMS[name] for name in fields})
