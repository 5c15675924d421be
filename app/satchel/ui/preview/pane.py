"""The preview pane: one page at a time, from "nothing selected" to a viewer for the file.

It only shows and forwards: whoever owns it fetches the file (through the content
cache) and calls `show_loading`, `set_progress`, `show_file` or `show_error`; what the
person asks for (cancel, try again, open) goes out as signals. A file that cannot be
shown becomes its facts with a note saying why, never an exception.
"""

from __future__ import annotations

import csv
import logging
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from satchel.domain.file_kinds import (
    PreviewKind,
    charset,
    extension,
    file_kind,
    is_code,
    media_type,
)
from satchel.domain.model import Attachment
from satchel.models.csv_table import COLUMN_CAP, CsvTable, read_csv
from satchel.ui.preview.csv_view import CsvView
from satchel.ui.preview.facts_view import FactsView
from satchel.ui.preview.image_view import ImageDecodeError, ImageView
from satchel.ui.preview.pdf_view import PdfLoadError, PdfView
from satchel.ui.preview.status_views import EmptyView, ErrorView, LoadingView
from satchel.ui.preview.text_source import NotText, capped_note, pretty_json, read_text
from satchel.ui.preview.text_views import MarkdownView, TextView

log = logging.getLogger(__name__)


class PreviewPage(StrEnum):
    """What the pane shows now."""

    EMPTY = "empty"
    LOADING = "loading"
    ERROR = "error"
    IMAGE = "image"
    PDF = "pdf"
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"
    FACTS = "facts"


def csv_note(table: CsvTable) -> str | None:
    """What a capped table leaves out."""
    left_out = []
    if table.truncated:
        left_out.append(f"the first {len(table.rows):,} rows")
    if table.columns_cut:
        left_out.append(f"the first {COLUMN_CAP:,} columns")
    if not left_out:
        return None
    return f"Showing {' and '.join(left_out)}; open the file to see it all."


