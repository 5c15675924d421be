"""Dragging attachments out to a file manager: a URI list, fetched through the download
queue only when the drop asks for it, and the file landing where it was dropped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QUrl

from satchel import paths
from satchel.domain.model import Attachment
from satchel.transfers.items import State
from tests.support.qt import wait_until
from tests.ui.window_fixtures import WindowRig

BOARD, LIST, CARD = "Website Relaunch", "Backlog", "Homepage hero"


async def _drop(mime) -> list[Path]:  # type: ignore[no-untyped-def]
    """What a file manager does at the drop: ask for the URI list (from Qt's event
    dispatch, as a real drop target's request arrives), then read the files it names."""
    answered: list[bytes] = []
    QTimer.singleShot(0, lambda: answered.append(bytes(mime.data("text/uri-list").data())))
    await wait_until(lambda: answered, 60, "the drop's data")
    lines = [line for line in answered[0].decode().split("\r\n") if line]
    return [Path(QUrl(line).toLocalFile()) for line in lines]


@pytest.mark.asyncio
async def test_dragging_an_attachment_out_fetches_it_at_the_drop_and_it_lands(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    await rig.expand(BOARD, LIST, CARD)
    row = rig.find(BOARD, LIST, CARD, "Homepage hero.png")
    attachment = rig.window.model.node_at(rig.window.proxy.mapToSource(row))
    assert isinstance(attachment, Attachment)

    mime = rig.window.tree.drag_source(row)
    assert mime is not None
    assert mime.formats() == ["text/uri-list"] and mime.hasUrls()
    transfers = rig.window.transfers.model  # type: ignore[union-attr]
    assert transfers.rowCount() == 0  # nothing fetched while dragging
    assert not (paths.cache_dir() / "drag-out").exists()

    (fetched,) = await _drop(mime)
    assert fetched.name == "Homepage hero.png"
    assert fetched.stat().st_size == attachment.size
    assert fetched.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fetched.parent.stat().st_mode & 0o777 == 0o700  # someone's file: this user's only
    assert transfers.rowCount() == 1 and transfers.item_at(0).state is State.DONE

    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    landed = Path(shutil.copy(fetched, desktop))  # the file manager copies what it got
    assert landed.read_bytes() == fetched.read_bytes()
    assert await _drop(mime) == [fetched]  # asked again: the same file, not fetched again
    assert transfers.rowCount() == 1


@pytest.mark.asyncio
async def test_dragging_a_card_out_gives_a_folder_of_its_files(queue_rig: WindowRig) -> None:
    rig = queue_rig
    card = await rig.expand(BOARD, LIST, CARD)
    proxy = rig.window.proxy
    rows = [proxy.index(r, 0, card) for r in range(proxy.rowCount(card))]
    files = {
        index.data()
        for index in rows
        if not rig.window.model.node_at(proxy.mapToSource(index)).is_link  # type: ignore[union-attr]
    }
    mime = rig.window.tree.drag_source(card)
    assert mime is not None

    (folder,) = await _drop(mime)
    assert folder.is_dir() and folder.name == CARD
    assert {path.name for path in folder.iterdir()} == files


@pytest.mark.asyncio
async def test_lists_boards_and_links_are_not_dragged_out(queue_rig: WindowRig) -> None:
    rig = queue_rig
    await rig.expand(BOARD, LIST, CARD)
    assert rig.window.tree.drag_source(rig.find(BOARD, LIST, CARD)) is not None
    assert rig.window.tree.drag_source(rig.find(BOARD, LIST)) is None
    assert rig.window.tree.drag_source(rig.find(BOARD, LIST, CARD, "Style guide")) is None
