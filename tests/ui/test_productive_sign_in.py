"""Productive in the window: the sign-in form, and the demo's Productive account."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import KeyringSecretStore
from satchel.main import productive_demo_account
from satchel.models.task_runner import TaskRunner
from satchel.transfers.one_off import upload_file
from satchel.ui.account_dialog import AccountDialog
from satchel.ui.productive_form import ProductiveForm
from satchel.workspace import Workspace
from tests.support.productive import ProductiveDemo
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _productive_dialog(qtbot, workspace: Workspace) -> AccountDialog:
    dialog = AccountDialog(workspace, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("productive"))
    assert isinstance(dialog.form, ProductiveForm)
    return dialog


def test_the_form_says_where_the_token_and_id_are(qtbot, tmp_path: Path) -> None:
    dialog = _productive_dialog(qtbot, Workspace(AccountStore(tmp_path), KeyringSecretStore()))
    form = dialog.form
    assert isinstance(form, ProductiveForm)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    assert "Settings → API integrations" in dialog.status.text()  # the organization id
    form.organization_edit.setText("12345")
    assert "Settings → API integrations" in dialog.status.text()  # then the token
    form.token_edit.setText("f80b89b3-16ab-4958-afdc-6979a4eb2207")
    assert ok.isEnabled()
    assert form.token_edit.echoMode() == form.token_edit.EchoMode.Password
    assert dialog._name() == "productive-12345"


@pytest.mark.asyncio
async def test_signing_in_checks_the_token_then_keeps_it(
    qtbot, tmp_path: Path, productive_org: ProductiveDemo, no_keyring: None
) -> None:
    demo = productive_org
    workspace = Workspace(AccountStore(tmp_path), KeyringSecretStore())
    dialog = _productive_dialog(qtbot, workspace)
    dialog.confirm_session_only = lambda _message: True
    form = dialog.form
    assert isinstance(form, ProductiveForm)
    form.url_edit.setText(demo.base_url)
    form.organization_edit.setText(demo.organization_id)
    form.token_edit.setText("00000000-0000-0000-0000-000000000000")
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    ok.click()
    await wait_until(
        lambda: "Settings → API integrations" in dialog.status.text() and dialog.forms.isEnabled(),
        what="the refusal",
    )
    assert workspace.accounts() == []

    signed_in: list[str] = []
    dialog.signed_in.connect(signed_in.append)
    form.token_edit.setText(demo.token)
    ok.click()
    await wait_until(lambda: signed_in, what="the sign-in")
    (account,) = workspace.accounts()
    assert account.kind == "productive"
    assert account.options["organization_id"] == demo.organization_id
    assert demo.token not in (tmp_path / "accounts.json").read_text()
    await workspace.aclose()


@pytest.mark.asyncio
async def test_the_demo_signs_in_its_productive_organization(
    sandbox: SandboxInfo, productive_org: ProductiveDemo, tmp_path: Path
) -> None:
    # The ready line's handout, naming this module's organization (of the demo's shape):
    # the upload below changes no organization another module reads.
    demo = productive_org
    handout = {**sandbox.ready["productive"], "organization_id": demo.organization_id}
    account = productive_demo_account(sandbox.base_url, handout)
    workspace = Workspace(AccountStore(tmp_path), KeyringSecretStore())
    try:
        identity = await workspace.sign_in(account, demo.token, remember=False)
        assert identity.name == "Productive Demo Agency"
        provider = workspace.provider(account.name)
        boards = [board.name for board in await provider.list_boards()]
        assert "Spring Campaign › Design" in boards
        source = tmp_path / "from the demo.txt"
        source.write_text("demo upload")
        card = (await provider.children((await provider.list_boards())[0]))[0]
        first_task = (await provider.children(card))[0]
        uploaded = await upload_file(provider, first_task.id, source)  # to the demo's own bucket
        await provider.delete(uploaded)
    finally:
        await workspace.aclose()
    assert (
        not (tmp_path / "accounts.json").exists()
        or demo.token not in (tmp_path / "accounts.json").read_text()
    )
