"""Shared HTTP plumbing: the account's clients, the secret header, and error mapping.

One API client per account (it carries the secret) and one clean storage client
(no credentials, no cookies) for presigned uploads and downloads. Every status and
transport failure becomes one of `satchel.domain.errors`, with a message a person
can act on; the service's own words go to `.detail`, scrubbed of secrets.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Callable, Generator
from typing import Any

import httpx

from satchel.domain import units
from satchel.domain.errors import (
    MalformedResponse,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    Rejected,
    SatchelError,
    ServiceUnavailable,
    SignInRequired,
)
from satchel.log import redact, register_secret
from satchel.storage.bounded_read import TooLong, UnknownEncoding, answered, read_bounded
from satchel.storage.client import new_client, refuse_plain_http_after_https
from satchel.storage.s3_answers import retry_after_seconds

log = logging.getLogger(__name__)

API_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_DETAIL_LIMIT = 500
#: The most an API answer may hold once decompressed (a board of 100,000 cards is ~60 MB).
API_ANSWER_CAP = 128 * 1024 * 1024


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


class HeaderAuth(httpx.Auth):
    """Adds one secret header, and only to requests for the service's own origin.

    httpx forwards headers other than Authorization across redirects and a client
    may be handed any URL: checking the origin here keeps the secret on its host.
    """

    def __init__(self, service_url: str, name: str, value: str) -> None:
        register_secret(value)
        self._origin = _origin(httpx.URL(service_url))
        self._name = name
        self._value = value

    def __repr__(self) -> str:
        return f"HeaderAuth({self._name!r} for {self._origin[1]!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if _origin(request.url) == self._origin:
            request.headers[self._name] = self._value
        yield request


def bearer_auth(service_url: str, api_key: str) -> HeaderAuth:
    register_secret(api_key)
    return HeaderAuth(service_url, "Authorization", f"Bearer {api_key}")


def _skip_the_sniffio_search() -> None:
    """httpcore tries `import sniffio` each time it sets up a lock (about 18 times per file
    uploaded). Without sniffio installed, each failed import searches all of sys.path:
    measured 1.8 s of CPU for 300 small uploads. A None entry makes that import fail at
    once, and httpcore then assumes asyncio, which is what Satchel runs on (qasync too).
    """
    if importlib.util.find_spec("sniffio") is None:
        sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


_skip_the_sniffio_search()


def make_api_client(
    base_url: str,
    auth: httpx.Auth | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """The account's long-lived client: JSON, no redirects followed, the secret via `auth`."""
    return new_client(
        base_url=base_url,
        auth=auth,
        headers={"Accept": "application/json"},
        timeout=API_TIMEOUT,
        transport=transport,
    )


# --- error mapping -------------------------------------------------------------------------


def decoded_json(response: httpx.Response) -> Any:
    """The body as JSON; ValueError when it is not JSON, also when it nests so deep that
    the decoder would raise RecursionError (a service can send `[[[[...` as its answer)."""
    try:
        return response.json()
    except RecursionError:
        raise ValueError("JSON nested too deeply to read") from None


def _problem(response: httpx.Response) -> tuple[str | None, str | None]:
    """(code, the service's own words) from a problem+json or plain-text error body."""
    text = response.text
    code: str | None = None
    words: str | None = text.strip() or None
    try:
        body: Any = decoded_json(response)
    except ValueError:
        body = None
    if isinstance(body, dict):
        raw_code = body.get("code")
        code = raw_code if isinstance(raw_code, str) else None
        parts = [body.get(k) for k in ("title", "detail", "message", "error")]
        said = ": ".join(dict.fromkeys(p for p in parts if isinstance(p, str) and p))
        words = said or words
    if words is not None:
        words = redact(words)[:_DETAIL_LIMIT]
    return code, words


def _seconds(delay: float | None) -> str:
    if delay is None:
        return "a little later"
    return f"in {max(1, round(delay))} seconds"


