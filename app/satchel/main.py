"""The composition root of the desktop app: build everything, run the Qt loop, clean up."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from satchel import __version__, log, paths, settings
from satchel.domain.errors import SatchelError
from satchel.domain.model import Account
from satchel.integration.entry import APP_ID
from satchel.local_service import LocalService, no_demo_reason, start_local_service
from satchel.models.task_runner import TaskRunner
from satchel.storage.content_cache import ContentCache
from satchel.ui.error_funnel import ErrorFunnel
from satchel.ui.main_window import MainWindow
from satchel.ui.self_check import SELF_CHECK, SelfCheck
from satchel.ui.single_instance import InstanceServer, hand_over, server_name
from satchel.ui.theme import ColorSchemeFollower
from satchel.workspace import Workspace
from satchel.workspace.content import ContentService
from satchel.workspace.environment import environment_account
from satchel.workspace.kinds import (
    APP_URL_OPTION,
    ORGANIZATION_OPTION,
    STORAGE_URL_OPTION,
    TRELLO_KEY_OPTION,
)

if TYPE_CHECKING:
    from satchel.transfers.journal import Journal
    from satchel.transfers.queue import TransferQueue

logger = logging.getLogger(__name__)

#: Set by the start-up benchmark and the bundle build: say "shown" when the window is on
#: screen, then quit. "1" prints it; any other value is a file to write it to, with the time
#: (a Windows bundle without a console has no standard output).
EXIT_WHEN_SHOWN = "SATCHEL_EXIT_WHEN_SHOWN"


def _say_shown(target: str, window: MainWindow) -> None:
    if target == "1":
        print("shown", flush=True)
    else:
        # With the wall-clock time: the caller measures to the window, not to the exit.
        Path(target).write_text(f"shown {time.time():.3f}\n", encoding="utf-8")
    window.close()


def app_icon() -> QIcon:
    return QIcon(str(paths.resources_dir() / "icons" / "satchel.svg"))


def productive_demo_account(base_url: str, handout: dict[str, Any]) -> Account:
    """The ready line's Productive organization as an account (its token is the secret)."""
    return Account(
        name="Demo: Productive",
        kind="productive",
        url=base_url,
        options={
            ORGANIZATION_OPTION: str(handout["organization_id"]),
            STORAGE_URL_OPTION: str(handout["storage_url"]),
            APP_URL_OPTION: base_url,
        },
    )


