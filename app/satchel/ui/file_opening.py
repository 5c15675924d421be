"""Files opened with Satchel ("Open with", `satchel FILE…`, a second launch): bring the
window forward, ask which card, queue the files for it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QStatusBar, QWidget

from satchel.ui.upload_commands import UploadCommands
from satchel.workspace import Workspace

if TYPE_CHECKING:  # loaded when files are opened with Satchel, not at start-up
    from satchel.ui.card_picker import CardPickerDialog


class OpenedFiles(QObject):
    def __init__(
        self,
        window: QWidget,
        workspace: Workspace,
        uploads: UploadCommands,
        status: QStatusBar,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._workspace = workspace
        self._uploads = uploads
        self._status = status
        self.card_picker: CardPickerDialog | None = None

    def bring_to_front(self) -> None:
        """A second launch asked for the window: restore it and raise it."""
        window = self._window
        if window.isMinimized():
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()

    def receive_files(self, files: list[str]) -> None:
        """Files opened with Satchel: the card picker asks where they go."""
        self.bring_to_front()
        paths = [Path(name) for name in files]
        missing = [path.name for path in paths if not path.exists()]
        if missing:
            self._status.showMessage(f"Not found, so not attached: {', '.join(missing)}", 8000)
        present = [path for path in paths if path.exists()]
        if not present:
            return
        if self.card_picker is not None and self.card_picker.isVisible():
            self.card_picker.add_files(present)
            self.card_picker.raise_()
            return
        from satchel.ui.card_picker import CardPickerDialog

        self.card_picker = CardPickerDialog(self._workspace, present, self._window)
        self.card_picker.card_chosen.connect(self._on_card_picker_card_chosen)
        self.card_picker.start()

    def _on_card_picker_card_chosen(self, account: str, card_id: str, files: list[Path]) -> None:
        if self._uploads.upload_to(account, card_id, files):
            count = f"{len(files)} file{'s' * (len(files) != 1)}"
            self._status.showMessage(f"Queued {count} for the card.", 8000)
        else:
            self._status.showMessage("Uploads are not ready yet: open the files again.", 8000)
