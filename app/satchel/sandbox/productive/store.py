"""What the Productive dialect keeps beside the store: people, tokens, projects, flags.

Productive's organization is a store tenant; its boards, task lists, tasks and
attachments are the store's boards, lists, cards and attachments, and their numeric
Productive ids are the store's `seq` numbers. These tables only add what Productive
has and the other dialects do not (projects, archived and closed flags, task numbers,
soft deletes). Same SQLite file, same lock: tests can read and change them from outside.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Literal

from satchel.sandbox.records import utc_now
from satchel.sandbox.store import Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS productive_people (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL REFERENCES tenants(id),
    first_name TEXT NOT NULL, last_name TEXT NOT NULL, email TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS productive_tokens (
    token_hash TEXT PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES productive_people(id),
    scope TEXT NOT NULL CHECK (scope IN ('read', 'read_write')),
    created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS productive_projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL, archived_at TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS productive_boards (
    board_id TEXT PRIMARY KEY REFERENCES boards(id),
    project_id INTEGER NOT NULL REFERENCES productive_projects(id), archived_at TEXT);
CREATE TABLE IF NOT EXISTS productive_task_lists (
    list_id TEXT PRIMARY KEY REFERENCES lists(id), archived_at TEXT);
CREATE TABLE IF NOT EXISTS productive_tasks (
    card_id TEXT PRIMARY KEY REFERENCES cards(id), task_number INTEGER NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS productive_attachments (
    attachment_id TEXT PRIMARY KEY REFERENCES attachments(id) ON DELETE CASCADE,
    attachable_type TEXT NOT NULL, deleted_at TEXT);
"""

