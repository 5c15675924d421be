"""The account tree: keyboard and context menu turned into plain requests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from satchel.ui.accessible import described

#: Why files cannot land on this row, or None when they can.
DropPolicy = Callable[[QModelIndex], str | None]


def local_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class BoardTreeView(QTreeView):
    #: Space: show or hide the preview of the current item.
    preview_toggled = Signal()
    #: Enter / Return / double-click on an item.
    open_requested = Signal(QModelIndex)
    #: Right click or the Menu key, at this viewport position.
    menu_requested = Signal(QModelIndex, QPoint)
    #: Local files were dropped on this row, which the drop policy accepted.
    files_dropped = Signal(QModelIndex, list)
    #: A drop that cannot land here, and why.
    drop_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformRowHeights(True)  # keeps 5,000-row lists fast
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # service order until asked
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAllColumnsShowFocus(True)
        self.setAlternatingRowColors(True)
        self.setExpandsOnDoubleClick(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.doubleClicked.connect(self._on_double_clicked)
        described(
            self,
            "Accounts, boards, lists, cards and attachments",
            "Expand a row to load what it holds; Space previews a file, Enter opens it",
        )
        self.setAcceptDrops(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDropIndicatorShown(True)
        self.drop_policy: DropPolicy = lambda _index: "Files cannot be dropped here."
        #: What dragging this row out offers (attachments and cards), or None.
        self.drag_source: Callable[[QModelIndex], QMimeData | None] = lambda _index: None
        self._hinted = QPersistentModelIndex()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        index = self.currentIndex()
        if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.preview_toggled.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            self.open_requested.emit(index)
            return
        if event.key() == Qt.Key.Key_Menu and index.isValid():
            self.menu_requested.emit(index, self.visualRect(index).center())
            return
        super().keyPressEvent(event)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if self.model().hasChildren(index):
            self.setExpanded(index, not self.isExpanded(index))
        else:
            self.open_requested.emit(index)

    def _on_context_menu_requested(self, position: QPoint) -> None:
        index = self.indexAt(position)
        if index.isValid():
            self.menu_requested.emit(index, position)

    # --- dragging out --------------------------------------------------------------------------

    def startDrag(self, supportedActions: Qt.DropAction) -> None:  # Qt override
        index = self.currentIndex()
        mime = self.drag_source(index) if index.isValid() else None
        if mime is None:
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QIcon):
            drag.setPixmap(icon.pixmap(32, 32))
        drag.exec(Qt.DropAction.CopyAction)

    # --- dropping files ------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # Qt override
        if event.source() is self:  # our own drag out: never uploaded back
            event.ignore()
        elif local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # Qt override
        if event.source() is self:
            event.ignore()
            return
        index = self.indexAt(event.position().toPoint())
        reason = self.drop_policy(index) if index.isValid() else "Drop files on a card."
        if local_paths(event) and reason is None:
            event.acceptProposedAction()
            return
        event.ignore()
        if reason and index != self._hinted:  # say why once per row, not per mouse move
            self._hinted = QPersistentModelIndex(index)
            self.drop_refused.emit(reason)

    def dropEvent(self, event: QDropEvent) -> None:  # Qt override
        if event.source() is self:
            event.ignore()
            return
        paths = local_paths(event)
        index = self.indexAt(event.position().toPoint())
        if not paths:
            event.ignore()
            return
        reason = self.drop_policy(index) if index.isValid() else "Drop files on a card."
        event.acceptProposedAction()
        if reason is None:
            self.files_dropped.emit(index, paths)
        else:
            self.drop_refused.emit(reason)
