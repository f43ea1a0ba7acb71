"""Links to other workbooks are never followed: no file is read because a workbook names it.

Why: ``formulas`` resolves a reference such as ``'[secret.xlsx]Sheet1'!A1`` by opening
that file (relative to the current folder, or any absolute path) and copying its value
into the result -- a workbook from elsewhere could read the user's files, inflate a
neighbouring zip bomb, or hang on a FIFO by that name. Excel with links disabled shows
the cached value or #REF!; we show #REF! and one warning naming the cell.

Two layers:

* :func:`cut_external_links` rewrites the evaluation copy before anything is compiled:
  every reference into another workbook -- in a cell's formula, an array formula, a
  defined name, or a text argument of ``INDIRECT`` -- becomes ``#REF!``, and the
  workbook's externalLink parts are dropped from the copy (the output file keeps them:
  Excel can still update the links when the user asks it to);
* :func:`refuse_other_book` is called by the engine whenever it would load a book, and
  refuses every book but the evaluation copy: a reference the first layer missed gives
  #REF! too (the engine turns a book it cannot load into #REF!), never a read.
"""

from __future__ import annotations

import re

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.worksheet.formula import ArrayFormula

from talentneeds.engines.compat import cell_map, drop_external_links

__all__ = ["ExternalLinkRefused", "cut_external_links", "is_external_reference", "refuse_other_book"]

_REF = "#REF!"
# Excel forbids these in a sheet name, so a sheet part holding one names a book or a path
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]\\/]")
_UNQUOTED_BOOK = re.compile(r"^\[[^\[\]@#]+\][^\[\]]*$")          # [1]Sheet1 / [Book.xlsx]Sheet1
_BOOK_NAME = re.compile(r"^\[[^\[\]@#]+\][A-Za-z_\\][\w.]*$")     # [Book.xlsx]Name, no sheet


class ExternalLinkRefused(Exception):
    """The engine was asked to load a book other than the workbook being evaluated."""


def is_external_reference(operand: str) -> bool:
    """Whether a range operand (as openpyxl's tokenizer gives it) points into another
    workbook: ``[1]Sheet1!A1``, ``'[Book.xlsx]Sheet 1'!A1``, ``'C:\\dir\\[Book.xlsx]S'!A1``,
    ``[1]!Name``, ``'C:\\dir\\Book.xlsx'!Name``. Structured references (``Table1[Col]``,
    ``[@Col]``) and sheet references are not."""
    text = operand.strip()
    if text.startswith("'"):
        end = 1
        while True:
            end = text.find("'", end)
            if end < 0:
                return False
            if text[end + 1:end + 2] == "'":
                end += 2
                continue
            break
        sheet = text[1:end].replace("''", "'")
        # a sheet may be called "data.xlsx": only what no sheet name can hold marks a book
        return text[end + 1:end + 2] == "!" and bool(_NOT_IN_SHEET_NAMES.search(sheet))
    head, bang, _ = text.partition("!")
    if bang and _UNQUOTED_BOOK.match(head):
        return True
    return bool(_BOOK_NAME.match(text))


def _text_names_book(literal: str) -> bool:
    """Whether a text literal (with its quotes) given to INDIRECT names another workbook."""
    return is_external_reference(literal[1:-1].replace('""', '"'))


def cut_formula(formula: str) -> tuple[str, list[str]]:
    """``formula`` with every link to another workbook replaced by ``#REF!``, and the
    references cut. A formula that does not parse is returned as it is (the engine
    names it when it fails to read it)."""
    if not isinstance(formula, str) or "[" not in formula and "'" not in formula:
        return formula, []
    try:
        items = Tokenizer(formula if formula.startswith("=") else "=" + formula).items
    except TokenizerError:
        return formula, []
    cut: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(items):
        token = items[i]
        if token.type == Token.OPERAND and token.subtype == Token.RANGE and is_external_reference(token.value):
            cut.append(token.value)
            out.append(_REF)
        elif token.type == Token.FUNC and token.subtype == Token.OPEN and token.value.upper() == "INDIRECT(":
            close = _matching_close(items, i)
            texts = [t.value for t in items[i + 1:close]
                     if t.type == Token.OPERAND and t.subtype == Token.TEXT and _text_names_book(t.value)]
            if texts:
                cut.extend(t[1:-1] for t in texts)
                out.append(_REF)
                i = close + 1
                continue
            out.append(token.value)
        else:
            out.append(token.value)
        i += 1
    if not cut:
        return formula, []
    return "=" + "".join(out), cut


def _matching_close(items, open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(items)):
        token = items[j]
        if token.subtype == Token.OPEN:
            depth += 1
        elif token.subtype == Token.CLOSE:
            depth -= 1
            if depth == 0:
                return j
    return len(items) - 1


def cut_external_links(workbook) -> list[tuple[tuple[str, str] | None, str]]:
    """Cut every link to another workbook out of ``workbook`` (openpyxl, the evaluation
    copy; see the module doc). Returns one warning per cell or defined name, naming it:
    [((sheet, "A1") or None for a defined name, warning)]."""
    warnings: list[tuple[tuple[str, str] | None, str]] = []

    def warn(where: str, cut: list[str], address: tuple[str, str] | None = None) -> None:
        shown = ", ".join(cut[:3]) + (f" and {len(cut) - 3} more" if len(cut) > 3 else "")
        warnings.append((address, f"{where}: links to another workbook ({shown}); links are not followed, "
                                  f"so it gives {_REF} (as in Excel with links disabled)"))

    # A table's calculated column repeats one formula text on every row (its structured
    # references name no row), and tokenizing each copy took a second of a 50,000-row roster.
    done: dict[str, tuple[str, list[str]]] = {}

    def cut_once(text: str) -> tuple[str, list[str]]:
        found = done.get(text)
        if found is None:
            found = done[text] = cut_formula(text)
        return found

    for ws in workbook.worksheets:
        for cell in list(cell_map(ws).values()):  # the cells there are: iter_rows would visit the whole used range
            value = cell.value
            if isinstance(value, ArrayFormula):
                value.text, cut = cut_once(value.text)
            elif cell.data_type == "f" and isinstance(value, str):
                cell.value, cut = cut_once(value)
            else:
                continue
            if cut:
                warn(f"{ws.title}!{cell.coordinate}", cut, (ws.title, cell.coordinate))
        for name, defined in getattr(ws, "defined_names", {}).items():
            _cut_name(defined, f"{ws.title}!{name} (a defined name)", warn)
    for name, defined in workbook.defined_names.items():
        _cut_name(defined, f"defined name {name}", warn)
    drop_external_links(workbook)
    return warnings


def _cut_name(defined, where: str, warn) -> None:
    if not defined.attr_text:
        return
    text, cut = cut_formula("=" + defined.attr_text)
    if cut:
        defined.attr_text = text[1:]
        warn(where, cut)


def refuse_other_book(book: object, own: str) -> None:
    """Raise :class:`ExternalLinkRefused` unless ``book`` (what the engine asks to load) is
    the evaluation copy, named ``own``."""
    if isinstance(book, str) and book.replace("\\", "/").upper() != own.upper():
        raise ExternalLinkRefused(f"{book}: links to other workbooks are not followed")
