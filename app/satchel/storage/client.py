"""The storage client and its helpers, in one place: a clean client for presigned links
(no credential, no cookie), credential stripping on every storage request, the one
streamed GET both downloads use, and capped reads of storage answers."""

from __future__ import annotations

import contextlib
import functools
import http.cookiejar
import ssl
import urllib.request
from collections.abc import AsyncIterator

import httpcore
import httpx
import truststore

from satchel import __version__
from satchel.domain.errors import StorageError
from satchel.storage.bounded_read import UnknownEncoding, read_bounded
from satchel.storage.network import use_asyncio_streams
from satchel.storage.s3_answers import (
    MAX_ERROR_BODY,
    malformed_storage_answer,
    storage_network_error,
)

USER_AGENT = f"Satchel/{__version__}"
# A storage host may take a while to answer after the last byte of a big form.
STORAGE_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=60.0, pool=60.0)
LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=4)
# Headers that carry credentials: a storage request must never hold one.
_SECRET_HEADERS = ("Authorization", "Cookie", "X-Auth-Token", "X-Api-Key")
_MAX_REDIRECTS = 10


@functools.cache
def system_ssl_context() -> ssl.SSLContext:
    """TLS verified by the operating system's trust store (corporate CAs included)."""
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class _NoCookies(http.cookiejar.CookiePolicy):
    """Satchel authenticates with headers only: never keep or send a cookie."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: urllib.request.Request) -> bool:
        return False

    def path_return_ok(self, path: str, request: urllib.request.Request) -> bool:
        return False


def cookieless_jar() -> http.cookiejar.CookieJar:
    return http.cookiejar.CookieJar(policy=_NoCookies())


#: httpcore reads 64 KiB per call, and a download then spends most of its CPU on
#: per-read overhead; 256 KiB (the most asyncio hands over at once) makes presigned
#: downloads about 1.4x faster on two cores.
_READ_SIZE = 256 * 1024


def _read_in_bigger_pieces() -> None:
    # A class attribute, so this holds for every HTTP/1.1 connection in the process:
    # harmless for small JSON answers, which fit in one read either way.
    connection = httpcore.AsyncHTTP11Connection
    if getattr(connection, "READ_NUM_BYTES", _READ_SIZE) < _READ_SIZE:
        connection.READ_NUM_BYTES = _READ_SIZE


def make_storage_client(*, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """A client for presigned storage URLs: no credentials at all, no cookies carried."""
    _read_in_bigger_pieces()
    return new_client(timeout=STORAGE_TIMEOUT, transport=transport)


def new_client(
    *,
    timeout: httpx.Timeout,
    transport: httpx.AsyncBaseTransport | None,
    headers: dict[str, str] | None = None,
    base_url: str = "",
    auth: httpx.Auth | None = None,
) -> httpx.AsyncClient:
    """Every client Satchel makes: the OS trust store, the shared pool limits, no redirect
    followed, no cookie kept or sent, and connections on plain asyncio (unless a test
    brings its own transport)."""
    client = httpx.AsyncClient(
        base_url=base_url,
        auth=auth,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        timeout=timeout,
        limits=LIMITS,
        verify=system_ssl_context(),
        follow_redirects=False,
        cookies=cookieless_jar(),
        transport=transport,
    )
    return client if transport is not None else use_asyncio_streams(client)


def strip_credentials(request: httpx.Request) -> httpx.Request:
    """Defence in depth: whatever client sends it, no secret header reaches storage."""
    for name in _SECRET_HEADERS:
        request.headers.pop(name, None)
    return request


async def read_capped(response: httpx.Response, limit: int = MAX_ERROR_BODY) -> bytes:
    """At most `limit` bytes of a streamed answer (S3 answers are small; junk may not be)."""
    try:
        return await read_bounded(response, limit, cut=True)
    except UnknownEncoding:
        return b""


def refuse_plain_http_after_https(origin: httpx.URL, target: httpx.URL) -> None:
    """A redirect of a download (the service's route to its storage, or storage to
    storage) from https to plain http would hand the file and its link to the network:
    StorageError. Every hop checks here; http to http (this computer's service) is fine."""
    if origin.scheme == "https" and target.scheme != "https":
        raise StorageError(
            "The file storage sent the download to an unencrypted (http) address; "
            "Satchel does not follow that. Tell the service's administrator.",
            detail=f"redirect to {target.scheme}://{target.host}",
        )


@contextlib.asynccontextmanager
async def closing_answer(response: httpx.Response) -> AsyncIterator[httpx.Response]:
    """Read a streamed storage answer: a broken connection becomes NetworkError, and the
    answer is closed however the reading ends."""
    try:
        yield response
    except httpx.TransportError as error:
        raise storage_network_error(error) from None
    finally:
        await response.aclose()


async def open_storage_get(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> httpx.Response:
    """A streamed GET of a presigned link with no credential in it, errors mapped."""
    try:
        request = client.build_request("GET", url, headers=headers)
    except httpx.InvalidURL:
        raise malformed_storage_answer("a download link that is not a URL", b"") from None
    strip_credentials(request)
    # Redirects are followed here, one by one: the request carries no credential, but a
    # hop from https to plain http would hand the file (and the link) to the network.
    for _hop in range(_MAX_REDIRECTS + 1):
        try:
            response = await client.send(request, auth=None, follow_redirects=False, stream=True)
        except httpx.TransportError as error:
            raise storage_network_error(error) from None
        following = response.next_request
        if following is None:
            return response
        await response.aclose()
        refuse_plain_http_after_https(request.url, following.url)
        request = strip_credentials(following)
    raise malformed_storage_answer("redirects without end", b"")
