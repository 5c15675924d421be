"""What a folder expands to, both ways.

Uploads: a folder given to upload (dropped on a card, or `satchel upload CARD DIR`)
stands for the files below it. Downloads: "Download all attachments" of a card, a list
or a board, and which files go to which folder.

A card's files go straight into the chosen folder; a list's into one folder per card;
a board's into list/card folders, so that files of different cards never mix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from satchel.domain.model import Attachment, Board, BoardList, Card
from satchel.providers.base import Provider
from satchel.providers.retries import Retrier
from satchel.transfers.naming import safe_local_name


@dataclass
class Expanded:
    """What a drop holds: the files to send, the folders dropped, the links left out."""

    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    #: Symbolic links inside a dropped folder that lead out of it (to ~/.ssh, say): a
    #: folder someone else prepared must not send files from elsewhere on this computer.
    skipped: list[Path] = field(default_factory=list)


def _inside(link: Path, root: Path) -> bool:
    try:
        return link.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a loop, or a target that cannot be reached
        return False


def expand_folders(paths: list[Path]) -> Expanded:
    """The files of `paths`: a dropped folder or `satchel upload CARD DIR` sends the files
    below it, in name order. Symlinked folders are not followed (a loop cannot run
    forever); links that lead outside the folder are skipped. The queue checks each file
    again."""
    found = Expanded()
    for path in paths:
        if not path.is_dir() or path.is_symlink():
            found.files.append(path)
            continue
        found.folders.append(path)
        root = path.resolve()
        for folder, dirs, names in os.walk(path):
            dirs.sort()
            here = Path(folder)
            found.skipped.extend(
                here / name
                for name in dirs
                if (here / name).is_symlink() and not _inside(here / name, root)
            )
            for name in sorted(names):
                entry = here / name
                if entry.is_symlink() and not _inside(entry, root):
                    found.skipped.append(entry)
                else:
                    found.files.append(entry)
    return found


def listed(paths: list[Path], most: int = 5) -> str:
    """ "a, b, c and 4 more": paths for a sentence."""
    shown = ", ".join(str(p) for p in paths[:most])
    return shown + (f" and {len(paths) - most} more" if len(paths) > most else "")


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
