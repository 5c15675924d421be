"""One file through the transfer queue, for a caller that keeps no queue of its own (the
command line's demo tour, tests): the same steps, retries and clean-up as the window's
uploads, on a journal that lives only as long as the call (unless a folder is given)."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from satchel.domain import errors
from satchel.domain.errors import Cancelled, NotFound, SatchelError
from satchel.domain.model import Attachment
from satchel.providers.base import Provider
from satchel.providers.retries import RetryPolicy
from satchel.transfers.items import State, TransferItem
from satchel.transfers.journal import FILE_NAME, Journal
from satchel.transfers.queue import TransferQueue

#: The queue's name for the one account it serves.
ACCOUNT = "one-off"


async def upload_file(
    provider: Provider,
    card_id: str,
    path: Path,
    *,
    journal_dir: Path | None = None,
    retry: RetryPolicy | None = None,
) -> Attachment:
    """Send `path` to the card through a queue of its own; returns the linked attachment.

    A failure is raised as the error the queue recorded; a cancel cancels the item, so
    nothing it made stays on the service.
    """
    with _folder(journal_dir) as folder:
        journal = Journal(folder / FILE_NAME)
        queue = TransferQueue(journal, lambda _account: provider, retry=retry, concurrency=1)
        try:
            (item,) = await queue.enqueue_uploads(ACCOUNT, card_id, [path])
            try:
                await queue.wait([item])
            except asyncio.CancelledError:
                await queue.cancel(item)
                raise
        finally:
            await queue.aclose()
            journal.close()
    if item.state is not State.DONE or item.attachment_id is None:
        raise failure_of(item)
    return await _landed(provider, card_id, item.attachment_id)


def failure_of(item: TransferItem) -> SatchelError:
    """The error an unfinished item ended with, as its own kind (the journal keeps the
    kind's name, the message and the exit code, not the exception)."""
    if item.state is State.CANCELLED:
        return Cancelled(f"“{item.name}” was cancelled.")
    kind = getattr(errors, item.error_kind or "", None)
    if not (isinstance(kind, type) and issubclass(kind, SatchelError)):
        kind = SatchelError
    return kind(item.error or f"“{item.name}” was not uploaded ({item.state.value}).")


async def _landed(provider: Provider, card_id: str, attachment_id: str) -> Attachment:
    for attachment in await provider.list_attachments(card_id):
        if attachment.id == attachment_id:
            return attachment
    raise NotFound(f"The uploaded attachment {attachment_id} is not on the card.")


@contextlib.contextmanager
def _folder(given: Path | None) -> Iterator[Path]:
    if given is not None:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="satchel-upload-") as made:
        yield Path(made)
