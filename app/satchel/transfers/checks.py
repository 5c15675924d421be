"""Is this file fit to send? Checked when it is queued and again before each step that reads it.

Every refusal is a LocalFileError (or TooLarge) whose message names the file and says
what to do; one bad file never stops the others.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from satchel.domain import units
from satchel.domain.errors import FileChanged, LocalFileError, TooLarge
from satchel.domain.file_names import terminal_text


@dataclass(frozen=True, slots=True)
class FileFacts:
    size: int
    mtime_ns: int


def human_size(size: int) -> str:
    return units.binary_size(size)


def _shown(path: Path) -> str:
    # The name as the person wrote it; a newline in it would break a one-line message.
    return terminal_text(path.name) or str(path)


def _stat_error(path: Path, error: OSError) -> LocalFileError:
    name = _shown(path)
    if error.errno == errno.ELOOP:
        return LocalFileError(
            f"“{name}” is a symbolic link that points back to itself (a loop), so there is no "
            "file to send. Fix or remove the link."
        )
    if error.errno in {errno.ENOENT, errno.ENOTDIR}:
        return LocalFileError(f"“{name}” is not there (moved or deleted?). Choose the file again.")
    if error.errno in {errno.EACCES, errno.EPERM}:
        return LocalFileError(
            f"Satchel may not read “{name}”. Check the file's permissions and retry."
        )
    reason = error.strerror or type(error).__name__
    return LocalFileError(f"“{name}” cannot be read ({reason}).", detail=str(error))


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_source(path: Path, max_size: int | None = None) -> FileFacts:
    """Size and modification time of a file that can be sent; else a clear error.

    Never opens anything but a regular file (opening a pipe or a device could block).
    """
    try:
        facts = path.stat()  # follows links: a link to a file is fine, a loop is not
    except OSError as error:
        raise _stat_error(path, error) from None
    if not stat.S_ISREG(facts.st_mode):
        raise LocalFileError(
            f"“{_shown(path)}” is {_kind_of(facts.st_mode)}; only files can be attached."
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise _stat_error(path, error) from None
    os.close(fd)
    if max_size is not None and facts.st_size > max_size:
        raise too_large(path, facts.st_size, max_size)
    return FileFacts(facts.st_size, facts.st_mtime_ns)


def too_large(path: Path, size: int, limit: int) -> TooLarge:
    return TooLarge(
        f"“{_shown(path)}” is {human_size(size)}; this service takes files up to "
        f"{human_size(limit)}. Split or compress it first."
    )


def check_unchanged(path: Path, expected: FileFacts) -> None:
    """The file is still the one that was queued (same size and modification time)."""
    now = check_source(path)
    if now != expected:
        raise FileChanged(
            f"“{_shown(path)}” changed on disk after it was queued "
            f"({_difference(expected, now)}), so Satchel did not send it. "
            "Add it again to send the new version."
        )


def _difference(before: FileFacts, now: FileFacts) -> str:
    if before.size != now.size:
        return f"{human_size(before.size)} then, {human_size(now.size)} now"
    return "its modification time differs"
