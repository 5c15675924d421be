"""What the queue tells its views, and the whole queue's progress in one object.

Like qutebrowser's AbstractDownloadManager: a Qt model turns `about_to_insert` /
`inserted` into beginInsertRows / endInsertRows, and so on. `changed` fires when an
item's state, step or error changes, never per chunk: views repaint progress on a
timer, reading `TransferItem.done_bytes`, `speed()` and `time_left()` (cheap).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from satchel.transfers.items import State, TransferItem


class TransferListener:
    """Override what you need; every method runs on the event loop's thread."""

    def about_to_insert(self, row: int, count: int) -> None:
        """`count` items are about to appear at `row`."""

    def inserted(self, row: int, count: int) -> None:
        """They are there now."""

    def changed(self, row: int, item: TransferItem) -> None:
        """The item's state, step or error changed (`item.state` tells whether it landed)."""

    def about_to_remove(self, row: int, item: TransferItem) -> None: ...

    def removed(self, row: int, item: TransferItem) -> None: ...

    def round_finished(self, totals: Totals) -> None:
        """Nothing is left to do: everything queued since the queue was last idle finished.

        The moment for "12 files uploaded, 1 failed".
        """


@dataclass(frozen=True, slots=True)
class Totals:
    """The current round: every item queued since the queue was last idle."""

    items: int
    queued: int
    active: int
    done: int
    failed: int
    cancelled: int
    done_bytes: int
    total_bytes: int
    #: Bytes per second, rolling average over all items.
    speed: float
    #: Seconds, at the current speed; None when nothing moves.
    time_left: float | None

    @property
    def unfinished(self) -> int:
        return self.queued + self.active

    @classmethod
    def of(cls, items: Iterable[TransferItem], speed: float) -> Totals:
        counts = dict.fromkeys(State, 0)
        done_bytes = total_bytes = 0
        for item in items:
            counts[item.state] += 1
            if item.state is State.CANCELLED:
                continue
            total_bytes += item.total_bytes
            done_bytes += item.total_bytes if item.state is State.DONE else item.done_bytes
        left = total_bytes - done_bytes
        unfinished = counts[State.QUEUED] + counts[State.ACTIVE]
        if not unfinished:
            time_left: float | None = 0.0
        else:
            time_left = left / speed if speed > 0 else None
        return cls(
            items=sum(counts.values()),
            queued=counts[State.QUEUED],
            active=counts[State.ACTIVE],
            done=counts[State.DONE],
            failed=counts[State.FAILED],
            cancelled=counts[State.CANCELLED],
            done_bytes=done_bytes,
            total_bytes=total_bytes,
            speed=speed if unfinished else 0.0,
            time_left=time_left,
        )
