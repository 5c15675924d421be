"""What the Trello dialect keeps beside the store: apps, members, tokens, closed flags, previews.

Boards, lists, cards and attachments are the store's own records (ids included); these
tables only add what Trello has and the bearer dialect does not. They live in the same
SQLite file, behind the same lock, so tests can read and change them from outside.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from satchel.sandbox.records import iso_utc, utc_now
from satchel.sandbox.store import Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS trello_apps (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trello_members (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL UNIQUE REFERENCES tenants(id),
    username TEXT NOT NULL, full_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trello_tokens (
    token_hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, app_key TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES trello_members(id), app_name TEXT NOT NULL,
    scope TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS trello_closed (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS trello_previews (
    id TEXT PRIMARY KEY, attachment_id TEXT NOT NULL, object_key TEXT NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL, bytes INTEGER NOT NULL,
    scaled INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS previews_by_attachment ON trello_previews (attachment_id);
CREATE TABLE IF NOT EXISTS trello_preview_state (attachment_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS trello_board_plans (
    board_id TEXT PRIMARY KEY, workspace TEXT NOT NULL, plan TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trello_app_origins (
    key TEXT NOT NULL, origin TEXT NOT NULL, PRIMARY KEY (key, origin));
"""

#: Ids per IN (...) query: well under SQLite's limit on variables.
_CHUNK = 500
#: The lifetimes the authorize page offers, in Trello's words.
EXPIRATIONS: dict[str, timedelta | None] = {
    "1hour": timedelta(hours=1),
    "1day": timedelta(days=1),
    "30days": timedelta(days=30),
    "never": None,
}


def object_id() -> str:
    """A Mongo-style id, as Trello's members and tokens have: 24 lowercase hex."""
    return secrets.token_hex(12)


def new_app_key() -> str:
    return secrets.token_hex(16)


def new_token() -> str:
    """`ATTA` + 64 lowercase hex + 8 uppercase hex: the shape of Trello's new tokens."""
    return "ATTA" + secrets.token_hex(32) + secrets.token_hex(4).upper()


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    tenant_id: str
    username: str
    full_name: str


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: str
    app_key: str
    member: Member
    app_name: str
    scope: str  # "read,write"
    created_at: str
    expires_at: str | None
    revoked_at: str | None

    def expired(self, now: str | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utc_now())

    @property
    def can_write(self) -> bool:
        return "write" in self.scope.split(",")


@dataclass(frozen=True, slots=True)
class PreviewRecord:
    id: str
    attachment_id: str
    object_key: str
    width: int
    height: int
    bytes: int
    scaled: bool


def _member(row: sqlite3.Row) -> Member:
    return Member(row["id"], row["tenant_id"], row["username"], row["full_name"])


def _preview(row: sqlite3.Row) -> PreviewRecord:
    return PreviewRecord(
        row["id"], row["attachment_id"], row["object_key"],
        row["width"], row["height"], row["bytes"], bool(row["scaled"]),
    )  # fmt: skip


class TrelloStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        with store.connection() as db:
            db.executescript(_SCHEMA)

    def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self.store.connection() as db:
            rows: list[sqlite3.Row] = db.execute(sql, params).fetchall()
            return rows

    def _execute(self, sql: str, params: tuple[object, ...]) -> int:
        with self.store.connection() as db:
            return db.execute(sql, params).rowcount

    # -- applications ---------------------------------------------------------

    def create_app(self, name: str) -> str:
        key = new_app_key()
        self._execute(
            "INSERT INTO trello_apps (key, name, created_at) VALUES (?, ?, ?)",
            (key, name, utc_now()),
        )
        return key

    def app_exists(self, key: str) -> bool:
        return bool(self._all("SELECT 1 FROM trello_apps WHERE key = ?", (key,)))

    # -- members --------------------------------------------------------------

    def create_member(self, tenant_id: str, username: str, full_name: str) -> Member:
        member = Member(object_id(), tenant_id, username, full_name)
        self._execute(
            "INSERT INTO trello_members (id, tenant_id, username, full_name) VALUES (?, ?, ?, ?)",
            (member.id, tenant_id, username, full_name),
        )
        return member

    def members(self) -> list[Member]:
        return [_member(row) for row in self._all("SELECT * FROM trello_members ORDER BY rowid")]

    # -- tokens ---------------------------------------------------------------

    def create_token(
        self, app_key: str, member: Member, *, app_name: str, scope: str, expiration: str
    ) -> str:
        """A new token; returns the plaintext, which is never stored."""
        lifetime = EXPIRATIONS[expiration]
        now = datetime.now(UTC)
        plaintext = new_token()
        self._execute(
            "INSERT INTO trello_tokens (token_hash, id, app_key, member_id, app_name, scope,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (hash_token(plaintext), object_id(), app_key, member.id, app_name, scope,
             iso_utc(now), None if lifetime is None else iso_utc(now + lifetime)),
        )  # fmt: skip
        return plaintext

    def token(self, plaintext: str) -> TokenRecord | None:
        rows = self._all(
            "SELECT t.*, m.tenant_id, m.username, m.full_name FROM trello_tokens t"
            " JOIN trello_members m ON m.id = t.member_id WHERE t.token_hash = ?",
            (hash_token(plaintext),),
        )
        if not rows:
            return None
        row = rows[0]
        member = Member(row["member_id"], row["tenant_id"], row["username"], row["full_name"])
        return TokenRecord(
            row["id"], row["app_key"], member, row["app_name"], row["scope"],
            row["created_at"], row["expires_at"], row["revoked_at"],
        )  # fmt: skip

    def revoke_token(self, plaintext: str) -> None:
        self._execute(
            "UPDATE trello_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            (utc_now(), hash_token(plaintext)),
        )

    def set_token_expiry(self, plaintext: str, expires_at: datetime) -> None:
        """For tests and admins: make a token die at another time."""
        self._execute(
            "UPDATE trello_tokens SET expires_at = ? WHERE token_hash = ?",
            (iso_utc(expires_at), hash_token(plaintext)),
        )

    # -- closed (archived) boards, lists and cards ----------------------------

    def close(self, object_id_: str, closed: bool = True) -> None:
        if closed:
            self._execute("INSERT OR IGNORE INTO trello_closed (id) VALUES (?)", (object_id_,))
        else:
            self._execute("DELETE FROM trello_closed WHERE id = ?", (object_id_,))

    def closed_ids(self) -> set[str]:
        return {row["id"] for row in self._all("SELECT id FROM trello_closed")}

    # -- workspaces and their plans ------------------------------------------------

    def set_board_plan(self, board_id: str, workspace: str, plan: str) -> None:
        self._execute(
            "INSERT OR REPLACE INTO trello_board_plans (board_id, workspace, plan)"
            " VALUES (?, ?, ?)",
            (board_id, workspace, plan),
        )

    def board_plan(self, board_id: str) -> str:
        """ "free" or "paid": the plan of the board's workspace (paid when not said)."""
        rows = self._all("SELECT plan FROM trello_board_plans WHERE board_id = ?", (board_id,))
        return str(rows[0]["plan"]) if rows else "paid"

    # -- the origins a key allows for return_url ------------------------------------

    def allow_origin(self, key: str, origin: str) -> None:
        self._execute(
            "INSERT OR IGNORE INTO trello_app_origins (key, origin) VALUES (?, ?)", (key, origin)
        )

    def allowed_origins(self, key: str) -> set[str]:
        rows = self._all("SELECT origin FROM trello_app_origins WHERE key = ?", (key,))
        return {str(row["origin"]) for row in rows}

    # -- attachments: owners and previews ---------------------------------------

    def attachment_tenant(self, attachment_id: str) -> str | None:
        """Whose attachment this is (signed URLs carry no key to tell)."""
        rows = self._all("SELECT tenant_id FROM attachments WHERE id = ?", (attachment_id,))
        return str(rows[0]["tenant_id"]) if rows else None

    def add_previews(self, attachment_id: str, previews: list[PreviewRecord]) -> None:
        """Record the previews made for an attachment (maybe none): it is not tried again."""
        with self.store.transaction(), self.store.connection() as db:
            db.executemany(
                "INSERT INTO trello_previews (id, attachment_id, object_key, width, height,"
                " bytes, scaled) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(p.id, attachment_id, p.object_key, p.width, p.height, p.bytes, int(p.scaled))
                 for p in previews],
            )  # fmt: skip
            db.execute(
                "INSERT OR IGNORE INTO trello_preview_state (attachment_id) VALUES (?)",
                (attachment_id,),
            )

    def _where_in(self, sql: str, ids: list[str]) -> list[sqlite3.Row]:
        """`sql` with `{marks}` for an IN list, run in chunks SQLite's variable limit allows."""
        rows: list[sqlite3.Row] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows += self._all(sql.format(marks=",".join("?" * len(chunk))), tuple(chunk))
        return rows

    def previews_made(self, attachment_ids: list[str]) -> set[str]:
        """Which of these attachments had their previews made already."""
        sql = "SELECT attachment_id FROM trello_preview_state WHERE attachment_id IN ({marks})"
        return {row["attachment_id"] for row in self._where_in(sql, attachment_ids)}

    def previews(self, attachment_ids: list[str]) -> dict[str, list[PreviewRecord]]:
        sql = "SELECT * FROM trello_previews WHERE attachment_id IN ({marks}) ORDER BY width"
        found: dict[str, list[PreviewRecord]] = {}
        for row in self._where_in(sql, attachment_ids):
            found.setdefault(row["attachment_id"], []).append(_preview(row))
        return found

    def drop_previews(self, attachment_id: str) -> list[PreviewRecord]:
        """Forget an attachment's previews; returns them so their objects can go too."""
        gone = self.previews([attachment_id]).get(attachment_id, [])
        self._execute("DELETE FROM trello_previews WHERE attachment_id = ?", (attachment_id,))
        self._execute("DELETE FROM trello_preview_state WHERE attachment_id = ?", (attachment_id,))
        return gone
