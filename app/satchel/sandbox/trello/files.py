"""Attachments in the Trello dialect: their JSON, upload, delete, downloads and previews.

Downloads and previews take the OAuth header or the signature of an attachment's `url`,
never query auth, and answer 302 to a presigned GET valid one hour. Previews are PNGs
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
from satchel.sandbox.records import Attachment, Card
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import Store
from satchel.sandbox.trello import payloads
from satchel.sandbox.trello.auth import UNAUTHORIZED, Caller, TrelloAuth, TrelloError, not_found
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


def base_url(request: Request) -> str:
    """The service's root: mounted under /1, the request's base URL ends with it."""
    return str(request.base_url).rstrip("/").removesuffix("/1")


def path_param(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    return value


def _redirect(location: str) -> Response:
    return Response(status_code=302, headers={"Location": location, "Cache-Control": "no-store"})


class TrelloFiles:
    def __init__(
        self,
        store: Store,
        trello: TrelloStore,
        storage: StorageGate,
        auth: TrelloAuth,
        settings: TrelloSettings,
        secret: bytes,
    ) -> None:
        self.store = store
        self.trello = trello
        self.storage = storage
        self.auth = auth
        self.settings = settings
        self.secret = secret

    def _card(self, caller: Caller, card_id: str) -> Card:
        card = self.store.card(caller.tenant_id, card_id)
        if card is None:
            raise not_found()
        return card

    async def attachments_json(
        self, request: Request, caller: Caller, attachments: list[Attachment]
    ) -> list[dict[str, Any]]:
        await self._make_missing_previews(attachments)
        previews = self.trello.previews([a.id for a in attachments])
        base = base_url(request)
        answer = []
        positions: dict[str | None, int] = {}
        for attachment in attachments:
            position = positions.get(attachment.card_id, 0)
            positions[attachment.card_id] = position + 1
            answer.append(
                payloads.attachment_json(
                    attachment,
                    position=position,
                    base=base,
                    member_id=caller.token.member.id,
                    previews=previews.get(attachment.id, []),
                    secret=self.secret,
                )
            )
        return answer

    async def upload(self, request: Request) -> Response:
        """Multipart `file` (or `url` for a link), `name`, `mimeType`, `setCover`."""
        caller = self.auth.caller(request, write=True)
        card = self._card(caller, path_param(request, "card"))
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.max_upload_size + 65536:
            raise TrelloError(413, "request entity too large")
        async with request.form(max_files=1, max_fields=20) as form:
            name = form.get("name")
            mime_type = form.get("mimeType")
            name = name if isinstance(name, str) and name else None
            if name is not None and len(name) > MAX_NAME_LENGTH:
                raise TrelloError(400, "invalid value for name")
            upload = form.get("file")
            link = form.get("url")
            if isinstance(upload, UploadFile):
                wanted = mime_type if isinstance(mime_type, str) else ""
                content_type = wanted if _MIME_TYPE.fullmatch(wanted) else None
                attachment = await self._store_file(caller, card, upload, name, content_type)
            elif isinstance(link, str) and link.startswith(("http://", "https://")):
                attachment = self.store.create_attachment(
                    caller.tenant_id, name or link, "text/uri-list", None,
                    kind="link", url=link, state="stored", card_id=card.id,
                )  # fmt: skip
            else:
                raise TrelloError(400, "invalid value for url")
        (answer,) = await self.attachments_json(request, caller, [attachment])
        return JSONResponse(answer)

    async def _store_file(
        self,
        caller: Caller,
        card: Card,
        upload: UploadFile,
        name: str | None,
        content_type: str | None,
    ) -> Attachment:
        gateway = await self.storage.require()  # before the record: a 503 leaves nothing behind
        name = name or upload.filename or "file"
        content_type = content_type or upload.content_type or "application/octet-stream"
        size = upload.size if upload.size is not None else 0
        if size > self.settings.max_upload_size:
            raise TrelloError(413, "request entity too large")
        record = self.store.create_attachment(caller.tenant_id, name, content_type, size)
        assert record.object_key is not None
        try:
            upload.file.seek(0)
            await self.storage.call(
                gateway.put_stream, record.object_key, upload.file, content_type
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
        card = self._card(caller, path_param(request, "card"))
        attachment = self.store.attachment(caller.tenant_id, path_param(request, "attachment"))
        if attachment is None or attachment.card_id != card.id:
            raise not_found()
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
        card_id, attachment_id = path_param(request, "card"), path_param(request, "attachment")
        sent = self.auth.credentials(request, query_allowed=False)
        if sent is not None:
            tenant_id: str | None = self.auth.check(*sent).tenant_id
        else:
            signature = request.query_params.get("signature", "")
            if not payloads.signature_valid(self.secret, attachment_id, signature):
                raise TrelloError(401, UNAUTHORIZED)
            tenant_id = self.trello.attachment_tenant(attachment_id)
        attachment = None if tenant_id is None else self.store.attachment(tenant_id, attachment_id)
        if attachment is None or attachment.card_id != card_id:
            raise not_found()
        return attachment

    async def download(self, request: Request) -> Response:
        attachment = self._download_target(request)
        if attachment.kind == "link":
            return _redirect(attachment.url or "")
        if attachment.state != "stored" or attachment.object_key is None:
            raise not_found()
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
