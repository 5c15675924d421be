from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import KeyringSecretStore, SessionSecretStore, keyring_available
from satchel.domain.errors import NoKeyring, NotFound, UsageError
from satchel.domain.model import Account


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_store_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore()
    assert keyring_available()
    store.set("work", "s3cret")
    assert memory_keyring.entries == {("satchel", "work"): "s3cret"}
    assert store.get("work") == "s3cret"
    store.delete("work")
    store.delete("work")  # already gone: no error
    assert store.get("work") is None


def test_no_keyring_is_a_clear_error() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not keyring_available()
        with pytest.raises(NoKeyring, match="session only"):
            KeyringSecretStore().set("work", "s3cret")
    finally:
        keyring.set_keyring(previous)


def test_session_store_forgets_on_delete() -> None:
    store = SessionSecretStore()
    store.set("a", "1")
    assert store.get("a") == "1"
    store.delete("a")
    assert store.get("a") is None


def test_account_store_round_trip_and_lookup(tmp_path: Path) -> None:
    store = AccountStore(tmp_path)
    with pytest.raises(NotFound, match="account add"):
        store.find(None)
    store.add(Account("a", "bearer", "http://127.0.0.1:1"))
    assert store.find(None).name == "a"
    store.add(Account("b", "bearer", "http://127.0.0.1:2", {"org": "7"}))
    with pytest.raises(UsageError, match="--account"):
        store.find(None)
    assert store.find("b").options == {"org": "7"}
    store.remove("a")
    assert [a.name for a in store.load()] == ["b"]
    assert "secret" not in json.dumps(json.loads(store.path.read_text()))


def test_a_corrupt_account_file_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "accounts.json").write_text("{not json")
    with pytest.raises(UsageError, match="Fix or remove"):
        AccountStore(tmp_path).load()
