"""Text as Excel holds it: its length in UTF-16 code units, the cell limit, control
characters, and the key under which two spellings of one name are the same.

Excel counts a cell's characters in UTF-16 code units (an emoji outside the Basic
Multilingual Plane counts 2) and holds at most 32,767 of them; a longer message or
value is cut there, never split inside a surrogate pair.
"""

from __future__ import annotations

import re
import unicodedata

EXCEL_MAX_TEXT = 32_767  # characters in one cell (UTF-16 code units); model.limits re-exports it

# C0 controls except tab, line feed and carriage return (which a cell may hold), DEL,
# the C1 controls, and the two noncharacters U+FFFE and U+FFFF: none is text a person
# typed, and XML 1.0 cannot even store C0 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Characters that render as nothing: zero-width space, non-joiner, joiner, word joiner,
# the byte-order mark used as a zero-width no-break space, and the soft hyphen.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
ELLIPSIS = "\u2026"


def utf16_length(text: str) -> int:
    """Length as Excel counts it: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def cap(text: str, limit: int = EXCEL_MAX_TEXT) -> str:
    """``text`` cut (with an ellipsis) to at most ``limit`` UTF-16 code units."""
    if len(text) <= limit // 2 or utf16_length(text) <= limit:
        return text
    units, end = 0, 0
    for end, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit - 1:  # room for the ellipsis
            break
    return text[:end] + ELLIPSIS


def first_control(text: str) -> tuple[int, str] | None:
    """(position from 1, the character) of the first control character, or None."""
    found = CONTROL.search(text)
    return None if found is None else (found.start() + 1, found.group())


def control_problem(text: object) -> str | None:
    """What is wrong with text that holds a control character ("contains the control
    character U+0000 at character 4; ..."), or None."""
    found = first_control(text) if isinstance(text, str) else None
    if found is None:
        return None
    position, ch = found
    hint = " (Excel's CLEAN() does)" if ord(ch) < 32 else ""  # CLEAN removes ASCII 0-31 only
    return f"contains the control character {code_point(ch)} at character {position:,}; remove it{hint}"


def code_point(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def printable(text: str) -> str:
    """``text`` with control characters written as U+XXXX, for a message."""
    return CONTROL.sub(lambda m: f"<{code_point(m.group())}>", text)


def identity_key(name: str) -> str:
    """The key under which two names are the same person's: NFKC (so composed and
    decomposed accents, full-width letters and ligatures agree), invisible characters
    removed, case folded, spaces ignored."""
    folded = unicodedata.normalize("NFKC", INVISIBLE.sub("", name)).casefold()
    return "".join(unicodedata.normalize("NFKC", folded).split())
