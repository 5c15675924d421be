"""The workspace: one factory per kind, transient accounts, and what-changed events."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import SessionSecretStore
from satchel.domain.errors import SignInRequired, UsageError
from satchel.domain.model import Account
from satchel.providers.base import Provider
from satchel.workspace import Workspace
from satchel.workspace.environment import environment_account
from satchel.workspace.kinds import FACTORIES, connect


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def notify_card_changed(self, account: str, card_id: str) -> None:
        self.events.append(("card", account, card_id))

    def notify_sign_in_required(self, account: str) -> None:
        self.events.append(("sign in", account))

    def notify_signed_in(self, account: str) -> None:
        self.events.append(("signed in", account))


def _workspace(tmp_path: Path, **options: object) -> Workspace:
    return Workspace(AccountStore(tmp_path), SessionSecretStore(), **options)  # type: ignore[arg-type]


def test_every_kind_has_one_factory_and_an_unknown_kind_says_which_exist() -> None:
    assert set(FACTORIES) >= {"bearer", "trello"}
    with pytest.raises(UsageError, match="Known kinds: bearer, trello"):
        connect(Account("x", "gopher", "http://127.0.0.1:1"), "secret")


@pytest.mark.asyncio
async def test_an_environment_account_is_a_transient_account_of_the_workspace(
    tmp_path: Path,
) -> None:
    found = environment_account(
        {"SATCHEL_URL": "http://127.0.0.1:9/", "SATCHEL_SECRET": "s3cret-value"}
    )
    assert found is not None
    account, secret = found
    assert account.name == "env:http://127.0.0.1:9"
    workspace = _workspace(tmp_path)
    workspace.add_transient(account, secret)
    assert isinstance(workspace.provider(account.name), Provider)
    assert AccountStore(tmp_path).load() == []  # never written to disk
    await workspace.aclose()
    with pytest.raises(UsageError, match="SATCHEL_SECRET is not"):
        environment_account({"SATCHEL_URL": "http://127.0.0.1:9"})
    assert environment_account({}) is None


def test_a_missing_secret_says_how_to_sign_in_in_the_callers_words(tmp_path: Path) -> None:
    AccountStore(tmp_path).add(Account("work", "bearer", "http://127.0.0.1:1"))
    workspace = _workspace(tmp_path, sign_in_hint=lambda a: f"run add for {a.name}")
    with pytest.raises(SignInRequired, match="run add for work"):
        workspace.provider("work")


def test_the_workspace_publishes_what_changed_to_listeners_it_holds_weakly(
    tmp_path: Path,
) -> None:
    workspace = _workspace(tmp_path)
    kept, dropped = Recorder(), Recorder()
    workspace.changes.subscribe(kept)
    workspace.changes.subscribe(dropped)
    workspace.card_changed("work", "c1")
    del dropped
    gc.collect()
    workspace.mark_signed_out("work")
    assert kept.events == [("card", "work", "c1"), ("sign in", "work")]
    assert workspace.needs_sign_in("work")
