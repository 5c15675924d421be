"""Decoding off the UI thread: the worker decodes, a superseded decode never reaches the
pane, a cancelled parse stops, a damaged file is said in the pane."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from satchel.domain.model import Attachment
from satchel.models.csv_table import read_csv
from satchel.ui.preview import PreviewPage, PreviewPane
from satchel.ui.preview import pane as pane_module
from satchel.ui.preview.background import Background, Superseded
from satchel.ui.preview.decoding import MAX_PIXELS, decode_image

WAIT_MS = 15_000


def _file(tmp_path: Path, name: str, content_type: str, data: bytes) -> tuple[Attachment, Path]:
    path = tmp_path / name
    path.write_bytes(data)
    return Attachment(f"id-{name}", name, None, content_type, len(data)), path


def _jpeg(tmp_path: Path, width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    out = tmp_path / f"made-{width}x{height}.jpg"
    assert image.save(str(out), "JPEG", 80)
    return out.read_bytes()


class Gate:
    """Holds a decode in the worker until the test lets it go."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.opened = threading.Event()
        self.entered = threading.Event()
        self.threads: list[threading.Thread] = []
        real = getattr(pane_module, name)

        def held(*args: Any) -> Any:
            self.threads.append(threading.current_thread())
            self.entered.set()
            assert self.opened.wait(WAIT_MS / 1000)
            return real(*args)

        monkeypatch.setattr(pane_module, name, held)


def test_a_big_image_is_decoded_by_a_worker_scaled_down(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch, "decode_image")
    attachment, path = _file(tmp_path, "wide.jpg", "image/jpeg", _jpeg(tmp_path, 6000, 3000))

    pane.show_file(attachment, path)
    assert pane.page is PreviewPage.LOADING and pane.is_decoding  # the window goes on
    assert "Opening" in pane.loading_view.title.text()
    gate.opened.set()
    with qtbot.waitSignal(pane.file_shown, timeout=WAIT_MS):
        pass

    assert gate.threads and gate.threads[0] is not threading.main_thread()
    assert pane.page is PreviewPage.IMAGE
    image = pane.image_view.image()
    assert image.width() * image.height() <= MAX_PIXELS < 6000 * 3000
    assert image.width() / image.height() == pytest.approx(2.0, rel=0.01)
    assert pane.image_view.size_text().startswith("6000 × 3000 px (shown at ")
    assert pane.image_view.fit_mode and pane.image_view.scale < 1


def test_the_worker_smooths_a_copy_for_the_fit_scale(tmp_path: Path) -> None:
    path = tmp_path / "wide.jpg"
    path.write_bytes(_jpeg(tmp_path, 1600, 800))
    decoded = decode_image(path, QSize(400, 400), lambda: None)
    assert decoded.fitted is not None and decoded.fitted.size() == QSize(400, 200)
    assert decoded.full_size == QSize(1600, 800)
    assert decode_image(path, QSize(2000, 2000), lambda: None).fitted is None  # fits as it is


def test_a_superseded_decode_never_reaches_the_pane(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch, "decode_image")
    photo, photo_path = _file(tmp_path, "photo.jpg", "image/jpeg", _jpeg(tmp_path, 300, 200))
    notes, notes_path = _file(tmp_path, "notes.txt", "text/plain", b"the selection moved on\n")
    shown: list[Attachment] = []
    pane.file_shown.connect(shown.append)

    pane.show_file(photo, photo_path)
    assert gate.entered.wait(WAIT_MS / 1000)  # the image's decode is under way
    with qtbot.waitSignal(pane.file_shown, timeout=WAIT_MS):
        pane.show_file(notes, notes_path)
    gate.opened.set()  # the image's decode finishes now, after the text is shown
    qtbot.wait(500)  # room for a stray result to arrive, were it sent

    assert shown == [notes]
    assert pane.page is PreviewPage.TEXT and pane.attachment is notes
    assert pane.text_view.text() == "the selection moved on\n"
    assert pane.image_view.image().isNull()


def test_moving_to_nothing_drops_the_decode_too(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch, "decode_csv")
    table, path = _file(tmp_path, "t.csv", "text/csv", b"a,b\n1,2\n")
    pane.show_file(table, path)
    assert gate.entered.wait(WAIT_MS / 1000)
    pane.show_nothing()
    gate.opened.set()
    qtbot.wait(300)
    assert pane.page is PreviewPage.EMPTY and not pane.is_decoding
    assert pane.csv_view.model.rowCount() == 0


