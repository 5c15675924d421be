"""Transfers that survive faults and restarts: the queue, its journal, and their steps. No Qt.

    journal = Journal(paths.data_dir() / FILE_NAME)
    queue = TransferQueue(journal, workspace.provider)
    await queue.restore()                     # go on with what the last run left
    await queue.enqueue_uploads(account, card_id, paths)

`TransferQueue` owns all transfer state; views listen (`TransferListener`) and poll
progress on a timer (`TransferQueue.totals()`, `TransferItem.speed()`).
"""

from satchel.providers.retries import RetryPolicy
from satchel.transfers.events import Totals, TransferListener
from satchel.transfers.items import Direction, State, Step, TransferItem
from satchel.transfers.journal import FILE_NAME, Journal
from satchel.transfers.queue import DEFAULT_CONCURRENCY, TransferQueue

__all__ = [
    "DEFAULT_CONCURRENCY",
    "FILE_NAME",
    "Direction",
    "Journal",
    "RetryPolicy",
    "State",
    "Step",
    "Totals",
    "TransferItem",
    "TransferListener",
    "TransferQueue",
]
