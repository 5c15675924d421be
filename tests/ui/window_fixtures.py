"""A main window over the real local service, with secrets in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtCore import QModelIndex, QUrl

from satchel import paths
from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import SessionSecretStore
from satchel.domain.model import Account
from satchel.main import app_icon
from satchel.models.task_runner import TaskRunner
from satchel.storage.content_cache import ContentCache
from satchel.ui.main_window import MainWindow
from satchel.workspace import Workspace
from satchel.workspace.content import ContentService
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo

ACCOUNT = "Acme"


@dataclass
class WindowRig:
    window: MainWindow
    workspace: Workspace
    secrets: SessionSecretStore
    opened: list[QUrl]

    def find(self, *names: str) -> QModelIndex:
        """The proxy index of the row at this path of names, under the account."""
        proxy = self.window.proxy
        parent = proxy.index(0, 0)
        for name in names:
            rows = [proxy.index(r, 0, parent) for r in range(proxy.rowCount(parent))]
            matches = [i for i in rows if i.data() == name]
            assert matches, f"{name!r} not among {[i.data() for i in rows]}"
            parent = matches[0]
        return parent

    async def expand(self, *names: str) -> QModelIndex:
        """Expand each row on the path, waiting for its children to load."""
        index = self.window.proxy.index(0, 0)
        for depth in range(len(names) + 1):
            self.window.tree.expand(index)
            source = self.window.proxy.mapToSource(index)
            model = self.window.model
            await wait_until(
                lambda s=source, m=model: m.load_state(s).name == "LOADED",
                what=f"children of {names[:depth]}",
            )
            if depth < len(names):
                index = self.find(*names[: depth + 1])
        return index

    def select(self, index: QModelIndex) -> None:
        self.window.tree.setCurrentIndex(index)


@pytest.fixture
def isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable, folder in (("SATCHEL_CONFIG_DIR", "config"), ("SATCHEL_CACHE_DIR", "cache"),
                             ("SATCHEL_DATA_DIR", "data")):  # fmt: skip
        monkeypatch.setenv(variable, str(tmp_path / folder))
    return tmp_path


def bare_window(qtbot, folder: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window with no account and no service, for what needs no data."""
    workspace = Workspace(AccountStore(folder / "config"), SessionSecretStore())
    content = ContentService(workspace, ContentCache(folder / "c"), folder / "t")
    window = MainWindow(workspace, TaskRunner(), content, app_icon())
    qtbot.addWidget(window)
    return window


def _content(workspace: Workspace) -> ContentService:
    cache = ContentCache(paths.cache_dir() / "content", 64 * 1024 * 1024)
    return ContentService(workspace, cache, paths.cache_dir() / "thumbnails")


@pytest_asyncio.fixture
async def rig(
    qtbot, isolated_paths: Path, sandbox: SandboxInfo, rw_key: str
) -> AsyncIterator[WindowRig]:
    secrets = SessionSecretStore()
    workspace = Workspace(AccountStore(paths.config_dir()), secrets)
    runner = TaskRunner()
    window = MainWindow(workspace, runner, _content(workspace), app_icon())
    opened: list[QUrl] = []
    window.attachments.open_url = lambda url: opened.append(url) or True
    qtbot.addWidget(window)
    window.show()
    await workspace.sign_in(Account(ACCOUNT, "bearer", sandbox.base_url), rw_key)
    window.add_account_row(ACCOUNT)
    yield WindowRig(window, workspace, secrets, opened)
    window.runner.cancel_all()
    await workspace.aclose()


@pytest_asyncio.fixture
async def queue_rig(
    qtbot, isolated_paths: Path, sandbox: SandboxInfo, rw_key: str
) -> AsyncIterator[WindowRig]:
    """The window with a real transfer queue and journal, as the app builds it."""
    from satchel.transfers.journal import Journal
    from satchel.ui.transfer_commands import TransferCommands
    from satchel.workspace.transfers import open_queue

    secrets = SessionSecretStore()
    workspace = Workspace(AccountStore(paths.config_dir()), secrets)
    runner = TaskRunner()
    journal = Journal(paths.data_dir() / "transfers.db")
    queue = open_queue(workspace, journal)
    transfers = TransferCommands(queue, runner)
    window = MainWindow(workspace, runner, _content(workspace), app_icon(), transfers)
    opened: list[QUrl] = []
    window.attachments.open_url = lambda url: opened.append(url) or True
    qtbot.addWidget(window)
    window.show()
    await workspace.sign_in(Account(ACCOUNT, "bearer", sandbox.base_url), rw_key)
    window.add_account_row(ACCOUNT)
    yield WindowRig(window, workspace, secrets, opened)
    window.runner.cancel_all()
    transfers.model.detach()
    await queue.aclose()
    journal.close()
    await workspace.aclose()
