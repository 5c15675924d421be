"""Getting a Trello token from the user: the browser flow, and pasting a token. No Qt.

The browser flow (PROTOCOLS.md §1): Satchel listens on a fixed loopback port (Trello
only redirects to a `return_url` among the key's allowed origins, so the port must be
known in advance), opens Trello's authorize page with `callback_method=fragment` and
that `return_url`, whose query carries a random state. After Allow the browser lands on
`return_url#token=…`; the page served there posts the token and the state back.
Deny brings an empty token and an error; no answer in time is a timeout. Either way
the listener closes.

The fallback: open the authorize page without a `return_url`; Trello shows the token,
and the user pastes it. The caller checks it (members/me) before keeping it.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

from satchel import log
from satchel.auth.loopback import LoopbackListener, StateMismatch
from satchel.domain.errors import SignInRequired, UsageError

__all__ = [
    "AuthorizationDenied",
    "AuthorizationTimedOut",
    "StateMismatch",
    "allowed_origin",
    "authorize",
    "authorize_url",
    "check_pasted_token",
    "paste_url",
    "read_pasted_token",
]

T = TypeVar("T")

TRELLO_API = "https://api.trello.com"
#: Trello's own authorize page: on trello.com, not on the API host.
TRELLO_AUTHORIZE = "https://trello.com/1/authorize"
DEFAULT_PORT = 8787
CALLBACK_PATH = "/satchel/trello-callback"
EXPIRATIONS = ("1hour", "1day", "30days", "never")
DEFAULT_EXPIRATION = "30days"
SCOPE = "read,write"
APP_NAME = "Satchel"
#: Long enough to sign in to Trello first, with two-step verification.
DEFAULT_TIMEOUT = 300.0
# Tokens are opaque (64 hex, or ATTA + 72): check only that one can go into a header.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]+")


class AuthorizationDenied(SignInRequired):
    """The user chose Deny on Trello's page."""


class AuthorizationTimedOut(SignInRequired):
    """No answer came back from the browser in time."""


def authorize_endpoint(api_url: str) -> str:
    """Where the authorize page is: trello.com for the real API, else the service itself."""
    if urlsplit(api_url).hostname == "api.trello.com":
        return TRELLO_AUTHORIZE
    return api_url.rstrip("/") + "/1/authorize"


def allowed_origin(port: int = DEFAULT_PORT) -> str:
    """What the user adds to the key's allowed origins on trello.com/power-ups/admin."""
    return f"http://127.0.0.1:{port}"


def _expiration(value: str) -> str:
    if value not in EXPIRATIONS:
        raise UsageError(
            f"{value!r} is not an expiration Trello offers; choose one of {', '.join(EXPIRATIONS)}."
        )
    return value


def authorize_url(
    key: str,
    *,
    api_url: str = TRELLO_API,
    return_url: str | None = None,
    expiration: str = DEFAULT_EXPIRATION,
) -> str:
    """The authorize page's address; without `return_url` Trello shows the token to copy."""
    query = {
        "key": key,
        "name": APP_NAME,
        "scope": SCOPE,
        "expiration": _expiration(expiration),
        "response_type": "token",
    }
    if return_url is not None:
        query |= {"callback_method": "fragment", "return_url": return_url}
    return f"{authorize_endpoint(api_url)}?{urlencode(query)}"


def paste_url(key: str, *, api_url: str = TRELLO_API, expiration: str = DEFAULT_EXPIRATION) -> str:
    """The authorize page that shows the token for the user to paste."""
    return authorize_url(key, api_url=api_url, expiration=expiration)


async def authorize(
    key: str,
    *,
    open_browser: Callable[[str], object],
    api_url: str = TRELLO_API,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - how long the browser may take
    expiration: str = DEFAULT_EXPIRATION,
) -> str:
    """Send the user through Trello's authorize page and return the token it gives.

    `open_browser(url)` shows the page (the system browser; the caller may also print
    the URL). `port` 0 picks a free port (tests: the local service allows any loopback
    port; trello.com allows only the origins listed for the key).
    """
    _expiration(expiration)
    log.register_secret(key)
    state = secrets.token_urlsafe(24)
    async with LoopbackListener(CALLBACK_PATH, state, port) as listener:
        return_url = f"{listener.url}?{urlencode({'state': state})}"
        open_browser(
            authorize_url(key, api_url=api_url, return_url=return_url, expiration=expiration)
        )
        try:
            async with asyncio.timeout(timeout):
                answer = await listener.answer()
        except TimeoutError:
            raise AuthorizationTimedOut(
                f"No answer came back from the browser within {timeout:.0f} seconds. Sign in "
                "again, or paste the token instead."
            ) from None
    if answer.error or not answer.token:
        raise AuthorizationDenied(
            "Trello was not allowed to give Satchel access (Deny was chosen). Sign in again "
            "and choose Allow to use this account.",
            detail=answer.error or None,
        )
    return _checked(answer.token)


def _checked(token: str) -> str:
    if not _TOKEN_SHAPE.fullmatch(token):
        raise SignInRequired("What came back from Trello is not a token. Sign in again.")
    log.register_secret(token)
    return token


def read_pasted_token(text: str) -> str:
    """The token in what the user pasted: the token itself, or a whole `…#token=…` address."""
    text = text.strip()
    if "token=" in text:
        found = parse_qs(urlsplit(text).fragment or urlsplit(text).query).get("token")
        text = found[0].strip() if found else ""
    if not text:
        raise UsageError("No token was pasted. Copy the token Trello shows, then paste it.")
    if not _TOKEN_SHAPE.fullmatch(text):
        raise UsageError(
            "That is not a Trello token: a token is one word of letters and digits. "
            "Copy it again from Trello's page."
        )
    log.register_secret(text)
    return text


async def check_pasted_token(text: str, verify: Callable[[str], Awaitable[T]]) -> tuple[str, T]:
    """The pasted token and what `verify(token)` said (the member from members/me)."""
    token = read_pasted_token(text)
    return token, await verify(token)
