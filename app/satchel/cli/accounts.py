"""`satchel account add|list|remove`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import sys
from urllib.parse import urlsplit

from satchel import log
from satchel.auth.accounts import Account
from satchel.cli.context import ENV_SECRET, ENV_URL, account_store, secret_store
from satchel.domain.errors import NoKeyring, UsageError
from satchel.providers.registry import KINDS, connect


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = commands.add_parser("account", help="add, list or remove accounts")
    actions = account.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="sign in to a service and remember the account",
        description="The secret is read from a prompt, or from standard input, or from "
        f"the {ENV_SECRET} environment variable; never from an argument. It goes to the "
        "OS keyring only.",
    )
    add.add_argument("kind", choices=KINDS)
    add.add_argument("--url", required=True, help="the service's base URL")
    add.add_argument("--name", help="a name for the account (default: the service's host)")
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="list the accounts")
    listing.set_defaults(handler=_list)

    remove = actions.add_parser("remove", help="forget an account and delete its secret")
    remove.add_argument("name")
    remove.set_defaults(handler=_remove)


def _read_secret() -> str:
    from_env = os.environ.get(ENV_SECRET)
    if from_env:
        return from_env.strip()
    if sys.stdin.isatty():
        return getpass.getpass("API key: ").strip()
    return sys.stdin.readline().strip()


def _add(args: argparse.Namespace) -> int:
    parts = urlsplit(args.url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UsageError(f"{args.url!r} is not a web address; give one like https://host/")
    name = args.name or parts.netloc
    secret = _read_secret()
    if not secret:
        raise UsageError("No key was given. Type it at the prompt or pipe it on standard input.")
    log.register_secret(secret)
    account = Account(name=name, kind=args.kind, url=args.url.rstrip("/"))
    secrets = secret_store()
    try:
        secrets.get(name)  # fails fast, before the network, when there is no keyring
    except NoKeyring as error:
        raise NoKeyring(
            f"{error.message} Nothing was stored. Scripts can set {ENV_URL} and "
            f"{ENV_SECRET} instead of adding an account."
        ) from error

    async def check() -> str:
        provider = connect(account, secret)
        try:
            identity = await provider.whoami()
        finally:
            await provider.aclose()
        return f"{identity.name} ({identity.scope})"

    who = asyncio.run(check())
    secrets.set(name, secret)
    account_store().add(account)
    print(f"Signed in to {account.url} as {who}; saved as account {name!r}.")
    return 0


def _list(_args: argparse.Namespace) -> int:
    accounts = account_store().load()
    if not accounts:
        print("No accounts. Add one with 'satchel account add bearer --url URL'.", file=sys.stderr)
        return 0
    secrets = secret_store()
    for account in accounts:
        try:
            state = "signed in" if secrets.get(account.name) else "sign in again"
        except NoKeyring:
            state = "no keyring"
        print(f"{account.name}\t{account.kind}\t{account.url}\t{state}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    account = account_store().remove(args.name)
    with contextlib.suppress(NoKeyring):  # without a keyring no secret was ever stored
        secret_store().delete(account.name)
    print(f"Removed account {account.name!r} and its secret.")
    return 0
