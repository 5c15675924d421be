"""Uploads and downloads from the window, all through the one transfer queue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from satchel.domain.model import Attachment, Board, BoardList, Card
from satchel.models.task_runner import TaskRunner
from satchel.models.transfer_list import TransferListModel, human_bytes
from satchel.transfers.events import Totals
from satchel.transfers.expand import expand_folders, listed, total_size
from satchel.transfers.items import TransferItem
from satchel.transfers.queue import TransferQueue
from satchel.ui.transfers_panel import TransfersPanel

#: (title, question) -> yes?
Confirm = Callable[[str, str], bool]


class TransferCommands(QObject):
    #: A short note for the status bar.
    told = Signal(str)

    def __init__(
        self, queue: TransferQueue, runner: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.queue = queue
        self.runner = runner
        self.model = TransferListModel(queue, self)
        self.panel = TransfersPanel(self.model)
        self.tray: QSystemTrayIcon | None = None
        self.panel.cancel_requested.connect(
            lambda item: self._run(queue.cancel(item), "Cancelling")
        )
        self.panel.retry_requested.connect(lambda item: self._run(queue.retry(item), "Retrying"))
        self.panel.remove_requested.connect(lambda item: self._run(queue.remove(item), "Removing"))
        self.panel.clear_finished_requested.connect(
            lambda: self._run(queue.clear_finished(), "Clearing finished transfers")
        )
        self.panel.pause_all_requested.connect(lambda: self._run(queue.pause_all(), "Pausing"))
        self.panel.resume_all_requested.connect(lambda: self._run(queue.resume_all(), "Resuming"))
        self.model.round_finished.connect(self._on_model_round_finished)

    def _run(self, work, label: str) -> None:  # type: ignore[no-untyped-def]
        self.runner.run(work, label)

    def upload(self, account: str, card: Card | str, paths: list[Path], confirm: Confirm) -> bool:
        """Queue files (and the files of dropped folders, after asking) for the card."""
        found = expand_folders(paths)
        files, folders = found.files, found.folders
        if folders:
            names = ", ".join(f.name for f in folders[:3]) + ("…" if len(folders) > 3 else "")
            question = (
                f"Upload {len(files)} file{'s' * (len(files) != 1)} "
                f"({human_bytes(total_size(files))}) from {names}?"
            )
            if found.skipped:
                question += (
                    f"\n\nSkipped: {len(found.skipped)} link{'s' * (len(found.skipped) != 1)} "
                    f"to places outside the folder: {listed(found.skipped)}."
                )
            if not confirm("Upload folder", question):
                return False
        if not files:
            self.told.emit("There are no files in what was dropped.")
            return False
        card_id = card if isinstance(card, str) else card.id
        self.runner.run(
            self.queue.enqueue_uploads(account, card_id, files),
            f"Queueing {len(files)} files",
            on_done=lambda items: self._queued(items),
        )
        return True

    def save(self, account: str, attachment: Attachment, folder: Path) -> None:
        self.runner.run(
            self.queue.enqueue_download(account, attachment, folder), f"Saving {attachment.name}"
        )

    def download_all(self, account: str, node: Board | BoardList | Card, folder: Path) -> None:
        self.runner.run(
            self.queue.enqueue_download_all(account, node, folder),
            f"Listing the attachments of {node.name}",
            on_done=lambda items: self._queued(items),
        )

    def _queued(self, items: list[TransferItem]) -> None:
        self.told.emit(f"{len(items)} transfer{'s' * (len(items) != 1)} queued.")

    def _on_model_round_finished(self, totals: Totals) -> None:
        failed = totals.failed
        text = f"{totals.done} of {totals.items} transfers done" + (
            f", {failed} failed: see Transfers." if failed else "."
        )
        self.told.emit(text)
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if failed
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage("Satchel", text, icon, 8000)
