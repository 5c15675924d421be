"""The sandbox's records: plain, frozen values that the store returns and handlers read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, Literal, TypeVar

Scope = Literal["read", "read_write"]
AttachmentKind = Literal["file", "link"]
AttachmentState = Literal["pending", "stored"]


def iso_utc(moment: datetime) -> str:
    """ISO-8601 UTC with a Z; fixed width, so these strings sort like the times they name."""
    m = moment.astimezone(UTC)
    # By hand: strftime took twice as long, and three stamps go out per upload.
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
        f".{m.microsecond // 1000:03d}Z"
    )


def utc_now() -> str:
    return iso_utc(datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str
    name: str
    api_access: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class Grant:
    """What a valid, unrevoked key allows."""

    tenant: Tenant
    scope: Scope


@dataclass(frozen=True, slots=True)
class Board:
    seq: int
    id: str
    name: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class BoardList:
    seq: int
    id: str
    board_id: str
    name: str
    position: int
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Card:
    seq: int
    id: str
    board_id: str
    list_id: str
    name: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Attachment:
    seq: int
    id: str
    tenant_id: str
    card_id: str | None
    name: str
    content_type: str
    size: int | None
    kind: AttachmentKind
    url: str | None
    state: AttachmentState
    object_key: str | None
    created_at: str
    updated_at: str


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    #: The `seq` to continue after, or None on the last page.
    next_after: int | None


def object_key_for(tenant_id: str, attachment_id: str) -> str:
    return f"tenants/{tenant_id}/attachments/{attachment_id}"
