"""The hooks of :mod:`.compat` that reach into openpyxl's internals (see its docstring:
the versions are checked there, and callers import these from there)."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def plain_inline_strings():
    """openpyxl's sheet reader builds a ``Text`` object, through its descriptors, for every
    inline string cell (``<is><t>...</t></is>``) only to take its ``content``: about a
    quarter of reading a big roster. For the plain form -- one ``<t>`` and nothing else --
    the content is that element's text; any other form (rich text runs, phonetic hints)
    still goes through ``Text``. Only the ``Text`` name the sheet reader uses is swapped,
    for the duration."""
    from openpyxl.worksheet import _reader

    original = _reader.Text
    plain_tag = "{%s}t" % _reader.SHEET_MAIN_NS

    class _PlainText:
        __slots__ = ("content",)

        @staticmethod
        def from_tree(node):
            children = list(node)
            if len(children) == 1 and children[0].tag == plain_tag and not len(children[0]):
                text = _PlainText()
                text.content = children[0].text or ""
                return text
            return original.from_tree(node)

    _reader.Text = _PlainText
    try:
        yield
    finally:
        _reader.Text = original


def cell_map(ws) -> dict:
    """openpyxl's own {(row, column): cell} of ``ws``; edits to it are edits to the sheet."""
    return ws._cells


def cells_in_order(ws) -> list:
    """The cells ``ws`` holds, row by row: what ``ws.iter_rows()`` visits, without the
    blank cell objects it creates for every position of the used range."""
    cells = ws._cells
    return [cells[key] for key in sorted(cells)]


def drop_external_links(workbook) -> None:
    """Forget the links to other workbooks that openpyxl read (its ``_external_links``,
    which formulas' ``add_book`` turns into books it may load)."""
    if getattr(workbook, "_external_links", None):
        workbook._external_links = []
