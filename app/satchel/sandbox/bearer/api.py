"""The bearer-key dialect under /api/v1: boards, lists, cards, and the four-step upload.

The key was checked before routing (bearer.auth); every lookup here is scoped to the key's
tenant, so another tenant's objects are simply not found.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from satchel.sandbox import problems
from satchel.sandbox.bearer import payloads
from satchel.sandbox.bearer.auth import API_PREFIX, grant_of
from satchel.sandbox.records import Attachment, iso_utc
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import LinkRefused, Store

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class BearerSettings:
    max_upload_size: int


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _path_id(request: Request) -> str:
    value: str = request.path_params["id"]
    return value


class BearerApi:
    def __init__(self, store: Store, storage: StorageGate, settings: BearerSettings) -> None:
        self.store = store
        self.storage = storage
        self.settings = settings

    def routes(self) -> list[BaseRoute]:
        def route(path: str, endpoint: Endpoint, method: str) -> Route:
            return Route(API_PREFIX + path, endpoint, methods=[method])

        return [
            route("/me", self.me, "GET"),
            route("/boards", self.boards, "GET"),
            route("/boards/{id}/lists", self.board_lists, "GET"),
            route("/lists/{id}/cards", self.list_cards, "GET"),
            route("/cards/{id}/attachments", self.card_attachments, "GET"),
            route("/cards/{id}/attachments", self.link_attachment, "POST"),
            route("/attachments", self.create_attachment, "POST"),
            route("/attachments/{id}", self.get_attachment, "GET"),
            route("/attachments/{id}", self.confirm_upload, "PATCH"),
            route("/attachments/{id}", self.delete_attachment, "DELETE"),
            # GET also answers HEAD (Starlette adds it): the "preflight" of a download.
            route("/attachments/{id}/download", self.download, "GET"),
        ]

    def _attachment(self, request: Request) -> Attachment:
        attachment = self.store.attachment(grant_of(request).tenant.id, _path_id(request))
        if attachment is None:
            raise problems.not_found("No such attachment.")
        return attachment

    def _attachment_response(self, request: Request, attachment: Attachment) -> JSONResponse:
        return JSONResponse(payloads.attachment_json(attachment, _base_url(request)))

    # -- reading --------------------------------------------------------------

    async def me(self, request: Request) -> Response:
        grant = grant_of(request)
        return JSONResponse(
            {
                "tenant": {"id": grant.tenant.id, "name": grant.tenant.name},
                "scope": grant.scope,
                "limits": {"max_upload_size": self.settings.max_upload_size},
            }
        )

    async def boards(self, request: Request) -> Response:
        after, limit = payloads.page_params(request)
        page = self.store.boards(grant_of(request).tenant.id, after, limit)
        return JSONResponse(payloads.page_json(page, [payloads.board_json(b) for b in page.items]))

    async def board_lists(self, request: Request) -> Response:
        tenant_id = grant_of(request).tenant.id
        after, limit = payloads.page_params(request)
        board = self.store.board(tenant_id, _path_id(request))
        if board is None:
            raise problems.not_found("No such board.")
        page = self.store.lists(tenant_id, board.id, after, limit)
        return JSONResponse(payloads.page_json(page, [payloads.list_json(x) for x in page.items]))

    async def list_cards(self, request: Request) -> Response:
        tenant_id = grant_of(request).tenant.id
        after, limit = payloads.page_params(request)
        board_list = self.store.list_(tenant_id, _path_id(request))
        if board_list is None:
            raise problems.not_found("No such list.")
        page = self.store.cards(tenant_id, board_list.id, after, limit)
        return JSONResponse(payloads.page_json(page, [payloads.card_json(c) for c in page.items]))

    async def card_attachments(self, request: Request) -> Response:
        tenant_id = grant_of(request).tenant.id
        after, limit = payloads.page_params(request)
        card = self.store.card(tenant_id, _path_id(request))
        if card is None:
            raise problems.not_found("No such card.")
        page = self.store.card_attachments(tenant_id, card.id, after, limit)
        base_url = _base_url(request)
        items = [payloads.attachment_json(a, base_url) for a in page.items]
        return JSONResponse(payloads.page_json(page, items))

    async def get_attachment(self, request: Request) -> Response:
        return self._attachment_response(request, self._attachment(request))

    async def download(self, request: Request) -> Response:
        attachment = self._attachment(request)
        if attachment.kind == "link":
            assert attachment.url is not None
            location = attachment.url
        elif attachment.state != "stored" or attachment.object_key is None:
            raise problems.validation_failed("The attachment is not uploaded yet.")
        else:
            location = await self.storage.call(
                self.storage.gateway.download_link,
                attachment.object_key,
                attachment.name,
                attachment.content_type,
            )
        return Response(
            status_code=307, headers={"Location": location, "Cache-Control": "no-store"}
        )

    # -- the four-step upload -----------------------------------------------------

    async def create_attachment(self, request: Request) -> Response:
        """Step 1: a pending attachment and the S3 form that may store exactly its bytes."""
        tenant_id = grant_of(request).tenant.id
        body = await payloads.json_object(request)
        name = payloads.name_field(body)
        content_type = payloads.content_type_field(body)
        size = payloads.size_field(body, self.settings.max_upload_size)
        gateway = await self.storage.require()  # before the record: a 503 leaves nothing behind
        attachment = self.store.create_attachment(tenant_id, name, content_type, size)
        assert attachment.object_key is not None
        # It signs and asks S3 nothing: on the loop, without a thread's hand-off.
        form = gateway.upload_form(attachment.object_key, size, content_type)
        answer = payloads.attachment_json(attachment, _base_url(request))
        answer["upload"] = {"url": form.url, "fields": form.fields}
        answer["upload_expires_at"] = iso_utc(form.expires_at)
        return JSONResponse(answer, status_code=201)

    async def confirm_upload(self, request: Request) -> Response:
        """Step 3: the client names where it stored the bytes; S3 must agree on the size."""
        attachment = self._attachment(request)
        body = await payloads.json_object(request)
        location = payloads.string_field(body, "location")
        if attachment.kind != "file" or attachment.object_key is None:
            raise problems.validation_failed("A link attachment has no upload to confirm.")
        if not self._names_object(location, attachment.object_key):
            raise problems.validation_failed(
                "location must be the URL of this attachment's object in the upload bucket."
            )
        if attachment.state == "stored":
            return self._attachment_response(request, attachment)
        size = await self.storage.object_size(attachment.object_key)
        if size is None:
            raise problems.validation_failed("Nothing was uploaded for this attachment.")
        if size != attachment.size:
            raise problems.validation_failed(
                f"The stored object has {size} bytes; {attachment.size} were declared."
            )
        stored = self.store.mark_stored(attachment.tenant_id, attachment.id)
        if stored is None:  # deleted (or swept) meanwhile
            raise problems.not_found("No such attachment.")
        return self._attachment_response(request, stored)

    def _names_object(self, location: str, object_key: str) -> bool:
        parts = urlsplit(location)
        bucket = self.storage.gateway.settings.bucket
        # Path-style URL; an endpoint may itself have a path prefix (behind a proxy).
        return parts.scheme in ("http", "https") and unquote(parts.path).endswith(
            f"/{bucket}/{object_key}"
        )

    async def link_attachment(self, request: Request) -> Response:
        """Step 4: attach a stored attachment to a card (idempotent)."""
        tenant_id = grant_of(request).tenant.id
        card = self.store.card(tenant_id, _path_id(request))
        if card is None:
            raise problems.not_found("No such card.")
        body = await payloads.json_object(request)
        attachment_id = payloads.string_field(body, "attachment_id")
        try:
            linked = self.store.link_attachment(tenant_id, attachment_id, card.id)
        except KeyError:
            raise problems.not_found("No such attachment.") from None
        except LinkRefused as refusal:
            raise problems.validation_failed(str(refusal)) from None
        return self._attachment_response(request, linked)

    async def delete_attachment(self, request: Request) -> Response:
        """The object goes first: if S3 is down, the record stays and the client may retry."""
        attachment = self._attachment(request)
        if attachment.object_key is not None:
            await self.storage.call(self.storage.gateway.delete_object, attachment.object_key)
        self.store.delete_attachment(attachment.tenant_id, attachment.id)
        return Response(status_code=204)
