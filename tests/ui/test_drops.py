"""Dropping files on the tree or the preview: onto a card they upload; elsewhere Satchel
says why. The drag events reach the widget Qt would give them to, not a method."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from satchel.transfers.items import State
from satchel.ui.preview.pane import PreviewPage
from tests.support.qt import wait_until
from tests.ui.window_fixtures import WindowRig

BOARD, LIST, CARD = "Brand Assets", "Photography", "Shot list"


def _deliver(widget: QWidget, point: QPoint, paths: list[Path]) -> QDropEvent:
    """Drag files over `point` of `widget` and let go, delivering the events as Qt does:
    to the widget under the pointer that accepts drops, entering, moving, then dropping."""
    target = widget.childAt(point) or widget
    while not target.acceptDrops():
        parent = target.parentWidget()
        assert parent is not None, "nothing under the pointer accepts drops"
        target = parent
    at = target.mapFrom(widget, point)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    QApplication.sendEvent(target, QDragEnterEvent(at, copy, mime, left, none))
    QApplication.sendEvent(target, QDragMoveEvent(at, copy, mime, left, none))
    drop = QDropEvent(QPointF(at), copy, mime, left, none)
    QApplication.sendEvent(target, drop)
    return drop


def _drop(rig: WindowRig, index: QModelIndex, paths: list[Path]) -> None:
    tree = rig.window.tree
    tree.scrollTo(index)
    _deliver(tree.viewport(), tree.visualRect(index).center(), paths)


def _names(rig: WindowRig, *path: str) -> set[str]:
    parent = rig.find(*path)
    proxy = rig.window.proxy
    return {proxy.index(r, 0, parent).data() for r in range(proxy.rowCount(parent))}


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
    await wait_until(lambda: names <= _names(rig, BOARD, LIST, CARD), 30, "the card to show them")


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


@pytest.mark.asyncio
async def test_a_folder_drop_uploads_every_file_once_the_person_says_upload(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    await rig.expand(BOARD, LIST, CARD)
    folder = tmp_path / "shots"
    (folder / "day two").mkdir(parents=True)
    files = {"one.jpg": b"1" * 700, "two.jpg": b"2" * 900, "day two/three.jpg": b"3" * 300}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    asked: list[str] = []
    rig.window.confirm = lambda _title, text: asked.append(text) or True

    _drop(rig, rig.find(BOARD, LIST, CARD), [folder])
    assert len(asked) == 1 and "3 files" in asked[0]
    model = rig.window.transfers.model  # type: ignore[union-attr]
    await wait_until(lambda: model.rowCount() == 3, what="three queued uploads")
    await wait_until(
        lambda: all(model.item_at(r).state is State.DONE for r in range(3)), 60, "the uploads"
    )
    landed = {Path(name).name for name in files}
    await wait_until(lambda: landed <= _names(rig, BOARD, LIST, CARD), 30, "the three files")


@pytest.mark.asyncio
async def test_a_drop_on_the_preview_goes_to_the_card_of_what_it_shows(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    board, board_list, card = "Website Relaunch", "In progress", "Launch plan"
    await rig.expand(board, board_list, card)
    rig.select(rig.find(board, board_list, card, "Budget.csv"))
    pane = rig.window.pane
    await wait_until(lambda: pane.isVisible() and pane.page is not PreviewPage.EMPTY,
                     what="the preview of the selected file")  # fmt: skip
    file = tmp_path / "dropped on the preview.txt"
    file.write_text("for the card being previewed")

    drop = _deliver(pane, pane.rect().center(), [file])
    assert drop.isAccepted()
    model = rig.window.transfers.model  # type: ignore[union-attr]
    await wait_until(lambda: model.rowCount() == 1, what="the queued upload")
    assert model.item_at(0).card_id == rig.window.selected()[1].card_id  # type: ignore[union-attr]
    await wait_until(lambda: model.item_at(0).state is State.DONE, 60, "the upload")
    await wait_until(lambda: file.name in _names(rig, board, board_list, card), 30, "the row")


@pytest.mark.asyncio
async def test_a_dropped_folder_skips_links_that_lead_outside_and_says_so(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    await rig.expand(BOARD, LIST)
    secrets = tmp_path / "home" / ".ssh"
    secrets.mkdir(parents=True)
    (secrets / "id_ed25519").write_text("PRIVATE KEY")
    folder = tmp_path / "shared project"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "readme.txt").write_text("hello")
    (folder / "notes.txt").symlink_to(folder / "docs" / "readme.txt")  # inside: fine
    (folder / "deploy key").symlink_to(secrets / "id_ed25519")
    (folder / "ssh").symlink_to(secrets)
    asked: list[str] = []
    rig.window.confirm = lambda _title, text: asked.append(text) or True

    _drop(rig, rig.find(BOARD, LIST, CARD), [folder])
    assert asked and "2 files" in asked[0]
    assert "Skipped: 2 links" in asked[0]
    assert "deploy key" in asked[0] and "ssh" in asked[0]
    model = rig.window.transfers.model  # type: ignore[union-attr]
    await wait_until(lambda: model.rowCount() == 2, what="two files queued")
    queued = {model.item_at(row).local_path.name for row in range(2)}
    assert queued == {"readme.txt", "notes.txt"}