def error_for_response(response: httpx.Response, *, credential_noun: str = "key") -> SatchelError:
    """The domain error for a non-2xx answer whose body has been read."""
    status = response.status_code
    code, detail = _problem(response)
    retry_after = retry_after_seconds(response.headers)
    if status == 401 or code == "unauthorized":
        return SignInRequired(
            f"The service no longer accepts this account's {credential_noun}. "
            f"Sign in again with a new {credential_noun}.",
            detail=detail,
        )
    if code == "insufficient_scope":
        return PermissionDenied(
            f"This account's {credential_noun} may only read. To change anything, "
            f"sign in with a {credential_noun} that may read and write.",
            detail=detail,
        )
    if status == 403:
        return PermissionDenied(
            "The service does not let this account do that. Ask the workspace's owner "
            "for access (the workspace's plan may not include API access).",
            detail=detail,
        )
    if status in {404, 410}:
        return NotFound(
            "It is no longer there, or this account cannot see it. Refresh to see what "
            "the service holds now.",
            detail=detail,
        )
    if status == 429:
        return RateLimited(
            f"The service asks Satchel to slow down. Try again {_seconds(retry_after)}.",
            detail=detail,
            retry_after=retry_after,
        )
    if code == "storage_unavailable":
        return ServiceUnavailable(
            "The service cannot reach its file storage right now. "
            f"Try again {_seconds(retry_after)}.",
            detail=detail,
            retry_after=retry_after,
        )
    if status >= 500:
        return ServiceUnavailable(
            f"The service is unavailable right now. Try again {_seconds(retry_after)}.",
            detail=detail,
            retry_after=retry_after,
        )
    if 400 <= status < 500:
        return Rejected(
            "The service refused the request as invalid; its reason is in the details.",
            detail=detail,
        )
    return MalformedResponse(
        f"The service answered with an unexpected status ({status}).", detail=detail
    )


def network_error(error: httpx.TransportError, what: str = "the service") -> NetworkError:
    """A transport failure as a NetworkError; `what` names the far end for a person."""
    detail = redact(f"{type(error).__name__}: {error}")[:_DETAIL_LIMIT]
    if isinstance(error, httpx.TimeoutException):
        message = f"{what.capitalize()} did not answer in time. Check the connection and retry."
    elif isinstance(error, httpx.ConnectError):
        message = f"Satchel could not reach {what}. Check the network connection and retry."
    else:
        message = f"The connection to {what} failed. Check the network connection and retry."
    return NetworkError(message, detail=detail)


def malformed(what: str, detail: str | None = None) -> MalformedResponse:
    return MalformedResponse(
        f"The service sent an answer Satchel cannot read ({what}). Retry later; if it "
        "keeps happening, the service or Satchel needs an update.",
        detail=redact(detail)[:_DETAIL_LIMIT] if detail else None,
    )


#: The answers that send a download on to the storage host.
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def redirect_target(response: httpx.Response) -> httpx.URL | None:
    """Where a redirecting answer sends the download (None when it does not redirect),
    never from https to plain http."""
    location = response.headers.get("Location")
    if response.status_code not in REDIRECTS or not location:
        return None
    try:
        target = response.url.join(location)
    except httpx.InvalidURL:
        raise malformed("a download redirect that is not a URL") from None
    refuse_plain_http_after_https(response.url, target)
    return target


def json_body(response: httpx.Response) -> Any:
    """The parsed JSON of a successful answer, or MalformedResponse."""
    try:
        return decoded_json(response)
    except ValueError as error:
        raise malformed("not JSON", response.text[:200]) from error


async def read_answer(response: httpx.Response, limit: int | None = None) -> httpx.Response:
    """A streamed answer read whole, but never past `limit` bytes decompressed; closed."""
    cap = API_ANSWER_CAP if limit is None else limit
    try:
        body = await read_bounded(response, cap)
    except TooLong:
        raise malformed(f"an answer larger than {units.human_size(cap)}") from None
    except UnknownEncoding as error:
        raise malformed(f"a body compressed as “{error}”") from None
    except httpx.TransportError as error:
        raise network_error(error) from None
    finally:
        await response.aclose()
    return answered(response, body)


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    auth: httpx.Auth | None,
    credential_noun: str = "key",
    service: str = "the service",
    refusal: Callable[[httpx.Response], SatchelError] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One request to the service: redirects not followed, failures mapped to domain errors
    (`refusal` words a dialect's own error answers; `service` names it in network errors).

    Returns any 2xx or 3xx answer (the caller decides what a redirect means).
    """
    try:
        request = client.build_request(method, url, **kwargs)
        response = await client.send(request, auth=auth, follow_redirects=False, stream=True)
    except httpx.TransportError as error:
        raise network_error(error, service) from None
    response = await read_answer(response)
    log.debug("%s %s -> %s", method, response.request.url.path, response.status_code)
    if response.status_code < 400:
        return response
    if refusal is not None:
        raise refusal(response)
    raise error_for_response(response, credential_noun=credential_noun)