TokenScope = Literal["read", "read_write"]
#: Ids per IN (...) query: well under SQLite's limit on variables.
_CHUNK = 500


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def new_token() -> str:
    """Productive's tokens look like UUIDs (the seed's does)."""
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a valid token speaks for."""

    person_id: int
    tenant_id: str
    organization_id: int
    scope: TokenScope

    @property
    def can_write(self) -> bool:
        return self.scope == "read_write"


class ProductiveStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        with store.connection() as db:
            db.executescript(_SCHEMA)

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        with self.store.connection() as db:
            return db.execute(sql, params)

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self.store.connection() as db:
            return db.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Row | None:
        with self.store.connection() as db:
            row: sqlite3.Row | None = db.execute(sql, params).fetchone()
            return row

    # -- organizations, people, tokens -----------------------------------------

    def organization_id(self, tenant_id: str) -> int:
        row = self.one("SELECT seq FROM tenants WHERE id = ?", (tenant_id,))
        if row is None:
            raise KeyError(tenant_id)
        return int(row["seq"])

    def add_person(self, tenant_id: str, first: str, last: str, email: str) -> int:
        cursor = self.execute(
            "INSERT INTO productive_people (tenant_id, first_name, last_name, email)"
            " VALUES (?, ?, ?, ?)",
            (tenant_id, first, last, email),
        )
        return int(cursor.lastrowid or 0)

    def create_token(self, person_id: int, scope: TokenScope) -> str:
        plaintext = new_token()
        self.execute(
            "INSERT INTO productive_tokens (token_hash, person_id, scope, created_at)"
            " VALUES (?, ?, ?, ?)",
            (hash_token(plaintext), person_id, scope, utc_now()),
        )
        return plaintext

    def revoke_token(self, plaintext: str) -> None:
        self.execute(
            "UPDATE productive_tokens SET revoked_at = ? WHERE token_hash = ?",
            (utc_now(), hash_token(plaintext)),
        )

    def caller(self, plaintext: str) -> Caller | None:
        row = self.one(
            "SELECT p.id AS person_id, p.tenant_id, t.seq AS org, k.scope"
            " FROM productive_tokens k JOIN productive_people p ON p.id = k.person_id"
            " JOIN tenants t ON t.id = p.tenant_id"
            " WHERE k.token_hash = ? AND k.revoked_at IS NULL",
            (hash_token(plaintext),),
        )
        if row is None:
            return None
        return Caller(row["person_id"], row["tenant_id"], int(row["org"]), row["scope"])

    # -- the hierarchy ------------------------------------------------------------

    def add_project(self, tenant_id: str, name: str, *, archived: bool = False) -> int:
        now = utc_now()
        cursor = self.execute(
            "INSERT INTO productive_projects (tenant_id, name, archived_at, created_at)"
            " VALUES (?, ?, ?, ?)",
            (tenant_id, name, now if archived else None, now),
        )
        return int(cursor.lastrowid or 0)

    def place_board(self, board_id: str, project_id: int, *, archived: bool = False) -> None:
        self.execute(
            "INSERT INTO productive_boards (board_id, project_id, archived_at) VALUES (?, ?, ?)",
            (board_id, project_id, utc_now() if archived else None),
        )

    def set_list_archived(self, list_id: str, archived: bool) -> None:
        self.execute(
            "INSERT OR REPLACE INTO productive_task_lists (list_id, archived_at) VALUES (?, ?)",
            (list_id, utc_now() if archived else None),
        )

    def number_task(self, card_id: str, project_id: int, *, closed: bool = False) -> int:
        """Give a new task the next number in its project."""
        with self.store.transaction():
            row = self.one(
                "SELECT COALESCE(MAX(pt.task_number), 0) + 1 AS next FROM productive_tasks pt"
                " JOIN cards c ON c.id = pt.card_id JOIN productive_boards pb"
                " ON pb.board_id = c.board_id WHERE pb.project_id = ?",
                (project_id,),
            )
            number = int(row["next"]) if row else 1
            self.execute(
                "INSERT OR REPLACE INTO productive_tasks (card_id, task_number, closed)"
                " VALUES (?, ?, ?)",
                (card_id, number, int(closed)),
            )
        return number

    def set_task_closed(self, card_id: str, closed: bool) -> None:
        self.execute("UPDATE productive_tasks SET closed = ? WHERE card_id = ?", (closed, card_id))

    # -- attachments ----------------------------------------------------------------

    def mark_attachment(self, attachment_id: str, attachable_type: str) -> None:
        self.execute(
            "INSERT OR IGNORE INTO productive_attachments (attachment_id, attachable_type)"
            " VALUES (?, ?)",
            (attachment_id, attachable_type),
        )

    def soft_delete(self, attachment_id: str) -> None:
        self.mark_attachment(attachment_id, "task")
        self.execute(
            "UPDATE productive_attachments SET deleted_at = COALESCE(deleted_at, ?)"
            " WHERE attachment_id = ?",
            (utc_now(), attachment_id),
        )

    def store_ids(self, tenant_id: str, rids: list[int]) -> dict[int, str]:
        """The store ids of these attachments (by Productive id) that the tenant has."""
        found: dict[int, str] = {}
        for start in range(0, len(rids), _CHUNK):
            chunk = rids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self.rows(
                f"SELECT seq, id FROM attachments WHERE tenant_id = ? AND seq IN ({marks})",  # noqa: S608
                (tenant_id, *chunk),
            ):
                found[int(row["seq"])] = str(row["id"])
        return found

    def replace_task_attachments(self, tenant_id: str, card_id: str, wanted: list[str]) -> None:
        """JSON:API replace: exactly `wanted` (store ids) stay linked to the card.

        Soft-deleted rows keep their card. Raises ValueError naming a refused id.
        """
        with self.store.transaction():
            linked = {
                str(row["id"])
                for row in self.rows(
                    "SELECT a.id FROM attachments a LEFT JOIN productive_attachments pa"
                    " ON pa.attachment_id = a.id WHERE a.card_id = ? AND pa.deleted_at IS NULL",
                    (card_id,),
                )
            }
            now = utc_now()
            for attachment_id in linked - set(wanted):  # replace: the others are unlinked
                self.execute(
                    "UPDATE attachments SET card_id = NULL, updated_at = ? WHERE id = ?",
                    (now, attachment_id),
                )
            for attachment_id in [i for i in wanted if i not in linked]:
                row = self.one(
                    "SELECT a.state, a.card_id, pa.deleted_at FROM attachments a"
                    " LEFT JOIN productive_attachments pa ON pa.attachment_id = a.id"
                    " WHERE a.id = ? AND a.tenant_id = ?",
                    (attachment_id, tenant_id),
                )
                if row is None or row["deleted_at"] is not None:
                    raise ValueError(attachment_id)
                if row["state"] != "stored" or row["card_id"] not in (None, card_id):
                    raise ValueError(attachment_id)
                self.execute(
                    "UPDATE attachments SET card_id = ?, updated_at = ? WHERE id = ?",
                    (card_id, now, attachment_id),
                )
