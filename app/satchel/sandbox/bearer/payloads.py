"""What the bearer dialect reads from requests and writes in answers (wire.md shapes)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from starlette.requests import Request

from satchel.sandbox import problems
from satchel.sandbox.records import Attachment, Board, BoardList, Card, Page

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_NAME_LENGTH = 255
#: A JSON body of this API is a few hundred bytes; refuse anything absurd before parsing.
MAX_BODY_BYTES = 64 * 1024
# ASCII "type/subtype" with optional parameters, no control characters: it goes into a header.
_CONTENT_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+(;[ -~]*)?")

# -- reading --------------------------------------------------------------------


def page_params(request: Request) -> tuple[int, int]:
    """`(after, limit)` from `?cursor=` and `?limit=`; 422 when either is bad."""
    raw_limit = request.query_params.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        if not re.fullmatch(r"[0-9]{1,6}", raw_limit):
            raise problems.validation_failed("limit must be an integer from 1 to 500.")
        limit = int(raw_limit)
        if not 1 <= limit <= MAX_LIMIT:
            raise problems.validation_failed("limit must be an integer from 1 to 500.")
    raw_cursor = request.query_params.get("cursor")
    after = 0 if raw_cursor is None else decode_cursor(raw_cursor)
    return after, limit


def encode_cursor(after: int) -> str:
    return base64.urlsafe_b64encode(f"after:{after}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    match = re.fullmatch(r"after:([0-9]{1,18})", text)
    if match is None or encode_cursor(int(match[1])) != cursor:
        raise problems.validation_failed("cursor is not one this service gave out.")
    return int(match[1])


async def json_object(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise problems.validation_failed("The request body is too large.")
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise problems.validation_failed("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise problems.validation_failed("The request body must be a JSON object.")
    return value


def name_field(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise problems.validation_failed("name must be a string of 1 to 255 characters.")
    return name


def content_type_field(body: dict[str, Any]) -> str:
    content_type = body.get("content_type")
    if not isinstance(content_type, str) or len(content_type) > MAX_NAME_LENGTH:
        raise problems.validation_failed("content_type must be a MIME type such as text/plain.")
    if not _CONTENT_TYPE.fullmatch(content_type):
        raise problems.validation_failed("content_type must be a MIME type such as text/plain.")
    return content_type


def size_field(body: dict[str, Any], max_size: int) -> int:
    size = body.get("size")
    # bool is an int in Python, but `true` is not a size.
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise problems.validation_failed("size must be an integer >= 0 (bytes).")
    if size > max_size:
        raise problems.validation_failed(
            f"size {size} is over this service's upload limit of {max_size} bytes."
        )
    return size


def string_field(body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise problems.validation_failed(f"{field} must be a non-empty string.")
    return value


# -- writing --------------------------------------------------------------------


def page_json(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    after = page.next_after
    return {"data": items, "next": None if after is None else encode_cursor(after)}


def board_json(board: Board) -> dict[str, Any]:
    return {
        "id": board.id,
        "name": board.name,
        "created_at": board.created_at,
        "updated_at": board.updated_at,
    }


def list_json(board_list: BoardList) -> dict[str, Any]:
    return {
        "id": board_list.id,
        "name": board_list.name,
        "board_id": board_list.board_id,
        "position": board_list.position,
        "created_at": board_list.created_at,
        "updated_at": board_list.updated_at,
    }


def card_json(card: Card) -> dict[str, Any]:
    return {
        "id": card.id,
        "name": card.name,
        "list_id": card.list_id,
        "board_id": card.board_id,
        "created_at": card.created_at,
        "updated_at": card.updated_at,
    }


def attachment_json(attachment: Attachment, base_url: str) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "created_at": attachment.created_at,
        "updated_at": attachment.updated_at,
        "card_id": attachment.card_id,
        "state": attachment.state,
        "kind": attachment.kind,
        "url": attachment.url,
        "download_url": f"{base_url}/api/v1/attachments/{attachment.id}/download",
    }
