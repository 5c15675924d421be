"""What every command needs: the chosen account, its secret, a connected provider."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

from satchel import log, paths
from satchel.auth.accounts import Account, AccountStore
from satchel.auth.secrets import KeyringSecretStore, SecretStore
from satchel.domain.errors import SignInRequired, UsageError
from satchel.providers.base import Provider
from satchel.providers.registry import connect

#: Scripts on machines without a keyring name the service and its secret here.
ENV_URL = "SATCHEL_URL"
ENV_KIND = "SATCHEL_KIND"
ENV_SECRET = "SATCHEL_SECRET"  # noqa: S105 - the variable's name, not a secret

T = TypeVar("T")


def account_store() -> AccountStore:
    return AccountStore(paths.config_dir())


def secret_store() -> SecretStore:
    return KeyringSecretStore()


def add_account_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", metavar="NAME", help="which account, when there are several")


def resolve_account(args: argparse.Namespace) -> tuple[Account, str]:
    """The account and its secret: from the environment for scripts, else the keyring."""
    env_secret = os.environ.get(ENV_SECRET)
    env_url = os.environ.get(ENV_URL)
    if env_url:
        if not env_secret:
            raise UsageError(f"{ENV_URL} is set but {ENV_SECRET} is not: set both, or neither.")
        account = Account(
            name="(environment)", kind=os.environ.get(ENV_KIND, "bearer"), url=env_url
        )
        log.register_secret(env_secret)
        return account, env_secret
    account = account_store().find(getattr(args, "account", None))
    secret = env_secret or secret_store().get(account.name)
    if not secret:
        raise SignInRequired(
            f"No secret is stored for account {account.name!r}. Sign in again with "
            f"'satchel account add {account.kind} --url {account.url} --name {account.name}'."
        )
    log.register_secret(secret)
    return account, secret


def run_with_provider(args: argparse.Namespace, work: Callable[[Provider], Awaitable[T]]) -> T:
    """Connect to the chosen account, run `work`, and close the connection."""
    account, secret = resolve_account(args)

    async def session() -> T:
        provider = connect(account, secret)
        try:
            return await work(provider)
        finally:
            await provider.aclose()

    return asyncio.run(session())
