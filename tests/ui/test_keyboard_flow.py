"""The main flow by keyboard alone: real key events on whatever widget has the focus.

Add an account (Ctrl+N, the form filled by keys), browse (arrows), preview (Space),
upload (Ctrl+U, the file dialog answered by typing a path), copy a link (Ctrl+C), and
cancel a transfer (Ctrl+T to the Transfers panel, Alt+P to pause, Delete to cancel).
Each effect is checked where it happens: on the local service, on the clipboard, in the
queue. No method call or signal drives the window; the test only reads it.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from satchel.domain.model import Attachment
from satchel.models.transfer_list import TransferColumn
from satchel.transfers.items import State
from satchel.ui.account_dialog import AccountDialog
from satchel.ui.account_forms import BearerForm
from satchel.ui.preview.pane import PreviewPage
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.ui.window_fixtures import WindowRig

K = Qt.Key
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
NAME = "Keyboard account"
BOARD, LIST, CARD, IMAGE = "Website Relaunch", "Backlog", "Homepage hero", "Homepage hero.png"


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifiers)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def press_later(key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """From the Qt loop, not from this test's task: the key opens a modal file dialog,
    whose own loop must not run inside an asyncio task's step."""
    QTimer.singleShot(0, lambda: press(key, modifiers))


async def arrow_to(rig: WindowRig, name: str) -> QModelIndex:
    """Down (then Up) through the visible rows until the current one is `name`."""
    tree = rig.window.tree
    for key in (K.Key_Down, K.Key_Up):
        for _ in range(40):
            if tree.currentIndex().data() == name:
                return tree.currentIndex()
            before = tree.currentIndex()
            press(key)
            if tree.currentIndex() == before:
                break
    raise AssertionError(f"no visible row {name!r} by arrows")


async def open_row(rig: WindowRig) -> None:
    """Right expands the current row; once it has loaded, Right again goes in."""
    tree, proxy, model = rig.window.tree, rig.window.proxy, rig.window.model
    row = tree.currentIndex()
    press(K.Key_Right)
    await wait_until(
        lambda: (
            tree.isExpanded(row)
            and model.load_state(proxy.mapToSource(row)).name == "LOADED"
            and proxy.rowCount(row) > 0
        ),
        30,
        f"the rows of {row.data()}",
    )
    press(K.Key_Right)
    assert tree.currentIndex().parent() == row


async def back_to(window: QWidget, widget: QWidget) -> None:
    """A dialog closed: the window manager makes the window active again (the offscreen
    platform has none, so the test does its part) and the window's focus is where it was."""
    await wait_until(lambda: QApplication.activeModalWidget() is None, what="the dialog closed")
    window.activateWindow()
    await wait_until(lambda: QApplication.focusWidget() is widget, what=f"focus back on {widget}")


async def answer_file_dialog(path: Path) -> None:
    await wait_until(
        lambda: (
            isinstance(QApplication.activeModalWidget(), QFileDialog)
            and QApplication.focusWidget() is not None
            and QApplication.focusWidget().window() is QApplication.activeModalWidget()
        ),
        what="the file dialog, focused",
    )
    type_text(str(path))
    press(K.Key_Return)


