"""A round of the queue: everything queued since it was last idle. Its totals for the
progress line, waiting for items to finish, and "round finished" when all have."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

from satchel.transfers.events import Totals
from satchel.transfers.item_list import ItemList
from satchel.transfers.items import TransferItem
from satchel.transfers.progress import Throughput


class Round:
    def __init__(self, items: ItemList) -> None:
        self._list = items
        self._items: list[TransferItem] = []
        self._finished: dict[int, asyncio.Future[None]] = {}
        #: "Round finished" was said: once per round, though the last items' states may turn
        #: finished before each of them reports in (two runs ending together said it twice).
        self._announced = False
        #: Bytes per second of the whole queue (every item's progress adds to it).
        self.throughput = Throughput()

    def totals(self, now: float | None = None) -> Totals:
        """The round's progress, computed now (cheap: call it from a repaint timer)."""
        items = [i for i in self._items if i in self._list]
        return Totals.of(items, self.throughput.rate(now))

    def join(self, items: Sequence[TransferItem]) -> None:
        """A new round starts when these join a queue with nothing else left to do."""
        joining = {id(i) for i in items}
        others = [i for i in self._items if id(i) not in joining]
        if all(i.finished for i in others):
            others = []
        self._items = [*others, *items]
        self._announced = False

    def finished(self, item: TransferItem) -> None:
        future = self._finished.pop(item.id, None)
        if future is not None and not future.done():
            future.set_result(None)
        if self._items and not self._announced and all(i.finished for i in self._items):
            self._announced = True
            self._list.emit("round_finished", self.totals())

    async def wait(self, targets: Iterable[TransferItem]) -> None:
        """Until these items have finished."""
        targets = list(targets)
        loop = asyncio.get_running_loop()
        while True:
            waiting = [
                self._finished.setdefault(i.id, loop.create_future())
                for i in targets
                if not i.finished
            ]
            if not waiting:
                return
            await asyncio.wait(waiting)
