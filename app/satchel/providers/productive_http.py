"""Talking to Productive: its three headers, pacing with 429 retries, JSON:API errors.

Every request carries `X-Auth-Token` (to the API's own origin only), `X-Organization-Id`
and `Content-Type: application/vnd.api+json`, GETs included (else 415). Budgets:
100 requests / 10 s per token and 4,000 / 30 min per organization; a 429 says in
`X-RateLimit-Reset` how many seconds to wait (PROTOCOLS.md §2).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import httpx

from satchel import log as satchel_log
from satchel.domain.errors import (
    NotFound,
    PermissionDenied,
    RateLimited,
    Rejected,
    SatchelError,
    SignInRequired,
)
from satchel.providers.http import (
    HeaderAuth,
    decoded_json,
    error_for_response,
    make_api_client,
    send,
)
from satchel.providers.jsonapi import read_errors
from satchel.providers.pacing import Pacer
from satchel.providers.retries import RetryPolicy, retrying_rate_limits

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/vnd.api+json"
_DETAIL_LIMIT = 500
_WHERE = "Settings → API integrations"
_READ_ONLY = (
    "Productive refused the change: this token is read-only (or its person may not change "
    f"this item). Make a read/write token in Productive's {_WHERE} and sign in again with it."
)


def make_productive_client(api_url: str, organization_id: str) -> httpx.AsyncClient:
    client = make_api_client(api_url)
    client.headers.update(
        {"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE, "X-Organization-Id": organization_id}
    )
    return client


def token_auth(api_url: str, token: str) -> HeaderAuth:
    """The token header, for the API's own origin only; the token kept out of logs."""
    satchel_log.register_secret(token)
    return HeaderAuth(api_url, "X-Auth-Token", token)


def reset_seconds(headers: httpx.Headers) -> float | None:
    """`X-RateLimit-Reset`: seconds until the budget allows requests again."""
    value = (headers.get("X-RateLimit-Reset") or "").strip()
    if not value.isascii():  # float() reads "٣٠" and "１０" too: no wait comes from those
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None  # not inf, not nan


def productive_error(response: httpx.Response, *, write: bool = False) -> SatchelError:
    """The domain error for a Productive error answer whose body has been read."""
    try:
        body: Any = decoded_json(response)
    except ValueError:
        body = None
    errors = read_errors(body)
    first = errors[0] if errors else None
    status = response.status_code
    words = ": ".join(p for p in (first.title, first.detail) if p) if first else ""
    detail = satchel_log.redact(words or response.text.strip())[:_DETAIL_LIMIT] or None
    if status == 401:
        return SignInRequired(
            "Productive no longer accepts this account's token (revoked, or not valid for "
            f"this organization). Make a token in Productive's {_WHERE} and sign in again.",
            detail=detail,
        )
    if status == 403:
        if write:
            return PermissionDenied(_READ_ONLY, detail=detail)
        return PermissionDenied(
            "Productive does not let this account see that item. Ask the organization's "
            "admin for access; the rest of the account works as before.",
            detail=detail,
        )
    if status == 404:
        return NotFound(
            "It is no longer on Productive, or this account cannot see it. Refresh to see "
            "what Productive holds now.",
            detail=detail,
        )
    if status == 422:
        attribute = first.attribute if first else None
        named = f" the value of “{attribute}”" if attribute else " the request"
        said = f": {first.detail}" if first and first.detail else "."
        return Rejected(f"Productive refused{named}{said}", detail=detail)
    if status in {400, 415}:
        return SatchelError(
            f"Satchel sent Productive a request it does not understand ({status} "
            f"{first.title if first else 'Bad Request'}). This is a bug in Satchel: please "
            "report it.",
            detail=detail,
        )
    if status == 429:
        return RateLimited(
            "Productive asks Satchel to slow down (too many requests). Try again in a minute.",
            detail=detail,
            retry_after=reset_seconds(response.headers),
        )
    return error_for_response(response, credential_noun="token")


class ProductiveHttp:
    """Sends requests through the account's pacers, waits out 429s, maps errors."""

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

    async def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request (no redirect followed): a 2xx or 3xx answer, else a domain error."""
        write = method not in {"GET", "HEAD"}

        async def once() -> httpx.Response:
            return await send(
                self.client, method, url, auth=self.auth, service="Productive",
                refusal=lambda response: productive_error(response, write=write), **kwargs,
            )  # fmt: skip

        return await retrying_rate_limits(
            self.backoff, f"Productive {method}", once, pacers=self.pacers
        )
