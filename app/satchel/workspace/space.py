"""The accounts a person has and a live provider for each. No Qt.

The window, its models and the command line all reach services through this one
object, so every account has one provider (one HTTP client pool) and one link cache.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from satchel import log
from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import SecretStore, SessionSecretStore
from satchel.domain.errors import NoKeyring, SatchelError, SignInRequired
from satchel.domain.model import EXPIRES_OPTION, Account, Identity, Node
from satchel.providers.base import Provider
from satchel.providers.pacing import WaitListener, listen_for_waits
from satchel.storage.links import LinkCache
from satchel.workspace.changes import ChangeFeed
from satchel.workspace.kinds import connect

logger = logging.getLogger(__name__)

Connector = Callable[[Account, str], Provider]
#: What to tell a person whose account has no usable secret.
SignInHint = Callable[[Account], str]


def window_hint(account: Account) -> str:
    return f"Sign in to {account.name} again to continue."


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
        sign_in_hint: SignInHint = window_hint,
        keyring_optional: bool = True,
    ) -> None:
        """`keyring_optional=False` lets NoKeyring out of secret lookups (the command line
        says so); the window treats a missing keyring as "sign in again"."""
        self._store = accounts
        self._secrets = secrets
        self._hint = sign_in_hint
        self._keyring_optional = keyring_optional
        self._session = SessionSecretStore()  # chosen by the user when no keyring exists
        self._connector = connector
        #: Archived boards, lists and cards shown (the View menu's choice), for every account.
        self.show_closed = False
        self._transient: dict[str, Account] = {}  # demo accounts: never written to disk
        self._live: dict[str, _Live] = {}
        self._signed_out: set[str] = set()
        # Providers of signed-out accounts: closed at the end, as requests may still be running.
        self._closing: list[Provider] = []
        #: "A card's attachments changed" and "sign in again", for every view to answer.
        self.changes = ChangeFeed()

    @classmethod
    def of_this_user(cls, **options: Any) -> Workspace:
        """The user's accounts (in the config dir) with their secrets in the OS keyring."""
        from satchel import paths
        from satchel.auth.secrets import KeyringSecretStore

        return cls(AccountStore(paths.config_dir()), KeyringSecretStore(), **options)

    def set_show_closed(self, show: bool) -> None:
        """Show archived items or not, on every account; what was fetched is dropped, so the
        next look asks the service again (Trello then asks for archived cards too)."""
        self.show_closed = show
        for live in self._live.values():
            _show_closed(live.provider, show)

    @staticmethod
    def listen_for_waits(listener: WaitListener) -> Callable[[], None]:
        """Hear (what to tell a person, seconds) when a request waits out a service's
        budget, such as Trello's member look-ups; returns the function that stops it."""
        return listen_for_waits(listener)

    # --- the account list ------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        saved = [a for a in self._store.load() if a.name not in self._transient]
        return [*saved, *self._transient.values()]

    def account(self, name: str) -> Account:
        return self.find(name)

    def find(self, name: str | None) -> Account:
        """The named account, or the only one when no name is given."""
        return self._store.find(name, self.accounts())

    def add_transient(self, account: Account, secret: str) -> None:
        """An account for this run only, trusted without asking the service (the
        environment's account of a script: its first request checks the secret)."""
        log.register_secret(secret)
        self._transient[account.name] = account
        self._session.set(account.name, secret)

    def use_secret(self, name: str, secret: str) -> None:
        """Use this secret for the account during this run, in place of the keyring's."""
        log.register_secret(secret)
        self._session.set(name, secret)

    def needs_sign_in(self, name: str) -> bool:
        """No usable secret: refused, missing, or past the expiry the service gave."""
        if name in self._signed_out or self._secret(name) is None:
            return True
        return self.account(name).expires_within(timedelta(0))

    # --- secrets and providers -------------------------------------------------------------

    def _secret(self, name: str) -> str | None:
        secret = self._session.get(name)
        if secret is None and name not in self._transient:
            if not self._keyring_optional:
                return self._secrets.get(name)
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
            raise SignInRequired(self._hint(account))
        log.register_secret(secret)
        live = _Live(self._connector(account, secret), LinkCache())
        if self.show_closed:
            _show_closed(live.provider, True)
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
        if identity.expires_at is not None:  # the row warns before it runs out
            options = {**account.options, EXPIRES_OPTION: identity.expires_at.isoformat()}
            account = replace(account, options=options)
        else:
            account = replace(
                account, options={k: v for k, v in account.options.items() if k != EXPIRES_OPTION}
            )
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
        self.changes.signed_in(account.name)
        return identity

    def mark_signed_out(self, name: str) -> None:
        """The service refused the secret (401): keep the account, ask for a new secret."""
        self._signed_out.add(name)
        live = self._live.pop(name, None)
        if live is not None:
            self._closing.append(live.provider)
        self.changes.sign_in_required(name)

    def card_changed(self, account: str, card_id: str) -> None:
        """Attachments were added to or deleted from the card: tell every view."""
        self.changes.card_changed(account, card_id)

    def forget_cached(self, account: str | None, node: Node | None) -> None:
        """A refresh: providers that read ahead (Trello) must ask the service again for
        what is under `node` (everything when None), for one account or all."""
        names = [account] if account else [a.name for a in self.accounts()]
        for name in names:
            with contextlib.suppress(SatchelError):
                self.provider(name).forget(node)

    async def remove(self, name: str) -> SatchelError | None:
        """Give the secret up on the service where it can be revoked (Trello), then forget
        the account and delete its secret from wherever it was kept. Returns why the
        service did not revoke it, if it did not."""
        refused: SatchelError | None = None
        try:
            provider: Provider | None = self.provider(name)
        except SatchelError:  # no secret (or no keyring): nothing to revoke
            provider = None
        if provider is not None:
            try:
                await provider.sign_out()
            except SatchelError as error:  # revoking is a courtesy: removal goes on
                logger.warning("could not sign %s out on the service: %s", name, error.message)
                refused = error
        await self._drop(name)
        self._session.delete(name)
        if self._transient.pop(name, None) is None:
            with contextlib.suppress(NoKeyring):
                self._secrets.delete(name)
            self._store.remove(name)
        self._signed_out.discard(name)
        return refused

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


def _show_closed(provider: Provider, show: bool) -> None:
    if hasattr(provider, "show_closed"):  # the dialects that know archived items
        provider.show_closed = show
        provider.forget()
