"""The journal as the event loop uses it: every call in one worker thread, awaited.

A commit may wait for the disk (a durable one always does); doing that on the event
loop would freeze the window meanwhile.

Saves are group-committed: while one transaction is being written, the saves that
transfers make meanwhile gather, and go in the next transaction together (durable if
any of them is). Each `save` still returns only once its own change is committed, so
nothing a step does goes ahead of its journal record; writes keep the order they were
made in, other calls included; and a save whose caller is cancelled is still written
(in its place in that order), since the step it records may already have happened.

A save with `wait=False` is a record whose loss after a crash only repeats work that
may be repeated (a confirm, a link: both idempotent): it is not waited for, and goes
with the next group commit (the next awaited save, any other call, or `aclose`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from satchel.domain.errors import DiskFull
from satchel.transfers.items import SavedCopy, TransferItem
from satchel.transfers.journal import Change, Journal
from satchel.transfers.new_items import record_failure

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class AsyncJournal:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        # One thread: the journal sees its writes in the order the queue made them.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="satchel-journal")
        #: Saves waiting for the next group commit, whether it must be durable, and the
        #: future their callers wait on.
        self._gathered: list[Change] = []
        self._durable = False
        self._committed: asyncio.Future[None] | None = None
        #: Group commits handed to the thread and not finished yet.
        self._in_flight = 0
        #: The last stand-in id given to an item kept while the disk was full.
        self._stand_in = 0
        #: Sizes of the group commits so far (for tests and benchmarks).
        self.batch_sizes: list[int] = []

    async def _call(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        self._commit_gathered()  # saves made before this call are written before it
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._thread, functools.partial(function, *args, **kwargs)
        )

    def _commit_gathered(self) -> None:
        if not self._gathered:
            return
        changes, durable, committed = self._gathered, self._durable, self._committed
        self._gathered, self._durable, self._committed = [], False, None
        self._in_flight += 1
        self.batch_sizes.append(len(changes))
        loop = asyncio.get_running_loop()
        write = functools.partial(self.journal.save_many, changes, durable=durable)
        job = loop.run_in_executor(self._thread, write)
        job.add_done_callback(functools.partial(self._on_batch_written, committed))

    def _on_batch_written(
        self, committed: asyncio.Future[None] | None, job: asyncio.Future[None]
    ) -> None:
        self._in_flight -= 1
        error = None if job.cancelled() else job.exception()
        if committed is None:
            if error is not None:  # records nobody waits for: a crash would lose them too
                log.warning("journal records not written: %s", error)
        elif job.cancelled():
            committed.cancel()
        elif error is not None:
            committed.set_exception(error)
        else:
            committed.set_result(None)
        if self._in_flight == 0 and self._committed is not None:
            self._commit_gathered()  # someone waits for what gathered meanwhile

    async def insert(self, items: Sequence[TransferItem]) -> None:
        await self._call(self.journal.insert, items)

    async def insert_or_keep(self, items: Sequence[TransferItem]) -> None:
        """Insert new items; when the disk is full, keep them all the same: failed with
        that reason (retrying them journals them, once there is room) and stand-in ids
        below zero. None may run before it is journalled: exactly once needs its record."""
        try:
            await self.insert(items)
        except DiskFull as error:
            log.warning("%d new transfers could not be journalled: %s", len(items), error.detail)
            for item in items:
                self._stand_in -= 1
                item.id = self._stand_in
                record_failure(item, error)

    async def save(
        self,
        item: TransferItem,
        fields: Iterable[str],
        *,
        note: str | None = None,
        durable: bool = False,
        wait: bool = True,
    ) -> None:
        self._gathered.append(Change.of(item, fields, note))  # the item as it is now
        self._durable = self._durable or durable
        if not wait:
            return
        if self._committed is None:
            self._committed = asyncio.get_running_loop().create_future()
        committed = self._committed
        if self._in_flight == 0:
            self._commit_gathered()
        # Shielded: one caller's cancel must neither cancel the others' wait nor the write.
        await asyncio.shield(committed)

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

    async def aclose(self) -> None:
        """Writes every save made so far (cancelled callers' too), then stops the thread;
        the journal itself stays open."""
        await self._call(_nothing)  # behind every write handed over, in the one thread
        await asyncio.get_running_loop().run_in_executor(None, self._thread.shutdown)


def _nothing() -> None:
    pass
