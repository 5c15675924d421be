"""The board tree's rows: every change to its NodeTree, told to views the way Qt expects.

No row is removed when children arrive: a "Loading…" row turns into the first child and
the rest are inserted after it (any removal makes QTreeView lay out every open row
again, ~60 ms with 5,000 cards open). Rows fetched again are merged in place, so
expansion, selection and persistent indexes stay on their nodes.

A list longer than PAGE_ROWS shows its first page and a "Show more" row: after any change
QTreeView lays out every open row again, and through the filter proxy that is about eight
Python calls a row (65–120 ms for 5,000 cards, even for a model whose methods do nothing),
which no slicing of the inserts avoids. A page keeps one layout within a frame or two.
Rows past the shown pages, and everything under them, change without a word to views.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    SignalInstance,
)

from satchel.domain.model import Node
from satchel.models.tree_nodes import NodeTree, TreeNode
from satchel.models.tree_roles import COLUMN_TITLES, RowKind, kind_of

_INVALID = QModelIndex()
Change = Callable[[], None]
_LAST_COLUMN = len(COLUMN_TITLES) - 1
#: Rows of one list shown at first, and added by each "Show more".
PAGE_ROWS = 1000
#: Past the first page, rows are made this many at a time, for at most this long a turn.
SLICE_ROWS = 250
SLICE_SECONDS = 0.008
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
        self._slicing: deque[int] = deque()  # nodes with rows still to be made, oldest first
        self._slice_timer = QTimer(self, interval=0)
        self._slice_timer.timeout.connect(self._on_slice_timer_timeout)

    def _put_children(self, node: TreeNode, items: Sequence[Node]) -> None:
        """The fetched children of a node: its first ones, or the ones it had again."""
        node.unmade = None  # fetched again: what was still to be made comes with these
        if node.status_row is not None or not node.children:
            self._fill(node, items)
        else:
            self._merge(node, items)

    def _fill(self, node: TreeNode, items: Sequence[Node]) -> None:
        """First children of a node: the status row, if any, becomes the first of them.

        Past the first page, rows are made a slice at a time on later turns of the loop.
        """
        if len(items) > PAGE_ROWS:
            node.unmade = deque(enumerate(items[PAGE_ROWS:], start=PAGE_ROWS))
            items = items[:PAGE_ROWS]
            self._slicing.append(node.id)
            self._slice_timer.start()
        made = [
            self._tree.make(kind_of(item), node.account, item, i) for i, item in enumerate(items)
        ]
        self._order(made)
        status = node.status_row
        if status is None:
            if made:
                self._insert_paged(node, made)
            else:
                self._changed(node)  # no expander any more
            return
        if not made:
            self._remove(node, 0, 0)
            return
        self._tree.transplant(made[0], status)
        self._changed(status)
        self._insert_paged(node, made[1:])

    def _insert_paged(self, node: TreeNode, nodes: list[TreeNode]) -> None:
        """Add first children after those shown: a page of them, the rest behind "Show more"."""
        room = max(PAGE_ROWS - node.visible, 0)
        if nodes[:room]:
            self._insert(node, node.visible, nodes[:room])
        if len(nodes) <= room and not node.unmade:
            return
        self._tree.insert(node, node.visible, nodes[room:])
        more = self._tree.make(RowKind.MORE, node.account, None)
        more.parent, more.row = node, node.visible
        self._announce_insert(node, more.row, more.row, lambda: setattr(node, "more", more))

    def show_more(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        """On a "Show more" row: show the next page of its list. False on any other row."""
        more = self._tree.get(index.internalId()) if index.isValid() else None
        if more is None or more.kind is not RowKind.MORE or more.parent is None:
            return False
        node = more.parent
        while node.unmade and len(node.children) < node.visible + PAGE_ROWS:
            self._make_rows(node)  # asked for before their turn
        first, last = node.visible, min(node.visible + PAGE_ROWS, len(node.children)) - 1

        def reveal() -> None:
            node.visible = more.row = last + 1

        self._announce_insert(node, first, last, reveal)
        if node.visible < len(node.children) or node.unmade:
            self._changed(more)
            return True
        self._announce_remove(node, more.row, more.row, lambda: setattr(node, "more", None))
        self._tree.forget(more)
        return True

    def _on_slice_timer_timeout(self) -> None:
        """Make the next rows of long lists, past their shown pages, for a slice of time."""
        deadline = time.perf_counter() + SLICE_SECONDS
        while self._slicing:
            node = self._tree.get(self._slicing[0])
            if node is None or not node.unmade:  # removed, or fetched again meanwhile
                self._rows_made(self._slicing.popleft(), [], finished=True)
                continue
            self._make_rows(node)
            if time.perf_counter() >= deadline:
                return
        self._slice_timer.stop()

    def _make_rows(self, node: TreeNode) -> None:
        unmade = cast(deque[tuple[int, Node]], node.unmade)
        batch = [unmade.popleft() for _ in range(min(SLICE_ROWS, len(unmade)))]
        made = [self._tree.make(kind_of(item), node.account, item, at) for at, item in batch]
        self._insert(node, len(node.children), made)
        if not unmade:
            node.unmade = None  # its turn in self._slicing ends at the next slice
            if self._sort_column >= 0:
                self._relayout([node])
        self._rows_made(node.id, made, finished=node.unmade is None)

    def _rows_made(self, node_id: int, made: list[TreeNode], *, finished: bool) -> None:
        """More children of the node became rows after its fetch was applied."""

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
        shown = [p for p in parents if self._exposed(p)]
        if not shown and not all_parents:
            for parent in parents:  # nobody sees them: nothing to tell
                self._reorder(parent)
            return
        hint_parents = (
            [] if all_parents else [QPersistentModelIndex(self._index_of(p)) for p in shown]
        )
        self._layout_signal(self.layoutAboutToBeChanged).emit(hint_parents, _SORT_HINT)
        before = self.persistentIndexList()
        for parent in parents:
            self._reorder(parent)
        after = []
        for index in before:
            moved = self._tree.get(index.internalId())
            if moved is None or not self._exposed(moved):
                after.append(_INVALID)  # gone, or sorted past the shown pages
            else:
                after.append(self.createIndex(moved.row, index.column(), moved.id))
        self.changePersistentIndexList(before, after)
        self._layout_signal(self.layoutChanged).emit(hint_parents, _SORT_HINT)

    def _reorder(self, parent: TreeNode) -> None:
        status = [c for c in parent.children if c.is_status]
        parent.children = status + self._order([c for c in parent.children if not c.is_status])
        self._tree.renumber(parent)

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
        if parent.more is not None and row >= parent.visible:
            self._tree.insert(parent, row, nodes)  # past the shown pages: views never knew
            self._changed(parent.more)
            return

        def insert() -> None:
            self._tree.insert(parent, row, nodes)
            parent.visible += len(nodes)
            if parent.more is not None:
                parent.more.row = parent.visible

        self._announce_insert(parent, row, row + len(nodes) - 1, insert)

    def _remove(self, parent: TreeNode, first: int, last: int) -> None:
        shown_last = min(last, parent.visible - 1)

        def remove() -> None:
            self._tree.remove(parent, first, last)
            parent.visible -= max(shown_last - first + 1, 0)
            if parent.more is not None:
                parent.more.row = parent.visible

        if first > shown_last:
            remove()
            self._changed(parent.more)  # type: ignore[arg-type]
        else:
            self._announce_remove(parent, first, shown_last, remove)
        more = parent.more
        if more is not None and parent.visible >= len(parent.children) and not parent.unmade:
            self._announce_remove(parent, more.row, more.row, lambda: setattr(parent, "more", None))
            self._tree.forget(more)

    def _announce_insert(self, parent: TreeNode, first: int, last: int, change: Change) -> None:
        """Make the change, wrapped in the signals views need when they can see `parent`."""
        self._announce(parent, change, self.beginInsertRows, self.endInsertRows, first, last)

    def _announce_remove(self, parent: TreeNode, first: int, last: int, change: Change) -> None:
        self._announce(parent, change, self.beginRemoveRows, self.endRemoveRows, first, last)

    def _announce(
        self, parent: TreeNode, change: Change, begin: Any, end: Change, first: int, last: int
    ) -> None:
        if self._exposed(parent):
            begin(self._index_of(parent), first, last)
            change()
            end()
        else:
            change()  # past a list's shown pages: views never knew these rows

    def _exposed(self, node: TreeNode) -> bool:
        """Views can see the node: it and every row above it are within the shown pages."""
        while node.parent is not None:
            above = node.parent
            if node.row >= above.visible and node is not above.more:
                return False
            node = above
        return node is self._tree.root

    def node_changed(self, node: TreeNode, column: int) -> None:
        self._changed(node, column)

    def show_status(self, node: TreeNode, kind: RowKind) -> None:
        self._show_status_row(node, kind)

    def account_usable(self, account: str) -> bool:
        node = self._account_node(account)
        return node is not None and not node.signed_out

    def _changed(self, node: TreeNode, last_column: int = 0) -> None:
        node.forget_texts()
        if node is not self._tree.root and self._exposed(node):
            first = self.createIndex(node.row, 0, node.id)
            self.dataChanged.emit(first, first.siblingAtColumn(last_column))

    def _index_of(self, node: TreeNode) -> QModelIndex:
        """The node's row; invalid for the root, a removed node and one views can't see."""
        if node is self._tree.root or not self._exposed(node):
            return QModelIndex()
        return self.createIndex(node.row, 0, node.id)

    def _account_node(self, name: str) -> TreeNode | None:
        return next((n for n in self._tree.root.children if n.account == name), None)
