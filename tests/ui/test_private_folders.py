"""Every folder Satchel makes for itself under the data and cache directories is this
user's only (0700), parents included: pasted images, the queue's owner locks and the
journal hold the user's files and their names; the drag-out folder (test_drag_out)
holds other people's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QColor, QImage

from satchel.transfers.journal import Journal
from satchel.transfers.owners import OwnerLock
from satchel.ui.clipboard_files import files_to_attach

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def _private(top: Path, made: Path) -> None:
    """`made` and every folder between it and `top` (which did not exist) are 0700."""
    folder = made
    while folder != top.parent:
        assert folder.stat().st_mode & 0o777 == 0o700, folder
        folder = folder.parent


def test_a_pasted_image_is_written_in_a_private_folder(qtbot, tmp_path: Path) -> None:
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    mime = QMimeData()
    mime.setImageData(image)
    data_dir = tmp_path / "data"
    (pasted,) = files_to_attach(mime, data_dir / "pasted")
    assert pasted.parent.stat().st_mode & 0o777 == 0o700


def test_the_queue_owner_locks_are_private(tmp_path: Path) -> None:
    lock = OwnerLock(tmp_path / "data" / "owners")
    try:
        _private(tmp_path / "data", lock.folder)
    finally:
        lock.close()


def test_the_journal_is_private(tmp_path: Path) -> None:
    Journal(tmp_path / "data" / "transfers.db").close()
    _private(tmp_path / "data", tmp_path / "data")
