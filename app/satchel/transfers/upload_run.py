"""One upload, step by step, from wherever its journal says it is, to a linked attachment.

create → send → confirm → link, each step journalled as it ends. The attachment's id
is journalled (durably, and waited for) as soon as step 1 returns, so whatever
happens later, Satchel either links that attachment or deletes it; it never makes a
second one while the first may still be linked. Restarting from step 1 always deletes
the previous attachment first (step DISCARD). The link goes out only once the journal
says LINK; the CONFIRM record before it is not waited for (see AsyncJournal): losing
it to a crash only means sending again.

Failures the runner cannot fix propagate; the queue records them and cleans up.
"""

from __future__ import annotations

import asyncio
import logging

from satchel.domain.errors import (
    IntegrityError,
    NotFound,
    PolicyExpired,
    Rejected,
    SatchelError,
)
from satchel.domain.model import PendingUpload, StoredObject
from satchel.providers.staged import StagedUploadProvider
from satchel.transfers.checks import FileFacts, check_unchanged, too_large
from satchel.transfers.items import DONE_FIELDS, Step, TransferItem
from satchel.transfers.run_context import RunContext

log = logging.getLogger(__name__)

#: Times one item may start over from step 1 (expired permission, swept attachment...).
MAX_RESTARTS = 4
#: How long a cancel waits for a step 1 already on its way, to learn what to delete.
CREATE_GRACE_SECONDS = 10.0


