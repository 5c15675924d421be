"""The pane's pages that show no file: nothing selected, loading (with progress), an error."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from satchel.models.thumbnails import shrunk_to_fit
from satchel.ui.accessible import described
from satchel.ui.plain_text import plain
from satchel.ui.preview.format import human_size

#: The bar counts in thousandths: QProgressBar holds an int, and files pass 2 GiB.
PROGRESS_STEPS = 1000
#: The service's own small preview, shown while the full file loads, fits this box.
PLACEHOLDER_BOX = (420, 320)


def _centered(parent: QWidget) -> QVBoxLayout:
    outer = QVBoxLayout(parent)
    outer.addStretch(1)
    inner = QVBoxLayout()
    inner.setSpacing(10)
    row = QHBoxLayout()
    row.addStretch(1)
    box = QWidget(parent)
    box.setMaximumWidth(440)
    box.setLayout(inner)
    row.addWidget(box, 4)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)
    return inner


def _wrapped_label(parent: QWidget, text: str = "") -> QLabel:
    label = plain(QLabel(text, parent))
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


EMPTY_TEXT = "Select an attachment to preview it"


class EmptyView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = _wrapped_label(self, EMPTY_TEXT)
        self.label.setEnabled(False)  # drawn in the palette's quieter colour
        _centered(self).addWidget(self.label)

    def say(self, text: str = EMPTY_TEXT) -> None:
        self.label.setText(text)


class SignInView(QWidget):
    """The account must sign in again before the file can be fetched: no failing load."""

    sign_in_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _wrapped_label(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.message = _wrapped_label(self)
        self.sign_in_button = described(
            QPushButton("Sign in again…", self),
            "Sign in again",
            "Give the account a new key; the preview loads once it is accepted",
        )
        self.sign_in_button.clicked.connect(self.sign_in_clicked)
        layout = _centered(self)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def show_account(self, name: str, account: str) -> None:
        self.title.setText(f"“{name}” is on {account}, which must sign in again")
        self.message.setText(
            "The service no longer accepts the saved key. Sign in again and the preview loads."
        )


class LoadingView(QWidget):
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _wrapped_label(self)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.hide()
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(True)
        self.bar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cancel_button = described(
            QPushButton("Cancel", self), "Cancel", "Stop fetching the file for the preview"
        )
        self.cancel_button.clicked.connect(self.cancel_clicked)
        layout = _centered(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def start(self, name: str, total: int | None) -> None:
        self.title.setText(f"Fetching “{name}”…")
        self.placeholder.hide()
        self.placeholder.clear()
        self.set_progress(0, total or 0)

    def start_opening(self, name: str) -> None:
        """The file is here and being decoded (the service's preview, if shown, stays)."""
        self.title.setText(f"Opening “{name}”…")
        self.set_progress(0, 0)

    def set_placeholder_image(self, path: Path) -> None:
        """Show a smaller copy of the image (the service's preview) until the file is here."""
        pixmap = QPixmap(str(path))
        if pixmap.isNull():
            return
        self.placeholder.setPixmap(shrunk_to_fit(pixmap, *PLACEHOLDER_BOX))
        self.placeholder.show()

    def set_progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.bar.setRange(0, 0)  # busy: the size is not known
            self.bar.setFormat(human_size(done) if done else "")
            return
        self.bar.setRange(0, PROGRESS_STEPS)
        self.bar.setValue(min(PROGRESS_STEPS, done * PROGRESS_STEPS // total))
        self.bar.setFormat(f"{human_size(done)} of {human_size(total)}")

    def progress_text(self) -> str:
        return self.bar.format()


class ErrorView(QWidget):
    retry_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.icon = QLabel(self)
        self.icon.setPixmap(icon.pixmap(32, 32))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = _wrapped_label(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.message = _wrapped_label(self)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = described(
            QPushButton("Try again", self), "Try again", "Fetch the file for the preview again"
        )
        self.retry_button.clicked.connect(self.retry_clicked)
        layout = _centered(self)
        layout.addWidget(self.icon)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def show_message(self, name: str, message: str) -> None:
        self.title.setText(f"“{name}” could not be shown")
        self.message.setText(message)
