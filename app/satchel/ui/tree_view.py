"""The account tree: keyboard and context menu turned into plain requests."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget


class BoardTreeView(QTreeView):
    #: Space: show or hide the preview of the current item.
    preview_toggled = Signal()
    #: Enter / Return / double-click on an item.
    open_requested = Signal(QModelIndex)
    #: Right click or the Menu key, at this viewport position.
    menu_requested = Signal(QModelIndex, QPoint)

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
        self.setAccessibleName("Accounts, boards, lists, cards and attachments")

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
