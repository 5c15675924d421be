"""`satchel account add trello`: sign in through the browser (or paste a token).

The application key is an argument (it is not a secret: Trello puts it in every
authorize URL). The token never is: it comes back from the browser to a loopback
port, or is pasted at a prompt or on standard input, and goes to the keyring only.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import webbrowser
from datetime import UTC
from urllib.parse import urlsplit

from satchel import log
from satchel.auth.trello_authorize import (
    DEFAULT_EXPIRATION,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    EXPIRATIONS,
    TRELLO_API,
    allowed_origin,
    authorize,
    paste_url,
    read_pasted_token,
)
from satchel.cli.context import check_keyring, open_workspace, read_secret, sign_in
from satchel.domain.addresses import check_service_address
from satchel.domain.errors import UsageError
from satchel.domain.plans import TRELLO_DEFAULT_UPLOAD_LIMIT, TRELLO_PLANS
from satchel.domain.units import human_limit, parse_size
from satchel.workspace.kinds import trello_account

KEYS_PAGE = "https://trello.com/power-ups/admin"


def register(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    trello = kinds.add_parser(
        "trello",
        help="a Trello account: sign in through the browser",
        description="Opens Trello's authorize page in the browser; after Allow, Trello sends "
        "the token back to Satchel on this computer. Make the application key on "
        f"{KEYS_PAGE} and add {allowed_origin(DEFAULT_PORT)} (or your --port) to its "
        "allowed origins. With --paste, Trello shows the token and you paste it at the "
        "prompt or on standard input. The token is never an argument; it goes to the OS "
        "keyring only.",
    )
    trello.add_argument("--key", required=True, help="the application key (not a secret)")
    trello.add_argument("--url", default=TRELLO_API, help=f"the API's root (default {TRELLO_API})")
    trello.add_argument("--name", help="a name for the account (default: the API's host)")
    trello.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the loopback port Trello sends the browser back to (default {DEFAULT_PORT})",
    )
    trello.add_argument(
        "--expiration",
        choices=EXPIRATIONS,
        default=DEFAULT_EXPIRATION,
        help=f"how long the token lives (default {DEFAULT_EXPIRATION})",
    )
    trello.add_argument(
        "--upload-limit",
        type=_upload_limit,
        default=TRELLO_DEFAULT_UPLOAD_LIMIT,
        metavar="SIZE",
        help="the largest file the account's workspaces take: 10MB on Trello's free plan, "
        "250MB on paid ones (default 250MB; 'free' and 'paid' also work)",
    )
    trello.add_argument("--paste", action="store_true", help="paste the token Trello shows")
    trello.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the browser (default {DEFAULT_TIMEOUT:.0f})",
    )
    trello.set_defaults(handler=_add)


def _upload_limit(text: str) -> int:
    plan = TRELLO_PLANS.get(text.strip().lower())
    if plan is not None:
        return plan
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _open_browser(url: str) -> None:
    """Print the address, then open it without waiting: some launchers block until closed."""
    print(f"Opening Trello in the browser. If nothing opens, visit:\n  {url}", file=sys.stderr)
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()


async def _token(args: argparse.Namespace, url: str) -> str:
    if not args.paste:
        return await authorize(
            args.key,
            open_browser=_open_browser,
            api_url=url,
            port=args.port,
            timeout=args.timeout,
            expiration=args.expiration,
        )
    page = paste_url(args.key, api_url=url, expiration=args.expiration)
    print(f"Open this page, choose Allow, and copy the token it shows:\n  {page}", file=sys.stderr)
    return read_pasted_token(read_secret("Token: ", url=url))


def _add(args: argparse.Namespace) -> int:
    url = check_service_address(args.url)
    if not args.key.strip():
        raise UsageError(f"Give the application key from {KEYS_PAGE} with --key.")
    log.register_secret(args.key)
    name = args.name or urlsplit(url).netloc
    check_keyring(open_workspace(), name)
    token = asyncio.run(_token(args, url))
    # members/me checks the token before it is kept
    identity = sign_in(trello_account(name, url, args.key, args.upload_limit), token)
    until = (
        f"until {identity.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        if identity.expires_at
        else "with no expiry"
    )
    print(f"Signed in to Trello as {identity.name} ({identity.scope}, {until}, files up to "
          f"{human_limit(args.upload_limit)}); saved as account {name!r}.")  # fmt: skip
    return 0
