"""The journal as the event loop uses it: every call in one worker thread, awaited.

A commit may wait for the disk (a durable one always does); doing that on the event
loop would freeze the window meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from satchel.transfers.items import SavedCopy, TransferItem
from satchel.transfers.journal import Journal

P = ParamSpec("P")
R = TypeVar("R")


class AsyncJournal:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        # One thread: the journal sees its writes in the order the queue made them.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="satchel-journal")

    async def _call(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._thread, functools.partial(function, *args, **kwargs)
        )

    async def insert(self, items: Sequence[TransferItem]) -> None:
        await self._call(self.journal.insert, items)

    async def save(
        self,
        item: TransferItem,
        fields: Iterable[str],
        *,
        note: str | None = None,
        durable: bool = False,
    ) -> None:
        await self._call(self.journal.save, item, tuple(fields), note=note, durable=durable)

    async def items(self) -> list[TransferItem]:
        return await self._call(self.journal.items)

    async def saved_downloads(self, account: str) -> dict[str, list[SavedCopy]]:
        return await self._call(self.journal.saved_downloads, account)

    async def delete(self, item_ids: Iterable[int]) -> None:
        await self._call(self.journal.delete, list(item_ids))

    async def claim(self, item_id: int, owner: str, previous: str | None) -> bool:
        return await self._call(self.journal.claim, item_id, owner, previous)

    async def cancel_requests(self, owner: str) -> list[int]:
        return await self._call(self.journal.cancel_requests, owner)

    async def set_meta(self, key: str, value: str | None) -> None:
        await self._call(self.journal.set_meta, key, value)

    async def meta(self, key: str) -> str | None:
        return await self._call(self.journal.meta, key)

    def close(self) -> None:
        """Waits for writes already handed over; the journal itself stays open."""
        self._thread.shutdown(wait=True)
