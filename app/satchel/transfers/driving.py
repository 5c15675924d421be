"""Running one item, and ending it: done, failed, cancelled or paused, with the service tidy.

The queue decides what runs when; this decides what running, failing and cancelling
mean for an item. A failed or cancelled upload deletes the attachment it created
(journalled first as step DISCARD, so a crash in between still cleans up later).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import replace

import httpx

from satchel.domain.errors import SatchelError
from satchel.domain.model import Identity, PendingUpload
from satchel.domain.progress import ProgressCallback
from satchel.providers.base import Provider, SingleRequestUploadProvider
from satchel.providers.retries import Retrier, RetryHook, RetryPolicy
from satchel.providers.staged import StagedUploadProvider
from satchel.storage.client import make_storage_client
from satchel.transfers.download_run import DownloadRun
from satchel.transfers.items import Direction, State, Step, TransferItem
from satchel.transfers.new_items import record_failure
from satchel.transfers.run_context import Commit, ProviderSource, RunContext
from satchel.transfers.single_run import SingleRequestRun
from satchel.transfers.upload_run import UploadRun

log = logging.getLogger(__name__)

#: Clean-up after a failure or a cancel: a few quick tries, then the journal remembers it.
CLEANUP_POLICY = RetryPolicy(max_attempts=4, base_delay=0.25, max_delay=4.0)


class Driver:
    def __init__(
        self,
        commit: Commit,
        providers: ProviderSource,
        policy: RetryPolicy,
        *,
        progress_hook: Callable[[TransferItem], ProgressCallback],
        retry_hook: Callable[[TransferItem], RetryHook],
        storage_client: httpx.AsyncClient | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._commit = commit
        self._providers = providers
        self.retrier = Retrier(policy, rng)
        self._cleanup = Retrier(CLEANUP_POLICY, rng)
        self._progress_hook = progress_hook
        self._retry_hook = retry_hook
        #: Upload permissions of this session; never journalled (they are capabilities).
        self._pending: dict[int, PendingUpload] = {}
        self._identities: dict[str, tuple[Provider, asyncio.Future[Identity]]] = {}
        self._limits: dict[str, int | None] = {}
        self._storage = storage_client
        self._own_storage = storage_client is None

    def provider(self, account: str) -> Provider:
        return self._providers(account)

    def known_max_size(self, account: str) -> int | None:
        """The account's upload limit if already known (never waits for the service)."""
        if account in self._limits:
            return self._limits[account]
        try:
            provider = self._providers(account)
        except SatchelError:
            return None
        return provider.max_upload_size if isinstance(provider, StagedUploadProvider) else None

    async def _max_size(self, account: str, provider: StagedUploadProvider) -> int | None:
        if provider.max_upload_size is not None:
            self._limits[account] = provider.max_upload_size
            return provider.max_upload_size
        entry = self._identities.get(account)
        if entry is None or entry[0] is not provider:
            # One `whoami` per account and provider, shared by all its items.
            future = asyncio.ensure_future(self.retrier.run("whoami", provider.whoami))
            entry = (provider, future)
            self._identities[account] = entry
        try:
            identity = await asyncio.shield(entry[1])
        except SatchelError as error:
            if error.retryable and self._identities.get(account) is entry:
                del self._identities[account]  # the next item asks again
            raise  # a refusal (401...) stays: the other items fail without asking again
        self._limits[account] = identity.max_upload_size
        return identity.max_upload_size

    def _storage_client(self) -> httpx.AsyncClient:
        if self._storage is None:
            self._storage = make_storage_client()
        return self._storage

    def _upload_run(
        self,
        item: TransferItem,
        provider: StagedUploadProvider,
        retrier: Retrier,
        max_size: int | None = None,
    ) -> UploadRun:
        return UploadRun(
            item, provider, self._context(item, retrier, max_size), pending=self._pending
        )

    def _context(
        self, item: TransferItem, retrier: Retrier, max_size: int | None = None
    ) -> RunContext:
        return RunContext(
            commit=self._commit,
            retrier=retrier,
            on_retry=self._retry_hook(item),
            progress=self._progress_hook(item),
            max_size=max_size,
        )

    async def run(self, item: TransferItem) -> None:
        """From the journalled step to DONE; raises what it cannot overcome."""
        provider = self._providers(item.account)
        if item.direction is Direction.DOWNLOAD:
            storage = self._storage_client()
            await DownloadRun(item, provider, storage, self._context(item, self.retrier)).run()
            return
        if isinstance(provider, SingleRequestUploadProvider):
            limit = self.known_max_size(item.account)
            await SingleRequestRun(item, provider, self._context(item, self.retrier, limit)).run()
            return
        if not isinstance(provider, StagedUploadProvider):
            raise AssertionError(f"{provider!r} has no upload the queue can run")
        limit = await self._max_size(item.account, provider)
        await self._upload_run(item, provider, self.retrier, limit).run()

    # --- endings -----------------------------------------------------------------------------

    async def fail(self, item: TransferItem, error: SatchelError) -> None:
        record_failure(item, error)
        log.info("item %d failed: %s (%s)", item.id, error.message, error.detail or "")
        fields = ["state", "error", "error_code", "error_kind", "finished_at", "attempts"]
        await self._end(item, fields, note=error.message)

    async def cancel(self, item: TransferItem) -> None:
        item.state = State.CANCELLED
        item.finished_at = time.time()
        fields = ["state", "finished_at"]
        await self._end(item, fields, note="cancelled")
        if item.direction is Direction.DOWNLOAD and item.partial_path is not None:
            with contextlib.suppress(OSError):
                item.partial_path.unlink(missing_ok=True)
            item.partial_path = None
            await self._commit(item, ("partial_path",))

    async def _end(self, item: TransferItem, fields: list[str], *, note: str) -> None:
        cleanup = item.direction is Direction.UPLOAD and item.attachment_id is not None
        if cleanup:
            item.step = Step.DISCARD  # journalled before the delete: a crash now still cleans up
        # Durable: after a power cut, a cancelled file must not come back to life.
        await self._commit(item, (*fields, "step", "attachment_id"), note=note, durable=True)
        if cleanup:
            await self.discard(item)

    async def discard(self, item: TransferItem) -> bool:
        """Delete the attachment the upload created; False (and remembered) if that failed."""
        try:
            provider = self._providers(item.account)
            if not isinstance(provider, StagedUploadProvider):
                return False
            # Its retries keep quiet: the item goes on showing why it ended, not the clean-up's.
            context = replace(self._context(item, self._cleanup), on_retry=_cleanup_retried)
            await UploadRun(item, provider, context, pending=self._pending).discard()
        except SatchelError as error:
            log.warning(
                "could not remove the unfinished upload of item %d from the service: %s; "
                "Satchel tries again at its next start",
                item.id,
                error.message,
            )
            return False
        return True

    async def pause(self, item: TransferItem) -> None:
        """Back to the queue, keeping what is done: the attachment, even the permission."""
        item.state = State.QUEUED
        fields = ("state", "step", "attachment_id", "location", "etag")
        await self._commit(item, fields, note="paused")

    async def interrupted(self, item: TransferItem) -> None:
        """Satchel is closing: journal how far the item got; the next start goes on."""
        await self._commit(item, ("step", "attachment_id", "location", "etag"), note="interrupted")

    async def aclose(self) -> None:
        for _provider, future in self._identities.values():
            future.cancel()
        if self._own_storage and self._storage is not None:
            await self._storage.aclose()
        self._storage = None


def _cleanup_retried(error: SatchelError, attempt: int, _wait: float) -> None:
    log.info("clean-up try %d failed: %s", attempt, error.message)
