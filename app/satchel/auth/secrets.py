"""Secrets live only in the OS keyring, behind three methods.

Where no keyring backend exists (a headless Linux box picks keyring's "fail"
backend), `KeyringSecretStore` raises `NoKeyring`; callers then offer to keep
the secret in memory for this session only (`SessionSecretStore`). We never fall
back to a file: `keyrings.alt` stores plaintext.
"""

from __future__ import annotations

from types import ModuleType
from typing import Protocol

from satchel.domain.errors import NoKeyring

SERVICE_NAME = "satchel"

_NO_KEYRING_MESSAGE = (
    "No OS keyring is available on this machine, so the secret cannot be stored safely. "
    "Install and unlock a keyring (GNOME Keyring, KWallet, macOS Keychain, Windows "
    "Credential Manager), or supply the secret for this session only."
)


def _keyring() -> ModuleType:
    """keyring, imported on first use: finding its backends takes ~60 ms of start-up."""
    import keyring
    import keyring.errors

    return keyring


class SecretStore(Protocol):
    def get(self, account: str) -> str | None: ...

    def set(self, account: str, secret: str) -> None: ...

    def delete(self, account: str) -> None: ...


class KeyringSecretStore:
    """The OS keyring, one entry per account under the service name "satchel"."""

    def __init__(self, service: str = SERVICE_NAME) -> None:
        self.service = service

    def get(self, account: str) -> str | None:
        keyring = _keyring()
        try:
            return keyring.get_password(self.service, account)  # type: ignore[no-any-return]
        except keyring.errors.NoKeyringError as error:
            raise NoKeyring(_NO_KEYRING_MESSAGE) from error
        except keyring.errors.KeyringError as error:
            raise NoKeyring(f"The OS keyring could not be read: {error}") from error

    def set(self, account: str, secret: str) -> None:
        keyring = _keyring()
        try:
            keyring.set_password(self.service, account, secret)
        except keyring.errors.NoKeyringError as error:
            raise NoKeyring(_NO_KEYRING_MESSAGE) from error
        except keyring.errors.KeyringError as error:
            raise NoKeyring(f"The OS keyring refused the secret: {error}") from error

    def delete(self, account: str) -> None:
        keyring = _keyring()
        try:
            keyring.delete_password(self.service, account)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already gone
        except keyring.errors.NoKeyringError as error:
            raise NoKeyring(_NO_KEYRING_MESSAGE) from error


class SessionSecretStore:
    """Secrets kept in memory for this run only; chosen by the user when no keyring exists."""

    def __init__(self) -> None:
        self._secrets: dict[str, str] = {}

    def get(self, account: str) -> str | None:
        return self._secrets.get(account)

    def set(self, account: str, secret: str) -> None:
        self._secrets[account] = secret

    def delete(self, account: str) -> None:
        self._secrets.pop(account, None)


def keyring_available() -> bool:
    """True when a real keyring backend is configured (not keyring's "fail" backend)."""
    backend = _keyring().get_keyring()
    priority = getattr(backend, "priority", 0)
    return bool(priority > 0) and "fail" not in type(backend).__module__
