"""Text, JSON (pretty-printed by the pane) and Markdown: read-only, noting what is left out."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFontDatabase, QTextCursor, QTextDocument
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QTextBrowser, QWidget

from satchel.domain.addresses import OPENABLE_SCHEMES
from satchel.ui.accessible import described
from satchel.ui.preview.viewer_controls import NoteLabel, toolbar_over

#: Room between the pane's edge and the text, in pixels.
TEXT_MARGIN = 10
#: Text goes into the editor this much at a time, one slice per turn of the event loop:
#: a whole MiB at once lays out for 0.1-0.2 s, a slice in a few ms.
SLICE_CHARS = 16 * 1024
_READ_ONLY_FLAGS = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


class TextView(QWidget):
    """Plain text; monospace and unwrapped for code, wrapped for prose. Long text goes in
    slice by slice, the top first, so the window never waits for all of it."""

    #: All of the text is in the editor.
    filled = Signal()

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
        self.editor.setUndoRedoEnabled(False)  # read-only: no undo history to keep
        self._proportional = self.editor.font()
        self._monospace = False
        self._pending = ""
        self._at = 0
        self._fill_timer = QTimer(self, interval=0)
        self._fill_timer.timeout.connect(self._on_fill_timer_timeout)
        toolbar_over(self, self.note, self.editor)

    def show_text(self, text: str, *, monospace: bool, note: str | None = None) -> None:
        if monospace:
            self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        else:
            self.editor.setFont(self._proportional)
            self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._monospace = monospace
        self._stop_filling()
        self.editor.clear()
        self.note.set_note(note)
        self._pending, self._at = text, 0
        self._on_fill_timer_timeout()  # the top at once
        if self.is_filling:
            self._fill_timer.start()

    @property
    def is_filling(self) -> bool:
        return self._at < len(self._pending)

    def text(self) -> str:
        return self.editor.toPlainText()

    def is_monospace(self) -> bool:
        return self._monospace

    def clear(self) -> None:
        self._stop_filling()
        self.editor.clear()
        self.note.set_note(None)

    def _stop_filling(self) -> None:
        self._fill_timer.stop()
        self._pending, self._at = "", 0

    def _on_fill_timer_timeout(self) -> None:
        text, start = self._pending, self._at
        # Whole lines where there are some (a slice is then blocks of its own); a very
        # long line is cut, its next slice appended to the same block.
        end = text.find("\n", start + SLICE_CHARS, start + 8 * SLICE_CHARS) + 1
        if end <= 0:
            end = start + SLICE_CHARS
            if text[end - 1 : end] == "\r":
                end += 1  # never between the \r and \n of one line break
        cursor = QTextCursor(self.editor.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text[start:end])
        self._at = end
        if not self.is_filling:
            self._stop_filling()
            self.filled.emit()


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
        toolbar_over(self, self.note, self.browser)

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
