"""What the window asks a person: yes/no questions and file choosers. One object, so that
tests replace them (modal dialogs would block a test)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from satchel.ui.plain_text import ask


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    # Plain text: the question quotes names other people chose.
    answer = ask(parent, title, text, default=QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


class Questions:
    def __init__(self, parent: QWidget) -> None:
        #: (title, question) -> yes?
        self.confirm: Callable[[str, str], bool] = lambda title, text: _confirm(parent, title, text)
        self.choose_save_path: Callable[[str], str] = lambda name: QFileDialog.getSaveFileName(
            parent, "Save attachment as", str(Path.home() / name)
        )[0]
        self.choose_folder: Callable[[str], str] = lambda title: QFileDialog.getExistingDirectory(
            parent, title, str(Path.home())
        )
        self.choose_files: Callable[[str], list[str]] = lambda title: QFileDialog.getOpenFileNames(
            parent, title, str(Path.home())
        )[0]
