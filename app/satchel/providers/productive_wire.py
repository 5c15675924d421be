"""Productive's resources as Satchel's domain objects (PROTOCOLS.md §2).

A Satchel board is one Productive board ("folder"), labelled "Project › Board"; its
lists are the task lists; cards are the tasks ("Title #12"); attachments come from
`filter[task_id]`. Attribute types vary (ids and task numbers may be numbers or
strings): read leniently, refuse what cannot be an answer.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from satchel.domain.model import Attachment, Board, BoardList, Card, PendingUpload
from satchel.providers.http import malformed
from satchel.providers.json_fields import JsonObject
from satchel.providers.jsonapi import Document, Resource

SEPARATOR = " › "


def _get(attributes: JsonObject, key: str) -> Any:
    return attributes.raw(key)


def _loose_text(attributes: JsonObject, key: str) -> str | None:
    """A text that may come as a number (task_number)."""
    value = _get(attributes, key)
    if isinstance(value, bool) or value is None:
        return None
    return str(value) if isinstance(value, int | str) else None


def is_archived(resource: Resource) -> bool:
    return resource.attributes.has("archived_at")


def is_deleted(resource: Resource) -> bool:
    return resource.attributes.has("deleted_at")


def read_board(resource: Resource, project: Resource | None) -> Board:
    name = resource.attributes.text("name")
    project_name = project.attributes.opt_text("name") if project else None
    archived = is_archived(resource) or (project is not None and is_archived(project))
    return Board(
        id=resource.id,
        name=f"{project_name}{SEPARATOR}{name}" if project_name else name,
        created_at=resource.attributes.opt_time("created_at"),
        closed=archived,
    )


def read_task_list(resource: Resource, board_id: str) -> BoardList:
    return BoardList(
        id=resource.id,
        name=resource.attributes.text("name"),
        board_id=resource.related_id("board") or resource.related_id("folder") or board_id,
        created_at=resource.attributes.opt_time("created_at"),
        closed=is_archived(resource),
    )


def position(resource: Resource) -> float:
    value = _get(resource.attributes, "position")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def read_task(resource: Resource, list_id: str) -> Card:
    title = resource.attributes.text("title")
    number = _loose_text(resource.attributes, "task_number")
    closed = _get(resource.attributes, "closed") is True or _status(resource) == 2
    return Card(
        id=resource.id,
        name=f"{title} #{number}" if number else title,
        list_id=resource.related_id("task_list") or list_id,
        created_at=resource.attributes.opt_time("created_at"),
        updated_at=resource.attributes.opt_time("updated_at"),
        closed=closed,
    )


def _status(resource: Resource) -> int | None:
    value = _get(resource.attributes, "status")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_attachment(resource: Resource, card_id: str | None) -> Attachment:
    attributes = resource.attributes
    size = _get(attributes, "size")
    return Attachment(
        id=resource.id,
        name=attributes.text("name"),
        card_id=resource.related_id("task") or card_id,
        content_type=attributes.opt_text("content_type") or "application/octet-stream",
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        created_at=attributes.opt_time("created_at"),
        state="stored" if attributes.has("url") else "pending",
        download_url=attributes.opt_text("url"),
    )


def policy_expiry(fields: dict[str, str]) -> datetime | None:
    """When an S3 POST policy dies: its base64 JSON says `expiration`."""
    policy = fields.get("policy") or fields.get("Policy")
    if not policy:
        return None
    try:
        decoded = json.loads(base64.b64decode(policy + "=" * (-len(policy) % 4)))
        when = datetime.fromisoformat(str(decoded["expiration"]).replace("Z", "+00:00"))
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def read_pending(document: Document, storage_url: str) -> PendingUpload:
    """Step 1's answer: the record and `aws_policy`, the form for the bucket."""
    resource = document.one()
    raw = _get(resource.attributes, "aws_policy")
    if not isinstance(raw, dict) or not raw.get("key"):
        raise malformed("an upload answer without aws_policy")
    fields = {str(k): str(v) for k, v in raw.items() if v is not None}
    return PendingUpload(
        id=resource.id,
        url=storage_url,
        fields=fields,
        key=fields["key"],
        expires_at=policy_expiry(fields),
        attachment=read_attachment(resource, None),
    )
