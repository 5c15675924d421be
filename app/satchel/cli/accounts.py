"""`satchel account add|list|remove`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from urllib.parse import urlsplit

from satchel import log
from satchel.auth.accounts import Account
from satchel.cli import trello_sign_in
from satchel.cli.context import (
    ENV_SECRET,
    account_store,
    check_keyring,
    read_secret,
    secret_store,
)
from satchel.domain.errors import NoKeyring, SatchelError, UsageError
from satchel.providers.registry import connect


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = commands.add_parser("account", help="add, list or remove accounts")
    actions = account.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="sign in to a service and remember the account")
    kinds = add.add_subparsers(dest="kind", metavar="KIND", required=True)
    bearer = kinds.add_parser(
        "bearer",
        help="a service with API keys (Authorization: Bearer)",
        description="The secret is read from a prompt, or from standard input, or from "
        f"the {ENV_SECRET} environment variable; never from an argument. It goes to the "
        "OS keyring only.",
    )
    bearer.add_argument("--url", required=True, help="the service's base URL")
    bearer.add_argument("--name", help="a name for the account (default: the service's host)")
    bearer.set_defaults(handler=_add)
    trello_sign_in.register(kinds)

    listing = actions.add_parser("list", help="list the accounts")
    listing.set_defaults(handler=_list)

    remove = actions.add_parser("remove", help="forget an account and delete its secret")
    remove.add_argument("name")
    remove.set_defaults(handler=_remove)


def _add(args: argparse.Namespace) -> int:
    parts = urlsplit(args.url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UsageError(f"{args.url!r} is not a web address; give one like https://host/")
    name = args.name or parts.netloc
    secret = read_secret()
    if not secret:
        raise UsageError("No key was given. Type it at the prompt or pipe it on standard input.")
    log.register_secret(secret)
    account = Account(name=name, kind=args.kind, url=args.url.rstrip("/"))
    secrets = secret_store()
    check_keyring(secrets, name)

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
    account = account_store().find(args.name)
    secret = None
    with contextlib.suppress(NoKeyring):  # without a keyring no secret was ever stored
        secret = secret_store().get(account.name)
    if secret:
        _sign_out(account, secret)
    account_store().remove(account.name)
    with contextlib.suppress(NoKeyring):
        secret_store().delete(account.name)
    print(f"Removed account {account.name!r} and its secret.")
    return 0


def _sign_out(account: Account, secret: str) -> None:
    """Revoke the secret on the service first, where it can be (Trello's tokens)."""
    log.register_secret(secret)

    async def sign_out() -> None:
        provider = connect(account, secret)
        try:
            await provider.sign_out()
        finally:
            await provider.aclose()

    try:
        asyncio.run(sign_out())
    except SatchelError as error:
        print(
            f"satchel: the service could not revoke the secret ({error.message}); it is "
            "forgotten here all the same. Revoke it on the service's own pages.",
            file=sys.stderr,
        )
