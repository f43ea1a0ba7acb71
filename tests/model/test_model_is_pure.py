"""The model imports and runs with xlwings and openpyxl unavailable."""

import subprocess
import sys

BLOCKER = r"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {"xlwings", "openpyxl"}:
            raise ImportError(f"{name} is blocked in this test")
sys.meta_path.insert(0, Block())
import pkgutil, importlib, talentneeds.model as model
names = [m.name for m in pkgutil.walk_packages(model.__path__, "talentneeds.model.")]
for name in names:
    importlib.import_module(name)
from talentneeds.model import needs
assert needs.amplifiers_needed(4, "high") == 8
blocked = [m for m in sys.modules if m.split(".")[0] in {"xlwings", "openpyxl"}]
print(len(names), blocked)
"""


def test_model_imports_with_xlwings_and_openpyxl_blocked():
    done = subprocess.run([sys.executable, "-c", BLOCKER], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    count, blocked = done.stdout.split(" ", 1)
    assert int(count) >= 8 and blocked.strip() == "[]"


def test_the_blocker_really_blocks():
    probe = BLOCKER.split("import pkgutil")[0] + "import xlwings\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode != 0 and "blocked in this test" in done.stderr
