"""Trello's ids over the store's: 24-hex ObjectIds and 8-character shortLinks.

The store names its records by UUID; Trello clients expect Mongo ObjectIds (whose first
four bytes are the creation time, which paging with `before`/`since` and Satchel's card
estimate rely on) and, for boards and cards, a `shortLink`. Each store id gets both the
first time the dialect shows it, kept in `trello_ids` beside the store's tables.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable
from datetime import datetime

from satchel.sandbox.store import Store
from satchel.sandbox.trello.auth import TrelloError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS trello_ids (
    store_id TEXT PRIMARY KEY, oid TEXT NOT NULL UNIQUE, short_link TEXT NOT NULL UNIQUE);
"""
OBJECT_ID = re.compile(r"[0-9a-f]{24}")
SHORT_LINK = re.compile(r"[0-9A-Za-z]{8}")
_SHORT_ALPHABET = string.ascii_letters + string.digits
_CHUNK = 500
INVALID_ID = "invalid id"


def object_id_at(when: datetime) -> str:
    """A new ObjectId made at `when`: 4 bytes of seconds, then 8 random bytes."""
    return f"{int(when.timestamp()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"


def _short_link() -> str:
    return "".join(secrets.choice(_SHORT_ALPHABET) for _ in range(8))


class TrelloIds:
    def __init__(self, store: Store) -> None:
        self.store = store
        with store.connection() as db:
            db.executescript(_SCHEMA)

    def out(self, store_id: str, created_at: str) -> str:
        """The ObjectId the dialect shows for a store record (made on first use)."""
        return self.many([(store_id, created_at)])[store_id][0]

    def many_out(self, records: Iterable[tuple[str, str]]) -> dict[str, str]:
        return {key: oid for key, (oid, _link) in self.many(records).items()}

    def many(self, records: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
        """(ObjectId, shortLink) of many (store id, created at) at once, one query per 500."""
        wanted = dict(records)
        known: dict[str, tuple[str, str]] = {}
        ids = list(wanted)
        with self.store.transaction(), self.store.connection() as db:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT store_id, oid, short_link FROM trello_ids WHERE store_id IN ({marks})",  # noqa: S608
                    tuple(chunk),
                ).fetchall()
                known.update({r["store_id"]: (r["oid"], r["short_link"]) for r in rows})
            new = [
                (store_id, object_id_at(datetime.fromisoformat(created)), _short_link())
                for store_id, created in wanted.items()
                if store_id not in known
            ]
            db.executemany(
                "INSERT INTO trello_ids (store_id, oid, short_link) VALUES (?, ?, ?)", new
            )
        known.update({store_id: (oid, link) for store_id, oid, link in new})
        return known

    def into(self, text: str) -> str:
        """The store id an ObjectId or shortLink names; 400 `invalid id` for anything else
        (and for ids never shown: they name nothing)."""
        column = "oid" if OBJECT_ID.fullmatch(text) else None
        if column is None and SHORT_LINK.fullmatch(text):
            column = "short_link"
        if column is None:
            raise TrelloError(400, INVALID_ID)
        with self.store.connection() as db:
            row = db.execute(
                f"SELECT store_id FROM trello_ids WHERE {column} = ?",  # noqa: S608
                (text,),
            ).fetchone()
        if row is None:
            raise TrelloError(404, "The requested resource was not found.")
        return str(row["store_id"])

    def into_or_none(self, text: str | None) -> str | None:
        """For `before`/`since`: an ObjectId compares as it is, no lookup needed."""
        if text is None:
            return None
        if not OBJECT_ID.fullmatch(text):
            raise TrelloError(400, "invalid value for before")
        return text
