"""Fetching the board tree's children from the services, and walking it in the background.

A fetch a view asked for goes in as soon as it is answered. Fetches the model starts on
its own (load_all, a deep refresh) run a few at a time, and their answers go in
together a few times a second: each change costs the view a repaint.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol, cast

from PySide6.QtCore import QObject, QTimer

from satchel.domain.errors import SatchelError, SignInRequired
from satchel.domain.model import Node
from satchel.models.task_runner import TaskRunner
from satchel.models.tree_nodes import LoadState, NodeTree, TreeNode, WalkQueue
from satchel.models.tree_roles import Column, RowKind, count_text
from satchel.workspace import Workspace

#: How many fetches load_all and a deep refresh keep running at once.
WALK_CONCURRENCY = 6
#: How many already loaded nodes a walk passes over per turn of the event loop.
WALK_STEP_NODES = 2000
#: Their answers are put in the tree this often, for at most this long at a time.
APPLY_INTERVAL_MS = 100
APPLY_SLICE_SECONDS = 0.008
#: After this many new nodes, what exists is moved out of the garbage collector's way.
FREEZE_AFTER_NODES = 2000


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


class LoadTarget(Protocol):
    """Where the loader hands what it learns; the board tree model applies it to its rows."""

    @property
    def tree(self) -> NodeTree: ...

    def node_changed(self, node: TreeNode, column: int) -> None: ...

    def children_arrived(self, node: TreeNode, items: list[Node]) -> None:
        """Put the children in (merged with the rows shown) and say the node is loaded."""

    def show_status(self, node: TreeNode, kind: RowKind) -> None: ...

    def fetch_failed_at(self, node: TreeNode, error: SatchelError) -> None: ...

    def account_refused(self, account: str, *, tell: bool) -> None:
        """The service refused the account's secret; `tell`: ask to sign in even if known."""

    def account_usable(self, account: str) -> bool: ...

    def walk_progressed(self, done: int, total: int) -> None: ...


class TreeLoader:
    """Runs the provider calls behind a tree model and hands their answers to it.

    One per model, made by it. `job` names the walk a fetch belongs to (load or refresh);
    None: a view, retry or shallow refresh asked for it.
    """

    def __init__(
        self, model: LoadTarget, owner: QObject, workspace: Workspace, runner: TaskRunner
    ) -> None:
        self._model = model
        self._workspace = workspace
        self._runner = runner
        self._tree = model.tree
        self._walk = WalkQueue(WALK_CONCURRENCY)
        self._walk_reported = (0, 0)
        self._arrived: deque[tuple[int, int, list[Node], str | None]] = deque()
        self._fetches = 0
        self._collections = _BulkCollections(
            lambda: self._fetches > 0 or bool(self._arrived), lambda: self._tree.made
        )
        # Parented to the model (timer and queued pumps): they go when it goes.
        self._owner = owner
        self._apply_timer = QTimer(owner, interval=APPLY_INTERVAL_MS)
        self._apply_timer.timeout.connect(self._on_apply_timer_timeout)

    def start_walk(self, node: TreeNode, mode: str) -> None:
        """Queue a load_all or deep refresh walk from this node; pump() starts it."""
        self._walk.start(node, mode)

    def stop_walks(self) -> None:
        """Forget what walks still had to fetch; fetches running go on."""
        self._walk.drop(lambda _node: False, self._tree.get)
        self.pump()

    def fetch(self, node: TreeNode, *, job: str | None = None, user: bool = False) -> None:
        if node.state is not LoadState.LOADED:
            node.state = LoadState.LOADING
        node.fetch_token += 1
        node_id, token, account = node.id, node.fetch_token, node.account
        item = None if node.kind is RowKind.ACCOUNT else cast(Node, node.item)

        async def children() -> list[Node]:
            provider = self._workspace.provider(account)
            return await provider.children(item, progress=lambda *c: self._on_count(node_id, *c))

        self._fetches += 1
        self._collections.hold()
        task = self._runner.run(
            children(),
            f"Loading {node.name()}",
            on_done=lambda items: self._on_fetched(node_id, token, items, job),
            on_error=lambda error: self._on_fetch_failed(node_id, token, error, job, user),
        )
        task.add_done_callback(lambda _task: self._fetch_ended())

    def rows_made(self, node_id: int, made: list[TreeNode], *, finished: bool) -> None:
        """Children of a node fetched earlier became rows: walks that went there go on."""
        self._walk.rows_made(node_id, made, finished)
        self.pump()

    def _on_count(self, node_id: int, done: int, about: int | None) -> None:
        node = self._tree.get(node_id)
        if node is not None and node.state is LoadState.LOADING:
            node.progress = count_text(done, about)
            self._model.node_changed(node, Column.SIZE)

    def pump(self) -> None:
        """Start what load_all and deep refreshes may fetch now; say how far they got."""
        budget = [WALK_STEP_NODES]
        while job := self._walk.next_job(self._tree.get, self._walkable, budget):
            node, mode = job
            if node.state is LoadState.FAILED:
                self._model.show_status(node, RowKind.LOADING)
            self.fetch(node, job=mode)
        if not budget[0] and self._walk.queued:
            QTimer.singleShot(0, self._owner, self.pump)  # more loaded nodes to pass: next turn
        progress = (self._walk.done, self._walk.total)
        if progress != self._walk_reported and self._walk.total:
            self._walk_reported = progress
            self._model.walk_progressed(*progress)
        if self._walk.idle and not self._arrived:
            self._walk.restart_count()

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
        self.pump()

    def _on_apply_timer_timeout(self) -> None:
        deadline = time.perf_counter() + APPLY_SLICE_SECONDS
        while self._arrived and time.perf_counter() < deadline:
            self._apply_fetched(*self._arrived.popleft())
        if not self._arrived:
            self._apply_timer.stop()
            self._collections.release()
        self.pump()

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
        if node.progress is not None:
            node.progress = None
            self._model.node_changed(node, Column.SIZE)
        self._model.children_arrived(node, items)
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
            if node.progress is not None:
                node.progress = None
                self._model.node_changed(node, Column.SIZE)
            if isinstance(error, SignInRequired):
                self._model.account_refused(node.account, tell=user or job is None)
            if error.retryable or isinstance(error, SignInRequired):
                account = node.account  # unreachable or refused: the rest would fail too
                self._walk.drop(lambda n: n is not None and n.account != account, self._tree.get)
            if node.children and node.status_row is None:
                # A refresh failed: the rows shown stay; the window says what happened.
                handled = isinstance(error, SignInRequired)
            else:
                node.state, node.error = LoadState.FAILED, error
                self._model.show_status(node, RowKind.FAILURE)
            self._model.fetch_failed_at(node, error)
        self.pump()
        return handled

    def _walkable(self, node: TreeNode) -> bool:
        return self._model.account_usable(node.account)
