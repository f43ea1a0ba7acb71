"""Errors are values at the Excel boundary, and one root for file errors in the CLI."""

import pytest

from talentneeds import cli, udfs
from talentneeds.errors import FileError, ImpossiblePlan, InvalidInput, UnknownRole
from talentneeds.excel.boundary import CellError, cell_value


@pytest.mark.parametrize("function, args, code, message", [
    (udfs.AMPLIFIERS_NEEDED, ("abc",), "#VALUE!", 'teams must be a number >= 0, got "abc"'),
    (udfs.AMPLIFIERS_NEEDED, ("#DIV/0!",), "#DIV/0!", "teams comes from a cell that shows #DIV/0!; fix that cell first"),
    (udfs.ARCHETYPE, ("Chef", [["Role", "Archetype"], ["Cook", "Iterator"]]), "#N/A",
     'role "Chef" is not in the catalogue; add it with its archetype (Amplifier, Iterator, Connector or Not counted)'),
    (udfs.AMPLIFIERS_NEEDED, (1e308, "high", 1e308, 1e308), "#NUM!",
     "teams x the need per team is more than 1.7976931348623157e+308, the largest number Excel has; "
     "use smaller inputs"),
])
def test_the_boundary_gives_an_error_value_and_classic_xlwings_its_text(function, args, code, message):
    assert cell_value(function, *args) == CellError(code, message)
    assert function(*args) == f"{code} {message}"  # the text classic xlwings and plain Python show


def test_a_value_is_passed_through_unchanged():
    assert cell_value(udfs.AMPLIFIERS_NEEDED, 4.0) == 6.0  # 4 teams x 1.5 at mid


def test_domain_errors_carry_no_excel_code():
    for kind in (InvalidInput, UnknownRole, ImpossiblePlan):
        assert not hasattr(kind("x"), "excel_code")


def test_every_file_refusal_has_one_root():
    from talentneeds.files import ConcurrentChangeError, OutputError
    from talentneeds.lite import LiteFilesError
    from talentneeds.untrusted import UntrustedFileError

    for kind in (OutputError, ConcurrentChangeError, LiteFilesError, UntrustedFileError):
        assert issubclass(kind, FileError)


def test_the_cli_catches_a_file_error_once_and_a_bug_still_shows(monkeypatch, capsys):
    def refuse(output, force):
        raise FileError("plan.xlsx: refused for a reason")

    monkeypatch.setattr(cli, "write_template", refuse)
    assert cli.main(["template", "-o", "plan.xlsx"]) == 1
    assert capsys.readouterr().err == "talentneeds: plan.xlsx: refused for a reason\n"

    def bug(output, force):
        return {}["missing"]

    monkeypatch.setattr(cli, "write_template", bug)
    with pytest.raises(KeyError):  # not a user mistake: never swallowed into one line
        cli.main(["template", "-o", "plan.xlsx"])