@pytest.mark.asyncio
async def test_the_main_flow_by_keyboard_alone(
    queue_rig: WindowRig, sandbox: SandboxInfo, rw_key: str, tmp_path: Path
) -> None:
    rig = queue_rig
    window = rig.window
    window.confirm = lambda title, text: pytest.fail(f"unexpected question: {title}: {text}")
    window.activateWindow()
    window.tree.setFocus()  # where a person starts: the window in front
    await wait_until(lambda: QApplication.focusWidget() is window.tree, what="the tree focused")

    # Add an account: Ctrl+N, then the form by Tab and typing, Enter to sign in.
    press(K.Key_N, CTRL)
    await wait_until(
        lambda: (
            isinstance(QApplication.activeModalWidget(), AccountDialog)
            and focused().window() is QApplication.activeModalWidget()
        ),
        what="the account dialog, focused",
    )
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, AccountDialog)
    assert focused() is dialog.kind_box and dialog.form.kind == "bearer"
    press(K.Key_Tab)
    assert focused() is dialog.name_edit
    type_text(NAME)
    press(K.Key_Tab)
    form = dialog.form
    assert isinstance(form, BearerForm)
    assert focused() is form.url_edit
    type_text(sandbox.base_url)
    press(K.Key_Tab)
    assert focused() is form.key_edit
    type_text(rw_key)
    press(K.Key_Return)
    await wait_until(lambda: not dialog.isVisible(), 30, "the account signed in")
    assert NAME in [account.name for account in rig.workspace.accounts()]
    await back_to(window, window.tree)

    # Browse: arrows to the new account, Right to expand and go in, down to the image.
    await arrow_to(rig, NAME)
    await open_row(rig)
    await arrow_to(rig, BOARD)
    await open_row(rig)
    await arrow_to(rig, LIST)
    await open_row(rig)
    await arrow_to(rig, CARD)
    await open_row(rig)
    await arrow_to(rig, IMAGE)
    assert rig.window.selection.current()[0] == NAME

    # Preview: it shows as the row is reached; Space hides it and shows it again.
    pane = window.pane
    await wait_until(lambda: pane.page is PreviewPage.IMAGE, 30, "the image preview")
    press(K.Key_Space)
    assert not pane.isVisible()
    press(K.Key_Space)
    assert pane.isVisible()
    await wait_until(lambda: pane.page is PreviewPage.IMAGE, 30, "the preview again")

    # Upload with Ctrl+U: the file dialog takes a typed path.
    sent = tmp_path / "typed by keys.txt"
    sent.write_text("uploaded by keyboard alone\n")
    press_later(K.Key_U, CTRL)
    await answer_file_dialog(sent)
    await back_to(window, window.tree)
    queue = window.transfers.queue  # type: ignore[union-attr]
    await wait_until(lambda: len(queue) == 1 and queue[0].state is State.DONE, 60, "the upload")
    _account, image = window.selection.current()
    assert isinstance(image, Attachment)
    provider = rig.workspace.provider(NAME)
    landed = {a.name: a for a in await provider.list_attachments(image.card_id)}
    assert sent.name in landed  # on the local service itself, not just in the window
    fetched = await provider.download(landed[sent.name], tmp_path / "fetched.txt")
    assert fetched.read_bytes() == sent.read_bytes()

    # Copy a link: to the file just sent, Ctrl+C; the clipboard's link fetches it.
    await wait_until(lambda: sent.name in _card_rows(rig), 30, "the card to list the upload")
    await arrow_to(rig, sent.name)
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    press(K.Key_C, CTRL)
    await wait_until(lambda: clipboard.text().startswith("http"), 30, "a link on the clipboard")
    async with httpx.AsyncClient() as client:
        answer = await client.get(clipboard.text())
    assert answer.status_code == 200 and answer.content == sent.read_bytes()

    # Cancel a transfer: Ctrl+T to the Transfers panel, Alt+P to hold the queue, another
    # Ctrl+U, then Delete on its row.
    panel = window.transfers.panel  # type: ignore[union-attr]
    press(K.Key_T, CTRL)
    await wait_until(lambda: panel.isAncestorOf(focused()), what="the Transfers panel focused")
    press(K.Key_P, ALT)
    await wait_until(lambda: queue.paused, what="the queue paused")
    assert focused() is panel.pause_button  # a mnemonic takes the focus to its button
    held = tmp_path / "never sent.txt"
    held.write_text("cancelled by keyboard\n")
    press_later(K.Key_U, CTRL)
    await answer_file_dialog(held)
    await back_to(window, panel.pause_button)
    await wait_until(lambda: len(queue) == 2, what="the second upload queued")
    press(K.Key_Tab)  # from the last button to the list
    assert focused() is panel.view
    for _ in range(5):
        if [i.name for i in panel.selected_items()] == [held.name]:
            break
        press(K.Key_Down)
    assert [i.name for i in panel.selected_items()] == [held.name]
    press(K.Key_Delete)
    await wait_until(lambda: queue[1].state is State.CANCELLED, 30, "the upload cancelled")
    assert "ancel" in str(panel.model.index(1, TransferColumn.STATUS).data())
    names = {a.name for a in await provider.list_attachments(image.card_id)}
    assert held.name not in names and image.name in names  # nothing else was deleted

    # Ctrl+T again, from inside the panel: it goes away and the keyboard is on the tree.
    press(K.Key_T, CTRL)
    assert not window.transfers_dock.isVisible() and focused() is window.tree


def _card_rows(rig: WindowRig) -> set[str]:
    card = rig.window.tree.currentIndex().parent()
    proxy = rig.window.proxy
    return {proxy.index(r, 0, card).data() for r in range(proxy.rowCount(card))}
