"""What a first run shows instead of an empty tree."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomeWidget(QWidget):
    add_account_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = QLabel(
            "<h3>Welcome to Satchel</h3><p>Add an account to see its boards, cards and "
            "attachments. Keys are kept in your OS keyring.</p>",
            wordWrap=True,
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton("Add Account…")
        self.button.setDefault(True)
        self.button.clicked.connect(self.add_account_requested)
        self.button.setAccessibleName("Add account")
        self.button.setAccessibleDescription("Sign in to a service to see its boards and files")
        # Offered only where the local demo service can run (not in a bundle without it).
        self.demo_button = QPushButton("Try the Demo")
        self.demo_button.setAccessibleName("Try the demo")
        self.demo_button.setAccessibleDescription(
            "Start the local demo service and sign in to its demo accounts"
        )
        self.demo_button.clicked.connect(self.demo_requested)
        self.demo_button.hide()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.demo_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
