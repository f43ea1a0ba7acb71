"""The command line, through its main(argv)."""

from talentneeds import cli, udfs
from talentneeds.excel.boundary import specs


def test_functions_lists_every_function_with_signature_and_description(capsys):
    assert cli.main(["functions"]) == 0
    out = capsys.readouterr().out
    for spec in specs(udfs):
        assert spec.signature in out
        assert spec.description in out
    assert "AMPLIFIERS_NEEDED(teams, [point], [low], [high])" in out


def test_demo_prints_the_sources_example(capsys):
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "starting 3 new teams" in out
    # 3 teams: Amplifiers 3 / 4.5 / 6 and Iterators 15 / 22.5 / 30 FTE
    needs_line = next(line for line in out.splitlines() if line.startswith("Amplifier ") and "4.5" in line)
    assert needs_line.split()[1:] == ["3", "4.5", "6"]
    assert "2.5-5 employees per manager" in out


def test_a_user_mistake_is_one_line_and_a_non_zero_exit(capsys):
    assert cli.main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "Traceback" not in err
