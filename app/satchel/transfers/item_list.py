"""The queue's ordered list of items, and the listeners told about every change to it."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from satchel.transfers.events import TransferListener
from satchel.transfers.items import TransferItem

log = logging.getLogger(__name__)


class ItemList:
    def __init__(self) -> None:
        self._items: list[TransferItem] = []
        self._by_id: dict[int, TransferItem] = {}
        self._listeners: list[TransferListener] = []

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, row: int) -> TransferItem:
        return self._items[row]

    def __iter__(self) -> Iterator[TransferItem]:
        return iter(list(self._items))  # a copy: listeners may change the list meanwhile

    def __contains__(self, item: TransferItem) -> bool:
        return self._by_id.get(item.id) is item

    def get(self, item_id: int) -> TransferItem | None:
        return self._by_id.get(item_id)

    def row_of(self, item: TransferItem) -> int:
        return self._items.index(item)

    def add_listener(self, listener: TransferListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: TransferListener) -> None:
        self._listeners.remove(listener)

    def emit(self, event: str, *args: Any) -> None:
        for listener in list(self._listeners):
            try:
                getattr(listener, event)(*args)
            except Exception:  # a broken view must not break the queue
                log.exception("a transfer listener failed on %s", event)

    def append(self, items: Sequence[TransferItem]) -> None:
        if not items:
            return
        row = len(self._items)
        self.emit("about_to_insert", row, len(items))
        self._items.extend(items)
        self._by_id.update((i.id, i) for i in items)
        self.emit("inserted", row, len(items))

    def remove(self, items: Sequence[TransferItem]) -> None:
        for item in sorted(items, key=self.row_of, reverse=True):
            row = self.row_of(item)
            self.emit("about_to_remove", row, item)
            del self._items[row]
            del self._by_id[item.id]
            self.emit("removed", row, item)

    def renumber(self, item: TransferItem) -> None:
        """The item has its journal id now (it had a stand-in one until then)."""
        self._by_id = {i.id: i for i in self._items}

    def changed(self, item: TransferItem) -> None:
        if self._listeners and item in self:
            self.emit("changed", self.row_of(item), item)
