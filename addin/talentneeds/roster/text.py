"""The text of a CSV roster: which encoding its bytes are in, decided by evidence, never
by guessing past it.

In order:

1. A byte-order mark names the encoding: UTF-32 (checked before UTF-16, whose
   little-endian mark is the first half of UTF-32's), UTF-8, UTF-16.
2. Without one, NUL bytes give UTF-16 and UTF-32 away: text in them is mostly ASCII
   (the commas, digits and line breaks of a CSV at least), and an ASCII character has
   zero bytes in fixed places (``A`` is ``41 00`` in UTF-16LE, ``41 00 00 00`` in
   UTF-32LE). The zero bytes of the first 64 KiB are counted per position modulo 4; a
   clear pattern names the encoding, which must then decode the whole file strictly.
3. Otherwise UTF-8, then Windows-1252 (both strict), then Latin-1, each with a note
   when it is not UTF-8.

NUL bytes without such a pattern (a damaged export) stay in the text, where the
roster's reader refuses each one by row and column, as it does every control character.
A file that starts with a byte-order mark or a zero-byte pattern and then does not
decode is refused as a whole (:class:`NotText`).
"""

from __future__ import annotations

import codecs

SAMPLE_BYTES = 65_536
# A position "is zero" in a pattern when at least this share of its bytes are 0, and
# "is not" when at most NOT_ZERO_SHARE are (a UTF-32 CJK character 2D 4E 00 00 is
# non-zero in its second byte; a UTF-16 accented letter E9 00 still zero in its second).
ZERO_SHARE = 0.6
NOT_ZERO_SHARE = 0.05

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian)"),
    (codecs.BOM_UTF8, "utf-8", None),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian)"),
)
# (positions mod 4 that are zero, that are not) -> codec and name
_PATTERNS = (
    ((2, 3), (0,), "utf-32-le", "UTF-32 (little-endian)"),
    ((0, 1), (3,), "utf-32-be", "UTF-32 (big-endian)"),
    ((1, 3), (0, 2), "utf-16-le", "UTF-16 (little-endian)"),
    ((0, 2), (1, 3), "utf-16-be", "UTF-16 (big-endian)"),
)
_FALLBACKS = (("utf-8", None), ("cp1252", "read as Windows-1252 (not UTF-8)"),
              ("latin-1", "read as Latin-1 (not UTF-8)"))


class NotText(ValueError):
    """The bytes are not text in any encoding we can tell; the message says why."""


def decode(data: bytes) -> tuple[str, str | None]:
    """The text of ``data`` and a note saying how it was read (None: plain UTF-8)."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], codec, name, len(bom)), (f"read as {name}" if name else None)
    sample = data[:SAMPLE_BYTES]
    found = _nul_pattern(sample) if b"\x00" in sample else None
    if found is not None:
        codec, name = found
        return _strict(data, codec, name), f"read as {name} (no byte-order mark; told by its zero bytes)"
    for codec, note in _FALLBACKS:
        try:
            return data.decode(codec), note
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def _nul_pattern(sample: bytes) -> tuple[str, str] | None:
    sample = sample[:len(sample) - len(sample) % 4] or sample
    shares = []
    for position in range(4):
        column = sample[position::4]
        shares.append(column.count(0) / len(column) if column else 0.0)
    for zero, not_zero, codec, name in _PATTERNS:
        if all(shares[p] >= ZERO_SHARE for p in zero) and all(shares[p] <= NOT_ZERO_SHARE for p in not_zero):
            return codec, name
    return None


def _strict(data: bytes, codec: str, name: str | None, offset: int = 0) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise NotText(f"is not valid {name or 'UTF-8'} at byte {offset + error.start:,} (it starts like it); "
                      "save it as CSV UTF-8") from None
