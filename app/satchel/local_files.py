"""Creating and finishing files on this computer without trusting what is already there.

- New files are created exclusively and never through a symbolic link (someone who
  can write in the folder could plant one pointing at a file of the person's).
- A finished file is flushed to the disk, then its folder, before it counts as done:
  a power cut afterwards finds the whole file under its name, not an empty one.
- A file that came from another person is marked as downloaded from the internet
  (Windows: a Zone.Identifier stream; macOS: the quarantine attribute), so the system
  warns before running it, as it does for a browser's downloads.
- Folders with the person's data are created readable by them only.
- A file written whole before it takes its name is first written under one kind of
  temporary name (`temporary_beside`), so that what a crash leaves is recognisable.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import sys
import time
from pathlib import Path
from typing import BinaryIO

#: Which platform's marking applies; a test may set it to exercise another's branch.
PLATFORM = sys.platform
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
#: The ending of every temporary file Satchel writes.
TEMPORARY_SUFFIX = ".part"
#: Bytes of the real name kept in a temporary one: with the rest, well under NAME_MAX.
_TEMPORARY_STEM_BYTES = 100
#: Windows' "Internet" zone: SmartScreen and Office's Protected View check it.
_ZONE_IDENTIFIER = "[ZoneTransfer]\r\nZoneId=3\r\n"
_QUARANTINE = "com.apple.quarantine"


def temporary_beside(dest: Path, tag: str | None = None) -> Path:
    """Where a file is written before it takes `dest`'s name: hidden, in the same folder
    (so the final move is a rename), short enough however long the real name is.

    `tag` makes it one per owner (a queue item's resumable part); by default it is random.
    """
    stem = dest.name.encode("utf-8")[:_TEMPORARY_STEM_BYTES].decode("utf-8", "ignore")
    return dest.with_name(f".{stem}.{tag or secrets.token_hex(4)}{TEMPORARY_SUFFIX}")


def is_temporary(name: str) -> bool:
    """Whether a file name is one `temporary_beside` makes."""
    return name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)


def create_new(path: Path, mode: int = 0o666) -> BinaryIO:
    """A new, empty file at `path`, open for writing. Raises FileExistsError when anything
    (even a dangling symbolic link) is there."""
    fd = os.open(path, NEW_FILE_FLAGS, mode)
    return os.fdopen(fd, "wb")


def open_existing(path: Path) -> BinaryIO:
    """A file of ours (a partial download) open for writing, never through a symbolic link."""
    fd = os.open(path, os.O_RDWR | _NOFOLLOW | _CLOEXEC | _BINARY)
    return os.fdopen(fd, "r+b")


def sync_folder(folder: Path) -> None:
    """Make a new or renamed entry of `folder` durable (a no-op where folders cannot be
    opened, as on Windows, whose file system journals names itself)."""
    if PLATFORM == "win32" or not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems refuse; the file is synced
            os.fsync(fd)
    finally:
        os.close(fd)


def link_new(source: Path, dest: Path) -> None:
    """A second name `dest` for `source`; never replaces anything, never follows a link."""
    os.link(source, dest, follow_symlinks=False)


def finish_download(path: Path) -> None:
    """A downloaded file that just got its name: its folder synced, the file marked."""
    sync_folder(path.parent)
    mark_downloaded(path)


def private_folder(folder: Path) -> Path:
    """`folder` and each missing parent created readable by this user only (one that
    exists keeps its permissions: the person may have chosen them)."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)
    return missing[0] if missing else folder


def mark_downloaded(path: Path) -> None:
    """Tell the system `path` came from the internet (best effort: a file system without
    streams or attributes keeps the file unmarked rather than failing the download)."""
    with contextlib.suppress(OSError):
        if PLATFORM == "win32":
            # No HostUrl: a presigned link is a credential until it expires.
            stream = path.with_name(f"{path.name}:Zone.Identifier")
            stream.write_text(_ZONE_IDENTIFIER, encoding="ascii", newline="")
        elif PLATFORM == "darwin":
            # flags 0081: downloaded, and not yet approved by the person
            value = f"0081;{int(time.time()):08x};Satchel;".encode()
            set_attribute(str(path), _QUARANTINE, value)


def _darwin_setxattr(path: str, name: str, value: bytes) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    result = libc.setxattr(path.encode(), name.encode(), value, len(value), 0, 0)
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), path)


#: How an extended attribute is set on macOS (Python's os.setxattr is Linux-only).
set_attribute = _darwin_setxattr
