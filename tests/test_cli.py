"""The command line, through its main(argv)."""

import re

from talentneeds import cli, udfs
from talentneeds.excel.boundary import specs


def test_functions_lists_every_function_with_signature_and_description(capsys):
    assert cli.main(["functions"]) == 0
    out = capsys.readouterr().out
    for spec in specs(udfs):
        assert spec.signature in out
        assert spec.description in out
    assert "AMPLIFIERS_NEEDED(teams, [point], [low], [high])" in out


def test_demo_computes_the_template_and_prints_the_plan(capsys, tmp_path):
    out_file = tmp_path / "demo.xlsx"
    assert cli.main(["demo", "-o", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "starting 3 new teams" in out and out_file.exists()
    # 3 teams: Amplifiers 3 / 4.5 / 6 and Iterators 15 / 22.5 / 30 FTE
    needs_line = next(line for line in out.splitlines() if line.startswith("Amplifier ") and "4.5" in line)
    assert needs_line.split()[1:] == ["3", "4.5", "6"]
    # 3 promotable (Carmen, Esi, Mateo): external Amplifier hires 0 / 1.5 / 3; leverage 2.5-5
    assert next(l for l in out.splitlines() if l.startswith("Amplifier hires")).split()[-3:] == ["0", "1.5", "3"]
    assert next(l for l in out.splitlines() if l.startswith("Manager leverage")).split()[-3:] == ["2.5", "3.75", "5"]
    # 3 promotion candidates + 2 Amplifier hires available: 5 / 1.5 = 3 teams, as 25 / 7.5 Iterators
    assert ("Bottleneck: Amplifier, Iterator (3 whole teams staffable; Amplifiers: 3 promotion candidates "
            "+ 2 hires available)") in out
    # the plan's headline is the model's for the example: a team starting in each of the
    # first three quarters, the example roster, the plan assumptions' defaults
    import datetime as dt

    from talentneeds import examples
    from talentneeds.excel import tables
    from talentneeds.model import plan

    labels = ["Q3 2026", "Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027", "Q4 2027", "Q1 2028", "Q2 2028"]
    headline = plan.plan_headline(plan.hiring_plan([1, 1, 1, 0, 0, 0, 0, 0], roster=tables.roster(
        examples.roster_range()), as_of=dt.date(2026, 7, 1), labels=labels))
    quarter = headline.fully_staffed_quarter
    assert (f"Plan over 8 quarters from Q3 2026: fully staffed from quarter {labels.index(quarter) + 1} "
            f"({quarter}); peak backlog {headline.peak_backlog} heads; {headline.management_bound_count} "
            "management-bound quarter(s); cost ") in out
    scenarios = out.splitlines()[out.splitlines().index("Scenarios") + 1].split()
    assert scenarios == ["Base", "No", "internal", "promotion", "Restructure", "Fast", "growth", "Managers", "hard",
                         "to", "hire"]


def test_compute_refuses_what_is_not_a_template_workbook(tmp_path, capsys):
    import openpyxl

    assert cli.main(["compute", str(tmp_path / "missing.xlsx")]) == 1
    assert "no such file" in capsys.readouterr().err
    text = tmp_path / "notes.xlsx"
    text.write_text("not a zip")
    assert cli.main(["compute", str(text)]) == 1
    assert "not an Excel workbook" in capsys.readouterr().err
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert cli.main(["compute", str(other)]) == 1
    err = capsys.readouterr().err
    assert "not a Talent Needs workbook: no sheet Assumptions" in err and err.count("\n") == 1


def test_compute_never_overwrites_without_being_asked(tmp_path, capsys):
    from talentneeds.workbook.builder import build_template

    source = build_template(tmp_path / "plan.xlsx", computed=False)
    before = source.read_bytes()
    assert cli.main(["compute", str(source)]) == 0
    assert (tmp_path / "plan-computed.xlsx").exists() and source.read_bytes() == before
    assert cli.main(["compute", str(source)]) == 1
    assert "exists; use --force" in capsys.readouterr().err
    assert cli.main(["compute", str(source), "-o", str(source)]) == 1
    assert cli.main(["compute", str(source), "--in-place"]) == 0
    assert source.read_bytes() != before  # now holds the computed values


def test_compute_refuses_an_unsupported_formulas_in_one_line(tmp_path, capsys, monkeypatch):
    import formulas
    from talentneeds.engines.compat import check_versions
    from talentneeds.workbook.builder import build_template

    source = build_template(tmp_path / "plan.xlsx", computed=False)
    check_versions.cache_clear()
    monkeypatch.setattr(formulas, "__version__", "1.4.0")
    try:
        assert cli.main(["compute", str(source)]) == 1
    finally:
        check_versions.cache_clear()
    err = capsys.readouterr().err
    assert err == ("talentneeds: formulas 1.4.0 is installed; the workbook engine supports formulas>=1.3.4,<1.4 "
                   "(pip install 'formulas>=1.3.4,<1.4')\n")
    assert not (tmp_path / "plan-computed.xlsx").exists()


def test_compute_exits_non_zero_naming_a_failed_check(tmp_path, capsys):
    import openpyxl
    from talentneeds.workbook.builder import build_template

    source = build_template(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(source)
    wb["Staff"]["B5"] = "Chief Vibes Officer"   # not in the Roles catalogue
    wb.save(source)
    assert cli.main(["compute", str(source)]) == 1
    err = capsys.readouterr().err.strip()
    # the unknown role also stops INTERNAL_AMPLIFIERS (#N/A naming the roster row), so the
    # needs built on it and the candidates check fail too, and the plans that read the
    # roster (the plan and scenario checks), and the cohort of the heads from outside: 6 checks
    assert err == ("talentneeds: check failed: Checks!B8 (Every role on Staff has an archetype (Staff, column F; "
                   "titles not on Roles: D8)); Checks!B9 (The needs compute); Checks!B10 (The promotion "
                   "candidates compute); Checks!B11 (Cohort seats add up to the cohort size); Checks!B12 (The plan "
                   "computes); Checks!B13 (Every scenario computes); 6 check(s) fail in all; "
                   '1 title not in the catalogue on Roles: "Chief Vibes Officer" (add each on Roles with its archetype)')


def test_compute_names_every_unknown_title(tmp_path, capsys):
    import openpyxl
    from talentneeds.workbook.builder import build_template

    source = build_template(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(source)
    for row, title in zip(range(5, 10), ("Chief Vibes Officer", "Chef", "Wizard", "Chef", "Head of Snacks")):
        wb["Staff"][f"B{row}"] = title  # "Chef" twice: named once
    wb.save(source)
    assert cli.main(["compute", str(source)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.endswith(
        '; 4 titles not in the catalogue on Roles: "Chief Vibes Officer", "Chef", "Wizard", "Head of Snacks" '
        "(add each on Roles with its archetype)")


def test_a_user_mistake_is_one_line_and_a_non_zero_exit(capsys):
    assert cli.main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "Traceback" not in err


def test_compute_refuses_a_defined_name_it_cannot_parse_in_one_line(tmp_path, capsys):
    # Excel would not save "Checks!$B$0" (there is no row 0); another tool can
    from talentneeds.workbook.builder import build_template
    from tests.workbook_edits import edited

    def bad_name(parts):
        xml, count = re.subn(rb'(<definedName name="AllChecksOK"[^>]*>)[^<]*<', rb"\1Checks!$B$0<",
                             parts["xl/workbook.xml"])
        assert count == 1
        parts["xl/workbook.xml"] = xml

    source = edited(build_template(tmp_path / "plan.xlsx"), tmp_path / "bad.xlsx", bad_name)
    assert cli.main(["compute", str(source), "-o", str(tmp_path / "out.xlsx")]) == 1
    assert capsys.readouterr().err.strip() == (
        f"talentneeds: {source}: the defined name AllChecksOK is not a formula the engine can read: "
        "=Checks!$B$0 (correct or delete it in Excel's Name Manager)")
    assert not (tmp_path / "out.xlsx").exists()
