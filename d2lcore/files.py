"""Safe writes: every file d2lcore and the scripts write goes to a temporary file that is renamed into place.

``os.replace`` within one folder is atomic, so a reader (or the next run) sees either the old file or the complete
new one, never half of a checkpoint, figure or page, whatever happens to the writing process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

TEMP_SUFFIX = ".partial"
"""Suffix of the temporary files (``.<name>.<random>.partial``); a crash may leave one behind, never a real name."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "wb", fsync: bool = True, **open_kwargs) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; on success rename it over ``path``.

    If the block raises (or the process dies), ``path`` keeps its old content (or stays absent) and the temporary
    file is removed (after a crash it stays as a hidden ``*.partial`` file, which nothing reads). ``fsync=True``
    flushes the data to disk before the rename, so even a power cut leaves the old or the new file. The new file
    gets the mode of the file it replaces, or the usual ``0o666 & ~umask`` for a new one. Folders are created.
    """
    if mode not in ("w", "wb", "wt"):
        raise ValueError(f"atomic_write: mode must be 'w', 'wt' or 'wb', got {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as f:
            yield f
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` through :func:`atomic_write`; return the path."""
    with atomic_write(path, "w", encoding=encoding) as f:
        f.write(text)
    return Path(path)


def atomic_copy(src: str | Path, dst: str | Path) -> str:
    """Copy the file ``src`` to ``dst`` through :func:`atomic_write` (usable as ``shutil.copytree``'s copy_function)."""
    with open(src, "rb") as source, atomic_write(dst, fsync=False) as target:
        shutil.copyfileobj(source, target)
    return str(dst)


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of the file at ``path`` (about 1 GB/s with hardware SHA support: under 0.1 s for a data set)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(2**22):
            digest.update(chunk)
    return digest.hexdigest()
