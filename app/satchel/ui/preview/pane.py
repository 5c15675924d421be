"""The preview pane: one page at a time, from "nothing selected" to a viewer for the file.

It only shows and forwards: whoever owns it fetches the file (through the content
cache) and calls `show_loading`, `set_progress`, `show_file` or `show_error`; what the
person asks for (cancel, try again, open) goes out as signals. A file that cannot be
shown becomes its facts with a note saying why, never an exception.

`show_file` decodes on a worker thread (images, text, JSON, Markdown's text, CSV) and
shows the result when it is ready; anything else the pane is told to show in the
meantime supersedes that decode, whose result is then dropped.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

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
from satchel.ui.preview.background import Background, Check, Ticket
from satchel.ui.preview.csv_view import CsvView
from satchel.ui.preview.decoding import (
    DecodedImage,
    DecodedTable,
    DecodedText,
    ImageDecodeError,
    decode_csv,
    decode_image,
    decode_json,
    decode_text,
)
from satchel.ui.preview.facts_view import FactsView
from satchel.ui.preview.image_view import ImageView
from satchel.ui.preview.pdf_view import PdfLoadError, PdfView
from satchel.ui.preview.status_views import EmptyView, ErrorView, LoadingView, SignInView
from satchel.ui.preview.text_source import NotText
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
    SIGN_IN = "sign_in"


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
    #: The file `show_file` was given is on its page (or its facts say why not), all of it.
    file_shown = Signal(object)  # Attachment
    #: "Sign in again…" for this account, from the sign-in page.
    sign_in_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPane")
        self._attachment: Attachment | None = None
        self._account: str | None = None  # the account the sign-in page asks for
        self._page = PreviewPage.EMPTY
        self._background = Background(self)
        self._decoding: Ticket | None = None

        self.empty_view = EmptyView()
        self.loading_view = LoadingView()
        self.error_view = ErrorView()
        self.image_view = ImageView()
        self.pdf_view = PdfView()
        self.text_view = TextView()
        self.markdown_view = MarkdownView()
        self.csv_view = CsvView()
        self.facts_view = FactsView()
        self.sign_in_view = SignInView()
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
            PreviewPage.SIGN_IN: self.sign_in_view,
        }
        for widget in dict.fromkeys(self._pages.values()):
            self._stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

        self.loading_view.cancel_clicked.connect(self._on_loading_cancel_clicked)
        self.text_view.filled.connect(self._on_text_view_filled)
        self.error_view.retry_clicked.connect(self.retry_requested)
        self.sign_in_view.sign_in_clicked.connect(self._on_sign_in_view_sign_in_clicked)
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

    @property
    def is_decoding(self) -> bool:
        """A file given to `show_file` is still being decoded or filled in."""
        return self._decoding is not None or self.text_view.is_filling

    # --- what the owner calls --------------------------------------------------------------

    def show_nothing(self) -> None:
        self._release()
        self._attachment = None
        self.empty_view.say()
        self._show_page(PreviewPage.EMPTY)

    def show_gone(self, attachment: Attachment) -> None:
        """The attachment left its card (deleted here or elsewhere): nothing to show."""
        self._release()
        self._attachment = None
        self.empty_view.say(f"“{attachment.name}” is no longer on its card.")
        self._show_page(PreviewPage.EMPTY)

    def show_sign_in(self, attachment: Attachment, account: str) -> None:
        """The account must sign in again: a prompt instead of a load that would fail."""
        self._release()
        self._attachment, self._account = attachment, account
        self.sign_in_view.show_account(attachment.name, account)
        self._show_page(PreviewPage.SIGN_IN)

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
        """Show the fetched file in the viewer its type calls for, decoded off the UI thread."""
        self._release()
        self._attachment = attachment
        kind = file_kind(attachment.local_name, attachment.content_type).preview
        if kind is PreviewKind.PDF:  # QtPdf reads pages as they are drawn: nothing to decode
            self._shown(attachment, kind, lambda: self._show_pdf(path))
            return
        job = self._decode_job(kind, attachment, path)
        if job is None:
            self.show_facts(attachment)
            self.file_shown.emit(attachment)
            return
        self.loading_view.start_opening(attachment.name)
        self._show_page(PreviewPage.LOADING)
        self._decoding = self._background.run(
            job,
            on_done=lambda decoded: self._shown(
                attachment, kind, lambda: self._show_decoded(kind, decoded)
            ),
            on_error=lambda error: self._shown(attachment, kind, lambda: _reraise(error)),
            low_priority=kind is PreviewKind.IMAGE,
        )

    # --- inside ----------------------------------------------------------------------------

    def _decode_job(
        self, kind: PreviewKind, attachment: Attachment, path: Path
    ) -> Callable[[Check], object] | None:
        """What a worker does with the file; None for kinds the pane shows as facts."""
        declared = charset(attachment.content_type)
        if kind is PreviewKind.IMAGE:
            box = self.image_view.fit_box()
            return lambda check: decode_image(_there(path), box, check)
        if kind in (PreviewKind.TEXT, PreviewKind.MARKDOWN):
            return lambda check: decode_text(_there(path), declared, check)
        if kind is PreviewKind.JSON:
            return lambda check: decode_json(_there(path), declared, check)
        if kind is PreviewKind.CSV:
            tab_separated = (
                extension(attachment.local_name) == "tsv"
                or media_type(attachment.content_type) == "text/tab-separated-values"
            )
            return lambda check: decode_csv(_there(path), tab_separated, check)
        return None

    def _show_decoded(self, kind: PreviewKind, decoded: Any) -> PreviewPage:
        attachment = self._attachment
        assert attachment is not None
        if isinstance(decoded, DecodedImage):
            self.image_view.show_image(decoded)
            return PreviewPage.IMAGE
        if isinstance(decoded, DecodedTable):
            self.csv_view.show_table(decoded.table, decoded.note)
            return PreviewPage.CSV
        assert isinstance(decoded, DecodedText)
        if kind is PreviewKind.MARKDOWN:
            self.markdown_view.show_markdown(decoded.text, decoded.note)
            return PreviewPage.MARKDOWN
        if kind is PreviewKind.JSON:
            self.text_view.show_text(decoded.text, monospace=True, note=decoded.note)
            return PreviewPage.JSON
        monospace = is_code(attachment.local_name, attachment.content_type)
        self.text_view.show_text(decoded.text, monospace=monospace, note=decoded.note)
        return PreviewPage.TEXT

    def _show_pdf(self, path: Path) -> PreviewPage:
        _there(path)
        self.pdf_view.load(path)
        return PreviewPage.PDF

    def _shown(
        self, attachment: Attachment, kind: PreviewKind, show: Callable[[], PreviewPage]
    ) -> None:
        """Put the decoded file on its page, or say why it cannot be."""
        self._decoding = None
        try:
            page = show()
        except (ImageDecodeError, PdfLoadError, NotText, csv.Error, ValueError) as error:
            log.info("cannot preview %s as %s: %s", attachment.name, kind, error)
            self.show_facts(attachment, f"This file cannot be previewed: {error}.")
        except (RecursionError, MemoryError):
            self.show_facts(attachment, "This file is too large or too complex to preview.")
        except OSError as error:
            self.show_error(
                attachment,
                f"The copy fetched for the preview could not be read "
                f"({error.strerror or type(error).__name__}). Try again.",
            )
        else:
            self._show_page(page)
            if self.text_view.is_filling:
                return  # file_shown once the text is all in
        self.file_shown.emit(attachment)

    def _show_page(self, page: PreviewPage) -> None:
        focus = QApplication.focusWidget()
        had_focus = focus is not None and self.isAncestorOf(focus)
        self._page = page
        widget = self._pages[page]
        self._stack.setCurrentWidget(widget)
        if had_focus:
            widget.setFocus()

    def _release(self) -> None:
        """Let go of the shown file's memory (a decoded image, an open PDF), and of a
        decode under way: whatever it makes now is dropped."""
        if self._decoding is not None:
            self._decoding.cancel()
            self._decoding = None
        self.image_view.clear()
        self.pdf_view.clear()
        self.text_view.clear()
        self.markdown_view.clear()
        self.csv_view.clear()

    def _on_sign_in_view_sign_in_clicked(self) -> None:
        if self._account is not None:
            self.sign_in_requested.emit(self._account)

    def _on_loading_cancel_clicked(self) -> None:
        if self._decoding is not None and self._attachment is not None:
            self.show_facts(self._attachment)  # stops the decode; the owner has no part in it
        else:
            self.cancel_requested.emit()

    def _on_text_view_filled(self) -> None:
        if self._attachment is not None and self._page in (PreviewPage.TEXT, PreviewPage.JSON):
            self.file_shown.emit(self._attachment)

    def _on_facts_preview_clicked(self) -> None:
        if self._attachment is not None:
            self.preview_requested.emit(self._attachment)

    def _on_facts_open_clicked(self) -> None:
        if self._attachment is not None:
            self.open_requested.emit(self._attachment)


def _there(path: Path) -> Path:
    """A copy gone from the cache is worth a retry (OSError), not a "damaged file"."""
    path.stat()
    return path


def _reraise(error: BaseException) -> PreviewPage:
    raise error
