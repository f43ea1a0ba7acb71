"""Writing files so that a reader never sees half of one.

Every workbook we write goes to a temporary file in the target's own folder (same
file system, so the rename is atomic) and is renamed into place: the target is either
the old file or the complete new one, and a failure leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

T = TypeVar("T")


def atomic_replace(path: str | Path, produce: Callable[[Path], T]) -> T:
    """Call ``produce(temporary)`` to write a file next to ``path``, then rename it to
    ``path`` (keeping ``path``'s mode); returns what ``produce`` returns."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        result = produce(Path(temporary))
        os.chmod(temporary, file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return result


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
