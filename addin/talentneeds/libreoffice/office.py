"""Finding LibreOffice and running it headless: unopkg, and one soffice for many files."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from talentneeds.errors import FileError

SOFFICE_TIMEOUT = 600  # seconds for one soffice run over a batch of workbooks

# LibreOffice keeps an .xlsx file's stored values unless told otherwise; we want every
# formula recalculated by LibreOffice itself (0: always recalculate on loading)
ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class OfficeError(FileError, RuntimeError):
    """LibreOffice or one of its tools is missing or failed; the message says which."""

    names_file = False


@dataclass(frozen=True)
class Office:
    program: Path  # the folder of soffice's real binary

    @property
    def soffice(self) -> Path:
        return self.program / "soffice"

    @property
    def types(self) -> Path:
        return self.program / "types.rdb"

    def tool(self, name: str) -> Path | None:
        """A tool of the office or its SDK (Debian puts the SDK's in sdk/bin)."""
        for folder in (self.program, self.program.parent / "sdk" / "bin"):
            if (folder / name).exists():
                return folder / name
        found = shutil.which(name)
        return Path(found) if found else None


def find_office() -> Office:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise OfficeError("LibreOffice not found; install it (Debian: apt-get install libreoffice-calc-nogui)")
    return Office(Path(os.path.realpath(found)).parent)


def office_environment() -> dict[str, str]:
    """The environment to start LibreOffice in. Where it runs on the system's Python
    (Linux distributions), that Python finds its home through the first ``python3`` on
    PATH: an activated virtual environment or pyenv first on PATH made it load another
    Python's library and crash. So the system's folders come first, and PYTHONHOME and
    PYTHONPATH meant for our Python are not passed on."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH")}
    if sys.platform.startswith("linux"):
        env["PATH"] = os.pathsep.join(["/usr/bin", "/bin", env.get("PATH", "")])
    return env


def profile_url(profile: Path) -> str:
    return f"-env:UserInstallation={Path(profile).resolve().as_uri()}"


def unopkg(args: list[str], profile: Path | None = None, as_user: tuple[int, int] | None = None) -> str:
    """Run ``unopkg`` (for a throw-away ``profile`` when given, as the user ``as_user``
    (uid, gid) when given); its output, or OfficeError."""
    tool = find_office().tool("unopkg")
    if tool is None:
        raise OfficeError("unopkg not found; it comes with LibreOffice")
    command = [str(tool), *args] + ([profile_url(profile)] if profile else [])
    options = {"env": office_environment()}
    if as_user:
        # started in the profile: unopkg's script changes back to the caller's folder,
        # which that user may not be allowed to enter (a private temporary folder)
        options = {"user": as_user[0], "group": as_user[1], "extra_groups": [], "cwd": str(profile),
                   "env": {**options["env"], "HOME": str(profile)}}
    done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT, **options)
    if done.returncode != 0:
        raise OfficeError(f"unopkg {args[0]} failed: {(done.stderr or done.stdout).strip()}")
    return done.stdout


@contextlib.contextmanager
def throwaway_profile(oxt: Path | None):
    """A fresh LibreOffice user installation that recalculates every formula on loading,
    with the add-in ``oxt`` installed (none if None); removed afterwards.

    unopkg refuses to install for a user as root (CI runs as root): there the add-in is
    installed by the unprivileged user ``nobody`` into this folder, which is made theirs
    (it sits in the system's temporary folder, which everyone can reach)."""
    profile = Path(tempfile.mkdtemp(prefix="talentneeds-libreoffice-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE)
        if oxt is not None:
            as_user = _unprivileged(profile)
            shutil.copyfile(oxt, profile / "talentneeds.oxt")
            if as_user:
                for path in (profile, *profile.rglob("*")):
                    os.chown(path, as_user[0], as_user[1])
            unopkg(["add", "--force", str(profile / "talentneeds.oxt")], profile, as_user)
        yield profile
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _unprivileged(profile: Path) -> tuple[int, int] | None:
    """(uid, gid) of ``nobody`` when running as root, else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        raise OfficeError("unopkg cannot install the add-in as root and there is no user 'nobody' to do it") from None
    os.chmod(profile, 0o755)
    return nobody.pw_uid, nobody.pw_gid


def convert(sources: list[Path], out_dir: Path, profile: Path, to: str = "xlsx:Calc MS Excel 2007 XML") -> str:
    """One headless soffice opens every file of ``sources`` (recalculating them) and saves
    each into ``out_dir`` under its own stem; returns what LibreOffice printed on
    standard error (the add-in writes its error messages there)."""
    if not sources:
        return ""
    done = subprocess.run(
        [str(find_office().soffice), profile_url(profile), "--headless", "--norestore", "--nologo",
         "--convert-to", to, "--outdir", str(out_dir), *map(str, sources)],
        capture_output=True, text=True, timeout=SOFFICE_TIMEOUT, env=office_environment())
    missing = [s for s in sources if not (out_dir / f"{s.stem}.{to.split(':')[0]}").exists()]
    if done.returncode != 0 or missing:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise OfficeError(f"LibreOffice could not convert {', '.join(s.name for s in missing) or 'the files'}"
                          f"{': ' + detail[-1] if detail else ''}")
    return done.stderr
