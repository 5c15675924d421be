"""The main window over the real local service: tree, preview, links, sign-in, state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication

from satchel.domain.model import Attachment, ResolvedLink
from satchel.sandbox.store import Store
from satchel.ui.main_window import MainWindow
from satchel.ui.preview.pane import PreviewPage
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import ModuleTenant
from tests.ui.window_fixtures import ACCOUNT, WindowRig

BOARD, LIST, CARD = "Website Relaunch", "Backlog", "Homepage hero"


@pytest.mark.asyncio
async def test_selecting_an_image_previews_it_and_space_hides_the_pane(rig: WindowRig) -> None:
    await rig.expand(BOARD, LIST, CARD)
    rig.select(rig.find(BOARD, LIST, CARD, "Homepage hero.png"))
    pane = rig.window.pane
    await wait_until(lambda: pane.page is PreviewPage.IMAGE, what="the image preview")

    rig.window.tree.setFocus()
    rig.window.toggle_preview()
    assert not pane.isVisible()
    rig.window.toggle_preview()
    assert pane.isVisible()


@pytest.mark.asyncio
async def test_enter_opens_files_with_the_default_app_and_links_in_the_browser(
    rig: WindowRig,
) -> None:
    await rig.expand(BOARD, LIST, CARD)
    rig.window.tree.open_requested.emit(rig.find(BOARD, LIST, CARD, "Style guide"))
    assert rig.opened and rig.opened[-1].scheme() == "https"

    rig.window.tree.open_requested.emit(rig.find(BOARD, LIST, CARD, "Mood board.jpg"))
    await wait_until(lambda: len(rig.opened) == 2, what="the file to open")
    assert rig.opened[-1].isLocalFile()
    assert rig.opened[-1].toLocalFile().endswith(".jpg")


@pytest.mark.asyncio
async def test_copy_link_reuses_a_fresh_link_and_replaces_one_about_to_expire(
    rig: WindowRig,
) -> None:
    await rig.expand(BOARD, LIST, CARD)
    rig.select(rig.find(BOARD, LIST, CARD, "Homepage hero.png"))
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    rig.window.actions_.copy_link.trigger()
    await wait_until(lambda: clipboard.text().startswith("http"), what="a link on the clipboard")
    first = clipboard.text()
    assert "X-Amz-Signature" in first and "ixk_" not in first
    assert "works until" in rig.window.statusBar().currentMessage()

    rig.window.actions_.copy_link.trigger()
    await wait_until(lambda: "works until" in rig.window.statusBar().currentMessage())
    assert clipboard.text() == first, "a link with minutes left is reused"

    _account, attachment = rig.window.selected()
    assert isinstance(attachment, Attachment)
    dying = ResolvedLink(first + "&dying=1", datetime.now(UTC) + timedelta(seconds=30))
    rig.workspace.links(ACCOUNT).put(attachment.id, dying)
    clipboard.clear()
    rig.window.actions_.copy_link.trigger()
    await wait_until(lambda: clipboard.text().startswith("http"), what="a fresh link")
    assert clipboard.text() != dying.url, "a link with under 60 s left is never handed out"

    rig.window.actions_.copy_permanent_link.trigger()
    assert clipboard.text() == attachment.download_url
    assert "ixk_" not in clipboard.text()


@pytest.mark.asyncio
async def test_a_revoked_key_asks_to_sign_in_again_and_keeps_the_tree(
    rig: WindowRig, sandbox: SandboxInfo, rw_key: str, tenant: ModuleTenant
) -> None:
    from satchel.domain.model import Account

    with Store(sandbox.data_dir / "satchel.db") as store:
        doomed = store.create_key(tenant.id, "read_write")
    await rig.workspace.sign_in(Account(ACCOUNT, "bearer", sandbox.base_url), doomed)
    await rig.expand(BOARD, LIST)
    card = rig.find(BOARD, LIST, CARD)
    rig.select(card)
    with Store(sandbox.data_dir / "satchel.db") as store:
        store.revoke_key(doomed)

    rig.window.tree.expand(card)
    await wait_until(lambda: "Sign in again" in rig.window.error_bar.message
                     or "sign in again" in rig.window.error_bar.message.lower(),
                     what="the sign-in request")  # fmt: skip
    assert rig.window.error_bar.isVisible()
    assert rig.workspace.needs_sign_in(ACCOUNT)
    assert rig.find(BOARD, LIST, CARD).isValid(), "the tree is kept"
    assert rig.window.tree.currentIndex().data() == CARD, "the selection is kept"

    dialog = rig.window.sign_in_again(ACCOUNT)
    assert dialog.form.url_edit.isReadOnly()
    dialog.form.key_edit.setText(rw_key)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    await wait_until(lambda: not rig.workspace.needs_sign_in(ACCOUNT), what="signing in again")
    await wait_until(lambda: not rig.window.error_bar.isVisible(), what="the sign-in request to go")
    await rig.expand(BOARD, LIST, CARD)
    assert rig.find(BOARD, LIST, CARD, "Homepage hero.png").isValid()


@pytest.mark.asyncio
async def test_removing_an_account_deletes_its_secret(rig: WindowRig) -> None:
    assert rig.secrets.get(ACCOUNT) is not None, "signed in: the secret is kept"
    rig.window.confirm = lambda _title, _text: True
    rig.select(rig.window.proxy.index(0, 0))
    rig.window.actions_.remove_account.trigger()
    await wait_until(lambda: not rig.workspace.accounts(), what="the account to go")
    assert rig.secrets.get(ACCOUNT) is None
    assert rig.window.proxy.rowCount() == 0
    assert "No account" in rig.window.connection_label.text()


@pytest.mark.asyncio
async def test_an_unexpected_error_is_logged_and_shown_in_the_error_bar(
    rig: WindowRig, caplog: pytest.LogCaptureFixture
) -> None:
    from satchel.ui.error_funnel import ErrorFunnel

    funnel = ErrorFunnel(rig.window.show_unexpected, rig.window.show_error)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as error:
        funnel.report(error)
    assert "Something went wrong" in rig.window.error_bar.message
    assert "boom" in rig.window.error_bar.message
    (logged,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "ZeroDivisionError: boom" in logged.getMessage()
    assert "Traceback" in logged.getMessage(), "the log keeps the traceback for a report"


@pytest.mark.asyncio
async def test_window_state_is_remembered_without_secrets(rig: WindowRig, rw_key: str) -> None:
    rig.window.splitter.setSizes([300, 700])
    rig.window.tree.setColumnWidth(0, 411)
    rig.window.save_state()
    again = MainWindow(rig.workspace, rig.window.runner, rig.window.attachments._content,
                       rig.window.app_icon)  # fmt: skip
    assert again.tree.columnWidth(0) == 411
    from satchel import paths

    ini = (paths.config_dir() / "satchel.ini").read_text()
    assert rw_key not in ini
    again.close()
    again.deleteLater()


def test_no_two_commands_share_a_key_and_nothing_selected_turns_file_commands_off(
    qtbot, isolated_paths
) -> None:
    """Two actions on one key make Qt run neither ("Ambiguous shortcut overload"): Save As
    (Ctrl+Shift+S on Linux) and Download All once did. Runs under Xvfb for each desktop
    too (test_under_xvfb.py), where the platform's own keys differ."""
    from satchel.auth.accounts import AccountStore
    from satchel.auth.secrets import SessionSecretStore
    from satchel.main import app_icon
    from satchel.models.task_runner import TaskRunner
    from satchel.storage.content_cache import ContentCache
    from satchel.workspace import Workspace
    from satchel.workspace.content import ContentService

    workspace = Workspace(AccountStore(isolated_paths / "config"), SessionSecretStore())
    content = ContentService(workspace, ContentCache(isolated_paths / "c"), isolated_paths / "t")
    window = MainWindow(workspace, TaskRunner(), content, app_icon())
    qtbot.addWidget(window)
    owners: dict[str, list[str]] = {}
    for action in window.actions():  # the window's commands: their keys work everywhere in it
        for sequence in action.shortcuts():
            owners.setdefault(sequence.toString(), []).append(action.text())
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert not shared, f"keys held by several commands: {shared}"
    # The viewers' own keys (zoom) work while focus is in them: none may be a window's key.
    inner = {s.toString() for a in window.findChildren(QAction) if a not in window.actions()
             for s in a.shortcuts()}  # fmt: skip
    assert inner and not inner & owners.keys(), inner & owners.keys()
    a = window.actions_
    assert [s.toString() for s in a.download_all.shortcuts()] == ["Ctrl+Shift+D"]
    assert "Ctrl+S" in [s.toString() for s in a.save_as.shortcuts()]
    file_commands = [a.preview, a.open, a.save_as, a.copy_link, a.copy_permanent_link, a.delete]
    assert not any(action.isEnabled() for action in file_commands), "nothing selected"
    assert a.refresh.isEnabled() and a.add_account.isEnabled() and a.quit.isEnabled()


@pytest.mark.asyncio
async def test_the_filter_finds_unloaded_matches_and_opens_the_path_to_them(
    rig: WindowRig,
) -> None:
    rig.window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is rig.window, what="the window")
    rig.window.actions_.find.trigger()
    await wait_until(rig.window.filter_edit.hasFocus, what="the filter to take the focus")
    rig.window.filter_edit.setText("budget")  # lives three levels down, nothing loaded yet

    def shown() -> bool:
        try:
            index = rig.find("Website Relaunch", "In progress", "Launch plan", "Budget.csv")
        except AssertionError:
            return False
        parent = index.parent()
        return rig.window.tree.isExpanded(parent) and not rig.window.tree.isRowHidden(
            index.row(), parent
        )

    await wait_until(shown, 30, "the match and the path to it")
    board = rig.find("Website Relaunch")
    names = [
        rig.window.proxy.index(r, 0, board).data() for r in range(rig.window.proxy.rowCount(board))
    ]
    assert names == ["In progress"], "lists without a match are hidden"
