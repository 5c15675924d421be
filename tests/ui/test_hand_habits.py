"""Habits people bring: paste onto a card, a status bar that counts right, a first size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtTest import QTest

from satchel import paths
from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import SessionSecretStore
from satchel.domain.model import Account, Attachment
from satchel.main import app_icon
from satchel.models.task_runner import TaskRunner
from satchel.storage.content_cache import ContentCache
from satchel.transfers.events import Totals
from satchel.transfers.items import State
from satchel.ui.main_window import MainWindow
from satchel.workspace import Workspace
from satchel.workspace.content import ContentService
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.ui.window_fixtures import WindowRig

BOARD, LIST, CARD = "Brand Assets", "Photography", "Shot list"
HERO_CARD = ("Website Relaunch", "Backlog", "Homepage hero")
PASTED = re.compile(r"^Pasted image \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$")


def _bare_window(qtbot, root: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    workspace = Workspace(AccountStore(paths.config_dir()), SessionSecretStore())
    content = ContentService(workspace, ContentCache(root / "c"), root / "t")
    window = MainWindow(workspace, TaskRunner(), content, app_icon())
    qtbot.addWidget(window)
    return window


async def _wait_uploads(rig: WindowRig, count: int) -> None:
    model = rig.window.transfers.model  # type: ignore[union-attr]
    await wait_until(lambda: model.rowCount() == count, what=f"{count} queued uploads")
    await wait_until(
        lambda: all(model.item_at(r).state is State.DONE for r in range(count)), 60, "uploads"
    )


@pytest.mark.asyncio
async def test_ctrl_v_on_a_card_uploads_the_clipboards_files(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    await rig.expand(BOARD, LIST, CARD)
    files = [tmp_path / "copied in files.txt", tmp_path / "zweite Datei.md"]
    for file in files:
        file.write_text(f"copied {file.name}")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(file)) for file in files])
    QGuiApplication.clipboard().setMimeData(mime)

    rig.select(rig.find(BOARD, LIST, CARD))
    rig.window.activateWindow()
    rig.window.tree.setFocus()
    assert rig.window.actions_.paste.isEnabled()
    QTest.keyClick(rig.window.tree, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    await _wait_uploads(rig, 2)
    names = {file.name for file in files}
    await wait_until(lambda: names <= _names_now(rig), 30, "the card to show them")


def _names_now(rig: WindowRig, path: tuple[str, ...] = (BOARD, LIST, CARD)) -> set[str]:
    card = rig.find(*path)
    proxy = rig.window.proxy
    return {proxy.index(r, 0, card).data() for r in range(proxy.rowCount(card))}


@pytest.mark.asyncio
async def test_edit_paste_on_a_preview_uploads_the_clipboards_image_as_a_png(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    await rig.expand(*HERO_CARD)
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#d03030"))
    QGuiApplication.clipboard().setImage(image)

    rig.select(rig.find(*HERO_CARD, "Homepage hero.png"))  # its preview shows
    rig.window.pane.setFocus()
    edit = next(m for m in rig.window.menuBar().actions() if m.text() == "&Edit").menu()
    paste = next(a for a in edit.actions() if a.text() == "&Paste")
    paste.trigger()
    await _wait_uploads(rig, 1)
    await wait_until(
        lambda: any(PASTED.match(n) for n in _names_now(rig, HERO_CARD)), 30, "pasted image"
    )

    # What landed is the clipboard's image; the copy Satchel wrote to send it is gone.
    card = rig.find(*HERO_CARD)
    proxy = rig.window.proxy
    (landed,) = (
        proxy.index(r, 0, card)
        for r in range(proxy.rowCount(card))
        if PASTED.match(proxy.index(r, 0, card).data())
    )
    account, attachment = rig.window.selection.at(landed)
    assert account is not None and isinstance(attachment, Attachment)
    fetched = await rig.workspace.provider(account).download(attachment, tmp_path / "landed.png")
    written = QImage(str(fetched))
    assert (written.width(), written.height()) == (40, 30)
    assert written.pixelColor(5, 5) == QColor("#d03030")
    await wait_until(lambda: not any(paths.pasted_dir().iterdir()), 10, "the pasted copy gone")


@pytest.mark.asyncio
async def test_a_pasted_image_removed_from_the_queue_is_deleted(queue_rig: WindowRig) -> None:
    rig = queue_rig
    queue = rig.window.transfers.queue  # type: ignore[union-attr]
    await queue.pause_all()  # it stays queued, never sent
    await rig.expand(*HERO_CARD)
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("#3050d0"))
    QGuiApplication.clipboard().setImage(image)
    rig.select(rig.find(*HERO_CARD))
    rig.window.paste_files()
    await wait_until(lambda: len(queue) == 1, what="the paste queued")
    (item,) = queue
    assert item.local_path.exists() and item.state is State.QUEUED
    assert await queue.remove(item)
    assert not item.local_path.parent.exists()


@pytest.mark.asyncio
async def test_paste_with_nothing_usable_or_no_card_says_why(queue_rig: WindowRig) -> None:
    rig = queue_rig
    await rig.expand(BOARD, LIST)
    QGuiApplication.clipboard().setText("just words")
    rig.select(rig.find(BOARD, LIST, CARD))
    rig.window.paste_files()
    assert "no files or image" in rig.window.statusBar().currentMessage()
    rig.select(rig.find(BOARD, LIST))
    assert not rig.window.actions_.paste.isEnabled()
    rig.window.paste_files()
    assert "Select a card" in rig.window.statusBar().currentMessage()
    assert rig.window.transfers.model.rowCount() == 0  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_status_bar_counts_accounts_as_they_come_and_running_transfers(
    qtbot, isolated_paths: Path, sandbox: SandboxInfo, rw_key: str, other_rw_key: str
) -> None:
    window = _bare_window(qtbot, isolated_paths)
    window.show()
    assert window.connection_label.text() == "No account yet"
    # As the demo does: accounts for this run only, listed before the tree is ever used.
    for name, key in (("Demo: Acme", rw_key), ("Demo: Globex", other_rw_key)):
        account = Account(name, "bearer", sandbox.base_url)
        await window.workspace.sign_in(account, key, remember=False)
        window.add_account_row(name)
    assert window.connection_label.text() == "● 2 accounts"
    await window.workspace.aclose()


@pytest.mark.asyncio
async def test_status_bar_shows_running_and_waiting_transfers(queue_rig: WindowRig) -> None:
    model = queue_rig.window.transfers.model  # type: ignore[union-attr]
    model.totals_changed.emit(Totals(items=5, queued=1, active=2, done=2, failed=0, cancelled=0,
                                     done_bytes=2048, total_bytes=10240, speed=1.0,
                                     time_left=8.0))  # fmt: skip
    label = queue_rig.window.transfer_label.text()
    assert "2 running, 1 waiting" in label and "2 of 5 done" in label
    model.totals_changed.emit(Totals(items=5, queued=0, active=0, done=5, failed=0, cancelled=0,
                                     done_bytes=10240, total_bytes=10240, speed=0.0,
                                     time_left=0.0))  # fmt: skip
    assert queue_rig.window.transfer_label.text() == ""


def test_first_window_is_most_of_the_screen_then_the_persons_size(
    qtbot, isolated_paths: Path
) -> None:
    first = _bare_window(qtbot, isolated_paths)
    screen = first.screen().availableGeometry()
    expected = (min(1400, round(screen.width() * 0.8)), min(900, round(screen.height() * 0.8)))
    assert (first.width(), first.height()) == expected
    first.resize(expected[0] - 100, expected[1] - 50)
    first.save_state()
    again = _bare_window(qtbot, isolated_paths)
    assert (again.width(), again.height()) == (expected[0] - 100, expected[1] - 50)
