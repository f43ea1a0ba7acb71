"""Writing files so that a reader never sees half of one, and no write races another.

Every file we write goes to a temporary file in the target's own folder (same file
system, so the rename is atomic) and is renamed into place: the target is either the
old file or the complete new one. The one output-file policy of every command lives
here:

* a new output is *claimed* atomically (:func:`write_output`): the finished temporary
  file is hard-linked to the target name, which fails if anything -- a file, a folder,
  a dangling symlink -- took that name meanwhile; checking and writing are one step.
  Only ``force`` replaces what is there;
* an update of the user's own file (:func:`update_in_place`) holds a lock on the folder
  (serialising our own writers) and checks, just before the rename, that the file still
  holds the bytes that were read; through a symlink or a hard link it writes the real
  file;
* temporary files are named ``.NAME.talentneeds-PID-XXXX.tmp``: removed on failure and
  on SIGTERM, and swept by the next write in that folder once their process is gone
  (after a kill -9).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from talentneeds.errors import FileError

T = TypeVar("T")

__all__ = ["ConcurrentChangeError", "OutputError", "atomic_replace", "atomic_write", "check_copy", "check_output",
           "read_regular", "sweep_temporaries", "update_in_place", "write_output"]

_TEMP = re.compile(r"^\..*\.talentneeds-(?P<pid>\d+)-[^.]+\.tmp$")
_NAME_MAX = 255  # bytes in one file name, on every common file system


class OutputError(FileError):
    """The output cannot be written as asked; the message (one line) says why and what to do."""


class ConcurrentChangeError(OutputError):
    """The file changed while we worked on it; nothing was written."""


# ---------------------------------------------------------------- reading

def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, read once. A FIFO, device or folder by that name is
    refused without blocking (opened non-blocking, checked by its handle)."""
    path = Path(path)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise OutputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise OutputError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise OutputError(f"{path}: cannot read the file ({error.strerror})") from None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f"{path}: not a regular file (a folder, pipe or device); give a file")
        if limit is not None and info.st_size > limit:
            raise OutputError(f"{path}: {info.st_size:,} bytes, more than the {limit:,} a workbook may have")
        return stream.read()


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the output policy

def check_output(path: str | Path, force: bool) -> Path:
    """Refuse (:class:`OutputError`) an output that cannot or may not be written: its
    name too long, its folder missing, a folder by that name, or anything there --
    a dangling symlink too -- without ``force``. A cheap early check, so a long run
    does not end in a refusal; :func:`write_output` claims the name atomically anyway."""
    path = Path(path)
    if len(os.fsencode(path.name)) > _NAME_MAX:
        raise OutputError(f"{str(path)[:60]}...: the file name is {len(os.fsencode(path.name))} bytes long, "
                          f"more than the {_NAME_MAX} a file name may have; choose a shorter name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{folder}: no such folder")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    if os.path.lexists(path) and not force:
        what = "exists" if path.exists() else f"exists (a link to {os.readlink(path)}, which does not exist)"
        raise OutputError(f"{path} {what}; use --force to overwrite it, or -o to choose another name")
    return path


def check_copy(source: str | Path, target: str | Path, force: bool, *, source_word: str, itself: str) -> Path:
    """:func:`check_output` for a changed copy of ``source``: also refused, the copy of
    another kind (Excel refuses a macro-enabled workbook named .xlsx and the other way
    round) or ``source`` itself (``itself`` says what to do instead)."""
    source, target = Path(source), Path(target)
    if target.suffix.lower() != source.suffix.lower():
        raise OutputError(f"{target}: the output must be a {source.suffix} file like the {source_word}")
    with contextlib.suppress(OSError):  # a name too long, say: check_output names it below
        if source.exists() and target.exists() and target.resolve() == source.resolve():
            raise OutputError(itself)
    return check_output(target, force)


def write_output(path: str | Path, produce: Callable[[Path], T], force: bool) -> T:
    """Call ``produce(temporary)`` to write the file, then put it at ``path``: claimed
    atomically (a hard link, which fails if the name was taken meanwhile) unless
    ``force``, which replaces what is there. Returns what ``produce`` returns."""
    path = check_output(path, force)
    return _write_via_temporary(path, produce, lambda temporary: _publish(temporary, path, force))


