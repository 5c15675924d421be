"""What every command needs: the chosen account, its secret, a connected provider."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from satchel import log, paths
from satchel.auth.accounts import Account, AccountStore
from satchel.auth.secrets import KeyringSecretStore, SecretStore
from satchel.domain.errors import NoKeyring, SignInRequired, UsageError
from satchel.providers.base import Provider
from satchel.providers.registry import TRELLO_KEY_OPTION, connect

#: Scripts on machines without a keyring name the service and its secret here.
ENV_URL = "SATCHEL_URL"
ENV_KIND = "SATCHEL_KIND"
ENV_SECRET = "SATCHEL_SECRET"  # noqa: S105 - the variable's name, not a secret
#: With SATCHEL_KIND=trello: the application key (the token is SATCHEL_SECRET).
ENV_TRELLO_KEY = "SATCHEL_TRELLO_KEY"

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
        trello_key = os.environ.get(ENV_TRELLO_KEY)
        account = Account(
            name="(environment)",
            kind=os.environ.get(ENV_KIND, "bearer"),
            url=env_url,
            options={TRELLO_KEY_OPTION: trello_key} if trello_key else {},
        )
        log.register_secret(env_secret)
        return account, env_secret
    account = account_store().find(getattr(args, "account", None))
    secret = env_secret or secret_store().get(account.name)
    if not secret:
        key = account.options.get(TRELLO_KEY_OPTION)
        extra = f" --key {key}" if account.kind == "trello" and key else ""
        raise SignInRequired(
            f"No secret is stored for account {account.name!r}. Sign in again with 'satchel "
            f"account add {account.kind} --url {account.url} --name {account.name}{extra}'."
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


def read_secret(prompt: str = "API key: ") -> str:
    from_env = os.environ.get(ENV_SECRET)
    if from_env:
        return from_env.strip()
    if sys.stdin.isatty():
        return getpass.getpass(prompt).strip()
    return sys.stdin.readline().strip()


def check_keyring(secrets: SecretStore, name: str) -> None:
    """Fail fast, before the network, when there is no keyring to keep the secret in."""
    try:
        secrets.get(name)
    except NoKeyring as error:
        raise NoKeyring(
            f"{error.message} Nothing was stored. Scripts can set {ENV_URL} and "
            f"{ENV_SECRET} instead of adding an account."
        ) from error
