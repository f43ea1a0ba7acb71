"""The package's layering, checked from the source (ast), so a change that breaks it fails here.

- No module imports a private (`_name`) name or module from another of our packages; a
  library's private internals are reached only through the one compat module.
- The model imports nothing of excel/, workbook/, engines/, xlwings, openpyxl or formulas:
  it is pure and runs wherever the functions run.
- No module is over 500 lines (the house's sign to split).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "addin" / "talentneeds"
MAX_LINES = 500
# the one place a library's internals may be used (each hook tested in tests/engines)
COMPAT_MODULES = {"talentneeds.engines.compat", "talentneeds.engines.compat_openpyxl"}
MODEL_MAY_NOT_IMPORT = ("talentneeds.excel", "talentneeds.workbook", "talentneeds.engines",
                        "xlwings", "openpyxl", "formulas")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def _imports(tree: ast.AST, module: str, path: Path):
    """(imported module, imported name or None, line) for every import, including ones inside functions."""
    package = _package_of(module, path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                yield source, alias.name, node.lineno


def violations(source: str, module: str, path: Path) -> list[str]:
    """What in one module breaks the layering rules (empty when it keeps them)."""
    found = []
    package = _package_of(module, path)
    for source_module, name, line in _imports(ast.parse(source), module, path):
        ours = source_module == "talentneeds" or source_module.startswith("talentneeds.")
        if ours:
            source_package = source_module if (PACKAGE_ROOT.parent / Path(*source_module.split("."))).is_dir() \
                else source_module.rpartition(".")[0]
            other = source_package != package
            if other and (_private(source_module) or (name is not None and _private(name))):
                found.append(f"{module}:{line} imports private {source_module}{'.' + name if name else ''}")
        elif module not in COMPAT_MODULES and (_private(source_module) or (name is not None and _private(name))):
            found.append(f"{module}:{line} imports library internal {source_module}{'.' + name if name else ''}")
        if module == "talentneeds.model" or module.startswith("talentneeds.model."):
            for banned in MODEL_MAY_NOT_IMPORT:
                if source_module == banned or source_module.startswith(banned + "."):
                    found.append(f"{module}:{line} (model) imports {source_module}")
    return found


def _modules():
    return sorted(PACKAGE_ROOT.rglob("*.py"))


def test_no_private_imports_across_packages_and_a_pure_model():
    found = []
    for path in _modules():
        found += violations(path.read_text(encoding="utf-8"), _module_name(path), path)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE_ROOT)))
def test_no_module_over_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE_ROOT)} has {lines} lines"


# The checker itself: each rule catches what it should and passes what it should.
ENGINES = PACKAGE_ROOT / "engines" / "example.py"
MODEL = PACKAGE_ROOT / "model" / "example.py"


@pytest.mark.parametrize("source, module, path, expected", [
    ("from talentneeds.engines.cached_values import _scan\n", "talentneeds.workbook.example",
     PACKAGE_ROOT / "workbook" / "example.py", ["talentneeds.workbook.example:1 imports private "
                                                "talentneeds.engines.cached_values._scan"]),
    ("from talentneeds.engines.cached_values import _scan\n", "talentneeds.engines.example", ENGINES, []),
    ("from .cached_values import _scan\n", "talentneeds.engines.example", ENGINES, []),
    ("from ..workbook import _x\n", "talentneeds.engines.example", ENGINES,
     ["talentneeds.engines.example:1 imports private talentneeds.workbook._x"]),
    ("import talentneeds.engines._hidden\n", "talentneeds.cli", PACKAGE_ROOT / "cli.py",
     ["talentneeds.cli:1 imports private talentneeds.engines._hidden"]),
    ("def f():\n    from openpyxl.cell import _writer\n", "talentneeds.engines.example", ENGINES,
     ["talentneeds.engines.example:2 imports library internal openpyxl.cell._writer"]),
    ("from openpyxl.cell import _writer\n", "talentneeds.engines.compat", PACKAGE_ROOT / "engines" / "compat.py", []),
    ("def f():\n    import openpyxl\n", "talentneeds.model.example", MODEL,
     ["talentneeds.model.example:2 (model) imports openpyxl"]),
    ("from talentneeds.excel import cells\n", "talentneeds.model.example", MODEL,
     ["talentneeds.model.example:1 (model) imports talentneeds.excel"]),
    ("from talentneeds.model import limits\nimport numpy\n", "talentneeds.model.example", MODEL, []),
])
def test_the_checker(source, module, path, expected):
    assert violations(source, module, path) == expected
