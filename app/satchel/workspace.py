"""The accounts a person has and a live provider for each. No Qt.

The window, its models and the command line all reach services through this one
object, so every account has one provider (one HTTP client pool) and one link cache.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from satchel import log
from satchel.auth.accounts import Account, AccountStore
from satchel.auth.secrets import SecretStore, SessionSecretStore
from satchel.domain.errors import NoKeyring, NotFound, SatchelError, SignInRequired
from satchel.domain.model import Identity
from satchel.providers.base import Provider
from satchel.providers.registry import connect
from satchel.storage.links import LinkCache

logger = logging.getLogger(__name__)

Connector = Callable[[Account, str], Provider]


@dataclass
class _Live:
    provider: Provider
    links: LinkCache


class Workspace:
    def __init__(
        self,
        accounts: AccountStore,
        secrets: SecretStore,
        *,
        connector: Connector = connect,
    ) -> None:
        self._store = accounts
        self._secrets = secrets
        self._session = SessionSecretStore()  # chosen by the user when no keyring exists
        self._connector = connector
        self._transient: dict[str, Account] = {}  # demo accounts: never written to disk
        self._live: dict[str, _Live] = {}
        self._signed_out: set[str] = set()
        # Providers of signed-out accounts: closed at the end, as requests may still be running.
        self._closing: list[Provider] = []

    # --- the account list ------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        saved = [a for a in self._store.load() if a.name not in self._transient]
        return [*saved, *self._transient.values()]

    def account(self, name: str) -> Account:
        for account in self.accounts():
            if account.name == name:
                return account
        raise NotFound(f"There is no account named {name!r}.")

    def needs_sign_in(self, name: str) -> bool:
        return name in self._signed_out or self._secret(name) is None

    # --- secrets and providers -------------------------------------------------------------

    def _secret(self, name: str) -> str | None:
        secret = self._session.get(name)
        if secret is None and name not in self._transient:
            with contextlib.suppress(NoKeyring):
                secret = self._secrets.get(name)
        return secret

    def provider(self, name: str) -> Provider:
        """The account's provider, made on first use; SignInRequired when it has no secret."""
        live = self._live.get(name)
        if live is not None:
            return live.provider
        account = self.account(name)
        secret = None if name in self._signed_out else self._secret(name)
        if secret is None:
            raise SignInRequired(f"Sign in to {account.name} again to continue.")
        log.register_secret(secret)
        live = _Live(self._connector(account, secret), LinkCache())
        self._live[name] = live
        return live.provider

    def links(self, name: str) -> LinkCache:
        self.provider(name)
        return self._live[name].links

    async def sign_in(
        self, account: Account, secret: str, *, remember: bool = True, session_only: bool = False
    ) -> Identity:
        """Check the secret with the service, then keep it and the account.

        `remember=False` keeps the account for this run only (demo accounts);
        `session_only=True` keeps the secret in memory (no keyring here). Raises
        `NoKeyring` when the keyring is missing and the caller did not choose that.
        """
        log.register_secret(secret)
        probe = self._connector(account, secret)
        try:
            identity = await probe.whoami()
        finally:
            await probe.aclose()
        if remember and not session_only:
            self._secrets.set(account.name, secret)  # NoKeyring propagates: the UI asks
        else:
            self._session.set(account.name, secret)
        if remember:
            self._store.add(account)
        else:
            self._transient[account.name] = account
        self._signed_out.discard(account.name)
        await self._drop(account.name)
        return identity

    def mark_signed_out(self, name: str) -> None:
        """The service refused the secret (401): keep the account, ask for a new secret."""
        self._signed_out.add(name)
        live = self._live.pop(name, None)
        if live is not None:
            self._closing.append(live.provider)

    async def remove(self, name: str) -> None:
        """Give the secret up on the service where it can be revoked (Trello), then forget
        the account and delete its secret from wherever it was kept."""
        try:
            await self.provider(name).sign_out()
        except SatchelError as error:  # revoking is a courtesy: removal goes on regardless
            logger.warning("could not sign %s out on the service: %s", name, error.message)
        await self._drop(name)
        self._session.delete(name)
        if self._transient.pop(name, None) is None:
            with contextlib.suppress(NoKeyring):
                self._secrets.delete(name)
            self._store.remove(name)
        self._signed_out.discard(name)

    async def _drop(self, name: str) -> None:
        live = self._live.pop(name, None)
        if live is not None:
            await live.provider.aclose()

    async def aclose(self) -> None:
        for name in list(self._live):
            await self._drop(name)
        closing, self._closing = self._closing, []
        for provider in closing:
            await provider.aclose()