class DemoAccounts:
    """`--demo`: the local service in the background and its tenants signed in."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.service: LocalService | None = None

    async def start(self) -> None:
        self.window.statusBar().showMessage("Starting the demo service…")
        loop = asyncio.get_running_loop()
        # Starting takes seconds (SeaweedFS, demo data): off the loop, so the window lives.
        self.service = await loop.run_in_executor(
            None, start_local_service, paths.sandbox_data_dir()
        )
        for tenant in self.service.tenants:
            account = Account(
                name=f"Demo: {tenant['name']}", kind="bearer", url=self.service.base_url
            )
            await self.window.workspace.sign_in(account, tenant["read_write_key"], remember=False)
            self.window.add_account_row(account.name)
        trello = self.service.ready.get("trello")
        if trello:
            account = Account(
                name="Demo: Trello",
                kind="trello",
                url=self.service.base_url,
                options={TRELLO_KEY_OPTION: trello["key"]},
            )
            await self.window.workspace.sign_in(account, trello["token"], remember=False)
            self.window.add_account_row(account.name)
        productive = self.service.ready.get("productive")
        if productive:
            account = productive_demo_account(self.service.base_url, productive)
            await self.window.workspace.sign_in(account, productive["token"], remember=False)
            self.window.add_account_row(account.name)
        self.window.statusBar().showMessage("Demo service ready.", 5000)

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None


@dataclass
class Desktop:
    """Everything the running app is made of; `run` and the screenshot script share it."""

    app: QApplication
    loop: qasync.QEventLoop
    window: MainWindow
    workspace: Workspace
    runner: TaskRunner
    funnel: ErrorFunnel
    demo: DemoAccounts
    queue: TransferQueue | None = None
    journal: Journal | None = None
    #: Pasted images written before this are from an earlier run (see sweep_leftovers).
    started: float = field(default_factory=time.time)

    def attach_transfers(self) -> None:
        """The queue and its journal; imported and made once the window shows (they bring
        the whole HTTP stack, which start-up need not wait for)."""
        from satchel.transfers.journal import FILE_NAME, Journal
        from satchel.ui.transfer_commands import TransferCommands
        from satchel.workspace.transfers import open_queue

        self.journal = Journal(paths.data_dir() / FILE_NAME)
        self.queue = open_queue(self.workspace, self.journal)
        transfers = TransferCommands(self.queue, self.runner)
        if QSystemTrayIcon.isSystemTrayAvailable():
            transfers.tray = QSystemTrayIcon(self.app.windowIcon(), self.app)
            transfers.tray.setToolTip("Satchel")
            transfers.tray.show()
        self.window.attach_transfers(transfers)

    async def start(self, demo: bool) -> None:
        """After the window shows: the queue, demo or environment accounts, then what the
        journal left."""
        self.attach_transfers()
        if demo:
            await self.demo.start()
        self.sign_in_from_environment()
        assert self.queue is not None
        await self.queue.restore()
        await self.sweep_leftovers()
        # What the first Add Account or "Open with" needs, loaded now rather than on the
        # click (start-up left them out).
        import satchel.ui.account_dialog
        import satchel.ui.card_picker  # noqa: F401

    async def sweep_leftovers(self) -> None:
        """Pasted images no queued upload needs, drag-out copies a day old; off the loop."""
        from satchel.transfers.leftovers import sweep_drag_out, sweep_pasted

        assert self.queue is not None
        in_use = [item.local_path for item in self.queue]
        await asyncio.to_thread(sweep_pasted, paths.pasted_dir(), in_use, self.started)
        await asyncio.to_thread(sweep_drag_out, paths.drag_out_dir())

    def sign_in_from_environment(self) -> None:
        """SATCHEL_URL and SATCHEL_SECRET (machines without a keyring, kiosks, the bundle's
        test): an account for this run only; its first request checks the secret."""
        named = environment_account()
        if named is not None:
            self.workspace.add_transient(*named)
            self.window.add_account_row(named[0].name)

    async def close(self) -> None:
        if self.queue is not None:
            await self.queue.aclose()
        if self.journal is not None:
            self.journal.close()
        await self.workspace.aclose()


def build(argv: Sequence[str]) -> Desktop:
    log.configure(logging.INFO if os.environ.get("SATCHEL_DEBUG") else logging.WARNING)
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("Satchel")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Satchel")
    app.setDesktopFileName(APP_ID)  # matches the menu entry `satchel desktop install` writes
    icon = app_icon()
    app.setWindowIcon(icon)
    ColorSchemeFollower(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    workspace = Workspace.of_this_user()
    runner = TaskRunner()
    cache_limit = settings.CACHE_MAX_MB.get(settings.open_settings()) * 1024 * 1024
    cache = ContentCache(paths.cache_dir() / "content", cache_limit)
    content = ContentService(workspace, cache, paths.cache_dir() / "thumbnails")
    window = MainWindow(workspace, runner, content, icon)
    funnel = ErrorFunnel(window.show_unexpected, window.show_error)
    funnel.install(loop)
    return Desktop(app, loop, window, workspace, runner, funnel, DemoAccounts(window))


def run(argv: Sequence[str], demo: bool = False, files: Sequence[str] = ()) -> int:
    """The window, or, when one already runs for this user and data dir, hand it `files`
    and bring it forward (one queue per journal)."""
    no_demo = no_demo_reason()
    if demo and no_demo:
        print(no_demo, file=sys.stderr)
        return 2
    opened = [str(Path(name).resolve()) for name in files]
    QApplication.instance() or QApplication(list(argv))  # the socket runs on Qt's loop
    instance_name = server_name(paths.data_dir())
    if hand_over(instance_name, opened):
        return 0
    desktop = build(argv)
    instance = InstanceServer(instance_name, desktop.app)
    instance.listen()
    instance.files_received.connect(desktop.window.receive_files)
    if opened:
        QTimer.singleShot(0, lambda: desktop.window.receive_files(opened))
    if no_demo is None:
        desktop.window.offer_demo(lambda: desktop.runner.run(desktop.demo.start(), "Demo"))
    desktop.window.show()
    desktop.runner.run(
        desktop.start(demo), "Starting the demo service" if demo else "Resuming transfers"
    )
    if target := os.environ.get(SELF_CHECK):
        SelfCheck(desktop.window, desktop.window.tree, desktop.window.model, target)
    if shown_target := os.environ.get(EXIT_WHEN_SHOWN):
        QTimer.singleShot(0, lambda: _say_shown(shown_target, desktop.window))

    closed = asyncio.Event()
    desktop.app.lastWindowClosed.connect(closed.set)
    try:
        with desktop.loop:
            desktop.loop.run_until_complete(closed.wait())
            desktop.loop.run_until_complete(desktop.close())
    except SatchelError as error:
        print(f"satchel: {error.message}", file=sys.stderr)
        return error.exit_code
    finally:
        instance.close()
        desktop.demo.stop()
        desktop.funnel.uninstall()
    return 0
