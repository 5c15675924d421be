"""`satchel account add|list|remove`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from urllib.parse import urlsplit

from satchel import log
from satchel.cli import productive_sign_in, trello_sign_in
from satchel.cli.context import open_workspace, read_secret, sign_in
from satchel.domain.addresses import check_service_address
from satchel.domain.errors import NoKeyring, UsageError
from satchel.domain.model import Account
from satchel.workspace.environment import ENV_SECRET
from satchel.workspace.kinds import ORGANIZATION_OPTION


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
    productive_sign_in.register(kinds)

    listing = actions.add_parser("list", help="list the accounts")
    listing.set_defaults(handler=_list)

    remove = actions.add_parser("remove", help="forget an account and delete its secret")
    remove.add_argument("name")
    remove.set_defaults(handler=_remove)


def _add(args: argparse.Namespace) -> int:
    url = check_service_address(args.url)
    name = args.name or urlsplit(url).netloc
    secret = read_secret(url=url)
    if not secret:
        raise UsageError("No key was given. Type it at the prompt or pipe it on standard input.")
    log.register_secret(secret)
    account = Account(name=name, kind=args.kind, url=url)
    identity = sign_in(account, secret)
    print(
        f"Signed in to {account.url} as {identity.name} ({identity.scope}); "
        f"saved as account {name!r}."
    )
    return 0


def _list(_args: argparse.Namespace) -> int:
    workspace = open_workspace()
    accounts = workspace.accounts()
    if not accounts:
        print("No accounts. Add one with 'satchel account add bearer --url URL'.", file=sys.stderr)
        return 0
    for account in accounts:
        try:
            state = "sign in again" if workspace.needs_sign_in(account.name) else "signed in"
        except NoKeyring:
            state = "no keyring"
        organization = account.options.get(ORGANIZATION_OPTION)
        extra = f"\torganization {organization}" if organization else ""
        print(f"{account.name}\t{account.kind}\t{account.url}\t{state}{extra}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    async def remove() -> str:
        workspace = open_workspace()
        try:
            name = workspace.find(args.name).name
            refused = await workspace.remove(name)
        finally:
            await workspace.aclose()
        if refused is not None:  # revoking is a courtesy; the secret is forgotten here
            print(
                f"satchel: the service could not revoke the secret ({refused.message}); it "
                "is forgotten here all the same. Revoke it on the service's own pages.",
                file=sys.stderr,
            )
        return name

    name = asyncio.run(remove())
    print(f"Removed account {name!r} and its secret.")
    return 0
