"""`satchel account add productive --organization ID`: an API token and its organization.

Both are made and shown in Productive under Settings → API integrations. The token is
read from a prompt, standard input or $SATCHEL_SECRET (never an argument), checked with
Productive, then kept in the keyring only; the organization id goes in the account list.
"""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from satchel import log
from satchel.cli.context import read_secret, sign_in
from satchel.domain.addresses import check_service_address
from satchel.domain.errors import UsageError
from satchel.domain.model import Account
from satchel.workspace.environment import ENV_SECRET
from satchel.workspace.kinds import APP_URL_OPTION, ORGANIZATION_OPTION, STORAGE_URL_OPTION

PRODUCTIVE_API = "https://api.productive.io"
WHERE = "Settings → API integrations"


def register(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    productive = kinds.add_parser(
        "productive",
        help="a Productive organization: an API token and the organization id",
        description=f"Make an API token in Productive under {WHERE}; the organization id "
        "is shown on the same page. The token is read from a prompt, standard input or "
        f"the {ENV_SECRET} environment variable (never an argument), checked with "
        "Productive, and kept in the OS keyring only. A read-only token can browse and "
        "download; Satchel says so at the first change it refuses.",
    )
    productive.add_argument(
        "--organization", required=True, metavar="ID",
        help=f"the organization id ({WHERE} shows it)",
    )  # fmt: skip
    productive.add_argument(
        "--url", default=PRODUCTIVE_API, help=f"the API's root (default {PRODUCTIVE_API})"
    )
    productive.add_argument("--name", help="a name for the account (default: productive-ID)")
    productive.add_argument(
        "--storage-url", help="the upload bucket's URL (default: Productive's own bucket)"
    )
    productive.add_argument("--app-url", help="the web app's root, for task links")
    productive.set_defaults(handler=_add)


def _web_address(value: str, option: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UsageError(f"{option} {value!r} is not a web address; give one like https://host/")
    return value.rstrip("/")


def _add(args: argparse.Namespace) -> int:
    organization = args.organization.strip()
    if not organization.isdigit():
        raise UsageError(
            f"{args.organization!r} is not an organization id: it is a number, shown in "
            f"Productive under {WHERE}."
        )
    options = {ORGANIZATION_OPTION: organization}
    if args.storage_url:
        options[STORAGE_URL_OPTION] = _web_address(args.storage_url, "--storage-url")
    if args.app_url:
        options[APP_URL_OPTION] = _web_address(args.app_url, "--app-url")
    url = check_service_address(args.url)  # the token goes there: https unless loopback
    secret = read_secret("Productive API token: ", url=url)
    if not secret:
        raise UsageError(
            f"No token was given. Make one in Productive under {WHERE}, then type it at the "
            "prompt or pipe it on standard input."
        )
    log.register_secret(secret)
    name = args.name or f"productive-{organization}"
    account = Account(name=name, kind="productive", url=url, options=options)
    identity = sign_in(account, secret)
    print(
        f"Signed in to Productive ({url}) as {identity.name}, organization {organization}; "
        f"saved as account {name!r}."
    )
    return 0
