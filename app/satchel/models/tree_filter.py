"""The filter box over the board tree: rows whose name holds the text, and the path to them.

QSortFilterProxyModel alone would filter 25,000 rows in one go, calling Python twice a
row (~0.35 s here, a frozen window). Instead the match is computed on the plain node
tree, and the proxy learns what changed a slice at a time: for each row whose answer
changed under a parent the proxy has mapped, a dataChanged makes it look at that row
again. Rows under parents it never mapped cost nothing: it asks when it maps them.

Sorting is forwarded to BoardTreeModel.sort (see there why).
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)

from satchel.models.tree_nodes import NodeTree, TreeNode, walk
from satchel.models.tree_roles import ItemRole

Index = QModelIndex | QPersistentModelIndex
Slot = Callable[..., Any]

#: Typing pauses shorter than this do not start a filter pass.
DEBOUNCE_MS = 150
#: Work done per turn of the event loop while a filter is applied.
SLICE_SECONDS = 0.008
#: Rows re-checked by one dataChanged; keeps each proxy update short.
ROWS_PER_SIGNAL = 400
#: The role of the dataChanged this proxy sends itself: "look at these rows again".
_RECHECK_ROLES = [int(ItemRole.NODE_ID)]


class TreeFilterModel(QSortFilterProxyModel):
    #: The rows now shown are those matching this text ("" shows everything).
    filter_applied = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The path to a match is computed here; Qt's recursive filter would walk every
        # subtree of every hidden row through Python.
        self.setRecursiveFilteringEnabled(False)
        self.setDynamicSortFilter(True)
        self.setSortRole(ItemRole.SORT_KEY)
        self._tree: NodeTree | None = None
        self._text = ""  # casefolded; what the rows are filtered by
        self._wanted_text = ""
        #: Nodes shown by the current text; nodes missing are worked out when asked.
        self._shown: dict[int, bool] = {}
        #: What this proxy was last told for each row it looked at (its mapped rows).
        self._told: dict[int, bool] = {}
        self._steps: Iterator[None] | None = None
        self._again = False
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self._stepper = QTimer(self, interval=0)
        self._stepper.timeout.connect(self._on_stepper_timeout)

    # --- public ---------------------------------------------------------------------------

    def filter_text(self) -> str:
        return self._wanted_text

    def set_filter_text(self, text: str) -> None:
        """Show rows whose name contains `text` (any case), with their parents; debounced."""
        self._wanted_text = text
        self._debounce.start()

    def apply_filter_now(self) -> None:
        """Start applying the text at once (tests, and pressing Enter in the box)."""
        self._debounce.stop()
        self._on_debounce_timeout()

    def is_filtering(self) -> bool:
        """True while a change of text is still being applied."""
        return self._steps is not None or self._debounce.isActive()

    def paths_to_matches(self, limit: int = 500) -> list[QModelIndex]:
        """The rows to expand so every match shows, parents first; at most `limit`.

        Meant for after `filter_applied`, instead of expandAll (which would open, and lay
        out, every one of 25,000 rows).
        """
        if not self._text or self._tree is None:
            return []
        found: list[QModelIndex] = []
        queue = deque([self._tree.root])
        while queue and len(found) < limit:
            node = queue.popleft()
            for child in node.children:
                if not child.is_status and self._shown_now(child) and self._leads_on(child):
                    queue.append(child)
                    index = self.mapFromSource(self._source_index(child))
                    if index.isValid():
                        found.append(index)
        return found[:limit]

    def _leads_on(self, node: TreeNode) -> bool:
        """Something below the node matches."""
        return any(not c.is_status and self._shown_now(c) for c in node.children)

    def setFilterFixedString(self, pattern: str) -> None:
        self.set_filter_text(pattern)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        old = self.sourceModel()
        if old is not None:
            for signal, slot in self._source_connections(old):
                signal.disconnect(slot)
        super().setSourceModel(model)
        self._tree = getattr(model, "tree", None)
        self._shown.clear()
        self._told.clear()
        for signal, slot in self._source_connections(model):
            signal.connect(slot)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    # --- Qt's filter hook -----------------------------------------------------------------

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        tree = self._tree
        if tree is None:
            return True
        parent = tree.get(source_parent.internalId())
        if parent is None or source_row >= parent.visible:
            return True  # "Show more" after a long list's pages: shown with its list
        node = parent.children[source_row]
        if node.is_status:
            return True  # loading and failure rows show whenever their parent does
        shown = self._shown_now(node) if self._text else True
        self._told[node.id] = shown
        return shown

    # --- working out what shows -------------------------------------------------------------

    def _shown_now(self, node: TreeNode) -> bool:
        shown = self._shown.get(node.id)
        if shown is None:
            shown = self._text in node.folded_name() or any(
                self._shown_now(child) for child in node.children if not child.is_status
            )
            self._shown[node.id] = shown
        return shown

    def _compute(self) -> Iterator[None]:
        """Does each node, or anything under it, match? Children before their parents."""
        if self._tree is None or not self._text:
            return
        text, shown = self._text, self._shown
        order = [n for n in walk(self._tree.root) if not n.is_status]
        for count, node in enumerate(reversed(order)):
            if count % 500 == 0:
                yield
            if shown.get(node.id):
                continue
            if text in node.folded_name():
                above: TreeNode | None = node
                while above is not None and not shown.get(above.id):
                    shown[above.id] = True
                    above = above.parent
            else:
                shown.setdefault(node.id, False)

    def _tell_proxy(self) -> Iterator[None]:
        """Top down: a dataChanged for each run of rows the proxy holds whose answer changed."""
        tree = self._tree
        if tree is None:
            return
        queue = deque([tree.root])
        while queue:
            parent = queue.popleft()
            if tree.get(parent.id) is not parent:
                continue  # removed meanwhile
            version = tree.version
            changed = []
            for node in parent.children:
                if node.is_status:
                    continue
                shown = self._shown_now(node) if self._text else True
                told = self._told.get(node.id)
                if told is not None and told != shown:
                    changed.append(node.row)
                if shown and node.children:
                    queue.append(node)
            for first, last in _runs(changed):
                if tree.version != version:
                    queue.appendleft(parent)  # rows moved: look at this parent again
                    break
                self._recheck_rows(parent, first, last)
                yield
            yield

    def _recheck_rows(self, parent: TreeNode, first: int, last: int) -> None:
        for node in parent.children[first : last + 1]:
            if self._text and not self._shown_now(node):
                for below in walk(node):
                    self._told.pop(below.id, None)  # the proxy drops what it held below
        source = self.sourceModel()
        top = source.index(first, 0, self._source_index(parent))
        source.dataChanged.emit(top, top.siblingAtRow(last), _RECHECK_ROLES)

    def _source_index(self, node: TreeNode) -> QModelIndex:
        chain: list[TreeNode] = []
        while node.parent is not None:
            chain.append(node)
            node = node.parent
        index = QModelIndex()
        source = self.sourceModel()
        for step in reversed(chain):
            index = source.index(step.row, 0, index)
        return index

    # --- driving the passes -----------------------------------------------------------------

    def _on_debounce_timeout(self) -> None:
        self._text = self._wanted_text.strip().casefold()
        self._shown = {}
        self._start_pass(fresh=True)

    def _start_pass(self, *, fresh: bool = False) -> None:
        if self._steps is not None and not fresh:
            self._again = True  # the running pass may have gone past; go round once more
            return
        self._again = False
        steps = self._tell_proxy()
        self._steps = itertools.chain(self._compute(), steps) if fresh else steps
        self._stepper.start()
        self._on_stepper_timeout()

    def _on_stepper_timeout(self) -> None:
        if self._steps is None:
            self._stepper.stop()
            return
        deadline = time.perf_counter() + SLICE_SECONDS
        for _ in self._steps:
            if time.perf_counter() >= deadline:
                return
        self._steps = None
        if self._again:
            self._start_pass()
            return
        self._stepper.stop()
        self.filter_applied.emit(self._wanted_text)

    # --- the source changing under us ---------------------------------------------------------

    def _source_connections(self, model: QAbstractItemModel) -> list[tuple[SignalInstance, Slot]]:
        return [
            (model.rowsInserted, self._on_source_rows_inserted),
            (model.rowsRemoved, self._on_source_rows_removed),
            (model.dataChanged, self._on_source_data_changed),
            (model.layoutChanged, self._on_source_reset),
            (model.modelReset, self._on_source_reset),
        ]

    def _on_source_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not self._text or self._tree is None:
            return
        node = self._tree.get(parent.internalId())
        if node is not None:
            new = node.children[first : last + 1]
            if any(self._shown_now(child) for child in new if not child.is_status):
                self._show_path(node)

    def _on_source_rows_removed(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        if self._text:
            self._debounce.start()  # a row above may have lost its only match: work it out anew

    def _on_source_data_changed(
        self, top: QModelIndex, bottom: QModelIndex, roles: Sequence[int] = ()
    ) -> None:
        if not self._text or self._tree is None or list(roles) == _RECHECK_ROLES:
            return
        parent = self._tree.get(top.parent().internalId())
        if parent is not None and top.row() >= parent.visible:
            self._debounce.start()  # "Show more": rows made behind it may match
            return
        for node in parent.children[top.row() : bottom.row() + 1] if parent else []:
            if node.is_status:
                continue
            before = self._shown.pop(node.id, None)
            if self._shown_now(node) and not before:
                self._show_path(parent)  # type: ignore[arg-type]
            elif before and not self._shown_now(node):
                self._debounce.start()  # renamed away from the text

    def _on_source_reset(self) -> None:
        self._told.clear()  # the proxy dropped its mappings; it asks again as needed

    def _show_path(self, node: TreeNode) -> None:
        """Rows under `node` match now: show it and the rows above it."""
        while node.parent is not None and not self._shown.get(node.id):
            self._shown[node.id] = True
            node = node.parent
        self._start_pass()


def _runs(rows: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted rows as (first, last) runs of neighbours, at most ROWS_PER_SIGNAL long."""
    first = last = -1
    for row in rows:
        if first >= 0 and row == last + 1 and row - first < ROWS_PER_SIGNAL:
            last = row
            continue
        if first >= 0:
            yield first, last
        first = last = row
    if first >= 0:
        yield first, last
