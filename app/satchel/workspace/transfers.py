"""The transfer queue of a workspace: providers through the workspace, every upload that
lands published as "this card's attachments changed", pasted images removed once sent."""

from __future__ import annotations

from typing import Any

from satchel import paths
from satchel.transfers.events import TransferListener
from satchel.transfers.items import Direction, State, TransferItem
from satchel.transfers.journal import Journal
from satchel.transfers.leftovers import PastedFileCleaner
from satchel.transfers.queue import TransferQueue
from satchel.workspace.space import Workspace


class LandedUploads(TransferListener):
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def changed(self, row: int, item: TransferItem) -> None:
        if item.state is State.DONE and item.direction is Direction.UPLOAD and item.card_id:
            self._workspace.card_changed(item.account, item.card_id)


def open_queue(workspace: Workspace, journal: Journal, **options: Any) -> TransferQueue:
    queue = TransferQueue(journal, workspace.provider, **options)
    queue.add_listener(LandedUploads(workspace))
    queue.add_listener(PastedFileCleaner(paths.pasted_dir(), lambda: queue))
    return queue
