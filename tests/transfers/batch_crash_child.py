"""A queue that dies by SIGKILL right after its Nth group commit (test_group_commit_crash).

python batch_crash_child.py BASE_URL CARD JOURNAL N FILE...   (the key in SATCHEL_SECRET)
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from satchel.providers.bearer import BearerProvider
from satchel.transfers import Journal, RetryPolicy, TransferQueue
from satchel.transfers.journal import Change


class DyingJournal(Journal):
    def __init__(self, path: Path, die_after: int) -> None:
        super().__init__(path)
        self._left = die_after

    def save_many(self, changes: Sequence[Change], *, durable: bool = False) -> None:
        super().save_many(changes, durable=durable)
        self._left -= 1
        if self._left == 0:  # committed; the queue has not heard of it yet
            os.kill(os.getpid(), signal.SIGKILL)


async def _upload(base_url: str, card: str, journal: Journal, files: list[Path]) -> None:
    async with BearerProvider(base_url, os.environ["SATCHEL_SECRET"]) as provider:
        queue = TransferQueue(journal, lambda _a: provider, retry=RetryPolicy(base_delay=0.05))
        try:
            await queue.wait(await queue.enqueue_uploads("crash", card, files))
        finally:
            await queue.aclose()


if __name__ == "__main__":
    base_url, card, journal_path, die_after, *names = sys.argv[1:]
    journal = DyingJournal(Path(journal_path), int(die_after))
    asyncio.run(_upload(base_url, card, journal, [Path(n) for n in names]))
    raise SystemExit(3)  # never killed: the test asked for more commits than there were
