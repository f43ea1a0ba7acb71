"""The Calc add-in (.oxt), generated from the functions' metadata, and its installation.

Every part comes from :func:`talentneeds.excel.boundary.specs` -- the same
:class:`FunctionSpec` list that xlwings, xlwings Lite and the headless engine use:

* ``TalentNeeds.idl`` -> ``TalentNeeds.rdb`` (LibreOffice's ``unoidl-write``): one method
  per function, every argument ``any`` (Calc then passes a cell's value or a range's
  rows, and treats the argument as optional), a scalar result ``any``, a table
  ``sequence< sequence< any > >`` (a table returned as ``any`` shows ``#VALUE!``);
* ``CalcAddIns.xcu``: display name, description, category and the Excel name
  (``CompatibilityName``, which LibreOffice reads and writes in .xlsx files) per
  function, display name and description per argument;
* the component (:mod:`.component`) and the ``talentneeds`` package beside it;
* ``META-INF/manifest.xml`` and ``description.xml``.

Calc has a fixed list of function categories; a name it does not know (ours, "Talent
Needs") puts the functions under "Add-In", where the Function Wizard shows them.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from talentneeds import __version__
from talentneeds.excel.boundary import FunctionSpec, specs
from talentneeds.files import atomic_write
from talentneeds.libreoffice.office import OfficeError, find_office, unopkg

IDENTIFIER = "org.talentneeds.calc"
INTERFACE = "XTalentNeeds"
SERVICE = "org.talentneeds.calc.TalentNeeds"  # as component.SERVICE; the configuration is keyed by it
COMPONENT = "talentneeds_calc.py"
TYPES = "TalentNeeds.rdb"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # addin/talentneeds


def our_specs() -> list[FunctionSpec]:
    from talentneeds import udfs

    return specs(udfs)


def idl_name(name: str) -> str:
    """An argument name as UNO IDL accepts it: ``unoidl-write`` refuses a lower-case
    letter right after ``_``, so ``per_team`` becomes ``perTeam``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def idl(functions: Iterable[FunctionSpec]) -> str:
    methods = []
    for spec in functions:
        result = "sequence< sequence< any > >" if spec.returns_table else "any"
        args = ", ".join(f"[in] any {idl_name(a.name)}" for a in spec.args)
        methods.append(f"            {result} {spec.python_name}({args});")
    body = "\n".join(methods)
    return ("#include <com/sun/star/uno/XInterface.idl>\n\n"
            "module org { module talentneeds { module calc {\n"
            f"    interface {INTERFACE} : com::sun::star::uno::XInterface\n    {{\n{body}\n    }};\n"
            "}; }; };\n")


def _prop(name: str, value: str, localized: bool = True) -> str:
    lang = ' xml:lang="en-US"' if localized else ""
    return f'<prop oor:name="{name}"><value{lang}>{escape(value)}</value></prop>'


def calc_addins_xcu(functions: Iterable[FunctionSpec]) -> str:
    nodes = []
    for spec in functions:
        params = "".join(
            f'<node oor:name={quoteattr(idl_name(a.name))} oor:op="replace">'
            f'{_prop("DisplayName", a.name)}{_prop("Description", a.description)}</node>'
            for a in spec.args)
        nodes.append(
            f'<node oor:name="{spec.python_name}" oor:op="replace">'
            f'{_prop("DisplayName", spec.name)}{_prop("Description", spec.description)}'
            f'{_prop("Category", "Add-In", localized=False)}'
            f'{_prop("CategoryDisplayName", spec.category)}'
            f'{_prop("CompatibilityName", spec.name)}'
            f'<node oor:name="Parameters">{params}</node></node>\n')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="CalcAddIns" oor:package="org.openoffice.Office">\n'
            f'<node oor:name="AddInInfo"><node oor:name="{SERVICE}" oor:op="replace">'
            f'<node oor:name="AddInFunctions">\n{"".join(nodes)}</node></node></node>\n'
            '</oor:component-data>\n')


MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">
 <manifest:file-entry manifest:full-path="{TYPES}" manifest:media-type="application/vnd.sun.star.uno-typelibrary;type=RDB"/>
 <manifest:file-entry manifest:full-path="{COMPONENT}" manifest:media-type="application/vnd.sun.star.uno-component;type=Python"/>
 <manifest:file-entry manifest:full-path="CalcAddIns.xcu" manifest:media-type="application/vnd.sun.star.configuration-data"/>
</manifest:manifest>
"""


def description_xml() -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<description xmlns="http://openoffice.org/extensions/description/2006" xmlns:xlink="http://www.w3.org/1999/xlink">
 <identifier value="{IDENTIFIER}"/>
 <version value="{escape(__version__)}"/>
 <display-name><name lang="en">Talent Needs</name></display-name>
 <platform value="all"/>
</description>
"""


def type_library(idl_text: str, folder: Path) -> bytes:
    """Compile the IDL with LibreOffice's ``unoidl-write`` (package libreoffice-dev)
    against the office's own types."""
    office = find_office()
    tool = office.tool("unoidl-write")
    if tool is None:
        raise OfficeError("unoidl-write not found; install libreoffice-dev (it builds the add-in's type library)")
    source, target = folder / "TalentNeeds.idl", folder / TYPES
    source.write_text(idl_text)
    done = subprocess.run([str(tool), str(office.types), str(source), str(target)],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not target.exists():
        raise OfficeError(f"unoidl-write failed: {(done.stderr or done.stdout).strip()}")
    return target.read_bytes()


def _package_files() -> list[Path]:
    """The ``talentneeds`` package's Python files, for ``pythonpath/`` in the .oxt."""
    return sorted(p for p in PACKAGE_ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def build_oxt(output: str | Path) -> Path:
    """Write the add-in to ``output`` (through a temporary file); returns its path."""
    functions = our_specs()
    with tempfile.TemporaryDirectory() as folder:
        rdb = type_library(idl(functions), Path(folder))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as oxt:
        for name, data in (("META-INF/manifest.xml", MANIFEST), ("description.xml", description_xml()),
                           ("CalcAddIns.xcu", calc_addins_xcu(functions)),
                           (COMPONENT, (PACKAGE_ROOT / "libreoffice" / "component.py").read_text())):
            oxt.writestr(name, data)
        oxt.writestr(TYPES, rdb)
        for path in _package_files():
            oxt.write(path, "pythonpath/talentneeds/" + path.relative_to(PACKAGE_ROOT).as_posix())
    return atomic_write(output, lambda stream: stream.write(buffer.getvalue()))


def install(oxt: str | Path, profile: Path | None = None) -> str:
    """``unopkg add`` the add-in for the current user (or into ``profile``, a
    LibreOffice user installation folder); replaces an older copy. Returns unopkg's output."""
    return unopkg(["add", "--force", str(oxt)], profile)

