"""The Productive dialect under /api/v2: JSON:API reads and the four-step upload.

Every request needs `Content-Type: application/vnd.api+json` (else 415), a known
`X-Auth-Token` (else 401) and the `X-Organization-Id` of the token's person (else 403);
a read-only token may not write (403). Ids are the store's `seq` numbers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from satchel.sandbox import problems
from satchel.sandbox.productive import jsonapi
from satchel.sandbox.productive.documents import Reader
from satchel.sandbox.productive.jsonapi import JsonApiError, invalid_attribute
from satchel.sandbox.productive.limits import ORGANIZATION_BUDGET, TOKEN_BUDGET, Budget, RateLimits
from satchel.sandbox.productive.resources import Context
from satchel.sandbox.productive.store import Caller, ProductiveStore, hash_token
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import Store

Endpoint = Callable[[Request, Caller], Awaitable[Response]]
_READS = frozenset({"GET", "HEAD"})
_ATTACHABLE_TYPES = frozenset({"task", "comment", "page", "deal", "expense"})


@dataclass(frozen=True, slots=True)
class ProductiveSettings:
    files_url: str = ""
    max_upload_size: int = 5 * 1024**3
    policy_ttl: timedelta = timedelta(minutes=60)
    per_token: Budget = TOKEN_BUDGET
    per_organization: Budget = ORGANIZATION_BUDGET


def _rid(request: Request) -> int:
    text: str = request.path_params["id"]
    if not text.isdigit():
        raise jsonapi.not_found()
    return int(text)


class ProductiveApi:
    def __init__(self, store: Store, storage: StorageGate, settings: ProductiveSettings) -> None:
        self.store = store
        self.pstore = ProductiveStore(store)
        self.storage = storage
        self.settings = settings
        self.limits = RateLimits(settings.per_token, settings.per_organization)

    def app(self) -> Starlette:
        app = Starlette(
            routes=self.routes(),
            exception_handlers={
                JsonApiError: _on_error,
                problems.Problem: _on_problem,
                HTTPException: _on_http_error,
            },
        )
        app.router.redirect_slashes = False
        return app

    def routes(self) -> list[BaseRoute]:
        def route(path: str, endpoint: Endpoint, method: str) -> Route:
            async def guarded(request: Request) -> Response:
                return await endpoint(request, self._caller(request))

            return Route(path, guarded, methods=[method])

        def reader(type_name: str) -> list[Route]:
            async def many(request: Request, caller: Caller) -> Response:
                body = self._reader(caller).collection(
                    type_name, jsonapi.read_query(request), request.url
                )
                return jsonapi.document(body)

            async def one(request: Request, caller: Caller) -> Response:
                body = self._reader(caller).single(
                    type_name, _rid(request), jsonapi.read_query(request)
                )
                return jsonapi.document(body)

            path = f"/{type_name}"
            return [route(path, many, "GET"), route(path + "/{id}", one, "GET")]

        types = ["projects", "boards", "task_lists", "tasks", "attachments"]
        return [
            *[r for name in types for r in reader(name)],
            *self._folder_routes(route),
            route("/organization_memberships", self._memberships, "GET"),
            route("/attachments", self.create_attachment, "POST"),
            route("/attachments/{id}", self.confirm_upload, "PATCH"),
            route("/attachments/{id}", self.delete_attachment, "DELETE"),
            route("/tasks/{id}", self.update_task, "PATCH"),
        ]

    def _folder_routes(self, route: Callable[[str, Endpoint, str], Route]) -> list[Route]:
        """`/folders` is the app's name for boards: the same records."""

        async def many(request: Request, caller: Caller) -> Response:
            query = jsonapi.read_query(request)
            return jsonapi.document(self._reader(caller).collection("boards", query, request.url))

        async def one(request: Request, caller: Caller) -> Response:
            query = jsonapi.read_query(request)
            return jsonapi.document(self._reader(caller).single("boards", _rid(request), query))

        return [route("/folders", many, "GET"), route("/folders/{id}", one, "GET")]

    async def _memberships(self, request: Request, caller: Caller) -> Response:
        query = jsonapi.read_query(request)
        reader = self._reader(caller)
        return jsonapi.document(reader.collection("organization_memberships", query, request.url))

    # -- the gate -------------------------------------------------------------------

    def _caller(self, request: Request) -> Caller:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != jsonapi.MEDIA_TYPE:
            raise jsonapi.unsupported_media_type()
        token = request.headers.get("x-auth-token", "")
        caller = self.pstore.caller(token) if token else None
        if caller is None:
            raise jsonapi.unauthenticated()
        if request.headers.get("x-organization-id", "").strip() != str(caller.organization_id):
            raise jsonapi.access_denied("You are not a member of this organization")
        self.limits.spend(hash_token(token), str(caller.organization_id))
        if request.method not in _READS and not caller.can_write:
            raise jsonapi.access_denied()
        return caller

    def _reader(self, caller: Caller) -> Reader:
        return Reader(self.pstore, caller.tenant_id, Context(self.settings.files_url))

    # -- the four-step upload -------------------------------------------------------------

    async def create_attachment(self, request: Request, caller: Caller) -> Response:
        """Step 1: a record, and the S3 POST policy that may store exactly its bytes."""
        attributes = _attributes(await jsonapi.request_data(request, "attachments"))
        name = _text(attributes, "name")
        content_type = _text(attributes, "content_type")
        size = attributes.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise invalid_attribute("data/attributes/size", "size must be a whole number.")
        if size > self.settings.max_upload_size:
            raise invalid_attribute("data/attributes/size", "The file is too large.")
        attachable = attributes.get("attachable_type", "task")
        if attachable not in _ATTACHABLE_TYPES:
            raise invalid_attribute(
                "data/attributes/attachable_type", "attachable_type is not supported."
            )
        gateway = await self.storage.require()  # before the record: a 503 leaves nothing
        record = self.store.create_attachment(caller.tenant_id, name, content_type, size)
        self.pstore.mark_attachment(record.id, str(attachable))
        assert record.object_key is not None
        # It signs and asks S3 nothing: on the loop, without a thread's hand-off.
        form = gateway.upload_form(record.object_key, size, content_type, self.settings.policy_ttl)
        body = self._reader(caller).single("attachments", record.seq, jsonapi.Query())
        body["data"]["attributes"]["aws_policy"] = dict(form.fields)
        return jsonapi.document(body, 201)

    async def confirm_upload(self, request: Request, caller: Caller) -> Response:
        """Step 3: `temp_url` names the stored object; S3 must hold it at the declared size."""
        reader = self._reader(caller)
        row = reader.row("attachments", _rid(request))
        attributes = _attributes(await jsonapi.request_data(request, "attachments"))
        temp_url = attributes.get("temp_url")
        record = self._record(caller, row["rid"])
        pointer = "data/attributes/temp_url"
        if not isinstance(temp_url, str) or not self._names_object(temp_url, record.object_key):
            raise invalid_attribute(pointer, "temp_url must be the uploaded file's URL.")
        if record.state != "stored":
            assert record.object_key is not None
            size = await self.storage.object_size(record.object_key)
            if size is None:
                raise invalid_attribute(pointer, "Nothing was uploaded at temp_url.")
            if size != record.size:
                raise invalid_attribute(
                    pointer, f"The uploaded file has {size} bytes; {record.size} were declared."
                )
            self.store.mark_stored(caller.tenant_id, record.id)
        return jsonapi.document(reader.single("attachments", row["rid"], jsonapi.Query()))

    def _record(self, caller: Caller, rid: int) -> Any:
        row = self.pstore.one(
            "SELECT id FROM attachments WHERE seq = ? AND tenant_id = ?", (rid, caller.tenant_id)
        )
        record = None if row is None else self.store.attachment(caller.tenant_id, row["id"])
        if record is None:
            raise jsonapi.not_found()
        return record

    def _names_object(self, url: str, object_key: str | None) -> bool:
        parts = urlsplit(url)
        bucket = self.storage.gateway.settings.bucket
        return (
            object_key is not None
            and parts.scheme in ("http", "https")
            and unquote(parts.path).endswith(f"/{bucket}/{object_key}")
        )

    async def update_task(self, request: Request, caller: Caller) -> Response:
        """Step 4: the task's `attachments` relationship is replaced by the list sent."""
        reader = self._reader(caller)
        rid = _rid(request)
        reader.row("tasks", rid)
        data = await jsonapi.request_data(request, "tasks")
        relationships = data.get("relationships") or {}
        linked = relationships.get("attachments") if isinstance(relationships, dict) else None
        if linked is not None:
            self._replace_attachments(caller, rid, linked)
        query = jsonapi.Query(include=["attachments"])
        return jsonapi.document(reader.single("tasks", rid, query))

    def _replace_attachments(self, caller: Caller, task_rid: int, linked: Any) -> None:
        pointer = "data/relationships/attachments"
        items = linked.get("data") if isinstance(linked, dict) else None
        if not isinstance(items, list):
            raise invalid_attribute(pointer, "attachments must hold a data list.")
        rids: list[int] = []
        for item in items:
            ok = isinstance(item, dict) and item.get("type") == "attachments"
            text = str(item.get("id", "")) if ok else ""
            if not text.isdigit():
                raise invalid_attribute(pointer, "Each attachment needs its type and id.")
            rids.append(int(text))
        known = self.pstore.store_ids(caller.tenant_id, rids)
        if len(known) != len(set(rids)):
            raise jsonapi.not_found()
        store_ids = [known[rid] for rid in dict.fromkeys(rids)]
        card = self.pstore.one(
            "SELECT id FROM cards WHERE seq = ? AND tenant_id = ?", (task_rid, caller.tenant_id)
        )
        assert card is not None
        try:
            self.pstore.replace_task_attachments(caller.tenant_id, card["id"], store_ids)
        except ValueError:
            raise invalid_attribute(
                pointer, "An attachment is not uploaded, deleted, or on another task."
            ) from None

    async def delete_attachment(self, request: Request, caller: Caller) -> Response:
        """A soft delete: the row stays, with `deleted_at` set; its file stays too."""
        record = self._record(caller, _rid(request))
        self.pstore.soft_delete(record.id)
        return Response(status_code=204)


def _attributes(data: dict[str, Any]) -> dict[str, Any]:
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        raise invalid_attribute("data/attributes", "The document has no attributes.")
    return attributes


def _text(attributes: dict[str, Any], name: str) -> str:
    value = attributes.get(name)
    if not isinstance(value, str) or not value.strip():
        raise invalid_attribute(f"data/attributes/{name}", f"{name} can't be blank")
    return value


async def _on_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, JsonApiError)
    return error.response()


async def _on_problem(_request: Request, error: Exception) -> Response:
    """Storage down (the gate's 503): in Productive's error shape."""
    assert isinstance(error, problems.Problem)
    answer = JsonApiError(error.status, "Server Error", error.detail, headers=dict(error.headers))
    return answer.response()


async def _on_http_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return jsonapi.not_found().response()
    headers = dict(error.headers or {})
    answer = JsonApiError(error.status_code, "Error", str(error.detail), headers=headers)
    return answer.response()
