"""What the queue hands to the code it drives: the provider source, the journal's commit,
and one RunContext for each transfer run (upload, single-request upload, download)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from satchel.domain.errors import SatchelError
from satchel.domain.progress import ProgressCallback
from satchel.providers.base import Provider
from satchel.providers.retries import Retrier, RetryHook
from satchel.transfers.items import TransferItem
from satchel.transfers.progress import Throughput

T = TypeVar("T")

#: Account name -> its connected provider. The window passes `Workspace.provider`; the
#: command line its own. May raise SatchelError (e.g. SignInRequired).
ProviderSource = Callable[[str], Provider]


class Commit(Protocol):
    """Journal these attributes of the item, and tell the views; see Journal.save, and
    AsyncJournal for `wait=False`."""

    def __call__(
        self,
        item: TransferItem,
        fields: Iterable[str],
        *,
        note: str | None = None,
        durable: bool = False,
        wait: bool = True,
    ) -> Awaitable[None]: ...


@dataclass(frozen=True, slots=True)
class RunContext:
    """One item's run: how to journal it, retry its steps, report its bytes."""

    commit: Commit
    retrier: Retrier
    #: Called before a step is tried again (the queue shows "retrying in N s").
    on_retry: RetryHook
    progress: ProgressCallback
    #: The service's upload limit, when known (None for downloads or when unsaid).
    max_size: int | None = None

    async def retry(
        self,
        what: str,
        operation: Callable[[], Awaitable[T]],
        retry_if: Callable[[SatchelError], bool] | None = None,
    ) -> T:
        """`operation()` as the queue's policy allows, telling the queue of each retry."""
        return await self.retrier.run(what, operation, on_retry=self.on_retry, retry_if=retry_if)


def progress_hook(item: TransferItem, throughput: Throughput) -> ProgressCallback:
    """Bytes done of one item: its own rate and the whole queue's throughput."""

    def progress(done: int, _total: int) -> None:
        moved = done - item.done_bytes
        item.done_bytes = done
        now = time.monotonic()
        item.rate.add(done, now)
        if moved > 0:
            throughput.add(moved, now)

    return progress


def retry_hook(
    item: TransferItem, commit: Commit, spawn: Callable[[Awaitable[None]], None]
) -> RetryHook:
    """Before a step of the item is tried again: count it and journal why (in the background)."""

    def on_retry(error: SatchelError, _attempt: int, _wait: float) -> None:
        item.attempts += 1
        item.error, item.error_kind = error.message, type(error).__name__
        note = f"retry: {error.message}"
        spawn(commit(item, ("attempts", "error", "error_kind"), note=note))

    return on_retry
