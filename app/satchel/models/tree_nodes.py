"""The board tree as plain Python: nodes with ids and load states, and the fetch queue.

No Qt here. BoardTreeModel keeps one NodeTree and turns its changes into Qt signals;
a QModelIndex carries a node's int id (never a Python object), so a stale index can
only miss a lookup, never touch freed memory.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from satchel.domain.errors import SatchelError
from satchel.domain.model import Account, Attachment, Node
from satchel.models.tree_roles import (
    CONTAINERS,
    LOADING_TEXT,
    RETRY_HINT,
    Column,
    RowKind,
    account_suffix,
    human_size,
    icon_name,
    local_time,
    modified_at,
    more_text,
    type_text,
)

Item = Account | Node
_STATUS_KINDS = frozenset({RowKind.LOADING, RowKind.FAILURE, RowKind.MORE})


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
    #: Can have children (accounts, boards, lists, cards); a plain field, read per row.
    container: bool = True
    #: How far a long fetch got ("1,000 of about 5,000 cards"), shown while it runs.
    progress: str | None = None
    #: How many of the children views see: all, or the first pages of a long list.
    visible: int = 0
    #: The "Show more" row after those pages (row `visible`); None when all are shown.
    more: TreeNode | None = None
    #: Children fetched but not made into rows yet (position, item): a few each turn.
    unmade: deque[tuple[int, Node]] | None = None
    _texts: tuple[str, str, str, str] | None = None
    _folded: str | None = None

    @property
    def is_status(self) -> bool:
        """A row that stands for no item: loading, failure, or "Show more"."""
        return self.kind in _STATUS_KINDS

    @property
    def domain_id(self) -> str | None:
        item = self.item
        return None if item is None or isinstance(item, Account) else item.id

    @property
    def status_row(self) -> TreeNode | None:
        """The loading or failure row, when one is shown (always the first child)."""
        if self.children and self.children[0].is_status:
            return self.children[0]
        return None

    def name(self) -> str:
        if self._texts is not None:
            return self._texts[Column.NAME]
        if self.kind is RowKind.LOADING:
            return LOADING_TEXT
        if self.kind is RowKind.FAILURE:
            return self.error_message() or "Could not load."
        if self.kind is RowKind.MORE and self.parent is not None:
            above = self.parent
            return more_text(len(above.children) - above.visible + len(above.unmade or ()))
        if isinstance(self.item, Account):
            return self.item.name + account_suffix(self.item, signed_out=self.signed_out)
        return "" if self.item is None else self.item.name

    def folded_name(self) -> str:
        """The name for case-insensitive matching (worked out once)."""
        if self._folded is None:
            self._folded = self.name().casefold()
        return self._folded

    def texts(self) -> tuple[str, str, str, str]:
        """Name, size, type and modified time, as the row shows them (worked out once)."""
        if self._texts is None:
            item = self.item
            size = human_size(item.size) if isinstance(item, Attachment) else self.progress or ""
            modified = local_time(modified_at(item))
            self._texts = (self.name(), size, type_text(self.kind, item), modified)
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
        return icon_name(self.kind, self.item, signed_out=self.signed_out)

    def error_message(self) -> str | None:
        """Why fetching failed: on the node that failed and on its failure row."""
        error = self.parent.error if self.kind is RowKind.FAILURE and self.parent else self.error
        return None if error is None else error.message

    def tooltip(self) -> str:
        name = self.name()
        if self.kind is RowKind.FAILURE:
            return f"{name}\n{RETRY_HINT}"
        if isinstance(self.item, Account):
            hint = "\nThe service refused the saved secret: sign in again." * self.signed_out
            expires = self.item.expires_at
            if expires is not None and not self.signed_out:
                hint += f"\nThe sign-in works until {local_time(expires)}."
            return f"{self.account} — {self.item.url}{hint}"
        facts = ", ".join(fact for fact in self.texts()[1:] if fact)
        return f"{name}\n{facts}" if facts else name


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
        #: How many nodes were ever made.
        self.made = 0

    def __len__(self) -> int:
        return len(self._nodes) - 1

    @property
    def nodes(self) -> dict[int, TreeNode]:
        """Every node by id, the root included. Read, never change."""
        return self._nodes

    def get(self, node_id: int) -> TreeNode | None:
        return self._nodes.get(node_id)

    def find(self, account: str, domain_id: str) -> TreeNode | None:
        node_id = self._by_domain.get((account, domain_id))
        return None if node_id is None else self._nodes.get(node_id)

    def make(self, kind: RowKind, account: str, item: Item | None, position: int = 0) -> TreeNode:
        node = TreeNode(self._next_id, kind, account, item, position=position)
        node.container = kind in CONTAINERS
        if not node.container:
            node.state = LoadState.LOADED  # leaves: nothing to fetch
        self._next_id += 1
        self.made += 1
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
                if gone.more is not None:
                    self.forget(gone.more)
                del self._nodes[gone.id]
                key = (gone.account, gone.domain_id or "")
                if self._by_domain.get(key) == gone.id:
                    del self._by_domain[key]
                gone.parent = None  # no cycles left: freed without the garbage collector
        del parent.children[first : last + 1]
        self.renumber(parent, first)
        self.version += 1

    def forget(self, node: TreeNode) -> None:
        """A row that is no child of its parent (a "Show more" row) is gone."""
        self._nodes.pop(node.id, None)

    def transplant(self, source: TreeNode, target: TreeNode) -> None:
        """`target` (a status row) becomes `source`, which was made but never inserted.

        The row stays where it is, with its id: no row is removed, so views need no
        relayout, and an index kept on the status row now points at the first child.
        """
        del self._nodes[source.id]
        target.kind, target.item, target.position = source.kind, source.item, source.position
        target.state, target.error, target.container = source.state, None, source.container
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


LOAD, REFRESH = "load", "refresh"
#: Walk jobs that fetch: what is not loaded (load), what is or failed (refresh).
_FETCHES = {
    (LoadState.NOT_LOADED, LOAD),
    (LoadState.LOADED, REFRESH),
    (LoadState.FAILED, REFRESH),
}


class WalkQueue:
    """What load_all and deep refreshes still have to fetch, a few at a time."""

    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self._queue: deque[tuple[int, str]] = deque()
        self._waiting: dict[int, str] = {}  # fetched by someone else: go on below afterwards
        self._started: set[tuple[int, str]] = set()  # walks asked for since the last restart
        self._after_rows: dict[int, str] = {}  # walked nodes whose children are still being made
        self.running = 0
        self.done = 0
        self.total = 0

    @property
    def queued(self) -> bool:
        return bool(self._queue)

    def start(self, node: TreeNode, mode: str) -> None:
        """Walk from this node, unless that walk is under way already."""
        if (node.id, mode) not in self._started:
            self._started.add((node.id, mode))
            self.add(node, mode)

    def add(self, node: TreeNode, mode: str) -> None:
        self._queue.append((node.id, mode))
        self.total += 1

    @property
    def idle(self) -> bool:
        return not self._queue and not self.running and not self._after_rows

    def add_below(self, node: TreeNode, mode: str) -> None:
        """The node's children are in: walk on into them (and those still to be made)."""
        self.add_made(node.children, mode)
        if node.unmade and node.id not in self._after_rows:
            self._after_rows[node.id] = mode
            self.total += 1  # done when the last of them are made

    def rows_made(self, node_id: int, made: list[TreeNode], finished: bool) -> None:
        """More children of the node became rows (`finished`: the last of them, or it was
        removed or fetched again): walk into them if it was walked."""
        walked = self._after_rows
        mode = walked.pop(node_id, None) if finished else walked.get(node_id)
        if mode is not None:
            self.add_made(made, mode)
            self.done += finished

    def add_made(self, children: list[TreeNode], mode: str) -> None:
        for child in children:
            if not child.container:
                continue
            if mode == LOAD and child.state is not LoadState.FAILED:
                self.add(child, LOAD)
            elif mode == REFRESH and child.state in (LoadState.LOADED, LoadState.FAILED):
                self.add(child, REFRESH)

    def waited(self, node_id: int) -> str | None:
        """A fetch someone else started is over; the walk's mode for it, if it waited."""
        return self._waiting.pop(node_id, None)

    def next_job(
        self,
        get: Callable[[int], TreeNode | None],
        usable: Callable[[TreeNode], bool],
        budget: list[int],
    ) -> tuple[TreeNode, str] | None:
        """The next node to fetch, unless enough are running; nodes needing none are passed.

        Passing over a loaded tree is quick but not free: `budget[0]` says how many nodes
        may be passed now (the caller goes on later when it runs out).
        """
        while self._queue and self.running < self.concurrency and budget[0] > 0:
            budget[0] -= 1
            node_id, mode = self._queue.popleft()
            node = get(node_id)
            if node is not None and usable(node):
                if (node.state, mode) in _FETCHES:
                    self.running += 1
                    return node, mode
                if node.state is LoadState.LOADING:
                    self._waiting[node_id] = mode
                elif node.state is LoadState.LOADED:
                    self.add_below(node, mode)
            self.done += 1
        return None

    def drop(
        self, keep: Callable[[TreeNode | None], bool], get: Callable[[int], TreeNode | None]
    ) -> None:
        """Forget queued nodes that `keep` refuses (an account that can't be reached)."""
        kept = deque((i, mode) for i, mode in self._queue if keep(get(i)))
        self.done += len(self._queue) - len(kept)
        self._queue = kept

    def restart_count(self) -> None:
        """Nothing left: the next walk counts from zero."""
        self.done = self.total = 0
        self._waiting.clear()
        self._started.clear()
