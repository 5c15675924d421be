"""The sandbox's one store: tenants, API keys, boards, lists, cards and attachments in SQLite.

Other processes (tests, an admin shell) open the same file, so nothing is cached here:
every call reads what is on disk now. WAL mode lets them read while the service writes.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar, cast

from satchel.sandbox.records import (
    Attachment,
    AttachmentKind,
    AttachmentState,
    Board,
    BoardList,
    Card,
    Grant,
    Page,
    Scope,
    Tenant,
    object_key_for,
    utc_now,
)
from satchel.sandbox.store_rows import (
    SCHEMA,
    attachment_from,
    board_from,
    card_from,
    hash_key,
    list_from,
    new_key,
    tenant_from,
)

T = TypeVar("T")


class LinkRefused(Exception):
    """The attachment cannot be linked to that card; the message says why."""


class Store:
    """Thread-safe: one connection behind a lock, shared by the server, its sweep and threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        # Autocommit (isolation_level=None): each read sees the file as it is now.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            # Commits run on the server's event loop; in WAL mode NORMAL skips the fsync per
            # commit (a crash of the process loses nothing, a power cut the last commits):
            # 3 commits per upload took about 4 ms of the loop's time per file.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the store's lock: for a dialect's own tables beside these."""
        with self._lock:
            yield self._db

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; nests (only the outermost one commits)."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("COMMIT")

    def _one(self, sql: str, params: tuple[object, ...]) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
            return row

    def _execute(self, sql: str, params: tuple[object, ...]) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def _returning(self, sql: str, params: tuple[object, ...]) -> list[sqlite3.Row]:
        """A write's RETURNING rows: fetched to the end, so that the statement (and its
        implicit transaction) is done when this returns. One statement instead of a write
        and a read: three of them per upload."""
        with self._lock:
            rows: list[sqlite3.Row] = self._db.execute(sql, params).fetchall()
            return rows

    def _page(
        self,
        convert: Callable[[sqlite3.Row], T],
        sql: str,
        params: tuple[object, ...],
        after: int,
        limit: int,
    ) -> Page[T]:
        with self._lock:
            rows = self._db.execute(
                f"{sql} AND seq > ? ORDER BY seq LIMIT ?", (*params, after, limit + 1)
            ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        return Page([convert(row) for row in rows], rows[-1]["seq"] if more else None)

    # -- meta ---------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- tenants and keys ---------------------------------------------------

    def create_tenant(self, name: str, *, api_access: bool = True) -> Tenant:
        tenant = Tenant(str(uuid.uuid4()), name, api_access, utc_now())
        self._execute(
            "INSERT INTO tenants (id, name, api_access, created_at) VALUES (?, ?, ?, ?)",
            (tenant.id, tenant.name, int(api_access), tenant.created_at),
        )
        return tenant

    def tenants(self) -> list[Tenant]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM tenants ORDER BY seq").fetchall()
        return [tenant_from(row) for row in rows]

    def create_key(self, tenant_id: str, scope: Scope) -> str:
        """A new key for the tenant; returns the plaintext, which is never stored."""
        if scope not in ("read", "read_write"):
            raise ValueError(f"unknown scope {scope!r}")
        plaintext = new_key()
        self._execute(
            "INSERT INTO api_keys (key_hash, tenant_id, scope, created_at) VALUES (?, ?, ?, ?)",
            (hash_key(plaintext), tenant_id, scope, utc_now()),
        )
        return plaintext

    def revoke_key(self, plaintext: str) -> None:
        self._execute(
            "UPDATE api_keys SET revoked_at = ? WHERE key_hash = ? AND revoked_at IS NULL",
            (utc_now(), hash_key(plaintext)),
        )

    def grant_for(self, plaintext: str) -> Grant | None:
        """The grant of a known, unrevoked key; None otherwise."""
        row = self._one(
            "SELECT t.*, k.scope FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
            " WHERE k.key_hash = ? AND k.revoked_at IS NULL",
            (hash_key(plaintext),),
        )
        return None if row is None else Grant(tenant_from(row), cast(Scope, row["scope"]))

    # -- boards, lists, cards -----------------------------------------------

    def create_board(self, tenant_id: str, name: str) -> Board:
        now = utc_now()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO boards (id, tenant_id, name, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), tenant_id, name, now, now),
            )
            row = self._db.execute("SELECT * FROM boards WHERE seq = ?", (cursor.lastrowid,))
            return board_from(row.fetchone())

    def board(self, tenant_id: str, board_id: str) -> Board | None:
        row = self._one(
            "SELECT * FROM boards WHERE id = ? AND tenant_id = ?", (board_id, tenant_id)
        )
        return None if row is None else board_from(row)

    def boards(self, tenant_id: str, after: int = 0, limit: int = 100) -> Page[Board]:
        return self._page(
            board_from, "SELECT * FROM boards WHERE tenant_id = ?", (tenant_id,), after, limit
        )

    def create_list(self, tenant_id: str, board_id: str, name: str) -> BoardList:
        now = utc_now()
        with self.transaction():
            (position,) = self._db.execute(
                "SELECT COUNT(*) FROM lists WHERE board_id = ?", (board_id,)
            ).fetchone()
            cursor = self._db.execute(
                "INSERT INTO lists (id, tenant_id, board_id, name, position, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), tenant_id, board_id, name, position, now, now),
            )
            row = self._db.execute("SELECT * FROM lists WHERE seq = ?", (cursor.lastrowid,))
            return list_from(row.fetchone())

    def list_(self, tenant_id: str, list_id: str) -> BoardList | None:
        row = self._one("SELECT * FROM lists WHERE id = ? AND tenant_id = ?", (list_id, tenant_id))
        return None if row is None else list_from(row)

    def lists(
        self, tenant_id: str, board_id: str, after: int = 0, limit: int = 100
    ) -> Page[BoardList]:
        return self._page(
            list_from, "SELECT * FROM lists WHERE tenant_id = ? AND board_id = ?",
            (tenant_id, board_id), after, limit,
        )  # fmt: skip

    def create_card(self, tenant_id: str, list_id: str, name: str) -> Card:
        now = utc_now()
        with self.transaction():
            board_list = self.list_(tenant_id, list_id)
            if board_list is None:
                raise KeyError(list_id)
            cursor = self._db.execute(
                "INSERT INTO cards (id, tenant_id, board_id, list_id, name, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), tenant_id, board_list.board_id, list_id, name, now, now),
            )
            row = self._db.execute("SELECT * FROM cards WHERE seq = ?", (cursor.lastrowid,))
            return card_from(row.fetchone())

    def card(self, tenant_id: str, card_id: str) -> Card | None:
        row = self._one("SELECT * FROM cards WHERE id = ? AND tenant_id = ?", (card_id, tenant_id))
        return None if row is None else card_from(row)

    def cards(self, tenant_id: str, list_id: str, after: int = 0, limit: int = 100) -> Page[Card]:
        return self._page(
            card_from, "SELECT * FROM cards WHERE tenant_id = ? AND list_id = ?",
            (tenant_id, list_id), after, limit,
        )  # fmt: skip

    # -- attachments ----------------------------------------------------------

    def create_attachment(
        self,
        tenant_id: str,
        name: str,
        content_type: str,
        size: int | None,
        *,
        kind: AttachmentKind = "file",
        url: str | None = None,
        state: AttachmentState = "pending",
        card_id: str | None = None,
    ) -> Attachment:
        attachment_id = str(uuid.uuid4())
        object_key = object_key_for(tenant_id, attachment_id) if kind == "file" else None
        now = utc_now()
        [row] = self._returning(
            "INSERT INTO attachments (id, tenant_id, card_id, name, content_type, size, kind,"
            " url, state, object_key, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (attachment_id, tenant_id, card_id, name, content_type, size, kind, url, state,
             object_key, now, now),
        )  # fmt: skip
        return attachment_from(row)

    def attachment(self, tenant_id: str, attachment_id: str) -> Attachment | None:
        row = self._one(
            "SELECT * FROM attachments WHERE id = ? AND tenant_id = ?", (attachment_id, tenant_id)
        )
        return None if row is None else attachment_from(row)

    def card_attachments(
        self, tenant_id: str, card_id: str, after: int = 0, limit: int = 100
    ) -> Page[Attachment]:
        return self._page(
            attachment_from, "SELECT * FROM attachments WHERE tenant_id = ? AND card_id = ?",
            (tenant_id, card_id), after, limit,
        )  # fmt: skip

    def mark_stored(self, tenant_id: str, attachment_id: str) -> Attachment | None:
        rows = self._returning(
            "UPDATE attachments SET state = 'stored', updated_at = ?"
            " WHERE id = ? AND tenant_id = ? AND state = 'pending' RETURNING *",
            (utc_now(), attachment_id, tenant_id),
        )
        if rows:
            return attachment_from(rows[0])
        return self.attachment(tenant_id, attachment_id)  # stored already, or gone

    def link_attachment(self, tenant_id: str, attachment_id: str, card_id: str) -> Attachment:
        """Link a stored attachment to a card (again: no change). Raises LinkRefused or KeyError."""
        # The usual case in one statement; every other case (and why) in the transaction below.
        rows = self._returning(
            "UPDATE attachments SET card_id = ?, updated_at = ? WHERE id = ? AND tenant_id = ?"
            " AND state = 'stored' AND card_id IS NULL RETURNING *",
            (card_id, utc_now(), attachment_id, tenant_id),
        )
        if rows:
            return attachment_from(rows[0])
        with self.transaction():
            attachment = self.attachment(tenant_id, attachment_id)
            if attachment is None:
                raise KeyError(attachment_id)
            if attachment.card_id == card_id:
                return attachment
            if attachment.state != "stored":
                raise LinkRefused("The attachment is not uploaded yet: confirm its upload first.")
            if attachment.card_id is not None:
                raise LinkRefused("The attachment is already linked to another card.")
            self._execute(
                "UPDATE attachments SET card_id = ?, updated_at = ? WHERE id = ?",
                (card_id, utc_now(), attachment_id),
            )
            linked = self.attachment(tenant_id, attachment_id)
            assert linked is not None
            return linked

    def delete_attachment(self, tenant_id: str, attachment_id: str) -> bool:
        return (
            self._execute(
                "DELETE FROM attachments WHERE id = ? AND tenant_id = ?", (attachment_id, tenant_id)
            )
            > 0
        )

    def claim_orphans(self, created_before: str) -> list[Attachment]:
        """Remove attachments never linked and created before that time; return them.

        The records go first, in one transaction, so a link racing with the sweep either
        wins (and the attachment stays) or finds nothing to link.
        """
        with self.transaction():
            rows = self._db.execute(
                "SELECT * FROM attachments WHERE card_id IS NULL AND created_at < ?",
                (created_before,),
            ).fetchall()
            orphans = [attachment_from(row) for row in rows]
            self._db.executemany(
                "DELETE FROM attachments WHERE id = ?", [(orphan.id,) for orphan in orphans]
            )
        return orphans
