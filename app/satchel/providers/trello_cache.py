"""What expanding a Trello board fetched, kept so the levels under it need no more requests.

One request brings a board's cards with their attachments; the cache hands them out per
list and per card for `max_age` seconds, or until `forget()` drops them (a refresh).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from satchel.domain.model import Attachment, Board, BoardList, Card, Node
from satchel.providers.trello_wire import CardWithAttachments

T = TypeVar("T")

#: Long enough to expand a board and look through it; short enough not to show old news.
CACHE_SECONDS = 120.0


@dataclass(slots=True)
class _Entry(Generic[T]):
    value: T
    at: float


class TreeCache:
    def __init__(
        self, max_age: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_age = max_age
        self._clock = clock
        self._cards: dict[str, _Entry[list[Card]]] = {}
        self._attachments: dict[str, _Entry[list[Attachment]]] = {}
        self._board_lists: dict[str, list[str]] = {}

    def _fresh(self, entry: _Entry[T] | None) -> T | None:
        if entry is None or self._clock() - entry.at > self.max_age:
            return None
        return entry.value

    # -- filling --------------------------------------------------------------

    def put_board(
        self, board_id: str, list_ids: Iterable[str], cards: list[CardWithAttachments]
    ) -> None:
        """A whole board: every list (even empty ones) and every card's attachments."""
        self.forget_board(board_id)
        by_list: dict[str, list[CardWithAttachments]] = {list_id: [] for list_id in list_ids}
        for item in cards:
            by_list.setdefault(item.card.list_id, []).append(item)
        self._board_lists[board_id] = list(by_list)
        for list_id, items in by_list.items():
            self.put_list(list_id, items)

    def put_list(self, list_id: str, cards: list[CardWithAttachments]) -> None:
        now = self._clock()
        self._cards[list_id] = _Entry([item.card for item in cards], now)
        for item in cards:
            if item.attachments is not None:
                self._attachments[item.card.id] = _Entry(item.attachments, now)

    def put_attachments(self, card_id: str, attachments: list[Attachment]) -> None:
        self._attachments[card_id] = _Entry(list(attachments), self._clock())

    def added(self, card_id: str, attachment: Attachment) -> None:
        """An upload landed: a cached card shows it without asking again."""
        entry = self._attachments.get(card_id)
        if entry is not None:
            entry.value = [*(a for a in entry.value if a.id != attachment.id), attachment]

    def removed(self, card_id: str | None, attachment_id: str) -> None:
        entry = self._attachments.get(card_id or "")
        if entry is not None:
            entry.value = [a for a in entry.value if a.id != attachment_id]

    # -- reading --------------------------------------------------------------

    def cards(self, list_id: str) -> list[Card] | None:
        return self._fresh(self._cards.get(list_id))

    def attachments(self, card_id: str) -> list[Attachment] | None:
        return self._fresh(self._attachments.get(card_id))

    def find_attachment(self, attachment_id: str) -> Attachment | None:
        for entry in self._attachments.values():
            for attachment in self._fresh(entry) or ():
                if attachment.id == attachment_id:
                    return attachment
        return None

    # -- forgetting -------------------------------------------------------------

    def forget(self, node: Node | None = None) -> None:
        """Drop what was fetched under `node` (everything when None)."""
        if node is None:
            self._cards.clear()
            self._attachments.clear()
            self._board_lists.clear()
        elif isinstance(node, Board):
            self.forget_board(node.id)
        elif isinstance(node, BoardList):
            self.forget_list(node.id)
        elif isinstance(node, Card):
            self._attachments.pop(node.id, None)
        else:
            self._attachments.pop(node.card_id or "", None)

    def forget_board(self, board_id: str) -> None:
        for list_id in self._board_lists.pop(board_id, []):
            self.forget_list(list_id)

    def forget_list(self, list_id: str) -> None:
        entry = self._cards.pop(list_id, None)
        for card in entry.value if entry else ():
            self._attachments.pop(card.id, None)
