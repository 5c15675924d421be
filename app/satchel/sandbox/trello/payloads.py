"""Trello's JSON shapes, made from the store's records, and the signed attachment URLs.

Field names are Trello's (PROTOCOLS.md §1): camelCase, `closed`, `pos`, `idBoard`,
`isUpload`, `bytes` (null for links), `previews[]`. Ids are the store's own ids.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from satchel.sandbox.records import Attachment, Board, BoardList, Card
from satchel.sandbox.trello.store import Member, PreviewRecord, TokenRecord

#: An attachment's `url` works without key and token this long (seed 000: one hour).
SIGNATURE_SECONDS = 3600
POS_STEP = 16384


def board_json(
    board: Board, board_oid: str, short_link: str, base: str, closed: set[str]
) -> dict[str, Any]:
    """Trello's default field set of a board (what comes back without `fields`)."""
    return {
        "id": board_oid,
        "name": board.name,
        "desc": "",
        "descData": None,
        "closed": board.id in closed,
        "idOrganization": None,
        "idEnterprise": None,
        "pinned": False,
        "url": f"{base}/b/{short_link}/{_slug(board.name)}",
        "shortUrl": f"{base}/b/{short_link}",
        "shortLink": short_link,
        "prefs": {
            "permissionLevel": "private",
            "comments": "members",
            "invitations": "members",
            "voting": "disabled",
            "background": "blue",
            "cardCovers": True,
        },
        "labelNames": {c: "" for c in ("green", "yellow", "orange", "red", "purple", "blue")},
        "dateLastActivity": board.updated_at,
        "dateLastView": board.updated_at,
        "idTags": [],
    }


def list_json(
    board_list: BoardList, list_oid: str, board_oid: str, closed: set[str]
) -> dict[str, Any]:
    return {
        "id": list_oid,
        "name": board_list.name,
        "closed": board_list.id in closed,
        "pos": (board_list.position + 1) * POS_STEP,
        "idBoard": board_oid,
        "subscribed": False,
        "softLimit": None,
    }


def card_json(
    card: Card,
    oids: Mapping[str, str],
    short_link: str,
    position: int,
    base: str,
    closed: set[str],
) -> dict[str, Any]:
    """Trello's default field set of a card; `oids` maps the store's ids to ObjectIds."""
    return {
        "id": oids[card.id],
        "badges": {
            "attachmentsByType": {"trello": {"board": 0, "card": 0}},
            "location": False,
            "votes": 0,
            "viewingMemberVoted": False,
            "subscribed": False,
            "fogbugz": "",
            "checkItems": 0,
            "checkItemsChecked": 0,
            "checkItemsEarliestDue": None,
            "comments": 0,
            "attachments": 0,
            "description": False,
            "due": None,
            "dueComplete": False,
            "start": None,
        },
        "checkItemStates": [],
        "closed": card.id in closed,
        "dueComplete": False,
        "dateLastActivity": card.updated_at,
        "desc": "",
        "descData": {"emoji": {}},
        "due": None,
        "dueReminder": None,
        "email": None,
        "idBoard": oids[card.board_id],
        "idChecklists": [],
        "idList": oids[card.list_id],
        "idMembers": [],
        "idMembersVoted": [],
        "idShort": position + 1,
        "idAttachmentCover": None,
        "labels": [],
        "idLabels": [],
        "manualCoverAttachment": False,
        "name": card.name,
        "pos": (position + 1) * POS_STEP,
        "shortLink": short_link,
        "shortUrl": f"{base}/c/{short_link}",
        "start": None,
        "subscribed": False,
        "url": f"{base}/c/{short_link}/{position + 1}-{_slug(card.name)}",
        "cover": {
            "idAttachment": None,
            "color": None,
            "idUploadedBackground": None,
            "size": "normal",
            "brightness": "dark",
            "idPlugin": None,
        },
        "isTemplate": False,
        "cardRole": None,
    }


def _slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:60]


