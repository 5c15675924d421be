"""The card picker: which card do these files go to? One search box over every account's
boards, lists and cards, most recently changed first; Enter or Attach queues the files."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from satchel.models.card_search import CardSearchFilter, CardSearchModel
from satchel.workspace import Workspace

_RESULT_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)


def _files_text(files: list[Path]) -> str:
    names = [f"“{path.name}”" for path in files[:3]]
    more = f" and {len(files) - 3} more" if len(files) > 3 else ""
    noun = "file" if len(files) == 1 else f"{len(files)} files"
    return f"Attach {noun} {', '.join(names)}{more} to which card?"


class CardPickerDialog(QDialog):
    #: The person chose a card: (account name, card id, the files).
    card_chosen = Signal(str, str, list)

    def __init__(self, workspace: Workspace, files: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Attach to a Card")
        self.setAccessibleName("Attach to a card")
        self.setAccessibleDescription("Choose the card the opened files are uploaded to")
        self.files = list(files)
        self.model = CardSearchModel(workspace, self)
        self.proxy = CardSearchFilter(self)
        self.proxy.setSourceModel(self.model)
        self.heading = QLabel(_files_text(self.files), wordWrap=True)
        self.search = QLineEdit(placeholderText="Search boards, lists and cards")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search cards")
        self.search.setAccessibleDescription(
            "Type words from the card's, list's, board's or account's name"
        )
        self.view = QTreeView(rootIsDecorated=False, uniformRowHeights=True)
        self.view.setModel(self.proxy)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAccessibleName("Cards")
        self.view.setAccessibleDescription("Every card, the most recently changed first")
        self.view.setColumnWidth(0, 260)
        self.view.setColumnWidth(1, 300)
        self.status = QLabel("Loading cards…")
        self.status.setAccessibleName("Card search status")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)  # Enter never cancels: it attaches
        cancel.setAccessibleName("Cancel")
        cancel.setAccessibleDescription("Close without uploading the files")
        self.attach_button = buttons.addButton("Attach", QDialogButtonBox.ButtonRole.AcceptRole)
        self.attach_button.setAccessibleName("Attach")
        self.attach_button.setAccessibleDescription("Upload the files to the chosen card")
        self.attach_button.setDefault(True)
        self.attach_button.setEnabled(False)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(720, 460)

        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.installEventFilter(self)
        self.view.doubleClicked.connect(lambda _index: self._on_buttons_accepted())
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)
        self.model.rowsInserted.connect(self._on_model_rows_inserted)
        self.model.account_failed.connect(self._on_model_account_failed)
        self.model.finished.connect(self._update_status)
        self._problems: list[str] = []
        self._loading: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Show the picker and walk the accounts (a task, cancelled when it closes)."""
        self._loading = asyncio.ensure_future(self.model.load())
        self.open()
        self.search.setFocus()

    def add_files(self, files: list[Path]) -> None:
        """More files arrived (another "Open with") while the picker is open."""
        self.files += [path for path in files if path not in self.files]
        self.heading.setText(_files_text(self.files))

    def done(self, result: int) -> None:  # Qt override: every way the dialog closes
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
        super().done(result)

    def chosen(self) -> tuple[str, str] | None:
        return self.proxy.target(self.view.currentIndex())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        # Arrow keys in the search box move through the results, as in a launcher; Enter
        # attaches to the highlighted card.
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            if event.key() in _RESULT_KEYS:
                self.view.keyPressEvent(event)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_buttons_accepted()
                return True
        return super().eventFilter(watched, event)

    def _on_buttons_accepted(self) -> None:
        target = self.chosen()
        if target is None:
            return
        self.card_chosen.emit(target[0], target[1], self.files)
        self.accept()

    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.set_search_text(text)
        self._select_first()
        self._update_status()

    def _on_model_rows_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        self._select_first()
        self._update_status()

    def _select_first(self) -> None:
        """While the person types, the best (newest) match is the one Enter attaches to."""
        if self.proxy.rowCount() and (
            not self.view.currentIndex().isValid() or self.search.hasFocus()
        ):
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def _on_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.attach_button.setEnabled(current.isValid())

    def _on_model_account_failed(self, account: str, message: str) -> None:
        self._problems.append(f"{account}: {message}")
        self._update_status()

    def _update_status(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if self.model.loading:
            text = f"Loading cards… {total} so far."
        elif total == 0:
            text = "No card found in your accounts."
        elif shown == 0:
            text = f"No card matches “{self.search.text()}”."
        else:
            text = f"{shown} of {total} cards."
        self.status.setText(" ".join([text, *self._problems]))
        self.attach_button.setEnabled(self.view.currentIndex().isValid() and shown > 0)
