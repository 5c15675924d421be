"""The Transfers dock: every upload and download, its step, progress and outcome."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from satchel.models.transfer_list import (
    TransferColumn,
    TransferListModel,
    TransferRole,
    human_bytes,
    human_seconds,
)
from satchel.transfers.events import Totals
from satchel.transfers.items import TransferItem
from satchel.ui.accessible import described


class ProgressDelegate(QStyledItemDelegate):
    """A progress bar in the Progress column, drawn by the style (no widget per row)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if index.column() != TransferColumn.PROGRESS:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = int(float(index.data(TransferRole.FRACTION) or 0) * 1000)
        bar.text = str(index.data())
        bar.textVisible = True
        bar.state = option.state
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class TransfersPanel(QWidget):
    """Shows the model and forwards what the person asks for; the queue does the work."""

    cancel_requested = Signal(object)  # TransferItem
    retry_requested = Signal(object)
    remove_requested = Signal(object)
    clear_finished_requested = Signal()
    pause_all_requested = Signal()
    resume_all_requested = Signal()

    def __init__(self, model: TransferListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setItemDelegate(ProgressDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(TransferColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(TransferColumn.STATUS, 220)
        header.resizeSection(TransferColumn.PROGRESS, 140)
        described(
            self.view, "Transfers", "Uploads and downloads with their step, progress and speed"
        )
        self.setFocusProxy(self.view)  # Ctrl+T lands on the list, where Delete cancels

        self.summary = QLabel("No transfers. Drop files on a card to upload them.")
        self.cancel_button = described(
            QPushButton("&Cancel"),
            "Cancel",
            "Stop the selected transfers; nothing is left half-done",
        )
        self.retry_button = described(
            QPushButton("&Retry"), "Retry", "Try the selected failed transfers again"
        )
        self.remove_button = described(
            QPushButton("Re&move"), "Remove", "Take the selected finished transfers off the list"
        )
        self.clear_button = described(
            QPushButton("C&lear Finished"),
            "Clear finished",
            "Take every finished transfer off the list",
        )
        self.pause_button = described(
            QPushButton("&Pause All"), "Pause all", "Hold every waiting transfer, or let them go on"
        )
        self.pause_button.setCheckable(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.cancel_button, self.retry_button, self.remove_button,
                       self.clear_button, self.pause_button):  # fmt: skip
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.view)

        self.cancel_button.clicked.connect(lambda: self._each_selected(self.cancel_requested))
        self.retry_button.clicked.connect(lambda: self._each_selected(self.retry_requested))
        self.remove_button.clicked.connect(lambda: self._each_selected(self.remove_requested))
        self.clear_button.clicked.connect(self.clear_finished_requested)
        self.pause_button.toggled.connect(self._on_pause_button_toggled)
        model.totals_changed.connect(self.show_totals)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        model.dataChanged.connect(self._update_buttons)
        self._update_buttons()

    def selected_items(self) -> list[TransferItem]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.item_at(row) for row in rows]

    def _each_selected(self, signal: SignalInstance) -> None:
        for item in self.selected_items():
            signal.emit(item)

    def _update_buttons(self, *_args: object) -> None:
        items = self.selected_items()
        self.cancel_button.setEnabled(any(not i.finished for i in items))
        self.retry_button.setEnabled(any(i.state.value in ("failed", "cancelled") for i in items))
        self.remove_button.setEnabled(bool(items))

    def _on_pause_button_toggled(self, paused: bool) -> None:
        self.pause_button.setText("&Resume All" if paused else "&Pause All")
        (self.pause_all_requested if paused else self.resume_all_requested).emit()

    def show_totals(self, totals: Totals) -> None:
        if totals.items == 0:
            self.summary.setText("No transfers. Drop files on a card to upload them.")
            return
        parts = [f"{totals.done} of {totals.items} done"]
        if totals.failed:
            parts.append(f"{totals.failed} failed")
        if totals.unfinished:
            parts.append(f"{human_bytes(totals.done_bytes)} of {human_bytes(totals.total_bytes)}")
            if totals.speed > 0:
                parts.append(
                    f"{human_bytes(totals.speed)}/s, {human_seconds(totals.time_left)} left"
                )
        self.summary.setText(" · ".join(parts))

    def event(self, event: QEvent) -> bool:  # Qt override
        # Delete is this panel's cancel key: claimed before the window's Delete (which
        # deletes the tree's attachment) can take it as its shortcut.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Delete
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        if event.key() == Qt.Key.Key_Delete:
            self._each_selected(self.cancel_requested)
            return
        super().keyPressEvent(event)