class PreviewPane(QWidget):
    #: The person pressed Cancel on the loading page.
    cancel_requested = Signal()
    #: The person pressed "Try again" on the error page.
    retry_requested = Signal()
    #: "Open with default app" for this Attachment.
    open_requested = Signal(object)
    #: A link to open in the browser (a link attachment, or a link in Markdown).
    open_url_requested = Signal(str)
    #: "Preview anyway" for this Attachment (bigger than the automatic preview limit).
    preview_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPane")
        self._attachment: Attachment | None = None
        self._page = PreviewPage.EMPTY

        self.empty_view = EmptyView()
        self.loading_view = LoadingView()
        self.error_view = ErrorView()
        self.image_view = ImageView()
        self.pdf_view = PdfView()
        self.text_view = TextView()
        self.markdown_view = MarkdownView()
        self.csv_view = CsvView()
        self.facts_view = FactsView()
        self._stack = QStackedWidget(self)
        self._pages: dict[PreviewPage, QWidget] = {
            PreviewPage.EMPTY: self.empty_view,
            PreviewPage.LOADING: self.loading_view,
            PreviewPage.ERROR: self.error_view,
            PreviewPage.IMAGE: self.image_view,
            PreviewPage.PDF: self.pdf_view,
            PreviewPage.TEXT: self.text_view,
            PreviewPage.JSON: self.text_view,
            PreviewPage.MARKDOWN: self.markdown_view,
            PreviewPage.CSV: self.csv_view,
            PreviewPage.FACTS: self.facts_view,
        }
        for widget in dict.fromkeys(self._pages.values()):
            self._stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

        self.loading_view.cancel_clicked.connect(self.cancel_requested)
        self.error_view.retry_clicked.connect(self.retry_requested)
        self.facts_view.open_clicked.connect(self._on_facts_open_clicked)
        self.facts_view.open_url_clicked.connect(self.open_url_requested)
        self.facts_view.preview_clicked.connect(self._on_facts_preview_clicked)
        self.markdown_view.link_activated.connect(self.open_url_requested)
        self._show_page(PreviewPage.EMPTY)

    @property
    def attachment(self) -> Attachment | None:
        """The attachment the pane is about (None on the empty page)."""
        return self._attachment

    @property
    def page(self) -> PreviewPage:
        return self._page

    # --- what the owner calls --------------------------------------------------------------

    def show_nothing(self) -> None:
        self._release()
        self._attachment = None
        self._show_page(PreviewPage.EMPTY)

    def show_loading(self, attachment: Attachment) -> None:
        self._release()
        self._attachment = attachment
        self.loading_view.start(attachment.name, attachment.size)
        self._show_page(PreviewPage.LOADING)

    def set_placeholder_image(self, path: Path) -> None:
        """While loading: a preview image the service made, until the file itself is here."""
        if self._page is PreviewPage.LOADING:
            self.loading_view.set_placeholder_image(path)

    def set_progress(self, done: int, total: int) -> None:
        """Bytes fetched so far; a ProgressCallback, safe to call on every chunk."""
        self.loading_view.set_progress(done, total)

    def show_error(self, attachment: Attachment, message: str) -> None:
        self._release()
        self._attachment = attachment
        self.error_view.show_message(attachment.name, message)
        self._show_page(PreviewPage.ERROR)

    def show_facts(
        self, attachment: Attachment, note: str | None = None, *, offer_preview: bool = False
    ) -> None:
        """The facts; `offer_preview` adds "Preview anyway" (a file past the size limit)."""
        self._release()
        self._attachment = attachment
        self.facts_view.show_attachment(attachment, note, offer_preview=offer_preview)
        self._show_page(PreviewPage.FACTS)

    def show_file(self, attachment: Attachment, path: Path) -> None:
        """Show the fetched file in the viewer its type calls for."""
        self._release()
        self._attachment = attachment
        kind = file_kind(attachment.local_name, attachment.content_type).preview
        try:
            page = self._load(kind, attachment, path)
        except (ImageDecodeError, PdfLoadError, NotText, csv.Error, ValueError) as error:
            log.info("cannot preview %s as %s: %s", attachment.name, kind, error)
            self._release()
            self.show_facts(attachment, f"This file cannot be previewed: {error}.")
            return
        except (RecursionError, MemoryError):
            self._release()
            self.show_facts(attachment, "This file is too large or too complex to preview.")
            return
        except OSError as error:
            self._release()
            self.show_error(
                attachment,
                f"The copy fetched for the preview could not be read "
                f"({error.strerror or type(error).__name__}). Try again.",
            )
            return
        self._show_page(page)

    # --- inside ----------------------------------------------------------------------------

    def _load(self, kind: PreviewKind, attachment: Attachment, path: Path) -> PreviewPage:
        declared = charset(attachment.content_type)
        path.stat()  # a copy gone from the cache is worth a retry, not a "damaged file"
        if kind is PreviewKind.IMAGE:
            self.image_view.load(path)
            return PreviewPage.IMAGE
        if kind is PreviewKind.PDF:
            self.pdf_view.load(path)
            return PreviewPage.PDF
        if kind is PreviewKind.MARKDOWN:
            excerpt = read_text(path, declared)
            self.markdown_view.show_markdown(excerpt.text, capped_note(excerpt))
            return PreviewPage.MARKDOWN
        if kind is PreviewKind.JSON:
            text, note = pretty_json(read_text(path, declared))
            self.text_view.show_text(text, monospace=True, note=note)
            return PreviewPage.JSON
        if kind is PreviewKind.CSV:
            tab_separated = (
                extension(attachment.local_name) == "tsv"
                or media_type(attachment.content_type) == "text/tab-separated-values"
            )
            table = read_csv(path, tab_separated=tab_separated)
            note = csv_note(table)
            self.csv_view.show_table(table, note)
            return PreviewPage.CSV
        if kind is PreviewKind.TEXT:
            excerpt = read_text(path, declared)
            monospace = is_code(attachment.local_name, attachment.content_type)
            self.text_view.show_text(excerpt.text, monospace=monospace, note=capped_note(excerpt))
            return PreviewPage.TEXT
        self.facts_view.show_attachment(attachment)
        return PreviewPage.FACTS

    def _show_page(self, page: PreviewPage) -> None:
        focus = QApplication.focusWidget()
        had_focus = focus is not None and self.isAncestorOf(focus)
        self._page = page
        widget = self._pages[page]
        self._stack.setCurrentWidget(widget)
        if had_focus:
            widget.setFocus()

    def _release(self) -> None:
        """Let go of the shown file's memory (a decoded image, an open PDF)."""
        self.image_view.clear()
        self.pdf_view.clear()
        self.text_view.clear()
        self.markdown_view.clear()
        self.csv_view.clear()

    def _on_facts_preview_clicked(self) -> None:
        if self._attachment is not None:
            self.preview_requested.emit(self._attachment)

    def _on_facts_open_clicked(self) -> None:
        if self._attachment is not None:
            self.open_requested.emit(self._attachment)
