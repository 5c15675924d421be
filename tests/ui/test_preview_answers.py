"""The preview answers the workspace's events, with real widgets over the local service:
an attachment that left its card is said gone; an account that must sign in again gets a
prompt instead of a failing load, and the preview loads once it has signed in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from pytestqt.qtbot import QtBot

from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import SessionSecretStore
from satchel.domain.model import Account
from satchel.models.task_runner import TaskRunner
from satchel.sandbox.store import Store
from satchel.storage.content_cache import ContentCache
from satchel.transfers.one_off import upload_file
from satchel.ui.account_dialog import AccountDialog
from satchel.ui.attachment_commands import AttachmentCommands
from satchel.ui.preview import PreviewPage, PreviewPane
from satchel.workspace import Workspace
from satchel.workspace.content import ContentService
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import ModuleTenant
from tests.ui.window_fixtures import ACCOUNT, WindowRig

BOARD, LIST, CARD = "Website Relaunch", "Backlog", "Homepage hero"


@pytest_asyncio.fixture
async def workspace(tmp_path: Path, sandbox: SandboxInfo, rw_key: str) -> AsyncIterator[Workspace]:
    space = Workspace(AccountStore(tmp_path / "config"), SessionSecretStore())
    await space.sign_in(Account(ACCOUNT, "bearer", sandbox.base_url), rw_key, remember=False)
    yield space
    await space.aclose()


async def _card_id(workspace: Workspace) -> str:
    provider = workspace.provider(ACCOUNT)
    board = next(b for b in await provider.list_boards() if b.name == BOARD)
    board_list = next(x for x in await provider.list_lists(board.id) if x.name == LIST)
    return next(c.id for c in await provider.list_cards(board_list.id) if c.name == CARD)


def _shown_name(pane: PreviewPane) -> str | None:
    return None if pane.attachment is None else pane.attachment.name


@pytest.mark.asyncio
async def test_an_attachment_that_left_its_card_is_said_gone(
    workspace: Workspace, pane: PreviewPane, tmp_path: Path
) -> None:
    card_id = await _card_id(workspace)
    provider = workspace.provider(ACCOUNT)
    (tmp_path / "notes.txt").write_text("soon gone\n")
    (tmp_path / "other.txt").write_text("another file\n")
    notes = await upload_file(provider, card_id, tmp_path / "notes.txt")
    runner = TaskRunner()
    content = ContentService(workspace, ContentCache(tmp_path / "cache"), tmp_path / "thumbs")
    actions = AttachmentCommands(content, runner, pane)
    try:
        actions.preview(ACCOUNT, notes)
        await wait_until(lambda: pane.page is PreviewPage.TEXT, what="the text")

        # The card changes but the previewed file stays: the pane stays as it is.
        other = await upload_file(provider, card_id, tmp_path / "other.txt")
        workspace.card_changed(ACCOUNT, card_id)
        await wait_until(lambda: runner.running == 0, what="the check")
        assert pane.page is PreviewPage.TEXT and pane.attachment is notes

        # Deleted through the one door that publishes it (not by the preview's commands).
        await content.delete(ACCOUNT, notes)
        await wait_until(lambda: pane.page is PreviewPage.EMPTY, what="the pane to clear")
        assert "“notes.txt” is no longer on its card" in pane.empty_view.label.text()
        assert actions.previewing is None and pane.attachment is None
        await content.delete(ACCOUNT, other)
    finally:
        runner.cancel_all()


@pytest.mark.asyncio
async def test_signed_out_preview_asks_to_sign_in_and_loads_after(
    rig: WindowRig, sandbox: SandboxInfo, rw_key: str, tenant: ModuleTenant, qtbot: QtBot
) -> None:
    with Store(sandbox.data_dir / "satchel.db") as store:
        doomed = store.create_key(tenant.id, "read_write")
    await rig.workspace.sign_in(Account(ACCOUNT, "bearer", sandbox.base_url), doomed)
    await rig.expand(BOARD, LIST, CARD)
    with Store(sandbox.data_dir / "satchel.db") as store:
        store.revoke_key(doomed)
    pane = rig.window.pane

    rig.select(rig.find(BOARD, LIST, CARD, "Homepage hero.png"))
    await wait_until(lambda: pane.page is PreviewPage.SIGN_IN, what="the sign-in prompt")
    assert pane.page is not PreviewPage.ERROR and rig.workspace.needs_sign_in(ACCOUNT)
    assert ACCOUNT in pane.sign_in_view.title.text()

    # Another file of the account: the prompt at once, no load that would fail.
    rig.select(rig.find(BOARD, LIST, CARD, "Mood board.jpg"))
    await wait_until(lambda: _shown_name(pane) == "Mood board.jpg", what="the next file")
    assert pane.page is PreviewPage.SIGN_IN

    pane.sign_in_view.sign_in_button.click()
    dialogs = rig.window.findChildren(AccountDialog)
    assert dialogs, "the button opens the window's sign-in dialog"
    dialog = dialogs[-1]
    dialog.form.key_edit.setText(rw_key)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    await wait_until(lambda: pane.page is PreviewPage.IMAGE, what="the preview to load")
    assert _shown_name(pane) == "Mood board.jpg"
    assert not rig.workspace.needs_sign_in(ACCOUNT)
    await rig.expand(BOARD, LIST, CARD)  # the tree's own reload after signing in, done
    await wait_until(lambda: rig.window.runner.running == 0, what="the window to settle")
