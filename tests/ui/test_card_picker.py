"""Files opened with Satchel: the card picker searches every card and queues the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from satchel.models.card_search import WHEN_ROLE
from satchel.transfers.items import State
from satchel.ui.card_picker import CardPickerDialog
from tests.support.qt import wait_until
from tests.ui.window_fixtures import WindowRig

BOARD, LIST, CARD = "Brand Assets", "Photography", "Shot list"


async def _open_picker(rig: WindowRig, files: list[Path]) -> CardPickerDialog:
    rig.window.receive_files([str(path) for path in files])
    picker = rig.window.card_picker
    assert picker is not None and picker.isVisible()
    await wait_until(lambda: not picker.model.loading and picker.model.rowCount(), 30, "cards")
    return picker


@pytest.mark.asyncio
async def test_picker_lists_every_card_newest_first_and_searches_all_names(
    rig: WindowRig, tmp_path: Path
) -> None:
    file = tmp_path / "report.pdf"
    file.write_bytes(b"%PDF-1.4\n")
    picker = await _open_picker(rig, [file])
    assert "report.pdf" in picker.heading.text()
    proxy = picker.proxy
    assert proxy.rowCount() == picker.model.rowCount() > 3
    times = [proxy.index(row, 0).data(WHEN_ROLE) for row in range(proxy.rowCount())]
    assert times == sorted(times, reverse=True)

    # A word in a card's own name ranks it above cards whose board or list holds the word.
    # ("launch" is also in every card of the board "Website Relaunch")
    QTest.keyClicks(picker.search, "launch")
    assert proxy.rowCount() > 2
    assert proxy.index(0, 0).data() == "Launch plan"
    rest = [proxy.index(r, 0).data(WHEN_ROLE) for r in range(1, proxy.rowCount())]
    assert rest == sorted(rest, reverse=True)
    picker.search.clear()

    # Words from the board and list find the card; each word must match.
    QTest.keyClicks(picker.search, "photo shot")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == [CARD]
    assert BOARD in proxy.index(0, 1).data() and LIST in proxy.index(0, 1).data()
    assert picker.attach_button.isEnabled()
    picker.search.clear()
    QTest.keyClicks(picker.search, "no such card anywhere")
    assert proxy.rowCount() == 0
    assert not picker.attach_button.isEnabled()
    assert "No card matches" in picker.status.text()
    picker.reject()


@pytest.mark.asyncio
async def test_choosing_a_card_queues_the_files_for_it(
    queue_rig: WindowRig, tmp_path: Path
) -> None:
    rig = queue_rig
    files = [tmp_path / "opened with satchel.txt", tmp_path / "second.csv"]
    files[0].write_text("opened")
    files[1].write_text("a,b\n1,2\n")
    picker = await _open_picker(rig, files[:1])
    rig.window.receive_files([str(files[1])])  # a second "Open with" joins the same picker
    assert rig.window.card_picker is picker and picker.files == files

    QTest.keyClicks(picker.search, "shot list")
    QTest.keyClick(picker.search, Qt.Key.Key_Return)  # Enter attaches to the best match
    assert not picker.isVisible()
    assert "Queued 2 files" in rig.window.statusBar().currentMessage()
    model = rig.window.transfers.model  # type: ignore[union-attr]
    await wait_until(lambda: model.rowCount() == 2, what="two queued uploads")
    await wait_until(
        lambda: all(model.item_at(r).state is State.DONE for r in range(2)), 60, "the uploads"
    )
    await rig.expand(BOARD, LIST, CARD)
    card = rig.find(BOARD, LIST, CARD)
    proxy = rig.window.proxy
    await wait_until(
        lambda: {f.name for f in files}
        <= {proxy.index(r, 0, card).data() for r in range(proxy.rowCount(card))},
        30, "the card to show them",
    )  # fmt: skip


@pytest.mark.asyncio
async def test_missing_files_are_named_and_nothing_opens(rig: WindowRig, tmp_path: Path) -> None:
    rig.window.receive_files([str(tmp_path / "gone.txt")])
    assert rig.window.card_picker is None
    assert "gone.txt" in rig.window.statusBar().currentMessage()
