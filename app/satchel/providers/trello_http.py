"""Talking to Trello: the OAuth header, pacing with 429 retries, and Trello's errors.

Every request carries `Authorization: OAuth oauth_consumer_key="…", oauth_token="…"`,
and only to the API's own origin; never `?key=&token=` (attachment downloads refuse
query auth, and a URL ends up in logs and histories). Trello's errors are short plain
text ("invalid token", "expired token", "unauthorized permission requested") or, for
429, JSON: each becomes a domain error with a message a person can act on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from satchel import log as satchel_log
from satchel.domain.errors import NotFound, RateLimited, SatchelError, SignInRequired, TooLarge
from satchel.providers.http import HeaderAuth, error_for_response, malformed, network_error
from satchel.providers.pacing import Pacer
from satchel.providers.retries import RetryPolicy, retrying_rate_limits
from satchel.storage.answers import retry_after_seconds
from satchel.storage.client import read_capped

log = logging.getLogger(__name__)

_DETAIL_LIMIT = 500
_SIGN_IN_AGAIN = "Sign in to Trello again to continue."
#: Trello's plain-text 401 bodies, and what they mean for a person.
_REFUSALS = {
    "expired token": f"Your Trello sign-in has expired. {_SIGN_IN_AGAIN}",
    "invalid token": (
        f"Trello no longer accepts this sign-in: it was revoked or is not valid. {_SIGN_IN_AGAIN}"
    ),
    "invalid key": (
        "Trello does not know this application key. Check the key on "
        "https://trello.com/power-ups/admin and sign in again."
    ),
    "unauthorized permission requested": (
        "Trello refused: this sign-in may not do that (it may be read-only, or no longer see "
        "this board). Sign in to Trello again and allow reading and writing."
    ),
    "auth in query params for attachments is not allowed": (
        f"Trello refused a download that carried its credentials in the address. {_SIGN_IN_AGAIN}"
    ),
}


def oauth_header(key: str, token: str) -> str:
    return f'OAuth oauth_consumer_key="{key}", oauth_token="{token}"'


def trello_auth(api_url: str, key: str, token: str) -> HeaderAuth:
    """The header, for requests to the API's own origin only; key and token kept out of logs."""
    satchel_log.register_secret(key)
    satchel_log.register_secret(token)
    return HeaderAuth(api_url, "Authorization", oauth_header(key, token))


def trello_error(response: httpx.Response) -> SatchelError:
    """The domain error for a Trello error answer whose body has been read."""
    text = response.text.strip()
    said = text.lower().rstrip(".")
    detail = satchel_log.redact(text)[:_DETAIL_LIMIT] or None
    status = response.status_code
    if status == 401 or said in _REFUSALS:
        message = _REFUSALS.get(said, f"Trello no longer accepts this sign-in. {_SIGN_IN_AGAIN}")
        return SignInRequired(message, detail=detail)
    if status == 429:
        retry_after = retry_after_seconds(response.headers)
        return RateLimited(
            "Trello asks Satchel to slow down (too many requests). Try again in a few seconds.",
            detail=detail,
            retry_after=retry_after,
        )
    if status == 413:
        return TooLarge(
            "Trello refused the file as too large for this board (free workspaces take files "
            "up to 10 MB). Share a smaller file, or a link to it.",
            detail=detail,
        )
    if status == 404 or (status == 400 and said in {"invalid id", "invalid objectid"}):
        return NotFound(
            "It is no longer on Trello, or this account cannot see it. Refresh to see what "
            "Trello holds now.",
            detail=detail,
        )
    return error_for_response(response, credential_noun="token")


Attempt = Callable[[], Awaitable[httpx.Response]]


class TrelloHttp:
    """Sends requests through the account's pacers, retries 429s, maps errors."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        auth: HeaderAuth,
        pacers: Sequence[Pacer],
        backoff: RetryPolicy,
    ) -> None:
        self.client = client
        self.auth = auth
        self.pacers = tuple(pacers)
        self.backoff = backoff

    async def send(
        self, method: str, url: str, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """One request (redirects not followed); a 2xx or 3xx answer, else a domain error.

        With `stream=True` the body is not read: the caller closes the answer.
        """

        async def attempt() -> httpx.Response:
            request = self.client.build_request(method, url, **kwargs)
            return await self.client.send(
                request, auth=self.auth, follow_redirects=False, stream=stream
            )

        return await self.retrying(attempt, what=f"{method} {httpx.URL(url).path}")

    async def retrying(self, attempt: Attempt, *, what: str = "request") -> httpx.Response:
        """Run `attempt` when the pacers allow; again after a 429, as the policy allows."""

        async def once() -> httpx.Response:
            try:
                response = await attempt()
            except httpx.TransportError as error:
                raise network_error(error, "Trello") from None
            except httpx.DecodingError as error:
                raise malformed("undecodable body", str(error)) from None
            log.debug("%s -> %s", satchel_log.redact(what), response.status_code)
            if response.status_code < 400:
                return response
            raise trello_error(await _read_error_body(response))

        return await retrying_rate_limits(
            self.backoff, f"Trello {satchel_log.redact(what)}", once, pacers=self.pacers
        )


async def _read_error_body(response: httpx.Response) -> httpx.Response:
    """The error answer with its body read (capped, for a streamed one) and closed."""
    if response.is_stream_consumed:
        return response
    try:
        body = await read_capped(response)
    except httpx.HTTPError:
        body = b""
    finally:
        await response.aclose()
    return httpx.Response(
        response.status_code, headers=response.headers, content=body, request=response.request
    )
