"""Productive's files host: from an attachment's `url` to a link that fetches the file.

`GET {url}&token={API token}` (PROTOCOLS.md §2). That URL carries the whole token: it
is built here, sent once by the clean storage client, and never logged, shown or
kept. The host answers a redirect to the stored file (followed later by a clean
request), or, unverified, the file itself. A redirect to a login page, or an HTML page
in place of the file, means the token was not accepted for it: an error, never a file.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import httpx

from satchel.domain.errors import MalformedResponse, StorageDenied
from satchel.domain.model import ResolvedLink
from satchel.log import RedactingFilter
from satchel.providers.http import REDIRECTS, network_error
from satchel.storage.client import refuse_plain_http_after_https
from satchel.storage.links import link_from_url

log = logging.getLogger(__name__)


def _scrub_httpx_lines() -> None:
    """httpx logs every request's full URL at INFO: a token URL must not reach any
    handler unscrubbed, whoever raised the log level (a test, a debug session)."""
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, RedactingFilter) for f in httpx_log.filters):
        httpx_log.addFilter(RedactingFilter())


_scrub_httpx_lines()

#: How long a storage link the files host hands out is trusted when it does not say.
LINK_TTL = timedelta(minutes=1)
_LOGIN_WORDS = ("login", "log_in", "sign_in", "signin", "session", "auth")


def with_token(url: str, token: str) -> str:
    """`url` with `token=` added to its query (Productive's urls already have a `?`)."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}token={quote(token, safe='')}"


def _login_refusal(name: str) -> StorageDenied:
    return StorageDenied(
        f"Productive's file host asked for a login instead of sending {name}: this token may "
        "not open it (or it was removed). Refresh, or sign in to Productive again."
    )


def _is_login_page(files_url: str, location: str) -> bool:
    target, files = urlsplit(location), urlsplit(files_url)
    path = target.path.lower()
    if any(word in path for word in _LOGIN_WORDS):
        return True
    # Back on the files host, but not at a file: a page, not the file.
    return target.netloc == files.netloc and not path.startswith("/attachments/")


async def resolve_file(client: httpx.AsyncClient, file_url: str, token: str) -> ResolvedLink:
    """A credential-free link to the file (or, if the host serves it itself, the one-off
    token URL: used for this download only)."""
    name = urlsplit(file_url).path.rsplit("/", 1)[-1] or "the file"
    secret_url = with_token(file_url, token)
    try:
        request = client.build_request("GET", secret_url)
        response = await client.send(request, auth=None, follow_redirects=False, stream=True)
    except httpx.TransportError as error:
        raise network_error(error, "Productive's file host") from None
    except httpx.InvalidURL:
        raise MalformedResponse(
            "Productive gave an attachment address that is not a URL."
        ) from None
    try:
        status = response.status_code
        log.debug("files host answered %s", status)
        if status in REDIRECTS:
            location = response.headers.get("Location", "")
            if not location:
                raise MalformedResponse("Productive's file host redirected to nowhere.")
            target = httpx.URL(file_url).join(location)
            if _is_login_page(file_url, str(target)):
                raise _login_refusal(name)
            refuse_plain_http_after_https(request.url, target)
            return link_from_url(str(target), default_ttl=LINK_TTL)
        kind = response.headers.get("Content-Type", "").lower()
        if status == 200 and "text/html" not in kind:
            # The host sent the file itself: the token URL is the link, for this fetch only.
            return ResolvedLink(url=secret_url, expires_at=datetime.now(UTC) + LINK_TTL)
        if status == 200 or status in {401, 403}:
            raise _login_refusal(name)
        raise MalformedResponse(
            f"Productive's file host answered {status} for {name}. Try again later."
        )
    finally:
        await response.aclose()
