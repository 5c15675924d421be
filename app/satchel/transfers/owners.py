"""Which queue drives which item: one lock file per running queue, held until it ends.

The kernel drops an flock when its process dies, however it dies (kill -9 included),
so "is the owner of this item still running?" is "is its lock file still locked?" —
no pid files that outlive their process, no clock. A queue only takes over (adopts)
items whose owner is gone, so two processes never drive the same file.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock
    fcntl = None  # type: ignore[assignment]

FOLDER_NAME = "transfers.owners"


def _lock_path(folder: Path, owner: str) -> Path:
    return folder / f"{owner}.lock"


class OwnerLock:
    """This queue's identity and proof of life. Release with `close()` (or by dying)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.owner = uuid.uuid4().hex
        self._path = _lock_path(folder, self.owner)
        self._fd: int | None = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            self._path.unlink()
        os.close(fd)  # releases the lock


def owner_alive(folder: Path, owner: str | None) -> bool:
    """Whether the queue `owner` still runs (in this process or any other)."""
    if owner is None:
        return False
    path = _lock_path(folder, owner)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        if fcntl is None:  # pragma: no cover - without flock, trust the file's presence
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        # Nobody holds it: its queue died without cleaning up. Tidy its file away.
        with contextlib.suppress(OSError):
            path.unlink()
        return False
    finally:
        os.close(fd)
