"""The one place in the window where problems are told, with an action to fix them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from satchel.ui.accessible import described
from satchel.ui.plain_text import plain


class ErrorBarWidget(QFrame):
    """A dismissible bar above the tree: message, one optional action, close."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#errorBar { background: #fdecea; border: 1px solid #e0a39c; border-radius: 4px; }"
            "#errorBar QLabel { color: #611a15; }"
        )
        self._label = plain(
            QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        )
        self._action = described(
            QPushButton(), "Problem action", "Do what the message above suggests"
        )
        self._action.hide()
        close = QToolButton(autoRaise=True)
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._action)
        layout.addWidget(close)
        self._callback: Callable[[], object] | None = None
        self._action.clicked.connect(self._on_action_clicked)
        self.hide()

    @property
    def message(self) -> str:
        return self._label.text()

    @property
    def action_text(self) -> str:
        return self._action.text() if self._action.isVisible() or self._callback else ""

    def show_message(
        self, message: str, action: str | None = None, callback: Callable[[], object] | None = None
    ) -> None:
        self._label.setText(message)
        self._callback = callback if action else None
        self._action.setText(action or "")
        self._action.setVisible(bool(action))
        self.show()

    def trigger_action(self) -> None:
        self._on_action_clicked()

    def dismiss(self) -> None:
        self.hide()
        self._callback = None
        self.dismissed.emit()

    def _on_action_clicked(self) -> None:
        callback = self._callback
        self.dismiss()
        if callback is not None:
            callback()
