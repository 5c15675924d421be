"""The board tree as plain Python: nodes with ids, their load state, and what a row shows.

No Qt here. BoardTreeModel keeps one NodeTree and turns its changes into Qt signals;
a QModelIndex carries a node's int id (never a Python object), so a stale index can
only miss a lookup, never touch freed memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import PurePosixPath

from satchel.auth.accounts import Account
from satchel.domain.errors import SatchelError
from satchel.domain.model import Attachment, Board, BoardList, Card, Node
from satchel.models.roles import Column, RowKind

Item = Account | Node

LOADING_TEXT = "Loading…"
RETRY_HINT = "Press Enter or double-click to retry."
SIGN_IN_SUFFIX = " — sign in again"

_KIND_OF = {Board: RowKind.BOARD, BoardList: RowKind.LIST, Card: RowKind.CARD}
_TYPE_TEXT = {
    RowKind.ACCOUNT: "Account",
    RowKind.BOARD: "Board",
    RowKind.LIST: "List",
    RowKind.CARD: "Card",
}
_ARCHIVES = {"zip", "tar", "gz", "tgz", "bz2", "xz", "7z", "rar"}
_TEXTS = {"txt", "md", "markdown", "csv", "json", "log", "xml", "yaml", "yml", "html"}


class LoadState(StrEnum):
    NOT_LOADED = "not_loaded"
    LOADING = "loading"
    LOADED = "loaded"
    FAILED = "failed"


@dataclass(eq=False, slots=True)
class TreeNode:
    id: int
    kind: RowKind
    account: str
    item: Item | None  # None on the root and on status rows
    parent: TreeNode | None = None
    children: list[TreeNode] = field(default_factory=list)
    #: This node's row under its parent; kept current by NodeTree.
    row: int = 0
    #: Where the service listed it among its siblings: the order when no column sorts.
    position: int = 0
    state: LoadState = LoadState.NOT_LOADED
    error: SatchelError | None = None
    #: Accounts only: the service refused the secret (401).
    signed_out: bool = False
    #: Bumped at every fetch; an answer for an older one is dropped.
    fetch_token: int = 0
    #: A view asked for the children: show a "Loading…" row until they come.
    wants_status: bool = False
    _texts: tuple[str, str, str, str] | None = None
    _folded: str | None = None

    @property
    def is_status(self) -> bool:
        return self.kind is RowKind.LOADING or self.kind is RowKind.FAILURE

    @property
    def is_container(self) -> bool:
        return self.kind in _CONTAINERS

    @property
    def domain_id(self) -> str | None:
        item = self.item
        if item is None or isinstance(item, Account):
            return None
        return item.id

    @property
    def status_row(self) -> TreeNode | None:
        """The loading or failure row, when one is shown."""
        if self.children and self.children[0].is_status:
            return self.children[0]
        return None

    def name(self) -> str:
        return self._texts[Column.NAME] if self._texts is not None else _name_of(self)

    def folded_name(self) -> str:
        """The name for case-insensitive matching (computed once)."""
        if self._folded is None:
            self._folded = self.name().casefold()
        return self._folded

    def texts(self) -> tuple[str, str, str, str]:
        """Name, size, type and modified time, as the row shows them (computed once)."""
        if self._texts is None:
            self._texts = _texts_of(self)
        return self._texts

    def forget_texts(self) -> None:
        self._texts = None
        self._folded = None

    def sort_key(self, column: int) -> str | int | float:
        item = self.item
        if column == Column.SIZE:
            return item.size if isinstance(item, Attachment) and item.size is not None else -1
        if column == Column.MODIFIED:
            moment = modified_at(item)
            return moment.timestamp() if moment is not None else 0.0
        if column == Column.NAME:
            return self.folded_name()
        return self.texts()[column].casefold()

    def icon_name(self) -> str:
        return icon_name(self)


_CONTAINERS = frozenset({RowKind.ACCOUNT, RowKind.BOARD, RowKind.LIST, RowKind.CARD})


def kind_of(item: Item) -> RowKind:
    if isinstance(item, Account):
        return RowKind.ACCOUNT
    if isinstance(item, Attachment):
        return RowKind.ATTACHMENT
    return _KIND_OF[type(item)]


def modified_at(item: Item | None) -> datetime | None:
    if isinstance(item, Attachment):
        return item.created_at
    if isinstance(item, Board | BoardList | Card):
        return item.updated_at or item.created_at
    return None


def human_size(size: int | None) -> str:
    """1000-based, like file managers: 24.0 MB."""
    if size is None:
        return ""
    if size < 1000:
        return f"{size} byte{'s' * (size != 1)}"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            break
    return f"{value:.1f} {unit}"


def local_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _name_of(node: TreeNode) -> str:
    item = node.item
    if node.kind is RowKind.LOADING:
        return LOADING_TEXT
    if node.kind is RowKind.FAILURE:
        parent_error = node.parent.error if node.parent is not None else None
        return parent_error.message if parent_error else "Could not load."
    if isinstance(item, Account):
        return item.name + (SIGN_IN_SUFFIX if node.signed_out else "")
    return "" if item is None else item.name


def _texts_of(node: TreeNode) -> tuple[str, str, str, str]:
    item = node.item
    name = _name_of(node)
    if isinstance(item, Attachment):
        kind = "Link" if item.is_link else item.content_type
        return (name, human_size(item.size), kind, local_time(item.created_at))
    if item is None:
        return (name, "", "", "")
    return (name, "", _TYPE_TEXT[node.kind], local_time(modified_at(item)))


def icon_name(node: TreeNode) -> str:
    """The file name (without .svg) of the row's icon in resources/icons."""
    if node.kind is RowKind.FAILURE or (node.kind is RowKind.ACCOUNT and node.signed_out):
        return "warning"
    if node.kind is RowKind.LOADING:
        return "loading"
    item = node.item
    if not isinstance(item, Attachment):
        return node.kind.value
    if item.is_link:
        return "link"
    media = item.content_type.split(";", 1)[0].strip().lower()
    suffix = PurePosixPath(item.local_name).suffix.lower().lstrip(".")
    if media.startswith("image/"):
        return "image"
    if media == "application/pdf" or suffix == "pdf":
        return "pdf"
    if suffix in _ARCHIVES or media in {"application/zip", "application/x-tar", "application/gzip"}:
        return "archive"
    if media.startswith("text/") or media == "application/json" or suffix in _TEXTS:
        return "text"
    return "file"


