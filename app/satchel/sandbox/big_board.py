"""`satchel sandbox --big-board`: a board big enough to measure the desktop tree against.

Tenant 0 gets, once per data dir, a board "Big board" whose lists hold 5,000 cards in all
(every one in "Backlog": one list of 5,000 is the hardest case for the tree) and 20,000
attachment records (stored and linked, with no object behind them: listing
is what is measured, not downloading). Written with a few bulk inserts in one
transaction, through a connection of its own to the store's file: well under a second.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from itertools import cycle, islice

from satchel.sandbox.records import iso_utc, object_key_for, utc_now
from satchel.sandbox.store import Store

log = logging.getLogger(__name__)

BOARD_NAME = "Big board"
LIST_NAMES = ("Backlog", "In progress", "Done")
CARDS = 5000
ATTACHMENTS = 20000
_SEEDED = "big_board_seeded"
#: (name pattern, content type, size in bytes) in turn, so the tree shows every kind.
_FILES = (
    ("scan-{n:05d}.png", "image/png", 48_213),
    ("brief-{n:05d}.pdf", "application/pdf", 312_904),
    ("notes-{n:05d}.txt", "text/plain", 2_048),
    ("assets-{n:05d}.zip", "application/zip", 4_718_592),
    ("data-{n:05d}.json", "application/json", 9_511),
)


def seed_big_board(store: Store) -> bool:
    """Add the big board to the first tenant unless this store has it; True if added."""
    if store.meta(_SEEDED) is not None:
        return False
    tenants = store.tenants()
    if not tenants:
        raise RuntimeError("The big board needs the demo tenants: seed them first.")
    tenant_id = tenants[0].id
    now = utc_now()
    # One card a minute since the board began: creation times spread as on a real board
    # (Trello's ids carry them, and clients estimate a board's size from them).
    start = datetime.now(UTC) - timedelta(minutes=CARDS + 1)
    began = iso_utc(start)
    card_times = [iso_utc(start + timedelta(minutes=n + 1)) for n in range(CARDS)]
    board_id = str(uuid.uuid4())
    list_ids = [str(uuid.uuid4()) for _ in LIST_NAMES]
    cards = [
        (str(uuid.uuid4()), tenant_id, board_id, list_ids[0], f"Card {n + 1:04d}")
        for n in range(CARDS)
    ]
    files = islice(cycle(_FILES), ATTACHMENTS)
    attachments = []
    for n, (pattern, content_type, size) in enumerate(files):
        attachment_id = str(uuid.uuid4())
        card_id = cards[n % CARDS][0]
        key = object_key_for(tenant_id, attachment_id)
        name = pattern.format(n=n + 1)
        attachments.append((attachment_id, tenant_id, card_id, name, content_type, size, key))

    db = sqlite3.connect(store.path, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            "INSERT INTO boards (id, tenant_id, name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (board_id, tenant_id, BOARD_NAME, began, now),
        )
        db.executemany(
            "INSERT INTO lists (id, tenant_id, board_id, name, position, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (list_id, tenant_id, board_id, name, position, now, now)
                for position, (list_id, name) in enumerate(zip(list_ids, LIST_NAMES, strict=True))
            ],
        )
        db.executemany(
            "INSERT INTO cards (id, tenant_id, board_id, list_id, name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*card, made, now) for card, made in zip(cards, card_times, strict=True)],
        )
        db.executemany(
            "INSERT INTO attachments (id, tenant_id, card_id, name, content_type, size, kind,"
            " url, state, object_key, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'file', NULL, 'stored', ?, ?, ?)",
            [(*attachment, now, now) for attachment in attachments],
        )
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (_SEEDED,))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
    log.info("Made the big board: %d cards, %d attachments", CARDS, ATTACHMENTS)
    return True
