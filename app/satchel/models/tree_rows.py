"""The board tree's rows: every change to its NodeTree, told to views the way Qt expects.

No row is removed when children arrive: a "Loading…" row turns into the first child and
the rest are inserted after it (any removal makes QTreeView lay out every open row
again, ~60 ms with 5,000 cards open). Rows fetched again are merged in place, so
expansion, selection and persistent indexes stay on their nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    SignalInstance,
)

from satchel.domain.model import Node
from satchel.models.tree_nodes import NodeTree, TreeNode
from satchel.models.tree_roles import COLUMN_TITLES, RowKind, kind_of

_INVALID = QModelIndex()
_LAST_COLUMN = len(COLUMN_TITLES) - 1
_SORT_HINT = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
_LAYOUT_ARGS = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")


class TreeRowsModel(QAbstractItemModel):
    """A NodeTree behind a Qt model: the one place its rows change.

    BoardTreeModel answers the views; it and its TreeLoader change rows only through
    these methods, so every change comes wrapped in the signals views need.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tree = NodeTree()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    def _put_children(self, node: TreeNode, items: Sequence[Node]) -> None:
        """The fetched children of a node: its first ones, or the ones it had again."""
        if node.status_row is not None or not node.children:
            self._fill(node, items)
        else:
            self._merge(node, items)

    def _fill(self, node: TreeNode, items: Sequence[Node]) -> None:
        """First children of a node: the status row, if any, becomes the first of them."""
        made = [
            self._tree.make(kind_of(item), node.account, item, i) for i, item in enumerate(items)
        ]
        self._order(made)
        status = node.status_row
        if status is None:
            if made:
                self._insert(node, 0, made)
            else:
                self._changed(node)  # no expander any more
            return
        if not made:
            self._remove(node, 0, 0)
            return
        self._tree.transplant(made[0], status)
        self._changed(status)
        if len(made) > 1:
            self._insert(node, 1, made[1:])

    def _merge(self, node: TreeNode, items: Sequence[Node]) -> None:
        """Children fetched again: update rows that changed, insert new, remove gone."""
        wanted = {item.id: (position, item) for position, item in enumerate(items)}
        for child in reversed(list(node.children)):
            if child.domain_id not in wanted:
                self._remove(node, child.row, child.row)
        for child in node.children:
            position, item = wanted.pop(child.domain_id or "")
            child.position = position
            if child.item != item:
                child.item = item
                child.forget_texts()
                self._changed(child, last_column=_LAST_COLUMN)
        made = [
            self._tree.make(kind_of(item), node.account, item, position)
            for position, item in wanted.values()
        ]
        desired = self._order([*node.children, *made])
        if [c for c in desired if c.parent is node] != node.children:
            # Rows that stay changed places: rare enough for a relayout.
            if made:
                self._insert(node, len(node.children), made)
            self._relayout([node])
            return
        fresh = {n.id for n in made}
        row = 0
        while row < len(desired):
            if desired[row].id not in fresh:
                row += 1
                continue
            end = row
            while end < len(desired) and desired[end].id in fresh:
                end += 1
            self._insert(node, row, desired[row:end])
            row = end

    def _order(self, nodes: list[TreeNode]) -> list[TreeNode]:
        nodes.sort(key=lambda n: n.position)
        if self._sort_column >= 0:
            column = self._sort_column
            descending = self._sort_order is Qt.SortOrder.DescendingOrder
            nodes.sort(key=lambda n: n.sort_key(column), reverse=descending)
        return nodes

    def _relayout(self, parents: list[TreeNode], *, all_parents: bool = False) -> None:
        """Put the children of these nodes in the current order, keeping persistent indexes."""
        hint_parents = (
            [] if all_parents else [QPersistentModelIndex(self._index_of(p)) for p in parents]
        )
        self._layout_signal(self.layoutAboutToBeChanged).emit(hint_parents, _SORT_HINT)
        before = self.persistentIndexList()
        for parent in parents:
            status = [c for c in parent.children if c.is_status]
            parent.children = status + self._order([c for c in parent.children if not c.is_status])
            self._tree.renumber(parent)
        after = []
        for index in before:
            moved = self._tree.get(index.internalId())
            if moved is None or moved.parent is None:
                after.append(_INVALID)
            else:
                after.append(self.createIndex(moved.row, index.column(), moved.id))
        self.changePersistentIndexList(before, after)
        self._layout_signal(self.layoutChanged).emit(hint_parents, _SORT_HINT)

    @staticmethod
    def _layout_signal(signal: SignalInstance) -> SignalInstance:
        """The overload with parents and a hint (a bare emit() picks the one without)."""
        return cast(SignalInstance, cast(Any, signal)[_LAYOUT_ARGS])

    def _show_status_row(self, node: TreeNode, kind: RowKind) -> None:
        status = node.status_row
        if status is None:
            row = self._tree.make(kind, node.account, None)
            self._insert(node, 0, [row])
        elif status.kind is not kind or kind is RowKind.FAILURE:
            status.kind = kind
            self._changed(status)

    def _insert(self, parent: TreeNode, row: int, nodes: list[TreeNode]) -> None:
        self.beginInsertRows(self._index_of(parent), row, row + len(nodes) - 1)
        self._tree.insert(parent, row, nodes)
        self.endInsertRows()

    def _remove(self, parent: TreeNode, first: int, last: int) -> None:
        self.beginRemoveRows(self._index_of(parent), first, last)
        self._tree.remove(parent, first, last)
        self.endRemoveRows()

    def node_changed(self, node: TreeNode, column: int) -> None:
        self._changed(node, column)

    def show_status(self, node: TreeNode, kind: RowKind) -> None:
        self._show_status_row(node, kind)

    def account_usable(self, account: str) -> bool:
        node = self._account_node(account)
        return node is not None and not node.signed_out

    def _changed(self, node: TreeNode, last_column: int = 0) -> None:
        if node is not self._tree.root:
            node.forget_texts()
            first = self.createIndex(node.row, 0, node.id)
            self.dataChanged.emit(first, first.siblingAtColumn(last_column))

    def _index_of(self, node: TreeNode) -> QModelIndex:
        if node is self._tree.root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node.id)

    def _account_node(self, name: str) -> TreeNode | None:
        return next((n for n in self._tree.root.children if n.account == name), None)
