"""What a folder expands to, both ways.

Uploads: a folder given to upload (dropped on a card, or `satchel upload CARD DIR`)
stands for the files below it. Downloads: "Download all attachments" of a card, a list
or a board, and which files go to which folder.

A card's files go straight into the chosen folder; a list's into one folder per card;
a board's into list/card folders, so that files of different cards never mix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from satchel.domain.model import Attachment, Board, BoardList, Card
from satchel.providers.base import Provider
from satchel.providers.retries import Retrier
from satchel.transfers.naming import safe_local_name


def expand_folders(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(every file to send, the folders among `paths`): a dropped folder or `satchel upload
    CARD DIR` sends the files below it, in name order. Symlinked folders are not followed,
    so a symlink loop cannot run forever; each file is checked again by the queue."""
    files: list[Path] = []
    folders: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            folders.append(path)
            for root, dirs, names in os.walk(path):
                dirs.sort()
                files.extend(Path(root) / name for name in sorted(names))
        else:
            files.append(path)
    return files, folders


def total_size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            continue  # the queue reports it, with its reason
    return total


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