class NodeTree:
    """Nodes by id, under one invisible root (id 0: what an invalid QModelIndex carries)."""

    ROOT_ID = 0

    def __init__(self) -> None:
        self.root = TreeNode(self.ROOT_ID, RowKind.ACCOUNT, "", None, state=LoadState.LOADED)
        self._nodes: dict[int, TreeNode] = {self.ROOT_ID: self.root}
        self._next_id = self.ROOT_ID + 1
        #: (account, domain id) -> node id, for index_for().
        self._by_domain: dict[tuple[str, str], int] = {}
        #: Bumped whenever rows come or go, so slow readers can notice.
        self.version = 0

    def __len__(self) -> int:
        return len(self._nodes) - 1

    def get(self, node_id: int) -> TreeNode | None:
        return self._nodes.get(node_id)

    def find(self, account: str, domain_id: str) -> TreeNode | None:
        node_id = self._by_domain.get((account, domain_id))
        return None if node_id is None else self._nodes.get(node_id)

    def make(self, kind: RowKind, account: str, item: Item | None, position: int = 0) -> TreeNode:
        node = TreeNode(self._next_id, kind, account, item, position=position)
        if kind is RowKind.ATTACHMENT or kind is RowKind.LOADING or kind is RowKind.FAILURE:
            node.state = LoadState.LOADED  # leaves: nothing to fetch
        self._next_id += 1
        self._nodes[node.id] = node
        if node.domain_id is not None:
            self._by_domain[(account, node.domain_id)] = node.id
        return node

    def insert(self, parent: TreeNode, row: int, nodes: list[TreeNode]) -> None:
        for node in nodes:
            node.parent = parent
        parent.children[row:row] = nodes
        self.renumber(parent, row)
        self.version += 1

    def remove(self, parent: TreeNode, first: int, last: int) -> None:
        """Take rows first..last (inclusive) out, forgetting them and all they hold."""
        for node in parent.children[first : last + 1]:
            for gone in walk(node):
                del self._nodes[gone.id]
                domain_id = gone.domain_id
                if (
                    domain_id is not None
                    and self._by_domain.get((gone.account, domain_id)) == gone.id
                ):
                    del self._by_domain[(gone.account, domain_id)]
                gone.parent = None
        del parent.children[first : last + 1]
        self.renumber(parent, first)
        self.version += 1

    def transplant(self, source: TreeNode, target: TreeNode) -> None:
        """`target` (a status row) becomes `source`, which was made but never inserted.

        The row stays where it is, with its id: no row is removed, so views need no
        relayout, and an index kept on the status row now points at the first child.
        """
        del self._nodes[source.id]
        target.kind, target.item, target.position = source.kind, source.item, source.position
        target.state, target.error = source.state, None
        target.forget_texts()
        if target.domain_id is not None:
            self._by_domain[(target.account, target.domain_id)] = target.id

    @staticmethod
    def renumber(parent: TreeNode, start: int = 0) -> None:
        children = parent.children
        for row in range(start, len(children)):
            children[row].row = row


def walk(node: TreeNode) -> Iterator[TreeNode]:
    """The node and everything under it, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))
