"""The transfer queue as a Qt table: the queue owns the data, this only adapts it.

Like qutebrowser's DownloadModel: the queue's insert/change/remove events become
beginInsertRows/dataChanged/…, and progress is repainted on a timer (500 ms), never
per chunk.
"""

from __future__ import annotations

import time
from enum import IntEnum

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)

from satchel.domain import units
from satchel.models.read_only_table import Index, ReadOnlyTableModel
from satchel.transfers.events import Totals, TransferListener
from satchel.transfers.items import Direction, State, TransferItem
from satchel.transfers.queue import TransferQueue

REPAINT_MS = 500


class TransferColumn(IntEnum):
    NAME = 0
    STATUS = 1
    PROGRESS = 2
    SIZE = 3
    SPEED = 4
    TIME_LEFT = 5


class TransferRole(IntEnum):
    ITEM = Qt.ItemDataRole.UserRole + 1
    FRACTION = Qt.ItemDataRole.UserRole + 2  # 0.0 … 1.0 for the progress delegate
    STATE = Qt.ItemDataRole.UserRole + 3


_HEADERS = {
    TransferColumn.NAME: "Name",
    TransferColumn.STATUS: "Status",
    TransferColumn.PROGRESS: "Progress",
    TransferColumn.SIZE: "Size",
    TransferColumn.SPEED: "Speed",
    TransferColumn.TIME_LEFT: "Time left",
}


def human_bytes(size: float) -> str:
    return units.human_size(size)


def human_seconds(seconds: float | None) -> str:
    return "—" if seconds is None else units.human_duration(seconds)


class _Bridge(TransferListener):
    """Queue events → model calls (a plain listener: the queue knows no Qt)."""

    def __init__(self, model: TransferListModel) -> None:
        self._model = model

    def about_to_insert(self, row: int, count: int) -> None:
        self._model.beginInsertRows(QModelIndex(), row, row + count - 1)

    def inserted(self, row: int, count: int) -> None:
        self._model.endInsertRows()
        self._model.refresh_totals()

    def changed(self, row: int, item: TransferItem) -> None:
        self._model.item_changed(row, item)

    def about_to_remove(self, row: int, item: TransferItem) -> None:
        self._model.beginRemoveRows(QModelIndex(), row, row)

    def removed(self, row: int, item: TransferItem) -> None:
        self._model.endRemoveRows()
        self._model.refresh_totals()

    def round_finished(self, totals: Totals) -> None:
        self._model.round_finished.emit(totals)


class TransferListModel(ReadOnlyTableModel):
    #: The whole queue's progress, on the repaint timer and on every change.
    totals_changed = Signal(object)  # Totals
    #: Everything queued since the queue was last idle is finished.
    round_finished = Signal(object)  # Totals

    def __init__(self, queue: TransferQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self._bridge = _Bridge(self)
        queue.add_listener(self._bridge)
        self._timer = QTimer(self, interval=REPAINT_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def detach(self) -> None:
        self._timer.stop()
        self.queue.remove_listener(self._bridge)

    # --- Qt model ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.queue)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TransferColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[TransferColumn(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.queue):
            return None
        item = self.queue[index.row()]
        column = TransferColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            where = (
                f"to card {item.card_id}"
                if item.direction is Direction.UPLOAD
                else f"to {item.local_path}"
            )
            return f"{item.name}\n{item.direction.value} {where}\n{item.status_text}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            TransferColumn.SIZE, TransferColumn.SPEED, TransferColumn.TIME_LEFT
        ):  # fmt: skip
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == TransferRole.ITEM:
            return item
        if role == TransferRole.FRACTION:
            return item.fraction
        if role == TransferRole.STATE:
            return item.state.value
        return None

    def _text(self, item: TransferItem, column: TransferColumn) -> str:
        now = time.monotonic()
        if column is TransferColumn.NAME:
            arrow = "↑" if item.direction is Direction.UPLOAD else "↓"
            return f"{arrow} {item.name}"
        if column is TransferColumn.STATUS:
            return item.status_text
        if column is TransferColumn.PROGRESS:
            return f"{item.fraction:.0%}"
        if column is TransferColumn.SIZE:
            return human_bytes(item.total_bytes) if item.size is not None else "—"
        if column is TransferColumn.SPEED:
            speed = item.speed(now)
            return f"{human_bytes(speed)}/s" if speed > 0 else ""
        if item.state is State.ACTIVE:
            return human_seconds(item.time_left(now))
        return ""

    # --- from the queue ----------------------------------------------------------------------

    def item_at(self, row: int) -> TransferItem:
        return self.queue[row]

    def item_changed(self, row: int, item: TransferItem) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(TransferColumn) - 1))
        self.refresh_totals()

    def refresh_totals(self) -> None:
        self.totals_changed.emit(self.queue.totals())

    def _on_timer_timeout(self) -> None:
        active = [row for row, item in enumerate(self.queue) if item.state is State.ACTIVE]
        if active:
            first, last = min(active), max(active)
            self.dataChanged.emit(
                self.index(first, TransferColumn.PROGRESS),
                self.index(last, TransferColumn.TIME_LEFT),
            )
            self.refresh_totals()
