"""Trello's download routes, and the one-hour link their redirect gives (seed 000).

`/1/cards/{card}/attachments/{id}/download/{fileName}` with the OAuth header answers 302
to the hosted file, or (unverified, PROTOCOLS.md §1) the bytes themselves; a HEAD
answers the same without a body (the "preflight"). HEAD is unverified on the live
service: when it is refused (405, or a 401 that is not about the credential), the route
is asked with a GET that does not follow the redirect, and whose body is never read.
Routes always go to the API host: an attachment's `url` on the web host (trello.com)
needs a browser session there, and the header must never go to it.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from urllib.parse import quote, urlsplit

import httpx

from satchel.domain.errors import (
    MalformedResponse,
    NotFound,
    PermissionDenied,
    Rejected,
    ServiceUnavailable,
)
from satchel.domain.model import Attachment, Preview, ResolvedLink
from satchel.providers.http import malformed, redirect_target
from satchel.providers.trello_http import TrelloHttp
from satchel.storage.client import open_storage_get
from satchel.storage.links import link_from_url

log = logging.getLogger(__name__)

#: How long the redirect's Location works, when its own query does not say.
LINK_TTL = timedelta(hours=1)
_DOWNLOAD = re.compile(r"/1/cards/[^/]+/attachments/[^/]+/download/[^/]+")
_PREVIEW = re.compile(r"/1/cards/[^/]+/attachments/[^/]+/previews/[^/]+/download(/[^/]+)?")
#: What a server that does not do HEAD on this route may answer instead of a redirect.
_HEAD_REFUSED = (NotFound, Rejected, PermissionDenied, MalformedResponse, ServiceUnavailable)


def _segment(identifier: str) -> str:
    return quote(identifier, safe="")


class TrelloLinks:
    def __init__(self, http: TrelloHttp, api_url: str) -> None:
        self._http = http
        self._api_url = api_url
        #: False once a HEAD failed where a GET then worked: ask with GET from then on.
        self.head_works = True

    def download_route(self, attachment: Attachment, card_id: str) -> str:
        """The route on the API host: the attachment's own `/download/` path when it has one."""
        path = urlsplit(attachment.download_url or "").path
        if _DOWNLOAD.fullmatch(path):
            return self._api_url + path
        name = _segment(attachment.file_name or attachment.name)
        return (
            f"{self._api_url}/1/cards/{_segment(card_id)}/attachments/"
            f"{_segment(attachment.id)}/download/{name}"
        )

    def preview_route(self, attachment: Attachment, card_id: str, preview: Preview) -> str:
        path = urlsplit(preview.url).path
        if _PREVIEW.fullmatch(path):
            return self._api_url + path
        return (
            f"{self._api_url}/1/cards/{_segment(card_id)}/attachments/"
            f"{_segment(attachment.id)}/previews/{_segment(preview.id)}/download"
        )

    async def resolve(self, route: str) -> ResolvedLink:
        """The redirect's Location: from a HEAD preflight, else from a GET not followed."""
        head_failed = False
        if self.head_works:
            try:
                response = await self._http.send("HEAD", route)
            except _HEAD_REFUSED as error:
                log.info("HEAD on a download route failed (%s); asking with GET", error.message)
                head_failed = True
            else:
                link = _link(response)
                if link is not None:
                    return link
                head_failed = True
        response = await self._http.send("GET", route, stream=True)
        try:
            link = _link(response)
        finally:
            await response.aclose()  # the body (the file itself, maybe) is never read
        if link is None and response.status_code == 200:
            raise Rejected(
                "Trello hands this file only to signed-in programs, so there is no link "
                "to share for it. Copy its permanent link instead: people signed in to "
                "Trello can open that."
            )
        if link is None:
            raise malformed(f"a download answer without a redirect ({response.status_code})")
        if head_failed:
            self.head_works = False
        return link

    async def open(
        self, route: str, headers: dict[str, str], storage: httpx.AsyncClient
    ) -> httpx.Response:
        """A streamed answer with the file: the route's own 200 (the bytes, sent with the
        header), or its redirect's target fetched by `storage` with no credential."""
        response = await self._http.send("GET", route, stream=True, headers=headers)
        if response.status_code == 200:
            return response
        try:
            link = _link(response)
        finally:
            await response.aclose()
        if link is None:
            raise malformed(f"a download answer without a redirect ({response.status_code})")
        return await open_storage_get(storage, link.url, headers)


def _link(response: httpx.Response) -> ResolvedLink | None:
    target = redirect_target(response)
    return None if target is None else link_from_url(str(target), default_ttl=LINK_TTL)
