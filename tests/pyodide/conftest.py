"""The built distribution, shared by the packaging and Pyodide tests: built once per run
from this checkout with ``python -m build`` (no network: the build backend comes from the
test dependencies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import build_wheel


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> dict[str, Path]:
    return build_wheel(tmp_path_factory.mktemp("dist"))
