"""What every command needs: the workspace, the chosen account, its provider."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from satchel.domain.errors import NoKeyring
from satchel.domain.model import Account, Identity
from satchel.providers.base import Provider
from satchel.stop_signals import run_until_stopped
from satchel.workspace import Workspace
from satchel.workspace.environment import ENV_SECRET, ENV_URL, environment_account, secret_for
from satchel.workspace.kinds import ORGANIZATION_OPTION, TRELLO_KEY_OPTION

T = TypeVar("T")


def add_account_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", metavar="NAME", help="which account, when there are several")


def sign_in_hint(account: Account) -> str:
    key = account.options.get(TRELLO_KEY_OPTION)
    extra = f" --key {key}" if account.kind == "trello" and key else ""
    organization = account.options.get(ORGANIZATION_OPTION)
    if account.kind == "productive" and organization:
        extra = f" --organization {organization}"
    return (
        f"No secret is stored for account {account.name!r}. Sign in again with 'satchel "
        f"account add {account.kind} --url {account.url} --name {account.name}{extra}'."
    )


def open_workspace() -> Workspace:
    """The accounts in the config dir with their secrets in the keyring; a missing keyring
    is an error here (the window asks instead)."""
    return Workspace.of_this_user(sign_in_hint=sign_in_hint, keyring_optional=False)


def choose_account(workspace: Workspace, args: argparse.Namespace) -> str:
    """The account the command works on: the environment's for scripts (a transient
    account of the workspace), else --account or the only one."""
    from_environment = environment_account()
    if from_environment is not None:
        workspace.add_transient(*from_environment)
        return from_environment[0].name
    return workspace.find(getattr(args, "account", None)).name


def run_with_provider(args: argparse.Namespace, work: Callable[[Provider], Awaitable[T]]) -> T:
    """Connect to the chosen account, run `work`, and close the connection."""

    async def session() -> T:
        workspace = open_workspace()
        try:
            return await work(workspace.provider(choose_account(workspace, args)))
        finally:
            await workspace.aclose()

    return run_until_stopped(session())


def read_secret(prompt: str = "API key: ", *, url: str) -> str:
    """The secret for the service at `url`: from the environment only when SATCHEL_URL
    names that service too, else from a prompt or standard input."""
    from_env = secret_for(url)
    if from_env:
        return from_env
    if sys.stdin.isatty():
        return getpass.getpass(prompt).strip()
    return sys.stdin.readline().strip()


def check_keyring(workspace: Workspace, name: str) -> None:
    """Fail fast, before the network, when there is no keyring to keep the secret in."""
    try:
        workspace.needs_sign_in(name)
    except NoKeyring as error:
        raise NoKeyring(
            f"{error.message} Nothing was stored. Scripts can set {ENV_URL} and "
            f"{ENV_SECRET} instead of adding an account."
        ) from error


def sign_in(account: Account, secret: str) -> Identity:
    """Check the secret with the service, then keep it in the keyring and the account in
    the list; says first, before the network, when there is no keyring."""

    async def session() -> Identity:
        workspace = open_workspace()
        try:
            return await workspace.sign_in(account, secret)
        finally:
            await workspace.aclose()

    check_keyring(open_workspace(), account.name)
    return asyncio.run(session())
