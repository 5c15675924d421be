"""What a person can do with an attachment: preview, open, save, copy links, delete.

Every action resolves links when used (through the account's LinkCache, which hands
out a link only while it has at least 60 s left) and runs on the TaskRunner, so the
window never waits on the network.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from satchel import settings
from satchel.domain import units
from satchel.domain.addresses import is_openable_link
from satchel.domain.errors import SatchelError, SignInRequired
from satchel.domain.file_kinds import PreviewKind, extension, file_kind
from satchel.domain.file_names import terminal_text
from satchel.domain.model import Attachment
from satchel.models.task_runner import TaskRunner
from satchel.models.thumbnails import PANE_SIZE, ThumbnailCache
from satchel.ui.plain_text import ask
from satchel.ui.preview import PreviewPane
from satchel.ui.preview_answers import PreviewAnswers
from satchel.workspace.content import ContentService

UrlOpener = Callable[[QUrl], bool]
#: Asked before a file that may run opens: (the attachment, why to think twice) -> go ahead?
OpenConfirmer = Callable[[Attachment, str], bool]
T = TypeVar("T")


def _until(expires_at: datetime) -> str:
    minutes = max(0, int((expires_at - datetime.now(UTC)).total_seconds() // 60))
    local = expires_at.astimezone().strftime("%H:%M")
    return f"{local} (about {minutes} min)"


class AttachmentCommands(QObject):
    #: A short note for the status bar ("Link copied…").
    told = Signal(str)

    def __init__(
        self,
        content: ContentService,
        runner: TaskRunner,
        pane: PreviewPane,
        open_url: UrlOpener = QDesktopServices.openUrl,
        parent: QObject | None = None,
        *,
        thumbnails: ThumbnailCache | None = None,
    ) -> None:
        super().__init__(parent)
        self._content = content
        self._runner = runner
        self._pane = pane
        self._thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.thumbnail_ready.connect(self._on_thumbnails_thumbnail_ready)
        self.open_url = open_url
        self.confirm_open: OpenConfirmer = self._ask_before_opening
        #: Bigger files are not fetched for a preview until the person asks (a setting).
        self.preview_limit = settings.PREVIEW_MAX_MB.default * 1_000_000
        self._preview_task: asyncio.Task[Path] | None = None
        self._previewing: tuple[str, Attachment] | None = None
        #: The file "Preview anyway" fetched outside the cache, deleted when left.
        self._uncached: Path | None = None
        pane.cancel_requested.connect(self.cancel_preview)
        pane.retry_requested.connect(self._on_pane_retry_requested)
        pane.open_requested.connect(self._on_pane_open_requested)
        pane.open_url_requested.connect(self.open_link)
        pane.preview_requested.connect(self._on_pane_preview_requested)
        self.answers = PreviewAnswers(self, content, runner, pane)

    @property
    def previewing(self) -> tuple[str, Attachment] | None:
        return self._previewing

    # --- preview ---------------------------------------------------------------------------

    def preview(self, account: str, attachment: Attachment, *, anyway: bool = False) -> None:
        """Fetch what the preview needs: nothing for kinds the pane cannot show, nothing
        past `preview_limit` until the person asks with "Preview anyway" (`anyway`)."""
        self.cancel_preview()
        self._let_go_uncached()
        self._previewing = (account, attachment)
        if attachment.is_link or attachment.size is None:
            self._pane.show_facts(attachment)
            return
        if self._content.workspace.needs_sign_in(account):  # a fetch would only fail
            self._pane.show_sign_in(attachment, account)
            return
        kind = file_kind(attachment.local_name, attachment.content_type)
        if not anyway and kind.preview is PreviewKind.FACTS:
            self._pane.show_facts(attachment)
            return
        if not anyway and attachment.size > self.preview_limit:
            self._pane.show_facts(
                attachment,
                f"At {units.human_size(attachment.size)} this file is bigger than the "
                f"{units.human_size(self.preview_limit)} Satchel previews by itself.",
                offer_preview=True,
            )
            return
        self._pane.show_loading(attachment)
        if attachment.size > self.preview_limit:  # past the cache's business: see fetch_uncached
            fetch = self._content.fetch_uncached(account, attachment, self._pane.set_progress)
            on_done = self._on_uncached_fetched
        else:
            fetch = self._content.fetch(account, attachment, self._pane.set_progress)
            on_done = self._on_fetched
        self._preview_task = self._runner.run(
            fetch,
            f"Fetching {attachment.name}",
            on_done=lambda path: on_done(attachment, path),
            on_error=lambda error: self._on_preview_failed(account, attachment, error),
        )
        self._show_placeholder()

    def _on_fetched(self, attachment: Attachment, path: Path) -> None:
        self._pane.show_file(attachment, path)

    def _on_uncached_fetched(self, attachment: Attachment, path: Path) -> None:
        self._uncached = path
        self._pane.show_file(attachment, path)

    def _let_go_uncached(self) -> None:
        path, self._uncached = self._uncached, None
        if path is not None:
            self._content.let_go(path)

    def cancel_preview(self) -> None:
        task, self._preview_task = self._preview_task, None
        if task is not None and not task.done():
            task.cancel()
            if self._previewing is not None:
                self._pane.show_facts(self._previewing[1])

    def clear_preview(self) -> None:
        self.cancel_preview()
        self.forget_preview()
        self._pane.show_nothing()

    def forget_preview(self) -> None:
        """Nothing is previewed any more (the pane is told by the caller)."""
        self._previewing = None
        self._let_go_uncached()

    def _on_preview_failed(self, account: str, attachment: Attachment, error: SatchelError) -> bool:
        if isinstance(error, SignInRequired):
            self._pane.show_sign_in(attachment, account)
            self._signed_out(account)
        else:
            self._pane.show_error(attachment, error.message)
        return True  # shown in the pane, where the person is looking

    def _show_placeholder(self) -> None:
        """The service's larger preview of the file loading, if it has one (else asked for)."""
        task, previewing = self._preview_task, self._previewing
        if self._thumbnails is None or previewing is None or task is None or task.done():
            return
        account, attachment = previewing
        if not attachment.previews or self._pane.attachment is not attachment:
            return
        path = self._thumbnails.preview_path(account, attachment, PANE_SIZE)
        if path is not None:
            self._pane.set_placeholder_image(path)

    def _on_thumbnails_thumbnail_ready(self, account: str, attachment_id: str) -> None:
        previewing = self._previewing
        if previewing is not None and (previewing[0], previewing[1].id) == (account, attachment_id):
            self._show_placeholder()

    def _on_pane_retry_requested(self) -> None:
        if self._previewing is not None:
            self.preview(*self._previewing)

    def _on_pane_preview_requested(self, attachment: Attachment) -> None:
        if self._previewing is not None and self._previewing[1] is attachment:
            self.preview(self._previewing[0], attachment, anyway=True)

    def _on_pane_open_requested(self, attachment: Attachment) -> None:
        if self._previewing is not None:
            self.open(self._previewing[0], attachment)

    # --- open, save ------------------------------------------------------------------------

    def open(self, account: str, attachment: Attachment) -> None:
        """With the default app: links in the browser, files from the cache.

        Documents of kinds whose apps only show them open at once; anything that might
        run (a program, a script, a shortcut, an unknown kind) asks first.
        """
        if attachment.link_url:
            self.open_link(attachment.link_url)
            return
        kind = file_kind(attachment.local_name, attachment.content_type)
        if not kind.safe_to_open and not self.confirm_open(attachment, _risk(attachment)):
            return

        def opened(path: Path) -> None:
            if not self.open_url(QUrl.fromLocalFile(str(path))):
                self.told.emit(f"No app is set up to open {attachment.name}; it is at {path}")

        self._run(
            account, self._content.fetch(account, attachment), f"Opening {attachment.name}", opened
        )

    def open_link(self, url: str) -> None:
        """A web page or an e-mail address opens; any other link (file:, smb:, a UNC path,
        ms-msdt:, a custom scheme) is only told, never handed to the desktop."""
        if is_openable_link(url):
            self.open_url(QUrl(url))
        else:
            self.told.emit(
                f"Satchel does not open “{terminal_text(url)}”: only web pages (https, http) "
                "and e-mail addresses open from here. Copy it if you trust where it leads."
            )

    def _ask_before_opening(self, attachment: Attachment, risk: str) -> bool:
        buttons = QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel
        answer = ask(
            self._pane.window(),
            "Open this file?",
            risk,
            buttons,
            QMessageBox.StandardButton.Cancel,
            QMessageBox.Icon.Warning,
        )
        return answer == QMessageBox.StandardButton.Open

    def save_as(self, account: str, attachment: Attachment, dest: Path) -> None:
        self._run(
            account,
            self._content.save_as(account, attachment, dest),
            f"Saving {attachment.name}",
            lambda p: self.told.emit(f"Saved {p}"),
        )

    # --- links -----------------------------------------------------------------------------

    def copy_link(self, account: str, attachment: Attachment) -> None:
        """A fresh presigned link on the clipboard, and until when it works."""
        try:
            shared = self._content.shared_page(account, attachment)
        except SatchelError as error:
            self._runner.failed.emit(error)
            return
        if shared is not None:  # no temporary link exists (Productive): the task's own page
            page, service = shared
            QGuiApplication.clipboard().setText(page)
            self.told.emit(
                f"Link to the task of {attachment.name} copied; it opens in {service} "
                "for people who have access to the task."
            )
            return

        def copied(result: tuple[str, datetime]) -> None:
            url, expires_at = result
            QGuiApplication.clipboard().setText(url)
            self.told.emit(
                f"Link to {attachment.name} copied; it works until {_until(expires_at)}."
            )

        self._run(
            account,
            self._content.fresh_link(account, attachment),
            f"Getting a link to {attachment.name}",
            copied,
        )

    def copy_permanent_link(self, account: str, attachment: Attachment) -> None:
        try:
            url = self._content.permanent_link(account, attachment)
        except SatchelError as error:
            self._runner.failed.emit(error)
            return
        QGuiApplication.clipboard().setText(url)
        self.told.emit(
            f"Permanent link to {attachment.name} copied; it asks whoever opens it to sign in."
        )

    # --- delete ----------------------------------------------------------------------------

    def delete(self, account: str, attachment: Attachment) -> None:
        def removed(_none: None) -> None:
            if self._previewing and self._previewing[1].id == attachment.id:
                self.clear_preview()
            self.told.emit(f"Deleted {attachment.name}.")

        self._run(
            account,
            self._content.delete(account, attachment),
            f"Deleting {attachment.name}",
            removed,
        )

    # --- plumbing --------------------------------------------------------------------------

    def _run(
        self,
        account: str,
        work: Coroutine[Any, Any, T],
        label: str,
        on_done: Callable[[T], None],
    ) -> None:
        def failed(error: SatchelError) -> bool:
            if isinstance(error, SignInRequired):
                self._signed_out(account)
            return False  # the window's error bar tells it

        self._runner.run(work, label, on_done=on_done, on_error=failed)

    def _signed_out(self, account: str) -> None:
        self._content.workspace.mark_signed_out(account)  # the window and the tree answer it


def _risk(attachment: Attachment) -> str:
    """Why to think twice, naming the extension the desktop will go by."""
    name = attachment.local_name
    ext = extension(name)
    what = f"a {file_kind(name).type_name} (.{ext})" if ext else "a file with no extension"
    return (
        f"“{name}” is {what}. Opening it may run it as a program on this computer. "
        "Open it only if you trust who attached it and expected this kind of file."
    )


def _ignore(_done: int, _total: int) -> None:
    pass
