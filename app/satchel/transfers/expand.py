""" "Download all attachments" of a card, a list or a board: which files go to which folder.

A card's files go straight into the chosen folder; a list's into one folder per card;
a board's into list/card folders, so that files of different cards never mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from satchel.domain.model import Attachment, Board, BoardList, Card
from satchel.providers.base import Provider
from satchel.providers.retries import Retrier
from satchel.transfers.naming import safe_local_name


@dataclass(frozen=True, slots=True)
class PlannedDownload:
    attachment: Attachment
    folder: Path


async def plan_downloads(
    provider: Provider, node: Board | BoardList | Card, folder: Path, retrier: Retrier
) -> list[PlannedDownload]:
    """Every file attachment under `node` and its folder; link attachments are left out."""
    if isinstance(node, Card):
        attachments = await retrier.run(
            "listing attachments", lambda: provider.list_attachments(node.id)
        )
        return [PlannedDownload(a, folder) for a in attachments if not a.is_link]
    if isinstance(node, BoardList):
        cards = await retrier.run("listing cards", lambda: provider.list_cards(node.id))
        plans: list[PlannedDownload] = []
        for card in cards:
            below = folder / safe_local_name(card.name, fallback=card.id)
            plans += await plan_downloads(provider, card, below, retrier)
        return plans
    lists = await retrier.run("listing lists", lambda: provider.list_lists(node.id))
    plans = []
    for board_list in lists:
        below = folder / safe_local_name(board_list.name, fallback=board_list.id)
        plans += await plan_downloads(provider, board_list, below, retrier)
    return plans
