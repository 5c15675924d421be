"""What Satchel knows about a file it does not preview, and a way to open it elsewhere."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from satchel.domain.addresses import is_openable_link
from satchel.domain.model import Attachment
from satchel.ui.accessible import described
from satchel.ui.plain_text import plain
from satchel.ui.preview.format import human_size, human_time, kind_name
from satchel.ui.preview.viewer_controls import NoteLabel


def _value_label(parent: QWidget) -> QLabel:
    label = plain(QLabel(parent))
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FactsView(QWidget):
    """Name, type, size, created; "Open with default app", or "Open in browser" for a link."""

    open_clicked = Signal()
    open_url_clicked = Signal(str)
    preview_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._url: str | None = None
        self.title_label = plain(QLabel(self))
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = NoteLabel(self)
        self.kind_label = _value_label(self)
        self.size_label = _value_label(self)
        self.created_label = _value_label(self)
        self.url_label = _value_label(self)
        self.url_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.preview_button = described(
            QPushButton("Preview anyway", self),
            "Preview anyway",
            "Fetch this file for the preview, although it is bigger than the preview limit",
        )
        self.preview_button.clicked.connect(self.preview_clicked)
        self.open_button = described(
            QPushButton("Open with default app", self),
            "Open with default app",
            "Fetch the file and open it with the app your system uses for its type",
        )
        self.open_button.clicked.connect(self.open_clicked)
        self.open_url_button = described(
            QPushButton("Open in browser", self),
            "Open in browser",
            "Open the linked page in your browser",
        )
        self.open_url_button.clicked.connect(self._on_open_url_button_clicked)

        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form.addRow("Type:", self.kind_label)
        self._form.addRow("Size:", self.size_label)
        self._form.addRow("Created:", self.created_label)
        self._form.addRow("Link:", self.url_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(self.title_label)
        layout.addWidget(self.note)
        layout.addLayout(self._form)
        layout.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.open_url_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def show_attachment(
        self, attachment: Attachment, note: str | None = None, *, offer_preview: bool = False
    ) -> None:
        self.title_label.setText(attachment.name)
        self.note.set_note(note)
        self._url = attachment.link_url
        is_link = attachment.is_link
        self.kind_label.setText("Link to a web page" if is_link else kind_name(
            attachment.content_type, attachment.local_name
        ))  # fmt: skip
        self.size_label.setText(human_size(attachment.size))
        self.created_label.setText(human_time(attachment.created_at))
        self.url_label.setText(attachment.link_url or "")
        self._form.setRowVisible(self.size_label, not is_link)
        self._form.setRowVisible(self.url_label, is_link)
        self.open_button.setVisible(not is_link)
        self.preview_button.setVisible(offer_preview and not is_link)
        openable = is_link and is_openable_link(attachment.link_url or "")
        self.open_url_button.setVisible(openable)
        if is_link and not openable:
            self.note.set_note(
                "Satchel does not open links of this kind (only web pages and e-mail "
                "addresses): copy it if you trust where it leads."
            )

    def _on_open_url_button_clicked(self) -> None:
        if self._url and is_openable_link(self._url):
            self.open_url_clicked.emit(self._url)
