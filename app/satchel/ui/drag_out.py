"""Dragging an attachment (or a card's attachments, as a folder) out to a file manager.

The file does not exist when the drag starts: the drag offers a `text/uri-list`, and only
when the drop target asks for it (at the drop) are the bytes fetched, fresh, through the
download queue into a staging folder of their own; the target then copies them to where
they were dropped. A stale link is never handed out, and nothing is fetched for a drag that
is given up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QEventLoop, QMimeData, QTimer, QUrl

logger = logging.getLogger(__name__)

URI_LIST = "text/uri-list"
#: A drop waits at most this long for its files (the queue goes on if it takes longer).
FETCH_TIMEOUT_MS = 10 * 60 * 1000

#: Fetch what was dragged; returns the local files or folders to hand to the target.
Fetch = Callable[[], Awaitable[list[Path]]]


class DragOutMimeData(QMimeData):
    def __init__(self, fetch: Fetch, on_failed: Callable[[str], None]) -> None:
        super().__init__()
        self._fetch = fetch
        self._on_failed = on_failed
        self._paths: list[Path] | None = None

    def formats(self) -> list[str]:  # Qt override
        return [URI_LIST]

    def hasFormat(self, mime_type: str) -> bool:  # Qt override
        return mime_type == URI_LIST

    def retrieveData(self, mime_type: str, preferred_type: object) -> object:  # Qt override
        if mime_type != URI_LIST:
            return None
        if self._paths is None:
            self._paths = self._fetch_now()
        text = "".join(QUrl.fromLocalFile(str(path)).toString() + "\r\n" for path in self._paths)
        return QByteArray(text.encode())

    def fetched(self) -> list[Path]:
        """What the drop got (empty before the drop, or when fetching failed)."""
        return list(self._paths or [])

    def _fetch_now(self) -> list[Path]:
        """Run the fetch on the app's loop while Qt keeps painting (the drop target waits
        for the data; the window stays alive meanwhile)."""
        task = asyncio.ensure_future(self._fetch())
        waiting = QEventLoop()
        task.add_done_callback(lambda _task: waiting.quit())
        QTimer.singleShot(FETCH_TIMEOUT_MS, waiting.quit)
        if not task.done():
            waiting.exec()
        if not task.done():
            self._on_failed("The dragged files took too long; they go on in Transfers.")
            return []
        if task.cancelled() or task.exception() is not None:
            error = task.exception() if not task.cancelled() else None
            message = getattr(error, "message", None) or "The dragged files could not be fetched."
            self._on_failed(str(message))
            if error is not None and not hasattr(error, "message"):
                logger.error("drag out failed", exc_info=error)
            return []
        return task.result()
