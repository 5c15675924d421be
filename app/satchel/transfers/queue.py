"""The transfer queue: the single owner of transfer state. No Qt.

Items run a few at a time (3 by default); each moves through its provider's steps,
journalled as it goes, so a restart picks every file up exactly where it was (see
`restore`). Views subscribe with a TransferListener (qutebrowser's download manager
and model are the pattern) and repaint progress on a timer from `totals()` and each
item's `speed()` / `time_left()`.

Everything here runs on one asyncio loop (qasync's in the window). The journal is
written in a worker thread; its commits are awaited before the step they enable.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Collection, Coroutine, Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import httpx

from satchel.domain.errors import SatchelError
from satchel.domain.model import Attachment, Board, BoardList, Card
from satchel.providers.retries import RetryPolicy
from satchel.transfers.async_journal import AsyncJournal
from satchel.transfers.cancel_watcher import CancelWatcher
from satchel.transfers.driving import Driver
from satchel.transfers.events import Totals, TransferListener
from satchel.transfers.expand import plan_downloads
from satchel.transfers.item_list import ItemList
from satchel.transfers.items import Direction, State, TransferItem
from satchel.transfers.journal import Journal
from satchel.transfers.leftovers import remove_partial_file
from satchel.transfers.new_items import REQUEUED_FIELDS, download_items, requeue, upload_items
from satchel.transfers.owners import FOLDER_NAME, OwnerLock, owner_alive
from satchel.transfers.rounds import Round
from satchel.transfers.run_context import ProviderSource, progress_hook, retry_hook
from satchel.transfers.takeover import take_over

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4  # as rclone's --transfers 4: small files mostly wait on round trips
PAUSED_KEY = "paused"


class _Interrupt(Enum):
    CANCEL = "cancel"
    PAUSE = "pause"
    CLOSE = "close"


class TransferQueue:
    def __init__(
        self,
        journal: Journal,
        providers: ProviderSource,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        retry: RetryPolicy | None = None,
        storage_client: httpx.AsyncClient | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """`journal` stays the caller's to close; `providers` maps account names to providers."""
        self._journal = AsyncJournal(journal)
        self._owners_dir = journal.path.parent / FOLDER_NAME
        self._lock = OwnerLock(self._owners_dir)
        self.owner = self._lock.owner
        self._driver = Driver(
            self._commit,
            providers,
            retry or RetryPolicy(),
            progress_hook=lambda item: progress_hook(item, self._round.throughput),
            retry_hook=lambda item: retry_hook(item, self._commit, self._spawn),
            storage_client=storage_client,
            rng=rng,
        )
        self._concurrency = max(1, concurrency)
        self._list = ItemList()
        self._tasks: dict[int, asyncio.Task[Any]] = {}
        self._interrupts: dict[int, _Interrupt] = {}
        self._background: set[asyncio.Future[Any]] = set()
        self._round = Round(self._list)
        self._paused = False
        self._closed = False
        self._watcher = CancelWatcher(self._journal, self.owner, self._on_cancel_requested)

    # --- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._list)

    def __getitem__(self, row: int) -> TransferItem:
        return self._list[row]

    def __iter__(self) -> Iterator[TransferItem]:
        return iter(self._list)

    def row_of(self, item: TransferItem) -> int:
        return self._list.row_of(item)

    def item(self, item_id: int) -> TransferItem | None:
        return self._list.get(item_id)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def concurrency(self) -> int:
        return self._concurrency

    @concurrency.setter
    def concurrency(self, value: int) -> None:
        self._concurrency = max(1, value)
        self._pump()

    def totals(self, now: float | None = None) -> Totals:
        """The current round's progress, computed now (cheap: call it from a repaint timer)."""
        return self._round.totals(now)

    def add_listener(self, listener: TransferListener) -> None:
        self._list.add_listener(listener)

    def remove_listener(self, listener: TransferListener) -> None:
        self._list.remove_listener(listener)

    # --- adding --------------------------------------------------------------------------------

    async def enqueue_uploads(
        self,
        account: str,
        card_id: str,
        paths: Sequence[Path],
        *,
        names: Sequence[str | None] | None = None,
    ) -> list[TransferItem]:
        """Queue files for the card. Each is checked now; one that cannot be sent becomes a
        failed item with its reason, and the others go on."""
        limit = self._driver.known_max_size(account)
        items = upload_items(account, card_id, paths, names, owner=self.owner, max_size=limit)
        await self._add(items)
        return items

    async def enqueue_download(
        self, account: str, attachment: Attachment, folder: Path
    ) -> TransferItem:
        """Save one attachment into `folder` ("Save as…" picks the folder)."""
        (item,) = await self._enqueue_downloads(account, [(attachment, folder)])
        return item

    async def enqueue_download_all(
        self, account: str, node: Board | BoardList | Card, folder: Path
    ) -> list[TransferItem]:
        """Every file attachment of a card, a list or a board, into `folder` and below."""
        provider = self._driver.provider(account)
        plans = await plan_downloads(provider, node, folder, self._driver.retrier)
        return await self._enqueue_downloads(account, [(p.attachment, p.folder) for p in plans])

    async def _enqueue_downloads(
        self, account: str, wanted: Sequence[tuple[Attachment, Path]]
    ) -> list[TransferItem]:
        items = download_items(
            account=account,
            wanted=wanted,
            saved=await self._journal.saved_downloads(account),
            reserved={
                i.local_path
                for i in self._list
                if i.direction is Direction.DOWNLOAD and not i.finished
            },
            batch=uuid.uuid4().hex,
            owner=self.owner,
        )
        await self._add(items)
        return items

    async def _add(self, items: list[TransferItem]) -> None:
        await self._journal.insert_or_keep(items)
        self._list.append(items)
        self._ensure_poller()
        self._round.join(items)
        for item in items:
            if item.finished:
                self._mark_finished(item)
        self._pump()

    async def restore(self, *, only: Collection[int] | None = None) -> list[TransferItem]:
        """Show what the journal holds and take over what no running Satchel drives.

        After a crash, a kill -9 or a power cut, every unfinished item goes on from its
        journalled step, and every clean-up that was cut short is finished. Returns the
        items taken over. `only` limits this to those item ids.
        """
        self._paused = await self._journal.meta(PAUSED_KEY) == "1"
        known = {i.id for i in self._list}
        wanted = [i for i in await self._journal.items() if i.id not in known]
        if only is not None:
            wanted = [i for i in wanted if i.id in only]
        shown, taken = await take_over(self._journal, self._owners_dir, self.owner, wanted)
        self._list.append(shown)
        self._ensure_poller()
        self._round.join(taken)
        for item in taken:
            if item.finished:  # only a clean-up left to do
                self._track(item.id, self._driver.discard(item))
        self._pump()
        return taken

    # --- running -------------------------------------------------------------------------------

    def _pump(self) -> None:
        if self._paused or self._closed:
            return
        for item in self._list:
            if len(self._tasks) >= self._concurrency:
                return
            if item.state is State.QUEUED and item.id not in self._tasks:
                self._track(item.id, self._drive(item))

    def _track(self, item_id: int, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(work)
        self._tasks[item_id] = task

        def forget(_task: asyncio.Future[Any]) -> None:
            if self._tasks.get(item_id) is task:
                del self._tasks[item_id]
            self._pump()

        task.add_done_callback(forget)
        return task

    async def _drive(self, item: TransferItem) -> None:
        try:
            item.state = State.ACTIVE
            # Not waited for: after a crash, an item still "queued" is resumed all the same.
            await self._commit(item, ("state", "owner"), wait=False)
            await self._driver.run(item)
        except asyncio.CancelledError:
            why = self._interrupts.pop(item.id, _Interrupt.CLOSE)
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            if why is _Interrupt.CANCEL:
                await self._driver.cancel(item)
            elif why is _Interrupt.PAUSE:
                await self._driver.pause(item)
            else:
                await self._driver.interrupted(item)
                raise
        except SatchelError as error:
            await self._driver.fail(item, error)
        except Exception as error:
            log.exception("item %d failed unexpectedly", item.id)
            bug = SatchelError(
                f"Satchel failed unexpectedly on “{item.name}”; this is a bug "
                f"({type(error).__name__}). Retry it, and please report it.",
                detail=repr(error),
            )
            await self._driver.fail(item, bug)
        finally:
            if item.finished:
                self._mark_finished(item)

    async def _commit(
        self,
        item: TransferItem,
        fields: Iterable[str],
        *,
        note: str | None = None,
        durable: bool = False,
        wait: bool = True,
    ) -> None:
        await self._journal.save(item, fields, note=note, durable=durable, wait=wait)
        self._list.changed(item)

    def _spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _mark_finished(self, item: TransferItem) -> None:
        self._round.finished(item)

    async def wait(self, items: Iterable[TransferItem] | None = None) -> None:
        """Until these items (default: all of this queue's) have finished."""
        await self._round.wait(self._list if items is None else items)

    # --- controls ------------------------------------------------------------------------------

    async def cancel(self, item: TransferItem) -> None:
        """Stop it for good; nothing it made stays on the service, no partial file stays."""
        if item.finished:
            return
        task = self._tasks.get(item.id)
        if task is None:  # queued, or paused part-way: nothing runs, clean up here
            task = self._track(item.id, self._driver.cancel(item))
            task.add_done_callback(lambda _t: self._mark_finished(item))
        else:
            self._interrupts[item.id] = _Interrupt.CANCEL
            task.cancel()
        await asyncio.wait([task])

    async def retry(self, item: TransferItem) -> None:
        """Queue a failed or cancelled item again (the file as it is now)."""
        if item.state not in (State.FAILED, State.CANCELLED) or item.id in self._tasks:
            return
        if item.id < 0:  # kept while the disk was full: journalled first (DiskFull again?)
            await self._journal.insert([item])
            self._list.renumber(item)
        if item.owner != self.owner:
            if owner_alive(self._owners_dir, item.owner):
                return  # another running Satchel has it
            if not await self._journal.claim(item.id, self.owner, item.owner):
                return
            item.owner = self.owner
        requeue(item, self._driver.known_max_size(item.account))
        self._round.join([item])
        await self._commit(item, REQUEUED_FIELDS, note="retry")
        if item.finished:
            self._mark_finished(item)
        self._pump()

    async def remove(self, item: TransferItem) -> bool:
        """Cancel it if needed, then drop it from the list and the journal.

        False when an upload's clean-up on the service has not succeeded yet: the item
        stays (failed or cancelled) until it has.
        """
        if item not in self._list:
            return True
        await self.cancel(item)
        if item.cleanup_due or item.id in self._tasks:
            return False
        await self._forget([item])
        return True

    async def clear_finished(self) -> int:
        """Drop every finished item (done, failed, cancelled) whose clean-up is complete."""
        gone = [
            i for i in self._list if i.finished and i.id not in self._tasks and not i.cleanup_due
        ]
        await self._forget(gone)
        return len(gone)

    async def _forget(self, items: Sequence[TransferItem]) -> None:
        if not items:
            return
        for item in items:
            remove_partial_file(item)
        await self._journal.delete(i.id for i in items)
        self._list.remove(items)

    async def pause_all(self) -> None:
        """Stop every running transfer; they keep their place and go on at `resume_all`."""
        self._paused = True
        await self._journal.set_meta(PAUSED_KEY, "1")
        stopping = []
        for item_id, task in list(self._tasks.items()):
            item = self._list.get(item_id)
            if item is None or item.finished:
                continue  # a clean-up: let it finish
            self._interrupts[item_id] = _Interrupt.PAUSE
            task.cancel()
            stopping.append(task)
        if stopping:
            await asyncio.wait(stopping)

    async def resume_all(self) -> None:
        self._paused = False
        await self._journal.set_meta(PAUSED_KEY, None)
        self._pump()

    # --- cancel requests from other processes, closing ------------------------------------------

    def _ensure_poller(self) -> None:
        if not self._closed:
            self._watcher.start()

    def _on_cancel_requested(self, item_id: int) -> None:
        item = self._list.get(item_id)
        if item is not None:
            self._spawn(self.cancel(item))

    async def aclose(self) -> None:
        """Stop everything without cancelling anything: the next start resumes the rest."""
        self._closed = True
        running = [*self._tasks.values(), *self._background]
        if self._watcher.task is not None:
            running.append(self._watcher.task)
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running)
        await self._driver.aclose()
        await self._journal.aclose()
        self._lock.close()
