"""A circular reference, found and named by cell.

Why: ``formulas`` (without its circular solver) leaves the cells of a cycle, and every
cell that depends on one, without a value; compute then wrote blanks and exited 0.
Excel names the cell; so do we: :func:`find_cycle` walks the engine's graph back from a
cell that got no value and returns the cells of the cycle it depends on.
"""

from __future__ import annotations

import re

__all__ = ["find_cycle", "cell_name"]

_NODE = re.compile(r"^'\[[^\]]+\](?P<sheet>.+)'!(?P<ref>[A-Z]+\d+(?::[A-Z]+\d+)?)$")


def find_cycle(pred: dict, start: str) -> list[str] | None:
    """The nodes of a cycle that ``start`` depends on (``pred``: node -> its inputs, the
    engine's graph), in dependency order; None when there is none."""
    on_path: dict[str, int] = {}
    path: list[str] = []
    done: set[str] = set()
    stack = [(start, iter(pred.get(start, ())))]
    on_path[start] = 0
    path.append(start)
    while stack:
        node, inputs = stack[-1]
        for parent in inputs:
            if parent in on_path:
                return path[on_path[parent]:]
            if parent not in done:
                on_path[parent] = len(path)
                path.append(parent)
                stack.append((parent, iter(pred.get(parent, ()))))
                break
        else:
            stack.pop()
            done.add(node)
            del on_path[path.pop()]
    return None


def cell_name(node: str, titles: dict[str, str]) -> str | None:
    """``Sheet!A1`` for an engine cell or range node (its sheet upper-cased in the id);
    None for a function or another kind of node."""
    match = _NODE.match(str(node))
    if match is None:
        return None
    return f"{titles.get(match['sheet'], match['sheet'])}!{match['ref']}"


def describe(cycle: list[str], titles: dict[str, str]) -> str:
    cells = [name for name in (cell_name(n, titles) for n in cycle) if name]
    cells = list(dict.fromkeys(cells))
    loop = " -> ".join([*cells, cells[0]]) if cells else "?"
    return (f"{cells[0] if cells else 'a cell'}: circular reference ({loop}); a formula cannot depend on its own "
            "result: break the loop")
