"""Trello's JSON, read into domain objects (PROTOCOLS.md §1).

Every reader raises MalformedResponse when a field it needs is missing or mistyped;
fields Trello may leave out or null (fileName, bytes, edgeColor, previews) are optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from satchel.domain.model import Attachment, Board, BoardList, Card, Identity, Preview
from satchel.providers.http import malformed
from satchel.providers.json_fields import JsonObject

#: What a link attachment's content type is when Trello leaves mimeType empty.
LINK_CONTENT_TYPE = "text/uri-list"
_OBJECT_ID = re.compile(r"[0-9a-f]{24}")
_DOWNLOAD_PATH = re.compile(r"/1/cards/[^/]+/attachments/[^/]+/download/(?P<name>[^/?#]+)$")


def created_at(object_id: str) -> datetime | None:
    """Trello's ids are Mongo ObjectIds: their first 4 bytes are the creation time."""
    if not _OBJECT_ID.fullmatch(object_id):
        return None
    return datetime.fromtimestamp(int(object_id[:8], 16), UTC)


def _array(body: Any, what: str) -> list[Any]:
    if not isinstance(body, list):
        raise malformed(f"{what} is not a list")
    return body


def _closed(item: JsonObject) -> bool:
    return item.has("closed") and item.flag("closed")


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What `/1/tokens/{token}` says: who, which app, since and until when, what it may do."""

    id: str
    member_id: str
    app_name: str | None
    created_at: datetime | None
    expires_at: datetime | None  # None: never expires
    can_read: bool
    can_write: bool

    @property
    def scope(self) -> str:
        return ",".join(s for s, ok in (("read", self.can_read), ("write", self.can_write)) if ok)


def read_token_info(body: Any) -> TokenInfo:
    token = JsonObject(body, "token")
    permissions = [JsonObject(p, "token.permissions[]") for p in token.array("permissions")]
    return TokenInfo(
        id=token.text("id"),
        member_id=token.text("idMember"),
        app_name=token.opt_text("identifier"),
        created_at=token.opt_time("dateCreated"),
        expires_at=token.opt_time("dateExpires"),
        can_read=any(p.has("read") and p.flag("read") for p in permissions),
        can_write=any(p.has("write") and p.flag("write") for p in permissions),
    )


def read_identity(member_body: Any, token: TokenInfo | None) -> Identity:
    """The member, with the token's scope and expiry when they are known."""
    member = JsonObject(member_body, "member")
    return Identity(
        id=member.text("id"),
        name=member.opt_text("fullName") or member.text("username"),
        scope=token.scope if token is not None else "read,write",
        expires_at=token.expires_at if token is not None else None,
    )


def read_boards(body: Any) -> list[Board]:
    return [read_board(item) for item in _array(body, "boards")]


def read_board(data: Any) -> Board:
    board = JsonObject(data, "board")
    board_id = board.text("id")
    return Board(
        id=board_id,
        name=board.text("name"),
        created_at=created_at(board_id),
        updated_at=board.opt_time("dateLastActivity"),
        closed=_closed(board),
    )


def read_lists(body: Any) -> list[BoardList]:
    return [read_list(item) for item in _array(body, "lists")]


def read_list(data: Any) -> BoardList:
    item = JsonObject(data, "list")
    list_id = item.text("id")
    return BoardList(
        id=list_id,
        name=item.text("name"),
        board_id=item.text("idBoard"),
        created_at=created_at(list_id),
        closed=_closed(item),
    )


@dataclass(frozen=True, slots=True)
class CardWithAttachments:
    card: Card
    #: None when the answer did not include the card's attachments.
    attachments: list[Attachment] | None


def read_cards(body: Any) -> list[CardWithAttachments]:
    return [read_card(item) for item in _array(body, "cards")]


def read_card(data: Any) -> CardWithAttachments:
    item = JsonObject(data, "card")
    card_id = item.text("id")
    card = Card(
        id=card_id,
        name=item.text("name"),
        list_id=item.text("idList"),
        board_id=item.opt_text("idBoard"),
        created_at=created_at(card_id),
        updated_at=item.opt_time("dateLastActivity"),
        closed=_closed(item),
    )
    attachments = None
    if item.has("attachments"):
        attachments = [read_attachment(a, card_id) for a in item.array("attachments")]
    return CardWithAttachments(card, attachments)


def read_attachments(body: Any, card_id: str) -> list[Attachment]:
    return [read_attachment(item, card_id) for item in _array(body, "attachments")]


def without_query(url: str) -> str:
    """The URL without its query and fragment: a `signature` is a capability, not an address."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def file_name_of(url: str | None) -> str | None:
    """The file name at the end of a `/download/{fileName}` URL (seed 000), decoded."""
    if not url:
        return None
    match = _DOWNLOAD_PATH.search(urlsplit(url).path)
    return unquote(match["name"]) if match else None


def read_attachment(data: Any, card_id: str) -> Attachment:
    """`card_id` comes from the caller: Trello's attachment objects do not name their card."""
    item = JsonObject(data, "attachment")
    attachment_id = item.text("id")
    url = item.opt_text("url")
    is_upload = item.flag("isUpload") if item.has("isUpload") else item.has("bytes")
    name = item.opt_text("name") or item.opt_text("fileName") or url or attachment_id
    if not is_upload:
        if not url:
            raise malformed("a link attachment without its url")
        return Attachment(
            id=attachment_id,
            name=name,
            card_id=card_id,
            content_type=item.opt_text("mimeType") or LINK_CONTENT_TYPE,
            size=None,
            created_at=item.opt_time("date"),
            link_url=url,
        )
    # `name` is user-editable: for a file name use `fileName`, else the URL's last part.
    file_name = item.opt_text("fileName") or file_name_of(url) or name
    return Attachment(
        id=attachment_id,
        name=name,
        card_id=card_id,
        content_type=item.opt_text("mimeType") or "application/octet-stream",
        size=item.opt_integer("bytes"),
        created_at=item.opt_time("date"),
        download_url=without_query(url) if url else None,
        file_name=file_name,
        previews=tuple(read_preview(p) for p in _previews(item)),
    )


def _previews(item: JsonObject) -> list[Any]:
    return item.array("previews") if item.has("previews") else []


def read_preview(data: Any) -> Preview:
    preview = JsonObject(data, "preview")
    preview_id = preview.opt_text("id") or preview.text("_id")
    return Preview(
        id=preview_id,
        url=without_query(preview.text("url")),
        width=preview.integer("width"),
        height=preview.integer("height"),
        size=preview.opt_integer("bytes"),
    )


def smallest_preview(attachment: Attachment, width: int, height: int) -> Preview | None:
    """The smallest preview that covers `width` x `height`, else the largest there is."""
    return attachment.preview_covering(width, height)
