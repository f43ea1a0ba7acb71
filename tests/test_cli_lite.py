"""``talentneeds lite`` (the files of an xlwings Lite workbook) and the note on the
macro-enabled template's xlwings, through ``main(argv)``."""

from __future__ import annotations

import pytest

from talentneeds.cli import main

WHEEL = "https://example.org/dist/talentneeds-0.1.0-py3-none-any.whl"


def test_lite_writes_requirements_and_main_for_a_wheel_address(tmp_path, capsys):
    assert main(["lite", "--wheel", WHEEL, "-o", str(tmp_path)]) == 0
    assert (tmp_path / "requirements.txt").read_text() == f"xlwings==0.33.20\n{WHEEL}\n"
    main_py = (tmp_path / "main.py").read_text()
    assert "from talentneeds.udfs import *" in main_py
    assert capsys.readouterr().out.count("wrote ") == 2


def test_lite_for_a_version_and_another_xlwings_pin(tmp_path):
    assert main(["lite", "--version", "0.2.0rc1", "--xlwings", "0.37.8", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "requirements.txt").read_text() == "xlwings==0.37.8\ntalentneeds==0.2.0rc1\n"


def test_lite_never_overwrites_without_force(tmp_path, capsys):
    (tmp_path / "main.py").write_text("my own code\n")
    assert main(["lite", "--version", "0.1.0", "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"talentneeds: {tmp_path / 'main.py'} exists; use --force to overwrite\n"
    assert (tmp_path / "main.py").read_text() == "my own code\n"
    assert not (tmp_path / "requirements.txt").exists()  # nothing written when one file is in the way
    assert main(["lite", "--version", "0.1.0", "-o", str(tmp_path), "--force"]) == 0
    assert "talentneeds.udfs" in (tmp_path / "main.py").read_text()


@pytest.mark.parametrize("argv, message", [
    ([], "give either --wheel ADDRESS (where the wheel is hosted) or --version VERSION"),
    (["--wheel", WHEEL, "--version", "0.1.0"], "give either --wheel ADDRESS (where the wheel is hosted) or --version VERSION"),
    (["--wheel", "https://example.org/talentneeds-0.1.0.tar.gz"],
     "--wheel must be the https:// address of a talentneeds-VERSION-py3-none-any.whl (micropip installs only "
     "pure-Python wheels), got 'https://example.org/talentneeds-0.1.0.tar.gz'"),
    (["--wheel", "/home/me/talentneeds-0.1.0-py3-none-any.whl"],
     "--wheel must be the https:// address of a talentneeds-VERSION-py3-none-any.whl (micropip installs only "
     "pure-Python wheels), got '/home/me/talentneeds-0.1.0-py3-none-any.whl'"),
    (["--version", "latest"], "--version must be a version such as 0.1.0, got 'latest'"),
    (["--version", "0.1.0", "--xlwings", "0.32.2"],
     "--xlwings must be a version from 0.33.0 on (what xlwings Lite pins), got '0.32.2'"),
])
def test_lite_mistakes_are_one_line(tmp_path, capsys, argv, message):
    assert main(["lite", *argv, "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"talentneeds: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_lite_into_a_missing_folder(tmp_path, capsys):
    assert main(["lite", "--version", "0.1.0", "-o", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().err == f"talentneeds: {tmp_path / 'nope'}: no such folder\n"


def test_the_macro_enabled_template_names_the_xlwings_it_needs(tmp_path, capsys):
    import xlwings

    assert main(["template", "-o", str(tmp_path / "plan.xlsm")]) == 0
    out = capsys.readouterr().out
    assert f"it carries the VBA module of xlwings {xlwings.__version__}" in out
    assert "pip install 'talentneeds[classic]'" in out
