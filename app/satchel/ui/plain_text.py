"""Labels and message boxes that show text as text: a file name such as
`<img src=https://tracker/x>` or `<a href=file:///…>` is never rendered as HTML."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

L = TypeVar("L", bound=QLabel)


def plain(label: L) -> L:
    """`label`, set to show its text as typed (Qt guesses "rich text" otherwise)."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
    | QMessageBox.StandardButton.No,
    default: QMessageBox.StandardButton = QMessageBox.StandardButton.No,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> QMessageBox.StandardButton:
    """A modal question whose text is plain; returns the button pressed."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(default)
    return QMessageBox.StandardButton(box.exec())


def tell(parent: QWidget | None, title: str, text: str) -> None:
    """A modal note whose text is plain."""
    ask(parent, title, text, QMessageBox.StandardButton.Ok, QMessageBox.StandardButton.Ok,
        QMessageBox.Icon.Information)  # fmt: skip
