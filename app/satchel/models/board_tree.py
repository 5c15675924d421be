"""Accounts → boards → lists → cards → attachments, fetched lazily, for a QTreeView.

Each container node has a load state. A view asking for a node's children (fetchMore)
starts the provider call on the TaskRunner and gets one "Loading…" row on the next turn
of the loop; the answer turns that row into the first child and inserts the rest, so no
row is removed (any removal makes QTreeView lay out every open row again, ~60 ms with
5,000 cards open). A failure turns it into a row with the reason and a retry. Fetches
the model starts on its own (load_all, a deep refresh) show no row until a view asks,
and their answers go in together a few times a second (each change costs a repaint).

Sorting happens here, not in the proxy: QSortFilterProxyModel compares rows through
four Python calls per comparison (0.9 s for 5,000 rows); a Python sort takes 2 ms.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QIcon

from satchel.auth.accounts import Account
from satchel.domain.errors import SatchelError, SignInRequired
from satchel.domain.model import Node
from satchel.models.roles import COLUMN_TITLES, Column, ItemRole, RowKind, kind_of
from satchel.models.tasks import TaskRunner
from satchel.models.tree_nodes import (
    LOAD,
    REFRESH,
    Item,
    LoadState,
    NodeTree,
    TreeNode,
    WalkQueue,
    walk,
)
from satchel.paths import resources_dir
from satchel.workspace import Workspace

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

#: How many fetches load_all and a deep refresh keep running at once.
WALK_CONCURRENCY = 6
#: How many already loaded nodes a walk passes over per turn of the event loop.
WALK_STEP_NODES = 2000
#: Their answers are put in the tree this often, for at most this long at a time.
APPLY_INTERVAL_MS = 100
APPLY_SLICE_SECONDS = 0.008
#: After this many new nodes, what exists is moved out of the garbage collector's way.
FREEZE_AFTER_NODES = 2000

_INVALID = QModelIndex()
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ALIGNMENT, *map(int, ItemRole)})
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEAF_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_CONTAINER_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_NOT_LOADED, _LOADING, _LOADED = LoadState.NOT_LOADED, LoadState.LOADING, LoadState.LOADED
_SORT_HINT = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
_LAYOUT_ARGS = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")
_COLUMNS = len(COLUMN_TITLES)


@cache
def _icon(name: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))


class _BulkCollections:
    """Hold Python's full garbage collections off while many rows pour in.

    Each one walks every object, ~0.1 s once the tree holds 25,000 rows, and as the heap
    grows they come every few seconds: a frozen window each time. While fetches run they
    wait; when all is in and the tree grew a lot, what exists is frozen (gc.freeze), so
    later full collections skip those long-lived rows. Young garbage is collected as
    usual all along. A process-wide setting: the app may want to own it (see the report).
    """

    def __init__(self, busy: Callable[[], bool], grown: Callable[[], int]) -> None:
        self._busy = busy
        self._grown = grown  # nodes made so far
        self._frozen_at = 0
        self._held: tuple[int, int, int] | None = None

    def hold(self) -> None:
        if self._held is None:
            self._held = gc.get_threshold()
            gc.set_threshold(self._held[0], self._held[1], 1 << 30)

    def release(self) -> None:
        if self._held is None or self._busy():
            return
        gc.set_threshold(*self._held)
        self._held = None
        if self._grown() - self._frozen_at >= FREEZE_AFTER_NODES:
            self._frozen_at = self._grown()
            gc.freeze()


class BoardTreeModel(QAbstractItemModel):
    #: The service refused the account's secret (401); the account row asks to sign in again.
    sign_in_required = Signal(str)
    #: The children of this node (invalid: the accounts) were inserted or merged.
    loaded = Signal(QModelIndex)
    #: Fetching the children of this node failed; the error says why (also shown in a row).
    fetch_failed = Signal(QModelIndex, object)
    #: load_all() or a deep refresh: nodes done, nodes known so far. Equal when finished.
    crawl_progress = Signal(int, int)

    def __init__(self, workspace: Workspace, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self._runner = runner
        self._tree = NodeTree()
        self._nodes = self._tree.nodes
        self._root = self._tree.root
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._walk = WalkQueue(WALK_CONCURRENCY)
        self._walk_reported = (0, 0)
        self._status_due: list[int] = []  # nodes whose "Loading…" row is to be shown
        self._arrived: deque[tuple[int, int, list[Node], str | None]] = deque()
        self._fetches = 0
        self._collections = _BulkCollections(
            lambda: self._fetches > 0 or bool(self._arrived), lambda: self._tree.made
        )
        self._apply_timer = QTimer(self, interval=APPLY_INTERVAL_MS)
        self._apply_timer.timeout.connect(self._on_apply_timer_timeout)
        self.reload_accounts()

    @property
    def tree(self) -> NodeTree:
        """The nodes behind the rows, for the filter proxy. Read, never change."""
        return self._tree

    # --- Qt's model interface -------------------------------------------------------------

    # Views call these several times per row and per paint: kept lean on purpose.

    def index(self, row: int, column: int, parent: Index = _INVALID) -> QModelIndex:
        node = self._nodes.get(parent.internalId())
        if (
            node is not None
            and 0 <= row < len(node.children)
            and 0 <= column < _COLUMNS
            and parent.column() <= 0
        ):
            return self.createIndex(row, column, node.children[row].id)
        return QModelIndex()

    def parent(self, child: Index = _INVALID) -> QModelIndex:  # type: ignore[override]
        node = self._nodes.get(child.internalId())
        above = node.parent if node is not None else None
        if above is None or above is self._root:
            return QModelIndex()
        return self.createIndex(above.row, 0, above.id)

    def rowCount(self, parent: Index = _INVALID) -> int:
        node = self._nodes.get(parent.internalId())
        if node is None or parent.column() > 0:
            return 0
        return len(node.children)

    def columnCount(self, parent: Index = _INVALID) -> int:
        return _COLUMNS

    def hasChildren(self, parent: Index = _INVALID) -> bool:
        node = self._nodes.get(parent.internalId())
        if node is None or not node.container or parent.column() > 0:
            return False
        return bool(node.children) or node.state is not _LOADED

    def canFetchMore(self, parent: Index) -> bool:
        node = self._nodes.get(parent.internalId())
        if node is None or not node.container or node is self._root:
            return False
        if node.state is _NOT_LOADED:
            return True
        return node.state is _LOADING and not node.wants_status and not node.status_row

    def fetchMore(self, parent: Index) -> None:
        """Start fetching; the "Loading…" row follows on the next turn of the event loop.

        Not at once: fetchMore runs inside view layouts and model testers' walks, and
        rows inserted there would nest inside the change they are reacting to.
        """
        node = self._tree.get(parent.internalId())
        if node is None or not self.canFetchMore(parent):
            return
        if node.state is LoadState.NOT_LOADED:
            self._fetch(node)
        node.wants_status = True
        self._status_due.append(node.id)
        if len(self._status_due) == 1:
            QTimer.singleShot(0, self, self._show_due_status_rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        node = self._nodes.get(index.internalId())
        if node is None or node is self._root:
            return _NO_FLAGS
        return _CONTAINER_FLAGS if node.container else _LEAF_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> object:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < _COLUMNS:
            return None
        if role == _DISPLAY:
            return COLUMN_TITLES[section]
        if role == _ALIGNMENT and section == Column.SIZE:
            return _RIGHT
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> object:
        if role not in _ROLES:
            return None  # most of what a delegate asks for when it paints
        node = self._nodes.get(index.internalId())
        if node is None or node is self._root:
            return None
        if role == _DISPLAY:
            return node.texts()[index.column()]
        if role == _DECORATION:
            return _icon(node.icon_name()) if index.column() == 0 else None
        if role == _TOOLTIP:
            return node.tooltip()
        if role == _ALIGNMENT:
            return _RIGHT if index.column() == Column.SIZE else None
        return self._role_data(node, ItemRole(role), index.column())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order every loaded level by the column's sort key; -1: the service's order."""
        self._sort_column, self._sort_order = column, order
        self._relayout([n for n in walk(self._tree.root) if len(n.children) > 1], all_parents=True)

    # --- what the window asks ---------------------------------------------------------------

    def node_at(self, index: Index) -> Item | None:
        """The row's domain object, or the Account of an account row; None for status rows."""
        node = self._tree.get(index.internalId()) if index.isValid() else None
        return None if node is None else node.item

    def account_of(self, index: Index) -> str | None:
        node = self._tree.get(index.internalId()) if index.isValid() else None
        return None if node is None else node.account

    def is_failure_row(self, index: Index) -> bool:
        node = self._tree.get(index.internalId()) if index.isValid() else None
        return node is not None and node.kind is RowKind.FAILURE

    def load_state(self, index: Index) -> LoadState:
        node = self._tree.get(index.internalId())
        return LoadState.LOADED if node is None else node.state

    def index_for(self, account_name: str, node_id: str | None = None) -> QModelIndex:
        """The row of a loaded node by its service id (None: the account's own row)."""
        if node_id is None:
            node = self._account_node(account_name)
        else:
            node = self._tree.find(account_name, node_id)
        return self._index_of(node) if node is not None else QModelIndex()

    def retry(self, index: Index) -> None:
        """Fetch again the children of a node that failed (or of a failure row's parent)."""
        node = self._tree.get(index.internalId()) if index.isValid() else None
        if node is not None and node.kind is RowKind.FAILURE:
            node = node.parent
        if node is None or node.state is not LoadState.FAILED:
            return
        self._show_status_row(node, RowKind.LOADING)
        self._fetch(node, user=True)

    def refresh(self, index: Index | None = None, *, deep: bool = True) -> None:
        """Fetch the node's children again and merge them in, keeping rows that stay.

        Expansion, selection and persistent indexes survive. `deep`: then every loaded
        node under it too. None: every loaded account.
        """
        node = self._tree.get(index.internalId()) if index is not None and index.isValid() else None
        if node is not None and node.is_status:
            node = node.parent
        if node is None or node is self._tree.root:
            self.reload_accounts()
            targets = [a for a in self._tree.root.children if a.state is not LoadState.NOT_LOADED]
        else:
            targets = [node]
        for target in targets:
            if deep:
                self._walk.start(target, REFRESH)
            elif target.state is LoadState.FAILED:
                self.retry(self._index_of(target))
            elif target.state is LoadState.LOADED:
                self._fetch(target, job=None)
        self._pump()

    def load_all(self, root: Index | None = None) -> None:
        """Fetch, in the background, everything not loaded yet under root (None: all)."""
        node = self._tree.get(root.internalId()) if root is not None else self._tree.root
        if node is None:
            return
        targets = node.children if node is self._tree.root else [node]
        for target in targets:
            self._walk.start(target, LOAD)
        self._pump()

    def stop_loading_all(self) -> None:
        """Forget what load_all and deep refreshes still had to fetch."""
        self._walk.drop(lambda _node: False, self._tree.get)
        self._pump()

    def add_account(self, name: str) -> None:
        if self._account_node(name) is None:
            account = self._workspace.account(name)
            self._insert(self._tree.root, len(self._tree.root.children), [self._account(account)])

    def remove_account(self, name: str) -> None:
        node = self._account_node(name)
        if node is not None:
            self._remove(self._tree.root, node.row, node.row)

    def reload_accounts(self) -> None:
        """Bring the account rows in line with the workspace (added, removed, changed)."""
        root = self._tree.root
        accounts = self._workspace.accounts()
        names = {a.name for a in accounts}
        for node in reversed(list(root.children)):
            if node.account not in names:
                self._remove(root, node.row, node.row)
        for position, account in enumerate(accounts):
            shown = self._account_node(account.name)
            if shown is None:
                row = min(position, len(root.children))
                self._insert(root, row, [self._account(account, position)])
            elif shown.item != account:
                shown.item, shown.position = account, position
                self._changed(shown)
        self.loaded.emit(QModelIndex())

    def account_signed_in(self, name: str) -> None:
        """The user signed in again: show the account as usable and fetch what it had."""
        node = self._account_node(name)
        if node is None:
            self.add_account(name)
            return
        node.signed_out = False
        self._changed(node)
        if node.state is not LoadState.NOT_LOADED:
            self.refresh(self._index_of(node))

    # --- fetching ---------------------------------------------------------------------------

    def _fetch(self, node: TreeNode, *, job: str | None = None, user: bool = False) -> None:
        if node.state is not LoadState.LOADED:
            node.state = LoadState.LOADING
        node.fetch_token += 1
        node_id, token, account = node.id, node.fetch_token, node.account
        item = None if node.kind is RowKind.ACCOUNT else cast(Node, node.item)

        async def children() -> list[Node]:
            return await self._workspace.provider(account).children(item)

        self._fetches += 1
        self._collections.hold()
        task = self._runner.run(
            children(),
            f"Loading {node.name()}",
            on_done=lambda items: self._on_fetched(node_id, token, items, job),
            on_error=lambda error: self._on_fetch_failed(node_id, token, error, job, user),
        )
        task.add_done_callback(lambda _task: self._fetch_ended())

    def _on_fetched(self, node_id: int, token: int, items: list[Node], job: str | None) -> None:
        if job is None:
            self._apply_fetched(node_id, token, items, job)
        else:
            # Background answers are put in together, a few times a second: each change
            # made alone would cost the view a repaint.
            self._walk.running -= 1
            self._arrived.append((node_id, token, items, job))
            if not self._apply_timer.isActive():
                self._apply_timer.start()
        self._pump()

    def _on_apply_timer_timeout(self) -> None:
        deadline = time.perf_counter() + APPLY_SLICE_SECONDS
        while self._arrived and time.perf_counter() < deadline:
            self._apply_fetched(*self._arrived.popleft())
        if not self._arrived:
            self._apply_timer.stop()
            self._collections.release()
        self._pump()

    def _fetch_ended(self) -> None:
        self._fetches -= 1
        if not self._arrived:
            self._collections.release()

    def _apply_fetched(self, node_id: int, token: int, items: list[Node], job: str | None) -> None:
        if job is not None:
            self._walk.done += 1
        node = self._tree.get(node_id)
        if node is None or node.fetch_token != token:
            return
        node.wants_status = False
        if node.status_row is not None or not node.children:
            self._fill(node, items)
        else:
            self._merge(node, items)
        node.state, node.error = LoadState.LOADED, None
        self.loaded.emit(self._index_of(node))
        mode = job or self._walk.waited(node_id)
        if mode is not None:
            self._walk.add_below(node, mode)

    def _on_fetch_failed(
        self, node_id: int, token: int, error: SatchelError, job: str | None, user: bool
    ) -> bool:
        if job is not None:
            self._walk.running -= 1
            self._walk.done += 1
        self._walk.waited(node_id)
        node = self._tree.get(node_id)
        handled = True
        if node is not None and node.fetch_token == token:
            node.wants_status = False
            if isinstance(error, SignInRequired):
                self._sign_out(node.account, tell=user or job is None)
            if error.retryable or isinstance(error, SignInRequired):
                account = node.account  # unreachable or refused: the rest would fail too
                self._walk.drop(lambda n: n is not None and n.account != account, self._tree.get)
            if node.children and node.status_row is None:
                # A refresh failed: the rows shown stay; the window says what happened.
                handled = isinstance(error, SignInRequired)
            else:
                node.state, node.error = LoadState.FAILED, error
                self._show_status_row(node, RowKind.FAILURE)
            self.fetch_failed.emit(self._index_of(node), error)
        self._pump()
        return handled

    def _sign_out(self, account: str, *, tell: bool) -> None:
        node = self._account_node(account)
        newly = node is not None and not node.signed_out
        if node is not None and newly:
            node.signed_out = True
            self._changed(node)
        if newly or tell:
            self._workspace.mark_signed_out(account)
            self.sign_in_required.emit(account)

    def _pump(self) -> None:
        """Start what load_all and deep refreshes may fetch now; say how far they got."""
        budget = [WALK_STEP_NODES]
        while job := self._walk.next_job(self._tree.get, self._walkable, budget):
            node, mode = job
            if node.state is LoadState.FAILED:
                self._show_status_row(node, RowKind.LOADING)
            self._fetch(node, job=mode)
        if not budget[0] and self._walk.queued:
            QTimer.singleShot(0, self, self._pump)  # more loaded nodes to pass: next turn
        progress = (self._walk.done, self._walk.total)
        if progress != self._walk_reported and self._walk.total:
            self._walk_reported = progress
            self.crawl_progress.emit(*progress)
        if self._walk.idle and not self._arrived:
            self._walk.restart_count()

    def _walkable(self, node: TreeNode) -> bool:
        account = self._account_node(node.account)
        return account is not None and not account.signed_out

    # --- changing rows ------------------------------------------------------------------------

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
                self._changed(child, last_column=_COLUMNS - 1)
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

    def _show_due_status_rows(self) -> None:
        due, self._status_due = self._status_due, []
        for node_id in due:
            node = self._tree.get(node_id)
            if node is not None and node.wants_status:
                node.wants_status = False
                if node.state is LoadState.LOADING:
                    self._show_status_row(node, RowKind.LOADING)

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

    def _changed(self, node: TreeNode, last_column: int = 0) -> None:
        if node is not self._tree.root:
            node.forget_texts()
            first = self.createIndex(node.row, 0, node.id)
            self.dataChanged.emit(first, first.siblingAtColumn(last_column))

    # --- helpers ------------------------------------------------------------------------------

    def _index_of(self, node: TreeNode) -> QModelIndex:
        if node is self._tree.root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node.id)

    def _account_node(self, name: str) -> TreeNode | None:
        return next((n for n in self._tree.root.children if n.account == name), None)

    def _account(self, account: Account, position: int = 0) -> TreeNode:
        node = self._tree.make(RowKind.ACCOUNT, account.name, account, position)
        node.signed_out = self._workspace.needs_sign_in(account.name)
        return node

    def _role_data(self, node: TreeNode, role: ItemRole, column: int) -> object:
        if role is ItemRole.NODE:
            return node.item
        if role is ItemRole.ACCOUNT_NAME:
            return node.account
        if role is ItemRole.LOAD_STATE:
            return node.state.value
        if role is ItemRole.ERROR_MESSAGE:
            return node.error_message()
        if role is ItemRole.KIND:
            return node.kind.value
        if role is ItemRole.SORT_KEY:
            return node.sort_key(column)
        return node.id
