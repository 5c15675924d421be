"""Adding a Trello account from the window: the browser flow against the local dialect."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import SessionSecretStore
from satchel.models.task_runner import TaskRunner
from satchel.ui.account_dialog import AccountDialog
from satchel.ui.trello_form import TrelloForm
from satchel.workspace import Workspace
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.support.tcp_forwarder import free_port
from tests.support.trello import deliver, demo_credentials, press


def _trello_dialog(qtbot, workspace: Workspace) -> tuple[AccountDialog, TrelloForm]:  # type: ignore[no-untyped-def]
    dialog = AccountDialog(workspace, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("trello"))
    form = dialog.form
    assert isinstance(form, TrelloForm)
    return dialog, form


@pytest.mark.asyncio
async def test_allow_in_the_browser_signs_the_account_in(
    qtbot, tmp_path: Path, sandbox: SandboxInfo
) -> None:
    secrets = SessionSecretStore()
    workspace = Workspace(AccountStore(tmp_path), secrets)
    dialog, form = _trello_dialog(qtbot, workspace)
    opened: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    form.open_browser = opened.set_result
    form.url_edit.setText(sandbox.base_url)
    form.key_edit.setText(demo_credentials(sandbox).key)
    port = free_port()  # the OS picks it: no fixed port another run or program may hold
    form.port_box.setValue(port)
    assert f"http://127.0.0.1:{port}" in form.origin_hint.text()
    signed_in: list[str] = []
    dialog.signed_in.connect(signed_in.append)

    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    url = await asyncio.wait_for(opened, 10)
    assert "Allow" in dialog.status.text()
    async with httpx.AsyncClient() as browser:  # the person's browser
        await deliver(browser, (await press(browser, url, "Allow", sandbox)).headers["location"])
    await wait_until(lambda: signed_in, what="the Trello sign-in")

    (account,) = workspace.accounts()
    assert account.kind == "trello" and account.options["key"] == demo_credentials(sandbox).key
    token = secrets.get(account.name)
    assert token and token.startswith("ATTA")
    assert token not in (tmp_path / "accounts.json").read_text()
    boards = await workspace.provider(account.name).list_boards()
    assert boards
    await workspace.remove(account.name)  # revokes the token on the service
    async with httpx.AsyncClient() as plain:
        answer = await plain.get(
            f"{sandbox.base_url}/1/members/me",
            headers={"Authorization": f'OAuth oauth_consumer_key="{account.options["key"]}", '
                                      f'oauth_token="{token}"'},
        )  # fmt: skip
    assert answer.status_code == 401


@pytest.mark.asyncio
async def test_deny_says_so_in_the_dialog(qtbot, tmp_path: Path, sandbox: SandboxInfo) -> None:
    workspace = Workspace(AccountStore(tmp_path), SessionSecretStore())
    dialog, form = _trello_dialog(qtbot, workspace)
    opened: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    form.open_browser = opened.set_result
    form.url_edit.setText(sandbox.base_url)
    form.key_edit.setText(demo_credentials(sandbox).key)
    form.port_box.setValue(free_port())
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    url = await asyncio.wait_for(opened, 10)
    async with httpx.AsyncClient() as browser:
        await deliver(browser, (await press(browser, url, "Deny", sandbox)).headers["location"])
    await wait_until(lambda: "Deny" in dialog.status.text(), what="the refusal")
    assert workspace.accounts() == []
