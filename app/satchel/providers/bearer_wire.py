"""The bearer dialect's JSON, read into domain objects (see the wire contract).

Every reader raises MalformedResponse when a field it needs is missing or mistyped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from satchel.domain.model import (
    Attachment,
    Board,
    BoardList,
    Card,
    Identity,
    PendingUpload,
)
from satchel.providers.http import malformed
from satchel.providers.json_fields import JsonObject


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def read_page(body: Any) -> Page:
    page = JsonObject(body, "page")
    return Page(items=page.array("data"), next_cursor=page.opt_text("next") or None)


def read_identity(body: Any) -> Identity:
    me = JsonObject(body, "me")
    tenant = me.obj("tenant")
    limits = me.obj("limits") if me.has("limits") else None
    return Identity(
        id=tenant.text("id"),
        name=tenant.text("name"),
        scope=me.text("scope"),
        max_upload_size=limits.opt_integer("max_upload_size") if limits else None,
    )


def read_board(data: Any) -> Board:
    board = JsonObject(data, "board")
    return Board(
        id=board.text("id"),
        name=board.text("name"),
        created_at=board.opt_time("created_at"),
        updated_at=board.opt_time("updated_at"),
    )


def read_list(data: Any) -> BoardList:
    item = JsonObject(data, "list")
    return BoardList(
        id=item.text("id"),
        name=item.text("name"),
        board_id=item.text("board_id"),
        created_at=item.opt_time("created_at"),
        updated_at=item.opt_time("updated_at"),
    )


def read_card(data: Any) -> Card:
    card = JsonObject(data, "card")
    return Card(
        id=card.text("id"),
        name=card.text("name"),
        list_id=card.text("list_id"),
        board_id=card.opt_text("board_id"),
        created_at=card.opt_time("created_at"),
        updated_at=card.opt_time("updated_at"),
    )


def read_attachment(data: Any) -> Attachment:
    item = JsonObject(data, "attachment")
    kind = item.opt_text("kind") or "file"
    link_url = item.opt_text("url") if kind == "link" else None
    if kind == "link" and not link_url:
        raise malformed("a link attachment without its url")
    return Attachment(
        id=item.text("id"),
        name=item.text("name"),
        card_id=item.opt_text("card_id"),
        content_type=item.opt_text("content_type") or "application/octet-stream",
        size=item.opt_integer("size"),
        created_at=item.opt_time("created_at"),
        state=item.opt_text("state") or "stored",
        download_url=item.opt_text("download_url"),
        link_url=link_url,
    )


def read_pending_upload(data: Any) -> PendingUpload:
    """Step 1's answer: the pending attachment, its form, and when the form dies."""
    attachment = read_attachment(data)
    body = JsonObject(data, "upload answer")
    form = body.obj("upload")
    fields = form.text_map("fields")
    key = next((v for k, v in fields.items() if k.lower() == "key"), None)
    if not key:
        raise malformed("an upload form without its key")
    return PendingUpload(
        id=attachment.id,
        url=form.text("url"),
        fields=fields,
        key=key,
        expires_at=body.opt_time("upload_expires_at"),
        attachment=attachment,
    )
