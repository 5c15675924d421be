"""An upload to a service that takes a file in one request (Trello's multipart POST).

There is no step 1 to journal an id from, so exactly-once rests on two things: the
request is only repeated when the service answered that it did not take it (429, 5xx),
and after a crash during the request, the card is searched for the file (same name,
same size, made after it was queued) before it is sent again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from satchel.domain.errors import SatchelError, ServiceUnavailable
from satchel.domain.model import Attachment, FileToSend
from satchel.providers.base import SingleRequestUploadProvider
from satchel.transfers.checks import FileFacts, check_unchanged, too_large
from satchel.transfers.items import DONE_FIELDS, Step, TransferItem
from satchel.transfers.run_context import RunContext

#: Clocks differ: a file made this long before the item was queued still counts as its own.
_CLOCK_SLACK = timedelta(minutes=2)


class SingleRequestRun:
    def __init__(
        self,
        item: TransferItem,
        provider: SingleRequestUploadProvider,
        context: RunContext,
    ) -> None:
        self.item = item
        self.provider = provider
        self.context = context

    async def run(self) -> None:
        item = self.item
        assert item.card_id is not None and item.size is not None and item.mtime_ns is not None
        card_id = item.card_id
        if item.step is Step.SEND:  # a crash during the request: did it land?
            landed = await self._landed_copy(card_id)
            if landed is not None:
                await self._done(landed)
                return
        facts = FileFacts(item.size, item.mtime_ns)
        if self.context.max_size is not None and facts.size > self.context.max_size:
            raise too_large(item.local_path, facts.size, self.context.max_size)
        check_unchanged(item.local_path, facts)
        item.step = Step.SEND
        await self.context.commit(item, ("step",), durable=True)
        content_type = item.content_type or "application/octet-stream"
        file = FileToSend(item.local_path, item.name, content_type)

        async def send() -> Attachment:
            return await self.provider.upload(card_id, file, self.context.progress)

        def refused_untouched(error: SatchelError) -> bool:
            # 429/5xx: the service did not take the file. A dropped connection may have
            # come after it did: sending again could attach it twice.
            return isinstance(error, ServiceUnavailable)

        attachment = await self.context.retry(
            f"upload of item {item.id}",
            send,
            retry_if=refused_untouched,
        )
        await self._done(attachment)

    async def _landed_copy(self, card_id: str) -> Attachment | None:
        item = self.item
        queued = datetime.fromtimestamp(item.created_at, UTC) - _CLOCK_SLACK
        attachments = await self.context.retry(
            f"lookup of item {item.id}", lambda: self.provider.list_attachments(card_id)
        )
        for attachment in attachments:
            made = attachment.created_at
            if (
                attachment.name == item.name
                and attachment.size == item.size
                and (made is None or made >= queued)
            ):
                return attachment
        return None

    async def _done(self, attachment: Attachment) -> None:
        item = self.item
        item.attachment_id = attachment.id
        item.mark_done()
        await self.context.commit(item, ("attachment_id", *DONE_FIELDS))
