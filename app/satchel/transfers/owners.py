"""Which queue drives which item: one locked file per running queue, held until it ends.

The operating system drops a file lock when its process dies, however it dies (kill -9
or Task Manager included), so "is the owner of this item still running?" is "is its
lock file still locked?" — no pid files that outlive their process, no clock. A queue
only takes over (adopts) items whose owner is gone, so two processes never drive the
same file.

The lock itself is portalocker's exclusive, non-blocking lock: `flock` on Linux and
macOS, `msvcrt.locking` on Windows. Both conflict between two descriptors of the
same file even within one process, which is what lets a queue see its own lock as
alive. `try_lock`/`unlock` are the only two places that know about it.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import portalocker

from satchel.local_files import private_folder

FOLDER_NAME = "transfers.owners"
_EXCLUSIVE_NOW = portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING


def try_lock(fd: int) -> bool:
    """Take the exclusive lock on the open file `fd`; False if another holds it."""
    try:
        portalocker.lock(fd, _EXCLUSIVE_NOW)
    except portalocker.AlreadyLocked:
        return False
    return True


def unlock(fd: int) -> None:
    """Release the lock on `fd` (Windows asks for it before the descriptor is closed)."""
    with contextlib.suppress(portalocker.LockException, OSError):
        portalocker.unlock(fd)


def _lock_path(folder: Path, owner: str) -> Path:
    return folder / f"{owner}.lock"


def _close_and_remove(fd: int, path: Path) -> None:
    # In this order: Windows cannot delete a file while any descriptor holds it open.
    unlock(fd)
    os.close(fd)
    with contextlib.suppress(OSError):  # Windows: another process is looking at it
        path.unlink()


class OwnerLock:
    """This queue's identity and proof of life. Release with `close()` (or by dying)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        private_folder(folder)  # its parents too (mkdir's mode leaves them open)
        self.owner = uuid.uuid4().hex
        self._path = _lock_path(folder, self.owner)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        if not try_lock(fd):  # a fresh random name: only a broken lock gets here
            os.close(fd)
            raise OSError(f"could not lock {self._path}")
        self._fd: int | None = fd

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            _close_and_remove(fd, self._path)


def owner_alive(folder: Path, owner: str | None) -> bool:
    """Whether the queue `owner` still runs (in this process or any other)."""
    if owner is None:
        return False
    path = _lock_path(folder, owner)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except PermissionError:  # can't tell (Windows: being deleted): never adopt on a guess
        return True
    locked = False
    try:
        locked = try_lock(fd)
    finally:
        if not locked:
            os.close(fd)
    if not locked:
        return True
    # Nobody holds it: its queue died without cleaning up. Tidy its file away.
    _close_and_remove(fd, path)
    return False
