"""Atomic file writes shared by everything that saves (model files, graph pages, pictures).

A reader sees the old file or the new one, never half: the data goes to a temp file beside the
target, is flushed to disk, then renamed over it. Standard library only.
"""

from __future__ import annotations

import errno
import glob
import os
import secrets
import stat
import time
from pathlib import Path

__all__ = ["STALE_SECONDS", "TEMP_SUFFIX", "write_atomically", "write_bytes_atomically"]

TEMP_SUFFIX = ".chainrule-tmp"
"""Ends the name of the temp file `write_atomically` writes beside its target (as
``.<target name>.<random>.chainrule-tmp``): hidden, recognisable, and removed by the next save to
the same path if a killed process left it behind."""

STALE_SECONDS = 600.0
"""A temp file untouched for this long belongs to no running save (a write takes seconds)."""


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that a reader sees the old file or the new one.

    A symlink is followed (its target is replaced, the link stays); an existing file keeps its
    permission bits, a new one gets the umask's. Any OSError names ``path`` as given, and the
    temp file is removed on failure.
    """
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """`write_atomically` for bytes (e.g. a PNG)."""
    shown_path = os.fspath(path)
    target = Path(os.path.realpath(path))
    try:
        _remove_stale_temp_files(target)
        try:
            mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = None
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as f:
                if mode is not None:
                    os.chmod(tmp, mode)
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as e:
        if e.errno is None:
            raise OSError(f"cannot write {shown_path!r}: {e}") from e
        reason = e.strerror
        if e.errno == errno.ENOENT and not target.parent.is_dir():
            reason = f"folder {str(target.parent)!r} does not exist"
        raise OSError(e.errno, f"cannot write the file ({reason})", shown_path) from e


def _remove_stale_temp_files(target: Path) -> None:
    """Delete temp files that a killed save to ``target`` left behind (best effort)."""
    now = time.time()
    try:
        leftovers = list(target.parent.glob(f".{glob.escape(target.name)}.*{TEMP_SUFFIX}"))
    except OSError:
        return
    for leftover in leftovers:
        try:
            if now - leftover.lstat().st_mtime > STALE_SECONDS:
                leftover.unlink()
        except OSError:
            pass
