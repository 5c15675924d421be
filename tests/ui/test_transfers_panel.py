"""The Transfers panel's buttons clicked as a person clicks them, with the queue's state
checked after each; the end of a batch in the status bar and as a desktop notification."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QSystemTrayIcon

from satchel.transfers.items import State, TransferItem
from tests.support.qt import wait_until
from tests.ui.person import activate, focus, press
from tests.ui.window_fixtures import WindowRig

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
