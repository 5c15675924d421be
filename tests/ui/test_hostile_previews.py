"""Hostile files in the preview: bounded time, bounded columns, only the image formats the
pane supports, decided by content and name together."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from satchel.domain.model import Attachment
from satchel.models.csv_table import COLUMN_CAP, read_csv
from satchel.ui.preview import PreviewPage, PreviewPane


def _show(qtbot: QtBot, pane: PreviewPane, attachment: Attachment, path: Path) -> None:
    """`show_file`, and wait while a worker decodes it."""
    pane.show_file(attachment, path)
    qtbot.waitUntil(lambda: not pane.is_decoding, timeout=15_000)


def _file(tmp_path: Path, name: str, content_type: str, data: bytes) -> tuple[Attachment, Path]:
    path = tmp_path / name
    path.write_bytes(data)
    return Attachment("h1", name, None, content_type, len(data)), path


def _image_bytes(tmp_path: Path, fmt: str) -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    out = tmp_path / f"made.{fmt}"
    assert image.save(str(out), fmt.upper())
    return out.read_bytes()


def test_a_csv_that_slows_the_dialect_guess_opens_quickly(tmp_path: Path) -> None:
    # Quotes and four candidate delimiters on one long line: the sniffer's worst case.
    path = tmp_path / "hostile.csv"
    path.write_text('a;"b,c"|d\t' * 100_000)
    started = time.monotonic()
    read_csv(path)
    assert time.monotonic() - started < 1.5


def test_many_columns_are_capped_and_the_pane_says_so(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path
) -> None:
    row = ",".join(f"c{n}" for n in range(20_000))
    attachment, path = _file(tmp_path, "wide.csv", "text/csv", f"{row}\n{row}\n".encode())
    table = read_csv(path)
    assert table.columns_cut and max(len(r) for r in [table.header, *table.rows]) == COLUMN_CAP
    _show(qtbot, pane, attachment, path)
    assert pane.page is PreviewPage.CSV
    assert pane.csv_view.table.model().columnCount() == COLUMN_CAP
    assert f"first {COLUMN_CAP:,} columns" in pane.csv_view.note.text()


@pytest.mark.parametrize(
    ("name", "content_type", "fmt"),
    [
        ("photo.png", "image/png", "tiff"),  # a TIFF dressed as PNG
        ("photo.jpg", "image/jpeg", "tiff"),
        ("icon.png", "image/png", "ico"),
        ("picture.png", "image/png", "xpm"),
    ],
)
def test_images_in_other_formats_are_not_decoded(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path, name: str, content_type: str, fmt: str
) -> None:
    attachment, path = _file(tmp_path, name, content_type, _image_bytes(tmp_path, fmt))
    _show(qtbot, pane, attachment, path)
    assert pane.page is PreviewPage.FACTS
    assert "cannot be previewed" in pane.facts_view.note.text()


@pytest.mark.parametrize("fmt", ["png", "jpeg", "bmp", "webp"])
def test_supported_images_still_show(
    qtbot: QtBot, pane: PreviewPane, tmp_path: Path, fmt: str
) -> None:
    attachment, path = _file(tmp_path, f"ok.{fmt}", f"image/{fmt}", _image_bytes(tmp_path, fmt))
    _show(qtbot, pane, attachment, path)
    assert pane.page is PreviewPage.IMAGE


def test_a_tiff_by_name_shows_its_facts(qtbot: QtBot, pane: PreviewPane, tmp_path: Path) -> None:
    attachment, path = _file(tmp_path, "scan.tiff", "image/tiff", _image_bytes(tmp_path, "tiff"))
    _show(qtbot, pane, attachment, path)
    assert pane.page is PreviewPage.FACTS
    assert pane.facts_view.kind_label.text() == "TIFF image"
