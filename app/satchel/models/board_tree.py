"""Accounts → boards → lists → cards → attachments, fetched lazily, for a QTreeView.

Each container node has a load state. A view asking for a node's children (fetchMore)
starts the provider call (see TreeLoader) and gets one "Loading…" row on the next turn
of the loop; the answer turns that row into the first child and inserts the rest (see
TreeRowsModel). A failure turns it into a row with the reason and a retry. Fetches the
model starts on its own (load_all, a deep refresh) show no row until a view asks.

Sorting happens here, not in the proxy: QSortFilterProxyModel compares rows through
four Python calls per comparison (0.9 s for 5,000 rows); a Python sort takes 2 ms.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QIcon

from satchel.domain.errors import SatchelError
from satchel.domain.model import Account, Attachment, Node
from satchel.models.task_runner import TaskRunner
from satchel.models.thumbnails import ThumbnailCache
from satchel.models.tree_loader import TreeLoader
from satchel.models.tree_nodes import LOAD, REFRESH, Item, LoadState, NodeTree, TreeNode, walk
from satchel.models.tree_roles import COLUMN_TITLES, Column, ItemRole, RowKind
from satchel.models.tree_rows import TreeRowsModel
from satchel.models.workspace_changes import WorkspaceChanges
from satchel.paths import resources_dir
from satchel.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex

REFRESH_CARDS_MS = 400  # a batch of uploads landing refreshes each card once

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
_COLUMNS = len(COLUMN_TITLES)


@cache
def _icon(name: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))


class BoardTreeModel(TreeRowsModel):
    #: The service refused the account's secret (401); the account row asks to sign in again.
    sign_in_required = Signal(str)
    #: The children of this node (invalid: the accounts) were inserted or merged.
    loaded = Signal(QModelIndex)
    #: Fetching the children of this node failed; the error says why (also shown in a row).
    fetch_failed = Signal(QModelIndex, object)
    #: load_all() or a deep refresh: nodes done, nodes known so far. Equal when finished.
    crawl_progress = Signal(int, int)

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        thumbnails: ThumbnailCache | None = None,
    ):
        super().__init__(parent)
        self._workspace = workspace
        self._thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.thumbnail_ready.connect(self._on_thumbnails_thumbnail_ready)
        self._nodes = self._tree.nodes
        self._root = self._tree.root
        self._status_due: list[int] = []  # nodes whose "Loading…" row is to be shown
        self._loader = TreeLoader(self, self, workspace, runner)
        self._cards_to_refresh: set[tuple[str, str]] = set()
        self._refresh_cards_timer = QTimer(self, singleShot=True, interval=REFRESH_CARDS_MS)
        self._refresh_cards_timer.timeout.connect(self._on_refresh_cards_timer_timeout)
        self._changes = WorkspaceChanges(workspace, self)
        self._changes.card_changed.connect(self._on_changes_card_changed)
        self._changes.sign_in_required.connect(self._on_changes_sign_in_required)
        self.reload_accounts()

    @property
    def tree(self) -> NodeTree:
        """The nodes behind the rows, for the filter proxy. Read, never change."""
        return self._tree

    # --- Qt's model interface -------------------------------------------------------------

    # Views call these several times per row and per paint: kept lean on purpose.

    def index(self, row: int, column: int, parent: Index = _INVALID) -> QModelIndex:
        node = self._nodes.get(parent.internalId())
        if node is None or not 0 <= column < _COLUMNS or parent.column() > 0 or row < 0:
            return QModelIndex()
        if row < node.visible:
            return self.createIndex(row, column, node.children[row].id)
        if row == node.visible and node.more is not None:  # "Show more" after the pages
            return self.createIndex(row, column, node.more.id)
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
        return node.visible + (node.more is not None)

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
            self._loader.fetch(node)
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
            return self._decoration(node) if index.column() == 0 else None
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
        self._loader.fetch(node, user=True)

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
                self._loader.start_walk(target, REFRESH)
            elif target.state is LoadState.FAILED:
                self.retry(self._index_of(target))
            elif target.state is LoadState.LOADED:
                self._loader.fetch(target, job=None)
        self._loader.pump()

    def load_all(self, root: Index | None = None) -> None:
        """Fetch, in the background, everything not loaded yet under root (None: all)."""
        node = self._tree.get(root.internalId()) if root is not None else self._tree.root
        if node is None:
            return
        targets = node.children if node is self._tree.root else [node]
        for target in targets:
            self._loader.start_walk(target, LOAD)
        self._loader.pump()

    def stop_loading_all(self) -> None:
        """Forget what load_all and deep refreshes still had to fetch."""
        self._loader.stop_walks()

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

    # --- what the loader hands over (tree_loader.LoadTarget) ---------------------------------

    def children_arrived(self, node: TreeNode, items: list[Node]) -> None:
        self._put_children(node, items)
        node.state, node.error = LoadState.LOADED, None
        if self._exposed(node):  # not past a list's shown pages
            self.loaded.emit(self._index_of(node))

    def fetch_failed_at(self, node: TreeNode, error: SatchelError) -> None:
        if self._exposed(node):
            self.fetch_failed.emit(self._index_of(node), error)

    def account_refused(self, account: str, *, tell: bool) -> None:
        self._sign_out(account, tell=tell)

    def walk_progressed(self, done: int, total: int) -> None:
        self.crawl_progress.emit(done, total)

    def _rows_made(self, node_id: int, made: list[TreeNode], *, finished: bool) -> None:
        self._loader.rows_made(node_id, made, finished=finished)

    # --- helpers ------------------------------------------------------------------------------

    def _sign_out(self, account: str, *, tell: bool) -> None:
        """The service refused the account's secret; `tell`: ask to sign in even if known."""
        node = self._account_node(account)
        if (node is not None and not node.signed_out) or tell:
            self._workspace.mark_signed_out(account)  # every view hears it, this one too

    def _on_changes_sign_in_required(self, account: str) -> None:
        node = self._account_node(account)
        if node is not None and not node.signed_out:
            node.signed_out = True
            self._changed(node)
        self.sign_in_required.emit(account)

    def _on_changes_card_changed(self, account: str, card_id: str) -> None:
        # A batch of uploads landing refreshes each card once.
        self._cards_to_refresh.add((account, card_id))
        self._refresh_cards_timer.start()

    def _on_refresh_cards_timer_timeout(self) -> None:
        cards, self._cards_to_refresh = self._cards_to_refresh, set()
        for account, card_id in cards:
            index = self.index_for(account, card_id)
            if index.isValid():
                self.refresh(index)

    def _show_due_status_rows(self) -> None:
        due, self._status_due = self._status_due, []
        for node_id in due:
            node = self._tree.get(node_id)
            if node is not None and node.wants_status:
                node.wants_status = False
                if node.state is LoadState.LOADING:
                    self._show_status_row(node, RowKind.LOADING)

    def _account(self, account: Account, position: int = 0) -> TreeNode:
        node = self._tree.make(RowKind.ACCOUNT, account.name, account, position)
        node.signed_out = self._workspace.needs_sign_in(account.name)
        return node

    def _decoration(self, node: TreeNode) -> QIcon:
        """An image's thumbnail once fetched (asked for only now, when a view wants it)."""
        item = node.item
        if self._thumbnails is not None and isinstance(item, Attachment) and item.previews:
            thumbnail = self._thumbnails.icon(node.account, item)
            if thumbnail is not None:
                return thumbnail
        return _icon(node.icon_name())

    def _on_thumbnails_thumbnail_ready(self, account: str, attachment_id: str) -> None:
        index = self.index_for(account, attachment_id)
        if index.isValid():
            self.dataChanged.emit(index, index, [_DECORATION])

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
