"""The Productive dialect (PROTOCOLS.md §2), against api.productive.io or the local one.

Sign-in is an API token and the organization id. The tree is boards ("Project › Board")
→ task lists → tasks → attachments, every collection read to its end in pages of 200;
archived and closed items are hidden unless `show_closed`, deleted attachments always.
Uploads take the four steps (create with `aws_policy`, the form POST to the bucket,
confirm with `temp_url`, link by read–merge–write of the task's attachments).
Files come from the files host with `?token=`: that URL is a secret, built here, used
once, never logged, shown or kept.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from satchel.domain.errors import NotFound, PermissionDenied, UsageError
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
from satchel.providers import productive_wire as wire
from satchel.providers.http import json_body, malformed
from satchel.providers.jsonapi import Document, Resource, read_document
from satchel.providers.pacing import Pacer, pacer_for
from satchel.providers.paging import PageGuard
from satchel.providers.productive_files import resolve_file
from satchel.providers.productive_http import (
    ProductiveHttp,
    make_productive_client,
    token_auth,
)
from satchel.providers.productive_links import TaskLinker
from satchel.providers.retries import API_RETRY, RetryPolicy
from satchel.providers.staged import StagedUploadProvider
from satchel.storage.client import make_storage_client

log = logging.getLogger(__name__)

T = TypeVar("T")

PRODUCTIVE_API = "https://api.productive.io"
PRODUCTIVE_APP = "https://app.productive.io"
#: The real bucket; the seed's aws_policy names none.
PRODUCTIVE_STORAGE = "https://productive-files-production.s3.eu-west-1.amazonaws.com"
PAGE_SIZE = 200
TOKEN_LIMIT, TOKEN_WINDOW = 100, 10.0
ORGANIZATION_LIMIT, ORGANIZATION_WINDOW = 4000, 1800.0
#: 400,000 resources of one list in pages of 200; a service whose pages go on is broken.
MAX_PAGES = 2_000


def _resource_key(resource: Resource) -> str:
    return f"{resource.type}/{resource.id}"


def _segment(identifier: str) -> str:
    return quote(identifier, safe="")


class ProductiveProvider(StagedUploadProvider):
    """One Productive organization, signed in with a person's API token."""

    service_name = "Productive"

    kind = "productive"

    def __init__(
        self,
        api_url: str = PRODUCTIVE_API,
        token: str = "",
        organization_id: str = "",
        *,
        storage_url: str = PRODUCTIVE_STORAGE,
        app_url: str = PRODUCTIVE_APP,
        api_client: httpx.AsyncClient | None = None,
        storage_client: httpx.AsyncClient | None = None,
        pacers: tuple[Pacer, ...] | None = None,
        backoff: RetryPolicy = API_RETRY,
        show_closed: bool = False,
    ) -> None:
        """`api_url` is the API's root (the paths start with /api/v2)."""
        super().__init__()
        if not token or not organization_id:
            raise UsageError("A Productive account needs its API token and organization id.")
        self.api_url = api_url.rstrip("/")
        self.storage_url = storage_url.rstrip("/")
        self.app_url = app_url.rstrip("/")
        self.organization_id = organization_id
        self.show_closed = show_closed
        self._token = token
        self._owned: list[httpx.AsyncClient] = []
        if api_client is None:
            api_client = make_productive_client(self.api_url, organization_id)
            self._owned.append(api_client)
        if storage_client is None:
            storage_client = make_storage_client()
            self._owned.append(storage_client)
        self._storage = storage_client
        if pacers is None:
            pacers = (
                pacer_for(token, TOKEN_LIMIT, TOKEN_WINDOW),
                pacer_for(
                    f"{self.api_url}#{organization_id}", ORGANIZATION_LIMIT, ORGANIZATION_WINDOW
                ),
            )
        self._http = ProductiveHttp(api_client, token_auth(self.api_url, token), pacers, backoff)
        self._read_only = False
        self._linker = TaskLinker(
            self._task_attachments, self._write_task_attachments, self._fetch_attachment
        )

    def __repr__(self) -> str:
        return f"ProductiveProvider({self.api_url!r}, organization {self.organization_id!r})"

    async def aclose(self) -> None:
        owned, self._owned = self._owned, []
        for client in owned:
            await client.aclose()

    # --- plumbing --------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.api_url}/api/v2{path}"

    async def _document(self, method: str, path_or_url: str, **kwargs: Any) -> Document:
        url = path_or_url if "://" in path_or_url else self._url(path_or_url)
        try:
            response = await self._http.send(method, url, **kwargs)
        except PermissionDenied:
            if method != "GET":
                self._read_only = True  # the first refused write tells (no scope route exists)
            raise
        if response.status_code >= 300:
            raise malformed(f"an unexpected redirect ({response.status_code})")
        return read_document(json_body(response))

    async def _write(self, method: str, path: str, body: dict[str, Any]) -> Document:
        return await self._document(method, path, json=body)

    async def _collect(
        self, path: str, params: dict[str, str]
    ) -> tuple[list[Resource], dict[tuple[str, str], Resource]]:
        """Every resource of a collection, to its end, asking for pages of 200.

        Follows `links.next` when the service gives one (cursor pages have no totals),
        else counts pages by `meta.total_pages`; a clamped page size changes nothing.
        """
        resources: list[Resource] = []
        included: dict[tuple[str, str], Resource] = {}
        target = self._url(path)
        query: dict[str, str] | None = {**params, "page[size]": str(PAGE_SIZE), "page[number]": "1"}
        guard = PageGuard(MAX_PAGES)
        for number in itertools.count(1):
            document = await self._document("GET", target, params=query)
            resources.extend(guard.fresh(document.data, _resource_key))
            included.update(document.included)
            total = document.meta.get("total_pages")
            following = document.next_link
            if not document.data:
                break  # an empty page ends the list, whatever its links or totals say
            if following is not None:
                target, query = guard.follow(following), None
            elif isinstance(total, int) and not isinstance(total, bool) and number < total:
                query = {**params, "page[size]": str(PAGE_SIZE), "page[number]": str(number + 1)}
                target = self._url(path)
            else:
                break
        return resources, included

    # --- reading ---------------------------------------------------------------------------

    async def whoami(self) -> Identity:
        """The token's organization: one read that a bad token or organization id refuses."""
        params = {"include": "person,organization", "page[size]": "1"}
        document = await self._document("GET", "/organization_memberships", params=params)
        organization = next(
            (r for (kind, _id), r in document.included.items() if kind == "organizations"), None
        )
        name = organization.attributes.opt_text("name") if organization else None
        return Identity(
            id=self.organization_id,
            name=name or f"organization {self.organization_id}",
            scope="read" if self._read_only else "read,write",
        )

    def _visible(self, items: list[T], closed: Callable[[T], bool]) -> list[T]:
        return items if self.show_closed else [item for item in items if not closed(item)]

    async def list_boards(self) -> list[Board]:
        resources, included = await self._collect("/boards", {"include": "project"})
        boards = [
            wire.read_board(r, included.get(("projects", r.related_id("project") or "")))
            for r in resources
        ]
        return self._visible(boards, lambda b: b.closed)

    async def list_lists(self, board_id: str) -> list[BoardList]:
        resources, _ = await self._collect("/task_lists", {"filter[board_id]": board_id})
        resources.sort(key=wire.position)
        lists = [wire.read_task_list(r, board_id) for r in resources]
        return self._visible(lists, lambda x: x.closed)

    async def list_cards(self, list_id: str) -> list[Card]:
        resources, _ = await self._collect("/tasks", {"filter[task_list_id]": list_id})
        cards = [wire.read_task(r, list_id) for r in resources]
        return self._visible(cards, lambda c: c.closed)

    async def _task_attachments(self, card_id: str) -> list[Resource]:
        resources, _ = await self._collect("/attachments", {"filter[task_id]": card_id})
        return [r for r in resources if not wire.is_deleted(r)]  # deleted rows never show

    async def list_attachments(self, card_id: str) -> list[Attachment]:
        return [wire.read_attachment(r, card_id) for r in await self._task_attachments(card_id)]

    async def get_attachment(self, attachment_id: str) -> Attachment:
        card_id, _, bare_id = attachment_id.rpartition("/")
        resource = (await self._document("GET", f"/attachments/{_segment(bare_id)}")).one()
        if wire.is_deleted(resource):
            raise NotFound(f"Attachment {bare_id} was deleted on Productive.")
        return wire.read_attachment(resource, card_id or None)

    # --- upload, step by step --------------------------------------------------------------

    async def create_upload(self, name: str, size: int, content_type: str) -> PendingUpload:
        attributes = {
            "name": name, "content_type": content_type, "size": size, "attachable_type": "task",
        }  # fmt: skip
        body = {"data": {"type": "attachments", "attributes": attributes}}
        return wire.read_pending(await self._write("POST", "/attachments", body), self.storage_url)

    async def confirm_upload(self, pending: PendingUpload, stored: StoredObject) -> Attachment:
        body = {
            "data": {
                "type": "attachments",
                "id": pending.id,
                "attributes": {"temp_url": stored.location},
            }
        }
        document = await self._write("PATCH", f"/attachments/{_segment(pending.id)}", body)
        return wire.read_attachment(document.one(), None)

    async def link_attachment(self, card_id: str, attachment_id: str) -> Attachment:
        """Read–merge–write of the task's attachments (see productive_links)."""
        return wire.read_attachment(await self._linker.link(card_id, attachment_id), card_id)

    async def _fetch_attachment(self, attachment_id: str) -> Resource:
        return (await self._document("GET", f"/attachments/{_segment(attachment_id)}")).one()

    async def _write_task_attachments(self, card_id: str, ids: list[str]) -> Document:
        data = [{"type": "attachments", "id": i} for i in ids]
        body = {
            "data": {
                "type": "tasks",
                "id": card_id,
                "relationships": {"attachments": {"data": data}},
            }
        }
        return await self._write("PATCH", f"/tasks/{_segment(card_id)}", body)

    async def discard_upload(self, attachment_id: str) -> None:
        with contextlib.suppress(NotFound):
            await self._http.send("DELETE", self._url(f"/attachments/{_segment(attachment_id)}"))

    # --- download, delete, links -----------------------------------------------------------

    async def resolve_download(self, attachment: Attachment) -> ResolvedLink:
        """The file's storage link, through the files host with the token (never kept)."""
        if not attachment.download_url:
            attachment = await self.get_attachment(attachment.id)
        if not attachment.download_url:
            raise NotFound(f"“{attachment.name}” has no file on Productive yet.")
        return await resolve_file(self._storage, attachment.download_url, self._token)

    async def delete(self, attachment: Attachment) -> None:
        try:
            await self._http.send("DELETE", self._url(f"/attachments/{_segment(attachment.id)}"))
        except PermissionDenied:
            self._read_only = True
            raise

    def task_link(self, card_id: str) -> str:
        """The task's page in Productive's web app: no secret, opens for people with access."""
        return f"{self.app_url}/{_segment(self.organization_id)}/tasks/{_segment(card_id)}"

    def permanent_link(self, attachment: Attachment) -> str:
        if not attachment.card_id:
            raise UsageError(f"Satchel does not know which task holds “{attachment.name}”.")
        return self.task_link(attachment.card_id)

    def shared_page(self, attachment: Attachment) -> str | None:
        """Productive has no token-free temporary link: Copy Link copies the task's page."""
        return self.permanent_link(attachment)
