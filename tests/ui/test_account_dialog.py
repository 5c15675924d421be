"""Adding an account: the key is checked first, kept in the keyring, or for this session only."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QLineEdit

from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import KeyringSecretStore
from satchel.models.task_runner import TaskRunner
from satchel.ui.account_dialog import AccountDialog
from satchel.workspace import Workspace
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _fill(dialog: AccountDialog, url: str, key: str, name: str = "Work") -> None:
    dialog.name_edit.setText(name)
    dialog.form.url_edit.setText(url)
    dialog.form.key_edit.setText(key)


@pytest.mark.asyncio
async def test_without_a_keyring_the_key_can_be_kept_for_this_session_only(
    qtbot, tmp_path: Path, sandbox: SandboxInfo, rw_key: str, no_keyring: None
) -> None:
    workspace = Workspace(AccountStore(tmp_path), KeyringSecretStore())
    dialog = AccountDialog(workspace, TaskRunner())
    qtbot.addWidget(dialog)
    asked: list[str] = []
    dialog.confirm_session_only = lambda message: asked.append(message) or True
    signed_in: list[str] = []
    dialog.signed_in.connect(signed_in.append)
    _fill(dialog, sandbox.base_url, rw_key)

    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    await wait_until(lambda: signed_in, what="the sign-in")
    assert "keyring" in asked[0].lower()
    assert not workspace.needs_sign_in("Work")
    assert [a.name for a in workspace.accounts()] == ["Work"]
    assert rw_key not in (tmp_path / "accounts.json").read_text()
    await workspace.aclose()


@pytest.mark.asyncio
async def test_declining_session_only_keeps_nothing_and_says_why(
    qtbot, tmp_path: Path, sandbox: SandboxInfo, rw_key: str, no_keyring: None
) -> None:
    workspace = Workspace(AccountStore(tmp_path), KeyringSecretStore())
    dialog = AccountDialog(workspace, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.confirm_session_only = lambda _message: False
    _fill(dialog, sandbox.base_url, rw_key)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    await wait_until(lambda: "keyring" in dialog.status.text().lower(), what="the explanation")
    assert workspace.accounts() == []


@pytest.mark.asyncio
async def test_a_refused_key_is_said_in_the_dialog_and_nothing_is_saved(
    qtbot, tmp_path: Path, sandbox: SandboxInfo
) -> None:
    workspace = Workspace(AccountStore(tmp_path), KeyringSecretStore())
    dialog = AccountDialog(workspace, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, sandbox.base_url, "ixk_" + "z" * 40)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    await wait_until(lambda: "key" in dialog.status.text().lower() and dialog.forms.isEnabled(),
                     what="the refusal")  # fmt: skip
    assert "ixk_zzz" not in dialog.status.text()
    assert workspace.accounts() == []
    assert dialog.isVisible(), "the dialog stays open to try another key"
    assert dialog.result() != AccountDialog.DialogCode.Accepted


def test_the_form_says_what_is_missing(qtbot, tmp_path: Path) -> None:
    dialog = AccountDialog(Workspace(AccountStore(tmp_path), KeyringSecretStore()), TaskRunner())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.form.url_edit.setText("not a url")
    assert "https://" in dialog.status.text()
    dialog.form.url_edit.setText("https://example.com")
    assert "key" in dialog.status.text().lower()
    dialog.form.key_edit.setText("ixk_abc")
    assert ok.isEnabled()
    assert dialog.form.key_edit.echoMode() == dialog.form.key_edit.EchoMode.Password


@pytest.mark.parametrize("kind", ["bearer", "trello", "productive"])
def test_a_plain_http_address_of_another_machine_is_refused_in_every_form(
    qtbot, tmp_path: Path, kind: str
) -> None:
    dialog = AccountDialog(Workspace(AccountStore(tmp_path), KeyringSecretStore()), TaskRunner())
    qtbot.addWidget(dialog)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(kind))
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    form = dialog.form
    for edit in form.findChildren(QLineEdit):
        if edit is not form.url_edit:  # every other field filled: only the address is wrong
            edit.setText("1234" if edit.echoMode() == QLineEdit.EchoMode.Normal else "ixk_abc")
    form.url_edit.setText("http://files.example.com")  # the key would cross the network in clear
    assert "plain http" in dialog.status.text() and not ok.isEnabled()
    form.url_edit.setText("http://127.0.0.1:9")  # this computer: nothing crosses a network
    assert "plain http" not in dialog.status.text()
