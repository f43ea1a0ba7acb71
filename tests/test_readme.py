"""The README's examples run as tests."""

import doctest
import re
from pathlib import Path

import pytest

from talentneeds import udfs
from talentneeds.excel.boundary import specs

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_python_examples_in_the_readme():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README block {i}", "README.md", 0)
        assert test.examples
        runner.run(test)
    assert runner.failures == 0


FORMULA_ROWS = re.findall(r"^\| `=(\w+)\((.*?)\)` \| (-?[\d.]+) ", README, flags=re.M)


@pytest.mark.parametrize("name, arguments, expected", FORMULA_ROWS)
def test_formulas_in_the_readme_table(name, arguments, expected):
    args = eval(f"[{arguments}]")  # the table's arguments are Python-compatible literals
    assert getattr(udfs, name)(*args) == float(expected)


def test_the_readme_formula_table_was_found():
    assert len(FORMULA_ROWS) >= 5


def test_the_readme_function_table_matches_the_catalogue():
    listed = re.findall(r"^\| `([A-Z_]+\(.*?\))` \|", README, flags=re.M)
    assert listed == [spec.signature for spec in specs(udfs)]


def test_every_picture_the_readme_shows_is_in_the_repo():
    import re

    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert pictures == [f"docs/images/{sheet}.png"
                        for sheet in ("dashboard", "needs", "candidates", "cohort", "plan", "scenarios", "checks")]
    for picture in pictures:
        assert (Path(__file__).resolve().parents[1] / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture
