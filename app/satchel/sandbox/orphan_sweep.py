"""Delete attachments that were never linked to a card, and their objects, after a grace period.

Step 1 of an upload makes a record and a policy; a client that gives up half-way would leave
both behind forever. The sweep runs as a background task of the app's lifespan.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from satchel.sandbox.records import iso_utc
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import Store

log = logging.getLogger(__name__)


def sweep_interval(grace_seconds: float) -> float:
    """Often enough that an orphan lives at most about 1.5 x grace; never busier than 2/s."""
    return min(max(grace_seconds / 2, 0.5), 60.0)


def _cutoff(grace_seconds: float) -> str:
    return iso_utc(datetime.now(UTC) - timedelta(seconds=grace_seconds))


async def sweep_once(store: Store, storage: StorageGate, grace_seconds: float) -> int:
    """Remove the orphans now; returns how many. Skipped while S3 is unreachable."""
    if not storage.ready:
        return 0
    orphans = store.claim_orphans(_cutoff(grace_seconds))
    for orphan in orphans:
        if orphan.object_key is None:
            continue
        try:
            await storage.call(storage.gateway.delete_object, orphan.object_key)
        except Exception:  # the record is gone already; keep sweeping the others
            log.warning("Could not delete the object of orphan attachment %s", orphan.id)
    if orphans:
        log.info("Swept %d attachment(s) never linked to a card", len(orphans))
    return len(orphans)


async def run_sweeper(store: Store, storage: StorageGate, grace_seconds: float) -> None:
    """Forever, until cancelled at shutdown."""
    interval = sweep_interval(grace_seconds)
    while True:
        await asyncio.sleep(interval)
        try:
            await sweep_once(store, storage, grace_seconds)
        except Exception:
            log.exception("The orphan sweep failed; it will run again")
