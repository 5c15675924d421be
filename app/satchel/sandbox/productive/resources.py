"""Productive's resource types over the store: their SQL, filters, sorts, attributes, links.

Each type is one SELECT (with `rid`, the Productive id, and `tenant_id`) that the
collection reader wraps with the organization, the filters, the order and the page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from satchel.sandbox.productive.jsonapi import bad_parameter

Condition = tuple[str, tuple[object, ...]]
Filter = Callable[[str], Condition]
Attributes = Callable[[sqlite3.Row, "Context"], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Context:
    files_url: str


@dataclass(frozen=True, slots=True)
class Relation:
    type: str
    #: The column holding the related id (to-one), or None for a to-many relation.
    column: str | None = None
    #: For a to-many relation: the SQL giving the related ids of one row (`?` = its rid).
    many_sql: str | None = None


@dataclass(frozen=True, slots=True)
class Kind:
    type: str
    sql: str
    attributes: Attributes
    filters: dict[str, Filter] = field(default_factory=dict)
    sorts: dict[str, str] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)


def ids_in(column: str) -> Filter:
    def condition(value: str) -> Condition:
        ids = [part.strip() for part in value.split(",") if part.strip()]
        if not ids or not all(part.isdigit() for part in ids):
            return ("0", ())  # Productive answers an empty page for ids that cannot exist
        return (f"{column} IN ({','.join('?' * len(ids))})", tuple(int(x) for x in ids))

    return condition


def status(name: str, first: str, second: str) -> Filter:
    """`filter[status]`: 1 or 2, each a condition."""

    def condition(value: str) -> Condition:
        if value == "1":
            return (first, ())
        if value == "2":
            return (second, ())
        raise bad_parameter(
            "Invalid Filter Value", f"filter[{name}] must be 1 or 2.", f"filter[{name}]"
        )

    return condition


def _iso(text: str | None) -> str | None:
    return text


def _file_path(rid: int) -> str:
    """Productive's object path for an attachment id: 2592959 -> 000/002/592/959."""
    digits = f"{rid:012d}"
    return "/".join(digits[i : i + 3] for i in range(0, 12, 3))


def file_url(files_url: str, rid: int, name: str, created_at: str) -> str:
    from urllib.parse import quote

    stamp = sum(ord(c) for c in created_at)  # a stable "?version" like Productive's
    return f"{files_url}/attachments/files/{_file_path(rid)}/original/{quote(name)}?{stamp}"


def rid_of_file_path(path: str) -> int | None:
    """The attachment id of `/attachments/files/000/002/592/959/original/NAME`, else None."""
    parts = path.strip("/").split("/")
    if len(parts) < 8 or parts[:2] != ["attachments", "files"] or parts[6] != "original":
        return None
    digits = "".join(parts[2:6])
    return int(digits) if digits.isdigit() and len(digits) == 12 else None


def _project(row: sqlite3.Row, _ctx: Context) -> dict[str, Any]:
    return {
        "name": row["name"], "project_number": str(row["rid"]),
        "archived_at": row["archived_at"], "created_at": row["created_at"],
    }  # fmt: skip


def _board(row: sqlite3.Row, _ctx: Context) -> dict[str, Any]:
    return {"name": row["name"], "archived_at": row["archived_at"], "created_at": row["created_at"]}


def _task_list(row: sqlite3.Row, _ctx: Context) -> dict[str, Any]:
    return {
        "name": row["name"], "position": row["position"], "placement": row["position"] * 1000,
        "archived_at": row["archived_at"], "created_at": row["created_at"],
    }  # fmt: skip


def _task(row: sqlite3.Row, _ctx: Context) -> dict[str, Any]:
    return {
        "title": row["title"], "task_number": str(row["task_number"]),
        "closed": bool(row["closed"]), "created_at": row["created_at"],
        "updated_at": row["updated_at"], "due_date": None,
    }  # fmt: skip


def _attachment(row: sqlite3.Row, ctx: Context) -> dict[str, Any]:
    stored = row["state"] == "stored"
    url = file_url(ctx.files_url, row["rid"], row["name"], row["created_at"]) if stored else None
    return {
        "name": row["name"], "content_type": row["content_type"], "size": row["size"],
        "url": url, "thumb": None, "temp_url": None, "resized": False,
        "created_at": row["created_at"], "deleted_at": row["deleted_at"],
        "attachment_type": "attachment", "attachable_type": row["attachable_type"],
    }  # fmt: skip


def _person(row: sqlite3.Row, _ctx: Context) -> dict[str, Any]:
    return {"first_name": row["first_name"], "last_name": row["last_name"], "email": row["email"]}


def _organization(row: sqlite3.Row, _ctx: Context) -> dict[str, Any]:
    return {"name": row["name"]}


def _nothing(_row: sqlite3.Row, _ctx: Context) -> dict[str, Any]:
    return {}