def test_cancel_while_decoding_shows_the_facts(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch, "decode_text")
    attachment, path = _file(tmp_path, "big.txt", "text/plain", b"text\n")
    fetch_cancels: list[bool] = []
    pane.cancel_requested.connect(lambda: fetch_cancels.append(True))
    pane.show_file(attachment, path)
    assert gate.entered.wait(WAIT_MS / 1000)

    pane.loading_view.cancel_button.click()
    gate.opened.set()
    qtbot.wait(300)
    assert pane.page is PreviewPage.FACTS and pane.attachment is attachment
    assert fetch_cancels == []  # nothing to cancel in the fetch: the file was here


def test_a_cancelled_parse_stops_between_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("".join(f"{n},row {n}\n" for n in range(5000)))
    checks = 0

    def check() -> None:
        nonlocal checks
        checks += 1
        if checks > 2:
            raise Superseded

    with pytest.raises(Superseded):
        read_csv(path, check=check)
    assert checks == 3  # it stopped at the third check, long before 5,000 rows


def test_a_cancelled_job_delivers_nothing(qtbot: QtBot) -> None:
    background = Background()
    release = threading.Event()
    got: list[object] = []
    ticket = background.run(
        lambda check: release.wait(5) and "done", on_done=got.append, on_error=got.append
    )
    ticket.cancel()
    release.set()
    qtbot.wait(300)
    assert got == [] and ticket.cancelled

    finished = background.run(lambda check: "done", on_done=got.append, on_error=got.append)
    qtbot.waitUntil(lambda: got == ["done"], timeout=WAIT_MS)
    assert not finished.cancelled


def test_a_damaged_image_is_said_in_the_pane(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path
) -> None:
    # A PNG's signature and header, then garbage where the pixels should be.
    data = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 40
    attachment, path = _file(tmp_path, "cut.png", "image/png", data)
    with qtbot.waitSignal(pane.file_shown, timeout=WAIT_MS):
        pane.show_file(attachment, path)
    assert pane.page is PreviewPage.FACTS
    note = pane.facts_view.note.text()
    assert "cannot be previewed" in note and "image" in note
    assert pane.image_view.image().isNull()


def test_a_file_gone_before_its_decode_asks_to_try_again(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path
) -> None:
    attachment = Attachment("gone", "gone.csv", None, "text/csv", 10)
    with qtbot.waitSignal(pane.file_shown, timeout=WAIT_MS):
        pane.show_file(attachment, tmp_path / "evicted.csv")
    assert pane.page is PreviewPage.ERROR
    assert "Try again" in pane.error_view.message.text()


def test_long_text_goes_in_by_slices_and_all_of_it_arrives(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path
) -> None:
    text = "".join(f"line {n}: ünïcödé\r\n" for n in range(40_000))  # past many slices
    attachment, path = _file(tmp_path, "big.log", "text/plain", text.encode())
    with qtbot.waitSignal(pane.file_shown, timeout=WAIT_MS):
        pane.show_file(attachment, path)
        qtbot.waitUntil(lambda: pane.text_view.is_filling, timeout=WAIT_MS)
        assert pane.page is PreviewPage.TEXT  # the top is shown while the rest goes in
    assert pane.text_view.text() == text.replace("\r\n", "\n")
    assert not pane.is_decoding


def test_no_garbage_collection_runs_on_a_worker(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path
) -> None:
    # A collection on a worker would delete unreachable Qt objects there: a widget
    # deleted off its thread leaves timers behind that crash the event loop later.
    rows = "".join(f"{n},name {n},{n * 3}\n" for n in range(10_000))  # plenty to allocate
    attachment, path = _file(tmp_path, "rows.csv", "text/csv", rows.encode())
    collected_on: list[threading.Thread] = []

    def note(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread())

    gc.callbacks.append(note)
    try:
        for _ in range(3):
            with qtbot.waitSignal(pane.file_shown, timeout=WAIT_MS):
                pane.show_file(attachment, path)
            pane.show_nothing()
        qtbot.wait(400)  # collections resume, on this thread
        gc.collect()
    finally:
        gc.callbacks.remove(note)
    assert collected_on and set(collected_on) == {threading.main_thread()}
    assert gc.isenabled()
