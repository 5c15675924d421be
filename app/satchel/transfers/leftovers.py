"""Files Satchel writes only for a transfer, removed once nothing needs them.

- Pasted images (`paths.pasted_dir()/<id>/Pasted image ….png`): the queue uploads them from
  there, so each stays until its upload has landed or has left the queue (removed, cleared).
  A paste whose end this process missed (a crash, another process clearing the journal)
  goes at the next start, when no queued item names it.
- Drag-out copies (`paths.drag_out_dir()/<id>/…`): handed to a file manager, which copies
  them at the drop, maybe long after; nothing says when it is done, so they go at start-up
  once a day old.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from satchel.transfers.events import TransferListener
from satchel.transfers.items import Direction, State, TransferItem

logger = logging.getLogger(__name__)

DRAG_OUT_MAX_AGE_SECONDS = 24 * 3600


def _own_folder(path: Path, root: Path) -> Path | None:
    """The `<root>/<id>` folder holding `path`, or None when it is not one of ours."""
    folder = path.parent
    return folder if folder.parent == root else None


def _remove(folder: Path) -> bool:
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        return False
    except OSError as error:  # in use on Windows, permissions: tried again next start
        logger.warning("could not remove %s: %s", folder, error)
        return False
    return True


class PastedFileCleaner(TransferListener):
    """Removes a pasted image once its upload is done or gone from the queue."""

    def __init__(self, pasted_dir: Path, items: Callable[[], Iterable[TransferItem]]) -> None:
        self._root = pasted_dir
        self._items = items

    def changed(self, row: int, item: TransferItem) -> None:
        if item.state is State.DONE:
            self._release(item)

    def removed(self, row: int, item: TransferItem) -> None:
        self._release(item)

    def _release(self, item: TransferItem) -> None:
        if item.direction is not Direction.UPLOAD:
            return
        folder = _own_folder(item.local_path, self._root)
        if folder is None:
            return
        still_wanted = any(
            other is not item
            and other.local_path == item.local_path
            and other.state is not State.DONE
            for other in self._items()
        )
        if not still_wanted:
            _remove(folder)


def _sweep(root: Path, before: float, kept: Collection[Path] = ()) -> int:
    """Remove the `<root>/<id>` folders last changed before `before`, but the kept ones
    (never through a symbolic link). How many folders went."""
    if not root.is_dir():
        return 0
    gone = 0
    for folder in root.iterdir():
        if folder in kept or not folder.is_dir() or folder.is_symlink():
            continue
        if folder.stat().st_mtime < before and _remove(folder):
            gone += 1
    return gone


def sweep_pasted(pasted_dir: Path, in_use: Iterable[Path], before: float) -> int:
    """Remove pasted images no queued item names, written before `before` (a time stamp:
    a paste of this session may not be queued yet). How many folders went."""
    kept = {folder for path in in_use if (folder := _own_folder(path, pasted_dir))}
    return _sweep(pasted_dir, before, kept)


def sweep_drag_out(
    drag_out_dir: Path, now: float | None = None, max_age: float = DRAG_OUT_MAX_AGE_SECONDS
) -> int:
    """Remove drag-out copies older than `max_age` seconds. How many folders went."""
    return _sweep(drag_out_dir, (time.time() if now is None else now) - max_age)


def remove_partial_file(item: TransferItem) -> None:
    """A download's partial file, once the item leaves the queue (a failure is only said)."""
    if item.direction is Direction.DOWNLOAD and item.partial_path is not None:
        try:
            item.partial_path.unlink(missing_ok=True)
        except OSError:
            logger.warning("could not delete the partial file of item %d", item.id)
