"""Dropping files on the tree: onto a card they upload; elsewhere Satchel says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragMoveEvent, QDropEvent

from satchel.transfers.items import State
from tests.support.qt import wait_until
from tests.ui.window_fixtures import WindowRig

BOARD, LIST, CARD = "Brand Assets", "Photography", "Shot list"


def _drop(rig: WindowRig, index, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    tree = rig.window.tree
    tree.scrollTo(index)
    point = QPointF(tree.visualRect(index).center())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    move = QDragMoveEvent(point.toPoint(), Qt.DropAction.CopyAction, mime,
                          Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    tree.dragMoveEvent(move)
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)  # fmt: skip
    tree.dropEvent(drop)


@pytest.mark.asyncio
async def test_files_dropped_on_a_card_upload_and_appear_under_it(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    await rig.expand(BOARD, LIST, CARD)
    files = [tmp_path / "dropped one.txt", tmp_path / "dröpped two.bin"]
    files[0].write_text("first")
    files[1].write_bytes(b"\x00\x01" * 5000)

    _drop(rig, rig.find(BOARD, LIST, CARD), files)
    model = rig.window.transfers.model  # type: ignore[union-attr]
    await wait_until(lambda: model.rowCount() == 2, what="two queued uploads")
    await wait_until(
        lambda: all(model.item_at(r).state is State.DONE for r in range(2)), 60, "the uploads"
    )
    names = {f.name for f in files}
    await wait_until(
        lambda: names <= {rig.window.proxy.index(r, 0, rig.find(BOARD, LIST, CARD)).data()
                          for r in range(rig.window.proxy.rowCount(rig.find(BOARD, LIST, CARD)))},
        30, "the card to show them",
    )  # fmt: skip


@pytest.mark.asyncio
async def test_a_drop_on_a_list_is_refused_with_a_reason(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    await rig.expand(BOARD)
    file = tmp_path / "x.txt"
    file.write_text("x")
    _drop(rig, rig.find(BOARD, LIST), [file])
    assert "card" in rig.window.statusBar().currentMessage().lower()
    assert "list" in rig.window.statusBar().currentMessage().lower()
    assert rig.window.transfers.model.rowCount() == 0  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_a_folder_drop_asks_first_with_count_and_size(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    await rig.expand(BOARD, LIST)
    folder = tmp_path / "photos"
    (folder / "inner").mkdir(parents=True)
    for name, size in (("a.jpg", 1500), ("b.jpg", 2500), ("inner/c.jpg", 1000)):
        (folder / name).write_bytes(b"j" * size)
    asked: list[str] = []
    rig.window.confirm = lambda _title, text: asked.append(text) or False

    _drop(rig, rig.find(BOARD, LIST, CARD), [folder])
    assert asked and "3 files" in asked[0] and "5.0 KB" in asked[0] and "photos" in asked[0]
    assert rig.window.transfers.model.rowCount() == 0, "declined: nothing queued"  # type: ignore[union-attr]
