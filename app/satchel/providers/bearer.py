"""The bearer-key dialect (PROTOCOLS.md §3 and the local service's wire contract).

`Authorization: Bearer ixk_...` on the service's own origin only; JSON collections
with `next` cursors; uploads in four steps through an S3 POST form; downloads
through a 307 to a presigned link, resolved here and fetched with a clean client.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from satchel.domain.errors import NotFound
from satchel.domain.model import (
    Attachment,
    Board,
    BoardList,
    Card,
    Identity,
    PendingUpload,
    ResolvedLink,
    StoredObject,
)
from satchel.providers.bearer_wire import (
    read_attachment,
    read_board,
    read_card,
    read_identity,
    read_list,
    read_page,
    read_pending_upload,
)
from satchel.providers.http import (
    bearer_auth,
    json_body,
    make_api_client,
    malformed,
    redirect_target,
    send,
)
from satchel.providers.paging import Identified, PageGuard, item_id
from satchel.providers.retries import API_RETRY, RetryPolicy, retrying_rate_limits
from satchel.providers.staged import StagedUploadProvider
from satchel.storage.client import make_storage_client
from satchel.storage.links import DEFAULT_LINK_TTL, link_from_url

log = logging.getLogger(__name__)

T = TypeVar("T", bound=Identified)

PAGE_SIZE = 500  # the most the service hands out per page
#: A million items of one collection; a service handing out new cursors past that is broken.
MAX_PAGES = 2_000
#: Sending a big file takes a while: a form with less than this left is not worth starting.


def _segment(identifier: str) -> str:
    return quote(identifier, safe="")


class BearerProvider(StagedUploadProvider):
    """One account (one API key) of a service speaking the bearer dialect."""

    kind = "bearer"

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        api_client: httpx.AsyncClient | None = None,
        storage_client: httpx.AsyncClient | None = None,
        backoff: RetryPolicy = API_RETRY,
    ) -> None:
        """`base_url` is the service's root (the API is under `/api/v1`).

        Clients passed in stay the caller's to close; those made here close in `aclose()`.
        """
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.api_url = f"{self.base_url}/api/v1"
        self._auth = bearer_auth(self.base_url, api_key)
        self._backoff = backoff  # a 429 is tried again, as with every provider
        self._owned: list[httpx.AsyncClient] = []
        if api_client is None:
            api_client = make_api_client(self.api_url, self._auth)
            self._owned.append(api_client)
        if storage_client is None:
            storage_client = make_storage_client()
            self._owned.append(storage_client)
        self._api = api_client
        self._storage = storage_client

    def __repr__(self) -> str:
        return f"BearerProvider({self.base_url!r})"

    async def aclose(self) -> None:
        owned, self._owned = self._owned, []
        for client in owned:
            await client.aclose()

    # --- plumbing --------------------------------------------------------------------------

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def once() -> httpx.Response:
            return await send(self._api, method, self.api_url + path, auth=self._auth, **kwargs)

        return await retrying_rate_limits(self._backoff, f"{method} {path}", once)

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._call(method, path, **kwargs)
        if response.status_code >= 300:
            raise malformed(f"an unexpected redirect ({response.status_code})")
        return json_body(response)

    async def _collect(self, path: str, read: Callable[[Any], T]) -> list[T]:
        """Every item of a collection, following `next` cursors."""
        items: list[T] = []
        cursor: str | None = None
        guard = PageGuard(MAX_PAGES)
        while True:
            params: dict[str, str | int] = {"limit": PAGE_SIZE}
            if cursor is not None:
                params["cursor"] = cursor
            page = read_page(await self._json("GET", path, params=params))
            items.extend(guard.fresh([read(item) for item in page.items], item_id))
            if page.next_cursor is None:
                return items
            cursor = guard.follow(page.next_cursor)

    # --- reading ---------------------------------------------------------------------------

    async def whoami(self) -> Identity:
        identity = read_identity(await self._json("GET", "/me"))
        self.max_upload_size = identity.max_upload_size
        return identity

    async def list_boards(self) -> list[Board]:
        return await self._collect("/boards", read_board)

    async def list_lists(self, board_id: str) -> list[BoardList]:
        return await self._collect(f"/boards/{_segment(board_id)}/lists", read_list)

    async def list_cards(self, list_id: str) -> list[Card]:
        return await self._collect(f"/lists/{_segment(list_id)}/cards", read_card)

    async def list_attachments(self, card_id: str) -> list[Attachment]:
        return await self._collect(f"/cards/{_segment(card_id)}/attachments", read_attachment)

    async def get_attachment(self, attachment_id: str) -> Attachment:
        return read_attachment(await self._json("GET", f"/attachments/{_segment(attachment_id)}"))

    # --- upload, step by step --------------------------------------------------------------

    async def create_upload(self, name: str, size: int, content_type: str) -> PendingUpload:
        body = {"name": name, "content_type": content_type, "size": size}
        return read_pending_upload(await self._json("POST", "/attachments", json=body))

    async def confirm_upload(self, pending: PendingUpload, stored: StoredObject) -> Attachment:
        body = {"location": stored.location}
        path = f"/attachments/{_segment(pending.id)}"
        return read_attachment(await self._json("PATCH", path, json=body))

    async def link_attachment(self, card_id: str, attachment_id: str) -> Attachment:
        path = f"/cards/{_segment(card_id)}/attachments"
        body = {"attachment_id": attachment_id}
        return read_attachment(await self._json("POST", path, json=body))

    async def discard_upload(self, attachment_id: str) -> None:
        with contextlib.suppress(NotFound):  # already gone is what we wanted
            await self._call("DELETE", f"/attachments/{_segment(attachment_id)}")

    # --- download, delete, links -----------------------------------------------------------

    async def resolve_download(self, attachment: Attachment) -> ResolvedLink:
        """Ask the service's download route for its redirect, and do not follow it."""
        response = await self._call("GET", f"/attachments/{_segment(attachment.id)}/download")
        target = redirect_target(response)
        if target is None:
            raise malformed(f"a download answer without a redirect ({response.status_code})")
        return link_from_url(str(target), default_ttl=DEFAULT_LINK_TTL)

    async def delete(self, attachment: Attachment) -> None:
        await self._call("DELETE", f"/attachments/{_segment(attachment.id)}")

    def permanent_link(self, attachment: Attachment) -> str:
        return attachment.download_url or (
            f"{self.api_url}/attachments/{_segment(attachment.id)}/download"
        )
