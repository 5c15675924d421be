"""Text, JSON (pretty-printed by the pane) and Markdown: read-only, noting what is left out."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QFontDatabase, QTextDocument
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QTextBrowser, QVBoxLayout, QWidget

from satchel.domain.addresses import OPENABLE_SCHEMES
from satchel.ui.accessible import described
from satchel.ui.preview.viewer_controls import NoteLabel

#: Room between the pane's edge and the text, in pixels.
TEXT_MARGIN = 10
_READ_ONLY_FLAGS = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


def _column(parent: QWidget, note: NoteLabel, body: QWidget) -> None:
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(note)
    layout.addWidget(body, 1)


class TextView(QWidget):
    """Plain text; monospace and unwrapped for code, wrapped for prose."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = NoteLabel(self)
        self.editor = described(
            QPlainTextEdit(self), "Text preview", "The text of the file, read-only"
        )
        self.editor.setObjectName("textPreview")
        self.editor.setReadOnly(True)
        self.editor.setTextInteractionFlags(_READ_ONLY_FLAGS)
        self.editor.setTabChangesFocus(True)
        self.editor.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.editor.setFrameShape(QFrame.Shape.NoFrame)
        self.editor.document().setDocumentMargin(TEXT_MARGIN)
        self._proportional = self.editor.font()
        self._monospace = False
        _column(self, self.note, self.editor)
        self.setFocusProxy(self.editor)

    def show_text(self, text: str, *, monospace: bool, note: str | None = None) -> None:
        if monospace:
            self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        else:
            self.editor.setFont(self._proportional)
            self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._monospace = monospace
        self.editor.setPlainText(text)
        self.note.set_note(note)

    def text(self) -> str:
        return self.editor.toPlainText()

    def is_monospace(self) -> bool:
        return self._monospace

    def clear(self) -> None:
        self.editor.clear()
        self.note.set_note(None)


class MarkdownView(QWidget):
    """Markdown rendered (GitHub dialect, raw HTML shown as text); links go out as a signal."""

    link_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = NoteLabel(self)
        self.browser = described(
            QTextBrowser(self), "Markdown preview", "The Markdown file, formatted, read-only"
        )
        self.browser.setObjectName("markdownPreview")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setFrameShape(QFrame.Shape.NoFrame)
        self.browser.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        _column(self, self.note, self.browser)
        self.setFocusProxy(self.browser)

    def show_markdown(self, text: str, note: str | None = None) -> None:
        features = (
            QTextDocument.MarkdownFeature.MarkdownDialectGitHub
            | QTextDocument.MarkdownFeature.MarkdownNoHTML
        )
        document = self.browser.document()
        document.setMarkdown(text, features)
        document.setDocumentMargin(TEXT_MARGIN)
        self.note.set_note(note)

    def document(self) -> QTextDocument:
        return self.browser.document()

    def clear(self) -> None:
        self.browser.clear()
        self.note.set_note(None)

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme().lower() in OPENABLE_SCHEMES:
            self.link_activated.emit(url.toString())
        elif not url.scheme() and url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())
