"""Trello's JSON shapes, made from the store's records, and the signed attachment URLs.

Field names are Trello's (PROTOCOLS.md §1): camelCase, `closed`, `pos`, `idBoard`,
`isUpload`, `bytes` (null for links), `previews[]`. Ids are the store's own ids.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote

from satchel.sandbox.records import Attachment, Board, BoardList, Card
from satchel.sandbox.trello.store import Member, PreviewRecord, TokenRecord

#: An attachment's `url` works without key and token this long (seed 000: one hour).
SIGNATURE_SECONDS = 3600
POS_STEP = 16384


def board_json(board: Board, base: str, closed: set[str]) -> dict[str, Any]:
    return {
        "id": board.id,
        "name": board.name,
        "desc": "",
        "closed": board.id in closed,
        "idOrganization": None,
        "pinned": False,
        "url": f"{base}/b/{board.id}",
        "shortUrl": f"{base}/b/{board.id}",
        "prefs": {"permissionLevel": "private", "comments": "members", "invitations": "members"},
        "dateLastActivity": board.updated_at,
    }


def list_json(board_list: BoardList, closed: set[str]) -> dict[str, Any]:
    return {
        "id": board_list.id,
        "name": board_list.name,
        "closed": board_list.id in closed,
        "pos": (board_list.position + 1) * POS_STEP,
        "idBoard": board_list.board_id,
        "subscribed": False,
    }


def card_json(card: Card, position: int, base: str, closed: set[str]) -> dict[str, Any]:
    return {
        "id": card.id,
        "name": card.name,
        "desc": "",
        "idBoard": card.board_id,
        "idList": card.list_id,
        "pos": (position + 1) * POS_STEP,
        "closed": card.id in closed,
        "shortUrl": f"{base}/c/{card.id}",
        "url": f"{base}/c/{card.id}",
        "dateLastActivity": card.updated_at,
        "badges": {"attachments": 0},
        "cover": {"idAttachment": None, "color": None, "size": "normal"},
    }


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


def attachment_json(
    attachment: Attachment,
    *,
    position: int,
    base: str,
    member_id: str,
    previews: list[PreviewRecord],
    secret: bytes,
) -> dict[str, Any]:
    is_upload = attachment.kind == "file"
    card_id = attachment.card_id or ""
    if is_upload:
        signature = sign(secret, attachment.id, int(time.time()) + SIGNATURE_SECONDS)
        path = download_path(card_id, attachment.id, attachment.name)
        url = f"{base}{path}?signature={signature}"
    else:
        url = attachment.url or ""
    return {
        "id": attachment.id,
        "bytes": attachment.size if is_upload else None,
        "date": attachment.created_at,
        "edgeColor": None,
        "fileName": attachment.name if is_upload else None,
        "idMember": member_id,
        "isUpload": is_upload,
        "mimeType": attachment.content_type if is_upload else "",
        "name": attachment.name,
        "pos": (position + 1) * POS_STEP,
        "previews": [preview_json(card_id, attachment.id, p, base) for p in previews],
        "url": url,
        "isMalicious": False,
        "limits": {},
    }
