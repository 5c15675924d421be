"""The Transfers panel's buttons clicked as a person clicks them, with the queue's state
checked after each; the end of a batch in the status bar and as a desktop notification."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QSystemTrayIcon

from satchel.domain.model import Account
from satchel.models.transfer_list import TransferColumn
from satchel.transfers.items import State, TransferItem
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.ui.person import activate, focus, press
from tests.ui.window_fixtures import ACCOUNT, WindowRig

BOARD, LIST, CARD = "Brand Assets", "Logos", "Logo pack"


class RecordingTray(QSystemTrayIcon):
    """The desktop notification, observed: what would have popped up, and how."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str, QSystemTrayIcon.MessageIcon]] = []

    def showMessage(self, *args: object) -> None:  # type: ignore[override]
        title, text, icon = args[:3]
        self.messages.append((str(title), str(text), icon))  # type: ignore[arg-type]


def click(button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), f"{button.text()!r} cannot be clicked"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def select_row(rig: WindowRig, item: TransferItem) -> None:
    """Click the item's row in the panel's table."""
    panel = rig.window.transfers.panel  # type: ignore[union-attr]
    model = panel.model
    row = next(r for r in range(model.rowCount()) if model.item_at(r) is item)
    rect = panel.view.visualRect(model.index(row, 0))
    QTest.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected_items() == [item]


async def upload_with_the_keyboard(rig: WindowRig, files: list[Path]) -> list[TransferItem]:
    rig.window.choose_files = lambda _title: [str(f) for f in files]
    await rig.expand(BOARD, LIST, CARD)
    rig.select(rig.find(BOARD, LIST, CARD))
    await activate(rig.window)
    await focus(rig.window.tree)
    press(rig.window, "Ctrl+U")
    model = rig.window.transfers.model  # type: ignore[union-attr]
    await wait_until(lambda: model.rowCount() == len(files), what="the queued uploads")
    return [model.item_at(r) for r in range(model.rowCount())]


@pytest.mark.asyncio
async def test_the_panel_buttons_drive_the_queue(queue_rig: WindowRig, tmp_path: Path) -> None:
    rig = queue_rig
    transfers = rig.window.transfers
    assert transfers is not None
    panel, queue = transfers.panel, transfers.queue
    rig.window.transfers_dock.show()
    told: list[str] = []
    transfers.told.connect(told.append)
    tray = RecordingTray()
    transfers.tray = tray

    click(panel.pause_button)
    await wait_until(lambda: queue.paused, what="the queue to pause")
    assert panel.pause_button.text() == "&Resume All"
    files = []
    for number in range(3):
        files.append(tmp_path / f"panel {number}.txt")
        files[-1].write_text(f"file {number} " * 100)
    items = await upload_with_the_keyboard(rig, files)
    assert [i.state for i in items] == [State.QUEUED] * 3, "paused: nothing starts"

    select_row(rig, items[0])
    assert not panel.retry_button.isEnabled(), "nothing to retry yet"
    click(panel.cancel_button)
    await wait_until(lambda: items[0].state is State.CANCELLED, what="the cancel")
    assert [i.state for i in items[1:]] == [State.QUEUED] * 2, "only the selected one"

    select_row(rig, items[0])
    # The state changes before the journal has it; the row (and the button) follow then.
    await wait_until(panel.retry_button.isEnabled, what="Retry to offer itself")
    click(panel.retry_button)
    await wait_until(lambda: items[0].state is State.QUEUED, what="the retry to queue it again")

    click(panel.pause_button)  # now "Resume All"
    await wait_until(lambda: not queue.paused, what="the queue to go on")
    await wait_until(lambda: all(i.state is State.DONE for i in items), 60, "the uploads")
    await wait_until(lambda: any("transfers done" in t for t in told), what="the batch's end")
    assert told[-1] == "3 of 3 transfers done."
    assert rig.window.statusBar().currentMessage() == "3 of 3 transfers done."
    assert tray.messages == [
        ("Satchel", "3 of 3 transfers done.", QSystemTrayIcon.MessageIcon.Information)
    ]
    await wait_until(
        lambda: {f.name for f in files} <= set(names_under(rig)), 30, "the files on the card"
    )

    select_row(rig, items[1])
    click(panel.remove_button)
    await wait_until(lambda: panel.model.rowCount() == 2, what="the row to go")
    assert items[1] not in list(queue)

    click(panel.clear_button)
    await wait_until(lambda: panel.model.rowCount() == 0, what="finished rows to clear")
    assert len(queue) == 0
    assert "No transfers" in panel.summary.text()