_ID = {"id": ids_in("rid")}
_PROJECT = {"project": Relation("projects", "project_id")}

KINDS: dict[str, Kind] = {
    kind.type: kind
    for kind in (
        Kind(
            "projects",
            "SELECT id AS rid, tenant_id, name, archived_at, created_at FROM productive_projects",
            _project,
            {**_ID, "status": status("status", "archived_at IS NULL", "archived_at IS NOT NULL")},
            {"id": "rid", "name": "name", "created_at": "created_at"},
        ),
        Kind(
            "boards",
            "SELECT b.seq AS rid, b.tenant_id, b.name, b.created_at, pb.archived_at,"
            " pb.project_id FROM boards b JOIN productive_boards pb ON pb.board_id = b.id",
            _board,
            {
                **_ID,
                "project_id": ids_in("project_id"),
                "status": status("status", "archived_at IS NULL", "archived_at IS NOT NULL"),
            },
            {"id": "rid", "name": "name", "created_at": "created_at"},
            _PROJECT,
        ),
        Kind(
            "task_lists",
            "SELECT l.seq AS rid, l.tenant_id, l.name, l.position, l.created_at, tl.archived_at,"
            " b.seq AS board_rid, pb.project_id FROM lists l JOIN boards b ON b.id = l.board_id"
            " JOIN productive_boards pb ON pb.board_id = b.id"
            " LEFT JOIN productive_task_lists tl ON tl.list_id = l.id",
            _task_list,
            {
                **_ID,
                "board_id": ids_in("board_rid"),
                "folder_id": ids_in("board_rid"),
                "project_id": ids_in("project_id"),
                "status": status("status", "archived_at IS NULL", "archived_at IS NOT NULL"),
            },
            {"id": "rid", "name": "name", "position": "position"},
            {
                **_PROJECT,
                "board": Relation("boards", "board_rid"),
                "folder": Relation("boards", "board_rid"),
            },
        ),
        Kind(
            "tasks",
            "SELECT c.seq AS rid, c.tenant_id, c.name AS title, c.created_at, c.updated_at,"
            " COALESCE(pt.task_number, c.seq) AS task_number, COALESCE(pt.closed, 0) AS closed,"
            " l.seq AS list_rid, b.seq AS board_rid, pb.project_id FROM cards c"
            " JOIN lists l ON l.id = c.list_id JOIN boards b ON b.id = c.board_id"
            " JOIN productive_boards pb ON pb.board_id = b.id"
            " LEFT JOIN productive_tasks pt ON pt.card_id = c.id",
            _task,
            {
                **_ID,
                "task_list_id": ids_in("list_rid"),
                "board_id": ids_in("board_rid"),
                "project_id": ids_in("project_id"),
                "status": status("status", "closed = 0", "closed = 1"),
            },
            {"id": "rid", "title": "title", "task_number": "task_number"},
            {
                **_PROJECT,
                "task_list": Relation("task_lists", "list_rid"),
                "attachments": Relation(
                    "attachments",
                    many_sql="SELECT a.seq FROM attachments a JOIN cards c ON c.id = a.card_id"
                    " JOIN productive_attachments pa ON pa.attachment_id = a.id"
                    " WHERE c.seq = ? AND pa.deleted_at IS NULL ORDER BY a.seq",
                ),
            },
        ),
        Kind(
            "attachments",
            "SELECT a.seq AS rid, a.tenant_id, a.name, a.content_type, a.size, a.state,"
            " a.created_at, pa.deleted_at, pa.attachable_type, c.seq AS task_rid"
            " FROM attachments a JOIN productive_attachments pa ON pa.attachment_id = a.id"
            " LEFT JOIN cards c ON c.id = a.card_id",
            _attachment,
            {
                **_ID,
                "task_id": ids_in("task_rid"),
                "comment_id": ids_in("NULL"),
                "page_id": ids_in("NULL"),
            },
            {"id": "rid", "name": "name", "created_at": "created_at"},
            {"task": Relation("tasks", "task_rid")},
        ),
        Kind(
            "organization_memberships",
            "SELECT p.id AS rid, p.tenant_id, p.id AS person_id, t.seq AS org_rid"
            " FROM productive_people p JOIN tenants t ON t.id = p.tenant_id",
            _nothing,
            {**_ID, "person_id": ids_in("person_id")},
            {"id": "rid"},
            {
                "person": Relation("people", "person_id"),
                "organization": Relation("organizations", "org_rid"),
            },
        ),
        Kind(
            "people",
            "SELECT id AS rid, tenant_id, first_name, last_name, email FROM productive_people",
            _person,
            _ID,
            {"id": "rid"},
        ),
        Kind(
            "organizations",
            "SELECT seq AS rid, id AS tenant_id, name FROM tenants",
            _organization,
            _ID,
            {"id": "rid"},
        ),
    )
}
