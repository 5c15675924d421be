"""Which journalled items a starting queue shows, and which it takes over.

Items of a queue that still runs (in this process or another) are left alone. Of the
rest, every unfinished item, and every ended upload whose attachment is still on the
service, is claimed (compare-and-set in the journal, so two starting queues never both
take one) and goes on from its journalled step.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from satchel.transfers.async_journal import AsyncJournal
from satchel.transfers.items import State, TransferItem
from satchel.transfers.owners import owner_alive


async def take_over(
    journal: AsyncJournal, owners_dir: Path, owner: str, items: Sequence[TransferItem]
) -> tuple[list[TransferItem], list[TransferItem]]:
    """(items to show, items taken over: queued again, or with a clean-up to finish)."""
    alive: dict[str | None, bool] = {owner: False}
    shown: list[TransferItem] = []
    taken: list[TransferItem] = []
    for item in items:
        if item.owner not in alive:
            alive[item.owner] = owner_alive(owners_dir, item.owner)
        if alive[item.owner]:
            continue  # another running Satchel drives it
        if not item.finished or item.cleanup_due:
            if item.owner != owner:
                if not await journal.claim(item.id, owner, item.owner):
                    continue
                item.owner = owner
            if not item.finished:
                item.state = State.QUEUED
            taken.append(item)
        shown.append(item)
    return shown, taken
