"""One guard for every paged listing: pages that never end, come round again or repeat
themselves are an answer Satchel cannot read, never a loop.

Each dialect pages its own way (bearer's `next` cursors, Trello's `before` ids,
Productive's `links.next` or page numbers); all of them tell the guard the items of each
page and the cursor they follow next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from satchel.providers.http import malformed

T = TypeVar("T")


class Identified(Protocol):
    @property
    def id(self) -> str: ...


def item_id(item: Identified) -> str:
    return item.id


class PageGuard:
    """Counts the pages of one listing and remembers its cursors and item ids."""

    def __init__(self, max_pages: int) -> None:
        self._max_pages = max_pages
        self._pages = 0
        self._cursors: set[str] = set()
        self._ids: set[str] = set()

    def fresh(self, items: Sequence[T], key: Callable[[T], str]) -> list[T]:
        """This page's items not seen on an earlier page (in order).

        A page past the cap, or a page of items all seen before (the service ignored
        the cursor), raises MalformedResponse.
        """
        self._pages += 1
        if self._pages > self._max_pages:
            raise malformed(f"more than {self._max_pages:,} pages of one list")
        new = [item for item in items if key(item) not in self._ids]
        if items and not new:
            raise malformed("a page that repeats an earlier one")
        self._ids.update(key(item) for item in new)
        return new

    def follow(self, cursor: str) -> str:
        """`cursor`, the next page's; one given out before raises MalformedResponse."""
        if cursor in self._cursors:
            raise malformed("page cursors that go round in a circle")
        self._cursors.add(cursor)
        return cursor
