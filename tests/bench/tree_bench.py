"""The board tree with a big board: 5,000 cards in, loop stalls, memory.

    .venv/bin/python tests/bench/tree_bench.py

Starts `satchel sandbox --big-board` (5,000 cards in one list, 20,000 attachments) in a
temporary data dir and runs offscreen on the qasync loop: a QTreeView (uniform row
heights) over TreeFilterModel over BoardTreeModel, and a 5 ms heartbeat timer whose
largest gap is the worst stall of the event loop. Prints one line per measure:
    NAME: satchel X UNIT, reference Y UNIT, ratio R (target T)
T applies to the ratio. A stall's reference is the budget of two frames (33 ms), so its
ratio is stall / 33 ms; the idle loop's own worst stall is printed as a `#` line. The
memory line builds each model in a fresh process (tree_memory.py).
"""

from __future__ import annotations

import asyncio
import gc
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTreeView

from satchel.auth.accounts import AccountStore
from satchel.domain.model import Account, BoardList, Card, Node
from satchel.local_service import start_local_service
from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.models.tree_filter import TreeFilterModel
from satchel.providers.base import Provider
from satchel.workspace import Workspace
from satchel.workspace.kinds import connect

ACCOUNT = "Acme"
_INVALID = QModelIndex()
HEARTBEAT_MS = 5
#: Two frames at 60 Hz: the longest a person should wait for the window.
STALL_BUDGET_MS = 33.0
FILTERS = ("scan-00042", "card 4", "brief", "no such row", "")


