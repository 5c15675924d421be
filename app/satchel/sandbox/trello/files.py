"""Attachments in the Trello dialect: their JSON, upload, delete, downloads and previews.

Downloads and previews take the OAuth header or the signature of an attachment's `url`,
never query auth, and answer 302 to a presigned GET valid one hour (with the faults
`download-200` the route answers the bytes itself, and with `head-405` it refuses
HEAD). Uploads take a multipart form or JSON (a link), and each board's workspace has
its plan's limit: 10 MB on a free workspace, 250 MB on a paid one. Previews are PNGs
made with Pillow, stored beside the attachment's object.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from satchel.sandbox import problems
from satchel.sandbox.fault_plan import Fault, FaultPlan
from satchel.sandbox.records import Attachment, Card
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import Store
from satchel.sandbox.trello import payloads
from satchel.sandbox.trello.auth import (
    UNAUTHORIZED,
    Caller,
    TrelloAuth,
    TrelloBudgets,
    TrelloError,
    not_found,
)
from satchel.sandbox.trello.lookup import Lookup
from satchel.sandbox.trello.previews import MadePreview, make_previews, wants_previews
from satchel.sandbox.trello.store import PreviewRecord, TrelloStore, object_id

#: Download redirects live one hour (seed 000).
LINK_TTL = timedelta(hours=1)
MAX_NAME_LENGTH = 256
# A MIME type that can go into a header as it is; anything else is not used.
_MIME_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+(;[ -~]*)?")
#: Lazily made previews per listing: a first look at a big board stays quick.
PREVIEWS_PER_REQUEST = 8


@dataclass(frozen=True, slots=True)
class TrelloSettings:
    max_upload_size: int
    #: The stand-in for trello.com: attachment `url`s live there. None: the API's origin.
    web_url: str | None = None
    budgets: TrelloBudgets | None = None
    #: `--faults` modes: download-200 (the route answers the bytes), head-405.
    faults: FaultPlan | None = None

    def mode(self, fault: Fault) -> bool:
        return self.faults is not None and self.faults.hit(fault)


#: Each plan's limit per file (Atlassian's support pages).
PLAN_LIMITS = {"free": 10 * 1000 * 1000, "paid": 250 * 1000 * 1000}
FORM_SLACK = 65536  # a multipart form's bytes besides the file


def base_url(request: Request) -> str:
    """The service's root: mounted under /1, the request's base URL ends with it."""
    return str(request.base_url).rstrip("/").removesuffix("/1")


def path_param(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    return value


def _name(fields: dict[str, Any]) -> str | None:
    name = fields.get("name")
    if not isinstance(name, str) or not name:
        return None
    if len(name) > MAX_NAME_LENGTH:
        raise TrelloError(400, "invalid value for name")
    return name


def _redirect(location: str) -> Response:
    return Response(status_code=302, headers={"Location": location, "Cache-Control": "no-store"})


class TrelloFiles:
    def __init__(
        self,
        store: Store,
        trello: TrelloStore,
        lookup: Lookup,
        storage: StorageGate,
        auth: TrelloAuth,
        settings: TrelloSettings,
        secret: bytes,
    ) -> None:
        self.store = store
        self.trello = trello
        self.lookup = lookup
        self.ids = lookup.ids
        self.storage = storage
        self.auth = auth
        self.settings = settings
        self.secret = secret

    def web_base(self, request: Request) -> str:
        return self.settings.web_url or base_url(request)

    async def attachments_json(
        self, request: Request, caller: Caller, attachments: list[Attachment]
    ) -> list[dict[str, Any]]:
        await self._make_missing_previews(attachments)
        previews = self.trello.previews([a.id for a in attachments])
        base, web = base_url(request), self.web_base(request)
        records = [(a.id, a.created_at) for a in attachments]
        records += self.lookup.created("card", {a.card_id for a in attachments if a.card_id})
        oids = self.ids.many_out(records)
        answer = []
        positions: dict[str | None, int] = {}
        for attachment in attachments:
            position = positions.get(attachment.card_id, 0)
            positions[attachment.card_id] = position + 1
            answer.append(
                payloads.attachment_json(
                    attachment,
                    attachment_oid=oids[attachment.id],
                    card_oid=oids.get(attachment.card_id or "", ""),
                    position=position,
                    base=base,
                    web_base=web,
                    member_id=caller.token.member.id,
                    previews=previews.get(attachment.id, []),
                    secret=self.secret,
                )
            )
        return answer

    def upload_limit(self, card: Card) -> int:
        plan = self.trello.board_plan(card.board_id)
        return min(PLAN_LIMITS.get(plan, PLAN_LIMITS["paid"]), self.settings.max_upload_size)

    async def upload(self, request: Request) -> Response:
        """Multipart `file` (or `url` for a link), `name`, `mimeType`, `setCover`; a link
        may also come as JSON or in the query, as Trello takes it."""
        caller = self.auth.caller(request, write=True)
        card = self.lookup.card(caller, path_param(request, "card"))
        limit = self.upload_limit(card)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + FORM_SLACK:
            raise TrelloError(413, "request entity too large")  # refused before reading it
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await request.json()
            fields = body if isinstance(body, dict) else {}
            return await self._answer(request, caller, self._link(caller, card, fields))
        async with request.form(max_files=1, max_fields=20) as form:
            fields = {**request.query_params, **{k: v for k, v in form.items()}}
            upload = form.get("file")
            if isinstance(upload, UploadFile):
                name = _name(fields) or upload.filename or "file"
                wanted = fields.get("mimeType")
                wanted = wanted if isinstance(wanted, str) else ""
                content_type = wanted if _MIME_TYPE.fullmatch(wanted) else None
                if upload.size is not None and upload.size > limit:
                    raise TrelloError(400, "file too large for this workspace's plan")
                attachment = await self._store_file(caller, card, upload, name, content_type)
            else:
                attachment = self._link(caller, card, fields)
        return await self._answer(request, caller, attachment)

    def _link(self, caller: Caller, card: Card, fields: dict[str, Any]) -> Attachment:
        link = fields.get("url")
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            raise TrelloError(400, "invalid value for url")
        name = _name(fields) or link
        return self.store.create_attachment(
            caller.tenant_id, name, "text/uri-list", None,
            kind="link", url=link, state="stored", card_id=card.id,
        )  # fmt: skip

    async def _answer(self, request: Request, caller: Caller, attachment: Attachment) -> Response:
        (answer,) = await self.attachments_json(request, caller, [attachment])
        return JSONResponse(answer)

    async def _store_file(
        self,
        caller: Caller,
        card: Card,
        upload: UploadFile,
        name: str,
        content_type: str | None,
    ) -> Attachment:
        gateway = await self.storage.require()  # before the record: a 503 leaves nothing behind
        content_type = content_type or upload.content_type or "application/octet-stream"
        size = upload.size if upload.size is not None else 0
        record = self.store.create_attachment(caller.tenant_id, name, content_type, size)
        assert record.object_key is not None
        try:
            upload.file.seek(0)
            await self.storage.call(
                gateway.put_object, record.object_key, upload.file, content_type
            )
            self.store.mark_stored(caller.tenant_id, record.id)
            linked = self.store.link_attachment(caller.tenant_id, record.id, card.id)
        except BaseException:
            self.store.delete_attachment(caller.tenant_id, record.id)
            raise
        if wants_previews(content_type, size):
            upload.file.seek(0)
            made = await run_in_threadpool(make_previews, upload.file)
            with contextlib.suppress(problems.Problem):  # stored all the same; a listing retries
                await self._save_previews(linked, made)
        return linked

    async def delete(self, request: Request) -> Response:
        caller = self.auth.caller(request, write=True)
        card = self.lookup.card(caller, path_param(request, "card"))
        attachment = self.lookup.attachment(
            caller.tenant_id, card, path_param(request, "attachment")
        )
        keys = [p.object_key for p in self.trello.drop_previews(attachment.id)]
        if attachment.object_key is not None:
            keys.append(attachment.object_key)
        for key in keys:
            await self.storage.call(self.storage.gateway.delete_object, key)
        self.store.delete_attachment(caller.tenant_id, attachment.id)
        return JSONResponse({"limits": {}})

    # -- downloads ------------------------------------------------------------------

    def _download_target(self, request: Request) -> Attachment:
        """The attachment, for the OAuth header or a valid signature; never query auth."""
        card_text, attachment_text = path_param(request, "card"), path_param(request, "attachment")
        sent = self.auth.credentials(request, query_allowed=False)
        if sent is not None:
            caller = self.auth.check(*sent)
            card = self.lookup.card(caller, card_text)
            return self.lookup.attachment(caller.tenant_id, card, attachment_text)
        return self.signed_target(request)

    def signed_target(self, request: Request) -> Attachment:
        """The attachment a signed URL names (no credential at all)."""
        card_text, attachment_text = path_param(request, "card"), path_param(request, "attachment")
        signature = request.query_params.get("signature", "")
        if not payloads.signature_valid(self.secret, attachment_text, signature):
            raise TrelloError(401, UNAUTHORIZED)
        tenant_id = self.lookup.tenant_of_attachment(attachment_text)
        card = None if tenant_id is None else self.store.card(tenant_id, self.ids.into(card_text))
        if tenant_id is None or card is None:
            raise not_found()
        return self.lookup.attachment(tenant_id, card, attachment_text)

    async def download(self, request: Request) -> Response:
        if request.method == "HEAD" and self.settings.mode(Fault.HEAD_405):
            return Response("Method Not Allowed", 405, headers={"Allow": "GET"})
        attachment = self._download_target(request)
        return await self.answer_download(
            request, attachment, self.settings.mode(Fault.DOWNLOAD_200)
        )

    async def answer_download(
        self, request: Request, attachment: Attachment, bytes_here: bool
    ) -> Response:
        """302 to a presigned GET; or, with `bytes_here`, the file itself (200)."""
        if attachment.kind == "link":
            return _redirect(attachment.url or "")
        if attachment.state != "stored" or attachment.object_key is None:
            raise not_found()
        if bytes_here:
            data = await self.storage.call(
                self.storage.gateway.get_object_bytes, attachment.object_key
            )
            if data is None:
                raise not_found()
            body = b"" if request.method == "HEAD" else data
            headers = {"Content-Length": str(len(data))}
            return Response(body, 200, headers=headers, media_type=attachment.content_type)
        location = await self.storage.call(
            self.storage.gateway.download_link,
            attachment.object_key,
            attachment.name,
            attachment.content_type,
            LINK_TTL,
        )
        return _redirect(location)

    async def preview(self, request: Request) -> Response:
        attachment = self._download_target(request)
        wanted = path_param(request, "preview")
        previews = self.trello.previews([attachment.id]).get(attachment.id, [])
        preview = next((p for p in previews if p.id == wanted), None)
        if preview is None:
            raise not_found()
        location = await self.storage.call(
            self.storage.gateway.download_link,
            preview.object_key,
            f"preview-{preview.width}x{preview.height}.png",
            "image/png",
            LINK_TTL,
        )
        return _redirect(location)

    # -- previews -------------------------------------------------------------------

    async def _make_missing_previews(self, attachments: list[Attachment]) -> None:
        """Previews for images that have none yet: a few per request, never failing it."""
        images = [
            a
            for a in attachments
            if a.kind == "file" and a.state == "stored" and wants_previews(a.content_type, a.size)
        ]
        made = self.trello.previews_made([a.id for a in images])
        todo = [a for a in images if a.id not in made][:PREVIEWS_PER_REQUEST]
        if not todo or not self.storage.ready:
            return
        for attachment in todo:
            assert attachment.object_key is not None
            try:
                data = await self.storage.call(
                    self.storage.gateway.get_object_bytes, attachment.object_key
                )
                if data is None:
                    continue  # not uploaded yet (the demo's objects come when S3 does)
                previews = await run_in_threadpool(make_previews, io.BytesIO(data))
                await self._save_previews(attachment, previews)
            except problems.Problem:
                return  # storage went away: the listing goes on without previews

    async def _save_previews(self, attachment: Attachment, made: list[MadePreview]) -> None:
        assert attachment.object_key is not None
        records = []
        for preview in made:
            preview_id = object_id()
            key = f"{attachment.object_key}.previews/{preview_id}.png"
            await self.storage.call(self.storage.gateway.put_object, key, preview.png, "image/png")
            size = len(preview.png)
            records.append(
                PreviewRecord(
                    preview_id,
                    attachment.id,
                    key,
                    preview.width,
                    preview.height,
                    size,
                    preview.scaled,
                )
            )
        self.trello.add_previews(attachment.id, records)
