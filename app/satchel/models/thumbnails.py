"""Thumbnails of attachments from the previews the service made (Trello's `previews[]`).

The tree and the preview pane ask for one (`icon`, `preview_path`); what is not on disk
yet is fetched in the background, at most `MAX_FETCHES` at once, newest request first
(the rows just scrolled to), each preview once: a failure is remembered, logged at
debug, and the caller keeps showing what it had. A refused credential (expired, revoked)
is not the preview's fault: those are fetched again when the account signs in again.
`thumbnail_ready` says when one arrived. The files are the content service's
(ContentService.fetch_preview).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap

from satchel.domain.errors import SatchelError, SignInRequired
from satchel.domain.model import Attachment, Preview
from satchel.models.workspace_changes import WorkspaceChanges
from satchel.workspace.content import ContentService

log = logging.getLogger(__name__)

#: The smallest preview at least this many pixels across stands for a tree row's icon.
TREE_SIZE = 32
#: ... and for the preview pane while the full file loads.
PANE_SIZE = 300
MAX_FETCHES = 4
#: Decoded tree icons kept in memory (each at most ICON_PIXELS square).
MAX_ICONS = 500
ICON_PIXELS = 64

Key = tuple[str, str, str]  # account, attachment id, preview id


Picture = TypeVar("Picture", QImage, QPixmap)


def shrunk_to_fit(picture: Picture, width: int, height: int) -> Picture:
    """A smaller copy that fits the box, its proportions kept; the picture itself if it fits."""
    if picture.width() <= width and picture.height() <= height:
        return picture
    return picture.scaled(
        width,
        height,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class ThumbnailCache(QObject):
    #: A preview of this attachment is now on disk: account name, attachment id.
    thumbnail_ready = Signal(str, str)

    def __init__(self, content: ContentService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._content = content
        self._fetched: dict[Key, Path] = {}
        self._failed: set[Key] = set()
        #: Refused for the account's credential: asked for again once it signs in again.
        self._refused: dict[Key, tuple[Attachment, Preview]] = {}
        self._wanted: set[Key] = set()  # queued or being fetched
        self._queue: list[tuple[Key, Attachment, Preview]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._icons: OrderedDict[Key, QIcon] = OrderedDict()
        self._changes = WorkspaceChanges(content.workspace, self)
        self._changes.signed_in.connect(self._on_changes_signed_in)

    @property
    def fetching(self) -> int:
        return len(self._tasks)

    def icon(self, account: str, attachment: Attachment) -> QIcon | None:
        """The tree row's thumbnail; None (and fetched in the background) when not there yet."""
        found = self._lookup(account, attachment, TREE_SIZE)
        if found is None:
            return None
        key, path = found
        icon = self._icons.get(key)
        if icon is not None:
            self._icons.move_to_end(key)
            return icon
        image = QImage(str(path))
        if image.isNull():
            log.debug("thumbnail %s is not an image; keeping the type icon", path)
            self._failed.add(key)
            del self._fetched[key]
            return None
        icon = QIcon(QPixmap.fromImage(shrunk_to_fit(image, ICON_PIXELS, ICON_PIXELS)))
        self._icons[key] = icon
        if len(self._icons) > MAX_ICONS:
            self._icons.popitem(last=False)
        return icon

    def preview_path(self, account: str, attachment: Attachment, size: int) -> Path | None:
        """The file of the smallest preview at least `size` px across (else the largest);
        None, and fetched in the background, when it is not on disk yet."""
        found = self._lookup(account, attachment, size)
        return None if found is None else found[1]

    def cancel_all(self) -> None:
        self._queue.clear()
        for task in list(self._tasks):
            task.cancel()

    # --- inside ------------------------------------------------------------------------------

    def _lookup(self, account: str, attachment: Attachment, size: int) -> tuple[Key, Path] | None:
        preview = attachment.preview_covering(size, size)
        if preview is None:
            return None
        key = (account, attachment.id, preview.id)
        path = self._fetched.get(key)
        if path is not None:
            return key, path
        if key not in self._failed and key not in self._wanted and key not in self._refused:
            self._want(key, attachment, preview)
        return None

    def _want(self, key: Key, attachment: Attachment, preview: Preview) -> None:
        self._wanted.add(key)
        self._queue.append((key, attachment, preview))
        self._pump()

    def _on_changes_signed_in(self, account: str) -> None:
        again = [(key, found) for key, found in self._refused.items() if key[0] == account]
        for key, (attachment, preview) in again:
            del self._refused[key]
            self._want(key, attachment, preview)

    def _pump(self) -> None:
        while self._queue and len(self._tasks) < MAX_FETCHES:
            key, attachment, preview = self._queue.pop()  # newest first
            task = asyncio.ensure_future(self._fetch(key, attachment, preview))
            self._tasks.add(task)
            task.add_done_callback(self._on_task_done)

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._pump()

    async def _fetch(self, key: Key, attachment: Attachment, preview: Preview) -> None:
        account = key[0]
        try:
            dest = await self._content.fetch_preview(account, attachment, preview)
        except (SatchelError, OSError) as error:
            log.debug("no thumbnail for %s (%s): %s", attachment.name, preview.id, error)
            if isinstance(error, SignInRequired):
                self._refused[key] = (attachment, preview)
            else:
                self._failed.add(key)
            return
        finally:
            self._wanted.discard(key)
        self._fetched[key] = dest
        self.thumbnail_ready.emit(account, attachment.id)
