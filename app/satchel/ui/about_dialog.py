"""Help → About Satchel."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from satchel import __version__
from satchel.ui.accessible import described


class AboutDialog(QDialog):
    def __init__(self, icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Satchel")
        picture = QLabel()
        picture.setPixmap(icon.pixmap(64, 64))
        text = QLabel(
            f"<h2>Satchel {__version__}</h2>"
            "<p>The files attached to your boards and cards, on your desktop: browse, "
            "preview, upload by dropping, share fresh links.</p>"
            f"<p>Python {platform.python_version()} · Qt for Python {pyside_version}</p>"
            "<p>Secrets are kept in your OS keyring, never in files.</p>",
            wordWrap=True,
            textFormat=Qt.TextFormat.RichText,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        described(buttons.button(QDialogButtonBox.StandardButton.Close), "Close", "Close this")
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