def _publish(temporary: Path, path: Path, force: bool) -> None:
    os.chmod(temporary, file_mode(path))
    if force:
        if path.is_dir():
            raise OutputError(f"{path} is a folder; give a file name")
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise OutputError(f"{path} was created by something else while this ran; nothing overwritten "
                          "(use --force to overwrite it)") from None
    except OSError:  # a file system without hard links: claim the name, then rename onto the claim
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise OutputError(f"{path} was created by something else while this ran; nothing overwritten "
                              "(use --force to overwrite it)") from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def update_in_place(path: str | Path, produce: Callable[[bytes], tuple[T, Callable[[Path], None]]]) -> T:
    """Rewrite the user's file at ``path``. ``produce(original bytes)`` does the work and
    returns (result, write), ``write(temporary)`` writing the new content: the temporary
    file exists only while it is written. The real file is updated (through a symlink; a
    file with more than one hard link is rewritten in place once the new content is
    complete), under a lock on its folder, and only if it still holds the bytes read
    (else :class:`ConcurrentChangeError`, nothing written)."""
    real = Path(os.path.realpath(path))
    with _folder_lock(real.parent):
        original = read_regular(real)
        expected = fingerprint(original)
        result, write = produce(original)

        def publish(temporary: Path) -> None:
            if fingerprint(read_regular(real)) != expected:
                raise ConcurrentChangeError(f"{path} was changed by another program while this ran; nothing "
                                            "written: run the command again")
            if os.stat(real).st_nlink > 1:  # a rename would leave the other names on the old content
                with open(temporary, "rb") as source, open(real, "r+b") as target:
                    target.write(source.read())
                    target.truncate()
                    os.fsync(target.fileno())
                os.unlink(temporary)
                return
            os.chmod(temporary, file_mode(real))
            os.replace(temporary, real)

        _write_via_temporary(real, write, publish)
    return result


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """An exclusive lock on the folder (flock on its handle), held by our own writers
    while they read, compute and rename; no lock where the platform has none."""
    try:
        import fcntl
    except ImportError:  # Windows: the fingerprint check still refuses a concurrent change
        yield
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # a folder we may write but not list: the fingerprint check still applies
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


# ---------------------------------------------------------------- temporaries

def _write_via_temporary(path: Path, produce: Callable[[Path], T], publish: Callable[[Path], None]) -> T:
    folder = path.parent if str(path.parent) else Path(".")
    sweep_temporaries(folder)
    # the name part is shortened so that the temporary's name stays within _NAME_MAX
    stem = path.name.encode()[:100].decode(errors="ignore")
    with _removed_on_sigterm() as cleanup:
        handle, temporary = tempfile.mkstemp(prefix=f".{stem}.talentneeds-{os.getpid()}-", suffix=".tmp",
                                             dir=folder)
        os.close(handle)
        cleanup.append(temporary)
        try:
            result = produce(Path(temporary))
            publish(Path(temporary))
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)
    return result


def sweep_temporaries(folder: str | Path) -> list[Path]:
    """Remove our temporary files in ``folder`` whose process is gone (killed mid-write);
    returns them."""
    swept = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = _TEMP.match(entry.name)
            if match and not _alive(int(match["pid"])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    swept.append(Path(entry.path))
    return swept


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


@contextlib.contextmanager
def _removed_on_sigterm():
    """While writing, SIGTERM removes the temporary file before the process ends."""
    temporaries: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield temporaries
        return
    previous = signal.getsignal(signal.SIGTERM)

    def terminate(signum, frame):
        for name in temporaries:
            with contextlib.suppress(OSError):
                os.unlink(name)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield temporaries
    finally:
        signal.signal(signal.SIGTERM, previous)


# ---------------------------------------------------------------- the simple forms

def atomic_replace(path: str | Path, produce: Callable[[Path], T]) -> T:
    """Call ``produce(temporary)`` to write a file next to ``path``, then rename it to
    ``path`` (keeping ``path``'s mode); returns what ``produce`` returns. For files the
    program owns (a temporary folder, a forced output)."""
    path = Path(path)

    def publish(temporary: Path) -> None:
        os.chmod(temporary, file_mode(path))
        os.replace(temporary, path)

    return _write_via_temporary(path, produce, publish)


def atomic_write(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(stream)`` on a temporary file next to ``path``, then rename it to ``path``."""
    def produce(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            write(stream)

    atomic_replace(path, produce)
    return Path(path)


def file_mode(path: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual mode (mkstemp's is 0600)."""
    if path.exists():
        return path.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
