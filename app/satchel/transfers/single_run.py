"""An upload to a service that takes a file in one request (Trello's multipart POST).

There is no step 1 to journal an id from, so exactly-once rests on two things: the
request is only repeated when the service answered that it did not take it (429, 5xx),
and after a crash during the request, the card is searched for the file (same name,
same size, made after it was queued) before it is sent again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from satchel.domain.errors import SatchelError, ServiceUnavailable
from satchel.domain.model import Attachment
from satchel.domain.progress import ProgressCallback
from satchel.providers.base import Provider
from satchel.providers.retries import Retrier
from satchel.transfers.checks import FileFacts, check_unchanged, too_large
from satchel.transfers.hooks import Commit, RetryHook
from satchel.transfers.items import State, Step, TransferItem

#: Clocks differ: a file made this long before the item was queued still counts as its own.
_CLOCK_SLACK = timedelta(minutes=2)


class SingleRequestRun:
    def __init__(
        self,
        item: TransferItem,
        provider: Provider,
        *,
        commit: Commit,
        retrier: Retrier,
        on_retry: RetryHook,
        progress: ProgressCallback,
        max_size: int | None,
    ) -> None:
        self.item = item
        self.provider = provider
        self._commit = commit
        self._retrier = retrier
        self._on_retry = on_retry
        self._progress = progress
        self._max_size = max_size

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
        if self._max_size is not None and facts.size > self._max_size:
            raise too_large(item.local_path, facts.size, self._max_size)
        check_unchanged(item.local_path, facts)
        item.step = Step.SEND
        await self._commit(item, ("step",), durable=True)

        async def send() -> Attachment:
            return await self.provider.upload(
                card_id,
                item.local_path,
                name=item.name,
                content_type=item.content_type,
                progress=self._progress,
            )

        def refused_untouched(error: SatchelError) -> bool:
            # 429/5xx: the service did not take the file. A dropped connection may have
            # come after it did: sending again could attach it twice.
            return isinstance(error, ServiceUnavailable)

        attachment = await self._retrier.run(
            f"upload of item {item.id}", send, on_retry=self._on_retry, retry_if=refused_untouched
        )
        await self._done(attachment)

    async def _landed_copy(self, card_id: str) -> Attachment | None:
        item = self.item
        queued = datetime.fromtimestamp(item.created_at, UTC) - _CLOCK_SLACK
        attachments = await self._retrier.run(
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
        item.state, item.step = State.DONE, Step.DONE
        item.error = item.error_kind = None
        item.error_code = None
        fields = ("attachment_id", "state", "step", "error", "error_code", "error_kind")
        await self._commit(item, fields)
