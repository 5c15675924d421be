"""The transfer queue as a Qt table: the queue owns the data, this only adapts it.

Like qutebrowser's DownloadModel: the queue's insert/change/remove events become
beginInsertRows/dataChanged/…, and progress is repainted on a timer (500 ms), never
per chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import IntEnum

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)

from satchel.domain import units
from satchel.domain.errors import SignInRequired
from satchel.models.read_only_table import Index, ReadOnlyTableModel
from satchel.models.workspace_changes import WorkspaceChanges
from satchel.transfers.events import Totals, TransferListener
from satchel.transfers.items import Direction, State, TransferItem
from satchel.transfers.queue import TransferQueue

REPAINT_MS = 500
#: How the journal names an item that failed because its account must sign in again.
_SIGN_IN_KIND = SignInRequired.__name__


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
        #: Whether an account must sign in again; the workspace's answer once `follow`ed.
        self._needs_sign_in: Callable[[str], bool] = lambda _account: False

    def follow(self, changes: WorkspaceChanges, needs_sign_in: Callable[[str], bool]) -> None:
        """Answer the workspace's events: an account that must sign in again has its
        waiting rows say so (and, once signed in, offer Retry); a changed card's rows
        are shown afresh."""
        self._needs_sign_in = needs_sign_in
        changes.sign_in_required.connect(self._on_changes_account_changed)
        changes.signed_in.connect(self._on_changes_account_changed)
        changes.card_changed.connect(self._on_changes_card_changed)

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
            return f"{item.name}\n{item.direction.value} {where}\n{self.status(item)}"
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
            return self.status(item)
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

    def status(self, item: TransferItem) -> str:
        """The item's own status, unless its account's sign-in holds it up."""
        stopped = item.state is State.FAILED and item.error_kind == _SIGN_IN_KIND
        if not (stopped or item.state is State.QUEUED):
            return item.status_text
        if self._needs_sign_in(item.account):
            return f"waiting for sign-in to {item.account}"
        return "stopped for sign-in: Retry to go on" if stopped else item.status_text

    # --- from the workspace ------------------------------------------------------------------

    def _repaint_where(self, wanted: Callable[[TransferItem], bool]) -> None:
        rows = [row for row, item in enumerate(self.queue) if wanted(item)]
        if rows:
            last = len(TransferColumn) - 1
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))

    def _on_changes_account_changed(self, account: str) -> None:
        self._repaint_where(lambda item: item.account == account)

    def _on_changes_card_changed(self, account: str, card_id: str) -> None:
        self._repaint_where(lambda item: item.account == account and item.card_id == card_id)

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
