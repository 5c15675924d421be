"""Names for downloaded files: safe for the file system, and never over an existing file."""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

#: Most file systems take 255 bytes per name; leave room for " (99)" and a partial suffix.
_NAME_BYTES = 200
_DOUBLE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SEPARATORS = re.compile(r"[/\\]")


def safe_local_name(name: str, fallback: str = "attachment") -> str:
    """The service's name as a single path component, as close to the original as possible.

    Path separators become "_", line breaks and other control characters a space;
    non-ASCII letters and spaces stay. "." and ".." (and empty names) get `fallback`.
    """
    cleaned = _CONTROL.sub(" ", _SEPARATORS.sub("_", name)).strip()
    if cleaned in {"", ".", ".."}:
        cleaned = fallback
    return _shorten(cleaned)


def _split(name: str) -> tuple[str, str]:
    lowered = name.lower()
    for suffix in _DOUBLE_SUFFIXES:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], name[-len(suffix) :]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:  # no extension, or a hidden file such as ".bashrc"
        return name, ""
    return stem, "." + extension


def _shorten(name: str) -> str:
    if len(name.encode("utf-8")) <= _NAME_BYTES:
        return name
    stem, suffix = _split(name)
    budget = max(_NAME_BYTES - len(suffix.encode("utf-8")), 16)
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return stem + suffix


def numbered(name: str, number: int) -> str:
    """ "report.pdf", 2 -> "report (2).pdf"; "a.tar.gz", 3 -> "a (3).tar.gz"."""
    if number < 2:
        return name
    stem, suffix = _split(name)
    return f"{stem} ({number}){suffix}"


def candidates(folder: Path, name: str) -> Iterator[Path]:
    """folder/name, then folder/"name (2)", "name (3)"... without end."""
    number = 1
    while True:
        yield folder / numbered(name, number)
        number += 1


def case_key(path: Path) -> str:
    """`path` as a file system that ignores case sees it (Windows; macOS by default): two
    names that differ only in case are one file there, so Satchel keeps them apart
    everywhere (a folder synced between machines stays valid)."""
    return str(path).casefold()


def free_path(folder: Path, name: str, taken: Callable[[Path], bool]) -> Path:
    """The first candidate that neither exists nor is `taken` (reserved by another item)."""
    for path in candidates(folder, name):
        if not path.exists() and not path.is_symlink() and not taken(path):
            return path
    raise AssertionError("unreachable")


#: "This file system has no hard links" as Linux and macOS (ENOTSUP differs from
#: EOPNOTSUPP there) say it, and Windows: ERROR_INVALID_FUNCTION (FAT, exFAT) and
#: ERROR_NOT_SUPPORTED (some network shares).
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}
_NO_HARD_LINKS_WINDOWS = {1, 50}


def _no_hard_links(error: OSError) -> bool:
    return (
        error.errno in _NO_HARD_LINKS or getattr(error, "winerror", None) in _NO_HARD_LINKS_WINDOWS
    )


def place_without_overwriting(source: Path, wanted: Path) -> Path:
    """Move the complete file `source` to `wanted`, or to the next free numbered name.

    A hard link cannot replace an existing file, so even a file that appeared a moment
    ago is never overwritten. Where hard links do not work (some network and FAT file
    systems), it falls back to checking first, then renaming.
    """
    for path in candidates(wanted.parent, wanted.name):
        try:
            os.link(source, path)
        except FileExistsError:
            continue
        except OSError as error:
            if not _no_hard_links(error):
                raise
            if path.exists() or path.is_symlink():
                continue
            source.replace(path)
            return path
        with contextlib.suppress(FileNotFoundError):
            source.unlink()
        return path
    raise AssertionError("unreachable")
