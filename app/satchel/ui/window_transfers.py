"""The main window's part in transfers: drops, Upload Files…, Save As…, Download All…"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QLabel, QStatusBar

from satchel import paths
from satchel.domain.model import Account, Attachment, Board, BoardList, Card
from satchel.models.board_tree import BoardTreeModel
from satchel.ui.clipboard_files import files_to_attach
from satchel.ui.tree_view import local_paths
from satchel.workspace import Workspace

if TYPE_CHECKING:  # loaded after the window shows
    from satchel.transfers.events import Totals
    from satchel.ui.transfer_commands import TransferCommands


class WindowTransfersMixin:
    """Mixed into MainWindow, which provides what is declared here."""

    transfers: TransferCommands | None
    model: BoardTreeModel
    workspace: Workspace
    transfer_label: QLabel
    confirm: Callable[[str, str], bool]
    choose_folder: Callable[[str], str]
    choose_files: Callable[[str], list[str]]
    statusBar: Callable[[], QStatusBar]
    selected: Callable[[], tuple[str | None, object]]
    _source: Callable[[QModelIndex], QModelIndex]
    _on_sign_in_required: Callable[[str], None]

    @staticmethod
    def _card_of(node: object) -> str | None:
        if isinstance(node, Card):
            return node.id
        if isinstance(node, Attachment):
            return node.card_id
        return None

    def _drop_refusal(self, proxy_index: QModelIndex) -> str | None:
        index = self._source(proxy_index)
        node = self.model.node_at(index)
        if self.transfers is None:
            return "Uploads are not available here."
        if self._card_of(node) is not None:
            return None
        if isinstance(node, Account):
            return "Drop files on a card: an account holds boards, not files."
        if isinstance(node, Board):
            return "Drop files on a card: a board holds lists, not files."
        if isinstance(node, BoardList):
            return "Drop files on a card: a list holds cards, not files."
        return "Drop files on a card."

    def upload_to(self, account: str, card_id: str, paths: list[Path]) -> bool:
        if self.transfers is None:
            return False
        if self.workspace.needs_sign_in(account):
            self._on_sign_in_required(account)
        return self.transfers.upload(account, card_id, paths, self.confirm)

    def upload_files(self) -> None:
        account, node = self.selected()
        card_id = self._card_of(node)
        if account is None or card_id is None:
            return
        chosen = self.choose_files("Upload files to the card")
        if chosen:
            self.upload_to(account, card_id, [Path(p) for p in chosen])

    def paste_files(self) -> None:
        """Ctrl+V / Edit → Paste on a card or an attachment's preview: the clipboard's
        files, or its image as a PNG, go to that card through the queue."""
        account, node = self.selected()
        card_id = self._card_of(node)
        if account is None or card_id is None:
            self.statusBar().showMessage("Select a card (or one of its files) to paste into.", 6000)
            return
        try:
            files = files_to_attach(QGuiApplication.clipboard().mimeData(), paths.data_dir())
        except OSError as error:
            self.statusBar().showMessage(str(error), 8000)
            return
        if not files:
            self.statusBar().showMessage("The clipboard holds no files or image to attach.", 6000)
            return
        self.upload_to(account, card_id, files)

    def download_all(self) -> None:
        account, node = self.selected()
        if account is None or self.transfers is None:
            return
        if isinstance(node, Board | BoardList | Card):
            folder = self.choose_folder(f"Download the attachments of “{node.name}” into")
            if folder:
                self.transfers.download_all(account, node, Path(folder))

    def _on_tree_files_dropped(self, proxy_index: QModelIndex, paths: list[Path]) -> None:
        index = self._source(proxy_index)
        account, card_id = self.model.account_of(index), self._card_of(self.model.node_at(index))
        if account is not None and card_id is not None:
            self.upload_to(account, card_id, paths)

    def _on_pane_drag_event(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> None:
        """Drops on the preview go to the card being previewed (or the selected card)."""
        account, node = self.selected()
        card_id = self._card_of(node)
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
            self.transfer_label.setText(
                f"⇅ {totals.active} running{waiting} · {totals.done} of {totals.items} done · "
                f"{human_bytes(totals.done_bytes)} of {human_bytes(totals.total_bytes)}"
            )
        else:
            self.transfer_label.setText("")
