"""JSON:API as Productive speaks it: errors, the query string, pages, documents.

Errors come as `{"errors": [{"status", "title", "detail", "source"?}]}`; like the real
service, `status` is an int on some answers (401, 403, 404, 429) and a string on others
(400, 415, 422), so clients must read both.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

MEDIA_TYPE = "application/vnd.api+json"
DEFAULT_PAGE_SIZE = 30
MAX_PAGE_SIZE = 200

_BRACKETED = re.compile(r"^(filter|fields|page)\[([A-Za-z0-9_.]+)\]$")


class JsonApiError(Exception):
    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        pointer: str | None = None,
        parameter: str | None = None,
        status_as_text: bool = False,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.headers = headers or {}
        error: dict[str, Any] = {
            "status": str(status) if status_as_text else status,
            "title": title,
            "detail": detail,
        }
        if pointer is not None:
            error["source"] = {"pointer": pointer}
        elif parameter is not None:
            error["source"] = {"parameter": parameter}
        error.update(extra or {})
        self.body = {"errors": [error]}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, self.status, headers=self.headers, media_type=MEDIA_TYPE)


def unauthenticated() -> JsonApiError:
    return JsonApiError(401, "Unauthenticated", "You are not authenticated")


def access_denied(
    detail: str = "You don't have permission to access this resource",
) -> JsonApiError:
    return JsonApiError(403, "Access Denied", detail)


def not_found() -> JsonApiError:
    return JsonApiError(404, "Record Not Found", "The record you requested was not found")


def unsupported_media_type() -> JsonApiError:
    return JsonApiError(
        415,
        "Unsupported Media Type",
        f"All requests must use the '{MEDIA_TYPE}' Content-Type.",
        status_as_text=True,
    )


def bad_parameter(title: str, detail: str, parameter: str) -> JsonApiError:
    return JsonApiError(400, title, detail, parameter=parameter, status_as_text=True)


def invalid_attribute(pointer: str, detail: str) -> JsonApiError:
    return JsonApiError(
        422, "Invalid Attribute", detail, pointer=pointer, status_as_text=True,
        extra={"code": "invalid_attribute"},
    )  # fmt: skip


def document(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status, media_type=MEDIA_TYPE)


@dataclass(slots=True)
class Query:
    filters: dict[str, str] = field(default_factory=dict)
    fields: dict[str, set[str]] = field(default_factory=dict)
    include: list[str] = field(default_factory=list)
    sort: list[str] = field(default_factory=list)
    page_number: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    #: None: page-based; "" or a cursor: cursor-based.
    after: str | None = None


def _positive(name: str, text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise bad_parameter("Invalid Page Parameter", f"{name} must be a positive number.", name)
    return int(text)


def read_query(request: Request) -> Query:
    query = Query()
    for name, value in request.query_params.multi_items():
        match = _BRACKETED.match(name)
        if name == "include":
            query.include = [part for part in value.split(",") if part]
        elif name == "sort":
            query.sort = [part for part in value.split(",") if part]
        elif match and match.group(1) == "filter":
            query.filters[match.group(2)] = value
        elif match and match.group(1) == "fields":
            query.fields[match.group(2)] = {part for part in value.split(",") if part}
        elif match and match.group(2) == "number":
            query.page_number = _positive(name, value)
        elif match and match.group(2) == "size":
            query.page_size = min(_positive(name, value), MAX_PAGE_SIZE)  # larger: clamped
        elif match and match.group(2) == "after":
            query.after = value
        elif match:
            raise bad_parameter("Invalid Page Parameter", f"{name} is not supported.", name)
    return query


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id to continue after; 0 for the first page."""
    if cursor == "":
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    kind, _, number = text.partition(":")
    if kind != "id" or not number.isdigit():
        raise JsonApiError(
            400, "Invalid Cursor", "The page[after] cursor is not valid.",
            parameter="page[after]", status_as_text=True,
            extra={"code": "keyset_invalid_cursor"},
        )  # fmt: skip
    return int(number)


async def request_data(request: Request, resource_type: str) -> dict[str, Any]:
    """The `data` object of a write, checked for its type."""
    try:
        body = await request.json()
    except ValueError:
        raise JsonApiError(
            400, "Invalid Document", "The body is not JSON.", status_as_text=True
        ) from None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise invalid_attribute("data", "The document has no data object.")
    if data.get("type") != resource_type:
        raise invalid_attribute("data/type", f"type must be {resource_type!r}.")
    return data
