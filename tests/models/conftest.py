"""The board tree against the real local service, on the Qt event loop (qasync)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from satchel.auth.accounts import AccountStore
from satchel.domain.model import Account, Node
from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.providers.base import Provider
from satchel.workspace import Workspace
from satchel.workspace.kinds import connect
from tests.support.qt import pytest_asyncio_loop_factories  # noqa: F401
from tests.support.sandbox import SandboxInfo

DEMO = "Acme"
WAIT_SECONDS = 20.0


class MemorySecrets:
    def __init__(self) -> None:
        self.saved: dict[str, str] = {}

    def get(self, account: str) -> str | None:
        return self.saved.get(account)

    def set(self, account: str, secret: str) -> None:
        self.saved[account] = secret

    def delete(self, account: str) -> None:
        self.saved.pop(account, None)


class FaultyProvider:
    """The real provider, with faults injected into `children` (the tree's one call)."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.failures: list[Exception] = []  # raised by the next calls, in order
        self.gate: asyncio.Event | None = None  # when set, calls wait until it opens
        self.calls = 0

    async def children(self, parent: Node | None, **options: Any) -> list[Node]:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        if self.gate is not None:
            await self.gate.wait()
        return await self.inner.children(parent, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class Faults:
    """The providers the workspace made, by account name."""

    def __init__(self) -> None:
        self.providers: dict[str, FaultyProvider] = {}

    def connect(self, account: Account, secret: str) -> Provider:
        provider = FaultyProvider(connect(account, secret))
        self.providers[account.name] = provider
        return provider  # type: ignore[return-value]


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def secrets() -> MemorySecrets:
    return MemorySecrets()


@pytest.fixture
def accounts(tmp_path: Path) -> AccountStore:
    return AccountStore(tmp_path / "config")


@pytest_asyncio.fixture
async def workspace(
    accounts: AccountStore,
    secrets: MemorySecrets,
    sandbox: SandboxInfo,
    rw_key: str,
    faults: Faults,
) -> AsyncIterator[Workspace]:
    """A workspace with the demo tenant signed in as "Acme", for this run only."""
    space = Workspace(accounts, secrets, connector=faults.connect)
    await space.sign_in(Account(DEMO, "bearer", sandbox.base_url), rw_key, remember=False)
    yield space
    await space.aclose()


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.cancel_all()


@pytest.fixture
def model(workspace: Workspace, runner: TaskRunner) -> BoardTreeModel:
    return BoardTreeModel(workspace, runner)


def next_emit(
    signal: Any, when: Callable[..., bool] = lambda *_: True, timeout: float = WAIT_SECONDS
) -> Coroutine[Any, Any, tuple[Any, ...]]:
    """Wait on the event loop for the signal (with arguments passing `when`).

    Connects at once, not when the wait starts: a signal emitted synchronously by the
    very next call (a filter pass that fits in one slice) must not be missed.
    """
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def received(*args: Any) -> None:
        if not future.done() and when(*args):
            future.set_result(args)

    signal.connect(received)

    async def wait() -> tuple[Any, ...]:
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            signal.disconnect(received)

    return wait()


def same_row(a: QModelIndex | QPersistentModelIndex, b: QModelIndex) -> bool:
    return a.isValid() and b.isValid() and a.internalId() == b.internalId()


async def fetch(model: BoardTreeModel, index: QModelIndex) -> None:
    """What a view does on expanding a row: fetchMore, then wait for the children."""
    loaded = next_emit(model.loaded, lambda parent: same_row(parent, index))
    waiting = asyncio.ensure_future(loaded)
    await asyncio.sleep(0)  # connected before the fetch can finish
    model.fetchMore(index)
    await waiting


async def load_everything(model: BoardTreeModel) -> None:
    finished = asyncio.ensure_future(
        next_emit(model.crawl_progress, lambda done, total: done == total)
    )
    await asyncio.sleep(0)
    model.load_all(None)
    await finished


def child(model: Any, parent: QModelIndex, name: str) -> QModelIndex:
    """The row under `parent` whose Name column reads `name`."""
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data(Qt.ItemDataRole.DisplayRole) == name:
            return index
    names = [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]
    raise AssertionError(f"no row {name!r} under {parent.data()!r}; rows: {names}")


def names(model: Any, parent: QModelIndex) -> list[str]:
    return [model.index(row, 0, parent).data() for row in range(model.rowCount(parent))]
