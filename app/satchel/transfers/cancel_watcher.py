"""Cancel requests from other processes (`satchel queue cancel ID` while the window or
another command runs the item): the journal holds them; the owning queue polls for them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from satchel.transfers.async_journal import AsyncJournal

log = logging.getLogger(__name__)

#: How often the queue looks for "cancel" requests from other processes.
CANCEL_POLL_SECONDS = 1.0


class CancelWatcher:
    def __init__(self, journal: AsyncJournal, owner: str, cancel: Callable[[int], None]) -> None:
        self._journal = journal
        self._owner = owner
        self._cancel = cancel  # told the id of each item another process asks to cancel
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.ensure_future(self._poll())

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(CANCEL_POLL_SECONDS)
            try:
                requested = await self._journal.cancel_requests(self._owner)
            except Exception:
                log.exception("could not read cancel requests from the journal")
                continue
            for item_id in requested:
                self._cancel(item_id)