class Heartbeat:
    """A timer every 5 ms; the largest gap between two ticks is the worst stall.

    Also the most CPU time the loop's thread used between two ticks: on a machine whose
    cores are busy with other work, a gap is that work plus the wait for a core, and the
    CPU part is what a quiet machine would show.
    """

    def __init__(self) -> None:
        self._timer = QTimer(interval=HEARTBEAT_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.reset()
        self._timer.start()

    def reset(self) -> None:
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.worst = self.worst_cpu = 0.0

    def _on_timer_timeout(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, now - self._last)
        self.worst_cpu = max(self.worst_cpu, cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu


class MemorySecrets:
    def __init__(self) -> None:
        self._saved: dict[str, str] = {}

    def get(self, account: str) -> str | None:
        return self._saved.get(account)

    def set(self, account: str, secret: str) -> None:
        self._saved[account] = secret

    def delete(self, account: str) -> None:
        self._saved.pop(account, None)


class TimedProvider:
    """The real provider; remembers when each list's cards were in hand."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.cards_arrived: dict[str, tuple[float, list[Node]]] = {}

    async def children(self, parent: Node | None, **options: Any) -> list[Node]:
        children = await self.inner.children(parent, **options)
        if isinstance(parent, BoardList):
            self.cards_arrived[parent.id] = (time.perf_counter(), children)
        return children

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def signal_once(signal: Any, when: Callable[..., bool] = lambda *_: True) -> tuple[Any, ...]:
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def received(*args: Any) -> None:
        if not future.done() and when(*args):
            future.set_result(args)

    signal.connect(received)
    try:
        return await asyncio.wait_for(future, 600)
    finally:
        signal.disconnect(received)


async def idle(heartbeat: Heartbeat, seconds: float) -> float:
    heartbeat.reset()
    await asyncio.sleep(seconds)
    return heartbeat.worst


def painted(view: QTreeView) -> float:
    """Run what the view still has to do (its delayed layout), paint it, and say when."""
    QApplication.processEvents()
    view.viewport().repaint()
    return time.perf_counter()


async def expand(view: QTreeView, model: BoardTreeModel, proxy_index: QModelIndex) -> None:
    source = view.model().mapToSource(proxy_index)  # type: ignore[attr-defined]
    loaded = asyncio.ensure_future(
        signal_once(model.loaded, lambda parent: parent.internalId() == source.internalId())
    )
    await asyncio.sleep(0)
    view.expand(proxy_index)
    await loaded


def row_named(model: Any, parent: QModelIndex, name: str) -> QModelIndex:
    for row in range(model.rowCount(parent)):
        if model.index(row, 0, parent).data() == name:
            return model.index(row, 0, parent)
    raise LookupError(name)


class FlatModel(QAbstractItemModel):
    """The least a Python tree model can do for one parent of n rows: the layout floor."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def index(self, row: int, column: int, parent: QModelIndex = _INVALID) -> QModelIndex:
        return self.createIndex(row, column, 1 if not parent.isValid() else row + 2)

    def parent(self, child: QModelIndex = _INVALID) -> QModelIndex:  # type: ignore[override]
        return QModelIndex() if child.internalId() <= 1 else self.createIndex(0, 0, 1)

    def rowCount(self, parent: QModelIndex = _INVALID) -> int:
        node = parent.internalId()
        return 1 if node == 0 else self.rows if node == 1 else 0

    def columnCount(self, parent: QModelIndex = _INVALID) -> int:
        return 4

    def hasChildren(self, parent: QModelIndex = _INVALID) -> bool:
        return True  # cards too: not loaded yet, as in the big board

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: QModelIndex) -> bool:
        return parent.internalId() > 1

    def data(self, index: QModelIndex, role: int = 0) -> object:
        return "Card" if role == 0 else None


def layout_ms(view: QTreeView) -> float:
    """The fastest of three full layouts of what the view shows."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        view.doItemsLayout()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def layout_floor(view: QTreeView) -> str:
    """Where the stalls come from: one layout of the open list (its first page), and of all
    5,000 rows of a do-nothing Python model under the same proxy."""
    ours = layout_ms(view)
    flat = FlatModel(5000)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(flat)
    floor_view = make_view(proxy)
    floor_view.expand(proxy.index(0, 0))
    floor = layout_ms(floor_view)
    floor_view.deleteLater()
    return (
        f"# one layout of the open list: {ours:.0f} ms; of 5,000 rows of a do-nothing Python "
        f"model under the same proxy: {floor:.0f} ms"
    )


def reference_insert(cards: list[Node]) -> float:
    """The same rows in a QStandardItemModel under the same kind of view: ms to painted."""
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Name", "Size", "Type", "Modified"])
    parent = QStandardItem("Backlog")
    model.appendRow(parent)
    view = make_view(model)
    view.expand(model.index(0, 0))
    painted(view)
    started = time.perf_counter()
    for card in cards:
        assert isinstance(card, Card)
        moment = card.updated_at
        modified = moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""
        parent.appendRow([QStandardItem(card.name), QStandardItem(""), QStandardItem("Card"),
                          QStandardItem(modified)])  # fmt: skip
    elapsed = painted(view) - started
    view.deleteLater()
    return elapsed * 1000


def make_view(model: Any) -> QTreeView:
    view = QTreeView()
    view.setUniformRowHeights(True)
    view.setModel(model)
    view.resize(900, 700)
    view.show()
    return view


def line(name: str, ours: float, ref: float, unit: str, target: str) -> str:
    ratio = ours / ref if ref else float("inf")
    return (
        f"{name}: satchel {ours:.1f} {unit}, reference {ref:.1f} {unit}, "
        f"ratio {ratio:.2f} (target {target})"
    )


def stall_line(name: str, stall_ms: float) -> str:
    return line(name, stall_ms, STALL_BUDGET_MS, "ms", "<= 1.0")


def loaded_rows(model: BoardTreeModel) -> tuple[Account, list[Any]]:
    """The domain objects under the account row, as nested (item, children) pairs."""

    def below(node: Any) -> list[Any]:
        return [(c.item, below(c)) for c in node.children if not c.is_status]

    account = model.tree.root.children[0]
    return account.item, below(account)  # type: ignore[return-value]


def memory_kib(side: str, rows: Path) -> int:
    """How much a fresh process grows building one side's model of the rows."""
    script = Path(__file__).with_name("tree_memory.py")
    done = subprocess.run(
        [sys.executable, str(script), side, str(rows)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


def memory_line(model: BoardTreeModel, data_dir: Path) -> str:
    rows = data_dir / "rows.pickle"
    rows.write_bytes(pickle.dumps(loaded_rows(model)))
    ours, reference = memory_kib("satchel", rows), memory_kib("reference", rows)
    return line(f"tree: memory of {len(model.tree):,} rows loaded, vs a QStandardItemModel",
                ours / 1024, reference / 1024, "MiB", "<= 1.0")  # fmt: skip


class Stalls:
    """Gaps of the heartbeat, and which of them a garbage collection caused (for the log)."""

    def __init__(self, heartbeat: Heartbeat) -> None:
        self.heartbeat = heartbeat
        self.collections: list[tuple[float, float]] = []  # (end, seconds) of full collections
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif info["generation"] == 2:
            self.collections.append((time.perf_counter(), time.perf_counter() - self._started))

    def worst_collection_ms(self, since: float) -> float:
        return max((s for end, s in self.collections if end >= since), default=0.0) * 1000


async def open_tree(
    base_url: str, key: str, data_dir: Path
) -> tuple[Workspace, TaskRunner, BoardTreeModel, TreeFilterModel, QTreeView, TimedProvider]:
    timed: list[TimedProvider] = []

    def connector(account: Account, secret: str) -> Provider:
        timed.append(TimedProvider(connect(account, secret)))
        return timed[-1]  # type: ignore[return-value]

    config = data_dir / f"config-{len(list(data_dir.iterdir()))}"
    workspace = Workspace(AccountStore(config), MemorySecrets(), connector=connector)
    await workspace.sign_in(Account(ACCOUNT, "bearer", base_url), key, remember=False)
    runner = TaskRunner()
    model = BoardTreeModel(workspace, runner)
    proxy = TreeFilterModel()
    proxy.setSourceModel(model)
    view = make_view(proxy)
    await asyncio.sleep(0.2)
    workspace.provider(ACCOUNT)
    return workspace, runner, model, proxy, view, timed[-1]


async def open_backlog(view: QTreeView, model: BoardTreeModel) -> None:
    proxy = view.model()
    account = proxy.index(0, 0)
    await expand(view, model, account)
    board = row_named(proxy, account, "Big board")
    await expand(view, model, board)
    await expand(view, model, row_named(proxy, board, "Backlog"))


async def measure_insert(base_url: str, key: str, data_dir: Path) -> tuple[float, list[Node]]:
    """(1) From the 5,000 cards in hand to the rows inserted and painted."""
    workspace, runner, _model, _proxy, view, timed = await open_tree(base_url, key, data_dir)
    await open_backlog(view, _model)
    arrived, cards = next(iter(timed.cards_arrived.values()))
    elapsed = (painted(view) - arrived) * 1000
    view.deleteLater()
    runner.cancel_all()
    await workspace.aclose()
    return elapsed, cards


async def run(base_url: str, key: str, data_dir: Path) -> list[str]:
    lines = []
    insert_ms, cards = await measure_insert(base_url, key, data_dir)
    reference_ms = reference_insert(cards)
    lines.append(line("tree: 5,000 cards in, rows painted, vs a QStandardItemModel", insert_ms,
                      reference_ms, "ms", "<= 1.5"))  # fmt: skip

    # (2) the lists, then the 5,000 cards, then their 20,000 attachments, left to the loop.
    workspace, runner, model, proxy, view, _timed = await open_tree(base_url, key, data_dir)
    heartbeat = Heartbeat()
    stalls = Stalls(heartbeat)
    await asyncio.sleep(0.1)
    heartbeat.reset()
    started = time.perf_counter()
    await open_backlog(view, model)
    crawled = asyncio.ensure_future(
        signal_once(model.crawl_progress, lambda done, total: done == total)
    )
    await asyncio.sleep(0)
    model.load_all(None)
    await crawled
    await asyncio.sleep(0.2)  # what the last answers still cause: layout, paint
    load_seconds = time.perf_counter() - started
    load_stall, load_cpu = heartbeat.worst * 1000, heartbeat.worst_cpu * 1000
    rows = len(model.tree)
    print(f"# loaded {rows} rows in {load_seconds:.1f} s; longest full garbage collection "
          f"{stalls.worst_collection_ms(started):.0f} ms", file=sys.stderr)  # fmt: skip
    idle_stall = await idle(heartbeat, min(load_seconds, 5.0)) * 1000
    lines.append(f"# worst stall of the idle loop: {idle_stall:.1f} ms")
    lines.append(stall_line("tree: worst loop stall while the big board loads and is laid out",
                            load_stall))  # fmt: skip
    lines.append(f"# while it loads, the loop's thread used at most {load_cpu:.1f} ms of CPU "
                 f"between two ticks (the rest of a gap waits for a core)")  # fmt: skip
    print(layout_floor(view), file=sys.stderr)

    # (3) the filter over every loaded row, with the 5,000 cards on screen.
    worst_filter = worst_filter_cpu = 0.0
    for text in FILTERS:
        applied = asyncio.ensure_future(signal_once(proxy.filter_applied))
        await asyncio.sleep(0)
        heartbeat.reset()
        started = time.perf_counter()
        proxy.set_filter_text(text)
        await applied
        await asyncio.sleep(0.1)  # the view's layout and paint after the last slice
        worst_filter = max(worst_filter, heartbeat.worst)
        worst_filter_cpu = max(worst_filter_cpu, heartbeat.worst_cpu)
        seconds = time.perf_counter() - started
        print(f"# filter {text!r}: {seconds:.2f} s, stall {heartbeat.worst * 1000:.0f} ms",
              file=sys.stderr)  # fmt: skip
    stock = QSortFilterProxyModel()
    stock.setRecursiveFilteringEnabled(True)
    stock.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    stock.setSourceModel(model)
    stock.rowCount()
    started = time.perf_counter()
    stock.setFilterFixedString(FILTERS[0])
    stock_ms = (time.perf_counter() - started) * 1000
    lines.append(stall_line(f"tree: worst loop stall while filtering {rows:,} rows",
                            worst_filter * 1000))  # fmt: skip
    lines.append(f"# while filtering, at most {worst_filter_cpu * 1000:.1f} ms of CPU between "
                 "two ticks")  # fmt: skip
    lines.append(f"# one setFilterFixedString of a recursive QSortFilterProxyModel instead: "
                 f"{stock_ms:.0f} ms")  # fmt: skip
    lines.append(memory_line(model, data_dir))

    runner.cancel_all()
    await workspace.aclose()
    return lines


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="satchel-tree-bench-") as tmp:
        data_dir = Path(tmp)
        service = start_local_service(data_dir / "service", "--big-board")
        try:
            app = QApplication.instance() or QApplication([])
            app.setQuitOnLastWindowClosed(False)  # views come and go between the measures
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            with loop:
                key = service.tenants[0]["read_write_key"]
                lines = loop.run_until_complete(run(service.base_url, key, data_dir))
        finally:
            service.stop()
    for text in lines:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