def only(item: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """Exactly the asked fields (and `id`), as Trello's `fields=` gives; all without it."""
    if fields is None or fields == "all":
        return item
    wanted = {name.strip() for name in fields.split(",") if name.strip()}
    return {key: value for key, value in item.items() if key == "id" or key in wanted}


def member_json(member: Member, base: str) -> dict[str, Any]:
    return {
        "id": member.id,
        "username": member.username,
        "fullName": member.full_name,
        "initials": "".join(word[:1] for word in member.full_name.split()[:2]).upper(),
        "avatarUrl": None,
        "url": f"{base}/{member.username}",
    }


def token_json(token: TokenRecord) -> dict[str, Any]:
    write = token.can_write
    return {
        "id": token.id,
        "identifier": token.app_name,
        "idMember": token.member.id,
        "dateCreated": token.created_at,
        "dateExpires": token.expires_at,
        "permissions": [
            {"idModel": "*", "modelType": "Board", "read": True, "write": write},
            {"idModel": "*", "modelType": "Organization", "read": True, "write": write},
        ],
    }


# -- signed URLs ------------------------------------------------------------------------


def sign(secret: bytes, attachment_id: str, expires: int) -> str:
    mac = hmac.new(secret, f"{attachment_id}:{expires}".encode(), hashlib.sha256).hexdigest()
    return f"{expires}.{mac[:40]}"


def signature_valid(secret: bytes, attachment_id: str, signature: str) -> bool:
    expires_text, _, _ = signature.partition(".")
    if not expires_text.isdigit() or int(expires_text) < time.time():
        return False
    return hmac.compare_digest(sign(secret, attachment_id, int(expires_text)), signature)


def download_path(card_id: str, attachment_id: str, file_name: str) -> str:
    return f"/1/cards/{card_id}/attachments/{attachment_id}/download/{quote(file_name, safe='')}"


def preview_path(card_id: str, attachment_id: str, preview: PreviewRecord) -> str:
    return (
        f"/1/cards/{card_id}/attachments/{attachment_id}/previews/{preview.id}/download/"
        f"preview-{preview.width}x{preview.height}.png"
    )


def preview_json(
    card_id: str, attachment_id: str, preview: PreviewRecord, base: str
) -> dict[str, Any]:
    return {
        "_id": preview.id,
        "id": preview.id,
        "url": base + preview_path(card_id, attachment_id, preview),
        "width": preview.width,
        "height": preview.height,
        "bytes": preview.bytes,
        "scaled": preview.scaled,
    }


def stored_file_name(name: str) -> str:
    """The sanitised name Trello stores a file under (its `fileName`): runs of anything but
    ASCII letters, digits, dots, dashes and underscores become one underscore."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "file"
    return cleaned[:MAX_FILE_NAME]


MAX_FILE_NAME = 200


def attachment_json(
    attachment: Attachment,
    *,
    attachment_oid: str,
    card_oid: str,
    position: int,
    base: str,
    web_base: str,
    member_id: str,
    previews: list[PreviewRecord],
    secret: bytes,
) -> dict[str, Any]:
    """An attachment as Trello shows it: its `url` on the web host, signed for an hour."""
    is_upload = attachment.kind == "file"
    file_name = stored_file_name(attachment.name) if is_upload else None
    if file_name is not None:
        signature = sign(secret, attachment_oid, int(time.time()) + SIGNATURE_SECONDS)
        path = download_path(card_oid, attachment_oid, file_name)
        url = f"{web_base}{path}?signature={signature}"
    else:
        url = attachment.url or ""
    return {
        "id": attachment_oid,
        "bytes": attachment.size if is_upload else None,
        "date": attachment.created_at,
        "edgeColor": None,
        "fileName": file_name,
        "idMember": member_id,
        "isUpload": is_upload,
        "mimeType": attachment.content_type if is_upload else "",
        "name": attachment.name,
        "pos": (position + 1) * POS_STEP,
        "previews": [preview_json(card_oid, attachment_oid, p, base) for p in previews],
        "url": url,
        "isMalicious": False,
        "limits": {},
    }