class UploadRun:
    def __init__(
        self,
        item: TransferItem,
        provider: StagedUploadProvider,
        context: RunContext,
        *,
        pending: dict[int, PendingUpload],
    ) -> None:
        self.item = item
        self.provider = provider
        self.context = context
        #: Upload permissions of this session by item id; after a restart there are none.
        self._pending = pending
        self._restarts = 0

    @property
    def _facts(self) -> FileFacts:
        item = self.item
        assert item.size is not None and item.mtime_ns is not None
        return FileFacts(item.size, item.mtime_ns)

    async def run(self) -> None:
        while self.item.step is not Step.DONE:
            step = self.item.step
            try:
                if step is Step.DISCARD:
                    await self.discard()
                elif step is Step.CREATE:
                    await self._create()
                elif step is Step.SEND:
                    await self._send()
                elif step is Step.CONFIRM:
                    await self._confirm()
                elif step is Step.LINK:
                    await self._link()
                else:
                    raise AssertionError(f"an upload at step {step}")
            except _StartOver as again:
                await self._start_over(again)

    # --- the steps -------------------------------------------------------------------------

    async def _create(self) -> None:
        item = self.item
        facts = self._facts
        if self.context.max_size is not None and facts.size > self.context.max_size:
            raise too_large(item.local_path, facts.size, self.context.max_size)
        check_unchanged(item.local_path, facts)
        content_type = item.content_type or "application/octet-stream"

        async def create() -> PendingUpload:
            return await self.provider.create_upload(item.name, facts.size, content_type)

        creating = asyncio.ensure_future(self.context.retry(f"create of item {item.id}", create))
        try:
            pending = await asyncio.shield(creating)
        except asyncio.CancelledError:
            # The service may be making the attachment right now: wait a moment for its
            # id, so that a cancel can delete it (the one who cancelled journals it).
            await self._learn_created(creating)
            raise
        self._created(pending)
        # Durable: from here on, the attachment is known for good, whatever happens.
        await self.context.commit(item, ("attachment_id", "step"), durable=True)

    def _created(self, pending: PendingUpload) -> None:
        self._pending[self.item.id] = pending
        self.item.attachment_id = pending.id
        self.item.step = Step.SEND

    async def _learn_created(self, creating: asyncio.Future[PendingUpload]) -> None:
        done, _ = await asyncio.wait([creating], timeout=CREATE_GRACE_SECONDS)
        if not done:
            creating.cancel()  # the service's orphan sweep removes what it may have made
        elif not creating.cancelled() and creating.exception() is None:
            self._created(creating.result())

    async def _send(self) -> None:
        item = self.item
        pending = self._pending.get(item.id)
        if pending is None or pending.id != item.attachment_id:
            # A restart lost the permission (it is never journalled): ask for a new one.
            raise _StartOver("the upload permission is not kept across restarts", count=False)
        facts = self._facts
        check_unchanged(item.local_path, facts)
        item.done_bytes = 0

        async def send() -> StoredObject:
            return await self.provider.send_upload(
                pending, item.local_path, progress=self.context.progress
            )

        def worth_again(error: SatchelError) -> bool:
            # An expired permission or a corrupt copy needs a new attachment, not a resend.
            return error.retryable and not isinstance(error, PolicyExpired | IntegrityError)

        try:
            stored = await self.context.retry(
                f"send of item {item.id}",
                send,
                retry_if=worth_again,
            )
        except (PolicyExpired, IntegrityError) as error:
            raise _StartOver(type(error).__name__, error=error) from None
        # The file may have been replaced between the check and the open: check again.
        check_unchanged(item.local_path, facts)
        self._pending.pop(item.id, None)
        item.location = stored.location
        item.etag = stored.etag
        item.step = Step.CONFIRM
        # Not waited for: lost in a crash, the upload starts over (its attachment deleted
        # first), as it would have with the permission gone anyway. The LINK record after
        # the confirm is waited for, and writes this one first: no link goes out while
        # the journal still says SEND (which would delete a linked attachment).
        await self.context.commit(item, ("location", "etag", "step"), wait=False)

    async def _confirm(self) -> None:
        item = self.item
        assert item.attachment_id is not None and item.location is not None
        # Only the id matters to confirm; after a restart that is all there is.
        pending = PendingUpload(id=item.attachment_id, url=item.location, fields={}, key="")
        stored = StoredObject(location=item.location, etag=item.etag)

        async def confirm() -> object:
            return await self.provider.confirm_upload(pending, stored)

        try:
            await self.context.retry(f"confirm of item {item.id}", confirm)
        except (NotFound, Rejected) as error:
            # Swept as an orphan while Satchel was away, or the object is not (all) there.
            raise _StartOver(f"confirm refused: {error.message}", error=error) from None
        item.step = Step.LINK
        await self.context.commit(item, ("step",))

    async def _link(self) -> None:
        item = self.item
        assert item.attachment_id is not None and item.card_id is not None
        attachment_id, card_id = item.attachment_id, item.card_id

        async def link() -> object:
            return await self.provider.link_attachment(card_id, attachment_id)

        try:
            await self.context.retry(f"link of item {item.id}", link)
        except NotFound as error:
            if await self._attachment_exists(attachment_id):
                raise NotFound(
                    "The card is no longer there, or this account cannot see it. "
                    "Choose another card and send the file again.",
                    detail=error.detail,
                ) from None
            raise _StartOver("the attachment was swept before it was linked", error=error) from None
        item.mark_done()
        await self.context.commit(item, DONE_FIELDS)

    async def _attachment_exists(self, attachment_id: str) -> bool:
        async def look() -> object:
            return await self.provider.get_attachment(attachment_id)

        try:
            await self.context.retry(f"lookup of item {self.item.id}", look)
        except NotFound:
            return False
        return True

    # --- starting over ---------------------------------------------------------------------

    async def discard(self) -> None:
        """Delete the attachment step 1 made (if any) on the service, then forget it."""
        item = self.item
        attachment_id = item.attachment_id
        if attachment_id is not None:

            async def delete() -> None:
                await self.provider.discard_upload(attachment_id)

            await self.context.retry(f"discard of item {item.id}", delete)
        self._pending.pop(item.id, None)
        item.attachment_id = item.location = item.etag = None
        item.step = Step.CREATE
        await self.context.commit(item, ("attachment_id", "location", "etag", "step"))

    async def _start_over(self, again: _StartOver) -> None:
        if again.count:
            self._restarts += 1
            if self._restarts > MAX_RESTARTS:
                raise again.error or Rejected(
                    f"“{self.item.name}” could not be uploaded after {MAX_RESTARTS} new starts."
                )
        log.info("item %d starts over from step 1: %s", self.item.id, again.reason)
        self.item.done_bytes = 0
        self.item.step = Step.DISCARD  # journalled first: a crash now still cleans up
        await self.context.commit(self.item, ("step",), note=again.reason)
        await self.discard()


class _StartOver(Exception):
    def __init__(self, reason: str, *, error: SatchelError | None = None, count: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.error = error
        self.count = count
