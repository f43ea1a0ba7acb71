"""Every file the project writes passes Microsoft's Open XML SDK validator in its
Microsoft365 mode: the SDK itself, compiled to WebAssembly (the npm package
``@ooxml-tools/validate``, pinned in package-lock.json here), run under Node.

One Node process validates all the files (the SDK's runtime takes seconds to start).
``.ci/run`` installs it (``npm ci`` in this folder); where Node or the package is absent
these tests skip, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from workbook_edits import edited, lengthen, shorten

from talentneeds import cli, examples
from talentneeds.workbook.builder import build_template

HERE = Path(__file__).resolve().parent
VALIDATOR = HERE / "node_modules" / "@ooxml-tools" / "validate"
NODE = shutil.which("node")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CI = bool(os.environ.get("CI"))
OFFICE_VERSION = "Microsoft365"


def test_ci_has_the_validator():
    """In CI a missing validator is a failure, never a silent skip."""
    if not CI:
        pytest.skip("only CI must have the validator")
    assert NODE is not None and VALIDATOR.is_dir(), "run `npm ci` in tests/ooxml (.ci/run does)"


def validate(paths: list[Path]) -> dict[str, list[dict]]:
    if NODE is None or not VALIDATOR.is_dir():
        if CI:
            pytest.fail("the Open XML SDK validator is missing: `npm ci` in tests/ooxml (.ci/run does)")
        pytest.skip("the Open XML SDK validator is not installed (npm ci in tests/ooxml)")
    done = subprocess.run([NODE, str(HERE / "validate.mjs"), OFFICE_VERSION, *map(str, paths)],
                          capture_output=True, text=True, timeout=600, cwd=HERE)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _roster_csv(path: Path) -> Path:
    rows = [",".join(examples.ROSTER_HEADER)]
    rows += [",".join(str(value) for value in person) for person in examples.ROSTER]
    rows.append("Zoë 😀 Example,Research Engineer,Alignment,2023-02-01,yes")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """Every kind of file the project writes, by what wrote it."""
    folder = tmp_path_factory.mktemp("written")
    files = {
        "template (.xlsx)": build_template(folder / "talent-needs.xlsx"),
        "macro-enabled template (.xlsm)": build_template(folder / "talent-needs.xlsm"),
        "formulas-only template": build_template(folder / "formulas-only.xlsx", computed=False),
    }
    assert cli.main(["demo", "-o", str(folder / "demo.xlsx")]) == 0
    files["computed demo"] = folder / "demo.xlsx"
    roster = _roster_csv(folder / "hr.csv")
    assert cli.main(["import-roster", str(roster), "--into", str(files["template (.xlsx)"]),
                     "-o", str(folder / "imported.xlsx"), "--replace"]) == 0
    files["import-roster output"] = folder / "imported.xlsx"
    assert cli.main(["compute", str(folder / "imported.xlsx"), "-o", str(folder / "imported-computed.xlsx")]) == 0
    files["import-roster output, computed"] = folder / "imported-computed.xlsx"
    unknown = folder / "unknown.csv"  # two titles Roles lacks: Checks' list of them spills from one cell
    unknown.write_text("Name,Role,Start date\nAnn,Chef,2023-01-01\nBob,Pilot,2023-01-01\n", encoding="utf-8")
    assert cli.main(["import-roster", str(unknown), "--into", str(files["template (.xlsx)"]),
                     "-o", str(folder / "unknown.xlsx")]) == 0
    assert cli.main(["compute", str(folder / "unknown.xlsx"), "-o", str(folder / "unknown-computed.xlsx")]) == 1
    files["unknown titles listed, computed"] = folder / "unknown-computed.xlsx"
    assert cli.main(["compute", str(files["macro-enabled template (.xlsm)"]),
                     "-o", str(folder / "computed.xlsm")]) == 0
    files["macro-enabled template, computed"] = folder / "computed.xlsm"
    for name, edit in (("longer", lengthen), ("shorter", shorten)):  # spills resized by compute
        source = edited(files["template (.xlsx)"], folder / f"{name}.xlsx", edit)
        assert cli.main(["compute", str(source), "-o", str(folder / f"{name}-computed.xlsx")]) == 0
        files[f"{name} schedule, computed"] = folder / f"{name}-computed.xlsx"
    if SOFFICE is not None:
        from talentneeds.libreoffice.office import convert, throwaway_profile

        saved = folder / "libreoffice"
        saved.mkdir()
        with throwaway_profile(None) as profile:
            convert([files["template (.xlsx)"]], saved, profile)
        assert cli.main(["compute", str(saved / "talent-needs.xlsx"), "-o", str(folder / "lo-computed.xlsx")]) == 0
        files["LibreOffice-saved template, computed"] = folder / "lo-computed.xlsx"
        assert cli.main(["compute", str(files["template (.xlsx)"]), "--engine", "libreoffice",
                         "-o", str(folder / "computed-by-libreoffice.xlsx")]) == 0
        files["computed by LibreOffice"] = folder / "computed-by-libreoffice.xlsx"
    elif CI:
        pytest.fail("LibreOffice (soffice) is missing in CI")
    return files


def test_every_written_file_has_no_errors_in_the_sdk_validator(written):
    results = validate(list(written.values()))
    errors = {what: results[str(path)] for what, path in written.items()}
    report = {what: [f"{e['path']['partUri']} {e['path']['xpath']}: {e['description']}" for e in found]
              for what, found in errors.items() if found}
    assert report == {}
    if SOFFICE is None:
        pytest.skip("checked all but the LibreOffice-saved files: LibreOffice (soffice) is not installed")


def test_the_validator_reports_an_invalid_file(tmp_path):
    """The check can fail: a styles.xml in openpyxl's own font order is reported."""
    import io
    import zipfile

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.active["A1"] = "x"
    workbook.active["A1"].font = Font(bold=True, color="FF0000", size=14)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "openpyxl-as-is.xlsx"
    path.write_bytes(buffer.getvalue())
    with zipfile.ZipFile(path) as archive:
        assert b"<sz" in archive.read("xl/styles.xml")
    errors = validate([path])[str(path)]
    assert {e["path"]["partUri"] for e in errors} == {"/xl/styles.xml"}
    assert any("unexpected child element" in e["description"] for e in errors)
