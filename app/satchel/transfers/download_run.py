"""One download, resumed from its partial file, moved into place without overwriting anything."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from pathlib import Path

import httpx

from satchel.domain.model import Attachment
from satchel.local_files import temporary_beside
from satchel.providers.base import Provider
from satchel.storage.download import write_error
from satchel.storage.resumable_download import fetch_resumable
from satchel.transfers.items import DONE_FIELDS, TransferItem
from satchel.transfers.naming import place_without_overwriting
from satchel.transfers.run_context import RunContext
from satchel.transfers.same_content import AlreadySaved, confirming, copy_to_confirm, same_bytes


def partial_path_for(dest: Path, item_id: int) -> Path:
    """Hidden, beside the destination (so moving it into place is a rename), one per item."""
    return temporary_beside(dest, f"satchel-{item_id}")


class DownloadRun:
    def __init__(
        self,
        item: TransferItem,
        provider: Provider,
        storage: httpx.AsyncClient,
        context: RunContext,
    ) -> None:
        self.item = item
        self.provider = provider
        self._storage = storage
        self.context = context

    def _attachment(self) -> Attachment:
        item = self.item
        assert item.attachment_id is not None
        return Attachment(
            id=item.attachment_id,
            name=item.name,
            card_id=item.card_id,
            content_type=item.content_type or "application/octet-stream",
            size=item.size,
        )

    async def run(self) -> None:
        item = self.item
        if item.partial_path is None:
            item.partial_path = partial_path_for(item.local_path, item.id)
            await self.context.commit(item, ("partial_path",))
        partial = item.partial_path
        attachment = self._attachment()
        saved = copy_to_confirm(item)  # read before the etag below names the partial's object

        async def keep_etag(etag: str | None) -> None:
            item.etag = etag
            item.mtime_ns = None  # another object than the saved copy's: not that copy
            await self.context.commit(item, ("etag", "mtime_ns"))

        def open_file(headers: dict[str, str]) -> Awaitable[httpx.Response]:
            return self.provider.open_file(attachment, headers)

        async def fetch() -> None:
            await fetch_resumable(
                open_file if saved is None else confirming(open_file, saved),
                partial,
                expected_size=item.size,
                etag=item.etag,
                on_etag=keep_etag,
                progress=self.context.progress,
            )

        try:
            await self.context.retry(f"download of item {item.id}", fetch)
        except AlreadySaved:
            assert saved is not None
            await self._finish(saved.path, partial, skipped=True)
            return
        if saved is not None and await asyncio.to_thread(same_bytes, partial, saved):
            await self._finish(saved.path, partial, skipped=True)
            return
        try:
            final = place_without_overwriting(partial, item.local_path)
        except OSError as error:
            raise write_error(item.local_path, error) from None
        await self._finish(final, partial, skipped=False)

    async def _finish(self, final: Path, partial: Path, *, skipped: bool) -> None:
        """Done: saved as `final` (or found there already, `skipped`, the partial file dropped)."""
        self._mark_done(final, partial, skipped)
        await self.context.commit(
            self.item,
            (
                *("local_path", "mtime_ns", "etag", "partial_path", "skipped"),
                *DONE_FIELDS,
            ),
            durable=True,  # "saved" must survive a power cut, as the file itself does
        )

    def _mark_done(self, final: Path, partial: Path, skipped: bool) -> None:
        item = self.item
        if skipped:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        item.local_path = final
        item.mtime_ns = final.stat().st_mtime_ns  # what "already saved" checks later
        item.partial_path = None
        item.mark_done()
        item.skipped = skipped
