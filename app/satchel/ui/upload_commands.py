"""Files to and from cards from the window: drops on the tree or the preview, Upload
Files…, Paste, Save As…, Download All…, all through the transfer queue (TransferCommands)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QModelIndex, QObject
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QLabel, QStatusBar

from satchel import paths
from satchel.domain.errors import SatchelError
from satchel.domain.model import Account, Attachment, Board, BoardList, Card
from satchel.ui.attachment_commands import AttachmentCommands
from satchel.ui.clipboard_files import files_to_attach
from satchel.ui.drag_out import DragOutMimeData, Fetch
from satchel.ui.tree_view import local_paths
from satchel.ui.window_questions import Questions
from satchel.ui.window_selection import TreeSelection, card_of
from satchel.workspace import Workspace

if TYPE_CHECKING:  # loaded after the window shows
    from satchel.transfers.events import Totals
    from satchel.ui.transfer_commands import TransferCommands


class UploadCommands(QObject):
    def __init__(
        self,
        workspace: Workspace,
        selection: TreeSelection,
        *,
        ask: Questions,
        status: QStatusBar,
        transfer_label: QLabel,
        attachments: AttachmentCommands,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._attachments = attachments
        self._workspace = workspace
        self._selection = selection
        self._ask = ask
        self._status = status
        self._transfer_label = transfer_label
        #: The queue's commands, once the app has made the queue (after the window shows).
        self.transfers: TransferCommands | None = None

    def attach(self, transfers: TransferCommands) -> None:
        self.transfers = transfers
        transfers.model.totals_changed.connect(self._on_transfer_totals_changed)

    def drop_refusal(self, proxy_index: QModelIndex) -> str | None:
        """Why files cannot be dropped on this row, or None when they can."""
        _account, node = self._selection.at(proxy_index)
        if self.transfers is None:
            return "Uploads are not available here."
        if card_of(node) is not None:
            return None
        if isinstance(node, Account):
            return "Drop files on a card: an account holds boards, not files."
        if isinstance(node, Board):
            return "Drop files on a card: a board holds lists, not files."
        if isinstance(node, BoardList):
            return "Drop files on a card: a list holds cards, not files."
        return "Drop files on a card."

    def upload_to(self, account: str, card_id: str, files: list[Path]) -> bool:
        if self.transfers is None:
            return False
        if self._workspace.needs_sign_in(account):
            self._workspace.mark_signed_out(account)  # the window asks to sign in again
        return self.transfers.upload(account, card_id, files, self._ask.confirm)

    def upload_files(self) -> None:
        account, node = self._selection.current()
        card_id = card_of(node)
        if account is None or card_id is None:
            return
        chosen = self._ask.choose_files("Upload files to the card")
        if chosen:
            self.upload_to(account, card_id, [Path(p) for p in chosen])

    def paste_files(self) -> None:
        """Ctrl+V / Edit → Paste on a card or an attachment's preview: the clipboard's
        files, or its image as a PNG, go to that card through the queue."""
        account, node = self._selection.current()
        card_id = card_of(node)
        if account is None or card_id is None:
            self._status.showMessage("Select a card (or one of its files) to paste into.", 6000)
            return
        try:
            files = files_to_attach(QGuiApplication.clipboard().mimeData(), paths.pasted_dir())
        except OSError as error:
            self._status.showMessage(str(error), 8000)
            return
        if not files:
            self._status.showMessage("The clipboard holds no files or image to attach.", 6000)
            return
        self.upload_to(account, card_id, files)

    def drag_out_mime(self, proxy_index: QModelIndex) -> QMimeData | None:
        """What dragging this row to a file manager offers: an attachment's file, or a
        card's attachments in a folder named after it; fetched only at the drop."""
        account, node = self._selection.at(proxy_index)
        if account is None or self.transfers is None:
            return None
        if isinstance(node, Attachment) and not node.is_link:
            attachment = node
            fetch: Fetch = lambda: self._fetch_dragged(account, attachment)  # noqa: E731
        elif isinstance(node, Card):
            card = node
            fetch = lambda: self._fetch_dragged(account, card)  # noqa: E731
        else:
            return None
        return DragOutMimeData(fetch, lambda text: self._status.showMessage(text, 8000))

    async def _fetch_dragged(self, account: str, node: Attachment | Card) -> list[Path]:
        """Through the download queue (it shows in Transfers), into a fresh folder."""
        # Here, not at the top: the transfer modules load after the window shows.
        from satchel.transfers.items import State
        from satchel.transfers.naming import safe_local_name

        assert self.transfers is not None
        queue = self.transfers.queue
        staging = paths.drag_out_dir() / uuid.uuid4().hex  # the target copies it
        staging.mkdir(parents=True, mode=0o700)  # other people's files: this user's only
        if isinstance(node, Attachment):
            items = [await queue.enqueue_download(account, node, staging)]
            handed = [items[0].local_path]
        else:
            folder = staging / safe_local_name(node.name, "card")
            folder.mkdir(parents=True)
            items = await queue.enqueue_download_all(account, node, folder)
            handed = [folder]
        await queue.wait(items)
        failed = [item for item in items if item.state is not State.DONE]
        if failed:
            raise SatchelError(f"“{failed[0].name}” could not be fetched: {failed[0].error}")
        return handed

    def save_as(self, account: str, attachment: Attachment) -> None:
        if self.transfers is not None:  # through the queue: resumable, never overwrites
            folder = self._ask.choose_folder(f"Save “{attachment.local_name}” in")
            if folder:
                self.transfers.save(account, attachment, Path(folder))
            return
        chosen = self._ask.choose_save_path(attachment.local_name)
        if chosen:  # before the queue is there (start-up): straight to the file
            self._attachments.save_as(account, attachment, Path(chosen))

    def download_all(self) -> None:
        account, node = self._selection.current()
        if account is None or self.transfers is None:
            return
        if isinstance(node, Board | BoardList | Card):
            folder = self._ask.choose_folder(f"Download the attachments of “{node.name}” into")
            if folder:
                self.transfers.download_all(account, node, Path(folder))

    def on_tree_files_dropped(self, proxy_index: QModelIndex, files: list[Path]) -> None:
        account, node = self._selection.at(proxy_index)
        card_id = card_of(node)
        if account is not None and card_id is not None:
            self.upload_to(account, card_id, files)

    def on_pane_drag_event(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> None:
        """Drops on the preview go to the card being previewed (or the selected card)."""
        account, node = self._selection.current()
        card_id = card_of(node)
        if not local_paths(event) or account is None or card_id is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if type(event) is QDropEvent:  # not a move, which is a drop event too
            self.upload_to(account, card_id, local_paths(event))

    def _on_transfer_totals_changed(self, totals: Totals) -> None:
        from satchel.models.transfer_list import human_bytes

        if totals.unfinished:
            waiting = f", {totals.queued} waiting" if totals.queued else ""
            self._transfer_label.setText(
                f"⇅ {totals.active} running{waiting} · {totals.done} of {totals.items} done · "
                f"{human_bytes(totals.done_bytes)} of {human_bytes(totals.total_bytes)}"
            )
        else:
            self._transfer_label.setText("")
