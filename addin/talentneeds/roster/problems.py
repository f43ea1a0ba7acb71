"""What can go wrong importing a roster: the errors, one problem with a bad value, and
names that occur twice. Every error is an :class:`InvalidInput`: the CLI prints it as
one line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from talentneeds import excel_text
from talentneeds.errors import InvalidInput


class RosterImportError(InvalidInput):
    """A roster cannot be imported as it is; the message says why and what would do."""


class RosterFileError(RosterImportError):
    """The roster or workbook file itself: unsupported type, unreadable, a required
    column missing, an output that exists."""


# Problems named in one message, at most; beyond, it says how many more there are.
SHOWN_PROBLEMS = 20


class RosterProblems(RosterImportError):
    """Bad values (or duplicates) in the roster: every one is in :attr:`problems`; the
    message names every one (the first SHOWN_PROBLEMS, then how many more), so that a
    user fixes them all in one go."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        shown_problems = "; ".join(str(p) for p in self.problems[:SHOWN_PROBLEMS])
        more = f" (and {count - SHOWN_PROBLEMS} more)" if count > SHOWN_PROBLEMS else ""
        super().__init__(shown_problems + more if count == 1 else f"{count} problems: {shown_problems}{more}")


class StaffTableError(RosterImportError):
    """The workbook's Staff table cannot take the roster as asked (its own roster would be
    replaced, it would grow over other cells, it is not a Talent Needs Staff table)."""


@dataclass(frozen=True)
class Problem:
    where: str    # "roster.csv line 7, column 'Hire date'"
    message: str  # '"31/02/2024" is not a date ...'

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"



def duplicate_problems(entries: Iterable[tuple[str, str]], source: str) -> list[Problem]:
    """Names that occur more than once: ``entries`` are (where, name) with where like
    "line 5" or "Staff row 7". Compared as :func:`excel_text.identity_key` does: case,
    spaces and invisible characters ignored, Unicode forms (NFKC) made equal."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for place, name in entries:
        seen.setdefault(excel_text.identity_key(name), []).append((place, name))
    problems = []
    for found in seen.values():
        if len(found) > 1:
            places = [p for p, _ in found]
            times = "twice" if len(found) == 2 else f"{len(found)} times"
            listed = _and(_merge_places(places))
            problems.append(Problem(source, f"{listed}: {found[0][1]!r} {times} (the same name, ignoring case "
                                    "and spaces); use --allow-duplicates if they are different people"))
    return problems


def _merge_places(places: list[str]) -> list[str]:
    """["line 5", "line 9"] -> ["lines 5", "9"] so that _and reads "lines 5 and 9"."""
    words = [p.rsplit(" ", 1) for p in places]
    if len({w[0] for w in words}) == 1:
        return [f"{words[0][0]}s {words[0][1]}"] + [w[1] for w in words[1:]]
    return places


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

