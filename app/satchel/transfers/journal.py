"""The transfer journal: every item and every step it took, in SQLite in the user data dir.

The queue writes a step here before the side effect that depends on it, so that after a
crash, a kill -9 or a power cut the next start knows exactly where each file was. WAL
mode; commits are not flushed to disk one by one (synchronous=NORMAL) except the ones
marked durable, which also make every earlier commit durable: the queue marks the
record of a newly created attachment durable before it links it, so a power cut can
never make it forget an attachment that is already on a card.

Paths are stored as bytes, so names that are not valid UTF-8 survive.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from satchel.domain.errors import DiskFull
from satchel.local_files import private_folder
from satchel.transfers.items import Direction, SavedCopy, State, Step, TransferItem

FILE_NAME = "transfers.db"
_BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    direction TEXT NOT NULL,
    account TEXT NOT NULL,
    batch TEXT NOT NULL,
    card_id TEXT,
    attachment_id TEXT,
    local_path BLOB NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT,
    size INTEGER,
    mtime_ns INTEGER,
    state TEXT NOT NULL,
    step TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    error_code INTEGER,
    error_kind TEXT,
    location TEXT,
    etag TEXT,
    partial_path BLOB,
    owner TEXT,
    skipped INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS items_by_owner ON items (owner, state);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL,
    at REAL NOT NULL,
    state TEXT NOT NULL,
    step TEXT NOT NULL,
    note TEXT
);
CREATE INDEX IF NOT EXISTS events_by_item ON events (item_id, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: Item attributes that live in a column of the same name.
_COLUMNS = (
    "direction", "account", "batch", "card_id", "attachment_id", "local_path", "name",
    "content_type", "size", "mtime_ns", "state", "step", "attempts", "error", "error_code",
    "error_kind", "location", "etag", "partial_path", "owner", "skipped", "created_at",
    "finished_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Event:
    """One step transition of one item."""

    at: float
    state: State
    step: Step
    note: str | None


def _to_db(name: str, value: object) -> object:
    if isinstance(value, Path):
        return os.fsencode(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _path(value: bytes | None) -> Path | None:
    return None if value is None else Path(os.fsdecode(value))


def _item(row: sqlite3.Row) -> TransferItem:
    local_path = _path(row["local_path"])
    assert local_path is not None
    return TransferItem(
        id=row["id"],
        direction=Direction(row["direction"]),
        account=row["account"],
        batch=row["batch"],
        card_id=row["card_id"],
        attachment_id=row["attachment_id"],
        local_path=local_path,
        name=row["name"],
        content_type=row["content_type"],
        size=row["size"],
        mtime_ns=row["mtime_ns"],
        state=State(row["state"]),
        step=Step(row["step"]),
        attempts=row["attempts"],
        error=row["error"],
        error_code=row["error_code"],
        error_kind=row["error_kind"],
        location=row["location"],
        etag=row["etag"],
        partial_path=_path(row["partial_path"]),
        owner=row["owner"],
        skipped=bool(row["skipped"]),
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )


@dataclass(frozen=True, slots=True)
class Change:
    """Attributes of one item to write, as they were when the change was made (a write
    that waits for a group commit must not pick up what the item became since)."""

    item_id: int
    values: tuple[tuple[str, object], ...]
    state: str
    step: str
    note: str | None
    #: A change of state or step (or a note) is also an event.
    event: bool

    @classmethod
    def of(cls, item: TransferItem, fields: Iterable[str], note: str | None = None) -> Change:
        fields = tuple(fields)
        unknown = set(fields) - set(_COLUMNS)
        if unknown:
            raise ValueError(f"not journalled: {sorted(unknown)}")
        return cls(
            item_id=item.id,
            values=tuple((f, _to_db(f, getattr(item, f))) for f in fields),
            state=item.state.value,
            step=item.step.value,
            note=note,
            event="state" in fields or "step" in fields or bool(note),
        )


#: SQLite's "database or disk is full".
_SQLITE_FULL = 13


class Journal:
    """Synchronous and thread-safe (one connection behind a lock); the queue calls it from
    one worker thread, the command line directly."""

    def __init__(self, path: Path) -> None:
        self.path = path
        private_folder(path.parent)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        with contextlib.suppress(OSError):
            path.chmod(0o600)  # names and paths of a person's files: theirs only
        self._db.row_factory = sqlite3.Row
        self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            self._db.executescript(_SCHEMA)  # IF NOT EXISTS: safe when another process races

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def _transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if durable:
                self._db.execute("PRAGMA synchronous = FULL")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")  # every earlier commit stays as it was
                    raise
            except sqlite3.Error as error:
                if getattr(error, "sqlite_errorcode", None) == _SQLITE_FULL:
                    raise DiskFull(
                        f"There is no room left on the disk for the list of transfers "
                        f"({self.path}). Free some space and try again: what was queued "
                        "before is kept.",
                        detail=str(error),
                    ) from None
                raise
            finally:
                if durable:
                    self._db.execute("PRAGMA synchronous = NORMAL")

    # --- items -----------------------------------------------------------------------------

    def insert(self, items: Sequence[TransferItem], note: str = "queued") -> None:
        """Write new items in one transaction; each gets its id once it is committed (a
        failed insert leaves every item as it was)."""
        now = time.time()
        names = ", ".join(_COLUMNS)
        marks = ", ".join("?" for _ in _COLUMNS)
        ids = []
        with self._transaction() as db:
            for item in items:
                values = [_to_db(c, getattr(item, c)) for c in _COLUMNS]
                cursor = db.execute(
                    f"INSERT INTO items ({names}, updated_at) VALUES ({marks}, ?)",  # noqa: S608
                    (*values, now),
                )
                assert cursor.lastrowid is not None
                ids.append(cursor.lastrowid)
                db.execute(
                    "INSERT INTO events (item_id, at, state, step, note) VALUES (?, ?, ?, ?, ?)",
                    (cursor.lastrowid, now, item.state.value, item.step.value, note),
                )
        for item, item_id in zip(items, ids, strict=True):
            item.id = item_id

    def save(
        self,
        item: TransferItem,
        fields: Iterable[str],
        *,
        note: str | None = None,
        durable: bool = False,
    ) -> None:
        """Write these attributes of `item`; a change of state or step is also an event."""
        self.save_many([Change.of(item, fields, note)], durable=durable)

    def save_many(self, changes: Sequence[Change], *, durable: bool = False) -> None:
        """Write changes in one transaction, in their order (a group commit: one commit, and
        at most one flush to disk, for changes that several transfers made meanwhile)."""
        now = time.time()
        with self._transaction(durable=durable) as db:
            for change in changes:
                assignments = ", ".join(f"{name} = ?" for name, _value in change.values)
                db.execute(
                    f"UPDATE items SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
                    (*(value for _name, value in change.values), now, change.item_id),
                )
                if change.event:
                    db.execute(
                        "INSERT INTO events (item_id, at, state, step, note)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (change.item_id, now, change.state, change.step, change.note),
                    )

    def get(self, item_id: int) -> TransferItem | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else _item(row)

    def items(self) -> list[TransferItem]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM items ORDER BY id").fetchall()
        return [_item(row) for row in rows]

    def saved_downloads(self, account: str) -> dict[str, list[SavedCopy]]:
        """Where each attachment of the account was saved by a finished download, and
        what the file was like when it was (to tell it from a file put there since)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT attachment_id, local_path, size, mtime_ns, etag FROM items"
                " WHERE direction = 'download' AND state = 'done' AND account = ?",
                (account,),
            ).fetchall()
        saved: dict[str, list[SavedCopy]] = {}
        for row in rows:
            path = _path(row["local_path"])
            if path is not None:
                copy = SavedCopy(path, row["size"], row["mtime_ns"], row["etag"])
                saved.setdefault(row["attachment_id"], []).append(copy)
        return saved

    def delete(self, item_ids: Iterable[int]) -> None:
        ids = [(i,) for i in item_ids]
        with self._transaction() as db:
            db.executemany("DELETE FROM events WHERE item_id = ?", ids)
            db.executemany("DELETE FROM items WHERE id = ?", ids)

    def events(self, item_id: int) -> list[Event]:
        with self._lock:
            rows = self._db.execute(
                "SELECT at, state, step, note FROM events WHERE item_id = ? ORDER BY seq",
                (item_id,),
            ).fetchall()
        return [Event(r["at"], State(r["state"]), Step(r["step"]), r["note"]) for r in rows]

    # --- who drives which item ---------------------------------------------------------------

    def claim(self, item_id: int, owner: str, previous: str | None) -> bool:
        """Take an item over from `previous` (a dead queue); False if someone else was faster."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE items SET owner = ?, updated_at = ? WHERE id = ? AND owner IS ?",
                (owner, time.time(), item_id, previous),
            )
            return cursor.rowcount == 1

    def request_cancel(self, item_id: int) -> None:
        """Ask the queue that drives the item (maybe in another process) to cancel it."""
        with self._transaction() as db:
            db.execute("UPDATE items SET cancel_requested = 1 WHERE id = ?", (item_id,))

    def cancel_requests(self, owner: str) -> list[int]:
        """Items of this owner someone asked to cancel; the requests are taken."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id FROM items WHERE owner = ? AND cancel_requested = 1", (owner,)
            ).fetchall()
            db.execute(
                "UPDATE items SET cancel_requested = 0 WHERE owner = ? AND cancel_requested = 1",
                (owner,),
            )
        return [row["id"] for row in rows]

    # --- queue-wide settings -------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str | None) -> None:
        with self._transaction() as db:
            if value is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