@pytest.mark.asyncio
async def test_a_batch_with_failures_says_how_many_failed(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    transfers = rig.window.transfers
    assert transfers is not None
    tray = RecordingTray()
    transfers.tray = tray
    good, doomed = tmp_path / "good.txt", tmp_path / "vanishes.txt"
    good.write_text("stays")
    doomed.write_text("goes before it is sent")
    click(transfers.panel.pause_button)
    await wait_until(lambda: transfers.queue.paused, what="the queue to pause")
    items = await upload_with_the_keyboard(rig, [good, doomed])
    doomed.unlink()  # gone from disk while it waited: that file fails with its reason
    click(transfers.panel.pause_button)
    await wait_until(lambda: all(i.state.finished for i in items), 60, "the batch")
    assert [i.state for i in items] == [State.DONE, State.FAILED]
    text = "1 of 2 transfers done, 1 failed: see Transfers."
    await wait_until(lambda: rig.window.statusBar().currentMessage() == text, what="the note")
    assert tray.messages == [("Satchel", text, QSystemTrayIcon.MessageIcon.Warning)]


def names_under(rig: WindowRig) -> list[str]:
    parent = rig.find(BOARD, LIST, CARD)
    proxy = rig.window.proxy
    return [proxy.index(r, 0, parent).data() for r in range(proxy.rowCount(parent))]


def status_shown(rig: WindowRig, item: TransferItem) -> str:
    """The Status cell of the item's row, as the panel's table shows it."""
    model = rig.window.transfers.model  # type: ignore[union-attr]
    row = next(r for r in range(model.rowCount()) if model.item_at(r) is item)
    return str(model.index(row, TransferColumn.STATUS).data())


@pytest.mark.asyncio
async def test_sign_in_again_holds_the_accounts_rows_and_retry_goes_on(
    queue_rig: WindowRig, tmp_path: Path, sandbox: SandboxInfo, rw_key: str
) -> None:
    rig = queue_rig
    transfers = rig.window.transfers
    assert transfers is not None
    panel, queue = transfers.panel, transfers.queue
    rig.window.transfers_dock.show()
    click(panel.pause_button)
    await wait_until(lambda: queue.paused, what="the queue to pause")
    files = [tmp_path / "held 1.txt", tmp_path / "held 2.txt"]
    for file in files:
        file.write_text(f"{file.name} " * 50)
    items = await upload_with_the_keyboard(rig, files)

    repainted: list[tuple[int, int]] = []
    panel.model.dataChanged.connect(
        lambda first, last, *_: repainted.append((first.row(), last.row()))
    )
    rig.workspace.mark_signed_out(ACCOUNT)  # the service refused the key
    assert repainted == [(0, 1)]
    waiting = f"waiting for sign-in to {ACCOUNT}"
    assert [status_shown(rig, i) for i in items] == [waiting] * 2

    click(panel.pause_button)  # the queue tries them: each stops for the sign-in
    await wait_until(lambda: all(i.state is State.FAILED for i in items), 30, "the items")
    assert [status_shown(rig, i) for i in items] == [waiting] * 2
    select_row(rig, items[0])
    await wait_until(panel.retry_button.isEnabled, what="Retry to offer itself")

    repainted.clear()
    await rig.workspace.sign_in(Account(ACCOUNT, "bearer", sandbox.base_url), rw_key)
    assert (0, 1) in repainted  # the rows that waited, repainted once signed in
    assert [status_shown(rig, i) for i in items] == ["stopped for sign-in: Retry to go on"] * 2

    click(panel.pause_button)  # held, so that each retried row can be read as queued
    await wait_until(lambda: queue.paused, what="the queue to pause")
    for item in items:
        select_row(rig, item)
        click(panel.retry_button)
        await wait_until(lambda: item.state is State.QUEUED, what="the retry")  # noqa: B023
    assert [status_shown(rig, i) for i in items] == ["queued"] * 2


@pytest.mark.asyncio
async def test_a_changed_card_repaints_its_rows(queue_rig: WindowRig, tmp_path: Path) -> None:
    rig = queue_rig
    transfers = rig.window.transfers
    assert transfers is not None
    click(transfers.panel.pause_button)
    await wait_until(lambda: transfers.queue.paused, what="the queue to pause")
    source = tmp_path / "on the card.txt"
    source.write_text("here")
    (item,) = await upload_with_the_keyboard(rig, [source])
    assert item.card_id is not None
    repainted: list[tuple[int, int, int]] = []
    transfers.model.dataChanged.connect(
        lambda first, last, *_: repainted.append((first.row(), last.row(), last.column()))
    )
    rig.workspace.card_changed(ACCOUNT, item.card_id)
    row = transfers.model.queue.row_of(item)
    assert repainted == [(row, row, TransferColumn.TIME_LEFT)]
