"""Names for downloaded files: safe for the file system, and never over an existing file."""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable, Iterator
from pathlib import Path

from satchel.domain.file_names import safe_file_name, same_name_key, split_extension
from satchel.local_files import finish_download, link_new


def safe_local_name(name: str, fallback: str = "attachment") -> str:
    """The service's name as a single path component valid on every platform (see file_names)."""
    return safe_file_name(name, fallback)


def numbered(name: str, number: int) -> str:
    """ "report.pdf", 2 -> "report (2).pdf"; "a.tar.gz", 3 -> "a (3).tar.gz"."""
    if number < 2:
        return name
    stem, suffix = split_extension(name)
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
    everywhere (a folder synced between machines stays valid). Unicode normalisation
    folds too: "Café" typed on a Mac and on Windows is one name."""
    return same_name_key(str(path))


def names_in(folder: Path) -> set[str]:
    """The folder's entries as `same_name_key`s: what Windows or macOS would see as taken."""
    try:
        return {same_name_key(entry.name) for entry in folder.iterdir()}
    except OSError:
        return set()


def free_path(folder: Path, name: str, taken: Callable[[Path], bool]) -> Path:
    """The first candidate that neither exists nor is `taken` (reserved by another item).

    Names that differ only by case or Unicode normalisation count as the same name, as
    they do on Windows and macOS, so a queue made here behaves the same there.
    """
    present = names_in(folder)
    for path in candidates(folder, name):
        if same_name_key(path.name) in present or path.is_symlink():
            continue
        if not path.exists() and not taken(path):
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
            link_new(source, path)
        except FileExistsError:
            continue
        except OSError as error:
            if not _no_hard_links(error):
                raise
            if path.exists() or path.is_symlink():
                continue
            source.replace(path)
            finish_download(path)
            return path
        with contextlib.suppress(FileNotFoundError):
            source.unlink()
        finish_download(path)
        return path
    raise AssertionError("unreachable")
