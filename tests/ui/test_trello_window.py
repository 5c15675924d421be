"""The window's part in Trello as it really behaves: archived items on demand, budget
waits in the status bar."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from satchel.main import app_icon
from satchel.models.task_runner import TaskRunner
from satchel.providers.pacing import announce_wait
from satchel.ui.main_window import MainWindow
from satchel.workspace import Workspace
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.support.trello import trello_workspace
from tests.ui.window_fixtures import WindowRig, _content

pytestmark = pytest.mark.asyncio
TRELLO = "Trello"


@pytest_asyncio.fixture
async def trello_rig(qtbot, isolated_paths: Path, sandbox: SandboxInfo) -> AsyncIterator[WindowRig]:  # type: ignore[no-untyped-def]
    workspace: Workspace = await trello_workspace(sandbox, isolated_paths / "config", TRELLO)
    window = MainWindow(workspace, TaskRunner(), _content(workspace), app_icon())
    qtbot.addWidget(window)
    window.show()
    window.add_account_row(TRELLO)
    yield WindowRig(window, workspace, workspace._session, [])  # type: ignore[arg-type]
    window.runner.cancel_all()
    await workspace.aclose()


def names(rig: WindowRig, *path: str) -> list[str]:
    proxy = rig.window.proxy
    parent = rig.find(*path)
    return [proxy.index(row, 0, parent).data() for row in range(proxy.rowCount(parent))]


async def test_archived_items_show_only_when_asked(trello_rig: WindowRig) -> None:
    action = trello_rig.window.actions_.show_archived
    assert not action.isChecked()
    await trello_rig.expand("Brand Assets")
    assert "Photography" not in names(trello_rig, "Brand Assets")
    action.trigger()
    await wait_until(
        lambda: "Photography" in names(trello_rig, "Brand Assets"), what="the archived list"
    )
    await trello_rig.expand("Website Relaunch", "Backlog")
    await wait_until(
        lambda: "Navigation ideas" in names(trello_rig, "Website Relaunch", "Backlog"),
        what="the archived card",
    )


async def test_a_budget_wait_shows_in_the_status_bar(trello_rig: WindowRig) -> None:
    announce_wait("Trello's limit of 100 members requests per 15 min 00 s is used up", 3.0)
    bar = trello_rig.window.statusBar()
    assert bar.currentMessage().startswith("Trello's limit of 100 members requests")
